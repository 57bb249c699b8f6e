'use strict';
// tus-js-client (an independent tus 1.0 client) against the real binary, started by the
// Rust test tests/tus_clients.rs, which passes: HC_ENDPOINT (the space's uploads URL),
// HC_AUTH (the Authorization header), HC_FILE (the file to send). Every PATCH goes as a
// POST with X-HTTP-Method-Override (overridePatchMethod), as behind a proxy that blocks
// PATCH. The upload is aborted in the middle, resumed from its URL (the client asks the
// server where it stands with HEAD), and finished; a second upload sends its first bytes
// with the creation (uploadDataDuringCreation). Prints one JSON line for the Rust test:
// {"document", "resumedAt", "created"}; exits non-zero on any failure.

const fs = require('node:fs');
const tus = require('tus-js-client');

const endpoint = process.env.HC_ENDPOINT;
const headers = { Authorization: process.env.HC_AUTH };
const file = fs.readFileSync(process.env.HC_FILE);
const CHUNK = 64 * 1024;
const sent = [];

function options(extra) {
  return {
    endpoint,
    headers,
    chunkSize: CHUNK,
    overridePatchMethod: true,
    storeFingerprintForResuming: false,
    retryDelays: [],
    metadata: { filename: 'Conclusions récapitulatives.bin' },
    onBeforeRequest(req) {
      sent.push({
        method: req.getMethod(),
        override: req.getHeader('X-HTTP-Method-Override') || null,
        offset: req.getHeader('Upload-Offset') || null,
      });
    },
    ...extra,
  };
}

/** Starts an upload and aborts it once the server has accepted at least `atLeast` bytes. */
function interrupted(atLeast) {
  return new Promise((resolve, reject) => {
    const up = new tus.Upload(
      file,
      options({
        onChunkComplete(_chunk, accepted) {
          if (accepted >= atLeast) {
            up.abort().then(() => resolve({ url: up.url, accepted }), reject);
          }
        },
        onError: reject,
        onSuccess: () => reject(new Error('finished before it could be interrupted')),
      }),
    );
    up.start();
  });
}

function finish(extra) {
  return new Promise((resolve, reject) => {
    const up = new tus.Upload(
      file,
      options({
        ...extra,
        onError: reject,
        onSuccess: (payload) => resolve({ url: up.url, last: payload && payload.lastResponse }),
      }),
    );
    up.start();
  });
}

async function main() {
  const cut = await interrupted(3 * CHUNK);
  const mark = sent.length;
  const done = await finish({ uploadUrl: cut.url });
  const after = sent.slice(mark);
  if (after[0].method !== 'HEAD') throw new Error(`resume did not ask first: ${JSON.stringify(after[0])}`);
  const patches = sent.filter((r) => r.override === 'PATCH');
  if (sent.some((r) => r.method === 'PATCH')) throw new Error('a PATCH went out despite overridePatchMethod');
  if (patches.length === 0 || patches.some((r) => r.method !== 'POST')) throw new Error('no overridden PATCH');
  const resumedAt = Number(after.find((r) => r.override === 'PATCH').offset);
  const document = done.last.getHeader('Huis-Clos-Document');
  if (!document) throw new Error('the last answer names no document');

  const created = await finish({ uploadDataDuringCreation: true, chunkSize: file.length });
  const createdDoc = created.last.getHeader('Huis-Clos-Document');
  if (!createdDoc) throw new Error('creation-with-upload named no document');
  process.stdout.write(`${JSON.stringify({ document, resumedAt, accepted: cut.accepted, created: createdDoc })}\n`);
}

main().catch((e) => {
  process.stderr.write(`tus-js-client: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
