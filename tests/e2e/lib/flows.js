'use strict';
// Steps shared by the flow specs (02_* to 10_*): first-run setup, signing in and out,
// submitting a form and waiting for the page it leads to, axe at both
// viewports, mail helpers, API calls, a space with invited members, accepting an
// invitation. Elements are found by role and label (French UI).

const assert = require('node:assert/strict');
const { checkA11y, setViewport } = require('./browser');

/** axe at desktop (1280x800) and phone (390x844), then back to desktop. */
async function checkA11yBoth(page, label) {
  await setViewport(page, 'desktop');
  await checkA11y(page, { label: `${label} (desktop)` });
  await setViewport(page, 'phone');
  await checkA11y(page, { label: `${label} (phone)` });
  await setViewport(page, 'desktop');
}

/**
 * Collects axe failures instead of stopping the flow at the first one, so that
 * a spec checks its whole flow AND reports every inaccessible page:
 *
 *   const a11y = a11yCollector();
 *   await a11y.check(page, 'login');        // desktop + phone
 *   ...
 *   app.test('every page passes axe', () => a11y.assertClean());  // last test
 *
 * Only axe findings are collected; any other error is thrown at once.
 */
function a11yCollector() {
  const failures = [];
  let checked = 0;
  return {
    failures,
    get checked() {
      return checked;
    },
    async check(page, label) {
      for (const vp of ['desktop', 'phone']) {
        await setViewport(page, vp);
        checked += 1;
        try {
          await checkA11y(page, { label: `${label} (${vp})` });
        } catch (e) {
          if (!/^accessibility:/.test(e.message)) throw e;
          failures.push(e.message);
        }
      }
      await setViewport(page, 'desktop');
    },
    assertClean() {
      assert.ok(checked > 0, 'no page was checked');
      if (failures.length) {
        assert.fail(`${failures.length} of ${checked} page checks failed axe:\n\n${failures.join('\n\n')}`);
      }
    },
  };
}

/**
 * Clicks the button (or link) and resolves with the response of the document
 * it leads to, once that page has loaded (after redirects).
 */
async function clickAndWait(page, locator) {
  const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return res;
}

/** Clicks the button named `name` (exact) and waits for the next page. */
function submit(page, name) {
  return clickAndWait(page, page.getByRole('button', { name, exact: true }));
}

const path = (page) => new URL(page.url()).pathname;

/** Visible text of <main>, whitespace-normalised. */
async function mainText(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();
}

/** The texts of every role=alert on the page. */
async function alerts(page) {
  return (await page.getByRole('alert').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Fails unless the page is the dashboard (h1 "Tableau de bord"). */
async function assertDashboard(page, what = 'the dashboard') {
  assert.equal(path(page), '/', `${what}: expected to be on /, now on ${page.url()}:\n${(await mainText(page)).slice(0, 400)}`);
  await page.getByRole('heading', { level: 1, name: 'Tableau de bord', exact: true }).waitFor();
}

/**
 * First-run setup through the setup link (as in 01_setup): creates the firm and
 * its administrator, who lands signed in on the dashboard.
 */
async function setupFirm(page, setupLink, { firm, name, email, password }) {
  await page.goto(setupLink);
  await page.getByLabel('Nom du cabinet', { exact: true }).fill(firm);
  await page.getByLabel('Votre nom', { exact: true }).fill(name);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByLabel('Confirmer le mot de passe', { exact: true }).fill(password);
  await submit(page, 'Créer le cabinet');
  await assertDashboard(page, 'after the setup');
}

/** /login with address and password; resolves with the response of the page it leads to. */
async function signInWithPassword(page, appUrl, email, password) {
  if (path(page) !== '/login') await page.goto(`${appUrl}/login`);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  return submit(page, 'Se connecter');
}

/** "Se déconnecter" (a POST form in the header); then / no longer shows the dashboard. */
async function signOut(page) {
  await submit(page, 'Se déconnecter');
  assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0, 'signed out');
}

// Chromium fetches the favicon on its own after a page loads; when the test
// submits a form or navigates at once, that fetch is cancelled (ERR_ABORTED):
// not a fault of the page. A missing favicon (HTTP >= 400) is still reported.
const FAVICON_CANCELLED = /^net::ERR_ABORTED for other \S+\/favicon\.(svg|ico)$/;

/** The origin guard and the page-error guard of a context (see lib/browser.js). */
function assertGuards(guard) {
  guard.assertNoForeignRequests();
  guard.assertNoPageErrors({ ignore: [FAVICON_CANCELLED] });
}

/** Everything of a received mail a reader or a relay sees: headers, subject, text, HTML, raw source. */
function mailSurfaces(mail) {
  return {
    subject: mail.subject || '',
    headers: JSON.stringify(mail.headers || {}),
    text: mail.text || '',
    html: mail.html || '',
    raw: mail.raw || '',
  };
}

/** Fails if any of `needles` (case-insensitive) appears anywhere in the mail. */
function assertMailDoesNotContain(mail, needles, why) {
  const lower = (s) => s.toLowerCase();
  for (const [part, text] of Object.entries(mailSurfaces(mail))) {
    for (const n of needles) {
      assert.ok(
        !lower(text).includes(lower(n)),
        `${why}: the mail's ${part} contains ${JSON.stringify(n)}:\n${text.slice(0, 800)}`,
      );
    }
  }
}

/** The first link of the mail's text part with this path prefix, on the app's origin. */
function linkIn(mail, appUrl, prefix) {
  const re = new RegExp(`https?://[^\\s<>"]+${prefix.replace(/[/]/g, '\\/')}[A-Za-z0-9_-]+`);
  const m = (mail.text || '').match(re);
  assert.ok(m, `no ${prefix}… link in the mail's text:\n${mail.text}`);
  assert.equal(new URL(m[0]).origin, new URL(appUrl).origin, 'the link points to the app');
  return m[0];
}

/**
 * A call to the JSON API with a bearer token; resolves with `{status, text, json}`. A
 * Buffer body is sent as is (give its Content-Type in `headers`), anything else as JSON.
 */
async function apiCall(appUrl, method, p, token, body, headers = { 'Content-Type': 'application/json' }) {
  const res = await fetch(`${appUrl}${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...headers },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

/** Signs `who` ({email, password}) in through the API; resolves with the bearer token. */
async function apiSession(appUrl, who) {
  const res = await fetch(`${appUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).token;
}

/**
 * The app of an `appSuite` as a spec calls it: `url(path)` on its origin, `api(method,
 * path, token, body, headers)` (see `apiCall`) and `session(who)` (see `apiSession`). The
 * server's address is read at each call (it starts in the suite's `before`).
 */
function appApi(app) {
  return {
    url: (p) => `${app.server.url}${p}`,
    api: (...args) => apiCall(app.server.url, ...args),
    session: (who) => apiSession(app.server.url, who),
  };
}

/**
 * Creates a space through the API (`template`: mediation, arbitrage…) and invites each
 * of `people` ({email}) into it with `profile`; resolves with the space's id.
 */
async function createSpaceWith(appUrl, token, { title, template }, people = [], profile = 'contributeur') {
  const created = await apiCall(appUrl, 'POST', '/api/v1/spaces', token, { title, template });
  assert.equal(created.status, 201, created.text);
  const space = created.json.id;
  await invite(appUrl, token, space, people, profile);
  return space;
}

/** Invites each of `people` ({email}) into `space` with `profile`, through the API. */
async function invite(appUrl, token, space, people, profile = 'contributeur') {
  for (const who of people) {
    const r = await apiCall(appUrl, 'POST', `/api/v1/spaces/${space}/members`, token, { email: who.email, profile });
    assert.equal(r.status, 201, r.text);
  }
}

/**
 * `who` ({email, name, password}) accepts his invitation in a fresh browser: waits for
 * the mail, follows its link, chooses his name and password. Resolves with `{page, guard}`
 * on the page the invitation leads to. `openOpts` go to `app.open` (see lib/browser.js).
 */
async function acceptInvitation(app, who, viewport, openOpts) {
  const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(who.email), 15_000);
  const link = linkIn(mail, app.server.url, '/invite/');
  const { page, guard } = await app.open(viewport, openOpts);
  await page.goto(link);
  await page.getByLabel('Votre nom', { exact: true }).fill(who.name);
  await page.getByLabel('Mot de passe', { exact: true }).fill(who.password);
  await page.getByLabel('Confirmer le mot de passe', { exact: true }).fill(who.password);
  const done = await submit(page, "Accepter l'invitation");
  assert.equal(done.status(), 200);
  return { page, guard };
}

module.exports = {
  checkA11yBoth,
  a11yCollector,
  clickAndWait,
  submit,
  path,
  mainText,
  alerts,
  assertDashboard,
  setupFirm,
  signInWithPassword,
  signOut,
  assertGuards,
  mailSurfaces,
  assertMailDoesNotContain,
  linkIn,
  apiCall,
  apiSession,
  appApi,
  createSpaceWith,
  invite,
  acceptInvitation,
};
