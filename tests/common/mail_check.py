#!/usr/bin/python3
"""Checks mails with tools Huis Clos did not write: dkimpy verifies DKIM, Python's email
package parses every part. Usage: mail_check.py --dns NAME=TXT [--dns ...] FILE.eml...

The DNS is never asked: dkimpy gets the records of --dns through its `dnsfunc` argument.
Prints one JSON object per file on stdout (a list): dkim (bool), dkim_error, defects (every
defect of every part and header), headers (name -> decoded values), text, html."""
import argparse
import email
import email.policy
import json
import logging
import io

import dkim


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dns", action="append", default=[])
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    records = {}
    for item in args.dns:
        name, _, txt = item.partition("=")
        records[name.lower().rstrip(".")] = txt.encode("ascii")

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        return records.get(name.lower().rstrip("."))

    out = []
    for path in args.files:
        with open(path, "rb") as f:
            raw = f.read()
        log = io.StringIO()
        logger = logging.getLogger("dkim-" + path)
        logger.addHandler(logging.StreamHandler(log))
        logger.setLevel(logging.DEBUG)
        try:
            ok = bool(dkim.DKIM(raw, logger=logger).verify(dnsfunc=dnsfunc))
            error = log.getvalue()
        except Exception as e:  # a verifier exception is a failed check, with its reason
            ok, error = False, "%s: %s" % (type(e).__name__, e)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        defects, text, html = [], None, None
        for part in msg.walk():
            defects += [repr(d) for d in part.defects]
            for name, value in part.items():
                defects += ["%s: %r" % (name, d) for d in getattr(value, "defects", ())]
            ctype = part.get_content_type()
            if not part.is_multipart():
                content = part.get_content()
                if ctype == "text/plain":
                    text = content
                elif ctype == "text/html":
                    html = content
        headers = {}
        for name, value in msg.items():
            headers.setdefault(name.lower(), []).append(str(value))
        out.append({"file": path, "dkim": ok, "dkim_error": error, "defects": defects,
                    "headers": headers, "text": text, "html": html})
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
