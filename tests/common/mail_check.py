#!/usr/bin/python3
"""Checks mails with tools Huis Clos did not write: dkimpy verifies DKIM, Python's email
package parses every part. Usage: mail_check.py --dns NAME=TXT [--dns ...] FILE.eml...

The DNS is never asked: dkimpy gets the records of --dns through its `dnsfunc` argument.
Prints one JSON object per file on stdout (a list): dkim (bool), dkim_error, defects (every
defect of every part and header), headers (name -> decoded values), text, html, hrefs (the
href attributes as written, entities kept) and wide (what would not fit a 390 px phone)."""
import argparse
import email
import html.parser
import re
import email.policy
import json
import logging
import io

import dkim


PHONE_PX = 390
# A run of text longer than this, unbroken by spaces, is wider than a phone at 13 px.
LONG_WORD = 40
BREAKS = ("word-break:break-all", "overflow-wrap:anywhere", "word-break:break-word")


class Wide(html.parser.HTMLParser):
    """Finds what makes an HTML mail wider than a phone: a fixed width above PHONE_PX that
    is not capped by max-width/width:100%, and long unbreakable text outside an element
    allowed to break it."""

    VOID = {"br", "img", "meta", "hr", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        style = (a.get("style") or "").replace(" ", "").lower()
        widths = [int(w) for w in re.findall(r"(?<![-\w])width:(\d+)px", style)]
        if (a.get("width") or "").isdigit():
            widths.append(int(a["width"]))
        capped = "width:100%" in style or "max-width:" in style
        if any(w > PHONE_PX for w in widths) and not capped:
            self.problems.append("<%s> is %spx wide" % (tag, max(widths)))
        if tag not in self.VOID:
            self.stack.append(any(b in style for b in BREAKS))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if any(self.stack):
            return
        for word in data.split():
            if len(word) > LONG_WORD:
                self.problems.append("unbreakable text of %d characters" % len(word))


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
        hrefs = re.findall(r'href="([^"]*)"', html or "")
        wide = Wide()
        wide.feed(html or "")
        headers = {}
        for name, value in msg.items():
            headers.setdefault(name.lower(), []).append(str(value))
        out.append({"file": path, "dkim": ok, "dkim_error": error, "defects": defects,
                    "headers": headers, "text": text, "html": html,
                    "hrefs": hrefs, "wide": wide.problems})
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
