#!/usr/bin/env python3
"""Checks Huis Clos's OpenAPI document with validators we did not write.

Usage: openapi_check.py SPEC.json EXCHANGES.json BASE_URL

1. openapi-spec-validator: SPEC.json (as served by the real binary) is a valid OpenAPI 3.1
   document.
2. openapi-core: every recorded exchange (a real request to the binary and its real answer,
   written by tests/openapi.rs) is a response the document allows: status, headers, media type
   and body schema.
3. Every operation the document describes was exercised by at least one exchange with a 2xx
   answer, so no documented operation goes unchecked.

Exits 0 when all hold; 2 when a package is missing (saying the line that installs it); 1 else.
"""

import base64
import json
import sys
from urllib.parse import parse_qsl, urlsplit

INSTALL = "python3 -m pip install openapi-spec-validator 'openapi-core>=0.23'"

try:
    from openapi_core import OpenAPI
    from openapi_core.templating.paths.finders import APICallPathFinder
    from openapi_core.testing import MockRequest, MockResponse
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator
except ImportError as e:
    print(f"openapi: missing Python package ({e}); install with: {INSTALL}")
    sys.exit(2)

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def main() -> int:
    spec_file, exchanges_file, base = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(spec_file, encoding="utf-8") as f:
        spec = json.load(f)
    with open(exchanges_file, encoding="utf-8") as f:
        exchanges = json.load(f)

    validate(spec, cls=OpenAPIV31SpecValidator)
    print("openapi: spec valid (openapi-spec-validator, OpenAPI 3.1)")

    api = OpenAPI.from_dict(spec)
    finder = APICallPathFinder(api.spec, base_url=base)
    documented = {
        (template, method)
        for template, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }
    covered = set()
    failures = []
    for x in exchanges:
        url = urlsplit(x["path"])
        headers = dict(x["response_headers"])
        content_type = headers.get("Content-Type", "")
        request = MockRequest(
            base,
            x["method"].lower(),
            url.path,
            args=dict(parse_qsl(url.query)),
            headers=dict(x["request_headers"]),
        )
        response = MockResponse(
            base64.b64decode(x["body"]),
            status_code=x["status"],
            headers=headers,
            content_type=content_type,
        )
        what = f'{x["method"]} {url.path} -> {x["status"]}'
        try:
            found = finder.find(x["method"].lower(), base + url.path)
            api.validate_response(request, response)
        except Exception as e:  # every kind of refusal is a failure to report
            failures.append(f"{what}: {type(e).__name__}: {e}")
            continue
        if 200 <= x["status"] < 300:
            covered.add((found.path_result.pattern, x["method"].lower()))
    for f in failures:
        print(f"openapi: FAILED {f}")
    missing = sorted(documented - covered)
    for template, method in missing:
        print(f"openapi: NOT EXERCISED {method.upper()} {template}")
    print(
        f"openapi: {len(exchanges) - len(failures)} of {len(exchanges)} exchanges valid; "
        f"{len(covered)} of {len(documented)} documented operations exercised"
    )
    return 1 if failures or missing else 0


if __name__ == "__main__":
    sys.exit(main())
