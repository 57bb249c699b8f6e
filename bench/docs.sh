# Documents benches, sourced by bench/run.sh (steps `docs` and `scale`; see bench/README.md).
#
# docs  : on loopback, a box made by `huisclos setup`, then through the API: a space with one
#         folder of DOCS_FOLDER_N small files (2 KiB, random), one of DOCS_SMALL_N, one empty.
#         - folder page: wrk -c50 on GET /spaces/{id} signed in (session cookie of the login
#           form) vs the peers' listing of a folder of as many files (same names, same sizes);
#         - 1 MiB uploads: UP1M_COUNT uploads into the DOCS_SMALL_N space, median;
#         - 1 GiB (BIG_MIB) random file: BIG_RUNS uploads (POST raw body, bearer token; the
#           peers: miniserve multipart POST /upload, copyparty PUT), MB/s and the server's
#           VmHWM during each upload (reset through /proc/PID/clear_refs before it), then
#           BIG_RUNS downloads (GET /api/v1/documents/{id}/content; peers GET /file), MB/s;
#           the SHA-256 the API reports and the one of the download are checked.
# scale : SCALE_DIR/data (kept: generating takes a while, and resumes) filled by the generator
#         bench/gen (10,000 spaces x 100 documents, real encrypted files, journal entries);
#         start-up time and RSS on it, then the same folder pages and 1 MiB uploads as `docs`.
#
# Every curl / wrk / client call targets 127.0.0.1 only (the client refuses anything else).

DOCS_FOLDER_N="${DOCS_FOLDER_N:-1000}"
DOCS_SMALL_N="${DOCS_SMALL_N:-100}"
DOCS_FILE_BYTES=2048
BIG_MIB="${BIG_MIB:-1024}"
BIG_RUNS="${BIG_RUNS:-3}"
UP1M_COUNT="${UP1M_COUNT:-20}"
SCALE_SPACES="${SCALE_SPACES:-10000}"
SCALE_DOCS="${SCALE_DOCS:-100}"
SCALE_DIR="${SCALE_DIR:-$WORK/scale}"
SCALE_STARTS="${SCALE_STARTS:-5}"
GEN_THREADS="${GEN_THREADS:-4}"
DOCS_PY="$BENCH_DIR/docs_client.py"
DOCS_EMAIL=bench@cabinet.example
PEER_UPLOAD=0          # 1: miniserve --upload-files, copyparty read-write volume

dc() { python3 "$DOCS_PY" --url "$SERVER_URL" "$@"; }

# The random file of the big transfers, kept in bench/work; sets BIG and BIG_SHA.
need_big() {
    BIG="$WORK/big-${BIG_MIB}m.bin"
    if [[ ! -f "$BIG" || "$(stat -c %s "$BIG")" != $((BIG_MIB * 1048576)) || ! -f "$BIG.sha256" ]]; then
        log "writing $BIG ($BIG_MIB MiB from /dev/urandom)"
        head -c $((BIG_MIB * 1048576)) /dev/urandom > "$BIG.tmp"
        sha256sum < "$BIG.tmp" | cut -d' ' -f1 > "$BIG.sha256"
        mv "$BIG.tmp" "$BIG"
    fi
    BIG_SHA="$(cat "$BIG.sha256")"
}

# A folder of N files of DOCS_FILE_BYTES random bytes, named as the API uploads name them.
make_listing() {   # make_listing DIR N
    local d="$1" n="$2" i
    mkdir -p "$d"
    for i in $(seq 1 "$n"); do
        head -c "$DOCS_FILE_BYTES" /dev/urandom > "$d/$(printf 'Pièce %04d - conclusions.pdf' "$i")"
    done
}

# hwm_reset PID / hwm_kb PID: the peak resident size since the reset (Linux clear_refs 5).
hwm_reset() { echo 5 > "/proc/$1/clear_refs" 2>/dev/null || log "WARNING: cannot reset VmHWM of $1"; }
hwm_kb() { rss_of "$1" | cut -d' ' -f2; }
mb_s() { awk -v b="$1" -v t="$2" 'BEGIN {if (t > 0) printf "%.0f", b/1e6/t; else print "nan"}'; }

# big_transfers SERVER UPLOAD_FN DOWNLOAD_URL_FN: BIG_RUNS uploads then downloads, each
# timed by curl; records big_up_mb_s, big_up_hwm_mib (max of runs), big_first_down_mb_s,
# big_down_mb_s and big_cold_down_mb_s.
big_transfers() {
    local s="$1" up="$2" down="$3" i t code hwm rss ups="" downs="" hwms="" rsss="" rs="" got
    local bytes=$((BIG_MIB * 1048576))
    for i in $(seq 1 "$BIG_RUNS"); do
        sync; wait_quiet || true
        rss="$(rss_of "$SERVER_PID" | cut -d' ' -f1)"
        hwm_reset "$SERVER_PID"
        # In this shell (not a subshell): the upload function records the document id.
        "$up" "$i" > "$LOGS/$s.big.up"
        read -r code t < "$LOGS/$s.big.up"
        # 201 (huisclos, copyparty) or miniserve's 303 back to the listing.
        [[ "$code" == 20[01] || "$code" == 303 ]] || die "$s: big upload $i answered $code"
        hwm="$(hwm_kb "$SERVER_PID")"
        log "$s: upload $i of $BIG_MIB MiB: $(mb_s "$bytes" "$t") MB/s (${t}s), VmRSS before $(kb_to_mib "$rss") MiB, VmHWM during $(kb_to_mib "$hwm") MiB"
        ups+="$(mb_s "$bytes" "$t")"$'\n'; hwms+="$hwm"$'\n'; rs+="${rs:+, }$(mb_s "$bytes" "$t")"
        rsss+="$rss"$'\n'
    done
    metric_set "$s" big_up_mb_s "$(printf '%s' "$ups" | median | awk '{printf "%.0f", $1}')"
    metric_set "$s" big_up_runs "$rs"
    metric_set "$s" big_up_hwm_mib "$(kb_to_mib "$(printf '%s' "$hwms" | sort -n | tail -n1)")"
    metric_set "$s" big_up_rss_before_mib "$(kb_to_mib "$(printf '%s' "$rsss" | sort -n | tail -n1)")"
    # First read of each uploaded file, right after the uploads: whatever the server left in
    # the page cache (huisclos writes big files past it, O_DIRECT; the peers through it).
    big_reads "$s" "$down" big_first_down "first download of upload"
    # Then again: each file now read once, from the page cache for every server.
    big_reads "$s" "$down" big_down download
    # Cold: every server reads from the disk.
    big_reads "$s" "$down" big_cold_down "cold download" cold
    # The bytes themselves, once (outside the timed runs).
    got="$(curl -s "${BIG_AUTH[@]}" "$("$down" 1)" | sha256sum | cut -d' ' -f1)"
    metric_set "$s" big_sha_ok "$([[ "$got" == "$BIG_SHA" ]] && echo yes || echo "**no**")"
}

# timed_get SERVER WHAT URL [CURL_ARGS...]: one download of the big file to /dev/null, which
# must arrive whole; prints curl's total time (s).
timed_get() {
    local s="$1" what="$2" url="$3" code t got
    shift 3
    read -r code t got < <(curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' "$@" "$url")
    [[ "$code" == 200 && "$got" == "$((BIG_MIB * 1048576))" ]] || die "$s: $what answered $code with $got bytes"
    echo "$t"
}

# big_reads SERVER DOWNLOAD_URL_FN METRIC LABEL [cold]: reads each of the BIG_RUNS files once;
# records METRIC_mb_s (median) and METRIC_runs. With "cold", the page cache is dropped
# before each read (needs root; otherwise recorded as not measured).
big_reads() {
    local s="$1" down="$2" m="$3" label="$4" cold="${5:-}" i t rs="" downs="" bytes=$((BIG_MIB * 1048576))
    for i in $(seq 1 "$BIG_RUNS"); do
        if [[ -n "$cold" ]]; then
            sync
            if ! { echo 1 > /proc/sys/vm/drop_caches; } 2>/dev/null; then
                rs="not measured (drop_caches needs root)"; downs=""; break
            fi
        fi
        wait_quiet || true
        t="$(timed_get "$s" "$label $i" "$("$down" "$i")" "${BIG_AUTH[@]}")" || exit 1
        log "$s: $label $i: $(mb_s "$bytes" "$t") MB/s (${t}s)"
        downs+="$(mb_s "$bytes" "$t")"$'\n'; rs+="${rs:+, }$(mb_s "$bytes" "$t")"
    done
    metric_set "$s" "${m}_mb_s" "$( [[ -n "$downs" ]] && printf '%s' "$downs" | median | awk '{printf "%.0f", $1}' || echo –)"
    metric_set "$s" "${m}_runs" "$rs"
}

# --- huisclos -----------------------------------------------------------------------------
HC_BIG_SPACE=""; HC_BIG_IDS=()
hc_big_up() {
    local out="$LOGS/huisclos.big.$1.json" r
    r="$(curl -s -o "$out" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $DOCS_TOKEN" \
        -H 'Expect:' -H 'Content-Type: application/octet-stream' -X POST -T "$BIG" \
        "$SERVER_URL/api/v1/spaces/$HC_BIG_SPACE/documents?name=big-$1-$RANDOM.bin")"
    HC_BIG_IDS[$1]="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"]); assert d["sha256"] == sys.argv[2], "sha256 differs"' "$out" "$BIG_SHA" 2>> "$LOGS/huisclos.big.err" || echo x)"
    [[ "${HC_BIG_IDS[$1]}" != x ]] || { cat "$out" >&2; die "upload $1: no id, or the SHA-256 the API reports is not the file's"; }
    echo "$r"
}
hc_big_down() { echo "$SERVER_URL/api/v1/documents/${HC_BIG_IDS[$1]}/content"; }

# hc_box DATA PASSWORD_FILE: sign in (bearer and form cookie), then the three spaces.
hc_box() {
    local data="$1" pw="$2" r
    DOCS_TOKEN="$(dc token --email "$DOCS_EMAIL" --password-file "$pw")"
    DOCS_COOKIE="$(dc cookie --email "$DOCS_EMAIL" --password-file "$pw")"
    SPACE_A="$(dc space --token="$DOCS_TOKEN" --title "Bench folder $DOCS_FOLDER_N")"
    r="$(dc populate --token="$DOCS_TOKEN" --space "$SPACE_A" --count "$DOCS_FOLDER_N" --size "$DOCS_FILE_BYTES")"
    log "huisclos: space A, $DOCS_FOLDER_N documents uploaded: $r"
    SPACE_B="$(dc space --token="$DOCS_TOKEN" --title "Bench folder $DOCS_SMALL_N")"
    r="$(dc populate --token="$DOCS_TOKEN" --space "$SPACE_B" --count "$DOCS_SMALL_N" --size "$DOCS_FILE_BYTES")"
    log "huisclos: space B, $DOCS_SMALL_N documents uploaded: $r"
    HC_BIG_SPACE="$(dc space --token="$DOCS_TOKEN" --title "Bench big files")"
}

# hc_measure PREFIX: folder pages A and B (wrk, cookie), 1 MiB uploads into B.
hc_measure() {
    local p="$1" r
    for pair in "A:$SPACE_A:$DOCS_FOLDER_N" "B:$SPACE_B:$DOCS_SMALL_N"; do
        IFS=: read -r _ sid n <<< "$pair"
        r="$(dc page --cookie "$DOCS_COOKIE" --path "/spaces/$sid")"
        log "huisclos: /spaces/{id} with $n documents: $r"
        [[ "$r" == *'"status": 200'* ]] || die "the space page does not answer 200: $r"
        metric_set huisclos "${p}folder${n}_page" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("%s bytes, %s documents listed" % (d["bytes"], d["document_links"]))' "$r")"
        WRK_HDR=(-H "Cookie: $DOCS_COOKIE")
        wrk_measure huisclos "${p}folder${n}" "$SERVER_URL/spaces/$sid"
        WRK_HDR=()
    done
    # The dashboard of the same account (every space it is a member of), once: informative.
    r="$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}' -H "Cookie: $DOCS_COOKIE" "$SERVER_URL/")"
    read -r code secs bytes <<< "$r"
    metric_set huisclos "${p}dashboard" "HTTP $code, $secs s, $bytes bytes"
    hc_lists "$p"
    wait_quiet || true
    r="$(dc uploads --token="$DOCS_TOKEN" --space "$SPACE_B" --count "$UP1M_COUNT" --size 1048576 --prefix "Un Mio")"
    log "huisclos: $UP1M_COUNT uploads of 1 MiB: $r"
    metric_set huisclos "${p}up1m_ms" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["median_ms"])' "$r")"
    metric_set huisclos "${p}up1m" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("median %s ms (%s MB/s), p90 %s ms, max %s ms" % (d["median_ms"], d["median_mb_s"], d["p90_ms"], d["max_ms"]))' "$r")"
}

# hc_lists PREFIX: what grows with the number of spaces, under 10 connections (issue 18):
# the dashboard (cookie), the first page of GET /api/v1/spaces and a search (bearer). The
# search word is in every generated space's file names ("Scale", "Document") and in the
# measured spaces' titles ("Bench"), so it finds a full page of results at either scale.
hc_lists() {
    local p="$1" saved="$WRK_CONNS" n
    n="$(curl -s -H "Authorization: Bearer $DOCS_TOKEN" "$SERVER_URL/api/v1/spaces?limit=500" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["spaces"]), "on the first page,", "more" if d.get("next") else "no more")')"
    metric_set huisclos "${p}spaces_api_page" "$n"
    WRK_CONNS=10
    WRK_HDR=(-H "Cookie: $DOCS_COOKIE")
    wrk_measure huisclos "${p}lists_dashboard" "$SERVER_URL/"
    WRK_HDR=(-H "Authorization: Bearer $DOCS_TOKEN")
    wrk_measure huisclos "${p}lists_spaces_api" "$SERVER_URL/api/v1/spaces"
    wrk_measure huisclos "${p}lists_search" "$SERVER_URL/api/v1/search?q=bench"
    WRK_HDR=()
    WRK_CONNS="$saved"
}

bench_docs() {
    local s data pw
    for s in $SERVERS; do need_server "$s"; done
    need_big
    # The peers' folders: the same names and sizes as the documents uploaded to huisclos.
    new_tmp
    local www="$TMP_DIR/www"
    make_listing "$www/folder$DOCS_FOLDER_N" "$DOCS_FOLDER_N"
    make_listing "$www/folder$DOCS_SMALL_N" "$DOCS_SMALL_N"
    mkdir -p "$www/static/css"
    cp "$ASSET" "$www/static/css/app.css"
    for s in $SERVERS; do
        case "$s" in
        huisclos)
            new_tmp
            data="$TMP_DIR/data"; pw="$TMP_DIR/password"; HC_DATA="$data"
            ( umask 077; printf 'bench-%s-docs-pass\n' "$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" > "$pw" )
            "$HUISCLOS" setup --data "$data" --firm Bench --admin-email "$DOCS_EMAIL" < "$pw" \
                > "$LOGS/docs.setup.log" 2>&1 || { cat "$LOGS/docs.setup.log" >&2; die "huisclos setup failed"; }
            start_server huisclos "$data"
            hc_box "$data" "$pw"
            hc_measure ""
            # The big files on a fresh process: its peak RSS is the upload's, not what
            # fifty page renders in parallel left in the allocator.
            stop_server
            start_server huisclos "$data"
            BIG_AUTH=(-H "Authorization: Bearer $DOCS_TOKEN")
            big_transfers huisclos hc_big_up hc_big_down
            metric_set huisclos docs_bin "$(bin_id)"
            stop_server
            tail -n 200 "$LOGS/huisclos.server.log" > "$LOGS/huisclos.docs.server.log" ;;
        miniserve|copyparty)
            local saved="$WWW"
            WWW="$www"; PEER_UPLOAD=1
            new_tmp
            start_server "$s" "$TMP_DIR"
            for n in "$DOCS_FOLDER_N" "$DOCS_SMALL_N"; do
                metric_set "$s" "folder${n}_page" "$(curl -s "$SERVER_URL/folder$n/" | wc -c) bytes"
                wrk_measure "$s" "folder$n" "$SERVER_URL/folder$n/"
            done
            stop_server
            start_server "$s" "$TMP_DIR"
            BIG_AUTH=()
            big_transfers "$s" "peer_big_up_$s" peer_big_down
            stop_server
            rm -f "$www"/big-*.bin
            WWW="$saved"; PEER_UPLOAD=0 ;;
        esac
        metric_set "$s" docs_at "$(now)"
        metric_set "$s" docs_noisy "$NOISY"
    done
    docs_duel
}

# docs_duel: the warm download again, with every server running at once and read in turn,
# DUEL_ROUNDS times (the first server of a round moves on by one each round). The sections
# above measure each server minutes apart, and this machine's speed drifts by 20 % or more
# over minutes; taken in turn, the drift falls on all of them alike. huisclos serves the
# first file uploaded in its section; the peers serve a hard link to the same file.
DUEL_ROUNDS="${DUEL_ROUNDS:-7}"
HC_DATA=""
docs_duel() {
    local names=() urls=() pids=() i r k s t saved="$WWW" bytes=$((BIG_MIB * 1048576))
    [[ -n "$HC_DATA" && -n "${HC_BIG_IDS[1]:-}" ]] || { log "duel: no huisclos section ran; skipped"; return 0; }
    new_tmp
    local dw="$TMP_DIR/www"
    # The asset too: the peers are ready when they serve it.
    mkdir -p "$dw/static/css"
    cp "$ASSET" "$dw/static/css/app.css"
    ln "$BIG" "$dw/big-1.bin" 2>/dev/null || cp "$BIG" "$dw/big-1.bin"
    for s in $SERVERS; do
        case "$s" in
        huisclos) start_server huisclos "$HC_DATA"; urls+=("$(hc_big_down 1)") ;;
        *) WWW="$dw"; PEER_UPLOAD=0; new_tmp; start_server "$s" "$TMP_DIR"; urls+=("$(peer_big_down 1)") ;;
        esac
        names+=("$s"); pids+=("$SERVER_PID")
    done
    WWW="$saved"
    declare -A runs=()
    # One read each first, so that every server reads from the page cache.
    for r in 0 $(seq 1 "$DUEL_ROUNDS"); do
        for k in "${!names[@]}"; do
            i=$(( (k + r) % ${#names[@]} )); s="${names[$i]}"
            local auth=()
            [[ "$s" == huisclos ]] && auth=(-H "Authorization: Bearer $DOCS_TOKEN")
            wait_quiet || true
            t="$(timed_get "$s" "duel round $r" "${urls[$i]}" "${auth[@]}")" || exit 1
            (( r == 0 )) && continue
            log "duel round $r: $s $(mb_s "$bytes" "$t") MB/s"
            runs[$s]+="${runs[$s]:+, }$(mb_s "$bytes" "$t")"
        done
    done
    for i in "${!names[@]}"; do
        s="${names[$i]}"
        metric_set "$s" duel_down_runs "${runs[$s]}"
        metric_set "$s" duel_down_mb_s "$(tr ',' '\n' <<< "${runs[$s]}" | tr -d ' ' | median | awk '{printf "%.0f", $1}')"
        stop_pid "${pids[$i]}"
    done
}
peer_big_up_miniserve() {
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Expect:' \
        -F "path=@$BIG;filename=big-$1.bin" "$SERVER_URL/upload?path=/"
}
peer_big_up_copyparty() {
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Expect:' -T "$BIG" "$SERVER_URL/big-$1.bin"
}
peer_big_down() { echo "$SERVER_URL/big-$1.bin"; }

# --- scale ---------------------------------------------------------------------------------
# The generator: a release example of this repo (uses the library crate directly).
need_gen() {
    # GEN_BIN: a generator built earlier (the scale data is usually complete already).
    if [[ -n "${GEN_BIN:-}" ]]; then
        [[ -x "$GEN_BIN" ]] || die "GEN_BIN=$GEN_BIN is not an executable"
        GEN="$GEN_BIN"
        return 0
    fi
    GEN="$ROOT/target/x86_64-unknown-linux-gnu/release/examples/bench_gen"
    log "building the generator: nice -n 10 cargo build --release --example bench_gen"
    (cd "$ROOT" && nice -n 10 cargo build --release --example bench_gen) >&2
    [[ -x "$GEN" ]] || die "no generator at $GEN"
}

bench_scale() {
    need_huisclos
    need_gen
    local data="$SCALE_DIR/data" pw="$SCALE_DIR/password" t0 t1 out r parent
    mkdir -p "$SCALE_DIR"
    if [[ ! -f "$data/huisclos.redb" ]]; then
        ( umask 077; printf 'bench-%s-scale-pass\n' "$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" > "$pw" )
        "$HUISCLOS" setup --data "$data" --firm Bench --admin-email "$DOCS_EMAIL" < "$pw" \
            > "$LOGS/scale.setup.log" 2>&1 || { cat "$LOGS/scale.setup.log" >&2; die "huisclos setup failed"; }
        echo 0 > "$SCALE_DIR/gen-secs"
    fi
    # Generate (or resume); the time of every run adds up in gen-secs.
    log "scale: generating up to $SCALE_SPACES spaces x $SCALE_DOCS documents in $data"
    t0="$(now_s)"
    out="$(nice -n 5 "$GEN" --data "$data" --email "$DOCS_EMAIL" --spaces "$SCALE_SPACES" \
        --docs "$SCALE_DOCS" --threads "$GEN_THREADS" 2> >(tee "$LOGS/scale.gen.log" >&2))" || die "the generator failed"
    t1="$(now_s)"
    awk -v a="$t0" -v b="$t1" -v c="$(cat "$SCALE_DIR/gen-secs" 2>/dev/null || echo 0)" \
        'BEGIN {printf "%.0f\n", c + b - a}' > "$SCALE_DIR/gen-secs.tmp" && mv "$SCALE_DIR/gen-secs.tmp" "$SCALE_DIR/gen-secs"
    log "scale: generator said $out"
    metric_set huisclos scale_gen "$out"
    metric_set huisclos scale_docs "$SCALE_DOCS"
    metric_set huisclos scale_gen_secs "$(cat "$SCALE_DIR/gen-secs")"
    metric_set huisclos scale_files "$(find "$data/blobs" -type f | wc -l)"
    metric_set huisclos scale_disk "db $(du -sh "$data/huisclos.redb" | cut -f1), blobs $(du -sh "$data/blobs" | cut -f1)"
    # Start-up on that data: the first start may migrate / fill the blob index (told apart).
    wait_quiet || true
    sync
    r="$(SCALE_STARTS=1 scale_startups "$data")"
    metric_set huisclos scale_startup_first_ms "$r"
    r="$(scale_startups "$data")"
    metric_set huisclos scale_startup_median_ms "$(median <<< "$r")"
    metric_set huisclos scale_startup_all "$(tr '\n' ' ' <<< "$r")"
    log "scale: start-ups [$(tr '\n' ' ' <<< "$r")] ms"
    start_server huisclos "$data"
    sleep 2
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos scale_rss_idle_mib "$(kb_to_mib "${r[0]}")"
    metric_set huisclos scale_hwm_idle_mib "$(kb_to_mib "${r[1]}")"
    grep -m1 'sweep:' "$LOGS/huisclos.server.log" | sed 's/^.*sweep: /sweep: /' > "$LOGS/scale.sweep.txt" || true
    metric_set huisclos scale_sweep "$(cat "$LOGS/scale.sweep.txt")"
    hc_box "$data" "$pw"
    hc_measure scale_
    read -r -a r < <(rss_of "$SERVER_PID")
    metric_set huisclos scale_rss_load_mib "$(kb_to_mib "${r[0]}")"
    metric_set huisclos scale_hwm_load_mib "$(kb_to_mib "${r[1]}")"
    metric_set huisclos scale_bin "$(bin_id)"
    metric_set huisclos scale_at "$(now)"
    metric_set huisclos scale_noisy "$NOISY"
    stop_server
    tail -n 200 "$LOGS/huisclos.server.log" > "$LOGS/huisclos.scale.server.log"
}

# scale_startups DATA: SCALE_STARTS timed starts (spawn -> /healthz 200) on the scale data.
scale_startups() {
    local parent
    parent="$(dirname "$1")"
    [[ "$(basename "$1")" == data ]] || die "scale data must be a folder named data"
    # startup_probe's "existing" mode uses PARENT/existing: point it at the data folder.
    ln -sfn data "$parent/existing"
    STARTUP_RUNS="$SCALE_STARTS" startup_probe huisclos existing "$parent"
}
