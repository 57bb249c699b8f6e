'use strict';
// Lockout after repeated wrong passwords: 5 wrong tries lock the account's
// sign-in for 15 minutes ("bloquée pendant 15 minutes"), its owner gets an
// alert over a real STARTTLS relay, and the firm administrator's "Journal des
// connexions" shows the failures and the lockout. The same 5 tries for an
// address that has no account show exactly the same messages.
//
// Throttling counts failures per address AND per network address. So that the
// two series (known / unknown address) do not lock each other through the
// shared 127.0.0.1, the server runs as behind a reverse proxy on loopback
// ([tls] behind_proxy, 127.0.0.1 is a trusted proxy by default) and each
// "attacker" browser sends its own X-Forwarded-For (documentation addresses,
// RFC 5737). The administrator's browser sends none (127.0.0.1).

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const { appSuite } = require('../lib/harness');
const { sleep } = require('../lib/util');
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
  linkIn,
} = require('../lib/flows');

const ADMIN = {
  firm: 'Cabinet Verrou-4d20',
  name: 'Maître Gardienne',
  email: 'gardienne-4d20@example.fr',
  password: 'Gardienne-4d20 phrase robuste',
};
const STAFF = {
  name: 'Collaborateur Visé',
  email: 'vise-4d20@example.fr',
  password: 'Visé-4d20 le vrai mot de passe',
};
const UNKNOWN = 'inconnu-4d20@example.fr';
const IP_KNOWN = '203.0.113.41';
const IP_UNKNOWN = '198.51.100.77';
const WRONG = ['mauvais mot de passe 1', 'mauvais mot de passe 2', 'Azerty123456!', 'motdepasse2026', 'encore raté 5'];

const FAILED = 'Adresse e-mail ou mot de passe incorrect.';
const LOCKED =
  'Trop de tentatives : la connexion est bloquée pendant 15 minutes. Le titulaire du compte a été prévenu par e-mail.';

// The server's back-off before the lockout: after n failures (n >= 2) a try is
// answered "Réessayez dans 2^(n-2) secondes" without being checked. A person
// who is told to wait waits; the test waits that long after the answer (the
// server counts whole seconds, rounded down, so that is enough) and each of
// the 5 tries is really checked.
const backoffMs = (failures) => (failures < 2 ? 0 : 2 ** (failures - 2) * 1000 + 200);

describe('lockout after 5 wrong passwords', () => {
  const app = appSuite({
    smtp: true,
    server: {
      config: {
        tls: { behind_proxy: true },
        mail: { retry_first_secs: 1, batch_minutes: 1 },
      },
    },
  });
  const state = {};
  const a11y = a11yCollector();

  app.test('the administrator adds a staff member, who chooses a password from the welcome mail', async () => {
    const { page, guard } = await app.open('desktop');
    state.admin = { page, guard };
    await setupFirm(page, app.server.setupLink, ADMIN);
    await clickAndWait(page, page.getByRole('link', { name: 'Personnel', exact: true }));
    const add = page.getByRole('region', { name: 'Ajouter une personne' });
    await add.getByLabel('Nom', { exact: true }).fill(STAFF.name);
    await add.getByLabel('Adresse e-mail', { exact: true }).fill(STAFF.email);
    await submit(page, 'Ajouter');
    assert.match(await mainText(page), /La personne est ajoutée/);

    const welcome = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(STAFF.email), 15_000);
    assert.equal(welcome.tls, true);
    const link = linkIn(welcome, app.server.url, '/reset/');

    const staff = await app.open('desktop');
    await staff.context.setExtraHTTPHeaders({ 'X-Forwarded-For': IP_KNOWN });
    state.staff = staff;
    await staff.page.goto(link);
    await staff.page.getByLabel('Mot de passe', { exact: true }).fill(STAFF.password);
    await staff.page.getByLabel('Confirmer le mot de passe', { exact: true }).fill(STAFF.password);
    await submit(staff.page, 'Enregistrer le mot de passe');
    await assertDashboard(staff.page, 'after choosing a password');
    await signOut(staff.page);
    assertGuards(guard);
  });

  app.test('5 wrong passwords: the same messages for an existing and an unknown address, then locked', async () => {
    assert.ok(state.staff, 'the staff member exists');
    const known = state.staff.page;
    const other = await app.open('desktop');
    await other.context.setExtraHTTPHeaders({ 'X-Forwarded-For': IP_UNKNOWN });
    state.other = other;
    const unknown = other.page;

    /** One try; what the person sees. */
    const attempt = async (page, email, password) => {
      await page.goto(`${app.server.url}/login`);
      const res = await signInWithPassword(page, app.server.url, email, password);
      return {
        status: res.status(),
        url: path(page),
        title: await page.title(),
        alerts: await alerts(page),
        text: await mainText(page),
        signedIn: (await page.getByRole('button', { name: 'Se déconnecter' }).count()) > 0,
      };
    };

    const seen = { known: [], unknown: [] };
    for (const [i, pw] of WRONG.entries()) {
      if (i > 0) await sleep(backoffMs(i));
      // Both series at once (they come from different network addresses).
      const [k, u] = await Promise.all([attempt(known, STAFF.email, pw), attempt(unknown, UNKNOWN, pw)]);
      seen.known.push(k);
      seen.unknown.push(u);
      assert.equal(k.signedIn, false);
      assert.deepEqual(u, k, `try ${i + 1}: an unknown address must see exactly what an existing one sees`);
      if (i === 0) await a11y.check(known, 'login: wrong password');
    }
    const messages = seen.known.map((s) => s.alerts.join(' | '));
    assert.deepEqual(messages, [FAILED, FAILED, FAILED, FAILED, LOCKED], `the 5 messages, in order:\n${messages.join('\n')}`);
    assert.match(seen.known[4].text, /bloquée pendant 15 minutes/);
    await a11y.check(known, 'login: locked');

    // Locked means locked: even the right password is refused now, with the same message.
    const right = await attempt(known, STAFF.email, STAFF.password);
    assert.equal(right.signedIn, false, 'the right password does not open a locked account');
    assert.deepEqual(right.alerts, [LOCKED]);
    const still = await attempt(unknown, UNKNOWN, STAFF.password);
    assert.deepEqual(still, right, 'nor does the unknown address look different once "locked"');
    state.locked = true;
    for (const g of [state.staff.guard, other.guard]) {
      assertGuards(g);
    }
  });

  app.test('the account owner receives the lockout alert over TLS; the unknown address gets nothing', async () => {
    assert.ok(state.locked, 'the account was locked first');
    const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(STAFF.email), 20_000);
    assert.equal(mail.tls, true, 'delivered after STARTTLS');
    assert.match(`${mail.subject}\n${mail.text}`, /bloqu/i, `a lockout alert: ${mail.subject}`);
    assert.match(mail.text, /15 minutes/);
    for (const pw of [STAFF.password, ...WRONG]) {
      assert.ok(!mail.raw.includes(pw) && !mail.text.includes(pw), 'no password in the alert');
    }
    assert.ok(!mail.text.includes(IP_KNOWN), 'the alert says nothing of where the tries came from');
    assert.deepEqual(
      app.smtp.mails().filter((m) => m.rcpt_tos.includes(UNKNOWN)).map((m) => m.subject),
      [],
      'no mail to an address without an account',
    );
  });

  app.test('the administrator’s "Journal des connexions" shows the failures and the lockout', async () => {
    assert.ok(state.locked, 'the account was locked first');
    const { page, guard } = state.admin;
    await page.goto(`${app.server.url}/`);
    await clickAndWait(page, page.getByRole('link', { name: 'Journal', exact: true }));
    await page.getByRole('heading', { level: 1, name: 'Journal des connexions', exact: true }).waitFor();
    const rows = await page.getByRole('row').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())).filter((c) => c.length),
    );
    const mine = rows.filter(([, who]) => who === STAFF.name);
    const events = mine.map(([, , event]) => event);
    const failed = mine.filter(([, , event]) => event === 'Échec de connexion');
    const locked = mine.filter(([, , event]) => event === 'Blocage après échecs répétés');
    assert.equal(failed.length, 4, `4 failures for ${STAFF.name}; the journal says:\n${events.join('\n')}`);
    assert.equal(locked.length, 1, `1 lockout for ${STAFF.name}; the journal says:\n${events.join('\n')}`);
    for (const [, , , ip] of [...failed, ...locked]) assert.equal(ip, IP_KNOWN, 'the journal shows where the tries came from');
    assert.ok(!rows.some((cells) => cells.join(' ').includes(UNKNOWN)), 'the unknown address is not in the journal');
    await a11y.check(page, 'Journal des connexions');
    assertGuards(guard);
  });

  app.test('every page visited passes axe (no serious/critical issue) at desktop and phone', () => {
    a11y.assertClean();
  });
});
