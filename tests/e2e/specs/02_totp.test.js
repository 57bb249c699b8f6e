'use strict';
// Two-step verification: enabled from "Mon compte" with the secret shown next
// to the QR code (the code is computed here, RFC 6238, as an authenticator app
// would), 10 recovery codes shown once; then sign-in with password + TOTP
// code, and once with a recovery code, which is used up.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const { appSuite } = require('../lib/harness');
const { totp } = require('../lib/totp');
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
  signInWithPassword,
  signOut,
} = require('../lib/flows');

const USER = {
  firm: 'Cabinet Deux-Facteurs-2b9d',
  name: 'Maître Prudente',
  email: 'prudente-2b9d@example.fr',
  password: 'Prudente-2b9d phrase secrète 2026',
};

/** The code of the next 30-second step: accepted now (one step of drift), and never the one used just before. */
const nextCode = (secret) => totp(secret, { at: Date.now() / 1000 + 30 });

describe('two-step verification (TOTP)', () => {
  const app = appSuite();
  const state = {};
  const a11y = a11yCollector();

  /** Password, then the "Code de vérification" page; resolves once it is shown. */
  async function passwordStep(page) {
    await page.goto(`${app.server.url}/login`);
    await signInWithPassword(page, app.server.url, USER.email, USER.password);
    assert.equal(path(page), '/login/totp', `the password leads to the second step, not to ${page.url()}`);
    await page.getByRole('heading', { level: 1, name: 'Code de vérification', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0, 'not signed in yet');
  }

  app.test('enabling it from "Mon compte" shows the secret, then 10 recovery codes', async () => {
    const { page, guard } = await app.open('desktop');
    state.page = page;
    state.guard = guard;
    await setupFirm(page, app.server.setupLink, USER);

    await clickAndWait(page, page.getByRole('link', { name: 'Mon compte', exact: true }));
    await page.getByRole('heading', { level: 1, name: 'Mon compte', exact: true }).waitFor();
    const section = page.getByRole('region', { name: 'Double authentification' });
    assert.match(await section.innerText(), /Désactivée/);
    await a11y.check(page, 'Mon compte');

    await clickAndWait(page, section.getByRole('link', { name: 'Activer la double authentification' }));
    assert.equal(path(page), '/account/totp');
    const qr = page.getByRole('img', { name: 'QR code à scanner avec l’application d’authentification'.replace(/’/g, "'") });
    assert.equal(await qr.count(), 1, 'a QR code with an accessible name');
    assert.ok(await qr.isVisible());
    const secret = (await page.locator('main code').innerText()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/, `a base32 secret (160 bits), got ${secret}`);
    await a11y.check(page, 'TOTP enrolment');

    // A wrong code first: refused, the form stays.
    const wrongCode = String((Number(totp(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(wrongCode);
    const bad = await submit(page, 'Activer');
    assert.equal(bad.status(), 422);
    assert.deepEqual(await alerts(page), ["Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et réessayez."]);
    assert.equal((await page.locator('main code').innerText()).trim(), secret, 'the same secret is offered again');

    await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(totp(secret));
    const ok = await submit(page, 'Activer');
    assert.equal(ok.status(), 200);
    assert.match(await mainText(page), /La double authentification est activée\./);
    const list = page.getByRole('list', { name: 'Codes de secours' });
    const codes = (await list.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
    assert.equal(codes.length, 10, `10 recovery codes, got ${codes.length}`);
    assert.equal(new Set(codes).size, 10, 'all different');
    for (const c of codes) assert.match(c, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/, `recovery code ${c}`);
    await a11y.check(page, 'recovery codes');

    await page.goto(`${app.server.url}/account`);
    assert.match(await page.getByRole('region', { name: 'Double authentification' }).innerText(), /Activée/);
    state.secret = secret;
    state.codes = codes;
    assertGuards(guard);
  });

  app.test('signing in asks for the password, then the code of the app', async () => {
    assert.ok(state.secret, 'TOTP was enabled first');
    const { page, guard } = state;
    await signOut(page);
    await passwordStep(page);
    await a11y.check(page, 'second step');

    // A wrong code is refused.
    const wrongCode = String((Number(nextCode(state.secret)) + 1) % 1_000_000).padStart(6, '0');
    await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(wrongCode);
    const bad = await submit(page, 'Se connecter');
    assert.equal(bad.status(), 401);
    assert.equal(path(page), '/login/totp');
    assert.equal((await alerts(page)).length, 1, 'an error message');
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0, 'still not signed in');

    state.usedTotp = nextCode(state.secret);
    await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(state.usedTotp);
    await submit(page, 'Se connecter');
    await assertDashboard(page, 'after the TOTP code');
    assertGuards(guard);
  });

  app.test('a recovery code signs in once, and no longer works afterwards', async () => {
    assert.ok(state.codes, 'recovery codes were shown first');
    const { page, guard } = state;
    const used = state.codes[3];
    await signOut(page);
    await passwordStep(page);
    await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(used);
    await submit(page, 'Se connecter');
    await assertDashboard(page, 'after a recovery code');

    // The journal records it.
    await page.goto(`${app.server.url}/admin/journal`);
    assert.match(await mainText(page), /Connexion par code de secours/);

    await signOut(page);
    await passwordStep(page);
    await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(used);
    const again = await submit(page, 'Se connecter');
    assert.equal(again.status(), 401, `a used recovery code is refused, got ${again.status()} on ${page.url()}`);
    assert.equal(path(page), '/login/totp');
    assert.equal((await alerts(page)).length, 1, 'an error message');
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0, 'not signed in');
    await a11y.check(page, 'used recovery code refused');

    // Another recovery code still works (and only the used one was spent).
    await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(state.codes[7].toUpperCase());
    await submit(page, 'Se connecter');
    await assertDashboard(page, 'after another recovery code');
    assertGuards(guard);
  });

  // RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the same
  // OTP after the successful validation has been issued for the first OTP"
  // (otherwise a code seen over someone's shoulder works again for ~90 s).
  app.test(
    'a TOTP code that already signed in is refused the second time (no replay)',
    async () => {
      assert.ok(state.usedTotp, 'a TOTP code was used first');
      const { page } = state;
      await page.goto(`${app.server.url}/`);
      if ((await page.getByRole('button', { name: 'Se déconnecter' }).count()) > 0) await signOut(page);
      await passwordStep(page);
      await page.getByLabel('Code à 6 chiffres', { exact: true }).fill(state.usedTotp);
      const again = await submit(page, 'Se connecter');
      const signedIn = (await page.getByRole('button', { name: 'Se déconnecter' }).count()) > 0;
      assert.equal(signedIn, false, `the same TOTP code signed in twice (HTTP ${again.status()}, now on ${page.url()})`);
      assert.equal(again.status(), 401);
      assert.equal(path(page), '/login/totp');
      assertGuards(state.guard);
    },
  );

  app.test('every page visited passes axe (no serious/critical issue) at desktop and phone', () => {
    a11y.assertClean();
  });
});
