#!/usr/bin/env bash
# Load benchmark (issue #7; README "Performance").
#
# Builds release, seeds 1,000 clients × 3 years into a fresh database, starts the server on a
# free loopback port, signs in with curl, and drives each page with wrk at 64 connections for
# BENCH_SECONDS (default 10) after a short warm-up: /healthz, the dashboard, the timeline of a
# client with ~12 tests, its latest test page, a summary PDF (when the route exists) and the
# portal's diary POST (64 portal accounts, one per connection). Prints one table for both
# engines: requests/s, p50, p99, errors (answers >= 400 plus socket errors), throughput relative
# to /healthz in the same run, and the server's peak RSS (VmHWM, reset after the first sign-in;
# read after the page runs, then after the 64 portal sign-ins and the diary POSTs).
#
# Environment: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_CONNECTIONS (64), BENCH_CLIENTS
# (1000), BENCH_YEARS (3), BENCH_ENGINES ("sqlite postgres"), BENCH_PG_URL
# (postgres://postgres@127.0.0.1:5432; a database htma_bench_<timestamp> is created there and
# dropped after), BENCH_SKIP_BUILD=1 (reuse target/release), BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export BENCH_DIR

SECONDS_PER_PAGE=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
CLIENTS=${BENCH_CLIENTS:-1000}
YEARS=${BENCH_YEARS:-3}
ENGINES=${BENCH_ENGINES:-sqlite postgres}
THREADS=2 # one per core; the server has the same two cores

TMP=$(mktemp -d /tmp/htma-bench.XXXXXX)
PG_DB=""
SERVER_PID=""
cleanup() {
    stop_server
    if [[ -n "$PG_DB" ]]; then
        psql -qAtX "$PG_ADMIN_URL/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
    fi
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

ensure_tool wrk wrk
ensure_tool curl curl
ensure_tool sqlite3 sqlite3
build_release

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews the figures
ROWS=() # engine|page|rps|p50|p99|errors|ratio
NOTES=()
RSS=()
RSS_SIGNIN=()
RSS_SETTLED=()

# run_wrk NAME OUTFILE WRK-ARGS…: the RESULT line of a measured run.
run_wrk() {
    local out=$1
    shift
    timeout $((SECONDS_PER_PAGE + WARMUP + 60)) wrk "$@" >"$out" 2>&1 || true
    grep '^RESULT' "$out" || { cat "$out" >&2; echo "RESULT requests=0 duration_us=1 p50_us=0 p99_us=0 status_errors=0 socket_errors=-1"; }
}

field() { # key < RESULT line
    sed -n "s/.* $1=\\([-0-9]*\\).*/\\1/p"
}

HEALTH_RPS=1
record() { # engine page result-line
    local engine=$1 page=$2 line=$3 requests duration p50 p99 errors rps ratio
    requests=$(field requests <<<"$line")
    duration=$(field duration_us <<<"$line")
    p50=$(field p50_us <<<"$line")
    p99=$(field p99_us <<<"$line")
    errors=$(($(field status_errors <<<"$line") + $(field socket_errors <<<"$line")))
    rps=$(awk -v r="$requests" -v d="$duration" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    if [[ "$page" == "/healthz" ]]; then HEALTH_RPS=$rps; fi
    ratio=$(awk -v r="$rps" -v h="$HEALTH_RPS" 'BEGIN { printf "%.0f%%", 100 * r / (h > 0 ? h : 1) }')
    ROWS+=("$engine|$page|$rps|$(awk -v u="$p50" 'BEGIN { printf "%.2f", u / 1000 }')|$(awk -v u="$p99" 'BEGIN { printf "%.2f", u / 1000 }')|$errors|$ratio")
    log "  $page: $rps req/s, p50 $((p50 / 1000)) ms, p99 $((p99 / 1000)) ms, errors $errors"
}

# PostgreSQL: the tables the warm-up wrote to are analysed, as autovacuum does within its
# minute (autovacuum_naptime) on a database in use. A freshly seeded database's audit table holds
# one event at its last analysis, so until then each connection's prepared plan for a client's
# recent access is a scan of that table (the index costs more at one row), and every view the
# run records makes the next one slower: measured, 1,160 timeline views/s against 2,260 once
# analysed. The page runs measure a database in use, not its first minute.
settle_statistics() { # engine
    [[ "$1" == postgres ]] || return 0
    psql -qAtX "$PG_ADMIN_URL/$PG_DB" -c "ANALYZE" >/dev/null || die "ANALYZE failed on $PG_DB"
}

bench_get() { # engine label path cookie
    local engine=$1 label=$2 path=$3 cookie=$4 line
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "Cookie: $cookie" "$BASE$path" >/dev/null 2>&1 || true
    settle_statistics "$engine"
    line=$(run_wrk "$TMP/wrk-$engine-${label//\//_}.txt" -t"$THREADS" -c"$CONNECTIONS" \
        -d"${SECONDS_PER_PAGE}s" --timeout 5s -s "$BENCH_DIR/report.lua" \
        -H "Cookie: $cookie" "$BASE$path")
    record "$engine" "$label" "$line"
}

# Diary POST: one portal account per connection (see diary_post.lua). The accounts sign in
# before any measurement (see the RSS note in bench_engine).
prepare_diary() { # engine
    local engine=$1 i jar page cookie token revision date
    DIARY_CREDS="$TMP/diary-creds-$engine.txt"
    : >"$DIARY_CREDS"
    for i in $(seq 1 "$CONNECTIONS"); do
        jar="$TMP/jar-$engine-client-$i"
        sign_in "$BASE" "$(printf 'client-%05d@example.com' "$i")" "$DEMO_PASSWORD" "$jar"
        page=$(curl -sS --max-time 10 -b "$jar" "$BASE/portal")
        cookie=$(session_cookie "$jar")
        token=$(form_value csrf_token <<<"$page")
        revision=$(form_value revision <<<"$page")
        date=$(form_value date <<<"$page")
        [[ -n "$cookie" && -n "$token" && -n "$revision" && -n "$date" ]] ||
            die "cannot read the diary form of portal account $i"
        echo "$cookie $token $revision $date" >>"$DIARY_CREDS"
    done
}

bench_diary() { # engine
    local engine=$1 line
    line=$(run_wrk "$TMP/wrk-$engine-diary.txt" -t"$CONNECTIONS" -c"$CONNECTIONS" \
        -d"${SECONDS_PER_PAGE}s" --timeout 5s -s "$BENCH_DIR/diary_post.lua" "$BASE/portal/diary" \
        -- "$DIARY_CREDS")
    record "$engine" "POST /portal/diary" "$line"
}

# A summary of the whole period for the client; prints its PDF path (empty when it fails).
prepare_pdf() { # jar client
    local jar=$1 client=$2 token location
    token=$(curl -sS --max-time 10 -b "$jar" "$BASE/clients/$client/summaries/new" | form_value csrf_token)
    location=$(curl -sS --max-time 60 -o /dev/null -w '%{redirect_url}' -b "$jar" \
        --data-urlencode "csrf_token=$token" \
        --data-urlencode "period_start=$(date -d "$YEARS years ago" +%F)" \
        --data-urlencode "period_end=$(date +%F)" --data-urlencode "comment=Benchmark summary" \
        "$BASE/clients/$client/summaries")
    [[ -n "$location" ]] && echo "${location#"$BASE"}/pdf"
}

bench_engine() { # engine
    local engine=$1 url port jar cookie client test
    case "$engine" in
        sqlite) url="$TMP/bench.sqlite3" ;;
        postgres)
            PG_DB="htma_bench_$(date +%s)"
            psql -qAtX "$PG_ADMIN_URL/postgres" -c "CREATE DATABASE $PG_DB" >/dev/null ||
                die "cannot create $PG_DB on $PG_ADMIN_URL"
            url="$PG_ADMIN_URL/$PG_DB"
            ;;
        *) die "unknown engine $engine" ;;
    esac
    log "== $engine: seeding $CLIENTS clients × $YEARS years"
    "$BIN" --database-url "$url" seed-demo --clients "$CLIENTS" --years "$YEARS" | sed 's/^/  /' >&2
    port=$(free_port)
    BASE="http://127.0.0.1:$port"
    start_server "$url" "$port" "$TMP/server-$engine.log"
    jar="$TMP/jar-$engine"
    sign_in "$BASE" "$DEMO_EMAIL" "$DEMO_PASSWORD" "$jar"
    cookie=$(session_cookie "$jar")
    # The client whose number of live tests is nearest 12 (and the most diary), and its latest test.
    client=$(sql "$url" "SELECT t.client_id FROM hair_tests t WHERE t.deleted_at IS NULL
        GROUP BY t.client_id ORDER BY ABS(COUNT(*) - 12),
        (SELECT COUNT(*) FROM diary_entries d WHERE d.client_id = t.client_id) DESC, t.client_id LIMIT 1")
    test=$(sql "$url" "SELECT id FROM hair_tests WHERE client_id = $client AND deleted_at IS NULL
        ORDER BY sample_date DESC LIMIT 1")
    log "  timeline client $client: $(sql "$url" "SELECT COUNT(*) FROM hair_tests WHERE client_id = $client") tests, $(sql "$url" "SELECT COUNT(*) FROM diary_entries WHERE client_id = $client") diary entries"

    local pdf_path=""
    if grep -q 'get "/clients/{client_id}/summaries/{summary_id}/pdf"' "$REPO_DIR/src/app.rs"; then
        pdf_path=$(prepare_pdf "$jar" "$client" || true)
        [[ -n "$pdf_path" ]] || NOTES+=("PDF summary skipped on $engine: creating a summary failed")
    else
        NOTES+=("PDF summary skipped on $engine: no PDF route in src/app.rs yet")
    fi
    # A sign-in hashes the password with argon2 (19 MiB); that is not the load being measured, so
    # the high-water mark starts after it. The portal accounts of the diary POST sign in after the
    # page runs, and the peak with them is reported on its own line.
    echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || NOTES+=("could not reset VmHWM on $engine")
    bench_get "$engine" "/healthz" "/healthz" "$cookie"
    bench_get "$engine" "/ (dashboard)" "/" "$cookie"
    bench_get "$engine" "/clients/{id} (timeline)" "/clients/$client" "$cookie"
    bench_get "$engine" "/clients/{id}/tests/{id}" "/clients/$client/tests/$test" "$cookie"
    if [[ -n "$pdf_path" ]]; then bench_get "$engine" "PDF summary" "$pdf_path" "$cookie"; fi
    RSS+=("$engine|$(peak_rss_mb "$SERVER_PID")")
    if grep -q 'post "/portal/diary"' "$REPO_DIR/src/app.rs"; then
        prepare_diary "$engine"
        bench_diary "$engine"
        RSS_SIGNIN+=("$engine|$(peak_rss_mb "$SERVER_PID")")
        sleep 3 # what the server keeps once the load is over (freed memory given back, or not)
        RSS_SETTLED+=("$engine|$(current_rss_mb "$SERVER_PID")")
    else
        NOTES+=("diary POST skipped: no /portal/diary route yet")
    fi
    stop_server
    if [[ "$engine" == postgres ]]; then
        psql -qAtX "$PG_ADMIN_URL/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        PG_DB=""
    fi
}

for engine in $ENGINES; do
    bench_engine "$engine"
done

echo
echo "htma-tracker benchmark: $CLIENTS clients × $YEARS years, wrk $CONNECTIONS connections, ${SECONDS_PER_PAGE} s per page, $(nproc) cores (load average at start $LOAD_AT_START, at end $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-9s %-26s %9s %9s %9s %7s %10s\n' engine page "req/s" "p50 ms" "p99 ms" errors "vs /healthz"
for row in "${ROWS[@]}"; do
    IFS='|' read -r engine page rps p50 p99 errors ratio <<<"$row"
    printf '%-9s %-26s %9s %9s %9s %7s %10s\n' "$engine" "$page" "$rps" "$p50" "$p99" "$errors" "$ratio"
done
for row in "${RSS[@]}"; do
    IFS='|' read -r engine mb <<<"$row"
    printf '%-9s %-26s %9s MB\n' "$engine" "peak RSS, page runs" "$mb"
done
for row in "${RSS_SIGNIN[@]}"; do
    IFS='|' read -r engine mb <<<"$row"
    printf '%-9s %-26s %9s MB\n' "$engine" "peak RSS, +$CONNECTIONS sign-ins+POSTs" "$mb"
done
for row in "${RSS_SETTLED[@]}"; do
    IFS='|' read -r engine mb <<<"$row"
    printf '%-9s %-26s %9s MB\n' "$engine" "RSS 3 s after the load" "$mb"
done
for note in "${NOTES[@]+"${NOTES[@]}"}"; do echo "note: $note"; done
