#!/usr/bin/python3
"""Diagnostic for the `mail` step (not a bench): is ~40 ms per mail a Nagle stall?

Replays lettre 0.11's write pattern for one message on a pooled STARTTLS
connection -- MAIL, RCPT, DATA, then the body in one write and "\r\n.\r\n" in a
second write before reading the reply -- against the e2e relay
(tests/e2e/smtp_server.py), 20 mails without and 20 with TCP_NODELAY, and
prints the time per mail. Usage (Debian python3, relay already running):
    /usr/bin/python3 bench/smtp_nagle_probe.py RELAY_WORKDIR/ready.txt
where ready.txt holds the relay's "READY {json}" line. Loopback only.
"""
import json, socket, ssl, sys, time
d = json.loads(open(sys.argv[1]).read()[6:])
def run(nodelay, n=20):
    ctx = ssl.create_default_context(cafile=d['ca_file'])
    raw = socket.create_connection(('127.0.0.1', d['port']))
    if nodelay: raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = raw.makefile('rb')
    def resp(sock, fh):
        while True:
            l = fh.readline()
            if l[3:4] != b'-': return l
    resp(raw, f); raw.sendall(b'EHLO bench\r\n'); resp(raw, f); raw.sendall(b'STARTTLS\r\n'); resp(raw, f)
    s = ctx.wrap_socket(raw, server_hostname='localhost'); fh = s.makefile('rb')
    s.sendall(b'EHLO bench\r\n'); resp(s, fh)
    body = (b"From: a@b.example\r\nTo: x@bench.example\r\nSubject: t\r\nMessage-ID: <%d.%d@x>\r\n\r\n" + b"hello\r\n"*100)
    t = time.perf_counter()
    for i in range(n):
        for c in (b'MAIL FROM:<a@b.example>\r\n', b'RCPT TO:<x@bench.example>\r\n', b'DATA\r\n'):
            s.sendall(c); resp(s, fh)
        s.sendall(body % (nodelay, i))      # lettre: body in one write+flush ...
        s.sendall(b'\r\n.\r\n')             # ... then the terminator in another
        resp(s, fh)
    print(f"body and terminator as two writes, TCP_NODELAY={nodelay}: {(time.perf_counter()-t)*1000/n:.1f} ms per mail")
    s.sendall(b'QUIT\r\n')
run(False); run(True)
