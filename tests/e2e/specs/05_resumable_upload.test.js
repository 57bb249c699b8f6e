'use strict';
// Resumable upload in the browser: a staff member drops a 50 MB file into a
// space; in the middle of it the connection goes away for a few seconds (every
// PATCH is aborted as if the network had dropped); the uploader shows that it
// is resuming, asks the server where it stands, and goes on from there: the
// bytes the server already had are not sent again, the upload completes, and
// the file downloaded back has the original SHA-256.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const nodePath = require('node:path');
const { appSuite } = require('../lib/harness');
const { a11yCollector, submit, setupFirm } = require('../lib/flows');

const ADMIN = {
  firm: 'Cabinet Reprise-3f7c',
  name: 'Maître Reprise',
  email: 'reprise-3f7c@example.fr',
  password: 'Reprise-3f7c mot de passe 2026!',
};
const SIZE = 50 * 1024 * 1024;
const FILE_NAME = 'Dossier de plaidoirie.bin';
// The connection is cut once the server holds at least this much.
const CUT_AFTER = 12 * 1024 * 1024;
const CUT_FOR_MS = 4000;

/** 50 MB of pseudo-random bytes (so that nothing compresses or repeats), and its SHA-256. */
function bigFile() {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'hc-tus-'));
  const file = nodePath.join(dir, FILE_NAME);
  const buf = Buffer.alloc(SIZE);
  let x = 0x9e3779b9;
  for (let i = 0; i < SIZE; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeUInt32LE(x >>> 0, i);
  }
  fs.writeFileSync(file, buf);
  return { dir, file, sha256: crypto.createHash('sha256').update(buf).digest('hex') };
}

describe('a resumable upload survives a lost connection', () => {
  const app = appSuite();
  const a11y = a11yCollector();

  app.test('a 50 MB upload interrupted in the middle resumes where it was and completes intact', async () => {
    const big = bigFile();
    try {
      const { page, guard } = await app.open('desktop');
      await setupFirm(page, app.server.setupLink, ADMIN);
      const form = page.getByRole('region', { name: 'Ouvrir un espace' });
      const dossier = form.getByRole('radio', { name: /^Dossier/ });
      if ((await dossier.count()) === 1) await dossier.check();
      await form.getByLabel("Titre de l'espace", { exact: true }).fill('Reprise après coupure');
      await submit(page, "Créer l'espace");
      await page.getByRole('heading', { level: 1, name: 'Reprise après coupure', exact: true }).waitFor();

      // The network: every PATCH that reaches the server, and a cut of a few seconds.
      const sent = []; // {offset, length} of each PATCH let through
      const aborted = []; // offsets of the PATCHes cut
      const heads = [];
      let held = 0; // what the server said it holds (last Upload-Offset answered)
      let cutUntil = 0;
      let heldBeforeCut = null;
      let document = null;
      page.on('response', (res) => {
        const req = res.request();
        if (!req.url().includes('/api/v1/uploads/')) return;
        const h = res.headers();
        if (h['upload-offset'] !== undefined) held = Number(h['upload-offset']);
        if (req.method() === 'HEAD') heads.push({ status: res.status(), offset: Number(h['upload-offset']) });
        if (h['huis-clos-document']) document = { id: h['huis-clos-document'], sha256: h['huis-clos-sha256'] };
      });
      await page.route('**/api/v1/uploads/*', async (route) => {
        const req = route.request();
        if (req.method() !== 'PATCH') return route.continue();
        const offset = Number(req.headers()['upload-offset']);
        if (heldBeforeCut === null && held >= CUT_AFTER) {
          heldBeforeCut = held;
          cutUntil = Date.now() + CUT_FOR_MS;
        }
        if (Date.now() < cutUntil) {
          aborted.push(offset);
          return route.abort('connectionreset');
        }
        const body = req.postDataBuffer();
        assert.ok(body, 'the PATCH body is visible to the test');
        sent.push({ offset, length: body.length });
        return route.continue();
      });

      const done = page.waitForEvent('load', { timeout: 180_000 }); // the page reloads when all is in
      await page.getByLabel('Déposer des fichiers', { exact: true }).setInputFiles(big.file);
      const bar = page.getByRole('progressbar', { name: `Progression de l'envoi de ${FILE_NAME}` });
      await bar.waitFor();

      // While cut: the file's line says it is resuming (in the live region).
      const resuming = page.locator('.progress-list li').filter({ hasText: 'connexion perdue, reprise…' });
      await resuming.waitFor({ timeout: 60_000 });
      assert.equal(await page.locator('.uploader:not([data-attach]) .progress-list[aria-live="polite"]').count(), 1, 'a live region announces it');
      await a11y.check(page, 'space while an upload is resuming');
      await done;

      assert.ok(heldBeforeCut >= CUT_AFTER, `cut in the middle, after ${heldBeforeCut} bytes`);
      assert.ok(aborted.length >= 1, 'PATCH requests were cut');
      assert.ok(heads.some((h) => h.status === 200 && h.offset === heldBeforeCut), `asked where it stands: ${JSON.stringify(heads)}`);
      const resumedAt = sent.find((p) => p.offset >= heldBeforeCut);
      assert.equal(resumedAt && resumedAt.offset, heldBeforeCut, 'the first piece after the cut starts where the server stood');
      // No byte went to the server twice: the pieces let through tile the file exactly.
      let next = 0;
      for (const p of sent) {
        assert.equal(p.offset, next, `pieces are contiguous: ${JSON.stringify(sent)}`);
        next += p.length;
      }
      assert.equal(next, SIZE, 'every byte sent once');
      assert.ok(sent.length >= 8, `sent in pieces (${sent.length})`);
      console.log(
        `${sent.length} pieces let through, cut once the server held ${heldBeforeCut} bytes, ` +
          `${aborted.length} PATCH(es) cut, ${heads.length} HEAD(s), resumed at ${resumedAt.offset}`,
      );
      assert.ok(document, 'the last PATCH named the document');
      assert.equal(document.sha256, big.sha256, 'the server computed the right SHA-256');

      // The document is listed, and what comes back is the file.
      await page.getByRole('link', { name: FILE_NAME }).first().waitFor();
      const res = await page.request.get(`${app.server.url}/api/v1/documents/${document.id}/content`);
      assert.equal(res.status(), 200);
      const back = await res.body();
      assert.equal(back.length, SIZE);
      assert.equal(crypto.createHash('sha256').update(back).digest('hex'), big.sha256, 'downloaded bytes are the original');

      guard.assertNoForeignRequests();
      // The cut PATCHes fail on purpose; nothing else may.
      guard.assertNoPageErrors({
        ignore: [/ERR_CONNECTION_RESET/, /^net::ERR_ABORTED for other \S+\/favicon\.(svg|ico)$/],
      });
    } finally {
      fs.rmSync(big.dir, { recursive: true, force: true });
    }
  });

  app.test('the uploading page passes axe (no serious/critical issue) at desktop and phone', () => {
    a11y.assertClean();
  });
});
