'use strict';
// Proves the browser fixture on a tiny local site (no huisclos needed):
// Chromium starts, axe runs under a strict CSP like the app's, and the origin
// guard really catches foreign fonts/images/scripts and data: URLs. If these
// guards were silently broken, the app specs would pass for the wrong reason.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { launchBrowser, openApp, setViewport, checkA11y } = require('../lib/browser');

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

function pages(port) {
  const other = `http://localhost:${port}`; // same server, another origin than 127.0.0.1
  const doc = (title, body, head = '') =>
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/app.css">${head}</head><body>${body}</body></html>`;
  return {
    '/clean': doc(
      'Page propre',
      `<header><p>Huis Clos</p></header><main><h1>Connexion</h1><form method="post" action="/clean"><label for="e">Adresse e-mail</label><input id="e" name="email" type="email" autocomplete="email"><button type="submit">Se connecter</button></form><img src="/logo.png" alt="Logo"></main><script src="/app.js"></script>`,
    ),
    '/leaky': doc(
      'Page qui fuit',
      `<main><h1>Fuite</h1><img src="${other}/tracker.png" alt="x"><img src="data:image/png;base64,${PNG_1PX}" alt="y"></main><script src="${other}/cdn.js"></script>`,
      `<link rel="stylesheet" href="${other}/fonts.css"><link rel="preload" as="font" type="font/woff2" crossorigin href="${other}/font.woff2">`,
    ),
    '/inaccessible': doc(
      'Page inaccessible',
      `<main><h1>Formulaire</h1><form><input name="nolabel" type="text"><img src="/logo.png"></form></main>`,
    ),
    '/inline': doc('Inline', `<main><h1>Inline</h1></main><script>document.title = 'ran'</script>`),
  };
}

describe('browser fixture (static site with a strict CSP)', () => {
  let server, base, browser;
  const hits = [];

  before(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.headers.host}${req.url}`);
      const html = pages(server.address().port)[req.url];
      const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' };
      if (html) {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(html);
      }
      if (req.url === '/app.css') {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/css' });
        return res.end('body{font-family:sans-serif;color:#111;background:#fff}');
      }
      if (req.url === '/app.js') {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' });
        return res.end('document.documentElement.dataset.js = "ok";');
      }
      if (req.url === '/logo.png') {
        res.writeHead(200, { ...headers, 'Content-Type': 'image/png' });
        return res.end(Buffer.from(PNG_1PX, 'base64'));
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await new Promise((r) => server.close(r));
  });

  it('launches Chromium 1xx via playwright-core', () => {
    assert.match(browser.version(), /^\d{3}\./);
  });

  it('a clean page: same-origin only, axe passes at desktop and phone, under CSP', async () => {
    const app = await openApp(browser, base);
    try {
      const page = await app.newPage();
      const res = await page.goto(`${base}/clean`);
      assert.equal(res.status(), 200);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.js), 'ok');
      await expectLabelled(page);
      await checkA11y(page, { label: 'clean/desktop' });
      await setViewport(page, 'phone');
      assert.deepEqual(page.viewportSize(), { width: 390, height: 844 });
      await checkA11y(page, { label: 'clean/phone' }); // axe already injected: reused
      app.assertNoForeignRequests();
      app.assertNoPageErrors();
    } finally {
      await app.close();
    }
  });

  it('phone contexts are 390x844 mobile', async () => {
    const app = await openApp(browser, base, { viewport: 'phone' });
    try {
      const page = await app.newPage();
      await page.goto(`${base}/clean`);
      assert.equal(await page.evaluate(() => window.innerWidth), 390);
    } finally {
      await app.close();
    }
  });

  it('the origin guard catches and blocks foreign fonts, styles, scripts, images and data: URLs', async () => {
    const app = await openApp(browser, base);
    try {
      const page = await app.newPage();
      hits.length = 0;
      await page.goto(`${base}/leaky`, { waitUntil: 'load' });
      await page.waitForTimeout(200);
      const urls = app.foreign.map((f) => `${f.type} ${f.url.replace(/:\d+/, ':PORT')}`);
      for (const want of [
        'image http://localhost:PORT/tracker.png',
        'script http://localhost:PORT/cdn.js',
        'stylesheet http://localhost:PORT/fonts.css',
        'font http://localhost:PORT/font.woff2',
      ]) {
        assert.ok(urls.includes(want), `guard missed "${want}"; saw:\n${urls.join('\n')}`);
      }
      assert.ok(urls.some((u) => u.startsWith('image data:image/png')), `guard missed the data: image; saw:\n${urls.join('\n')}`);
      assert.deepEqual(
        hits.filter((h) => h.startsWith('localhost')),
        [],
        'foreign requests must be aborted before they leave the browser',
      );
      assert.throws(() => app.assertNoForeignRequests(), /request\(s\) to another origin[\s\S]*tracker\.png/);
    } finally {
      await app.close();
    }
  });

  it('data: images can be allowed explicitly', async () => {
    const app = await openApp(browser, base, { allowDataImages: true });
    try {
      const page = await app.newPage();
      await page.goto(`${base}/leaky`);
      assert.ok(!app.foreign.some((f) => f.url.startsWith('data:')));
    } finally {
      await app.close();
    }
  });

  it('checkA11y fails readably on serious/critical violations', async () => {
    const app = await openApp(browser, base);
    try {
      const page = await app.newPage();
      await page.goto(`${base}/inaccessible`);
      await assert.rejects(checkA11y(page, { label: 'inaccessible' }), (err) => {
        assert.match(err.message, /serious\/critical axe violation/);
        assert.match(err.message, /\[critical\] (label|image-alt)/);
        assert.match(err.message, /https:\/\/dequeuniversity\.com\/rules\/axe\//);
        assert.match(err.message, /<input name="nolabel" type="text">/);
        return true;
      });
    } finally {
      await app.close();
    }
  });

  it('the CSP blocks inline script (so axe must be injected by evaluate) and it is reported', async () => {
    const app = await openApp(browser, base);
    try {
      const page = await app.newPage();
      await page.goto(`${base}/inline`);
      assert.notEqual(await page.title(), 'ran');
      await assert.rejects(page.addScriptTag({ content: 'window.injected = 1' }));
      await checkA11y(page, { label: 'inline' });
      assert.throws(() => app.assertNoPageErrors(), /Content Security Policy/);
    } finally {
      await app.close();
    }
  });
});

/** The form control is reachable through its accessible label. */
async function expectLabelled(page) {
  const field = page.getByLabel('Adresse e-mail', { exact: true });
  assert.equal(await field.getAttribute('name'), 'email');
  assert.equal(await page.getByRole('button', { name: 'Se connecter' }).count(), 1);
}
