'use strict';
// Every page of the route table, as the anonymous visitor, the staff (administrator and
// operator) and a client see it, at 390×844 and 1366×900 (issue 16, "how it is shown").
//
// The GET routes are read from src/web/routes.rs (lib/sweep.js), and their `{id}`-style
// parameters are filled with the URLs the pages themselves link to (lib/crawl.js), in a box
// with something of every kind (lib/sweep_fixture.js); what only a mail gives (invitation,
// secure mail, reset, drop box, calendar feed) is added by the fixture. A route added later
// is therefore visited without editing this file, and a GET route no visit could reach
// fails the last test, named. Only the JSON API (/api/…, for scripts; its routes are
// checked against the OpenAPI document by tests/openapi.rs) is left out, by its prefix.
//
// Each HTML page must pass lib/sweep.js's checks (no sideways scroll, no ISO time or raw id
// in visible text, fields ≥ 32 px high with 16 px text on a phone, axe). Every problem of
// every page is collected and reported at the end. Screenshots of every page reached, at
// both sizes, go to test-results/pages/ (not committed).

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const nodePath = require('node:path');
const { appSuite } = require('../lib/harness');
const { startServer } = require('../lib/server');
const { openApp } = require('../lib/browser');
const { getRoutes, pageProblems, resize, SIZES } = require('../lib/sweep');
const { matches } = require('../lib/route_match');
const { crawl } = require('../lib/crawl');
const { buildBox } = require('../lib/sweep_fixture');

const SHOTS = nodePath.join(__dirname, '..', 'test-results', 'pages');
const NOT_PAGES = /^\/api\//;
// Routes whose GET is an action that answers with a redirect by design (never a page):
// reached when they answer 303 with a Location. A route added later that redirects fails
// until it is named here, on purpose.
const REDIRECTS = { '/lang/{code}': ['/lang/en', '/lang/fr'] };

describe('every page, at phone and desktop size', { timeout: 1_800_000 }, () => {
  const app = appSuite({ smtp: true, server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } } });
  const routes = getRoutes().filter((r) => !NOT_PAGES.test(r.pattern));
  const patterns = routes.map((r) => r.pattern);
  /** pattern → [{who, url, status}] of every visit; a 200 that stayed on the route covers it. */
  const visits = new Map(patterns.map((p) => [p, []]));
  const problems = [];
  const state = {};

  /** Visits `url` as `who` in `page`: HTML pages get every check at both sizes. */
  async function visit(who, page, pattern, url, { shoot = false } = {}) {
    const origin = new URL(page.url() === 'about:blank' ? app.server.url : page.url()).origin;
    const res = await page.context().request.get(`${origin}${url}`, { maxRedirects: 5 });
    const type = res.headers()['content-type'] || '';
    const stayed = matches(pattern, new URL(res.url()).pathname);
    if (!type.startsWith('text/html')) {
      visits.get(pattern).push({ who, url, status: res.status(), ok: res.status() === 200 && stayed });
      return;
    }
    await resize(page, 'desktop');
    const r = await page.goto(`${origin}${url}`, { waitUntil: 'load' });
    const landed = new URL(page.url()).pathname;
    const ok = r.status() === 200 && matches(pattern, landed);
    visits.get(pattern).push({ who, url, status: r.status(), ok, landed });
    if (!ok) return;
    for (const size of ['desktop', 'phone']) {
      await resize(page, size);
      for (const p of await pageProblems(page, size)) problems.push(`${who} ${url} @ ${SIZES[size].width} px: ${p}`);
      if (shoot) {
        const slug = pattern.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'root';
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: nodePath.join(SHOTS, `${who}-${slug}-${size}.png`), fullPage: true }).catch(() => {});
      }
    }
    await resize(page, 'desktop');
  }

  app.test('the box gets something of every kind (the setup page is checked first)', async () => {
    const anon = await app.open('desktop');
    const staff = await app.open('desktop');
    state.anon = anon.page;
    state.staff = staff.page;
    // The setup link is valid until used: its page is swept now.
    await state.anon.goto(app.server.url);
    await visit('anonymous', state.anon, '/setup/{token}', new URL(app.server.setupLink).pathname, { shoot: true });
    const box = await buildBox(app, { staffPage: state.staff, anonPage: state.anon });
    state.client = box.client.page;
    state['signing-in'] = box.signingIn.page;
    state.extra = box.extra;
  });

  // 'signing-in': between the password and the code of a two-factor sign-in.
  for (const who of ['anonymous', 'staff', 'client', 'signing-in']) {
    app.test(`every page the ${who} can reach passes the checks`, async () => {
      const page = state[who === 'anonymous' ? 'anon' : who];
      assert.ok(page, 'the box was built');
      const starts = who === 'signing-in'
        ? ['/login/totp']
        : [...patterns.filter((p) => !p.includes('{')), ...(who === 'anonymous' ? state.extra.anon : [])];
      // Redirecting routes (the language links) are never followed: they change the session.
      const followed = patterns.filter((p) => !REDIRECTS[p]);
      // The signing-in visitor sees only his code page: any other page could end that state.
      const found = who === 'signing-in'
        ? new Map(followed.map((p) => [p, new Set()]))
        : await crawl(page.context(), app.server.url, starts, followed);
      for (const s of starts) {
        const p = followed.filter((pat) => matches(pat, s.split('?')[0])).sort((a, b) => a.split('{').length - b.split('{').length)[0];
        if (p) found.get(p).add(s);
      }
      await page.goto(app.server.url);
      for (const pattern of followed) {
        // The space pages once per kind of space; others twice at most.
        const urls = [...found.get(pattern)].slice(0, pattern.startsWith('/spaces/{id}') ? 4 : 2);
        for (const [i, url] of urls.entries()) await visit(who, page, pattern, url, { shoot: i === 0 });
      }
    });
  }

  app.test('on a phone the staff navigation is one line, and its menu opens without script', async () => {
    // A browser with scripts off, signed in as the staff (the same session cookie).
    const context = await app.browser.newContext({ viewport: SIZES.phone, isMobile: true, hasTouch: true, javaScriptEnabled: false, locale: 'fr-FR' });
    try {
      await context.addCookies(await state.staff.context().cookies());
      const page = await context.newPage();
      await page.goto(`${app.server.url}/`);
      const bar = await page.locator('header.top').boundingBox();
      assert.ok(bar.height <= 64, `the top bar is one line on a phone: ${bar.height} px`);
      const admin = page.getByRole('link', { name: 'Personnel', exact: true });
      assert.equal(await admin.count(), 0, 'the administration is folded in the menu');
      await page.locator('header summary', { hasText: 'Menu' }).click();
      await admin.waitFor();
      for (const name of ['Tableau de bord', 'Courrier sécurisé', 'Dépôts', 'Journal', 'Mon compte']) {
        assert.ok(await page.getByRole('link', { name, exact: true }).isVisible(), `${name} in the menu`);
      }
      assert.ok(await page.getByRole('button', { name: 'Se déconnecter', exact: true }).isVisible());
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 0, `the open menu scrolls sideways by ${wide} px`);
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: nodePath.join(SHOTS, 'staff-menu-open-phone.png') });
    } finally {
      await context.close();
    }
  });

  app.test('the routes that redirect by design answer with a redirect', async () => {
    for (const [pattern, urls] of Object.entries(REDIRECTS)) {
      for (const url of urls) {
        const res = await fetch(`${app.server.url}${url}`, { redirect: 'manual' });
        const ok = res.status === 303 && Boolean(res.headers.get('location'));
        visits.get(pattern).push({ who: 'anonymous', url, status: res.status, ok });
      }
    }
  });

  app.test('a sealed box shows its unlock page', async () => {
    const sealed = await startServer({ args: ['--sealed'], expectSetupLink: false, locked: true });
    try {
      const guard = await openApp(app.browser, sealed.url);
      app.contexts.push(guard);
      const page = await guard.newPage();
      await page.goto(sealed.url);
      for (const r of routes.filter((x) => x.access === 'Locked')) {
        if (!r.pattern.includes('{')) await visit('sealed', page, r.pattern, r.pattern, { shoot: true });
      }
    } finally {
      await sealed.stop();
    }
  });

  app.test('every GET route was reached, and every page passed every check', () => {
    const unfilled = [];
    for (const [pattern, v] of visits) {
      if (v.some((x) => x.ok)) continue;
      unfilled.push(v.length
        ? `${pattern}: no visit answered 200 on the route (${v.map((x) => `${x.who} ${x.url} → ${x.status}${x.landed && x.landed !== x.url ? ` at ${x.landed}` : ''}`).join('; ')})`
        : `${pattern}: no page links to it and the fixture gives no URL for it`);
    }
    const covered = [...visits.values()].filter((v) => v.some((x) => x.ok)).length;
    const report = [];
    if (unfilled.length) report.push(`${unfilled.length} GET route(s) could not be filled:\n  ${unfilled.join('\n  ')}`);
    if (problems.length) report.push(`${problems.length} problem(s) on the pages:\n  ${problems.join('\n  ')}`);
    assert.ok(covered > 0, 'no route was reached');
    if (report.length) assert.fail(`${covered} of ${visits.size} GET routes reached.\n\n${report.join('\n\n')}`);
  });
});
