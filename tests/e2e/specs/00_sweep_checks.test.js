'use strict';
// Self-test of the every-page sweep's checks (lib/sweep.js), no huisclos needed: on a page
// with one fault of each kind they report each fault, and on a clean page nothing; the
// route table is read whole, and the JavaScript pattern matching agrees with the Rust one.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser } = require('../lib/browser');
const { getRoutes, pageProblems, resize } = require('../lib/sweep');
const { matches } = require('../lib/route_match');

const CLEAN = `<!doctype html><html lang="fr"><head><title>Propre</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>input{font-size:16px;height:44px;width:100%;box-sizing:border-box}</style></head>
<body><main><h1>Propre</h1><p>Reçu le 7 déc. 2026 à 01:17.</p>
<label for="a">Nom</label><input id="a"></main></body></html>`;

const FAULTY = `<!doctype html><html lang="fr"><head><title>Fautive</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>#small{font-size:13px;height:21px;box-sizing:border-box}</style></head>
<body><main><h1>Fautive</h1>
<p>Déposé le 2026-12-07T00:15:50Z par account:ef7f0123.</p>
<p>Document 3de3fc0d3de3fc0d3de3fc0d3de3fc0d</p>
<div style="width:600px">large</div>
<label for="small">Nom</label><input id="small">
<input id="nolabel"></main></body></html>`;

describe('the every-page sweep checks', () => {
  let browser;
  let page;
  before(async () => {
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
  });
  after(async () => browser && browser.close());

  it('finds nothing on a clean page, at both sizes', async () => {
    await page.setContent(CLEAN);
    for (const size of ['phone', 'desktop']) {
      await resize(page, size);
      assert.deepEqual(await pageProblems(page, size), [], size);
    }
  });

  it('reports sideways scroll, ISO time, raw ids, a small field and axe on a phone', async () => {
    await page.setContent(FAULTY);
    await resize(page, 'phone');
    const found = (await pageProblems(page, 'phone')).join('\n');
    for (const want of [
      /scrolls sideways: \d+ px in a 390 px window/,
      /ISO timestamp in visible text: 2026-12-07T00:15/,
      /raw id in visible text: account:ef7f0123/,
      /raw id in visible text: 3de3fc0d3de3fc0d3de3fc0d3de3fc0d/,
      /field input\[type=text\]#small is 21 px high/,
      /field input\[type=text\]#small has 13px text on a phone/,
      /accessibility: .*label/s,
    ]) {
      assert.match(found, want);
    }
  });

  it('reads every GET route of the table, and matches patterns as the Rust router does', () => {
    const routes = getRoutes();
    assert.ok(routes.some((r) => r.pattern === '/spaces/{id}/documents/{doc}' && r.access === 'SignedIn'));
    assert.ok(routes.length > 40, `${routes.length} GET routes`);
    // The cases of src/web/routes.rs's own `patterns` test.
    assert.ok(matches('/', '/'));
    assert.ok(matches('/setup/{token}', '/setup/abc'));
    assert.ok(!matches('/setup/{token}', '/setup/'));
    assert.ok(!matches('/setup/{token}', '/setup/a/b'));
    assert.ok(matches('/static/{*}', '/static/css/app.css'));
    assert.ok(!matches('/static/{*}', '/static/'));
    assert.ok(!matches('/healthz', '/healthz/'));
  });
});
