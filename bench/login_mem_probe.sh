#!/usr/bin/env bash
# Diagnostic for the `login` step (not a bench): runs the sign-in storm alone
# (no wrk) for STORM_SECS against a fresh box, once per GLIBC_TUNABLES value
# given as arguments ("" = glibc defaults), and prints the server's VmHWM,
# VmRSS at the end and its big anonymous mappings. It shows whether the memory
# growth under a storm is glibc malloc keeping argon2's 19 MiB blocks in
# per-thread arenas. Usage: bench/login_mem_probe.sh BIN "" "glibc.malloc.arena_max=1" ...
set -euo pipefail
BIN="$(realpath "$1")"; shift
HERE="$(cd "$(dirname "$0")" && pwd)"
STORM_SECS="${STORM_SECS:-10}"
CONC="${CONC:-200}"
T="$(mktemp -d "$HERE/work/tmp.probe.XXXXXX")"
SPID=""; GPID=""
trap '[[ -n "$GPID" ]] && kill "$GPID" 2>/dev/null; [[ -n "$SPID" ]] && kill "$SPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
for tun in "$@"; do
    rm -rf "$T/data"; ( umask 077; echo "probe-$RANDOM$RANDOM-long-passphrase" > "$T/pw" )
    "$BIN" setup --data "$T/data" --firm Probe --admin-email probe@cabinet.example < "$T/pw" > /dev/null
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    env ${tun:+GLIBC_TUNABLES=$tun} "$BIN" serve --data "$T/data" --listen "127.0.0.1:$port" > "$T/server.log" 2>&1 &
    SPID=$!
    for i in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
    rm -f "$T/stop"
    /usr/bin/python3 "$HERE/login_storm.py" --port "$port" --email probe@cabinet.example --password-file "$T/pw" \
        --concurrency "$CONC" --stop-file "$T/stop" --max-secs $((STORM_SECS + 30)) --drain-secs 90 > "$T/storm.out" &
    GPID=$!
    sleep "$STORM_SECS"; touch "$T/stop"; wait "$GPID"; GPID=""
    sleep 1
    hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$SPID/status")"; rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$SPID/status")"
    big="$(awk '/^[0-9a-f]+-[0-9a-f]+ / {anon=(NF<6); heap=($6=="[heap]")} /^Rss:/ {if ((anon||heap) && $2>=4096) {n++; t+=$2}}
        END {printf "%d mappings >= 4 MiB, %.0f MiB", n, t/1024}' "/proc/$SPID/smaps")"
    ok="$(tail -n1 "$T/storm.out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ok"], "sign-ins, p50", d["lat_ms"]["p50"], "ms")')"
    printf 'GLIBC_TUNABLES=%-40s VmHWM %4d MiB, VmRSS after %4d MiB, %s; %s\n' "\"$tun\"" $((hwm/1024)) $((rss/1024)) "$big" "$ok"
    kill "$SPID"; wait "$SPID" 2>/dev/null || true; SPID=""
done
