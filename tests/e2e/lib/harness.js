'use strict';
// Glue for flow specs: one suite = one fresh huisclos (temp data folder), one
// Chromium, optionally one SMTP relay, all cleaned up whatever happens.
//
//   const { describe } = require('node:test');
//   const { appSuite } = require('../lib/harness');
//   describe('my flow', () => {
//     const app = appSuite({ smtp: true });
//     app.test('does something', async () => {
//       const { page, guard } = await app.open('desktop');
//       await page.goto(app.server.setupLink);
//       ...
//       guard.assertNoForeignRequests();
//     });
//   });
//
// app.test() is node:test's it() plus diagnostics on failure: the tail of the
// server log and SMTP log, foreign requests, page errors and a screenshot of
// every open page are appended to the error and kept in test-results/.

const { before, after, it } = require('node:test');
const { launchBrowser, openApp, screenshot } = require('./browser');
const { startServer } = require('./server');
const { startSmtp } = require('./smtp');
const { tail } = require('./util');

function appSuite({ smtp: wantSmtp = false, server: serverOpts = {} } = {}) {
  const app = {
    server: null,
    smtp: null,
    browser: null,
    contexts: [],
    /**
     * A fresh browser profile (context) on the app, with the origin guard,
     * and one page in it. viewport: 'desktop' (1280x800) or 'phone' (390x844).
     */
    async open(viewport = 'desktop', opts = {}) {
      const guard = await openApp(app.browser, app.server.url, { viewport, ...opts });
      app.contexts.push(guard);
      const page = await guard.newPage();
      return { page, guard, context: guard.context };
    },
    test(name, fn, options = {}) {
      return it(name, options, async (t) => {
        try {
          await fn(t);
        } catch (err) {
          await addDiagnostics(err, name);
          throw err;
        }
      });
    },
    /** Stops the server now (e.g. to assert a clean shutdown); after() won't again. */
    async stopServer() {
      const s = app.server;
      return s ? s.stop() : null;
    },
  };

  async function addDiagnostics(err, name) {
    const slug = name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
    const parts = [];
    for (const [i, g] of app.contexts.entries()) {
      if (g.foreign.length) parts.push(`foreign requests (context ${i}):\n${g.foreign.map((f) => `  [${f.type}] ${f.url}`).join('\n')}`);
      if (g.pageErrors.length) parts.push(`page errors (context ${i}):\n${g.pageErrors.map((e) => `  [${e.kind}] ${e.text}`).join('\n')}`);
      for (const [j, p] of g.context.pages().entries()) {
        const file = await screenshot(p, `${slug}-c${i}-p${j}`);
        if (file) parts.push(`screenshot of ${p.url()}: ${file}`);
      }
    }
    if (app.server) parts.push(`--- huisclos log (tail; full copy in test-results/${slug}/) ---\n${app.server.keepLog(slug)}`);
    if (app.smtp) parts.push(`--- smtp log (tail) ---\n${tail(app.smtp.log(), 40)}`);
    if (parts.length && err && typeof err === 'object') {
      try {
        err.message = `${err.message}\n\n${parts.join('\n\n')}`;
      } catch {
        /* read-only message */
      }
    }
  }

  before(async () => {
    if (wantSmtp) app.smtp = await startSmtp(typeof wantSmtp === 'object' ? wantSmtp : {});
    app.server = await startServer({ ...serverOpts, smtp: app.smtp || undefined });
    app.browser = await launchBrowser();
  });

  after(async () => {
    for (const g of app.contexts) await g.close();
    if (app.browser) await app.browser.close().catch(() => {});
    if (app.server) await app.server.stop();
    if (app.smtp) await app.smtp.stop();
  });

  return app;
}

module.exports = { appSuite };
