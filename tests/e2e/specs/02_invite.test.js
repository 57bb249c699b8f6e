'use strict';
// Inviting a client: the firm's administrator opens a "Client" space from the
// dashboard and gives the client's address in the same form; the client gets
// a content-free invitation over a real STARTTLS relay, accepts it in a fresh
// browser (name + password), lands in the space, and sees that space and
// nothing else — another space of the firm answers the 404 page.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const { appSuite } = require('../lib/harness');
const {
  a11yCollector,
  clickAndWait,
  submit,
  path,
  mainText,
  assertDashboard,
  setupFirm,
  assertGuards,
  assertMailDoesNotContain,
  linkIn,
} = require('../lib/flows');

const ADMIN = {
  firm: 'Cabinet Invitant-5c1e',
  name: 'Maître Invitante',
  email: 'admin-5c1e@example.fr',
  password: 'Invitante-5c1e mot de passe 2026!',
};
// Distinctive sentinels: if any of these appears in a mail, the mail leaks.
const TITLE_WORDS = ['Zorglub', 'Qwixote'];
const TITLE = `Succession Zorglub-7Q3 contre Qwixote`;
const OTHER_TITLE = 'Dossier Interdit Xylophage-9K2';
const CLIENT = {
  email: 'destinataire-5c1e@example.fr',
  name: 'Éloïse Vantablack-Kestrel',
  password: 'Vantablack-Kestrel phrase longue 42',
};

describe('inviting a client into a new space', () => {
  const app = appSuite({
    smtp: true,
    server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } },
  });
  const state = {};
  const a11y = a11yCollector();

  app.test('the administrator creates a "Client" space with the client’s address in one form', async () => {
    const { page, guard } = await app.open('desktop');
    state.admin = { page, guard };
    await setupFirm(page, app.server.setupLink, ADMIN);
    await a11y.check(page, 'dashboard of the administrator');

    const form = page.getByRole('region', { name: 'Ouvrir un espace' });
    let fields = 0;
    let clicks = 0;
    const client = form.getByRole('radio', { name: /^Client/ });
    assert.equal(await client.count(), 1, 'one "Client" space type');
    if (!(await client.isChecked())) {
      await client.check();
      clicks += 1;
    }
    await form.getByLabel("Titre de l'espace", { exact: true }).fill(TITLE);
    fields += 1;
    await form.getByLabel("Adresse e-mail du client (facultatif)", { exact: true }).fill(CLIENT.email);
    fields += 1;
    const res = await submit(page, "Créer l'espace");
    clicks += 1;
    console.log(`fields: ${fields}, clicks: ${clicks}`);

    assert.equal(res.status(), 200, `the new space opens (${page.url()})`);
    assert.match(path(page), /^\/spaces\/[A-Za-z0-9_-]+$/, `now on the new space, not ${page.url()}`);
    state.spaceUrl = page.url();
    await page.getByRole('heading', { level: 1, name: TITLE, exact: true }).waitFor();
    // The invitation is listed, pending, in the space.
    const invites = page.getByRole('region', { name: 'Inviter' });
    const row = invites.getByRole('row').filter({ hasText: CLIENT.email });
    assert.equal(await row.count(), 1, 'the invitation is listed in the space');
    assert.match(await row.innerText(), /En attente/);
    await a11y.check(page, 'new space (administrator)');
    assertGuards(guard);
  });

  app.test('the client receives a content-free invitation over TLS', async () => {
    assert.ok(state.spaceUrl, 'the space was created first');
    const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(CLIENT.email), 15_000);
    assert.equal(mail.tls, true, 'delivered after STARTTLS');
    assert.ok(mail.tls_version && /^TLSv1\.[23]$/.test(mail.tls_version), `TLS version ${mail.tls_version}`);
    assert.match(mail.subject, /invite/i, `an invitation: ${mail.subject}`);
    assert.ok(mail.text.includes(ADMIN.firm), 'the mail says which firm invites');
    assertMailDoesNotContain(mail, [TITLE, ...TITLE_WORDS, '7Q3'], 'the space title must not be in the invitation');
    assertMailDoesNotContain(mail, [CLIENT.name, 'Vantablack', 'Kestrel', 'Éloïse'], 'the client’s name must not be in the invitation');
    assertMailDoesNotContain(mail, [state.spaceUrl, new URL(state.spaceUrl).pathname], 'the space’s address must not be in the invitation');
    state.link = linkIn(mail, app.server.url, '/invite/');
    assert.match(new URL(state.link).pathname, /^\/invite\/[A-Za-z0-9_-]{16,}$/);
  });

  app.test('the client accepts in a fresh browser and lands in the space', async () => {
    assert.ok(state.link, 'the invitation arrived first');
    const { page, guard } = await app.open('desktop');
    state.client = { page, guard };
    const res = await page.goto(state.link);
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Invitation', exact: true }).waitFor();
    const landing = await mainText(page);
    assert.ok(landing.includes(ADMIN.firm), 'the landing page names the firm');
    assert.ok(landing.includes(CLIENT.email), 'the landing page shows the invited address');
    assert.ok(!landing.includes(TITLE) && !TITLE_WORDS.some((w) => landing.includes(w)), 'nor the space title before acceptance');
    await a11y.check(page, 'invitation landing');

    await page.getByLabel('Votre nom', { exact: true }).fill(CLIENT.name);
    assert.ok(await page.getByRole('radio', { name: 'Avec un mot de passe' }).isChecked(), 'password is the default');
    await page.getByLabel('Mot de passe', { exact: true }).fill(CLIENT.password);
    await page.getByLabel('Confirmer le mot de passe', { exact: true }).fill(CLIENT.password);
    const done = await submit(page, "Accepter l'invitation");
    assert.equal(done.status(), 200);
    assert.equal(page.url(), state.spaceUrl, 'lands in the space it was invited to');
    await page.getByRole('heading', { level: 1, name: TITLE, exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 1, 'signed in');
    const members = page.getByRole('region', { name: 'Membres' });
    assert.ok((await members.innerText()).includes(CLIENT.name), 'the client is a member under the name chosen');
    assert.equal(await page.getByRole('region', { name: 'Inviter' }).count(), 0, 'a client cannot invite');
    await a11y.check(page, 'space (client)');

    // Used: the link no longer invites anyone. Its owner, signed in here, is taken to the space
    // (signed out, he would get the sign-in page saying the invitation was used).
    const again = await state.client.guard.newPage();
    const r2 = await again.goto(state.link);
    assert.equal(r2.status(), 200, `a used invitation leads somewhere useful, got ${r2.status()}`);
    assert.ok(/\/spaces\/[0-9a-f]+$/.test(new URL(again.url()).pathname), `the owner lands in the space, got ${again.url()}`);
    assert.equal(await again.getByLabel('Mot de passe', { exact: true }).count(), 0);
    await again.close();
    assertGuards(guard);
  });

  app.test('the client’s dashboard lists that space and nothing else', async () => {
    assert.ok(state.client, 'the client signed in first');
    const { page, guard } = state.client;
    await page.goto(`${app.server.url}/`);
    await assertDashboard(page, 'the client’s home');
    const spaces = page.getByRole('region', { name: 'Vos espaces' });
    const links = spaces.getByRole('link');
    assert.equal(await links.count(), 1, `exactly one space listed:\n${await spaces.innerText()}`);
    assert.equal((await links.first().innerText()).trim(), TITLE);
    assert.equal(new URL(await links.first().getAttribute('href'), app.server.url).href, state.spaceUrl);
    assert.equal(await page.getByRole('region', { name: 'Ouvrir un espace' }).count(), 0, 'a client cannot open spaces');
    assert.equal(await page.getByRole('link', { name: 'Journal' }).count(), 0, 'no admin pages for a client');
    await a11y.check(page, 'dashboard (client)');
    assertGuards(guard);
  });

  app.test('a space the client was not invited to is invisible and answers the 404 page', async () => {
    assert.ok(state.client && state.admin, 'both are signed in');
    const admin = state.admin.page;
    await admin.goto(`${app.server.url}/`);
    // With a space already, the create form is folded below the spaces: "Nouvel espace" opens it.
    await clickAndWait(admin, admin.getByRole('link', { name: 'Nouvel espace', exact: true }));
    await admin.getByLabel("Titre de l'espace", { exact: true }).fill(OTHER_TITLE);
    await submit(admin, "Créer l'espace");
    await admin.getByRole('heading', { level: 1, name: OTHER_TITLE, exact: true }).waitFor();
    const otherUrl = admin.url();
    assert.notEqual(otherUrl, state.spaceUrl);
    // The admin sees both spaces.
    await admin.goto(`${app.server.url}/`);
    assert.equal(await admin.getByRole('region', { name: 'Vos espaces' }).getByRole('link').count(), 2);

    const { page, guard } = state.client;
    await page.goto(`${app.server.url}/`);
    const listed = await page.getByRole('region', { name: 'Vos espaces' }).innerText();
    assert.ok(!listed.includes(OTHER_TITLE), 'the other space is not listed for the client');
    assert.equal(await page.getByRole('region', { name: 'Vos espaces' }).getByRole('link').count(), 1);

    const res = await page.goto(otherUrl);
    assert.equal(res.status(), 404, `the other space answers 404 to the client, got ${res.status()}`);
    const text = await mainText(page);
    assert.match(text, /Cette page n'existe pas, ou vous n'y avez pas accès\./);
    assert.ok(!text.includes(OTHER_TITLE) && !(await page.title()).includes('Xylophage'), 'the 404 page does not reveal the title');
    const forbidden = { status: res.status(), title: await page.title(), text };
    await a11y.check(page, '404 for a space of the firm');

    // Exactly the page of a space that does not exist at all.
    const id = new URL(otherUrl).pathname.split('/').pop();
    const fake = id.slice(0, -2) + (id.endsWith('AA') ? 'BB' : 'AA');
    const res2 = await page.goto(`${app.server.url}/spaces/${fake}`);
    const nonexistent = { status: res2.status(), title: await page.title(), text: await mainText(page) };
    assert.deepEqual(forbidden, nonexistent, 'a space one may not see looks exactly like one that does not exist');

    // And the client is still signed in, still in their own space.
    await page.goto(state.spaceUrl);
    await page.getByRole('heading', { level: 1, name: TITLE, exact: true }).waitFor();
    assertGuards(guard);
    assertGuards(state.admin.guard);
  });

  app.test('every page visited passes axe (no serious/critical issue) at desktop and phone', () => {
    a11y.assertClean();
  });
});
