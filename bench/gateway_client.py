#!/usr/bin/python3
"""SMTP gateway bench client: N mails of SIZE bytes (one attachment each) submitted over C
parallel connections (STARTTLS + AUTH PLAIN), with Python's smtplib. Prints JSON.

usage: gateway_client.py PORT USER APP_PASSWORD [N=100] [SIZE=1048576] [C=8]
"""
import json
import os
import smtplib
import ssl
import sys
import threading
import time
from email.message import EmailMessage

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 100
size = int(sys.argv[5]) if len(sys.argv) > 5 else 1024 * 1024
conns = int(sys.argv[6]) if len(sys.argv) > 6 else 8
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

msg = EmailMessage()
msg["From"] = user
msg["To"] = "bench@client.example"
msg["Subject"] = "Bench"
msg.set_content("Bench")
msg.add_attachment(os.urandom(size), maintype="application", subtype="octet-stream", filename="bench.bin")
raw = msg.as_bytes()
errors, done, lock = [], [0], threading.Lock()


def worker(k):
    c = smtplib.SMTP("127.0.0.1", port, timeout=300)
    c.starttls(context=ctx)
    c.login(user, password)
    for _ in range(k):
        try:
            c.sendmail(user, ["bench@client.example"], raw)
            with lock:
                done[0] += 1
        except smtplib.SMTPException as e:
            errors.append(str(e))
    c.quit()


start = time.monotonic()
threads = [threading.Thread(target=worker, args=(n // conns + (1 if i < n % conns else 0),)) for i in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
secs = time.monotonic() - start
print(json.dumps({"mails": done[0], "errors": errors[:3], "seconds": round(secs, 2),
                  "mails_per_sec": round(done[0] / secs, 2), "message_bytes": len(raw)}))
