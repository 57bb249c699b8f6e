'use strict';
// The firm's drop box ("dépôt") end to end: the administrator opens it in the
// settings and reads its public link; a visitor on a phone gives a name and an
// address, receives the code through the real STARTTLS relay (a content-free
// mail: not even the name he typed), confirms, drops two files, each with its
// own progress bar, writes a note and sends; the receipt lists both files with
// their SHA-256. The staff member sees the deposit, new, under "Dépôts", opens
// it, and files it into a space, where both files are documents; the inbox is
// empty again. Every page passes axe at desktop and phone; nothing is loaded
// from another origin.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { appSuite } = require('../lib/harness');
const {
  a11yCollector,
  submit,
  path,
  mainText,
  setupFirm,
  assertGuards,
  assertMailDoesNotContain,
} = require('../lib/flows');

const ADMIN = {
  firm: 'Cabinet Boîte-8d2f',
  name: 'Maître Boîte',
  email: 'admin-8d2f@example.fr',
  password: 'Boîte-8d2f mot de passe 2026!',
};
const SPACE = 'Dossier Dépôt Quetzal-8d2f';
const VISITOR = { name: 'Ysolde Marquebreuck', email: 'deposant-8d2f@example.org' };
const NOTE = 'Voici le bail Wyvernaz et les quittances demandées.';
// Two files of different sizes (the larger one shows its progress on the way).
const FILES = [
  { name: 'Bail Wyvernaz signé.pdf', mimeType: 'application/pdf', buffer: pseudoRandom(3 * 1024 * 1024, 7) },
  { name: 'Quittances 2026.xlsx', mimeType: 'application/octet-stream', buffer: pseudoRandom(180 * 1024, 11) },
];
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

function pseudoRandom(size, seed) {
  const buf = Buffer.alloc(size);
  let x = 0x9e3779b9 ^ seed;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeUInt32LE(x >>> 0, i);
  }
  return buf;
}

describe('a deposit through the firm’s drop box', () => {
  const app = appSuite({
    smtp: true,
    server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } },
  });
  const state = {};
  const a11y = a11yCollector();

  app.test('the administrator opens the drop box and reads its public link', async () => {
    const { page, guard } = await app.open('desktop');
    state.admin = { page, guard };
    await setupFirm(page, app.server.setupLink, ADMIN);
    // A space to file deposits into.
    const form = page.getByRole('region', { name: 'Ouvrir un espace' });
    const dossier = form.getByRole('radio', { name: /^Dossier/ });
    if ((await dossier.count()) === 1) await dossier.check();
    await form.getByLabel("Titre de l'espace", { exact: true }).fill(SPACE);
    await submit(page, "Créer l'espace");
    await page.getByRole('heading', { level: 1, name: SPACE, exact: true }).waitFor();

    await page.goto(`${app.server.url}/admin/settings`);
    const box = page.getByRole('region', { name: 'Boîte de dépôt' });
    assert.match(await box.innerText(), /fermée/, 'closed until opened');
    await submit(page, 'Ouvrir la boîte de dépôt');
    assert.match(page.url(), /depot=opened/);
    const field = page.getByLabel('Lien public de la boîte de dépôt', { exact: true });
    state.link = await field.inputValue();
    assert.match(new URL(state.link).pathname, /^\/depot\/[A-Za-z0-9_-]{43}$/, state.link);
    assert.equal(new URL(state.link).origin, new URL(app.server.url).origin);
    await a11y.check(page, 'settings with the drop box open');
    assertGuards(guard);
  });

  app.test('a visitor on a phone confirms his address and deposits two files with a note', async () => {
    assert.ok(state.link, 'the box was opened first');
    const { page, guard } = await app.open('phone');
    const res = await page.goto(state.link);
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Déposer des documents', exact: true }).waitFor();
    assert.ok((await mainText(page)).includes(ADMIN.firm), 'the page names the firm');
    await a11y.check(page, 'drop box: name and address');

    await page.getByLabel('Votre nom', { exact: true }).fill(VISITOR.name);
    await page.getByLabel('Votre adresse e-mail', { exact: true }).fill(VISITOR.email);
    await submit(page, 'Recevoir un code');
    await page.getByRole('heading', { level: 1, name: 'Confirmez votre adresse', exact: true }).waitFor();
    assert.ok((await mainText(page)).includes(VISITOR.email));
    await a11y.check(page, 'drop box: the code');

    const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(VISITOR.email), 15_000);
    assert.equal(mail.tls, true, 'delivered after STARTTLS');
    assert.ok(mail.text.includes(ADMIN.firm), 'the mail says which firm');
    assertMailDoesNotContain(mail, [VISITOR.name, 'Ysolde', 'Marquebreuck', state.link, '/depot/'], 'the code mail is content-free');
    const code = (mail.text.match(/\b\d{8}\b/) || [])[0];
    assert.ok(code, `a code in the mail:\n${mail.text}`);

    await page.getByLabel('Code reçu par e-mail', { exact: true }).fill(code);
    await submit(page, 'Confirmer');
    await page.getByRole('heading', { level: 2, name: 'Fichiers', exact: true }).waitFor();
    assert.ok((await mainText(page)).includes('Aucun fichier reçu'));
    await a11y.check(page, 'drop box: upload page');

    // Two files at once: each gets a progress bar named after it, then "reçu".
    const send = page.getByRole('button', { name: 'Envoyer le dépôt', exact: true });
    const answers = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/files')) answers.push(r.status());
    });
    await page.getByLabel('Choisir les fichiers à déposer', { exact: true }).setInputFiles(FILES);
    for (const f of FILES) {
      await page.getByRole('progressbar', { name: `Progression de l'envoi de ${f.name}` }).waitFor();
    }
    const rows = page.locator('.progress-list li');
    await assert.doesNotReject(
      rows.filter({ hasText: `${FILES[1].name} — reçu` }).waitFor({ timeout: 60_000 }),
      'both files arrive',
    );
    await rows.filter({ hasText: `${FILES[0].name} — reçu` }).waitFor();
    for (const f of FILES) {
      const bar = page.getByRole('progressbar', { name: `Progression de l'envoi de ${f.name}` });
      assert.equal(await bar.getAttribute('value'), '100', `${f.name} at 100 %`);
    }
    assert.deepEqual(answers, [201, 201], 'one request per file, both accepted');
    assert.ok(await send.isEnabled(), 'sending is possible once the files are in');
    const received = page.getByRole('region', { name: 'Fichiers reçus' });
    for (const f of FILES) {
      assert.ok((await received.innerText()).includes(sha256(f.buffer)), `the SHA-256 of ${f.name}`);
    }
    await a11y.check(page, 'drop box: files received');

    await page.getByLabel('Message au cabinet', { exact: true }).fill(NOTE);
    await submit(page, 'Envoyer le dépôt');
    await page.getByRole('heading', { level: 1, name: 'Dépôt reçu', exact: true }).waitFor();
    const receipt = await mainText(page);
    for (const f of FILES) {
      assert.ok(receipt.includes(f.name), `${f.name} on the receipt`);
      assert.ok(receipt.includes(sha256(f.buffer)), `the SHA-256 of ${f.name} on the receipt`);
      // The exact size, the French way: "3 145 728 octets" (mainText folds the narrow
      // no-break spaces between groups into plain ones).
      const grouped = String(f.buffer.length).replace(/\B(?=(\d{3})+(?!\d))/g, '\\s?');
      assert.ok(new RegExp(`${grouped}\\s+octets`).test(receipt), `the exact size of ${f.name} in octets`);
    }
    assert.ok(receipt.includes(NOTE));
    await a11y.check(page, 'drop box: receipt');
    assertGuards(guard);
  });

  app.test('the staff member sees the deposit and files it into a space', async () => {
    assert.ok(state.admin, 'the administrator is signed in');
    const { page, guard } = state.admin;
    await page.goto(`${app.server.url}/`);
    await page.getByRole('link', { name: 'Dépôts', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Dépôts', exact: true }).waitFor();
    const row = page.getByRole('row').filter({ hasText: VISITOR.name });
    assert.equal(await row.count(), 1, 'the deposit is listed');
    assert.match(await row.innerText(), /Nouveau/);
    assert.match(await row.innerText(), /\b2\b/, 'two files');
    await a11y.check(page, 'inbox of deposits');

    await row.getByRole('link', { name: VISITOR.name }).click();
    await page.getByRole('heading', { level: 1, name: /^Dépôt / }).waitFor();
    const text = await mainText(page);
    for (const needle of [VISITOR.email, NOTE, FILES[0].name, sha256(FILES[0].buffer)]) {
      assert.ok(text.includes(needle), `${needle} on the deposit's page`);
    }
    const reply = page.getByRole('link', { name: 'Répondre par courrier sécurisé' });
    assert.equal(new URL(await reply.getAttribute('href'), app.server.url).searchParams.get('to'), VISITOR.email);
    await a11y.check(page, 'one deposit');

    await page.getByLabel('Espace et dossier', { exact: true }).selectOption({ label: `${SPACE} › Pièces` });
    await submit(page, "Classer dans l'espace");
    assert.equal(path(page), '/depot');
    assert.ok((await mainText(page)).includes('Le dépôt a été classé dans l\'espace.'));
    assert.ok((await mainText(page)).includes('Aucun dépôt en attente.'), 'gone from the inbox');
    await page.getByRole('link', { name: "Ouvrir l'espace" }).click();
    await page.getByRole('heading', { level: 1, name: SPACE, exact: true }).waitFor();
    const docs = await mainText(page);
    for (const f of FILES) assert.ok(docs.includes(f.name), `${f.name} is a document of the space`);
    assertGuards(guard);
  });

  app.test('every page visited passes axe (no serious/critical issue) at desktop and phone', () => {
    a11y.assertClean();
  });
});
