#!/usr/bin/env bash
# Huis Clos benchmarks (foundation issue): binary size, start-up time, idle RSS,
# static-asset throughput, with miniserve and copyparty as peers.
#
# Usage:
#   bench/run.sh [all | size startup rss static mail login ...]
#   bench/run.sh report      # only rewrite RESULTS.md from the stored figures
#
# Environment:
#   HUISCLOS_BIN   huisclos binary to measure. Unset: `cargo build --release` is
#                  run in the repo root and target/x86_64-unknown-linux-gnu/release/huisclos
#                  is used (the .cargo/config.toml target gives a static binary).
#   SERVERS        servers to measure, default "huisclos miniserve copyparty".
#   ASSET          the static file, default web-assets/static/css/app.css.
#   WRK_RUNS       wrk runs per URL (median reported), default 3.
#   WRK_DURATION   seconds per wrk run, default 15.
#   STARTUP_RUNS   start-ups per mode (fresh / existing data), default 10.
#
# Figures accumulate in bench/work/results/metrics.tsv (one value per metric and
# server, replaced when re-measured) and bench/RESULTS.md is rewritten from it at
# the end of every run, so `bench/run.sh static` keeps the size figures of an
# earlier run (each section states when it was measured).
#
# Only 127.0.0.1 is ever listened on or requested. Every process started here is
# recorded by PID and stopped by the EXIT trap; temporary folders are removed.
#
# mail (1,000 mails to the e2e TLS relay) and login (200 sign-ins in flight vs
# the p99 of /login) use bench/login_storm.py and tests/e2e/smtp_server.py;
# bench/notes/*.md (hand-written analysis) are pasted under their sections.
#
# Later issues add benches (upload, download): write a bench_NAME
# function, add NAME to ALL_STEPS, and use the helpers below (start_server,
# wait_http, wrk_measure, rss_of, metric_set).

set -euo pipefail

# ---------------------------------------------------------------------------
# Paths and settings
# ---------------------------------------------------------------------------
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
WORK="$BENCH_DIR/work"                 # gitignored: peers, logs, temp data
PEERS="$WORK/peers"                    # cargo install root (bin/miniserve)
PYPEERS="$PEERS/py"                    # pip --target for copyparty
RESULTS_DIR="$WORK/results"
METRICS="$RESULTS_DIR/metrics.tsv"     # server <TAB> metric <TAB> value
LOGS="$WORK/logs"
RESULTS_MD="$BENCH_DIR/RESULTS.md"

readonly HOST=127.0.0.1                # the only address used, ever
ASSET="${ASSET:-$ROOT/web-assets/static/css/app.css}"
ASSET_PATH="/static/css/app.css"       # same URL path on every server
SERVERS="${SERVERS:-huisclos miniserve copyparty}"
WRK_RUNS="${WRK_RUNS:-3}"
WRK_DURATION="${WRK_DURATION:-15}"
WRK_THREADS=2
WRK_CONNS=50
WARMUP_SECS=3
STARTUP_RUNS="${STARTUP_RUNS:-10}"
ALL_STEPS="size startup rss static mail login docs"   # + `scale` (named only: long)

mkdir -p "$WORK" "$PEERS" "$RESULTS_DIR" "$LOGS"
touch "$METRICS"

# ---------------------------------------------------------------------------
# Process bookkeeping and clean-up
# ---------------------------------------------------------------------------
PIDS=()        # every background process we started
TMPDIRS=()     # every temp folder we created

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Stop one process we started: TERM, wait up to 10 s, then KILL.
stop_pid() {
    local pid="$1" i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$? pid d
    for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && stop_pid "$pid"; done
    for d in "${TMPDIRS[@]:-}"; do [[ -n "$d" && -d "$d" ]] && rm -rf -- "$d"; done
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# new_tmp: a temp folder under bench/work/ in $TMP_DIR, removed at exit.
# (Sets a global instead of printing: a $(...) subshell would lose TMPDIRS.)
new_tmp() {
    TMP_DIR="$(mktemp -d "$WORK/tmp.XXXXXX")"
    TMPDIRS+=("$TMP_DIR")
}

# A free TCP port on 127.0.0.1 (asks the kernel for one).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# ---------------------------------------------------------------------------
# Metrics store and small maths
# ---------------------------------------------------------------------------
# metric_set SERVER METRIC VALUE: replace (or add) one figure.
metric_set() {
    local tmp="$METRICS.tmp"
    awk -F'\t' -v s="$1" -v m="$2" '!($1==s && $2==m)' "$METRICS" > "$tmp"
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$tmp"
    mv "$tmp" "$METRICS"
}
metric_get() {
    awk -F'\t' -v s="$1" -v m="$2" '$1==s && $2==m {v=$3} END {print (v=="" ? "–" : v)}' "$METRICS"
}

# median / max of numbers on stdin (one per line); even count: mean of middles.
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit}
    if (NR%2) printf "%.1f\n", a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
maxof()  { sort -g | tail -n1 | awk '{printf "%.1f\n", $1}'; }
now() { date -u '+%Y-%m-%d %H:%M UTC'; }
kb_to_mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }

# ---------------------------------------------------------------------------
# Servers: how to start each one (same file, same URL path, loopback only)
# ---------------------------------------------------------------------------
HUISCLOS="${HUISCLOS_BIN:-}"
MINISERVE="$PEERS/bin/miniserve"
WWW=""          # folder the peers serve: WWW/static/css/app.css

# Resolve (and if needed build) the huisclos binary once.
need_huisclos() {
    [[ -n "$HUISCLOS" && -x "$HUISCLOS" ]] && return 0
    [[ -n "$HUISCLOS" ]] && die "HUISCLOS_BIN=$HUISCLOS is not an executable"
    log "building huisclos: nice -n 10 cargo build --release (in $ROOT)"
    (cd "$ROOT" && nice -n 10 cargo build --release) >&2
    HUISCLOS="$ROOT/target/x86_64-unknown-linux-gnu/release/huisclos"
    [[ -x "$HUISCLOS" ]] || die "no binary at $HUISCLOS after the build"
}

# Install the peers into bench/work/peers if missing.
need_miniserve() {
    [[ -x "$MINISERVE" ]] && return 0
    log "installing miniserve (cargo install --locked, nice 19, -j 1; takes minutes)"
    nice -n 19 cargo install miniserve --locked --root "$PEERS" -j 1 >&2
}
need_copyparty() {
    [[ -d "$PYPEERS/copyparty" ]] && return 0
    log "installing copyparty (pip --target $PYPEERS)"
    python3 -m pip install --quiet --target "$PYPEERS" copyparty >&2
}

# The peers' document root: a copy of the asset at the same path as huisclos.
need_www() {
    [[ -n "$WWW" ]] && return 0
    [[ -f "$ASSET" ]] || die "asset missing: $ASSET"
    new_tmp
    WWW="$TMP_DIR/www"
    mkdir -p "$WWW/static/css"
    cp "$ASSET" "$WWW/static/css/app.css"
}

need_server() {
    case "$1" in
        huisclos)  need_huisclos ;;
        miniserve) need_miniserve; need_www ;;
        copyparty) need_copyparty; need_www ;;
        *) die "unknown server $1" ;;
    esac
}

# server_cmd SERVER DATA PORT: fills the global array CMD with the command line.
# DATA is the server's own state folder (huisclos data dir; copyparty's hist and
# config; unused by miniserve).
server_cmd() {
    local s="$1" data="$2" port="$3"
    case "$s" in
        huisclos)
            CMD=("$HUISCLOS" serve --data "$data" --listen "$HOST:$port")
            # HC_CONFIG (set by the mail and login benches): a config file for this start.
            if [[ -n "${HC_CONFIG:-}" ]]; then CMD+=(--config "$HC_CONFIG"); fi ;;
        miniserve)
            # Plain directory serve on loopback, no auth, no uploads (defaults).
            CMD=("$MINISERVE" --interfaces "$HOST" --port "$port" "$WWW")
            # docs bench: uploads on, their temp files on the same disk as WWW.
            if (( PEER_UPLOAD )); then CMD+=(--upload-files --temp-directory "$data"); fi ;;
        copyparty)
            # -q quiet; plain HTTP only, no certificate generation; no thumbnails;
            # no disk-usage info; read-only volume; state (hist/config) in DATA;
            # default -j 1 (copyparty's recommended setting).
            CMD=(env "PYTHONPATH=$PYPEERS" "XDG_CONFIG_HOME=$data/cfg" python3 -m copyparty
                 -i "$HOST" -p "$port" -q --http-only --no-crt --no-thumb -nid
                 --hist "$data/hist" -v "$WWW::$( (( PEER_UPLOAD )) && echo rw || echo r)") ;;
    esac
}

# URL that says "ready": /healthz for huisclos, the asset itself for the peers.
ready_path() { [[ "$1" == huisclos ]] && echo /healthz || echo "$ASSET_PATH"; }

# Command line for RESULTS.md, with the temp paths and port made generic.
cmd_for_doc() {
    local WWW="${WWW:-WWW}"
    server_cmd "$1" DATA PORT
    local out="${CMD[*]}"
    [[ -n "$WWW" ]] && out="${out//$WWW/WWW}"
    out="${out//$ROOT\//}"
    printf '%s\n' "$out"
}

# ---------------------------------------------------------------------------
# Quiet machine: with 2 cores, any other work (a cargo build) ruins the figures
# ---------------------------------------------------------------------------
# cpu_busy_pct: share of CPU time not idle over the next second, all cores.
cpu_busy_pct() {
    local a b
    a="$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)"
    sleep 1
    b="$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)"
    awk -v a="$a" -v b="$b" 'BEGIN {split(a,x," "); split(b,y," ");
        busy=y[1]-x[1]; idle=y[2]-x[2]; printf "%.0f\n", (busy+idle) ? 100*busy/(busy+idle) : 0}'
}

# wait_quiet: wait (up to QUIET_TIMEOUT s) until the machine is below
# QUIET_MAX % busy while our own server idles. Returns 1 on time-out.
QUIET_MAX="${QUIET_MAX:-10}"
QUIET_TIMEOUT="${QUIET_TIMEOUT:-900}"
NOISY=0
wait_quiet() {
    local deadline=$((SECONDS + QUIET_TIMEOUT)) busy said=0
    while :; do
        busy="$(cpu_busy_pct)"
        (( busy <= QUIET_MAX )) && return 0
        if (( SECONDS >= deadline )); then
            log "WARNING: machine still ${busy}% busy after ${QUIET_TIMEOUT}s; measuring anyway"
            NOISY=1
            return 1
        fi
        (( said )) || log "machine ${busy}% busy (other work running), waiting for it to calm down"
        said=1
        sleep 4
    done
}

# ---------------------------------------------------------------------------
# Shared helpers: start server, wait healthy, RSS, wrk
# ---------------------------------------------------------------------------
# wait_http URL [TIMEOUT_S]: poll until HTTP 200.
wait_http() {
    local url="$1" deadline=$((SECONDS + ${2:-60}))
    while (( SECONDS < deadline )); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" == 200 ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# start_server SERVER DATA: starts it on a free port, waits until ready.
# Sets SERVER_PID, SERVER_PORT, SERVER_URL (http://127.0.0.1:PORT).
start_server() {
    local s="$1" data="$2"
    SERVER_PORT="$(free_port)"
    SERVER_URL="http://$HOST:$SERVER_PORT"
    server_cmd "$s" "$data" "$SERVER_PORT"
    "${CMD[@]}" > "$LOGS/$s.server.log" 2>&1 < /dev/null &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    if ! wait_http "$SERVER_URL$(ready_path "$s")" 60; then
        tail -n 30 "$LOGS/$s.server.log" >&2 || true
        die "$s did not become ready on $SERVER_URL"
    fi
    log "$s ready on $SERVER_URL (pid $SERVER_PID)"
}

stop_server() { stop_pid "$SERVER_PID"; }

# rss_of PID: "VmRSS_kB VmHWM_kB" summed over the process and its children.
rss_of() {
    local pids=("$1") p rss=0 hwm=0 v
    while read -r p; do [[ -n "$p" ]] && pids+=("$p"); done < <(pgrep -P "$1" || true)
    for p in "${pids[@]}"; do
        v="$(awk '/^VmRSS:/ {r=$2} /^VmHWM:/ {h=$2} END {print r+0, h+0}' "/proc/$p/status" 2>/dev/null || echo "0 0")"
        rss=$((rss + ${v% *})); hwm=$((hwm + ${v#* }))
    done
    echo "$rss $hwm"
}

# check_asset SERVER URL: the served body must equal the file the peers serve.
# huisclos embeds the asset at build time, so when the binary is older than
# web-assets/ the bytes differ: then the peers are given the exact bytes
# huisclos serves (huisclos runs first), so all three serve the same body.
check_asset() {
    local got want
    got="$(curl -s --max-time 5 "$2" | sha256sum | cut -d' ' -f1)"
    want="$(sha256sum < "$ASSET" | cut -d' ' -f1)"
    if [[ "$1" == huisclos && -n "$WWW" && "$got" != "$want" ]]; then
        log "huisclos embeds another $ASSET_PATH than $ASSET (binary older than web-assets/): peers will serve huisclos's bytes"
        curl -s --max-time 5 -o "$WWW$ASSET_PATH" "$2"
        want="$got"
        metric_set huisclos asset_note "embedded copy differs from web-assets/; peers served the embedded bytes"
    elif [[ "$1" == huisclos ]]; then
        metric_set huisclos asset_note "-"
    fi
    [[ -z "$WWW" ]] || want="$(sha256sum < "$WWW$ASSET_PATH" | cut -d' ' -f1)"
    if [[ "$got" != "$want" ]]; then
        log "WARNING: $1 serves a different body at $ASSET_PATH than the other servers"
        metric_set "$1" asset_mismatch yes
    else
        metric_set "$1" asset_mismatch no
    fi
}

# wrk_parse FILE: prints "req_per_s p99_ms non2xx socket_errors p50_ms".
wrk_parse() {
    awk '
      function ms(v,  u) { u=v; gsub(/[0-9.]/,"",u); sub(/[a-z]+$/,"",v);
                           return (u=="us") ? v/1000 : (u=="s") ? v*1000 : (u=="m") ? v*60000 : v }
      /Requests\/sec:/ {rps=$2}
      /^ +50%/ {p50=ms($2)}
      /^ +99%/ {p99=ms($2)}
      /Non-2xx or 3xx responses:/ {n=$NF}
      /Socket errors:/ {e=$0; sub(/.*Socket errors: /,"",e); gsub(/ /,"",e)}
      END {printf "%.0f %.2f %d %s %.2f\n", rps, p99, n+0, (e=="" ? "none" : e), p50}' "$1"
}

# wrk_measure SERVER LABEL URL: 3 s warm-up, then WRK_RUNS runs; records the
# median req/s and median p99 as metrics LABEL_rps, LABEL_p99_ms. Extra wrk
# arguments (a Cookie header) in the array WRK_HDR: set WRK_HDR=(-H "Cookie: x")
# before the call and WRK_HDR=() after it (an array cannot prefix a function call).
WRK_HDR=()
wrk_measure() {
    local s="$1" label="$2" url="$3" i f rps p99 n2 se all_rps="" all_p99="" runs="" disturbed=""
    [[ "$url" == "http://$HOST:"* ]] || die "refusing non-loopback URL $url"
    log "$s $label: warm-up ${WARMUP_SECS}s"
    wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WARMUP_SECS}s" "${WRK_HDR[@]}" "$url" > /dev/null
    for i in $(seq "$WRK_RUNS"); do
        f="$LOGS/$s.$label.wrk$i.txt"
        # A run is kept only if the machine is quiet just before and just after
        # it (the server idles then); otherwise it is redone (up to 3 tries).
        local try busy
        for try in 1 2 3; do
            wait_quiet || true
            wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WRK_DURATION}s" --latency "${WRK_HDR[@]}" "$url" > "$f"
            busy="$(cpu_busy_pct)"
            (( busy <= QUIET_MAX )) && break
            log "$s $label run $i: machine ${busy}% busy right after the run (other work?), redoing"
            (( try < 3 )) || { log "WARNING: keeping a possibly disturbed run"; NOISY=1; disturbed+="${disturbed:+, }run $i"; }
        done
        read -r rps p99 n2 se _ < <(wrk_parse "$f")
        log "$s $label run $i: $rps req/s, p99 $p99 ms, non-2xx $n2, socket errors $se"
        all_rps+="$rps"$'\n'; all_p99+="$p99"$'\n'
        runs+="${runs:+, }$rps/$p99"
        (( n2 == 0 )) || metric_set "$s" "${label}_non2xx" "$n2"
        [[ "$se" == none ]] || metric_set "$s" "${label}_sockerr" "$se"
    done
    metric_set "$s" "${label}_rps" "$(printf '%s' "$all_rps" | median | awk '{printf "%.0f", $1}')"
    metric_set "$s" "${label}_p99_ms" "$(printf '%s' "$all_p99" | awk 'NF' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')"
    metric_set "$s" "${label}_runs" "$runs"
    metric_set "$s" "${label}_disturbed" "${disturbed:--}"
}

# wrk_single SERVER LABEL URL: one keep-alive connection, 5 s; records the
# median latency as LABEL_c1_p50_ms. Diagnostic: a p50 of tens of ms means the
# response leaves in two small writes without TCP_NODELAY, so Nagle waits for
# the client's delayed ACK (Linux: up to 40 ms) on many requests.
wrk_single() {
    local s="$1" label="$2" url="$3" f rps p50
    [[ "$url" == "http://$HOST:"* ]] || die "refusing non-loopback URL $url"
    f="$LOGS/$s.$label.c1.txt"
    wait_quiet || true
    wrk -t1 -c1 -d5s --latency "$url" > "$f"
    read -r rps _ _ _ p50 < <(wrk_parse "$f")
    log "$s $label, 1 connection: $rps req/s, p50 $p50 ms"
    metric_set "$s" "${label}_c1_p50_ms" "$p50"
    metric_set "$s" "${label}_c1_rps" "$rps"
}

# ---------------------------------------------------------------------------
# Bench: size (binary size and linkage)
# ---------------------------------------------------------------------------
bench_size() {
    local s bin bytes
    for s in $SERVERS; do
        need_server "$s"
        case "$s" in
            huisclos)  bin="$HUISCLOS" ;;
            miniserve) bin="$MINISERVE" ;;
            copyparty)
                # Not a binary: report the installed package (with Jinja2) size.
                bytes="$(du -sb "$PYPEERS" | cut -f1)"
                metric_set "$s" size_bytes "$bytes"
                metric_set "$s" size_mib "$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1048576}') (Python package dir, needs python3)"
                metric_set "$s" ldd "n/a (Python)"
                log "$s: package folder $bytes bytes"
                continue ;;
        esac
        bytes="$(stat -c %s "$bin")"
        metric_set "$s" size_bytes "$bytes"
        metric_set "$s" size_mib "$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1048576}')"
        metric_set "$s" ldd "$( (ldd "$bin" 2>&1 || true) | sed 's/^[[:space:]]*//; s/ (0x[0-9a-f]*)//' | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
        log "$s: $bytes bytes; ldd: $(metric_get "$s" ldd)"
    done
    for s in $SERVERS; do metric_set "$s" size_at "$(now)"; done
}

# ---------------------------------------------------------------------------
# Bench: startup (spawn -> first 200 on the ready URL, tight poll)
# ---------------------------------------------------------------------------
# Timing is done by a small Python probe (1 ms poll resolution, no fork per
# poll as with curl): it spawns the server, connects to 127.0.0.1:PORT in a
# loop and sends GET READY_PATH until a 200 comes back, prints the elapsed ms,
# then stops the server (TERM, wait) before the next start.
startup_probe() {   # startup_probe SERVER MODE(fresh|existing) DATA_PARENT
    local s="$1" mode="$2" parent="$3" i data port ms
    for i in $(seq "$STARTUP_RUNS"); do
        if [[ "$mode" == fresh ]]; then data="$parent/fresh$i"; else data="$parent/existing"; fi
        port="$(free_port)"
        server_cmd "$s" "$data" "$port"
        ms="$(python3 - "$port" "$(ready_path "$s")" "$LOGS/$s.startup.log" "${CMD[@]}" <<'PY'
import os, signal, socket, subprocess, sys, time
port, path, logf, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
def ready():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as c:
            c.sendall(req)
            return c.recv(64).startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
    except OSError:
        return False
with open(logf, "ab") as log:
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        while not ready():
            if p.poll() is not None:
                sys.exit(f"server exited with {p.returncode} before ready")
            if time.perf_counter() - t0 > 60:
                sys.exit("not ready after 60 s")
            time.sleep(0.001)
        print(f"{(time.perf_counter() - t0) * 1000:.1f}")
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill(); p.wait()
PY
)" || { tail -n 20 "$LOGS/$s.startup.log" >&2; die "$s start-up probe failed"; }
        printf '%s\n' "$ms"
    done
}

bench_startup() {
    local s parent fresh existing
    for s in $SERVERS; do
        need_server "$s"
        new_tmp
        parent="$TMP_DIR"
        : > "$LOGS/$s.startup.log"
        wait_quiet || true
        log "$s: $STARTUP_RUNS start-ups on fresh data folders"
        fresh="$(startup_probe "$s" fresh "$parent")"
        # Existing data: one untimed start creates it, then the timed starts.
        STARTUP_RUNS=1 startup_probe "$s" existing "$parent" > /dev/null
        wait_quiet || true
        log "$s: $STARTUP_RUNS start-ups on an existing data folder"
        existing="$(startup_probe "$s" existing "$parent")"
        metric_set "$s" startup_fresh_median_ms "$(median <<< "$fresh")"
        metric_set "$s" startup_fresh_max_ms "$(maxof <<< "$fresh")"
        metric_set "$s" startup_existing_median_ms "$(median <<< "$existing")"
        metric_set "$s" startup_existing_max_ms "$(maxof <<< "$existing")"
        metric_set "$s" startup_fresh_all "$(tr '\n' ' ' <<< "$fresh")"
        metric_set "$s" startup_existing_all "$(tr '\n' ' ' <<< "$existing")"
        log "$s: fresh [$(tr '\n' ' ' <<< "$fresh")] existing [$(tr '\n' ' ' <<< "$existing")] ms"
        metric_set "$s" startup_at "$(now)"
        rm -rf -- "$parent"
    done
}

# ---------------------------------------------------------------------------
# Bench: rss + static (one server session per server, each server alone)
# ---------------------------------------------------------------------------
# RSS "after load" needs the load, and the load is the static bench, so both
# steps share one session per server: fresh start -> idle RSS (after 2 s) ->
# warm-up + wrk on the asset (+ /healthz for huisclos) -> RSS after load (2 s
# later). Selecting `rss` or `static` runs the session once and records both.
SESSIONS_DONE=0
run_sessions() {
    (( SESSIONS_DONE )) && return 0
    local s data r
    for s in $SERVERS; do need_server "$s"; done
    for s in $SERVERS; do
        new_tmp
        data="$TMP_DIR/data"
        start_server "$s" "$data"
        check_asset "$s" "$SERVER_URL$ASSET_PATH"
        metric_set "$s" asset_bytes "$(curl -s --max-time 5 "$SERVER_URL$ASSET_PATH" | wc -c)"
        sleep 2
        read -r -a r < <(rss_of "$SERVER_PID")
        metric_set "$s" rss_idle_mib "$(kb_to_mib "${r[0]}")"
        metric_set "$s" hwm_idle_mib "$(kb_to_mib "${r[1]}")"
        log "$s idle: VmRSS ${r[0]} kB, VmHWM ${r[1]} kB"
        wrk_measure "$s" static "$SERVER_URL$ASSET_PATH"
        [[ "$s" == huisclos ]] && wrk_measure "$s" healthz "$SERVER_URL/healthz"
        wrk_single "$s" static "$SERVER_URL$ASSET_PATH"
        sleep 2
        read -r -a r < <(rss_of "$SERVER_PID")
        metric_set "$s" rss_load_mib "$(kb_to_mib "${r[0]}")"
        metric_set "$s" hwm_load_mib "$(kb_to_mib "${r[1]}")"
        log "$s after load: VmRSS ${r[0]} kB, VmHWM ${r[1]} kB"
        stop_server
        # huisclos logs one line per request: keep only the tail (GBs otherwise).
        tail -n 200 "$LOGS/$s.server.log" > "$LOGS/$s.server.log.tmp" && mv "$LOGS/$s.server.log.tmp" "$LOGS/$s.server.log"
        metric_set "$s" rss_static_at "$(now)"
    done
    SESSIONS_DONE=1
}
bench_rss()    { run_sessions; }
bench_static() { run_sessions; }

# ---------------------------------------------------------------------------
# Shared by mail and login: Debian's python3, server CPU time, binary id
# ---------------------------------------------------------------------------
DEB_PY=/usr/bin/python3                # Debian's (python3-aiosmtpd), not pyenv's
SMTP_PY="$ROOT/tests/e2e/smtp_server.py"
MAIL_COUNT="${MAIL_COUNT:-1000}"
MAIL_PARALLEL="${MAIL_PARALLEL:-8}"
MAIL_TIMEOUT="${MAIL_TIMEOUT:-300}"
MAIL_TARGET_S=30
LOGIN_CONC="${LOGIN_CONC:-200}"
LOGIN_WRONG_EVERY="${LOGIN_WRONG_EVERY:-2}"   # every Nth storm sign-in: wrong password, unknown address
LOGIN_WRK="-t1 -c10 -d10s --latency"  # the ordinary-page measurement (fixed)
LOGIN_EMAIL=bench@cabinet.example
LOGIN_PROBE_EMAIL=probe@cabinet.example

# cpu_ticks PID: utime+stime of the process (all threads), in clock ticks.
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# machine_ticks: "busy idle" ticks of all cores since boot.
machine_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat; }
bin_id() { echo "sha256 $(sha256sum "$HUISCLOS" | cut -c1-12), built $(date -u -r "$HUISCLOS" '+%Y-%m-%d %H:%M UTC')"; }
status_field() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
now_s() { date +%s.%N; }

# start_relay DIR: the e2e test relay (aiosmtpd, STARTTLS required, throwaway CA)
# with its workdir in DIR. Sets RELAY_PID RELAY_PORT RELAY_CA RELAY_MAIL.
# It exits when its stdin closes: a FIFO held open by this shell (fd RELAY_FD).
start_relay() {
    local w="$1" i line
    [[ -x "$DEB_PY" ]] && "$DEB_PY" -c 'import aiosmtpd' 2>/dev/null \
        || die "$DEB_PY with aiosmtpd needed (apt-get install python3-aiosmtpd)"
    mkdir -p "$w"
    mkfifo "$w/stdin"
    "$DEB_PY" "$SMTP_PY" --workdir "$w" --host "$HOST" --port 0 \
        > "$w/ready.txt" 2> "$LOGS/mail.relay.log" < "$w/stdin" &
    RELAY_PID=$!
    PIDS+=("$RELAY_PID")
    exec {RELAY_FD}> "$w/stdin"
    for i in $(seq 300); do
        line="$(grep -m1 '^READY ' "$w/ready.txt" || true)"
        [[ -n "$line" ]] && break
        kill -0 "$RELAY_PID" 2>/dev/null || { cat "$LOGS/mail.relay.log" >&2; die "the SMTP relay exited"; }
        sleep 0.1
    done
    [[ -n "$line" ]] || die "the SMTP relay did not print READY in 30 s"
    read -r RELAY_PORT RELAY_CA RELAY_MAIL < <(python3 -c '
import json, sys; d = json.loads(sys.argv[1][6:]); print(d["port"], d["ca_file"], d["mail_dir"])' "$line")
    log "relay ready on $HOST:$RELAY_PORT (pid $RELAY_PID), mail in $RELAY_MAIL"
}
stop_relay() {
    exec {RELAY_FD}>&- || true
    stop_pid "$RELAY_PID"
}

# ---------------------------------------------------------------------------
# Bench: mail (MAIL_COUNT test e-mails through a local STARTTLS relay)
# ---------------------------------------------------------------------------
# Relay = tests/e2e/smtp_server.py. huisclos runs with a config file pointing at
# it; the mails are queued through the running server's control socket by
# `huisclos test-email ... --wait 0`, MAIL_PARALLEL at a time (xargs -P).
# Measured: time to queue them all, time from the first queued to the last one
# received (the relay stamps each .json with received_at), mails/s; then every
# .json is checked: one per recipient, unique Message-IDs, received over TLS.
bench_mail() {
    need_huisclos
    [[ -f "$SMTP_PY" ]] || die "missing $SMTP_PY"
    local data cfg t0 t1 qrc=0 n last i r a b c0 c1 m0 m1 r0 r1 cpu_relay
    new_tmp
    data="$TMP_DIR/data"; cfg="$TMP_DIR/huisclos.toml"
    start_relay "$TMP_DIR/relay"
    cat > "$cfg" <<EOF
[smtp]
host = "localhost"
port = $RELAY_PORT
security = "starttls"
ca_file = "$RELAY_CA"
from = "Bench <bench@cabinet.example>"

[mail]
retry_first_secs = 1
retry_max_secs = 2
EOF
    HC_CONFIG="$cfg" start_server huisclos "$data"
    # One mail first (untimed): proves the relay path works before the clock
    # starts. Its .json is removed so the count below is the timed batch only.
    "$HUISCLOS" test-email --config "$cfg" --data "$data" --to warmup@bench.example --wait 30 \
        > "$LOGS/mail.warmup.log" 2>&1 || { cat "$LOGS/mail.warmup.log" >&2; die "warm-up mail not delivered"; }
    sleep 1
    rm -f "$RELAY_MAIL"/*
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos mail_rss_before_mib "$(kb_to_mib "${r[0]}")"
    wait_quiet || true
    log "mail: queueing $MAIL_COUNT test e-mails, $MAIL_PARALLEL at a time"
    c0="$(cpu_ticks "$SERVER_PID")"; m0="$(machine_ticks)"; r0="$(cpu_ticks "$RELAY_PID")"
    t0="$(now_s)"
    seq 1 "$MAIL_COUNT" | xargs -P "$MAIL_PARALLEL" -I{} \
        "$HUISCLOS" test-email --config "$cfg" --data "$data" --to "r{}@bench.example" --wait 0 \
        > "$LOGS/mail.queue.log" 2>&1 || qrc=$?
    t1="$(now_s)"
    log "mail: queued in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b-a}') s (xargs exit $qrc)"
    # Wait for the relay to have them all (or MAIL_TIMEOUT s).
    local deadline=$((SECONDS + MAIL_TIMEOUT))
    while :; do
        n="$(find "$RELAY_MAIL" -name '*.json' | wc -l)"
        (( n >= MAIL_COUNT || SECONDS >= deadline )) && break
        kill -0 "$SERVER_PID" 2>/dev/null || die "huisclos exited during the mail bench"
        sleep 0.1
    done
    c1="$(cpu_ticks "$SERVER_PID")"; m1="$(machine_ticks)"; r1="$(cpu_ticks "$RELAY_PID")"
    # Late duplicates (a re-send after a lost reply) would land now.
    sleep 3
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos mail_rss_after_mib "$(kb_to_mib "${r[0]}")"
    metric_set huisclos mail_hwm_mib "$(kb_to_mib "${r[1]}")"
    log "mail: server VmRSS ${r[0]} kB, VmHWM ${r[1]} kB"
    # Check every message and compute the times (Python: 1,000 JSON files).
    local checks
    checks="$(python3 - "$RELAY_MAIL" "$MAIL_COUNT" "$t0" "$t1" <<'PY'
import glob, json, sys
d, n, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ms = [json.load(open(f)) for f in sorted(glob.glob(d + "/*.json"))]
ids = [m.get("message_id") for m in ms]
rcpts = [r for m in ms for r in m.get("rcpt_tos", [])]
want = {f"r{i}@bench.example" for i in range(1, n + 1)}
recv = sorted(m["received_at"] for m in ms)
peers = {tuple(m["peer"]) for m in ms if m.get("peer")}
tlsv = sorted({str(m.get("tls_version")) for m in ms})
last = recv[n - 1] if len(recv) >= n else None
print("received", len(ms))
print("unique_ids", len(set(i for i in ids if i)))
print("missing_ids", sum(1 for i in ids if not i))
print("rcpt_ok", "yes" if sorted(rcpts) == sorted(want) else "no")
print("rcpt_dupes", len(rcpts) - len(set(rcpts)))
print("rcpt_missing", len(want - set(rcpts)))
print("tls_all", "yes" if ms and all(m.get("tls") is True for m in ms) else "no")
print("tls_count", sum(1 for m in ms if m.get("tls") is True))
print("tls_versions", ",".join(tlsv) or "-")
print("connections", len(peers))
print("first_recv_s", f"{recv[0] - t0:.2f}" if recv else "-")
print("drain_s", f"{last - t0:.2f}" if last else "-")
print("after_queue_s", f"{last - t1:.2f}" if last else "-")
print("rate", f"{n / (last - t0):.1f}" if last else "-")
PY
)"
    declare -A C=()
    while read -r a b; do C[$a]="$b"; done <<< "$checks"
    local queue_s; queue_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b-a}')"
    local cli_ok cli_queued cli_other
    cli_ok="$(grep -c 'accepted by the relay' "$LOGS/mail.queue.log" || true)"
    cli_queued="$(grep -c '^test e-mail queued' "$LOGS/mail.queue.log" || true)"
    cli_other="$(grep -vc -e 'accepted by the relay' -e '^test e-mail queued' "$LOGS/mail.queue.log" || true)"
    local retries not_delivered
    retries="$(grep -Ec 'mail [^ ]+ delivered \(.*attempt ([2-9]|[1-9][0-9]+)\)' "$LOGS/huisclos.server.log" || true)"
    not_delivered="$(grep -c 'not delivered, retry later\|refused by the relay\|given up' "$LOGS/huisclos.server.log" || true)"
    local cpu_srv busy
    cpu_srv="$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v d="${C[drain_s]}" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {if (d+0 > 0) printf "%.0f", 100*(b-a)/hz/d; else print "-"}')"
    cpu_relay="$(awk -v a="$r0" -v b="$r1" -v d="${C[drain_s]}" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {if (d+0 > 0) printf "%.0f", 100*(b-a)/hz/d; else print "-"}')"
    busy="$(awk -v a="$m0" -v b="$m1" 'BEGIN {split(a,x," "); split(b,y," "); bu=y[1]-x[1]; id=y[2]-x[2];
        printf "%.0f", (bu+id) ? 100*bu/(bu+id) : 0}')"
    metric_set huisclos mail_count "$MAIL_COUNT"
    metric_set huisclos mail_parallel "$MAIL_PARALLEL"
    metric_set huisclos mail_queue_s "$queue_s"
    metric_set huisclos mail_queue_exit "$qrc"
    metric_set huisclos mail_cli_out "$cli_ok accepted by the relay / $cli_queued queued / $cli_other other"
    metric_set huisclos mail_first_recv_s "${C[first_recv_s]}"
    metric_set huisclos mail_drain_s "${C[drain_s]}"
    metric_set huisclos mail_after_queue_s "${C[after_queue_s]}"
    metric_set huisclos mail_rate "${C[rate]}"
    metric_set huisclos mail_received "${C[received]}"
    metric_set huisclos mail_unique_ids "${C[unique_ids]}"
    metric_set huisclos mail_rcpt "one per recipient: ${C[rcpt_ok]} (duplicates ${C[rcpt_dupes]}, missing ${C[rcpt_missing]})"
    metric_set huisclos mail_tls "${C[tls_count]}/${C[received]} (${C[tls_versions]})"
    metric_set huisclos mail_tls_all "${C[tls_all]}"
    metric_set huisclos mail_connections "${C[connections]}"
    metric_set huisclos mail_retries "$retries delivered after a retry, $not_delivered failed attempts logged"
    metric_set huisclos mail_cpu "server ${cpu_srv}% of one core, relay ${cpu_relay}%, machine ${busy}% busy (2 cores; the rest: 1,000 CLI processes, other work)"
    metric_set huisclos mail_bin "$(bin_id)"
    metric_set huisclos mail_noisy "$NOISY"
    metric_set huisclos mail_at "$(now)"
    log "mail: queue ${queue_s}s, drain ${C[drain_s]}s (${C[rate]} mails/s), received ${C[received]}, unique ids ${C[unique_ids]}, TLS ${C[tls_count]}, connections ${C[connections]}"
    stop_server
    stop_relay
    cp "$LOGS/huisclos.server.log" "$LOGS/huisclos.mail.server.log"
}

# ---------------------------------------------------------------------------
# Bench: login (LOGIN_CONC sign-ins in flight vs the p99 of an ordinary page)
# ---------------------------------------------------------------------------
# A box with one firm and its administrator (huisclos setup, server stopped),
# then the server; `wrk -t1 -c10 -d10s --latency /login` alone (baseline),
# then the same while bench/login_storm.py keeps LOGIN_CONC correct-password
# sign-ins (POST /api/v1/session) in flight, then once more alone (control).
# During the storm: server VmRSS/VmHWM/threads and its established sockets are
# sampled every 0.5 s, and its CPU time is read before and after.
wrk_fields() {  # wrk_fields FILE: prints "p50_ms p99_ms req_per_s non2xx"
    local r
    read -r -a r < <(wrk_parse "$1")
    echo "${r[4]} ${r[1]} ${r[0]} ${r[2]}"
}
login_wrk() {   # login_wrk FILE: wrk on /login; prints wrk_fields
    wrk $LOGIN_WRK "$SERVER_URL/login" > "$1"
    wrk_fields "$1"
}
bench_login() {
    need_huisclos
    local data pw body code i r base post storm gen_out stop_file gpid wpid
    new_tmp
    data="$TMP_DIR/data"
    ( umask 077; printf 'bench-%s-storm-pass\n' "$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" > "$TMP_DIR/password" )
    "$HUISCLOS" setup --data "$data" --firm "Bench" --admin-email "$LOGIN_EMAIL" \
        < "$TMP_DIR/password" > "$LOGS/login.setup.log" 2>&1 || { cat "$LOGS/login.setup.log" >&2; die "huisclos setup failed"; }
    # The probe's own account (another firm's administrator, same password): a legitimate
    # user is not the account the storm signs into.
    "$HUISCLOS" firm add --data "$data" --name "Probe" --admin-email "$LOGIN_PROBE_EMAIL" \
        < "$TMP_DIR/password" >> "$LOGS/login.setup.log" 2>&1 || { cat "$LOGS/login.setup.log" >&2; die "huisclos firm add failed"; }
    # The storm plays LOGIN_CONC clients from one address (loopback): the per-address
    # connection cap (64 by default) would refuse most of them.
    printf '[server]\nmax_connections_per_address = 1024\n' > "$TMP_DIR/huisclos.toml"
    HC_CONFIG="$TMP_DIR/huisclos.toml" start_server huisclos "$data"
    # One sign-in by hand: 200 with a token, else the storm would measure errors.
    python3 -c 'import json,sys; print(json.dumps({"email": sys.argv[1], "password": open(sys.argv[2]).read().rstrip("\n")}))' \
        "$LOGIN_EMAIL" "$TMP_DIR/password" > "$TMP_DIR/body.json"
    code="$(curl -s -o "$TMP_DIR/signin.out" -w '%{http_code} %{time_total}' --max-time 30 \
        -H 'Content-Type: application/json' --data-binary @"$TMP_DIR/body.json" "$SERVER_URL/api/v1/session")"
    [[ "$code" == 200* ]] && grep -q '"token"' "$TMP_DIR/signin.out" || die "test sign-in failed: $code $(cat "$TMP_DIR/signin.out")"
    metric_set huisclos login_single_s "${code#* }"
    log "login: one sign-in alone: ${code#* } s"
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos login_rss_idle_mib "$(kb_to_mib "${r[0]}")"

    # Baseline (warm-up first).
    wait_quiet || true
    wrk -t1 -c10 -d3s "$SERVER_URL/login" > /dev/null
    wait_quiet || true
    read -r -a base < <(login_wrk "$LOGS/login.baseline.wrk.txt")
    log "login: baseline /login p50 ${base[0]} ms, p99 ${base[1]} ms, ${base[2]} req/s"
    sleep 1
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos login_hwm_before_mib "$(kb_to_mib "${r[1]}")"
    metric_set huisclos login_rss_before_mib "$(kb_to_mib "${r[0]}")"

    # Storm.
    wait_quiet || true
    stop_file="$TMP_DIR/stop"; gen_out="$LOGS/login.storm.out"
    "$DEB_PY" "$BENCH_DIR/login_storm.py" --port "$SERVER_PORT" --email "$LOGIN_EMAIL" \
        --password-file "$TMP_DIR/password" --concurrency "$LOGIN_CONC" --stop-file "$stop_file" \
        --max-secs 120 --max-requests 20000 --drain-secs 90 \
        --wrong-every "$LOGIN_WRONG_EVERY" --probe-source 127.0.0.2 --probe-email "$LOGIN_PROBE_EMAIL" > "$gen_out" 2> "$LOGS/login.storm.err" &
    gpid=$!; PIDS+=("$gpid")
    for i in $(seq 600); do
        grep -q '^STORM' "$gen_out" 2>/dev/null && break
        kill -0 "$gpid" 2>/dev/null || { cat "$LOGS/login.storm.err" >&2; die "login_storm.py exited early"; }
        sleep 0.1
    done
    grep -q '^STORM' "$gen_out" || die "the storm did not reach $LOGIN_CONC sign-ins in flight in 60 s"
    sleep 2   # let the queue settle (every client has sent, first answers back)
    log "login: $(head -n1 "$gen_out") in flight; wrk on /login meanwhile"
    local c0 c1 m0 m1 t0 t1 samples="$LOGS/login.storm.samples"
    : > "$samples"
    c0="$(cpu_ticks "$SERVER_PID")"; m0="$(machine_ticks)"; t0="$(now_s)"
    wrk $LOGIN_WRK "$SERVER_URL/login" > "$LOGS/login.storm.wrk.txt" &
    wpid=$!; PIDS+=("$wpid")
    while kill -0 "$wpid" 2>/dev/null; do
        # VmRSS VmHWM (kB), threads, established server-side sockets
        printf '%s %s %s %s\n' "$(status_field "$SERVER_PID" VmRSS)" "$(status_field "$SERVER_PID" VmHWM)" \
            "$(status_field "$SERVER_PID" Threads)" \
            "$(ss -Htn state established "( sport = :$SERVER_PORT )" 2>/dev/null | wc -l)" >> "$samples"
        sleep 0.5
    done
    wait "$wpid" || true
    c1="$(cpu_ticks "$SERVER_PID")"; m1="$(machine_ticks)"; t1="$(now_s)"
    touch "$stop_file"
    read -r -a storm < <(wrk_fields "$LOGS/login.storm.wrk.txt")
    log "login: during the storm /login p50 ${storm[0]} ms, p99 ${storm[1]} ms, ${storm[2]} req/s"
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos login_hwm_storm_mib "$(kb_to_mib "${r[1]}")"
    # Where the memory is: anonymous mappings with >= 4 MiB resident (malloc
    # arenas and big blocks; glibc gives each thread arena its own heap).
    cp "/proc/$SERVER_PID/smaps" "$LOGS/login.storm.smaps" 2>/dev/null || true
    metric_set huisclos login_big_anon "$(awk '/^[0-9a-f]+-[0-9a-f]+ / {anon=(NF<6); heap=($6=="[heap]")}
        /^Rss:/ {if ((anon||heap) && $2>=4096) {n++; t+=$2}}
        END {printf "%d anonymous mappings with >= 4 MiB resident, %.1f MiB in total", n, t/1024}' "$LOGS/login.storm.smaps" 2>/dev/null || echo -)"
    wait "$gpid" || log "WARNING: login_storm.py exited with $?"
    local storm_end; storm_end="$(now_s)"
    local res; res="$(tail -n1 "$gen_out")"
    log "login: storm result $res"

    # Control: the same wrk alone again, after the storm drained.
    wait_quiet || true
    read -r -a post < <(login_wrk "$LOGS/login.after.wrk.txt")
    log "login: after the storm /login p50 ${post[0]} ms, p99 ${post[1]} ms, ${post[2]} req/s"
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos login_rss_end_mib "$(kb_to_mib "${r[0]}")"
    # Memory given back: VmRSS a minute after the storm ended (target < 40 MiB).
    local waited; waited="$(awk -v a="$storm_end" -v b="$(now_s)" 'BEGIN {w=60-(b-a); print (w>0)?w:0}')"
    sleep "$waited"
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos login_rss_60s_mib "$(kb_to_mib "${r[0]}")"

    local hz; hz="$(getconf CLK_TCK)"
    metric_set huisclos login_conc "$LOGIN_CONC"
    metric_set huisclos login_base_p50_ms "${base[0]}"
    metric_set huisclos login_base_p99_ms "${base[1]}"
    metric_set huisclos login_base_rps "${base[2]}"
    metric_set huisclos login_storm_p50_ms "${storm[0]}"
    metric_set huisclos login_storm_p99_ms "${storm[1]}"
    metric_set huisclos login_storm_rps "${storm[2]}"
    metric_set huisclos login_storm_non2xx "${storm[3]}"
    metric_set huisclos login_after_p50_ms "${post[0]}"
    metric_set huisclos login_after_p99_ms "${post[1]}"
    metric_set huisclos login_after_rps "${post[2]}"
    metric_set huisclos login_ratio "$(awk -v a="${storm[1]}" -v b="${base[1]}" 'BEGIN {printf "%.2f", (b>0) ? a/b : 0}')"
    metric_set huisclos login_p50_ratio "$(awk -v a="${storm[0]}" -v b="${base[0]}" 'BEGIN {printf "%.2f", (b>0) ? a/b : 0}')"
    metric_set huisclos login_samples "$(awk '{r=$1>r?$1:r; t=$3>t?$3:t; s[NR]=$4; if (NR==1 || $4<smin) smin=$4; if ($4>smax) smax=$4}
        END {printf "peak VmRSS %.1f MiB, peak threads %d, established sockets min %d / max %d over %d samples", r/1024, t, smin, smax, NR}' "$samples")"
    metric_set huisclos login_cpu "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" -v m0="$m0" -v m1="$m1" \
        'BEGIN {split(m0,x," "); split(m1,y," "); bu=y[1]-x[1]; id=y[2]-x[2];
        printf "server %.0f%% of one core, machine %.0f%% busy (2 cores)", 100*(b-a)/hz/(t1-t0), (bu+id) ? 100*bu/(bu+id) : 0}')"
    python3 - "$res" <<'PY' | while IFS=$'\t' read -r k v; do metric_set huisclos "$k" "$v"; done
import json, sys
d = json.loads(sys.argv[1]); l = d["lat_ms"]; f = d["inflight"]
print("login_storm_signins\t%d answered 200 of %d started (statuses %s, errors %s, unfinished %d)" % (
    d["ok"], d["started"], json.dumps(d["statuses"]), json.dumps(d["errors"]) if d["errors"] else "none", d["unfinished"]))
print("login_storm_ok\t%d" % d["ok"])
print("login_storm_lat\tmin %s / p50 %s / p90 %s / p99 %s / max %s" % (l["min"], l["p50"], l["p90"], l["p99"], l["max"]))
print("login_storm_rate\t%s" % d["ok_per_s_in_storm"])
print("login_storm_inflight\tmin %s / median %s / max %s (%d samples, every 50 ms)" % (f["min"], f["p50"], f["max"], f["samples"]))
print("login_storm_times\tramp %s s, storm %s s, drain %s s" % (d["ramp_s"], d["storm_s"], d["drain_s"]))
p = d.get("probe") or {}
pl = p.get("lat_ms") or {}
print("login_probe\t%s right sign-ins one at a time from %s during the storm (statuses %s): p50 %s / p99 %s / max %s ms" % (
    p.get("n"), p.get("source"), json.dumps(p.get("statuses")), pl.get("p50"), pl.get("p99"), pl.get("max")))
print("login_probe_p99_ms\t%s" % pl.get("p99"))
print("login_storm_mix\tevery %s sign-in: wrong password, address without an account (the rest: the right password of one account)" % d.get("wrong_every"))
PY
    metric_set huisclos login_bin "$(bin_id)"
    metric_set huisclos login_noisy "$NOISY"
    metric_set huisclos login_at "$(now)"
    stop_server
    cp "$LOGS/huisclos.server.log" "$LOGS/huisclos.login.server.log"
    tail -n 200 "$LOGS/huisclos.login.server.log" > "$LOGS/huisclos.login.server.log.tmp" && mv "$LOGS/huisclos.login.server.log.tmp" "$LOGS/huisclos.login.server.log"
}

# report: measure nothing, only rewrite RESULTS.md from metrics.tsv.
bench_report() { :; }

# ---------------------------------------------------------------------------
# RESULTS.md
# ---------------------------------------------------------------------------
write_results() {
    local s cols="" sep="" m
    local all_servers="huisclos miniserve copyparty"
    for s in $all_servers; do cols+=" $s |"; sep+="---|"; done
    row() {   # row LABEL METRIC [SUFFIX]
        local line="| $1 |" s
        for s in $all_servers; do line+=" $(metric_get "$s" "$2")${3:-} |"; done
        printf '%s\n' "$line"
    }
    local hbin="${HUISCLOS:-${HUISCLOS_BIN:-}}"
    {
        echo "# Huis Clos benchmark results"
        echo
        echo "Written by \`bench/run.sh\` (see bench/README.md). Last run: $(date -u '+%Y-%m-%d %H:%M UTC'), steps: \`$STEPS\`."
        echo
        echo "## Machine"
        echo
        echo "- CPU: $(lscpu | awk -F: '/^Model name/ {gsub(/^ +/,"",$2); print $2; exit}'), $(nproc) cores ($(lscpu | awk -F: '/^Thread\(s\) per core/ {gsub(/ /,"",$2); print $2}') thread(s) per core)"
        echo "- RAM: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
        echo "- Kernel: $(uname -sr); $(. /etc/os-release && echo "$PRETTY_NAME")"
        echo "- Tools: $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), curl $(curl --version | head -n1 | cut -d' ' -f2), Python $(python3 -c 'import platform; print(platform.python_version())')"
        echo "- Peers: $( [[ -x "$MINISERVE" ]] && "$MINISERVE" --version 2>/dev/null | head -n1), copyparty $( [[ -d "$PYPEERS/copyparty" ]] && PYTHONPATH="$PYPEERS" python3 -c 'import copyparty.__version__ as v; print(v.S_VERSION)' 2>/dev/null)"
        [[ -n "$hbin" ]] && echo "- huisclos (size, startup, rss, static; mail and login name their own): \`${hbin#"$ROOT"/}\` (sha256 $(sha256sum "$hbin" | cut -c1-12), built $(date -u -r "$hbin" '+%Y-%m-%d %H:%M UTC')), repo at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$( [[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] && echo ' + uncommitted changes')"
        echo
        echo "**Only 2 cores**: wrk (2 threads) and the server under test share them, so"
        echo "req/s are a lower bound, mostly a comparison between the servers on the"
        echo "same box, not an absolute figure. Each server ran alone, in turn, and each"
        echo "wrk run was kept only if the machine was ≤ ${QUIET_MAX}% busy just before and just"
        echo "after it (no build or other load running); a run kept after 3 busy tries is listed in a \`*_disturbed\` row."
        echo
        echo "huisclos runs with its defaults (no config file): log level info, one log line"
        echo "per request, written to a file (bench/work/logs/). miniserve logs nothing by"
        echo "default and copyparty runs with \`-q\`."
        echo
        echo "## Figures"
        echo
        echo "| Measure |$cols"
        echo "|---|$sep"
        row "Measured at: size" size_at
        row "Measured at: startup" startup_at
        row "Measured at: rss + static" rss_static_at
        row "Binary size (MiB)" size_mib
        row "Binary size (bytes)" size_bytes
        row "\`ldd\`" ldd
        row "Start-up, fresh data: median (ms)" startup_fresh_median_ms
        row "Start-up, fresh data: max (ms)" startup_fresh_max_ms
        row "Start-up, existing data: median (ms)" startup_existing_median_ms
        row "Start-up, existing data: max (ms)" startup_existing_max_ms
        row "Idle after start: VmRSS (MiB)" rss_idle_mib
        row "Idle after start: VmHWM (MiB)" hwm_idle_mib
        row "After load: VmRSS (MiB)" rss_load_mib
        row "After load: VmHWM (MiB)" hwm_load_mib
        row "Asset response body (bytes)" asset_bytes
        row "\`GET $ASSET_PATH\` req/s (median of runs)" static_rps
        row "\`GET $ASSET_PATH\` p99 (ms, median of runs)" static_p99_ms
        row "\`GET $ASSET_PATH\` runs (req/s / p99 ms)" static_runs
        row "\`GET $ASSET_PATH\`, 1 connection: req/s" static_c1_rps
        row "\`GET $ASSET_PATH\`, 1 connection: p50 (ms)" static_c1_p50_ms
        row "\`GET /healthz\` req/s (median of runs)" healthz_rps
        row "\`GET /healthz\` p99 (ms, median of runs)" healthz_p99_ms
        row "\`GET /healthz\` runs (req/s / p99 ms)" healthz_runs
        for m in static_non2xx static_sockerr healthz_non2xx healthz_sockerr asset_mismatch asset_note static_disturbed healthz_disturbed; do
            if grep -qP "\t$m\t(?!no$|-$)" "$METRICS"; then row "$m" "$m"; fi
        done
        echo
        echo "Start-up: all runs in ms (fresh / existing):"
        echo
        for s in $all_servers; do
            echo "- $s: $(metric_get "$s" startup_fresh_all)/ $(metric_get "$s" startup_existing_all)"
        done
        echo
        echo "1-connection latency: a few-KB file on loopback takes well under 1 ms. A p50 of"
        echo "tens of ms is a Nagle / delayed-ACK stall: the server writes the headers and the"
        echo "body as two small segments without TCP_NODELAY, and the second waits for the"
        echo "client's delayed ACK (up to 40 ms on Linux). That caps req/s at roughly"
        echo "connections / 40 ms whatever the CPU, on loopback as on a LAN."
        echo
        echo "## Mail: $(metric_get huisclos mail_count) notifications through a local TLS relay"
        echo
        echo "Measured $(metric_get huisclos mail_at), huisclos $(metric_get huisclos mail_bin)."
        echo "Relay: \`tests/e2e/smtp_server.py\` (aiosmtpd, Debian's /usr/bin/python3, STARTTLS"
        echo "required, throwaway CA, each mail written as .eml + .json). huisclos runs with a"
        echo "config file (\`[smtp]\` host localhost, starttls, \`ca_file\` = the relay's CA;"
        echo "\`[mail]\` retry 1 s / 2 s). One untimed warm-up mail first. Then the mails are"
        echo "queued through the control socket, $(metric_get huisclos mail_parallel) CLI calls at a time, and the clock"
        echo "runs from the first \`test-email\` call to the \`received_at\` stamp of the last"
        echo "mail in the relay's .json files."
        echo
        echo "| Measure | huisclos |"
        echo "|---|---|"
        echo "| Time to queue all (xargs -P $(metric_get huisclos mail_parallel), s) | $(metric_get huisclos mail_queue_s) |"
        echo "| \`test-email\` outputs | $(metric_get huisclos mail_cli_out) (xargs exit $(metric_get huisclos mail_queue_exit)) |"
        echo "| First queued → first received (s) | $(metric_get huisclos mail_first_recv_s) |"
        echo "| **First queued → last received (s)** | **$(metric_get huisclos mail_drain_s)** |"
        echo "| Last queued → last received (s) | $(metric_get huisclos mail_after_queue_s) |"
        echo "| Mails/s (count / drain time) | $(metric_get huisclos mail_rate) |"
        echo "| Received by the relay (.json files) | $(metric_get huisclos mail_received) |"
        echo "| Unique Message-IDs | $(metric_get huisclos mail_unique_ids) |"
        echo "| Recipients | $(metric_get huisclos mail_rcpt) |"
        echo "| Received over TLS (\`\"tls\": true\`) | $(metric_get huisclos mail_tls) |"
        echo "| SMTP connections used (distinct client ports seen by the relay) | $(metric_get huisclos mail_connections) |"
        echo "| Retries (server log) | $(metric_get huisclos mail_retries) |"
        echo "| CPU during the drain | $(metric_get huisclos mail_cpu) |"
        echo "| Server VmRSS before / after (MiB) | $(metric_get huisclos mail_rss_before_mib) / $(metric_get huisclos mail_rss_after_mib) |"
        echo "| Server VmHWM after the drain (MiB) | $(metric_get huisclos mail_hwm_mib) |"
        [[ "$(metric_get huisclos mail_noisy)" == 1 ]] && echo "| Note | measured on a busy machine (quiet wait timed out) |"
        echo
        if [[ -f "$BENCH_DIR/notes/mail.md" ]]; then cat "$BENCH_DIR/notes/mail.md"; echo; fi
        echo "## Login storm: $(metric_get huisclos login_conc) sign-ins in flight vs an ordinary page"
        echo
        echo "Measured $(metric_get huisclos login_at), huisclos $(metric_get huisclos login_bin)."
        echo "A box made by \`huisclos setup\` (one firm, its administrator), then the server"
        echo "with its defaults. \`wrk $LOGIN_WRK\` on \`GET /login\` alone (baseline), then"
        echo "the same while \`bench/login_storm.py\` keeps $(metric_get huisclos login_conc) sign-ins"
        echo "(\`POST /api/v1/session\`) in flight from 127.0.0.1 ($(metric_get huisclos login_storm_mix)),"
        echo "while a legitimate user ($LOGIN_PROBE_EMAIL, another account) signs in one at a time from 127.0.0.2 (the probe);"
        echo "then \`/login\` alone again (control, after the storm drained), and VmRSS 60 s after the storm."
        echo
        echo "| Measure | huisclos |"
        echo "|---|---|"
        echo "| One sign-in alone (s, curl) | $(metric_get huisclos login_single_s) |"
        echo "| \`/login\` baseline: p50 / p99 (ms), req/s | $(metric_get huisclos login_base_p50_ms) / $(metric_get huisclos login_base_p99_ms), $(metric_get huisclos login_base_rps) |"
        echo "| \`/login\` during the storm: p50 / p99 (ms), req/s | $(metric_get huisclos login_storm_p50_ms) / $(metric_get huisclos login_storm_p99_ms), $(metric_get huisclos login_storm_rps) (non-2xx: $(metric_get huisclos login_storm_non2xx)) |"
        echo "| \`/login\` after the storm: p50 / p99 (ms), req/s | $(metric_get huisclos login_after_p50_ms) / $(metric_get huisclos login_after_p99_ms), $(metric_get huisclos login_after_rps) |"
        echo "| **p99 ratio storm / baseline** | **$(metric_get huisclos login_ratio)** (p50 ratio $(metric_get huisclos login_p50_ratio)) |"
        echo "| Sign-ins in flight (generator, sampled) | $(metric_get huisclos login_storm_inflight) |"
        echo "| Server side during wrk (every 0.5 s) | $(metric_get huisclos login_samples) |"
        echo "| Sign-ins | $(metric_get huisclos login_storm_signins) |"
        echo "| Sign-in latency, answered 200 (ms) | $(metric_get huisclos login_storm_lat) |"
        echo "| **Legitimate sign-in from another network during the storm** | $(metric_get huisclos login_probe) |"
        echo "| Sign-ins/s during the storm | $(metric_get huisclos login_storm_rate) |"
        echo "| Generator phases | $(metric_get huisclos login_storm_times) |"
        echo "| CPU during the storm's wrk run | $(metric_get huisclos login_cpu) |"
        echo "| Server VmRSS idle / before the storm (MiB) | $(metric_get huisclos login_rss_idle_mib) / $(metric_get huisclos login_rss_before_mib) |"
        echo "| Server VmHWM before / after the storm (MiB) | $(metric_get huisclos login_hwm_before_mib) / $(metric_get huisclos login_hwm_storm_mib) |"
        echo "| Server VmRSS at the end (MiB) | $(metric_get huisclos login_rss_end_mib) |"
        echo "| Server VmRSS 60 s after the storm (MiB) | $(metric_get huisclos login_rss_60s_mib) |"
        echo "| Server memory right after the storm (/proc/PID/smaps) | $(metric_get huisclos login_big_anon) |"
        [[ "$(metric_get huisclos login_noisy)" == 1 ]] && echo "| Note | measured on a busy machine (quiet wait timed out) |"
        echo
        if [[ -f "$BENCH_DIR/notes/login.md" ]]; then cat "$BENCH_DIR/notes/login.md"; echo; fi
        docs_results
        echo "## Targets"
        echo
        local hr mr cr best
        hr="$(metric_get huisclos static_rps)"; mr="$(metric_get miniserve static_rps)"; cr="$(metric_get copyparty static_rps)"
        best="$(printf '%s\n%s\n' "$mr" "$cr" | grep -E '^[0-9]+$' | sort -n | tail -n1 || true)"
        echo "| Target | Measured | Met |"
        echo "|---|---|---|"
        verdict() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) {print "–"; exit}
            ok = (op=="le") ? (a+0 <= b+0) : (op=="lt") ? (a+0 < b+0) : (a+0 >= b+0); print (ok ? "yes" : "**no**") }'; }
        echo "| Idle RSS ≤ 20 MB = 19.07 MiB (VmRSS after start) | $(metric_get huisclos rss_idle_mib) MiB | $(verdict "$(metric_get huisclos rss_idle_mib)" 19.07 le) |"
        echo "| Binary ≤ 20 MB (20 000 000 bytes) | $(metric_get huisclos size_bytes) bytes | $(verdict "$(metric_get huisclos size_bytes)" 20000000 le) |"
        echo "| Static asset req/s ≥ faster peer | $hr vs ${best:-–} | $(verdict "$hr" "${best:-x}" ge) |"
        docs_targets
        echo "| Mail: $(metric_get huisclos mail_count) notifications drained (first queued → last received) < ${MAIL_TARGET_S} s | $(metric_get huisclos mail_drain_s) s | $(verdict "$(metric_get huisclos mail_drain_s)" "$MAIL_TARGET_S" lt) |"
        echo "| Mail: each delivered exactly once (unique Message-IDs = count, one per recipient) | $(metric_get huisclos mail_unique_ids) unique of $(metric_get huisclos mail_received) received; $(metric_get huisclos mail_rcpt) | $( [[ "$(metric_get huisclos mail_unique_ids)" == "$(metric_get huisclos mail_count)" && "$(metric_get huisclos mail_received)" == "$(metric_get huisclos mail_count)" && "$(metric_get huisclos mail_rcpt)" == "one per recipient: yes"* ]] && echo yes || echo "**no**") |"
        echo "| Mail: all over TLS | $(metric_get huisclos mail_tls) | $( [[ "$(metric_get huisclos mail_tls_all)" == yes ]] && echo yes || echo "**no**") |"
        echo "| Login storm: p99 of \`/login\` at most doubles (ratio ≤ 2) | $(metric_get huisclos login_ratio) ($(metric_get huisclos login_base_p99_ms) → $(metric_get huisclos login_storm_p99_ms) ms) | $(verdict "$(metric_get huisclos login_ratio)" 2 le) |"
        echo "| Login storm: memory bounded (VmHWM ≤ VmHWM before + 2 × 19 MiB argon2 + 24 MiB for threads/buffers) | $(metric_get huisclos login_hwm_before_mib) → $(metric_get huisclos login_hwm_storm_mib) MiB | $(verdict "$(metric_get huisclos login_hwm_storm_mib)" "$(awk -v b="$(metric_get huisclos login_hwm_before_mib)" 'BEGIN {if (b ~ /^[0-9.]+$/) print b+38+24; else print "x"}')" le) |"
        echo "| Login storm: a legitimate sign-in from another network, p99 < 2 s | $(metric_get huisclos login_probe_p99_ms) ms | $(verdict "$(metric_get huisclos login_probe_p99_ms)" 2000 lt) |"
        echo "| Login storm: peak VmHWM < 96 MiB | $(metric_get huisclos login_hwm_storm_mib) MiB | $(verdict "$(metric_get huisclos login_hwm_storm_mib)" 96 lt) |"
        echo "| Login storm: VmRSS < 40 MiB a minute after | $(metric_get huisclos login_rss_60s_mib) MiB | $(verdict "$(metric_get huisclos login_rss_60s_mib)" 40 lt) |"
        echo
        echo "## Commands"
        echo
        echo '```sh'
        echo "# servers (DATA = fresh temp folder under bench/work/, PORT = free loopback port,"
        echo "# WWW = temp folder holding a copy of the asset at WWW$ASSET_PATH)"
        for s in $all_servers; do
            if [[ ( "$s" == huisclos && -n "$hbin" ) || ( "$s" == miniserve && -x "$MINISERVE" ) || ( "$s" == copyparty && -d "$PYPEERS/copyparty" ) ]]; then
                HUISCLOS="$hbin" cmd_for_doc "$s"
            fi
        done
        echo "# size"
        echo "stat -c %s BIN; ldd BIN"
        echo "# startup: spawn, then connect + 'GET /healthz' (peers: GET $ASSET_PATH) every 1 ms"
        echo "# until HTTP 200 (Python probe in run.sh); SIGTERM; $STARTUP_RUNS x fresh DATA, $STARTUP_RUNS x existing DATA"
        echo "# rss: /proc/PID/status VmRSS, VmHWM (process + children), 2 s after ready and 2 s after the load"
        echo "# static / healthz: warm-up, then $WRK_RUNS runs, median reported"
        echo "wrk -t$WRK_THREADS -c$WRK_CONNS -d${WARMUP_SECS}s http://127.0.0.1:PORT$ASSET_PATH   # warm-up, discarded"
        echo "wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_DURATION}s --latency http://127.0.0.1:PORT$ASSET_PATH"
        echo "wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_DURATION}s --latency http://127.0.0.1:PORT/healthz   # huisclos only"
        echo "wrk -t1 -c1 -d5s --latency http://127.0.0.1:PORT$ASSET_PATH   # 1-connection diagnostic"
        echo "# mail and login: HUISCLOS = the binary named in their sections"
        echo "# mail: CFG is this file (PORT, CA from the relay's READY line):"
        echo "#   [smtp]"
        echo "#   host = \"localhost\""
        echo "#   port = PORT"
        echo "#   security = \"starttls\""
        echo "#   ca_file = \"CA\""
        echo "#   from = \"Bench <bench@cabinet.example>\""
        echo "#   [mail]"
        echo "#   retry_first_secs = 1"
        echo "#   retry_max_secs = 2"
        echo "/usr/bin/python3 tests/e2e/smtp_server.py --workdir RELAY --host 127.0.0.1 --port 0 < FIFO"
        echo "HUISCLOS serve --data DATA --listen 127.0.0.1:PORT --config CFG"
        echo "seq 1 $(metric_get huisclos mail_count) | xargs -P $(metric_get huisclos mail_parallel) -I{} HUISCLOS test-email --config CFG --data DATA --to r{}@bench.example --wait 0"
        echo "# login"
        echo "HUISCLOS setup --data DATA --firm Bench --admin-email $LOGIN_EMAIL < PASSWORD_FILE"
        echo "HUISCLOS serve --data DATA --listen 127.0.0.1:PORT"
        echo "wrk -t1 -c10 -d3s http://127.0.0.1:PORT/login   # warm-up, discarded"
        echo "wrk $LOGIN_WRK http://127.0.0.1:PORT/login   # baseline, then during the storm, then after"
        echo "/usr/bin/python3 bench/login_storm.py --port PORT --email $LOGIN_EMAIL --password-file PASSWORD_FILE --concurrency $(metric_get huisclos login_conc) --stop-file STOP --max-secs 120 --max-requests 20000 --drain-secs 90"
        echo "# diagnostics (by hand, not part of a step; see the notes under mail and login)"
        echo "/usr/bin/python3 bench/smtp_nagle_probe.py RELAY/ready.txt   # lettre's write pattern, with / without TCP_NODELAY"
        echo "bench/login_mem_probe.sh HUISCLOS \"\" glibc.malloc.arena_max=1 glibc.malloc.mmap_threshold=1048576"
        echo '```'
        echo
        echo "Raw wrk output and server logs of the last run: bench/work/logs/ (not committed)."
    } > "$RESULTS_MD"
    log "wrote $RESULTS_MD"
}

# Documents: steps docs and scale, their RESULTS.md section and targets.
# shellcheck source=bench/docs.sh
source "$BENCH_DIR/docs.sh"
# shellcheck source=bench/docs_report.sh
source "$BENCH_DIR/docs_report.sh"

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
STEPS="${*:-all}"
[[ "$STEPS" == *all* ]] && STEPS="$ALL_STEPS"
for step in $STEPS; do
    declare -F "bench_$step" > /dev/null || die "unknown step '$step' (known: all $ALL_STEPS report)"
done
command -v wrk > /dev/null || die "wrk not installed (apt-get install wrk)"
log "steps: $STEPS; servers: $SERVERS"
for step in $STEPS; do
    log "== $step =="
    "bench_$step"
done
write_results
