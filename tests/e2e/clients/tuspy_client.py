"""tuspy (an independent tus 1.0 client) against the real binary, started by the Rust test
tests/tus_clients.rs with HC_ENDPOINT, HC_AUTH and HC_FILE. Sends the first chunks, then
drops that uploader as if the process had died; a new uploader resumes from the upload's
URL (tuspy asks the server where it stands with HEAD) and finishes. The document id comes
from a HEAD on the finished upload, as a client that lost the last answer would learn it.
Prints one JSON line: {"document", "resumed_at"}. Exit 3: tuspy is not installed."""

import json
import os
import sys

try:
    from tusclient import client
except ImportError:
    print("tuspy is not installed (pip install tuspy)", file=sys.stderr)
    sys.exit(3)

import requests

endpoint = os.environ["HC_ENDPOINT"]
headers = {"Authorization": os.environ["HC_AUTH"]}
path = os.environ["HC_FILE"]
chunk = 64 * 1024

tus = client.TusClient(endpoint, headers=headers)
with open(path, "rb") as f:
    first = tus.uploader(file_stream=f, chunk_size=chunk, metadata={"filename": "Pièce adverse.bin"})
    for _ in range(3):
        first.upload_chunk()
    url = first.url
del first

with open(path, "rb") as f:
    again = tus.uploader(file_stream=f, chunk_size=chunk, url=url)
    resumed_at = again.offset
    again.upload()

h = requests.head(url, headers={**headers, "Tus-Resumable": "1.0.0"}, timeout=30)
if h.status_code != 200 or h.headers.get("Upload-Offset") != h.headers.get("Upload-Length"):
    print(f"HEAD after the end: {h.status_code} {dict(h.headers)}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"document": h.headers.get("Huis-Clos-Document"), "resumed_at": resumed_at}))
