'use strict';
// Debian's Chromium driven by playwright-core, with two guards every flow
// gets for free:
//   * an origin guard: every request a page makes to another origin than the
//     app's (fonts, images, scripts, beacons, websockets, data: URLs...) is
//     recorded and aborted, so it never leaves the machine and the test can
//     assert that nothing was loaded from elsewhere;
//   * checkA11y(page): axe-core, failing on "serious" or "critical" issues.
//
// Never run `npx playwright install`: the browser is /usr/bin/chromium.

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.HUISCLOS_E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

/**
 * Launches Chromium. Playwright gives each launch() a fresh, empty
 * user-data dir in the temp folder and deletes it on close(). Every context
 * made from it is a fresh profile too (no cookies, no storage).
 */
async function launchBrowser({ headless = process.env.HEADFUL !== '1', slowMo } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set HUISCLOS_E2E_CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless,
    slowMo,
    args: CHROMIUM_ARGS,
    // Chromium's own flags from /etc/chromium.d are added by the wrapper;
    // keep Playwright's defaults otherwise.
    timeout: 30_000,
  });
}

/**
 * A fresh browser context for the app at `appUrl`, with the origin guard.
 * Returns { context, newPage(), foreign, assertNoForeignRequests(), pageErrors }.
 *
 *   viewport: 'desktop' | 'phone' | {width, height}
 *   allowDataImages: data: URLs for images are tolerated (flagged otherwise)
 */
async function openApp(browser, appUrl, { viewport = 'desktop', ignoreHTTPSErrors = false, allowDataImages = false, locale = 'fr-FR' } = {}) {
  const appOrigin = new URL(appUrl).origin;
  const vp = typeof viewport === 'string' ? VIEWPORTS[viewport] : viewport;
  assert.ok(vp, `unknown viewport ${viewport}`);
  const phone = viewport === 'phone';
  const context = await browser.newContext({
    viewport: vp,
    isMobile: phone,
    hasTouch: phone,
    deviceScaleFactor: 1,
    ignoreHTTPSErrors,
    locale,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);

  /** @type {{url: string, type: string, page: string}[]} */
  const foreign = [];
  /** Uncaught exceptions, console errors (CSP violations show up here) and failed same-origin sub-resources. */
  const pageErrors = [];

  const isForeign = (url, type) => {
    if (url.startsWith('data:')) return !(allowDataImages && type === 'image');
    if (url.startsWith('blob:')) return new URL(url.slice(5)).origin !== appOrigin;
    if (url === 'about:blank' || url.startsWith('about:')) return false;
    try {
      return new URL(url).origin !== appOrigin;
    } catch {
      return true;
    }
  };
  const record = (url, type, page) => {
    if (foreign.some((f) => f.url === url && f.type === type)) return;
    foreign.push({ url: url.length > 200 ? `${url.slice(0, 200)}…` : url, type, page });
  };

  // Requests Playwright sees (pages, iframes, workers): record + abort foreign ones.
  context.on('request', (req) => {
    if (isForeign(req.url(), req.resourceType())) {
      record(req.url(), req.resourceType(), safePageUrl(req));
    }
  });
  await context.route(
    (url) => url.origin !== appOrigin && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => route.abort('blockedbyclient'),
  );

  const instrumented = new WeakMap();
  const instrument = (page) => {
    if (!instrumented.has(page)) instrumented.set(page, doInstrument(page));
    return instrumented.get(page);
  };
  const doInstrument = async (page) => {
    page.on('websocket', (ws) => {
      if (isForeign(ws.url().replace(/^ws/, 'http'), 'websocket')) record(ws.url(), 'websocket', page.url());
    });
    page.on('pageerror', (err) => pageErrors.push({ kind: 'pageerror', text: String(err && err.message), page: page.url() }));
    page.on('console', (msg) => {
      // "Failed to load resource" duplicates the network: sub-resources that
      // fail are reported below; a document's own 404/410 is not an error.
      if (msg.type() === 'error' && !/^Failed to load resource/.test(msg.text())) {
        pageErrors.push({ kind: 'console', text: msg.text(), page: page.url() });
      }
    });
    page.on('response', (res) => {
      const req = res.request();
      if (res.status() >= 400 && req.resourceType() !== 'document' && !isForeign(res.url(), req.resourceType())) {
        pageErrors.push({ kind: 'http', text: `${res.status()} for ${req.resourceType()} ${res.url()}`, page: page.url() });
      }
    });
    page.on('requestfailed', (req) => {
      if (!isForeign(req.url(), req.resourceType()) && req.resourceType() !== 'document') {
        pageErrors.push({ kind: 'network', text: `${req.failure()?.errorText} for ${req.resourceType()} ${req.url()}`, page: page.url() });
      }
    });
    // data: URLs never reach Playwright's request events; Chrome's Network
    // domain reports them.
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      cdp.on('Network.requestWillBeSent', (e) => {
        const url = e.request && e.request.url;
        if (url && url.startsWith('data:')) {
          const type = (e.type || 'other').toLowerCase();
          if (isForeign(url, type)) record(url, type, page.url());
        }
      });
    } catch {
      /* page closed early */
    }
  };
  context.on('page', (page) => {
    instrument(page).catch(() => {});
  });

  return {
    context,
    appOrigin,
    foreign,
    pageErrors,
    /** A new tab in this context, instrumented before it loads anything. */
    async newPage() {
      const page = await context.newPage();
      await instrument(page); // same promise as the 'page' event's: CDP is attached before use
      return page;
    },
    /** Fails listing every request that went (or tried to go) to another origin. */
    assertNoForeignRequests() {
      if (foreign.length) {
        const lines = foreign.map((f) => `  [${f.type}] ${f.url}  (from ${f.page})`).join('\n');
        assert.fail(`${foreign.length} request(s) to another origin than ${appOrigin}:\n${lines}`);
      }
    },
    /** Fails on uncaught exceptions or console errors (e.g. CSP violations). */
    assertNoPageErrors({ ignore = [] } = {}) {
      const errs = pageErrors.filter((e) => !ignore.some((re) => re.test(e.text)));
      if (errs.length) {
        assert.fail(`page errors:\n${errs.map((e) => `  [${e.kind}] ${e.text}  (on ${e.page})`).join('\n')}`);
      }
    },
    close: () => context.close().catch(() => {}),
  };
}

function safePageUrl(req) {
  try {
    return req.frame().page().url();
  } catch {
    return '?';
  }
}

/** Switches an open page between 'desktop' and 'phone' (or {width, height}). */
async function setViewport(page, viewport) {
  const vp = typeof viewport === 'string' ? VIEWPORTS[viewport] : viewport;
  assert.ok(vp, `unknown viewport ${viewport}`);
  await page.setViewportSize(vp);
}

let axeSource;
function loadAxe() {
  if (!axeSource) axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Runs axe-core on the page and fails on violations of impact "serious" or
 * "critical", printed readably. Returns the full axe result.
 *
 * axe is injected with page.evaluate (not addScriptTag): the app's CSP allows
 * no inline script, and evaluate is not subject to CSP.
 */
async function checkA11y(page, { label = '', exclude = [], disableRules = [], failOn = ['serious', 'critical'] } = {}) {
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object').catch(() => false);
  if (!hasAxe) await page.evaluate(loadAxe());
  const result = await page.evaluate(
    async ({ exclude, disableRules }) => {
      const rules = Object.fromEntries(disableRules.map((r) => [r, { enabled: false }]));
      const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
      const r = await window.axe.run(context, { rules, resultTypes: ['violations'] });
      return {
        violations: r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({
            target: n.target.join(' '),
            html: n.html,
            summary: n.failureSummary,
          })),
        })),
      };
    },
    { exclude, disableRules },
  );
  const bad = result.violations.filter((v) => failOn.includes(v.impact));
  if (bad.length) {
    const vp = page.viewportSize();
    const where = `${label ? `${label} ` : ''}${page.url()} @ ${vp ? `${vp.width}x${vp.height}` : '?'}`;
    const text = bad
      .map((v) => {
        const nodes = v.nodes
          .slice(0, 5)
          .map((n) => `      ${n.target}\n        ${n.html.slice(0, 160)}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`)
          .join('\n');
        const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
        return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
      })
      .join('\n');
    assert.fail(`accessibility: ${bad.length} serious/critical axe violation(s) on ${where}:\n${text}`);
  }
  return result;
}

/** Screenshot into test-results/ (best effort), for failure reports. */
async function screenshot(page, name) {
  try {
    const dir = path.join(__dirname, '..', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
    return file;
  } catch {
    return null;
  }
}

module.exports = {
  CHROMIUM,
  CHROMIUM_ARGS,
  VIEWPORTS,
  launchBrowser,
  openApp,
  setViewport,
  checkA11y,
  screenshot,
};
