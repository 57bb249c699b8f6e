'use strict';
// Sign-in without a password: "Se connecter avec un code reçu par e-mail" →
// an 8-digit code over a real STARTTLS relay → signed in. The page shown after
// asking for a code is the same for an address that has no account (no
// enumeration), and no mail goes to that address.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const { appSuite } = require('../lib/harness');
const {
  a11yCollector,
  clickAndWait,
  submit,
  path,
  mainText,
  alerts,
  assertDashboard,
  setupFirm,
  assertGuards,
  signOut,
} = require('../lib/flows');

const USER = {
  firm: 'Cabinet Sans-Mot-de-Passe-81fa',
  name: 'Maître Codée',
  email: 'codee-81fa@example.fr',
  password: 'Codee-81fa phrase très secrète',
};
const UNKNOWN = 'personne-81fa@example.fr';

describe('sign-in with a code received by e-mail', () => {
  const app = appSuite({
    smtp: true,
    server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } },
  });
  const state = {};
  const a11y = a11yCollector();

  /** From /login, the link to the code page, then "Recevoir un code" for `email`. */
  async function askCode(page, email, label) {
    await page.goto(`${app.server.url}/login`);
    await page.getByRole('heading', { level: 1, name: 'Connexion', exact: true }).waitFor();
    await clickAndWait(page, page.getByRole('link', { name: 'Se connecter avec un code reçu par e-mail', exact: true }));
    assert.equal(path(page), '/login/code');
    await page.getByRole('heading', { level: 1, name: 'Connexion par code', exact: true }).waitFor();
    if (label) await a11y.check(page, `${label}: ask for a code`);
    await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
    const res = await submit(page, 'Recevoir un code');
    const shown = {
      status: res.status(),
      url: path(page),
      title: await page.title(),
      text: await mainText(page),
      alerts: await alerts(page),
      statuses: (await page.getByRole('status').allInnerTexts()).map((t) => t.trim()),
      fields: await page.locator('main input:not([type=hidden])').evaluateAll((els) => els.map((e) => `${e.name}:${e.type}`)),
    };
    if (label) await a11y.check(page, `${label}: code sent`);
    return shown;
  }

  app.test('the firm exists (first-run setup), the user signs out', async () => {
    const { page, guard } = await app.open('desktop');
    await setupFirm(page, app.server.setupLink, USER);
    await signOut(page);
    assertGuards(guard);
  });

  app.test('an address without an account gets the very same page, and no mail', async () => {
    const { page, guard } = await app.open('desktop');
    state.unknown = await askCode(page, UNKNOWN, 'unknown address');
    assert.equal(state.unknown.status, 200);
    assert.deepEqual(state.unknown.alerts, [], 'no error message');
    assert.deepEqual(state.unknown.statuses, [
      "Si un compte existe pour cette adresse, un code vient d'y être envoyé. Il est valable 10 minutes.",
    ]);
    assert.ok(state.unknown.fields.includes('code:text'), 'the code field is offered');
    assertGuards(guard);
  });

  app.test('the code arrives over TLS, and signs the user in', async () => {
    assert.ok(state.unknown, 'the unknown address was tried first');
    const { page, guard } = await app.open('desktop');
    const known = await askCode(page, USER.email, 'known address');
    // No enumeration: what a person sees is identical.
    assert.deepEqual(known, state.unknown, 'the page after "Recevoir un code" must not depend on whether the address has an account');
    await page.getByLabel('Code reçu par e-mail', { exact: true }).waitFor();

    const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(USER.email), 15_000);
    assert.equal(mail.tls, true, 'delivered after STARTTLS');
    assert.match(mail.subject, /code/i);
    const codes = mail.text.match(/(?<!\d)\d{8}(?!\d)/g) || [];
    assert.equal(new Set(codes).size, 1, `one 8-digit code in the mail:\n${mail.text}`);
    const code = codes[0];
    assert.ok(!mail.text.includes(USER.password));

    // Nothing was sent to the address without an account.
    assert.deepEqual(
      app.smtp.mails().filter((m) => m.rcpt_tos.includes(UNKNOWN)).map((m) => m.subject),
      [],
      'no mail to an address without an account',
    );

    // A wrong code first (the page stays, with an error), then the right one.
    const wrong = code === '00000000' ? '11111111' : '00000000';
    await page.getByLabel('Code reçu par e-mail', { exact: true }).fill(wrong);
    const bad = await submit(page, 'Se connecter');
    assert.equal(bad.status(), 401);
    assert.equal((await alerts(page)).length, 1, 'an error message');
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0, 'not signed in');
    await a11y.check(page, 'wrong code');

    await page.getByLabel('Code reçu par e-mail', { exact: true }).fill(code);
    await submit(page, 'Se connecter');
    await assertDashboard(page, 'after the e-mailed code');
    assert.ok((await page.getByText(USER.firm).count()) >= 1);
    await a11y.check(page, 'dashboard after a code');

    // Single use: after signing out, the same code no longer works.
    await signOut(page);
    await page.goto(`${app.server.url}/login/code`);
    await page.getByLabel('Adresse e-mail', { exact: true }).fill(USER.email);
    await submit(page, 'Recevoir un code');
    const second = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(USER.email), 15_000);
    const code2 = second.text.match(/(?<!\d)\d{8}(?!\d)/)[0];
    if (code2 !== code) {
      await page.getByLabel('Code reçu par e-mail', { exact: true }).fill(code);
      const reused = await submit(page, 'Se connecter');
      assert.equal(reused.status(), 401, 'a used code is refused');
      assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0);
    }
    assertGuards(guard);
  });

  app.test('every page visited passes axe (no serious/critical issue) at desktop and phone', () => {
    a11y.assertClean();
  });
});
