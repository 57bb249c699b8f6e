'use strict';
// The "every page" sweep (specs/11_every_page): the GET routes read from the one route table
// (src/web/routes.rs), so a page added later is visited without editing the spec, and the
// checks each HTML page must pass at the phone (390×844) and desktop (1366×900) sizes:
//   - no sideways scroll (the document no wider than the window);
//   - no ISO timestamp and no raw id (32-hex ids, `document:…`, `account:…`) in visible text;
//   - every visible field at least 32 px high, with text of at least 16 px on the phone;
//   - no axe violation of serious or critical impact.

const fs = require('node:fs');
const path = require('node:path');
const { checkA11y } = require('./browser');

const ROUTES_RS = path.join(__dirname, '..', '..', '..', 'src', 'web', 'routes.rs');

const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1366, height: 900 },
};

/**
 * Every GET route of the table: `{pattern, access, right}`. Fails if the table cannot be
 * read or no route is found (a reformatted table must not make the sweep visit nothing).
 */
function getRoutes(file = ROUTES_RS) {
  const text = fs.readFileSync(file, 'utf8');
  const re = /route\(\s*"GET"\s*,\s*"([^"]+)"\s*,\s*Access::(\w+)\s*,\s*Right::(\w+)/g;
  const routes = [];
  for (const m of text.matchAll(re)) routes.push({ pattern: m[1], access: m[2], right: m[3] });
  // Every `route("GET"` line must have been understood.
  const lines = (text.match(/route\(\s*"GET"/g) || []).length;
  if (!routes.length || routes.length !== lines) {
    throw new Error(`read ${routes.length} GET routes of ${lines} in ${file}: the table's format changed`);
  }
  return routes;
}

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const RAW_IDS = [/\b[0-9a-f]{32}\b/, /\b(document|account|space|message|request|event):[0-9a-f]{4,}/];

/**
 * The problems of the page as shown now, at `size` ('phone' | 'desktop'): a list of
 * sentences (empty when the page is clean).
 */
async function pageProblems(page, size) {
  const phone = size === 'phone';
  const found = await page.evaluate(
    ({ phone, iso, ids }) => {
      const out = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > window.innerWidth) {
        // The widest elements that stick out, to say where to look.
        const wide = [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(-3)
          .map((e) => `<${e.tagName.toLowerCase()}${e.className ? ` class="${e.className}"` : ''}> ${Math.round(e.getBoundingClientRect().right)} px`);
        out.push(`scrolls sideways: ${doc.scrollWidth} px in a ${window.innerWidth} px window (${wide.join('; ')})`);
      }
      const text = document.body.innerText;
      const isoHit = text.match(new RegExp(iso, 'g'));
      if (isoHit) out.push(`ISO timestamp in visible text: ${[...new Set(isoHit)].slice(0, 3).join(', ')}`);
      for (const src of ids) {
        const hit = text.match(new RegExp(src, 'g'));
        if (hit) out.push(`raw id in visible text: ${[...new Set(hit)].slice(0, 3).join(', ')}`);
      }
      const fields = document.querySelectorAll('input:not([type=hidden]), select, textarea');
      for (const f of fields) {
        const r = f.getBoundingClientRect();
        const style = getComputedStyle(f);
        if (!r.width || !r.height || style.visibility === 'hidden') continue; // not shown (closed <details>…)
        const name = `${f.tagName.toLowerCase()}${f.type ? `[type=${f.type}]` : ''}${f.id ? `#${f.id}` : f.name ? `[name=${f.name}]` : ''}`;
        const box = ['checkbox', 'radio'].includes(f.type);
        if (!box && r.height < 32) out.push(`field ${name} is ${Math.round(r.height)} px high (< 32)`);
        if (phone && !box && parseFloat(style.fontSize) < 16) out.push(`field ${name} has ${style.fontSize} text on a phone (< 16 px)`);
      }
      return out;
    },
    { phone, iso: ISO.source, ids: RAW_IDS.map((r) => r.source) },
  );
  try {
    await checkA11y(page, { label: size });
  } catch (e) {
    if (!/^accessibility:/.test(e.message)) throw e;
    found.push(e.message.split('\n').slice(0, 12).join('\n    '));
  }
  return found;
}

/** Resizes the page to one of SIZES. */
async function resize(page, size) {
  await page.setViewportSize(SIZES[size]);
}

module.exports = { getRoutes, pageProblems, resize, SIZES, ISO, RAW_IDS };
