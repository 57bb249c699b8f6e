#!/usr/bin/python3
"""A mail client Huis Clos did not write (Python's smtplib), for tests/gateway.rs.

usage: gateway_smtp.py MODE PORT USER PASSWORD [ARGS...]; prints one JSON object.
Modes: features, send_rich, send_big MIB, wrong N, send_tagged SUBJECT TO, implicit,
raw_reply TO FILE.
"""
import base64
import json
import time
import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.headerregistry import Address

mode, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
args = sys.argv[5:]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE  # the box's generated certificate
out = {}


def client():
    c = smtplib.SMTP("127.0.0.1", port, timeout=60)
    c.ehlo("poste.cabinet.test")
    return c


def secure(c):
    c.starttls(context=ctx)
    c.ehlo("poste.cabinet.test")


if mode == "features":
    c = client()
    out["plain"] = {k: v for k, v in c.esmtp_features.items()}
    try:
        c.docmd("AUTH", "PLAIN " + "AGEAYg==")
        code, msg = c.docmd("AUTH", "PLAIN AGEAYg==")
        out["auth_before_tls"] = [code, msg.decode()]
    except smtplib.SMTPException as e:
        out["auth_before_tls"] = [0, str(e)]
    secure(c)
    out["tls"] = {k: v for k, v in c.esmtp_features.items()}
    c.login(user, password)
    out["login"] = "ok"
    c.quit()
elif mode == "send_rich":
    msg = EmailMessage()
    msg["From"] = Address("Maître Élodie Brûlé", addr_spec=user)
    msg["To"] = "Jean Martin <jean@x.fr>, \"Zoë Ångström\" <zoe@client.fr>"
    msg["Subject"] = args[0]
    msg.set_content(args[1])
    msg.add_alternative(
        "<html><body><p>" + args[1] + "</p><script>alert(1)</script>"
        '<img src="https://tracker.example/pixel.png"><img src="cid:logo@x"></body></html>',
        subtype="html",
    )
    msg.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\nfakeimage", "image", "png", cid="<logo@x>", filename="logo.png")
    msg.add_attachment(args[2].encode() * 100, maintype="application", subtype="pdf", filename=args[3])
    c = client()
    secure(c)
    c.login(user, password)
    refused = c.send_message(msg, to_addrs=["jean@x.fr", "zoe@client.fr", "bcc@hidden.fr"])
    out["refused"] = {k: list(v) for k, v in refused.items()}
    out["reply"] = "250"
    c.quit()
elif mode == "send_big":
    mib = int(args[0])
    msg = EmailMessage()
    msg["From"] = user
    msg["To"] = "big@x.fr"
    msg["Subject"] = "Gros fichier"
    msg.set_content("Voir la pièce jointe.")
    block = bytes(range(256)) * 4096
    msg.add_attachment(block * (mib * 1024 * 1024 // len(block)), maintype="application", subtype="octet-stream", filename="big.bin")
    c = client()
    secure(c)
    c.login(user, password)
    try:
        c.send_message(msg)
        out["reply"] = "250"
    except smtplib.SMTPResponseException as e:
        out["reply"] = str(e.smtp_code)
        out["text"] = e.smtp_error.decode()
    c.quit()
elif mode == "wrong":
    codes = []
    for _ in range(int(args[0])):
        c = client()
        secure(c)
        # AUTH PLAIN by hand: smtplib.login() cannot send a non-ASCII (account) password.
        token = base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode()
        code, text = c.docmd("AUTH", "PLAIN " + token)
        codes.append(code)
        out["text_%d" % code] = text.decode()
        c.close()
    out["codes"] = codes
elif mode == "until_locked":
    # Wrong passwords until the lockout: tries refused with "wait" are not counted, so this
    # waits on the condition (the lock), within a deadline.
    codes = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        c = client()
        secure(c)
        token = base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode()
        code, text = c.docmd("AUTH", "PLAIN " + token)
        c.close()
        if code != 454 or not codes or codes[-1] != 454:
            codes.append(code)
        if code == 454 and b"locked" in text:
            out["locked"] = text.decode()
            break
        if code == 454:
            time.sleep(0.2)
    out["codes"] = codes
elif mode == "send_then_wait":
    # Says SENT as soon as the 250 after DATA is read, then waits (the test kills the box).
    c = client()
    secure(c)
    c.login(user, password)
    c.sendmail(user, [args[0]], ("Subject: %s\r\n\r\n%s\r\n" % (args[1], args[2])).encode())
    print("SENT", flush=True)
    sys.stdin.read()
    sys.exit(0)
elif mode == "half_then_wait":
    # Sends half a message after DATA, says HALF, then waits (the test kills the box).
    c = client()
    secure(c)
    c.login(user, password)
    c.mail(user)
    c.rcpt(args[0])
    c.putcmd("DATA")
    c.getreply()
    c.send(("Subject: %s\r\n\r\n" % args[1]).encode() + b"x" * 300000)
    print("HALF", flush=True)
    sys.stdin.read()
    sys.exit(0)
elif mode == "send_plain":
    # A plain mail (subject, text, optional attachment) to the given recipients.
    msg = EmailMessage()
    msg["From"] = user
    msg["To"] = ", ".join(args[2:])
    msg["Subject"] = args[0]
    msg.set_content(args[1])
    if args[1].startswith("ATTACH"):
        msg.add_attachment(b"%PDF-1.4 attached", maintype="application", subtype="pdf", filename="acte.pdf")
    c = client()
    secure(c)
    c.login(user, password)
    try:
        c.send_message(msg, to_addrs=args[2:])
        out["reply"] = "250"
    except smtplib.SMTPRecipientsRefused as e:
        code, text = list(e.recipients.values())[0]
        out["reply"] = str(code)
        out["text"] = text.decode()
    except smtplib.SMTPResponseException as e:
        out["reply"] = str(e.smtp_code)
        out["text"] = e.smtp_error.decode()
    c.quit()
elif mode == "raw":
    # A raw message (from a file) to one recipient: malformed MIME and the like.
    c = client()
    secure(c)
    c.login(user, password)
    try:
        c.sendmail(user, [args[0]], open(args[1], "rb").read())
        out["reply"] = "250"
    except smtplib.SMTPResponseException as e:
        out["reply"] = str(e.smtp_code)
        out["text"] = e.smtp_error.decode()
    c.quit()
elif mode == "raw_reply":
    # A raw message (from a file) to one recipient, with the text of the reply after DATA;
    # "disconnected" when the box dies before answering (the crash tests).
    c = client()
    secure(c)
    c.login(user, password)
    try:
        c.mail(user)
        c.rcpt(args[0])
        code, text = c.data(open(args[1], "rb").read())
        out["reply"] = str(code)
        out["text"] = text.decode()
        c.quit()
    except smtplib.SMTPServerDisconnected:
        out["reply"] = "disconnected"
elif mode == "parallel_login":
    # N connections sign in at the same moment (mail clients open several).
    import threading
    n = int(args[0])
    barrier = threading.Barrier(n)
    codes = []

    def one():
        c = client()
        secure(c)
        token = base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode()
        barrier.wait()
        code, _ = c.docmd("AUTH", "PLAIN " + token)
        codes.append(code)
        c.close()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["codes"] = codes
elif mode == "implicit":
    c = smtplib.SMTP_SSL("127.0.0.1", port, context=ctx, timeout=60)
    c.ehlo("poste.cabinet.test")
    c.login(user, password)
    c.sendmail(user, ["implicit@x.fr"], b"Subject: par 465\r\n\r\nBonjour\r\n")
    out["reply"] = "250"
    c.quit()
print(json.dumps(out))
