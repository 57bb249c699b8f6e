#!/usr/bin/env python3
"""Small HTTP client of the documents benches (bench/run.sh: docs, scale).

Standard library only; talks to one huisclos on 127.0.0.1 (any other host is refused).

  docs_client.py --url URL token   --email E --password-file F      -> bearer token
  docs_client.py --url URL cookie  --email E --password-file F      -> "Cookie" header value
  docs_client.py --url URL space   --token T --title X [--template dossier] -> space id
  docs_client.py --url URL populate --token T --space ID --count N [--size B] [--prefix P]
        uploads N small random files on one keep-alive connection; prints a JSON summary
  docs_client.py --url URL uploads --token T --space ID --count N --size B [--prefix P]
        N timed uploads of B random bytes (distinct names); prints JSON with each time
  docs_client.py --url URL page    --cookie C --path /spaces/ID
        one GET: status, bytes and the number of document links (sanity check)

Timed uploads send a body prepared in memory before the clock starts, on a connection
opened beforehand, so the figure is the server's (request sent -> 201 read).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse


def conn(url):
    u = urllib.parse.urlparse(url)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing non-loopback URL {url}")
    return http.client.HTTPConnection(u.hostname, u.port, timeout=600)


def call(c, method, path, body=None, headers=None):
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    return r.status, r.getheaders(), data


def password(args):
    with open(args.password_file, encoding="utf-8") as f:
        return f.read().rstrip("\n")


def token(args):
    c = conn(args.url)
    body = json.dumps({"email": args.email, "password": password(args)})
    st, _, data = call(c, "POST", "/api/v1/session", body, {"Content-Type": "application/json"})
    if st != 200:
        sys.exit(f"sign-in failed: {st} {data[:200]!r}")
    return json.loads(data)["token"]


def cookies_from(headers, jar):
    for k, v in headers:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in v:
                jar.pop(name, None)
            else:
                jar[name] = value


def cookie(args):
    """Signs in through the login form, as a browser does; returns the Cookie header."""
    c = conn(args.url)
    jar = {}
    st, h, page = call(c, "GET", "/login")
    cookies_from(h, jar)
    m = re.search(rb'name="csrf" value="([^"]+)"', page)
    if st != 200 or not m:
        sys.exit(f"no login form: {st}")
    form = urllib.parse.urlencode(
        {"csrf": m.group(1).decode(), "email": args.email, "password": password(args)})
    hdr = {"Content-Type": "application/x-www-form-urlencoded",
           "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    st, h, data = call(c, "POST", "/login", form, hdr)
    if st != 303:
        sys.exit(f"form sign-in failed: {st}")
    cookies_from(h, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def auth(args):
    return {"Authorization": f"Bearer {args.token}"}


def space(args):
    c = conn(args.url)
    body = json.dumps({"title": args.title, "template": args.template})
    hdr = dict(auth(args), **{"Content-Type": "application/json"})
    st, _, data = call(c, "POST", "/api/v1/spaces", body, hdr)
    if st != 201:
        sys.exit(f"space not created: {st} {data[:200]!r}")
    return json.loads(data)["id"]


def upload_path(space_id, name):
    return f"/api/v1/spaces/{space_id}/documents?name={urllib.parse.quote(name)}"


def populate(args):
    """N small files (random bytes, realistic names) into the space's first folder."""
    c = conn(args.url)
    t0 = time.perf_counter()
    for i in range(1, args.count + 1):
        name = f"{args.prefix} {i:04d} - conclusions.pdf"
        st, _, data = call(c, "POST", upload_path(args.space, name), os.urandom(args.size), auth(args))
        if st != 201:
            sys.exit(f"upload {i} failed: {st} {data[:200]!r}")
    return {"uploaded": args.count, "size": args.size, "secs": round(time.perf_counter() - t0, 2)}


def uploads(args):
    c = conn(args.url)
    times = []
    for i in range(1, args.count + 1):
        body = os.urandom(args.size)
        name = f"{args.prefix} {i:04d} {os.urandom(4).hex()}.pdf"
        # Open (or reuse) the connection before the clock starts.
        if c.sock is None:
            c.connect()
        t0 = time.perf_counter()
        st, _, data = call(c, "POST", upload_path(args.space, name), body, auth(args))
        dt = time.perf_counter() - t0
        if st != 201:
            sys.exit(f"upload {i} failed: {st} {data[:200]!r}")
        times.append(dt)
    ms = sorted(t * 1000 for t in times)
    med = statistics.median(ms)
    return {
        "count": args.count,
        "size": args.size,
        "median_ms": round(med, 2),
        "p90_ms": round(ms[max(0, -(-len(ms) * 9 // 10) - 1)], 2),
        "max_ms": round(ms[-1], 2),
        "median_mb_s": round(args.size / 1e6 / (med / 1000), 1),
    }


def page(args):
    c = conn(args.url)
    st, _, data = call(c, "GET", args.path, headers={"Cookie": args.cookie})
    links = len(set(re.findall(rb'/api/v1/documents/([0-9a-f]{32})/content"', data)))
    return {"status": st, "bytes": len(data), "document_links": links}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("token", "cookie"):
        s = sub.add_parser(name)
        s.add_argument("--email", required=True)
        s.add_argument("--password-file", required=True)
    s = sub.add_parser("space")
    s.add_argument("--token", required=True)
    s.add_argument("--title", required=True)
    s.add_argument("--template", default="dossier")
    for name in ("populate", "uploads"):
        s = sub.add_parser(name)
        s.add_argument("--token", required=True)
        s.add_argument("--space", required=True)
        s.add_argument("--count", type=int, required=True)
        s.add_argument("--size", type=int, default=2048)
        s.add_argument("--prefix", default="Pièce")
    s = sub.add_parser("page")
    s.add_argument("--cookie", required=True)
    s.add_argument("--path", required=True)
    args = p.parse_args()
    out = {"token": token, "cookie": cookie, "space": space, "populate": populate,
           "uploads": uploads, "page": page}[args.cmd](args)
    print(out if isinstance(out, str) else json.dumps(out))


if __name__ == "__main__":
    main()
