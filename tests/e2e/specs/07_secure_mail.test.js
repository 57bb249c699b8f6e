'use strict';
// Secure mail (courrier sécurisé) to an outside address, over a real STARTTLS
// relay: staff writes a mail with two files (streamed with progress into a
// draft) and sends it; the relay gets a content-free notice with a link; the
// recipient opens it in a fresh browser, asks for the code (a second mail on
// the relay), reads, downloads a file (its SHA-256 checked), and replies with a
// file; the sender sees the tracking (opened, downloaded, replied) and the reply
// with its file; after revocation the link shows that the mail was withdrawn.
// Every page passes axe at desktop and phone; no request leaves the app's origin.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const nodePath = require('node:path');
const { appSuite } = require('../lib/harness');
const {
  a11yCollector,
  clickAndWait,
  submit,
  path,
  mainText,
  setupFirm,
  assertGuards,
  assertMailDoesNotContain,
  linkIn,
} = require('../lib/flows');

const ADMIN = {
  firm: 'Cabinet Courrier-7e2b',
  name: 'Maître Courrier',
  email: 'courrier-7e2b@example.fr',
  password: 'Courrier-7e2b mot de passe 2026!',
};
const OUTSIDE = 'expert-7e2b@outside.example';
const SPACE = 'Dossier Source 7e2b';
// Distinctive sentinels: none may reach a mail.
const SUBJECT = 'Rapport Zanzibar-7E2 confidentiel';
const TEXT = 'Cher confrère, voici le rapport Quetzal-7E2 et son annexe.';
const FILE_A = 'Rapport Zanzibar.pdf';
const FILE_B = 'Annexe Quetzal.bin';
const REPLY_TEXT = 'Bien reçu : contre-proposition Yggdrasil-7E2 jointe.';
const REPLY_FILE = 'Contre-proposition Yggdrasil.pdf';
const SENTINELS = [SUBJECT, 'Zanzibar', 'Quetzal', 'Yggdrasil', FILE_A, FILE_B, REPLY_FILE, TEXT];

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

/** A file of `size` pseudo-random bytes named `name` in a temp folder; its path and SHA-256. */
function makeFile(dir, name, size, seed) {
  const buf = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  const file = nodePath.join(dir, name);
  fs.writeFileSync(file, buf);
  return { file, sha256: sha256(buf) };
}

describe('secure mail to an outside address', () => {
  const app = appSuite({
    smtp: true,
    server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } },
  });
  const state = {};
  const a11y = a11yCollector();
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'hc-mail-'));
  const a = makeFile(dir, FILE_A, 700 * 1024, 7);
  const b = makeFile(dir, FILE_B, 40 * 1024, 11);
  const reply = makeFile(dir, REPLY_FILE, 90 * 1024, 13);

  app.test('staff writes a secure mail with two files uploaded with progress, and sends it', async () => {
    const { page, guard } = await app.open('desktop');
    state.staff = { page, guard };
    await setupFirm(page, app.server.setupLink, ADMIN);
    // A space to pick documents from (empty here: the picking itself is tested in Rust).
    const form = page.getByRole('region', { name: 'Ouvrir un espace' });
    await form.getByLabel("Titre de l'espace", { exact: true }).fill(SPACE);
    await submit(page, "Créer l'espace");
    await page.getByRole('heading', { level: 1, name: SPACE, exact: true }).waitFor();
    await clickAndWait(page, page.getByRole('link', { name: 'Courrier sécurisé', exact: true }));
    assert.equal(path(page), '/mail');
    await page.getByRole('heading', { level: 1, name: 'Courrier sécurisé', exact: true }).waitFor();
    await a11y.check(page, 'secure mailbox, empty');

    await clickAndWait(page, page.getByRole('link', { name: 'Nouveau courrier sécurisé', exact: true }));
    assert.equal(path(page), '/mail/new');
    await page.getByLabel('Destinataires', { exact: true }).fill(OUTSIDE);
    await page.getByLabel('Objet', { exact: true }).fill(SUBJECT);
    await page.getByLabel('Message', { exact: true }).fill(TEXT);
    assert.ok(await page.getByRole('radio', { name: /code envoyé par un second e-mail/ }).isChecked(), 'a code by mail is the default');
    assert.equal(await page.getByLabel('Durée de mise à disposition (jours)', { exact: true }).inputValue(), '30');
    await page.getByLabel('Joindre des fichiers', { exact: true }).setInputFiles([a.file, b.file]);
    await page.getByRole('progressbar', { name: `Progression de l'envoi de ${FILE_A}` }).waitFor();
    const done = page.locator('.progress-list li.uploaded');
    await done.nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.progress-list li.failed').count(), 0);
    const draft = await page.locator('#mail-draft').inputValue();
    assert.match(draft, /^[0-9a-f]{32}$/, 'the draft the files went into');
    await a11y.check(page, 'compose with two files uploaded');

    // Showing a space's documents keeps what was typed and the files of the draft.
    await page.getByLabel('Espace', { exact: true }).selectOption({ label: SPACE });
    await submit(page, 'Afficher ses documents');
    assert.equal(await page.getByLabel('Objet', { exact: true }).inputValue(), SUBJECT);
    assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), TEXT);
    assert.equal(await page.locator('#mail-draft').inputValue(), draft);
    const listed = await mainText(page);
    assert.ok(listed.includes(FILE_A) && listed.includes(FILE_B), 'the draft keeps its files');
    assert.ok(listed.includes('Aucun document dans cet espace.'));
    await a11y.check(page, 'compose after showing a space');

    const res = await submit(page, 'Envoyer le courrier sécurisé');
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Courrier sécurisé envoyé', exact: true }).waitFor();
    await a11y.check(page, 'secure mail sent');
    state.trackUrl = new URL(await page.getByRole('link', { name: 'Voir le suivi du courrier' }).getAttribute('href'), app.server.url).href;
    assertGuards(guard);
  });

  app.test('the relay gets a content-free notice with a link, over TLS', async () => {
    assert.ok(state.trackUrl, 'the mail was sent first');
    const notice = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(OUTSIDE) && /vous attend/.test(m.subject), 15_000);
    assert.equal(notice.tls, true, 'delivered after STARTTLS');
    assert.ok(notice.text.includes(ADMIN.firm), 'the notice names the firm');
    assertMailDoesNotContain(notice, SENTINELS, 'the notice must not carry the mail');
    state.link = linkIn(notice, app.server.url, '/m/');
  });

  app.test('the recipient asks for the code, reads, downloads a file and replies with a file', async () => {
    assert.ok(state.link, 'the notice arrived first');
    const { page, guard } = await app.open('desktop');
    state.recipient = { page, guard };
    const res = await page.goto(state.link);
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Courrier sécurisé', exact: true }).waitFor();
    const before = await mainText(page);
    assert.ok(before.includes(ADMIN.firm), 'the firm is named');
    assert.ok(!SENTINELS.some((s) => before.includes(s)), 'nothing of the mail before the code');
    await a11y.check(page, 'secure mail: the code is asked');

    await submit(page, 'Recevoir un code par e-mail');
    await page.getByText('Un code vient de vous être envoyé').waitFor();
    const codeMail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(OUTSIDE) && /Votre code/.test(m.subject), 15_000);
    assert.equal(codeMail.tls, true);
    assertMailDoesNotContain(codeMail, SENTINELS, 'the code mail must not carry the mail');
    const code = (codeMail.text.match(/\b(\d{8})\b/) || [])[1];
    assert.ok(code, `an 8-digit code in:\n${codeMail.text}`);
    await page.getByLabel('Code reçu par e-mail', { exact: true }).fill(code);
    await submit(page, 'Ouvrir le courrier');

    await page.getByRole('heading', { level: 1, name: SUBJECT, exact: true }).waitFor();
    const text = await mainText(page);
    for (const want of [TEXT, FILE_A, FILE_B, a.sha256, b.sha256]) {
      assert.ok(text.includes(want), `${want} is shown`);
    }
    await a11y.check(page, 'secure mail: read');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: FILE_A, exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), FILE_A);
    assert.equal(sha256(fs.readFileSync(await download.path())), a.sha256, 'the downloaded file is the original');

    await page.getByLabel('Votre réponse', { exact: true }).fill(REPLY_TEXT);
    await page.getByLabel('Joindre des fichiers à la réponse', { exact: true }).setInputFiles(reply.file);
    await page.locator('#reply .progress-list li.uploaded').waitFor({ timeout: 30_000 });
    await submit(page, 'Envoyer la réponse');
    await page.getByText('Votre réponse a été transmise au cabinet.').waitFor();
    const after = await mainText(page);
    assert.ok(after.includes(REPLY_TEXT) && after.includes(REPLY_FILE), 'the reply is listed for the recipient');
    await a11y.check(page, 'secure mail: replied');
    assertGuards(guard);
  });

  app.test('the sender sees the tracking and the reply with its file', async () => {
    assert.ok(state.recipient, 'the recipient replied first');
    const told = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(ADMIN.email) && /Réponse/.test(m.subject), 15_000);
    assertMailDoesNotContain(told, SENTINELS, 'the reply alert must not carry the reply');
    const { page, guard } = state.staff;
    await page.goto(state.trackUrl);
    await page.getByRole('heading', { level: 1, name: SUBJECT, exact: true }).waitFor();
    const text = await mainText(page);
    for (const want of [OUTSIDE, 'Remis au serveur de messagerie', REPLY_TEXT, REPLY_FILE]) {
      assert.ok(text.includes(want), `${want} in the tracking:\n${text}`);
    }
    const opened = page.locator('dt:text-is("Ouvert") + dd time');
    assert.equal(await opened.count(), 1, 'opened once, dated');
    const downloads = page.locator('dt:text-is("Téléchargements") + dd li');
    assert.equal(await downloads.count(), 1);
    assert.match(await downloads.first().innerText(), new RegExp(`^${FILE_A} — `));
    await a11y.check(page, 'tracking of the secure mail');

    const href = await page.getByRole('link', { name: REPLY_FILE, exact: true }).getAttribute('href');
    const res = await page.request.get(new URL(href, app.server.url).href);
    assert.equal(res.status(), 200);
    assert.equal(sha256(await res.body()), reply.sha256, 'the reply file, intact');

    await page.goto(`${app.server.url}/mail`);
    const box = await mainText(page);
    assert.ok(box.includes(SUBJECT) && box.includes('1/1 ouvert, 1/1 répondu'), box);
    await a11y.check(page, 'secure mailbox with a reply');
    assertGuards(guard);
  });

  app.test('after revocation the link shows that the mail was withdrawn', async () => {
    assert.ok(state.trackUrl && state.recipient);
    const { page, guard } = state.staff;
    await page.goto(state.trackUrl);
    await page.getByLabel('Je confirme : le courrier et ses pièces seront détruits.', { exact: true }).check();
    await submit(page, 'Retirer maintenant');
    await page.getByRole('heading', { level: 2, name: 'Contenu détruit', exact: true }).waitFor();
    assert.ok(!(await mainText(page)).includes(SUBJECT), 'the subject is gone too');
    await a11y.check(page, 'tracking of a withdrawn mail');

    const r = state.recipient.page;
    const res = await r.goto(state.link);
    assert.equal(res.status(), 410);
    await r.getByRole('heading', { level: 1, name: 'Courrier retiré', exact: true }).waitFor();
    const gone = await mainText(r);
    assert.ok(!SENTINELS.some((s) => gone.includes(s)), 'nothing of the mail');
    await a11y.check(r, 'withdrawn secure mail');
    assertGuards(guard);
    assertGuards(state.recipient.guard);
  });

  app.test('every page visited passes axe (no serious/critical issue) at desktop and phone', () => {
    fs.rmSync(dir, { recursive: true, force: true });
    a11y.assertClean();
  });
});
