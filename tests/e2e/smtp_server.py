#!/usr/bin/python3
"""Test SMTP relay for the Huis Clos browser tests.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd). It:
  * generates a throwaway CA and a server certificate for localhost/127.0.0.1
    with openssl in WORKDIR/tls/ (ca.pem is what huisclos gets as `ca_file`);
  * listens on 127.0.0.1 (port 0 = any free port) and REQUIRES STARTTLS:
    MAIL/RCPT/DATA and AUTH are refused (530) until the session is encrypted;
  * optionally requires AUTH PLAIN/LOGIN for one user (--user/--password);
  * writes each message as WORKDIR/mail/<n>.eml plus <n>.json (envelope and
    decoded parts), each written atomically (tmp + rename; .json last);
  * optionally refuses recipients matching a regular expression with a 550
    reply that quotes the address (--reject-rcpt PATTERN);
  * prints one line "READY <json>" on stdout once it accepts connections;
  * exits on SIGTERM/SIGINT or when its stdin is closed (parent died).

Usage: smtp_server.py --workdir DIR [--port 0] [--user U --password P]
                      [--reject-rcpt PATTERN]
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
import ssl


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_certs(tls_dir):
    """Throwaway CA + leaf certificate for localhost and 127.0.0.1 (ECDSA P-256)."""
    os.makedirs(tls_dir, exist_ok=True)
    ca_key = os.path.join(tls_dir, "ca.key")
    ca_pem = os.path.join(tls_dir, "ca.pem")
    key = os.path.join(tls_dir, "server.key")
    csr = os.path.join(tls_dir, "server.csr")
    crt = os.path.join(tls_dir, "server.pem")
    ext = os.path.join(tls_dir, "server.ext")
    if os.path.exists(ca_pem) and os.path.exists(crt) and os.path.exists(key):
        # Restarted in the same workdir: keep the CA the client was configured with.
        return ca_pem, crt, key
    run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ca_key])
    run([
        "openssl", "req", "-x509", "-new", "-key", ca_key, "-sha256", "-days", "2",
        "-subj", "/O=Huis Clos e2e/CN=Huis Clos e2e throwaway CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "subjectKeyIdentifier=hash",
        "-out", ca_pem,
    ])
    run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
    run(["openssl", "req", "-new", "-key", key, "-subj", "/CN=localhost", "-out", csr])
    with open(ext, "w") as f:
        f.write(
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
            "authorityKeyIdentifier=keyid\n"
            "subjectKeyIdentifier=hash\n"
        )
    run([
        "openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
        "-CAcreateserial", "-days", "2", "-sha256", "-extfile", ext, "-out", crt,
    ])
    return ca_pem, crt, key


def header_str(msg, name):
    v = msg.get(name)
    return None if v is None else str(v)


def describe(raw, envelope, session, tls_version):
    """JSON-able summary of one received message, parts decoded."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text, html, attachments = [], [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disp = part.get_content_disposition()
        if disp == "attachment":
            attachments.append({"filename": part.get_filename(), "type": ctype})
            continue
        try:
            content = part.get_content()
        except Exception:  # undecodable part: keep going, the raw .eml is there
            content = None
        if ctype == "text/plain" and isinstance(content, str):
            text.append(content)
        elif ctype == "text/html" and isinstance(content, str):
            html.append(content)
    headers = {}
    for k, v in msg.items():
        headers.setdefault(k.lower(), []).append(str(v))
    login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
    return {
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "tls": tls_version is not None,
        "tls_version": tls_version,
        "auth_user": login.decode("utf-8", "replace") if isinstance(login, bytes) else login,
        "peer": list(session.peer) if session.peer else None,
        "received_at": time.time(),
        "subject": header_str(msg, "Subject"),
        "from": header_str(msg, "From"),
        "to": header_str(msg, "To"),
        "message_id": header_str(msg, "Message-ID"),
        "headers": headers,
        "text": "\n".join(text),
        "html": "\n".join(html),
        "attachments": attachments,
    }


class Handler:
    def __init__(self, mail_dir, reject_rcpt=None):
        self.mail_dir = mail_dir
        self.count = 0
        self.reject_rcpt = re.compile(reject_rcpt) if reject_rcpt else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt is not None and self.reject_rcpt.search(address):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if session.ssl is None:  # belt and braces: require_starttls already refuses
            return "530 Must issue a STARTTLS command first"
        self.count += 1
        base = os.path.join(self.mail_dir, "%04d" % self.count)
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        tls_version = None
        try:
            tls_version = server.transport.get_extra_info("ssl_object").version()
        except Exception:
            tls_version = "unknown"
        meta = describe(raw, envelope, session, tls_version)
        meta["eml"] = base + ".eml"
        write_atomic(base + ".eml", raw)
        write_atomic(base + ".json", json.dumps(meta, indent=1, ensure_ascii=False).encode("utf-8"))
        logging.info("stored message %s from %s to %s", base, envelope.mail_from, envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if mechanism not in ("PLAIN", "LOGIN") or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--reject-rcpt", help="refuse recipients matching this regex with 550")
    ap.add_argument("--no-tls", action="store_true",
                    help="offer no STARTTLS (a relay a client must refuse to use)")
    args = ap.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s smtp %(levelname)s %(message)s")
    mail_dir = os.path.join(args.workdir, "mail")
    os.makedirs(mail_dir, exist_ok=True)
    ca_pem, crt, key = make_certs(os.path.join(args.workdir, "tls"))

    tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_context.load_cert_chain(crt, key)
    tls_context.minimum_version = ssl.TLSVersion.TLSv1_2

    handler = Handler(mail_dir, args.reject_rcpt)
    kwargs = dict(
        hostname="localhost",
        tls_context=None if args.no_tls else tls_context,
        require_starttls=not args.no_tls,
        auth_require_tls=not args.no_tls,
        decode_data=False,
    )
    if args.user:
        kwargs.update(
            authenticator=Authenticator(args.user, args.password or ""),
            auth_required=True,
        )
    else:
        # Offer AUTH anyway (any credentials accepted) so a client configured
        # with a username still works; nothing requires it.
        kwargs.update(
            authenticator=lambda srv, sess, env, mech, data: AuthResult(
                success=True, handled=False, auth_data=data),
            auth_required=False,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, loop=loop, **kwargs),
                                      host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Parent died (its end of our stdin closed): stop too.
    try:
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

        async def watch_stdin():
            while await reader.read(1024):
                pass
            stop.set()

        asyncio.ensure_future(watch_stdin())
    except Exception:  # stdin not a pipe (run by hand): rely on signals
        pass

    ready = {"host": args.host, "port": port, "ca_file": ca_pem, "mail_dir": mail_dir}
    print("READY " + json.dumps(ready), flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()
    logging.info("stopped")


if __name__ == "__main__":
    asyncio.run(main())
