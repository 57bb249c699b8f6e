'use strict';
// An arbitration in the browser: the tribunal (the firm's administrator, Gestionnaire of
// an "Arbitrage" space) sets the case and its two parties through the API; party D's
// counsel and party R's counsel accept their invitations in their own browsers. D adds a
// first exhibit in the "Pièces" tab by sending a PDF (the page's script), two more through
// the API, and communicates the three in the UI, stamped. The bordereau PDF is produced:
// rendered to PNG with pdftoppm and read with pdftotext, it carries the numbers and the
// titles. R acknowledges receipt in the UI with one click, and D sees it. D's evidence
// bundle verifies with `huisclos evidence verify`, and a flipped byte makes it fail.
// Every page passes axe at 1280x800 and 390x844, and no request leaves the box's origin.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { appSuite } = require('../lib/harness');
const { findBinary } = require('../lib/server');
const { a11yCollector, submit, setupFirm, assertGuards, appApi, createSpaceWith, acceptInvitation } = require('../lib/flows');

const TRIBUNAL = {
  firm: 'Tribunal Arbitral Quillon-4t7w',
  name: 'Arbitre Présidente',
  email: 'arbitre-4t7w@example.fr',
  password: 'Arbitre-4t7w mot de passe 2026!',
};
const TITLE = 'Arbitrage Quillon contre Ravenel';
const D = { email: 'conseil-d-4t7w@example.fr', name: 'Maître Delphine Dacquin', password: 'Dacquin phrase de passe 61' };
const R = { email: 'conseil-r-4t7w@example.fr', name: 'Maître Romain Rostand', password: 'Rostand phrase de passe 72' };
const EXHIBITS = [
  'Contrat de fourniture Quillon-Ravenel',
  'Procès-verbal de réception des travaux',
  'Mise en demeure du 5 mars 2024',
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-arbitration-'));

/** A small valid one-page PDF with `text` (byte offsets computed for the xref table). */
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

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout || ''}${r.stderr || ''}` };
}

describe('an arbitration: exhibits communicated, bordereau, acknowledgement, evidence', () => {
  const app = appSuite({
    smtp: true,
    server: { config: { mail: { retry_first_secs: 1, batch_minutes: 1 } } },
  });
  const state = {};
  const a11y = a11yCollector();
  const { url, api, session } = appApi(app);

  /** Accepts the invitation in a fresh browser; lands in the space. */
  async function join(who, viewport) {
    // The exhibit forms' date fields make Chromium paint its own calendar icon from a data:
    // URL (browser UI, not a resource of the page): allowed for these profiles only.
    const { page, guard } = await acceptInvitation(app, who, viewport, { allowDataImages: true });
    who.token = await session(who);
    return { page, guard };
  }

  async function exhibitsTab(page) {
    await page.goto(url(`/spaces/${state.space}`));
    await page.getByRole('navigation', { name: "Sections de l'espace" }).getByRole('link', { name: 'Pièces' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pièces' }).waitFor();
  }

  app.test('the tribunal sets the case; the parties’ counsel join', async () => {
    const { page, guard } = await app.open('desktop', { allowDataImages: true });
    state.t = { page, guard };
    await setupFirm(page, app.server.setupLink, TRIBUNAL);
    TRIBUNAL.token = await session(TRIBUNAL);
    state.space = await createSpaceWith(app.server.url, TRIBUNAL.token, { title: TITLE, template: 'arbitrage' }, [D, R]);
    state.d = await join(D, 'desktop');
    state.r = await join(R, 'phone');
    const c = await api('POST', `/api/v1/spaces/${state.space}/case`, TRIBUNAL.token, {
      court: 'Tribunal arbitral — Règlement CCI',
      number: 'CCI 30411/QR',
      parties: [
        { name: 'Quillon SAS', role: 'demandeur', lawyer: D.name, prefix: 'D', members: [D.email] },
        { name: 'Ravenel SA', role: 'defendeur', lawyer: R.name, prefix: 'R', members: [R.email] },
      ],
    });
    assert.equal(c.status, 200, c.text);
    await exhibitsTab(page);
    await a11y.check(page, 'exhibits tab (tribunal)');
    assertGuards(guard);
  });

  app.test('party D adds three exhibits (a PDF in the page, two through the API)', async () => {
    const { page, guard } = state.d;
    await exhibitsTab(page);
    const file = path.join(tmp, 'contrat-quillon.pdf');
    fs.writeFileSync(file, pdf('Contrat Quillon'));
    const form = page.getByRole('form', { name: /^Envoyer un fichier/ });
    await form.getByLabel('Fichier de la pièce', { exact: true }).setInputFiles(file);
    await form.getByLabel('Intitulé de la pièce', { exact: true }).fill(EXHIBITS[0]);
    await form.getByLabel('Date de la pièce (facultatif)', { exact: true }).fill('2023-11-14');
    await Promise.all([page.waitForURL(/notice=added/), form.getByRole('button', { name: 'Envoyer la pièce' }).click()]);
    await page.getByRole('status').filter({ hasText: 'La pièce est ajoutée et numérotée.' }).waitFor();
    for (const [i, title] of EXHIBITS.slice(1).entries()) {
      const q = new URLSearchParams({ name: `piece-${i + 2}.txt`, title, date: '2024-03-05' });
      const r = await api('POST', `/api/v1/spaces/${state.space}/exhibits?${q}`, D.token, Buffer.from(`Pièce ${i + 2}\n`), {
        'Content-Type': 'application/octet-stream',
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.label, `D-${i + 2}`);
    }
    await page.reload();
    const table = page.getByRole('table').filter({ hasText: EXHIBITS[0] });
    for (const [i, title] of EXHIBITS.entries()) {
      const row = table.getByRole('row').filter({ hasText: title });
      assert.match(await row.getByRole('rowheader').innerText(), new RegExp(`^D-${i + 1}$`));
    }
    await a11y.check(page, 'exhibits tab (party D)');
    // R sees none of them before they are communicated.
    await exhibitsTab(state.r.page);
    assert.equal(await state.r.page.getByText(EXHIBITS[0]).count(), 0, 'not communicated: not seen by R');
    assertGuards(guard);
  });

  app.test('party D communicates the three exhibits: the bordereau carries their numbers and titles', async () => {
    const { page, guard } = state.d;
    await exhibitsTab(page);
    const form = page.locator('form.communicate');
    for (const title of EXHIBITS) {
      assert.equal(await form.getByRole('checkbox', { name: new RegExp(title) }).isChecked(), true);
    }
    assert.equal(await form.getByRole('checkbox', { name: /^Apposer le numéro/ }).isChecked(), true);
    await submit(page, 'Communiquer les pièces cochées');
    await page.getByRole('heading', { level: 1, name: /^Communication de pièces/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Les pièces sont communiquées' }).waitFor();
    state.communication = new URL(page.url()).pathname.split('/')[4];
    assert.match(state.communication, /^[0-9a-f]{32}$/);
    await a11y.check(page, 'communication (party D)');

    const href = await page.getByRole('link', { name: 'Télécharger le bordereau (PDF)' }).getAttribute('href');
    const res = await page.request.get(url(href));
    assert.equal(res.status(), 200);
    const bordereau = path.join(tmp, 'bordereau.pdf');
    fs.writeFileSync(bordereau, await res.body());
    execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', bordereau, path.join(tmp, 'bordereau')]);
    const png = fs.readdirSync(tmp).find((f) => f.startsWith('bordereau') && f.endsWith('.png'));
    assert.ok(png, 'rendered to PNG');
    assert.ok(fs.statSync(path.join(tmp, png)).size > 5000, 'the rendering is not blank');
    const text = execFileSync('pdftotext', ['-layout', bordereau, '-'], { encoding: 'utf8' });
    for (const needle of ['BORDEREAU DE COMMUNICATION DE PIÈCES', 'CCI 30411/QR', 'Quillon SAS', 'D-1', 'D-2', 'D-3', ...EXHIBITS]) {
      assert.ok(text.includes(needle), `${needle} is on the bordereau:\n${text}`);
    }
    assertGuards(guard);
  });

  app.test('party R acknowledges receipt in the UI with one click; D sees it', async () => {
    const { page, guard } = state.r;
    await exhibitsTab(page);
    // A communication is named by its date, written the French way ("7 déc. 2026 à 01:17").
    await page.getByRole('link', { name: /\d{1,2}\s\S+\s\d{4}\sà\s\d{2}:\d{2}/ }).first().click();
    await page.getByRole('heading', { level: 1, name: /^Communication de pièces/ }).waitFor();
    for (const title of EXHIBITS) await page.getByRole('cell', { name: title }).waitFor();
    await a11y.check(page, 'communication (party R, before acknowledging)');
    await submit(page, 'Accuser réception');
    await page.getByRole('status').filter({ hasText: 'Votre accusé de réception est enregistré.' }).waitFor();
    await page.getByText('Votre partie a accusé réception de cette communication.').waitFor();
    await a11y.check(page, 'communication (party R, acknowledged)');
    assertGuards(guard);

    const d = state.d.page;
    await d.goto(url(`/spaces/${state.space}/communications/${state.communication}`));
    const row = d.getByRole('row').filter({ hasText: 'Ravenel SA' });
    assert.match(await row.innerText(), /Reçu le .* Maître Romain Rostand/);
    const tribunal = d.getByRole('row').filter({ hasText: 'Tribunal arbitral' });
    assert.match(await tribunal.innerText(), /En attente/);
  });

  app.test('the evidence bundle verifies with huisclos, and a flipped byte makes it fail', async () => {
    const { page, guard } = state.d;
    await page.goto(url(`/spaces/${state.space}/communications/${state.communication}`));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le paquet de preuve (.zip)' }).click(),
    ]);
    const bundle = path.join(tmp, 'preuve.zip');
    await download.saveAs(bundle);
    const bin = findBinary();
    const good = run(bin, ['evidence', 'verify', bundle]);
    assert.ok(good.ok, good.out);
    assert.match(good.out, /evidence bundle verified/);
    const bytes = fs.readFileSync(bundle);
    for (const at of [30, Math.floor(bytes.length / 2), bytes.length - 100]) {
      const bad = Buffer.from(bytes);
      bad[at] ^= 0x01;
      const f = path.join(tmp, `bad-${at}.zip`);
      fs.writeFileSync(f, bad);
      const r = run(bin, ['evidence', 'verify', f]);
      assert.equal(r.ok, false, `flip at ${at} undetected: ${r.out}`);
      assert.match(r.out, /NOT verified/);
    }
    assertGuards(guard);
  });

  app.test('every page passes axe at both sizes', () => {
    a11y.assertClean();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
