'use strict';
// Small helpers shared by the fixtures: temp folders, free ports, child
// processes that are always reaped, and polling.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const E2E_DIR = path.resolve(__dirname, '..');
// Failure artifacts (screenshots, server logs) are copied here; ignored by git.
const RESULTS_DIR = path.join(E2E_DIR, 'test-results');

/** A fresh temporary folder, e.g. mkTemp('server') -> /tmp/huisclos-e2e-server-XXXXXX */
function mkTemp(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `huisclos-e2e-${label}-`));
}

async function rmTemp(dir) {
  if (!dir) return;
  await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn() until it returns a truthy value or the time is up. */
async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const why = lastErr ? ` (last error: ${lastErr.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

// Every child we start is tracked so that it is killed even if the test
// process exits abruptly (uncaught error, Ctrl-C, runner timeout).
const live = new Set();
function killAllSync() {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    killAllSync();
    process.exit(128 + (os.constants.signals[sig] || 1));
  });
}

/**
 * Spawns a child whose stdout/stderr are teed to `logFile` (and kept in
 * memory), tracked for cleanup. Returns { child, output(), exited }.
 */
function spawnTracked(cmd, args, { logFile, env, cwd, stdin = 'ignore' } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env: env || process.env,
    stdio: [stdin, 'pipe', 'pipe'],
  });
  live.add(child);
  const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
  let text = '';
  const byStream = { stdout: '', stderr: '' };
  const listeners = new Set();
  const onData = (stream) => (chunk) => {
    const s = chunk.toString('utf8');
    text += s;
    byStream[stream] += s;
    if (log) log.write(s);
    for (const l of listeners) l(text, stream);
  };
  child.stdout.on('data', onData('stdout'));
  child.stderr.on('data', onData('stderr'));
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      live.delete(child);
      text += `\n[spawn error] ${err.message}\n`;
      resolve({ code: null, signal: null, error: err });
    });
  });
  // Close the log only once both pipes are drained.
  let openPipes = 2;
  const closeLog = () => {
    openPipes -= 1;
    if (openPipes === 0 && log) log.end();
  };
  child.stdout.on('close', closeLog);
  child.stderr.on('close', closeLog);
  return {
    child,
    exited,
    output: () => text,
    stdout: () => byStream.stdout,
    stderr: () => byStream.stderr,
    /** Resolves with the first match of `re` in the combined output. */
    waitForOutput(re, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(re);
          if (m) {
            finish();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const onExit = ({ code, signal, error }) => {
          finish();
          reject(
            new Error(
              `${path.basename(cmd)} exited (code ${code}, signal ${signal}${
                error ? `, ${error.message}` : ''
              }) before printing ${what}`,
            ),
          );
        };
        let done = false;
        function finish() {
          done = true;
          clearTimeout(timer);
          listeners.delete(check);
        }
        listeners.add(check);
        exited.then((r) => {
          if (!done) {
            check();
            if (!done) onExit(r);
          }
        });
        check();
      });
    },
  };
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Resolves with the exit status. */
async function stopChild(proc, graceMs = 5_000) {
  const { child, exited } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  try {
    child.kill('SIGTERM');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  const r = await exited;
  clearTimeout(timer);
  return r;
}

/** Last `n` lines of a text, for failure messages. */
function tail(text, n = 80) {
  const lines = String(text).split('\n');
  return lines.slice(-n).join('\n');
}

/** Copies a file into test-results/<subdir>/ (best effort); returns the new path. */
function keepArtifact(file, subdir, name) {
  try {
    const dir = path.join(RESULTS_DIR, subdir);
    fs.mkdirSync(dir, { recursive: true });
    const dest = path.join(dir, name || path.basename(file));
    fs.copyFileSync(file, dest);
    return dest;
  } catch {
    return null;
  }
}

module.exports = {
  E2E_DIR,
  RESULTS_DIR,
  mkTemp,
  rmTemp,
  freePort,
  sleep,
  waitFor,
  spawnTracked,
  stopChild,
  tail,
  keepArtifact,
};
