# RESULTS.md sections of the documents benches (steps `docs` and `scale`), sourced by
# bench/run.sh and called from write_results: docs_results (section) and docs_targets (rows
# of the Targets table). bench/notes/documents.md (hand-written analysis) is pasted after.

# ratio A B: A / B with 2 decimals, or – when either is not a number.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a/b; else print "–"}'; }

docs_results() {
    local s m n=$DOCS_FOLDER_N k=$DOCS_SMALL_N
    local all_servers="huisclos miniserve copyparty"
    drow() {   # drow LABEL METRIC
        local line="| $1 |" s
        for s in $all_servers; do line+=" $(metric_get "$s" "$2") |"; done
        printf '%s\n' "$line"
    }
    echo "## Documents: folder page, uploads and downloads"
    echo
    echo "Measured: huisclos $(metric_get huisclos docs_at), miniserve $(metric_get miniserve docs_at), copyparty $(metric_get copyparty docs_at); huisclos $(metric_get huisclos docs_bin)."
    echo "A box made by \`huisclos setup\`, then, through the API (bearer token): a space whose"
    echo "first folder holds $n files of $DOCS_FILE_BYTES random bytes (\`Pièce 0001 - conclusions.pdf\`…),"
    echo "one with $k, one for the big files. The folder page is \`GET /spaces/{id}\` signed in"
    echo "(the session cookie of the login form), the page a Gestionnaire opens: folders and"
    echo "documents, members, invitations, conversation. The peers list a folder of as many files,"
    echo "same names and sizes (\`GET /folder$n/\`). miniserve runs with \`--upload-files"
    echo "--temp-directory DATA\`, copyparty with a read-write volume; huisclos with its defaults"
    echo "(each upload encrypted, fsynced, then recorded and journaled)."
    echo
    echo "The big file is $BIG_MIB MiB from /dev/urandom, sent $BIG_RUNS times by curl (\`-T FILE\`,"
    echo "streamed, no \`Expect\`): huisclos \`POST /api/v1/spaces/{id}/documents?name=…\` (raw body),"
    echo "miniserve \`POST /upload?path=/\` (multipart), copyparty \`PUT /name\`; MB/s = bytes /"
    echo "curl's total time (until the answer: after the server's fsync). The server's VmHWM is"
    echo "reset (\`/proc/PID/clear_refs\`) before each upload and read after it. Then each uploaded"
    echo "file is downloaded three times (\`curl -o /dev/null\`; huisclos \`GET /api/v1/documents/{id}/content\`):"
    echo "first right after the uploads (from the page cache where the server wrote through it, as"
    echo "the peers do; from the disk for huisclos, which writes big files past the cache), then"
    echo "again (from the page cache for every server), then cold (\`sync\` and the page cache"
    echo "dropped, \`/proc/sys/vm/drop_caches\`, before each read: from the disk for every server), and"
    echo "once the bytes are compared by SHA-256 with the file (huisclos: also the SHA-256 its"
    echo "API reports). Last, the three servers run at once and the same file is downloaded from"
    echo "each in turn, $DUEL_ROUNDS rounds after one unmeasured read each (the first server of a round"
    echo "moves on by one each round): the sections above run minutes apart, and this machine's"
    echo "speed drifts over minutes. curl on loopback moves several GB/s, so the client is not the limit."
    echo
    echo "| Measure | huisclos | miniserve | copyparty |"
    echo "|---|---|---|---|"
    drow "Folder page, $n files: response" "folder${n}_page"
    drow "Folder page, $n files: req/s (wrk -c50, median of runs)" "folder${n}_rps"
    drow "Folder page, $n files: p99 (ms)" "folder${n}_p99_ms"
    drow "Folder page, $n files: runs (req/s / p99 ms)" "folder${n}_runs"
    drow "Folder page, $k files: response" "folder${k}_page"
    drow "Folder page, $k files: req/s" "folder${k}_rps"
    drow "Folder page, $k files: p99 (ms)" "folder${k}_p99_ms"
    drow "Upload $BIG_MIB MiB: MB/s (median of $BIG_RUNS)" big_up_mb_s
    drow "Upload $BIG_MIB MiB: runs (MB/s)" big_up_runs
    drow "Upload $BIG_MIB MiB: server VmRSS before (MiB, fresh start)" big_up_rss_before_mib
    drow "Upload $BIG_MIB MiB: server VmHWM during the upload (MiB, max of runs)" big_up_hwm_mib
    drow "Download $BIG_MIB MiB, first read after the uploads: MB/s (median of $BIG_RUNS)" big_first_down_mb_s
    drow "Download $BIG_MIB MiB, first read after the uploads: runs (MB/s)" big_first_down_runs
    drow "Download $BIG_MIB MiB, second read (file in the page cache): MB/s (median of $BIG_RUNS)" big_down_mb_s
    drow "Download $BIG_MIB MiB, second read: runs (MB/s)" big_down_runs
    drow "Download $BIG_MIB MiB, cold (page cache dropped): MB/s (median of $BIG_RUNS)" big_cold_down_mb_s
    drow "Download $BIG_MIB MiB, cold: runs (MB/s)" big_cold_down_runs
    drow "Download $BIG_MIB MiB, the servers running at once and read in turn (page cache): MB/s (median of $DUEL_ROUNDS)" duel_down_mb_s
    drow "Download $BIG_MIB MiB, read in turn: runs (MB/s)" duel_down_runs
    drow "Downloaded bytes = file (SHA-256)" big_sha_ok
    drow "1 MiB uploads (\`docs_client.py uploads\`, $UP1M_COUNT in a row)" up1m
    for m in "folder${n}_non2xx" "folder${k}_non2xx" "folder${n}_disturbed" "folder${k}_disturbed"; do
        if grep -qP "\t$m\t(?!no$|-$)" "$METRICS"; then drow "$m" "$m"; fi
    done
    echo
    local spaces_total
    spaces_total="$(metric_get huisclos scale_gen | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["spaces_total"])
except Exception: print("?")')"
    echo "## Scale: $spaces_total spaces of $(metric_get huisclos scale_docs) documents each (target: 10,000 of 100)"
    echo
    echo "Measured $(metric_get huisclos scale_at), huisclos $(metric_get huisclos scale_bin)."
    echo "\`bench/gen\` (a release example using the library's store and domain API) filled a"
    echo "data folder made by \`huisclos setup\`: each space made by \`domain::spaces::create\`"
    echo "(template folders, key in the vault, journal), one pending invitation, $(metric_get huisclos scale_docs) documents"
    echo "of 1 to 8 KiB spread over the folders, a tenth with a second version, every file"
    echo "encrypted and fsynced into the blob folder, every version journaled. Then the server"
    echo "starts on it and the same steps as \`docs\` run (spaces of $n and $k documents created"
    echo "through the API at that scale), compared with the box of \`docs\`."
    echo
    echo "| Measure | box of \`docs\` | $spaces_total spaces | ratio |"
    echo "|---|---|---|---|"
    local a b
    for m in "folder${n}_rps:req/s, folder page $n files" "folder${n}_p99_ms:p99 (ms), folder page $n files" \
             "folder${k}_rps:req/s, folder page $k files" "folder${k}_p99_ms:p99 (ms), folder page $k files" \
             "up1m_ms:1 MiB upload, median (ms)"; do
        a="$(metric_get huisclos "${m%%:*}")"; b="$(metric_get huisclos "scale_${m%%:*}")"
        echo "| ${m#*:} | $a | $b | $(ratio "$b" "$a") |"
    done
    echo "| Start-up, existing data: median (ms) | $(metric_get huisclos startup_existing_median_ms) | $(metric_get huisclos scale_startup_median_ms) | $(ratio "$(metric_get huisclos scale_startup_median_ms)" "$(metric_get huisclos startup_existing_median_ms)") |"
    echo "| Idle after start: VmRSS / VmHWM (MiB) | $(metric_get huisclos rss_idle_mib) / $(metric_get huisclos hwm_idle_mib) | $(metric_get huisclos scale_rss_idle_mib) / $(metric_get huisclos scale_hwm_idle_mib) | |"
    echo "| After the folder pages and uploads: VmRSS / VmHWM (MiB) | – | $(metric_get huisclos scale_rss_load_mib) / $(metric_get huisclos scale_hwm_load_mib) | |"
    echo "| Dashboard of the account (member of every space), one \`GET /\` | $(metric_get huisclos dashboard) | $(metric_get huisclos scale_dashboard) | |"
    for m in "lists_dashboard:dashboard \`GET /\`" "lists_spaces_api:\`GET /api/v1/spaces\` (first page)" "lists_search:\`GET /api/v1/search?q=bench\`"; do
        a="$(metric_get huisclos "${m%%:*}_p99_ms")"; b="$(metric_get huisclos "scale_${m%%:*}_p99_ms")"
        echo "| ${m#*:}, 10 connections: p99 (ms) | $a | $b | $(ratio "$b" "$a") |"
        a="$(metric_get huisclos "${m%%:*}_rps")"; b="$(metric_get huisclos "scale_${m%%:*}_rps")"
        echo "| ${m#*:}, 10 connections: req/s | $a | $b | $(ratio "$b" "$a") |"
    done
    echo "| \`GET /api/v1/spaces?limit=500\` | $(metric_get huisclos spaces_api_page) | $(metric_get huisclos scale_spaces_api_page) | |"
    echo
    echo "| Scale data | |"
    echo "|---|---|"
    echo "| Generator | $(metric_get huisclos scale_gen) |"
    echo "| Generation time, all runs added (s) | $(metric_get huisclos scale_gen_secs) |"
    echo "| Files in DATA/blobs | $(metric_get huisclos scale_files) |"
    echo "| Disk | $(metric_get huisclos scale_disk) |"
    echo "| First start on the generated data (ms) | $(metric_get huisclos scale_startup_first_ms) |"
    echo "| Start-ups (ms) | $(metric_get huisclos scale_startup_all) |"
    echo "| Start-up sweep (server log) | $(metric_get huisclos scale_sweep) |"
    [[ "$(metric_get huisclos scale_noisy)" == 1 ]] && echo "| Note | measured on a busy machine (quiet wait timed out) |"
    echo
    if [[ -f "$BENCH_DIR/notes/documents.md" ]]; then cat "$BENCH_DIR/notes/documents.md"; echo; fi
    echo "Commands of \`docs\` and \`scale\` (HUISCLOS = the binary named above; PORT, DATA, WWW as below):"
    echo
    echo '```sh'
    echo "HUISCLOS setup --data DATA --firm Bench --admin-email $DOCS_EMAIL < PASSWORD_FILE"
    echo "python3 bench/docs_client.py --url http://127.0.0.1:PORT token|cookie --email $DOCS_EMAIL --password-file PASSWORD_FILE"
    echo "python3 bench/docs_client.py --url URL space --token T --title 'Bench folder $n'"
    echo "python3 bench/docs_client.py --url URL populate --token T --space ID --count $n --size $DOCS_FILE_BYTES"
    echo "wrk -t2 -c50 -d\${WRK_DURATION}s --latency -H 'Cookie: COOKIE' http://127.0.0.1:PORT/spaces/ID   # peers: /folder$n/"
    echo "python3 bench/docs_client.py --url URL uploads --token T --space ID_$k --count $UP1M_COUNT --size 1048576"
    echo "echo 5 > /proc/PID/clear_refs   # then, VmHWM from /proc/PID/status after the upload"
    echo "curl -s -o OUT -w '%{http_code} %{time_total}' -H 'Authorization: Bearer T' -H 'Expect:' -H 'Content-Type: application/octet-stream' -X POST -T BIG 'http://127.0.0.1:PORT/api/v1/spaces/ID/documents?name=big.bin'"
    echo "curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}' -H 'Authorization: Bearer T' http://127.0.0.1:PORT/api/v1/documents/DOC/content"
    echo "miniserve --interfaces 127.0.0.1 --port PORT WWW --upload-files --temp-directory DATA"
    echo "curl -s -o /dev/null -w '%{http_code} %{time_total}' -H 'Expect:' -F 'path=@BIG;filename=big.bin' 'http://127.0.0.1:PORT/upload?path=/'"
    echo "python3 -m copyparty -i 127.0.0.1 -p PORT -q --http-only --no-crt --no-thumb -nid --hist DATA/hist -v WWW::rw"
    echo "curl -s -o /dev/null -w '%{http_code} %{time_total}' -H 'Expect:' -T BIG http://127.0.0.1:PORT/big.bin"
    echo "cargo build --release --example bench_gen"
    echo "bench_gen --data SCALE/data --email $DOCS_EMAIL --spaces $SCALE_SPACES --docs $SCALE_DOCS --threads $GEN_THREADS"
    echo '```'
    echo
}

docs_targets() {
    local n=$DOCS_FOLDER_N k=$DOCS_SMALL_N h best mr cr
    h="$(metric_get huisclos "folder${n}_rps")"
    mr="$(metric_get miniserve "folder${n}_rps")"; cr="$(metric_get copyparty "folder${n}_rps")"
    best="$(printf '%s\n%s\n' "$mr" "$cr" | grep -E '^[0-9]+$' | sort -n | tail -n1 || true)"
    echo "| Upload of $BIG_MIB MiB: server peak RSS < 64 MB = 61.04 MiB | $(metric_get huisclos big_up_hwm_mib) MiB | $(verdict "$(metric_get huisclos big_up_hwm_mib)" 61.04 lt) |"
    echo "| Folder page, $n documents: req/s ≥ 5 × the faster peer | $h vs 5 × ${best:-–} | $(verdict "$h" "$(awk -v b="${best:-x}" 'BEGIN {if (b ~ /^[0-9]+$/) print 5*b; else print "x"}')" ge) |"
    local m a b
    for m in lists_dashboard lists_spaces_api lists_search; do
        a="$(metric_get huisclos "${m}_p99_ms")"; b="$(metric_get huisclos "scale_${m}_p99_ms")"
        echo "| ${m#lists_} at scale, 10 connections: p99 < 50 ms | $b ms | $(verdict "$b" 50 lt) |"
        echo "| ${m#lists_} at scale: p99 within 2 × the small box's | $b vs 2 × $a ms | $(verdict "$b" "$(awk -v x="$a" 'BEGIN {if (x ~ /^[0-9.]+$/) print 2*x; else print "x"}')" le) |"
    done
    echo "| Folder page, $n documents: p99 < 50 ms | $(metric_get huisclos "folder${n}_p99_ms") ms | $(verdict "$(metric_get huisclos "folder${n}_p99_ms")" 50 lt) |"
    local a b m
    # Upload and download of the big file: MB/s ≥ the faster peer's (medians of the runs).
    # The download is judged on the servers read in turn (the same file, the same minutes);
    # the reads in each server's own section are in the table above, and discussed.
    for m in "big_up_mb_s:Upload of $BIG_MIB MiB" "duel_down_mb_s:Download of $BIG_MIB MiB (the servers read in turn, page cache)"; do
        h="$(metric_get huisclos "${m%%:*}")"
        best="$(printf '%s\n%s\n' "$(metric_get miniserve "${m%%:*}")" "$(metric_get copyparty "${m%%:*}")" | grep -E '^[0-9]+$' | sort -n | tail -n1 || true)"
        echo "| ${m#*:}: MB/s ≥ the faster peer | $h vs ${best:-–} | $(verdict "$h" "${best:-x}" ge) |"
    done
    for m in "folder${n}_p99_ms:folder page $n, p99" "folder${k}_p99_ms:folder page $k, p99" "up1m_ms:1 MiB upload, median"; do
        a="$(metric_get huisclos "${m%%:*}")"; b="$(metric_get huisclos "scale_${m%%:*}")"
        echo "| Scale: ${m#*:} ≤ 2 × the box of \`docs\` | $b vs $a ms | $(verdict "$b" "$(awk -v a="$a" 'BEGIN {if (a ~ /^[0-9.]+$/) print 2*a; else print "x"}')" le) |"
    done
    for m in "folder${n}_rps:folder page $n" "folder${k}_rps:folder page $k"; do
        a="$(metric_get huisclos "${m%%:*}")"; b="$(metric_get huisclos "scale_${m%%:*}")"
        echo "| Scale: ${m#*:}, req/s ≥ half of the box of \`docs\` | $b vs $a | $(verdict "$b" "$(awk -v a="$a" 'BEGIN {if (a ~ /^[0-9.]+$/) print a/2; else print "x"}')" ge) |"
    done
}
