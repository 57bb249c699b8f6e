'use strict';
// The box the every-page sweep visits: one firm whose administrator (staff, operator) has
// a space of each kind (client, médiation with an aparté, arbitrage with a communicated
// exhibit, data room with a question), each with a document; in the client space a
// message, a request and an appointment; a client member; an invitation still pending; a
// secure mail read by its recipient; a deposit in the drop box; a personal calendar; a
// password-reset link. Returns the anonymous URLs only mails or one-time pages give (the
// rest is found by following links, see lib/crawl.js).

const assert = require('node:assert/strict');
const { submit, setupFirm, apiCall, apiSession, invite, acceptInvitation, linkIn, signInWithPassword } = require('./flows');
const { totp } = require('./totp');

const ADMIN = { firm: 'Cabinet Balayage', name: 'Maître Anne Balai', email: 'anne.balai@example.fr', password: 'Balayage phrase de passe 2026' };
const CLIENT = { email: 'jean.martin@example.fr', name: 'Jean Martin', password: 'Martin phrase de passe 2026' };
const PENDING = { email: 'paul.attente@example.fr' };
const VISITOR = { name: 'Valérie Visiteuse', email: 'valerie@example.org' };
const OUTSIDE = 'expert@outside.example';

const SPACES = [
  { key: 'client', title: 'Succession Martin', template: 'client' },
  { key: 'mediation', title: 'Médiation Durand', template: 'mediation' },
  { key: 'arbitration', title: 'Arbitrage Quillon', template: 'arbitrage' },
  { key: 'dataroom', title: 'Cession Fabre', template: 'data_room' },
];

/** A small valid one-page PDF (as in 10_arbitration): view-only copies need a real one. */
function pdf(text) {
  const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// A 1×1 PNG, for the firm's logo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const ok = (r, what) => assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);

/** An 8-digit code in the last mail to `to` whose subject matches `subject`. */
async function codeFrom(app, to, subject) {
  const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(to) && subject.test(m.subject), 15_000);
  const code = (mail.text.match(/\b(\d{8})\b/) || [])[1];
  assert.ok(code, `an 8-digit code in:\n${mail.text}`);
  return code;
}

async function buildBox(app, { staffPage, anonPage }) {
  const base = app.server.url;
  const api = (...a) => apiCall(base, ...a);
  const extra = { anon: [] };

  await setupFirm(staffPage, app.server.setupLink, ADMIN);
  const token = await apiSession(base, ADMIN);
  const space = {};
  for (const s of SPACES) {
    const r = await api('POST', '/api/v1/spaces', token, { title: s.title, template: s.template });
    ok(r, `space ${s.key}`);
    space[s.key] = r.json.id;
  }
  // The médiation's confidentiality undertaking, written before anyone is invited (09_mediation).
  await staffPage.goto(`${base}/spaces/${space.mediation}/undertaking`);
  await staffPage.getByLabel('Texte', { exact: true }).fill('Rien de ce qui est dit en médiation ne sera révélé.');
  await submit(staffPage, "Enregistrer l'engagement");
  for (const s of SPACES) await invite(base, token, space[s.key], [CLIENT], 'contributeur');
  await invite(base, token, space.client, [PENDING], 'contributeur');
  const client = await acceptInvitation(app, CLIENT, 'desktop');
  // One invitation per space: the signed-in client joins the three others from their mails.
  for (let i = 1; i < SPACES.length; i += 1) {
    const mail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(CLIENT.email), 15_000);
    await client.page.goto(linkIn(mail, base, '/invite/'));
    await submit(client.page, "Rejoindre l'espace");
  }
  await client.page.goto(`${base}/spaces/${space.mediation}/undertaking`);
  await submit(client.page, "J'accepte");
  const clientToken = await apiSession(base, CLIENT);
  const me = await api('GET', '/api/v1/me', clientToken);
  ok(me, 'the client');

  // The still-pending invitation: its page, anonymous.
  const pendingMail = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(PENDING.email), 15_000);
  extra.anon.push(new URL(linkIn(pendingMail, base, '/invite/')).pathname);

  const doc = {};
  for (const s of SPACES) {
    const r = await api('POST', `/api/v1/spaces/${space[s.key]}/documents?name=${encodeURIComponent('Projet d’acte.pdf')}`, token,
      pdf('Projet d acte'), { 'Content-Type': 'application/pdf' });
    ok(r, `document in ${s.key}`);
    doc[s.key] = r.json.id;
  }

  // The client space: messages, a request answered by the client, an appointment.
  ok(await api('POST', `/api/v1/spaces/${space.client}/messages`, token, { body: 'Voici le projet d’acte à relire.', attachments: [doc.client] }), 'message');
  ok(await api('POST', `/api/v1/spaces/${space.client}/messages`, clientToken, { body: 'Bien reçu, merci.' }), 'reply');
  const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const req = await api('POST', `/api/v1/spaces/${space.client}/requests`, token, { title: 'Avis d’imposition 2025', due, note: 'Les trois pages.' });
  ok(req, 'request');
  ok(await api('POST', `/api/v1/spaces/${space.client}/requests`, token, { title: 'Livret de famille', due }), 'second request');
  ok(await api('POST', `/api/v1/spaces/${space.client}/documents?name=avis.pdf&request=${req.json.id}`, clientToken,
    pdf('Avis'), { 'Content-Type': 'application/pdf' }), 'answer to the request');
  const start = new Date(Date.now() + 3 * 86_400_000);
  start.setUTCHours(13, 30, 0, 0);
  const end = new Date(start.getTime() + 3_600_000);
  ok(await api('POST', `/api/v1/spaces/${space.client}/events`, token, {
    title: 'Signature chez le notaire', start: start.toISOString(), end: end.toISOString(), place: '12 rue de la Paix, Paris',
  }), 'event');

  // Médiation: an aparté with the client, a message and a document in it.
  const aside = await api('POST', `/api/v1/spaces/${space.mediation}/asides`, token, { name: 'Partie Martin', members: [me.json.id] });
  ok(aside, 'aside');
  ok(await api('POST', `/api/v1/spaces/${space.mediation}/asides/${aside.json.id}/messages`, token, { body: 'Votre plancher ?' }), 'aside message');
  ok(await api('POST', `/api/v1/spaces/${space.mediation}/asides/${aside.json.id}/documents?name=offre.txt`, token,
    Buffer.from('Offre.\n'), { 'Content-Type': 'application/octet-stream' }), 'aside document');

  // Arbitrage: the case, an exhibit of the client's party, communicated.
  ok(await api('POST', `/api/v1/spaces/${space.arbitration}/case`, token, {
    court: 'Tribunal arbitral', number: 'CCI 1/AB',
    parties: [
      { name: 'Martin SAS', role: 'demandeur', lawyer: CLIENT.name, prefix: 'D', members: [CLIENT.email] },
      { name: 'Quillon SA', role: 'defendeur', lawyer: 'Me Quillon', prefix: 'R', members: [] },
    ],
  }), 'case');
  const exhibit = await api('POST', `/api/v1/spaces/${space.arbitration}/exhibits`, clientToken, { document: doc.arbitration, title: 'Contrat du 3 mars', date: '2025-03-03' });
  ok(exhibit, 'exhibit');
  ok(await api('POST', `/api/v1/spaces/${space.arbitration}/communications`, clientToken, { exhibits: [exhibit.json.id] }), 'communication');

  // Data room: a document in consultation only, a question of the client.
  await staffPage.goto(`${base}/spaces/${space.dataroom}/documents/${doc.dataroom}`);
  await submit(staffPage, 'Passer ce document en consultation seule');
  ok(await api('POST', `/api/v1/spaces/${space.dataroom}/questions`, clientToken, { text: 'Le bail est-il cessible ?' }), 'question');

  // A secure mail with a document of the client space, read by its recipient.
  await staffPage.goto(`${base}/mail/new`);
  await staffPage.getByLabel('Destinataires', { exact: true }).fill(OUTSIDE);
  await staffPage.getByLabel('Objet', { exact: true }).fill('Votre rapport');
  await staffPage.getByLabel('Message', { exact: true }).fill('Voici le projet.');
  await staffPage.getByLabel('Espace', { exact: true }).selectOption({ label: SPACES[0].title });
  await submit(staffPage, 'Afficher ses documents');
  await staffPage.locator('input[name=picked]').first().check();
  await submit(staffPage, 'Envoyer le courrier sécurisé');
  const notice = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(OUTSIDE) && /vous attend/.test(m.subject), 15_000);
  const secure = linkIn(notice, base, '/m/');
  extra.anon.push(new URL(secure).pathname);
  await anonPage.goto(secure);
  await submit(anonPage, 'Recevoir un code par e-mail');
  await anonPage.getByLabel('Code reçu par e-mail', { exact: true }).fill(await codeFrom(app, OUTSIDE, /Votre code/));
  await submit(anonPage, 'Ouvrir le courrier');

  // The drop box: opened by the administrator, a deposit by a visitor.
  await staffPage.goto(`${base}/admin/settings`);
  await submit(staffPage, 'Ouvrir la boîte de dépôt');
  const depot = await staffPage.getByLabel('Lien public de la boîte de dépôt', { exact: true }).inputValue();
  extra.anon.push(new URL(depot).pathname);
  await anonPage.goto(depot);
  await anonPage.getByLabel('Votre nom', { exact: true }).fill(VISITOR.name);
  await anonPage.getByLabel('Votre adresse e-mail', { exact: true }).fill(VISITOR.email);
  await submit(anonPage, 'Recevoir un code');
  await anonPage.getByLabel('Code reçu par e-mail', { exact: true }).fill(await codeFrom(app, VISITOR.email, /./));
  await submit(anonPage, 'Confirmer');
  await anonPage.getByLabel('Choisir les fichiers à déposer', { exact: true }).setInputFiles({ name: 'bilan.pdf', mimeType: 'application/pdf', buffer: pdf('Bilan') });
  await anonPage.locator('.progress-list li').filter({ hasText: 'reçu' }).waitFor({ timeout: 30_000 });
  await submit(anonPage, 'Envoyer le dépôt');

  // The administrator's personal calendar feed.
  await staffPage.goto(`${base}/account`);
  await submit(staffPage, 'Créer l’adresse de mon calendrier');
  const feed = (await staffPage.locator('code.secret').first().innerText()).trim();
  extra.anon.push(new URL(feed).pathname);

  // A password-reset link (asked anonymously).
  await anonPage.goto(`${base}/reset`);
  await anonPage.getByLabel('Adresse e-mail', { exact: true }).fill(ADMIN.email);
  await submit(anonPage, 'Recevoir le lien');
  const reset = await app.smtp.waitForMail((m) => m.rcpt_tos.includes(ADMIN.email) && /\/reset\//.test(m.text || ''), 15_000);
  extra.anon.push(new URL(linkIn(reset, base, '/reset/')).pathname);

  // The firm's logo.
  await staffPage.goto(`${base}/admin/settings`);
  await staffPage.locator('#logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
  await submit(staffPage, 'Enregistrer le logo');

  // Two-factor sign-in: the administrator turns it on, then gives his password in a fresh
  // browser, which is left on the code page (/login/totp) for the sweep.
  await staffPage.goto(`${base}/account/totp`);
  const secret = (await staffPage.locator('main code').innerText()).trim();
  await staffPage.getByLabel('Code à 6 chiffres', { exact: true }).fill(totp(secret));
  await submit(staffPage, 'Activer');
  const signingIn = await app.open('desktop');
  await signInWithPassword(signingIn.page, base, ADMIN.email, ADMIN.password);
  assert.equal(new URL(signingIn.page.url()).pathname, '/login/totp', 'the password step leads to the code');

  extra.anon.push('/static/css/app.css');
  return { extra, client, signingIn, space };
}

module.exports = { buildBox, ADMIN, CLIENT };
