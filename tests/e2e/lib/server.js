'use strict';
// Starts the real `huisclos` binary on loopback with a temporary data folder
// and a free port:
//
//   const server = await startServer();            // or startServer({ smtp })
//   server.url        // http://127.0.0.1:PORT
//   server.setupLink  // the first-run link printed on stderr
//   server.dataDir    // temporary DATA folder (deleted by stop())
//   await server.stop();                           // SIGTERM, wait, clean up
//
// The binary is $HUISCLOS_BIN, else the debug build, else the release build
// under ../../target/x86_64-unknown-linux-gnu/ (relative to tests/e2e).

const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { E2E_DIR, mkTemp, rmTemp, freePort, spawnTracked, stopChild, tail, waitFor, keepArtifact } = require('./util');

const REPO = path.resolve(E2E_DIR, '..', '..');
const SETUP_LINK_RE = /(https?:\/\/\S+\/setup\/[A-Za-z0-9_-]+)/;

function findBinary() {
  if (process.env.HUISCLOS_BIN) {
    const bin = path.resolve(process.env.HUISCLOS_BIN);
    if (!fs.existsSync(bin)) throw new Error(`HUISCLOS_BIN=${bin} does not exist`);
    return bin;
  }
  const candidates = [
    'target/x86_64-unknown-linux-gnu/debug/huisclos',
    'target/x86_64-unknown-linux-gnu/release/huisclos',
    'target/debug/huisclos',
    'target/release/huisclos',
  ].map((p) => path.join(REPO, p));
  const bin = candidates.find((p) => fs.existsSync(p));
  if (!bin) {
    throw new Error(
      `no huisclos binary: build it (cargo build) or set HUISCLOS_BIN; looked at:\n  ${candidates.join('\n  ')}`,
    );
  }
  return bin;
}

/** TOML string literal (basic string, escaped). */
function tomlString(s) {
  return `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Serialises { section: { key: value } } (one level) to TOML. */
function toToml(config) {
  const lines = [];
  for (const [section, values] of Object.entries(config)) {
    if (values === null || typeof values !== 'object' || Array.isArray(values)) {
      lines.push(`${section} = ${tomlValue(values)}`);
    }
  }
  for (const [section, values] of Object.entries(config)) {
    if (values === null || typeof values !== 'object' || Array.isArray(values)) continue;
    lines.push('', `[${section}]`);
    for (const [k, v] of Object.entries(values)) {
      if (v !== undefined) lines.push(`${k} = ${tomlValue(v)}`);
    }
  }
  return `${lines.join('\n').replace(/^\n+/, '')}\n`;
}
function tomlValue(v) {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  throw new Error(`unsupported TOML value ${v}`);
}

/** GET url → { status, headers, body } (no keep-alive, short timeout). */
function get(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Starts huisclos. Options:
 *   smtp:   a fixture from lib/smtp.js → an [smtp] section (starttls + ca_file)
 *   config: extra TOML sections, e.g. { log: { level: 'debug' } }
 *   args:   extra command-line arguments
 *   env:    extra environment variables
 *   expectSetupLink: false for a restart on an already set-up data folder
 *   dataDir: reuse a data folder (for restart tests; then not deleted by stop)
 *   locked: a sealed box (`args: ['--sealed']`): ready when /healthz answers 503 "locked"
 */
async function startServer({
  smtp,
  config = {},
  args = [],
  env = {},
  expectSetupLink = true,
  dataDir: givenDataDir,
  startTimeoutMs = 20_000,
  locked = false,
} = {}) {
  const bin = findBinary();
  const tmp = mkTemp('server');
  const dataDir = givenDataDir || path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(tmp, 'huisclos.log');
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const url = `http://${listen}`;

  const cmd = ['serve', '--data', dataDir, '--listen', listen];
  const sections = { ...config };
  if (smtp) {
    const smtpSection = {
      host: smtp.host,
      port: smtp.port,
      security: 'starttls',
      ca_file: smtp.caFile,
      from: 'Cabinet Témoin <extranet@example.fr>',
    };
    if (smtp.user) {
      const pwFile = path.join(tmp, 'smtp-password');
      fs.writeFileSync(pwFile, `${smtp.password}\n`, { mode: 0o600 });
      smtpSection.username = smtp.user;
      smtpSection.password_file = pwFile;
    }
    sections.smtp = { ...smtpSection, ...(config.smtp || {}) };
  }
  let configFile = null;
  if (Object.keys(sections).length) {
    configFile = path.join(tmp, 'huisclos.toml');
    fs.writeFileSync(configFile, toToml(sections), { mode: 0o600 });
    cmd.push('--config', configFile);
  }
  cmd.push(...args);

  // The developer's own HUISCLOS_* variables must not leak into the test server.
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUISCLOS_')));
  Object.assign(childEnv, { RUST_BACKTRACE: '1', ...env });

  fs.writeFileSync(logFile, `$ ${bin} ${cmd.join(' ')}\n`);
  const proc = spawnTracked(bin, cmd, { logFile, env: childEnv, cwd: tmp });

  let stopped = false;
  let exitStatus = null;
  const server = {
    bin,
    url,
    port,
    dataDir,
    configFile,
    logFile,
    setupLink: null,
    /** Everything the server printed so far (stdout and stderr). */
    log: () => proc.output(),
    stderr: () => proc.stderr(),
    /** Copies the log into test-results/<name>/ and returns the tail for printing. */
    keepLog(name) {
      keepArtifact(logFile, name, 'huisclos.log');
      return tail(proc.output(), 120);
    },
    /** SIGTERM, wait for the exit (SIGKILL after 10 s), delete the temp folder. */
    async stop() {
      if (stopped) return exitStatus;
      stopped = true;
      exitStatus = await stopChild(proc, 10_000);
      await rmTemp(tmp); // includes dataDir unless the caller gave its own
      return exitStatus;
    },
  };

  try {
    if (expectSetupLink) {
      const m = await proc.waitForOutput(SETUP_LINK_RE, startTimeoutMs, 'a setup link (…/setup/TOKEN)');
      server.setupLink = m[1];
      if (!SETUP_LINK_RE.test(proc.stderr())) {
        throw new Error('the setup link was printed on stdout, not on stderr as specified');
      }
    }
    let last = 'no answer';
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`huisclos exited with code ${proc.child.exitCode}`);
        try {
          const r = await get(`${url}/healthz`);
          last = `${r.status} ${r.body.slice(0, 200)}`;
          if (locked) return r.status === 503 && /locked/.test(r.body);
          if (r.status !== 200) return false;
          const j = JSON.parse(r.body);
          if (j.status !== 'ok' || typeof j.version !== 'string') {
            throw new Error(`unexpected /healthz body: ${r.body}`);
          }
          server.version = j.version;
          return true;
        } catch (e) {
          if (/unexpected \/healthz|exited/.test(e.message)) throw e;
          last = e.message;
          return false;
        }
      },
      { timeoutMs: startTimeoutMs, intervalMs: 100, what: `GET ${url}/healthz → 200` },
    ).catch((e) => {
      throw new Error(`${e.message}; last answer: ${last}`);
    });
  } catch (e) {
    const out = proc.output();
    const kept = keepArtifact(logFile, 'startup-failure', `huisclos-${port}.log`);
    await server.stop();
    throw new Error(
      `huisclos did not start: ${e.message}\n  binary: ${bin}\n  command: ${cmd.join(' ')}${
        kept ? `\n  log kept at ${kept}` : ''
      }\n--- huisclos output ---\n${tail(out, 120)}`,
    );
  }
  return server;
}

module.exports = { startServer, findBinary, toToml, get, SETUP_LINK_RE };
