'use strict';
// Proves the SMTP fixture that mail tests rely on: STARTTLS is mandatory, the
// throwaway CA verifies the server for both "localhost" and 127.0.0.1, AUTH
// works over TLS only, and received mail lands (decoded) in the mail folder.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const tls = require('node:tls');
const fs = require('node:fs');
const { execFile } = require('node:child_process');
const { startSmtp } = require('../lib/smtp');

const PYTHON = process.env.HUISCLOS_E2E_PYTHON || '/usr/bin/python3';

/** Runs a Python snippet with Debian's python3; resolves with its JSON stdout. */
function py(code, env) {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ['-c', code],
      { env: { ...process.env, ...env }, timeout: 15_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`python failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`python printed no JSON: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const SEND_WITH_STARTTLS = `
import json, os, smtplib, ssl
from email.message import EmailMessage
host, port = os.environ['SMTP_HOST'], int(os.environ['SMTP_PORT'])
ctx = ssl.create_default_context(cafile=os.environ['SMTP_CA'])  # verifies chain + host name
s = smtplib.SMTP(host, port, timeout=10)
s.starttls(context=ctx)
if os.environ.get('SMTP_USER'):
    s.login(os.environ['SMTP_USER'], os.environ['SMTP_PASSWORD'])
m = EmailMessage()
m['Subject'] = os.environ['SUBJECT']
m['From'] = 'Cabinet Témoin <extranet@example.fr>'
m['To'] = 'client@example.fr'
m.set_content('Bonjour,\\nvotre lien : https://extranet.example.fr/x/abc\\n')
refused = s.send_message(m)
s.quit()
print(json.dumps({'refused': {k: list(v) for k, v in refused.items()}}))
`;

const PLAIN_ATTEMPTS = `
import json, os, smtplib
s = smtplib.SMTP(os.environ['SMTP_HOST'], int(os.environ['SMTP_PORT']), timeout=10)
code, msg = s.ehlo()
ehlo = msg.decode()
mail = s.docmd('MAIL FROM:<intrus@example.fr>')
auth = s.docmd('AUTH PLAIN', 'AHJlbGF5AHdyb25n')
rcpt = s.docmd('RCPT TO:<client@example.fr>')
s.close()
print(json.dumps({'ehlo': ehlo, 'mail': [mail[0], mail[1].decode()],
                  'auth': [auth[0], auth[1].decode()], 'rcpt': [rcpt[0], rcpt[1].decode()]}))
`;

const WRONG_PASSWORD = `
import json, os, smtplib, ssl
s = smtplib.SMTP(os.environ['SMTP_HOST'], int(os.environ['SMTP_PORT']), timeout=10)
s.starttls(context=ssl.create_default_context(cafile=os.environ['SMTP_CA']))
try:
    s.login(os.environ['SMTP_USER'], 'not-the-password')
    print(json.dumps({'login': 'accepted'}))
except smtplib.SMTPAuthenticationError as e:
    try:
        s.mail('intrus@example.fr')
        mail = s.rcpt('client@example.fr')
    except smtplib.SMTPException as e2:
        mail = [str(e2)]
    print(json.dumps({'login': e.smtp_code, 'after': list(mail)[0] if mail else None}))
`;

/** Manual STARTTLS from Node: proves the CA works for a non-Python client too. */
function nodeStartTls({ host, port, caFile, servername }) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, host);
    sock.setTimeout(10_000, () => reject(new Error('timeout')));
    let buf = '';
    let step = 0;
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf += d.toString();
      if (!/\r\n$/.test(buf) || /^\d{3}-/m.test(buf.split('\r\n').slice(-2, -1)[0] || '')) return;
      const reply = buf;
      buf = '';
      if (step === 0 && reply.startsWith('220')) {
        step = 1;
        sock.write('EHLO node-client\r\n');
      } else if (step === 1 && /^250 /m.test(reply)) {
        step = 2;
        sock.write('STARTTLS\r\n');
      } else if (step === 2 && reply.startsWith('220')) {
        step = 3;
        sock.removeAllListeners('data');
        const secure = tls.connect({ socket: sock, ca: fs.readFileSync(caFile), servername }, () => {
          const out = { authorized: secure.authorized, protocol: secure.getProtocol() };
          secure.end('QUIT\r\n');
          resolve(out);
        });
        secure.on('error', reject);
      }
    });
  });
}

describe('SMTP fixture (STARTTLS required, no auth)', () => {
  let smtp;
  before(async () => {
    smtp = await startSmtp();
  });
  after(async () => {
    if (smtp) await smtp.stop();
  });

  it('listens on loopback and exposes a CA file', () => {
    assert.equal(smtp.host, '127.0.0.1');
    assert.ok(smtp.port > 0);
    assert.match(fs.readFileSync(smtp.caFile, 'utf8'), /BEGIN CERTIFICATE/);
    assert.ok(fs.statSync(smtp.mailDir).isDirectory());
  });

  it('delivers a mail sent with STARTTLS to 127.0.0.1 and to localhost', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const subject = `Votre accès à l'extranet (${host})`;
      const r = await py(SEND_WITH_STARTTLS, {
        SMTP_HOST: host,
        SMTP_PORT: String(smtp.port),
        SMTP_CA: smtp.caFile,
        SUBJECT: subject,
      });
      assert.deepEqual(r.refused, {});
      const mail = await smtp.waitForMail((m) => m.subject === subject, 5000);
      assert.equal(mail.tls, true);
      assert.match(mail.tls_version, /^TLSv1\.[23]$/);
      assert.deepEqual(mail.rcpt_tos, ['client@example.fr']);
      assert.equal(mail.mail_from, 'extranet@example.fr');
      assert.match(mail.text, /https:\/\/extranet\.example\.fr\/x\/abc/);
      assert.match(mail.raw, /^Subject: /m);
      assert.ok(fs.existsSync(mail.eml));
    }
    assert.equal(smtp.mails().length, 2);
  });

  it('refuses MAIL FROM, RCPT and AUTH before STARTTLS', async () => {
    const r = await py(PLAIN_ATTEMPTS, { SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port) });
    assert.match(r.ehlo, /STARTTLS/);
    assert.doesNotMatch(r.ehlo, /AUTH/, 'AUTH must not be offered in clear text');
    assert.equal(r.mail[0], 530, `MAIL FROM before STARTTLS: ${r.mail.join(' ')}`);
    assert.equal(r.auth[0], 530, `AUTH before STARTTLS: ${r.auth.join(' ')}`);
    assert.equal(r.rcpt[0], 530, `RCPT before STARTTLS: ${r.rcpt.join(' ')}`);
    assert.equal(smtp.mails().length, 2, 'no message may have been stored');
  });

  it('presents a certificate that verifies against the CA (Node TLS client)', async () => {
    for (const servername of ['localhost', undefined]) {
      const r = await nodeStartTls({ host: '127.0.0.1', port: smtp.port, caFile: smtp.caFile, servername });
      assert.equal(r.authorized, true);
    }
    // And is rejected without the CA (proves verification is actually on).
    await assert.rejects(
      nodeStartTls({ host: '127.0.0.1', port: smtp.port, caFile: '/dev/null', servername: 'localhost' }),
      /self[- ]signed|unable to (get|verify)|certificate/i,
    );
  });

  it('waitForMail times out with a readable message', async () => {
    await assert.rejects(
      smtp.waitForMail((m) => m.subject === 'never sent', 300),
      /timed out.*received so far:\n {2}client@example\.fr/s,
    );
  });
});

describe('SMTP fixture (STARTTLS + AUTH required)', () => {
  let smtp;
  before(async () => {
    smtp = await startSmtp({ user: 'relay-e2e', password: 'mot de passe relais' });
  });
  after(async () => {
    if (smtp) await smtp.stop();
  });

  it('accepts the test user over TLS and records who authenticated', async () => {
    const subject = 'Avec authentification';
    await py(SEND_WITH_STARTTLS, {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_CA: smtp.caFile,
      SMTP_USER: smtp.user,
      SMTP_PASSWORD: smtp.password,
      SUBJECT: subject,
    });
    const mail = await smtp.waitForMail((m) => m.subject === subject, 5000);
    assert.equal(mail.auth_user, 'relay-e2e');
    assert.equal(mail.tls, true);
  });

  it('refuses a wrong password and mail without authentication', async () => {
    const r = await py(WRONG_PASSWORD, {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_CA: smtp.caFile,
      SMTP_USER: smtp.user,
    });
    assert.equal(r.login, 535);
    assert.match(String(r.after), /530|Authentication required/);
    assert.equal(smtp.mails().length, 1);
  });
});
