'use strict';
// First-run setup, as the firm's administrator does it in a real browser:
// open the link printed by `huisclos serve`, create the firm, land signed in on
// the dashboard. Also: accessibility (axe, desktop and phone), nothing loaded
// from another origin, and the setup link is single-use (a used or a wrong
// token is refused the same way). Elements are found by role and label, as a
// screen-reader user would find them.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const { appSuite } = require('../lib/harness');
const { checkA11y, setViewport } = require('../lib/browser');

const FIRM = 'Cabinet Témoin-7f3a';
const ADMIN = 'Maître Témoin';
const EMAIL = 'temoin-7f3a@example.fr';
const PASSWORD = 'Témoin-7f3a secret 2026!';

const FIELDS = [
  ['Nom du cabinet', 'firm_name', FIRM],
  ['Votre nom', 'admin_name', ADMIN],
  ['Adresse e-mail', 'admin_email', EMAIL],
  ['Mot de passe', 'password', PASSWORD],
  ['Confirmer le mot de passe', 'password_confirm', PASSWORD],
];

// "Ce lien n'est plus valide", "Lien invalide ou expiré", ...
const LINK_REFUSED = /lien[\s\S]{0,80}(n['’]est plus valide|plus valable|invalide|expiré|déjà (été )?utilisé)/i;

/** Fails unless every field of the setup form is found by its label and named as the contract says. */
async function assertSetupForm(page) {
  for (const [label, name] of FIELDS) {
    const field = page.getByLabel(label, { exact: true });
    assert.equal(await field.count(), 1, `exactly one field labelled "${label}"`);
    assert.equal(await field.getAttribute('name'), name, `field "${label}" is named ${name}`);
    const id = await field.getAttribute('id');
    assert.ok(id, `field "${label}" has an id`);
    assert.equal(
      await page.locator(`label[for="${id}"]`).count(),
      1,
      `field "${label}" is labelled with <label for="${id}">`,
    );
  }
  for (const name of ['password', 'password_confirm']) {
    assert.equal(await page.locator(`input[name="${name}"]`).getAttribute('type'), 'password');
  }
  assert.equal(await page.getByRole('button', { name: 'Créer le cabinet', exact: true }).count(), 1);
}

/** The page a refused setup link shows: its status, title and heading. */
async function openRefused(page, link) {
  const res = await page.goto(link);
  const status = res.status();
  assert.ok([404, 410].includes(status), `${link} must answer 404 or 410, got ${status}`);
  const text = await page.locator('body').innerText();
  assert.match(text, LINK_REFUSED, `the page must say the link is no longer valid; it says:\n${text.slice(0, 500)}`);
  assert.equal(await page.getByRole('button', { name: 'Créer le cabinet' }).count(), 0, 'no setup form');
  assert.equal(await page.locator('input[type="password"]').count(), 0, 'no password field');
  const h1 = await page.getByRole('heading', { level: 1 }).allInnerTexts();
  return { status, title: await page.title(), h1: h1.join(' | ') };
}

describe('first-run setup', () => {
  const app = appSuite();
  const state = {};

  app.test('prints a setup link on the server’s own origin', () => {
    const link = new URL(app.server.setupLink);
    assert.equal(link.origin, new URL(app.server.url).origin);
    assert.match(link.pathname, /^\/setup\/[A-Za-z0-9_-]{16,}$/, 'the token is long enough not to be guessed');
  });

  app.test('setup page: French, labelled form, accessible on desktop and phone', async () => {
    const { page, guard } = await app.open('desktop');
    state.page = page;
    state.guard = guard;
    const res = await page.goto(app.server.setupLink);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    assert.ok((await page.title()).trim().length > 0, 'the page has a title');
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'one <h1>');
    await assertSetupForm(page);

    // Remember how the form posts, to replay it after the setup.
    state.form = await page.getByRole('button', { name: 'Créer le cabinet' }).evaluate((button) => {
      const form = button.form;
      return {
        action: new URL(form.getAttribute('action') || '', document.baseURI).href,
        method: (form.getAttribute('method') || 'get').toLowerCase(),
        fields: [...new FormData(form).entries()].filter(([, v]) => typeof v === 'string'),
      };
    });
    assert.equal(state.form.method, 'post', 'the setup form posts');

    await checkA11y(page, { label: 'setup (desktop)' });
    await setViewport(page, 'phone');
    await checkA11y(page, { label: 'setup (phone)' });
    await setViewport(page, 'desktop');
  });

  app.test('creating the firm signs the administrator in on the dashboard', async () => {
    const { page, guard } = state;
    assert.ok(page, 'the setup page was opened by the previous test');
    for (const [label, , value] of FIELDS) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Créer le cabinet', exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    if (new URL(page.url()).pathname !== '/') {
      await page.waitForURL(`${app.server.url}/`, { timeout: 3000 }).catch(() => {});
    }
    if (new URL(page.url()).pathname !== '/') {
      const text = (await page.locator('body').innerText()).slice(0, 600);
      assert.fail(
        `after "Créer le cabinet" the browser is on ${page.url()}, not on /; ` +
          `the POST answered ${post.status()} (Origin sent: ${(await post.request().allHeaders()).origin || '-'}); the page says:\n${text}`,
      );
    }
    await assert.doesNotReject(
      page.getByRole('heading', { level: 1, name: 'Tableau de bord', exact: true }).waitFor(),
      'the dashboard <h1> is "Tableau de bord"',
    );
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    assert.ok((await page.getByText(FIRM).count()) >= 1, `the dashboard shows "${FIRM}"`);

    const signOut = page.getByRole('button', { name: 'Se déconnecter', exact: true });
    assert.equal(await signOut.count(), 1, 'one "Se déconnecter" button');
    const signOutForm = await signOut.evaluate((b) => b.form && { method: b.form.method, action: b.form.action });
    assert.ok(signOutForm, '"Se déconnecter" submits a form');
    assert.equal(signOutForm.method, 'post', 'signing out is a POST (not a link)');
    state.signedIn = true;

    await checkA11y(page, { label: 'dashboard (desktop)' });
    await setViewport(page, 'phone');
    await checkA11y(page, { label: 'dashboard (phone)' });
    await setViewport(page, 'desktop');

    guard.assertNoForeignRequests();
    guard.assertNoPageErrors();
  });

  app.test('the setup link is single-use: opening it again is refused', async () => {
    assert.ok(state.signedIn, 'setup must have succeeded first');
    // In the administrator's own (signed-in) browser...
    const again = await openRefused(state.page, app.server.setupLink);
    // ...and in a fresh browser profile, on a phone.
    const { page, guard } = await app.open('phone');
    const fresh = await openRefused(page, app.server.setupLink);
    assert.equal(fresh.status, again.status);
    state.refused = fresh;
    await checkA11y(page, { label: 'used setup link (phone)' });
    guard.assertNoForeignRequests();
    guard.assertNoPageErrors();
  });

  app.test('a wrong token is refused the same way', async () => {
    assert.ok(state.refused, 'the used-link page was seen first');
    const { page, guard } = await app.open('desktop');
    const link = new URL(app.server.setupLink);
    const token = link.pathname.split('/').pop();
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const wrong of [flipped, 'x', `${token}0`]) {
      const r = await openRefused(page, `${link.origin}/setup/${wrong}`);
      assert.deepEqual(r, state.refused, `a wrong token (${wrong === flipped ? 'one character changed' : wrong}) must look exactly like a used one`);
    }
    await checkA11y(page, { label: 'wrong setup link (desktop)' });
    guard.assertNoForeignRequests();
  });

  app.test('replaying the setup form after the setup is refused', async () => {
    assert.ok(state.form && state.signedIn, 'setup must have succeeded first');
    const { context: fresh } = await app.open('desktop');
    // From a fresh browser, and from the administrator's own (signed-in) one.
    for (const [who, context] of [['a fresh browser', fresh], ['the signed-in browser', state.guard.context]]) {
      const res = await context.request.fetch(state.form.action, {
        method: 'POST',
        form: Object.fromEntries(
          state.form.fields.map(([k, v]) => [k, k === 'firm_name' ? 'Cabinet Intrus' : v]),
        ),
        maxRedirects: 0,
        failOnStatusCode: false,
      });
      assert.ok(
        res.status() >= 400 && res.status() < 500,
        `a second setup from ${who} must be refused with 4xx, got ${res.status()} ${res.headers().location || ''}`,
      );
    }
    // The firm was not renamed.
    await state.page.goto(`${app.server.url}/`);
    assert.ok((await state.page.getByText(FIRM).count()) >= 1);
    assert.equal(await state.page.getByText('Cabinet Intrus').count(), 0);
  });

  app.test('"Se déconnecter" signs the administrator out', async () => {
    assert.ok(state.signedIn, 'setup must have succeeded first');
    const { page } = state;
    await page.goto(`${app.server.url}/`);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: 'Se déconnecter', exact: true }).click(),
    ]);
    await page.goto(`${app.server.url}/`);
    assert.equal(
      await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).count(),
      0,
      `the dashboard is no longer shown once signed out (now on ${page.url()})`,
    );
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0);
  });

  app.test('stops cleanly on SIGTERM', async () => {
    const { code, signal } = await app.stopServer();
    assert.ok(code === 0 || signal === 'SIGTERM', `exit code ${code}, signal ${signal}`);
  });
});
