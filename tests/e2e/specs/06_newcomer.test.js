'use strict';
// The newcomer flows of the extranet, end to end over the real STARTTLS relay:
// staff opens a "Client" space from a template with the client's address in the
// same form (fields and clicks are printed), shares a document and a message and
// asks for two documents; the client, on a phone, reads the invitation mail,
// signs up, reads the message, downloads the document (its SHA-256 checked),
// uploads the two requested documents with a progress bar each, and replies
// with a file attached from the message form; staff then sees the receipts and
// the journal. Every page passes axe at 1280x800 and 390x844, and no request
// leaves the box's origin.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { appSuite } = require('../lib/harness');
const { a11yCollector, submit, mainText, setupFirm, assertGuards, assertMailDoesNotContain, linkIn } = require('../lib/flows');

const STAFF = {
  firm: 'Cabinet Nouveau-3d9b',
  name: 'Maître Accueillante',
  email: 'staff-3d9b@example.fr',
  password: 'Accueillante-3d9b mot de passe 2026!',
};
const TITLE = 'Divorce Okapi-8RT';
const CLIENT = { email: 'client-3d9b@example.fr', name: 'Client Okapi', password: 'Okapi phrase de passe longue 77' };
const MESSAGE = 'Bonjour, voici le projet de conclusions à relire.';
const REPLY = 'Merci Maître, mes remarques sont dans le fichier joint.';
const REQUESTS = ["Pièce d'identité", '3 derniers bulletins de salaire'];

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-newcomer-'));
function file(name, size, seed) {
  const buf = crypto.createHash('sha512').update(seed).digest();
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += buf.length) buf.copy(out, i);
  const p = path.join(tmp, name);
  fs.writeFileSync(p, out);
  return { path: p, name, buf: out };
}
const CONCLUSIONS = file('Projet de conclusions.pdf', 300_000, 'conclusions');
const ID_CARD = file('Carte identite.pdf', 2_500_000, 'id');
const PAYSLIPS = file('Bulletins 2026.pdf', 3_500_000, 'payslips');
const REMARKS = file('Remarques client.txt', 40_000, 'remarks');

/** Records every value each progress bar takes, across reloads (sessionStorage). */
const PROGRESS_SPY = `
  (() => {
    const seen = () => JSON.parse(sessionStorage.getItem('hc-progress') || '{}');
    const note = (el) => {
      const s = seen();
      const k = el.getAttribute('aria-label') || '';
      s[k] = (s[k] || []).concat([Number(el.value)]);
      sessionStorage.setItem('hc-progress', JSON.stringify(s));
    };
    new MutationObserver((muts) => {
      for (const m of muts) {
        if (m.type === 'attributes' && m.target.tagName === 'PROGRESS') note(m.target);
        for (const n of m.addedNodes || []) if (n.querySelectorAll) n.querySelectorAll('progress').forEach(note);
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
  })();`;

describe('newcomer flows: a client space from a template to the journal', () => {
  const app = appSuite({
    smtp: true,
    server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } },
  });
  const state = {};
  const a11y = a11yCollector();

  app.test('staff opens a Client space with the client’s address in one form', async () => {
    // The request form's date field makes Chromium paint its own calendar icon from a
    // data: URL (browser UI, not a resource of the page): allowed for this profile only.
    const { page, guard } = await app.open('desktop', { allowDataImages: true });
    state.staff = { page, guard };
    await setupFirm(page, app.server.setupLink, STAFF);
    const form = page.getByRole('region', { name: 'Ouvrir un espace' });
    let fields = 0;
    let clicks = 0;
    const client = form.getByRole('radio', { name: /^Client/ });
    if (!(await client.isChecked())) {
      await client.check();
      clicks += 1;
    }
    await form.getByLabel("Titre de l'espace", { exact: true }).fill(TITLE);
    fields += 1;
    await form.getByLabel('Adresse e-mail du client (facultatif)', { exact: true }).fill(CLIENT.email);
    fields += 1;
    await submit(page, "Créer l'espace");
    clicks += 1;
    console.log(`fields: ${fields}, clicks: ${clicks}`);
    assert.ok(fields <= 3 && clicks <= 2, 'a space in at most three fields and one click');
    await page.getByRole('heading', { level: 1, name: TITLE, exact: true }).waitFor();
    state.spaceUrl = page.url();
    await a11y.check(page, 'new space (staff)');
  });

  app.test('staff shares a document, writes a message and asks for two documents', async () => {
    const { page, guard } = state.staff;
    await page.goto(state.spaceUrl);
    const reloaded = page.waitForEvent('load');
    await page.getByLabel('Déposer des fichiers', { exact: true }).setInputFiles(CONCLUSIONS.path);
    await reloaded;
    await page.getByRole('link', { name: CONCLUSIONS.name }).first().waitFor();
    await page.getByLabel('Votre message', { exact: true }).fill(MESSAGE);
    await submit(page, 'Envoyer');
    await page.getByText(MESSAGE).waitFor();

    await page.getByRole('navigation', { name: "Sections de l'espace" }).getByRole('link', { name: 'Demandes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Documents demandés' }).waitFor();
    for (const title of REQUESTS) {
      await page.getByLabel('Document demandé', { exact: true }).last().fill(title);
      await submit(page, 'Ajouter la demande');
      await page.getByRole('heading', { level: 2, name: title }).waitFor();
    }
    assert.match(await mainText(page), /0 \/ 2\s+reçus/);
    state.requestsUrl = page.url();
    await a11y.check(page, 'requests (staff)');
    assertGuards(guard);
  });

  app.test('the client gets a content-free invitation over TLS, signs up on a phone and reads the message', async () => {
    const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(CLIENT.email) && /invit/i.test(m.subject), 15_000);
    assert.equal(mail.tls, true, 'delivered after STARTTLS');
    assertMailDoesNotContain(mail, [TITLE, 'Okapi', MESSAGE, CONCLUSIONS.name, ...REQUESTS], 'nothing of the space in the mail');
    const { page, guard, context } = await app.open('phone');
    await context.addInitScript(PROGRESS_SPY);
    state.client = { page, guard };
    await page.goto(linkIn(mail, app.server.url, '/invite/'));
    await page.getByLabel('Votre nom', { exact: true }).fill(CLIENT.name);
    await page.getByLabel('Mot de passe', { exact: true }).fill(CLIENT.password);
    await page.getByLabel('Confirmer le mot de passe', { exact: true }).fill(CLIENT.password);
    await submit(page, "Accepter l'invitation");
    assert.equal(page.url(), state.spaceUrl);
    await page.getByText(MESSAGE).waitFor();
    assert.match(await mainText(page), /Documents demandés :\s*0 \/ 2/, 'the space says what is asked');
    await a11y.check(page, 'space (client)');
    assertGuards(guard);
  });

  app.test('the client downloads the document: same bytes, same SHA-256', async () => {
    const { page } = state.client;
    const item = page.getByRole('listitem').filter({ hasText: CONCLUSIONS.name });
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('link', { name: 'Télécharger' }).click()]);
    const saved = path.join(tmp, 'downloaded.pdf');
    await download.saveAs(saved);
    assert.equal(sha256(fs.readFileSync(saved)), sha256(CONCLUSIONS.buf));
  });

  app.test('the client uploads the two requested documents with a progress bar each', async () => {
    const { page, guard } = state.client;
    await page.getByRole('link', { name: 'Demandes', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Documents demandés' }).waitFor();
    await a11y.check(page, 'requests (client)');
    for (const [i, f] of [ID_CARD, PAYSLIPS].entries()) {
      const reloaded = page.waitForEvent('load');
      await page.getByLabel(`Déposer un ou plusieurs fichiers pour cette demande — ${REQUESTS[i]}`, { exact: true }).setInputFiles(f.path);
      await reloaded;
    }
    const text = await mainText(page);
    assert.match(text, /2 \/ 2\s+reçus/, 'both requests received');
    const bars = await page.evaluate(() => JSON.parse(sessionStorage.getItem('hc-progress') || '{}'));
    for (const f of [ID_CARD, PAYSLIPS]) {
      const values = Object.entries(bars).find(([k]) => k.endsWith(f.name));
      assert.ok(values, `a progress bar was shown for ${f.name}: ${JSON.stringify(bars)}`);
      assert.equal(values[1][values[1].length - 1], 100, `${f.name} reached 100 %`);
    }
    assertGuards(guard);
  });

  app.test('the client replies with a file attached from the message form', async () => {
    const { page, guard } = state.client;
    await page.goto(state.spaceUrl);
    await page.getByLabel('Votre message', { exact: true }).fill(REPLY);
    await page.getByLabel('Joindre des fichiers depuis votre appareil', { exact: true }).setInputFiles(REMARKS.path);
    await page.getByText(`${REMARKS.name} — joint au message`).waitFor({ timeout: 20_000 });
    await submit(page, 'Envoyer');
    const reply = page.getByRole('listitem').filter({ hasText: REPLY });
    await reply.getByRole('link', { name: REMARKS.name }).waitFor();
    await a11y.check(page, 'space after the reply (client)');
    assertGuards(guard);
  });

  app.test('staff sees the reply, the receipt of the download and the journal', async () => {
    const { page, guard } = state.staff;
    await page.goto(state.spaceUrl);
    await page.getByText(REPLY).waitFor();
    await page.getByRole('link', { name: CONCLUSIONS.name }).first().click();
    const receipts = page.getByRole('region', { name: 'Accusés de lecture' });
    const row = receipts.getByRole('row').filter({ hasText: CLIENT.name });
    assert.match(await row.first().innerText(), /Téléchargé/, 'the client’s download is on record');
    await a11y.check(page, 'document with receipts (staff)');
    await page.goto(state.requestsUrl);
    assert.match(await mainText(page), /2 \/ 2\s+reçus/);
    await page.getByRole('navigation', { name: "Sections de l'espace" }).getByRole('link', { name: 'Journal' }).click();
    const journal = await mainText(page);
    for (const action of ['Document téléchargé', 'Document déposé', 'Message envoyé']) {
      assert.ok(journal.includes(action), `the journal shows "${action}"`);
    }
    assert.ok(journal.includes(CLIENT.name), 'the client’s actions are in the journal');
    await a11y.check(page, 'journal (staff)');
    assertGuards(guard);
  });

  app.test('every page visited passes axe at desktop and phone', () => {
    a11y.assertClean();
  });
});
