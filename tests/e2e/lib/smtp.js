'use strict';
// A real SMTP relay for mail tests: smtp_server.py (aiosmtpd, Debian's
// /usr/bin/python3) requiring STARTTLS, with a throwaway CA.
//
//   const smtp = await startSmtp({ user: 'relay', password: 'secret' });
//   // give huisclos: host smtp.host, port smtp.port, security "starttls",
//   //                ca_file smtp.caFile (username/password if set)
//   const mail = await smtp.waitForMail((m) => m.rcpt_tos.includes('x@y.fr'));
//   await smtp.stop();
//
// Each mail object is the JSON written by smtp_server.py: mail_from, rcpt_tos,
// tls, tls_version, auth_user, subject, from, to, headers{lower-case: [..]},
// text, html, attachments, eml (path), plus raw (the .eml as a string).

const fs = require('node:fs');
const path = require('node:path');
const { mkTemp, rmTemp, spawnTracked, stopChild, tail, waitFor } = require('./util');

const PYTHON = process.env.HUISCLOS_E2E_PYTHON || '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', 'smtp_server.py');

async function startSmtp({ user, password, startTimeoutMs = 15_000 } = {}) {
  const workDir = mkTemp('smtp');
  const logFile = path.join(workDir, 'smtp.log');
  const args = [SCRIPT, '--workdir', workDir, '--port', '0'];
  if (user) args.push('--user', user, '--password', password || '');
  // stdin is a pipe we never write to: when this process dies, the server sees
  // EOF and stops by itself.
  const proc = spawnTracked(PYTHON, args, { logFile, stdin: 'pipe' });
  let ready;
  try {
    const m = await proc.waitForOutput(/^READY (\{.*\})$/m, startTimeoutMs, 'the SMTP READY line');
    ready = JSON.parse(m[1]);
  } catch (e) {
    await stopChild(proc, 1000);
    const out = proc.output();
    await rmTemp(workDir);
    throw new Error(`SMTP fixture did not start: ${e.message}\n--- smtp output ---\n${tail(out)}`);
  }

  const seen = new Set();
  function listMails() {
    let names;
    try {
      names = fs.readdirSync(ready.mail_dir).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return [];
    }
    return names.map((n) => {
      const meta = JSON.parse(fs.readFileSync(path.join(ready.mail_dir, n), 'utf8'));
      meta.raw = fs.readFileSync(meta.eml, 'utf8');
      return meta;
    });
  }

  let stopped = false;
  return {
    host: ready.host,
    port: ready.port,
    caFile: ready.ca_file,
    mailDir: ready.mail_dir,
    user: user || null,
    password: user ? password || '' : null,
    logFile,
    /** Every message received so far, oldest first. */
    mails: listMails,
    /**
     * Resolves with the first message (oldest first) not returned by an
     * earlier waitForMail call and matching predicate(mail).
     */
    async waitForMail(predicate = () => true, timeoutMs = 10_000) {
      const mail = await waitFor(
        () => listMails().find((m) => !seen.has(m.eml) && predicate(m)),
        { timeoutMs, what: 'a matching mail on the test SMTP server' },
      ).catch((e) => {
        const got = listMails().map((m) => `  ${m.rcpt_tos.join(',')}: ${m.subject}`);
        throw new Error(`${e.message}; received so far:\n${got.join('\n') || '  (none)'}`);
      });
      seen.add(mail.eml);
      return mail;
    },
    log: () => proc.output(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(proc, 3000);
      await rmTemp(workDir);
    },
  };
}

module.exports = { startSmtp };
