#!/usr/bin/env bash
# SMTP submission gateway bench: 100 mails of 1 MB submitted over 8 connections (STARTTLS,
# AUTH with an app password) to a fresh box; prints the time and the server's peak memory
# (VmHWM). usage: bench/gateway.sh [BINARY] (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/x86_64-unknown-linux-gnu/release/huisclos}
work=$(mktemp -d /tmp/hc-gw-bench.XXXXXX)
pid=; trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pw='Bench-7f3a secret 2026!'
printf '%s\n' "$pw" | "$bin" setup --data "$work/data" --firm Bench --admin-email bench@cabinet.example >/dev/null
http=$((20000 + RANDOM % 10000)); smtp=$((http + 1))
printf '[gateway]\nsubmission = "127.0.0.1:%s"\n[documents]\nmax_upload_mib = 64\n' "$smtp" >"$work/c.toml"
"$bin" serve --data "$work/data" --listen "127.0.0.1:$http" --config "$work/c.toml" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$http/healthz" >/dev/null && break; sleep 0.1; done
tok=$(curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"bench@cabinet.example\",\"password\":\"$pw\"}" \
  "http://127.0.0.1:$http/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
app=$(curl -fs -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d '{"label":"bench"}' \
  "http://127.0.0.1:$http/api/v1/me/app-passwords" | python3 -c 'import json,sys; print(json.load(sys.stdin)["password"])')
echo "idle server VmHWM: $(grep VmHWM /proc/$pid/status)"
python3 bench/gateway_client.py "$smtp" bench@cabinet.example "$app" 100 1048576 8
echo "server VmHWM after: $(grep VmHWM /proc/$pid/status)"
