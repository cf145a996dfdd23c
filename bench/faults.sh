#!/usr/bin/env bash
# Fault scripts (issue #7; README "Performance"), on SQLite with the release build:
#   a) 32 concurrent writers (16 portal accounts saving their diary, 16 test editors): every
#      write answered 303, none lost (each diary entry's revision and note, each test's notes
#      and audit events match what was acknowledged);
#   b) kill -9 of the server in the middle of a 5,000-row lab CSV import confirmation and in the
#      middle of a burst of 32 writers: after restart every acknowledged write is present, the
#      import is all or nothing, PRAGMA integrity_check is ok;
#   c) the database file read-only (server run as nobody, since root ignores file modes), then
#      the disk full (a small tmpfs): a clear error page and log line, no panic, and whether the
#      service recovers without a restart when the condition clears (needs root; skipped
#      otherwise).
# Every step is bounded in time. Environment: FAULT_WRITES (writes per writer in a, 25),
# BENCH_SKIP_BUILD=1, BENCH_KEEP=1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WRITES=${FAULT_WRITES:-25}
TMP=$(mktemp -d /tmp/htma-faults.XXXXXX)
MNT="$TMP/mnt"
SERVER_PID=""
RESULTS=()
FAILED=0
cleanup() {
    stop_server
    if mountpoint -q "$MNT" 2>/dev/null; then umount -l "$MNT" 2>/dev/null || true; fi
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

result() { # status text
    RESULTS+=("$1  $2")
    [[ "$1" == PASS || "$1" == SKIP ]] || FAILED=1
    log "$1  $2"
}

ensure_tool curl curl
ensure_tool sqlite3 sqlite3
build_release

DB="$TMP/faults.sqlite3"
SERVER_LOG="$TMP/server.log"
log "seeding 64 clients × 1 year…"
"$BIN" --database-url "$DB" seed-demo --clients 64 --years 1 >/dev/null

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
start_server "$DB" "$PORT" "$SERVER_LOG"
PJAR="$TMP/practitioner.jar"
sign_in "$BASE" "$DEMO_EMAIL" "$DEMO_PASSWORD" "$PJAR"
PCSRF=$(curl -sS --max-time 10 -b "$PJAR" "$BASE/" | form_value csrf_token)

# ---------------------------------------------------------------------------------------------
# Writers. Each appends one line per acknowledged write to its .acks file, so what was
# acknowledged survives the writer being cut off by a kill.

# diary_writer N ROUNDS: portal account N saves today's entry ROUNDS times, following the
# revision; stops after 3 consecutive failed connections (the server is gone).
diary_writer() {
    local n=$1 rounds=$2 jar="$TMP/client-$1.jar" page token revision date k status down=0
    local acks="$TMP/diary-$1.acks" errs="$TMP/diary-$1.errs" body="$TMP/diary-$1.body"
    : >"$acks"
    : >"$errs"
    page=$(curl -sS --max-time 10 -b "$jar" "$BASE/portal")
    token=$(form_value csrf_token <<<"$page")
    revision=$(form_value revision <<<"$page")
    date=$(form_value date <<<"$page")
    echo "$date" >"$TMP/diary-$n.date"
    for k in $(seq 1 "$rounds"); do
        status=$(curl -sS --max-time 15 -o "$body" -w '%{http_code}' -b "$jar" \
            --data-urlencode "csrf_token=$token" --data-urlencode "date=$date" \
            --data-urlencode "revision=$revision" --data-urlencode "note=writer $n save $k" \
            --data-urlencode "sev_fatigue=$((k % 10 + 1))" --data-urlencode "tod_fatigue=day" \
            "$BASE/portal/diary" 2>/dev/null) || status=000
        if [[ "$status" == 303 ]]; then
            revision=$((revision + 1))
            echo "$k $revision" >>"$acks"
            down=0
        else
            echo "$k $status" >>"$errs"
            [[ "$status" == 000 ]] && down=$((down + 1))
            [[ $down -ge 3 ]] && break
            local current
            current=$(form_value revision <"$body" 2>/dev/null || true)
            [[ -n "$current" ]] && revision=$current
        fi
    done
    return 0
}

# test_editor N CLIENT TEST DATE FIRST LAST: the practitioner edits one test, edits FIRST…LAST
# (numbered, so a later phase never mistakes an earlier phase's note for its own).
test_editor() {
    local n=$1 client=$2 test=$3 date=$4 first=$5 last=$6 k status down=0
    local acks="$TMP/edit-$1.acks" errs="$TMP/edit-$1.errs"
    : >"$acks"
    : >"$errs"
    for k in $(seq "$first" "$last"); do
        status=$(curl -sS --max-time 15 -o /dev/null -w '%{http_code}' -b "$PJAR" \
            --data-urlencode "csrf_token=$PCSRF" --data-urlencode "sample_date=$date" \
            --data-urlencode "lab=ARL" --data-urlencode "unit=mg%" \
            --data-urlencode "Ca=$((40 + k % 50))" --data-urlencode "Mg=6" --data-urlencode "Na=25" \
            --data-urlencode "K=$((5 + k % 10))" --data-urlencode "notes=editor $n edit $k" \
            "$BASE/clients/$client/tests/$test/edit" 2>/dev/null) || status=000
        if [[ "$status" == 303 ]]; then
            echo "$k" >>"$acks"
            down=0
        else
            echo "$k $status" >>"$errs"
            [[ "$status" == 000 ]] && down=$((down + 1))
            [[ $down -ge 3 ]] && break
        fi
    done
    return 0
}

# Targets of the writers: portal accounts 1–16 and the latest tests of generated clients 17–32.
mapfile -t EDIT_TARGETS < <(sqlite3 -batch "$DB" "SELECT c.id || ' ' || t.id || ' ' || t.sample_date
    FROM clients c JOIN hair_tests t ON t.client_id = c.id
    WHERE c.reference_code BETWEEN 'S-00017' AND 'S-00032'
      AND t.sample_date = (SELECT MAX(sample_date) FROM hair_tests u WHERE u.client_id = c.id)
    ORDER BY c.reference_code")
[[ ${#EDIT_TARGETS[@]} -eq 16 ]] || die "expected 16 tests to edit, found ${#EDIT_TARGETS[@]}"

sign_in_portal_accounts() {
    local n pids=()
    for n in $(seq 1 16); do
        sign_in "$BASE" "$(printf 'client-%05d@example.com' "$n")" "$DEMO_PASSWORD" "$TMP/client-$n.jar" &
        pids+=($!)
    done
    wait "${pids[@]}" # not a bare wait: the server is a child too
}

start_writers() { # rounds first-edit-number
    WRITER_PIDS=()
    local n
    for n in $(seq 1 16); do
        diary_writer "$n" "$1" &
        WRITER_PIDS+=($!)
    done
    for n in $(seq 1 16); do
        # shellcheck disable=SC2086
        test_editor "$n" ${EDIT_TARGETS[$((n - 1))]} "$2" $(($2 + $1 - 1)) &
        WRITER_PIDS+=($!)
    done
}

wait_writers() { # seconds
    local deadline=$((SECONDS + $1)) pid
    for pid in "${WRITER_PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null; do
            if [[ $SECONDS -ge $deadline ]]; then
                kill "$pid" 2>/dev/null || true
                break
            fi
            sleep 0.2
        done
        wait "$pid" 2>/dev/null || true
    done
}

# verify_writes STRICT: compares the database with the acknowledged writes. STRICT (no kill):
# the stored state equals the last acknowledged write. Otherwise a later write may also be there
# (committed, but its answer was lost with the server), never an earlier one.
LOST=0
ACKED=0
verify_writes() {
    local strict=$1 n last rev date client stored_rev stored_note line k stored_k audits
    LOST=0
    ACKED=0
    for n in $(seq 1 16); do
        last=$(tail -1 "$TMP/diary-$n.acks")
        ACKED=$((ACKED + $(wc -l <"$TMP/diary-$n.acks")))
        [[ -z "$last" ]] && continue
        read -r k rev <<<"$last"
        date=$(cat "$TMP/diary-$n.date")
        client=$(sqlite3 -batch "$DB" "SELECT client_id FROM accounts WHERE email = '$(printf 'client-%05d@example.com' "$n")'")
        line=$(sqlite3 -batch -separator '|' "$DB" "SELECT revision, note FROM diary_entries WHERE client_id = $client AND entry_date = '$date'")
        stored_rev=${line%%|*}
        stored_note=${line#*|}
        if [[ -z "$line" || $stored_rev -lt $rev ]] ||
            { [[ $stored_rev -eq $rev ]] && [[ "$stored_note" != "writer $n save $k" ]]; } ||
            { [[ $strict == 1 ]] && [[ $stored_rev -ne $rev ]]; }; then
            log "  diary writer $n: acknowledged revision $rev (save $k), stored '$line'"
            LOST=$((LOST + 1))
        fi
    done
    for n in $(seq 1 16); do
        read -r client test _ <<<"${EDIT_TARGETS[$((n - 1))]}"
        last=$(tail -1 "$TMP/edit-$n.acks")
        ACKED=$((ACKED + $(wc -l <"$TMP/edit-$n.acks")))
        [[ -z "$last" ]] && continue
        stored_note=$(sqlite3 -batch "$DB" "SELECT notes FROM hair_tests WHERE id = $test")
        stored_k=${stored_note##* }
        audits=$(sqlite3 -batch "$DB" "SELECT COUNT(*) FROM audit_events WHERE record_id = $test AND action = 'update'")
        if [[ "$stored_note" != "editor $n edit "* ]] || [[ $stored_k -lt $last ]] ||
            [[ $audits -lt $(wc -l <"$TMP/edit-$n.acks") ]] ||
            { [[ $strict == 1 ]] && [[ $stored_k -ne $last ]]; }; then
            log "  test editor $n: acknowledged edit $last, stored '$stored_note', $audits audit events"
            LOST=$((LOST + 1))
        fi
    done
}

count_errors() {
    cat "$TMP"/diary-*.errs "$TMP"/edit-*.errs 2>/dev/null | wc -l
}

integrity() { sqlite3 -batch "$DB" "PRAGMA integrity_check" | tr '\n' ' ' | sed 's/ $//'; }

# ---------------------------------------------------------------------------------------------
log "== a) 32 concurrent writers × $WRITES writes"
sign_in_portal_accounts
started=$SECONDS
start_writers "$WRITES" 1
wait_writers 300
verify_writes 1
errors=$(count_errors)
if [[ $errors -eq 0 && $LOST -eq 0 && $ACKED -eq $((32 * WRITES)) ]]; then
    result PASS "a) 32 concurrent writers: $ACKED writes acknowledged in $((SECONDS - started)) s, 0 errors, 0 lost"
else
    result FAIL "a) 32 concurrent writers: $ACKED of $((32 * WRITES)) acknowledged, $errors errors, $LOST lost"
    cat "$TMP"/diary-*.errs "$TMP"/edit-*.errs | sort | uniq -c | sort -rn | head -5 >&2
fi

# ---------------------------------------------------------------------------------------------
log "== b) kill -9 in a burst of 32 writers"
start_writers 100000 1001
sleep 3
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
wait_writers 30
start_server "$DB" "$PORT" "$SERVER_LOG"
verify_writes 0
check=$(integrity)
if [[ $LOST -eq 0 && "$check" == ok && $ACKED -gt 0 ]]; then
    result PASS "b) kill -9 during a burst of writes: all $ACKED acknowledged writes present after restart, integrity_check ok"
else
    result FAIL "b) kill -9 during a burst of writes: $LOST writers lost acknowledged writes (of $ACKED), integrity_check: $check"
fi

# A 5,000-row lab CSV for demo client MJ-001 (no tests of its own).
IMPORT_CLIENT=$(sqlite3 -batch "$DB" "SELECT id FROM clients WHERE reference_code = 'MJ-001'")
CSV="$TMP/import-5000.csv"
python3 - "$CSV" <<'EOF'
import datetime, random, sys
random.seed(7)
elements = ["Ca", "Mg", "Na", "K", "P", "Zn", "Cu", "Fe", "Mn", "Cr", "Se", "B", "Co", "Mo",
            "Li", "Pb", "Hg", "Cd", "As", "Al", "Ni"]
typical = [40, 6, 25, 10, 16, 16, 2.5, 1.6, 0.04, 0.06, 0.12, 0.3, 0.001, 0.003, 0.002,
           0.02, 0.01, 0.003, 0.003, 0.02, 0.01]
start = datetime.date(2000, 1, 1)
with open(sys.argv[1], "w") as out:
    out.write("sample_date,lab,lab_sample_id," + ",".join(elements) + "\n")
    for i in range(5000):
        date = start + datetime.timedelta(days=i)
        values = [f"{v * random.lognormvariate(0, 0.4):.4g}" for v in typical]
        out.write(f"{date},ARL,F{i:06d}," + ",".join(values) + "\n")
EOF

upload_csv() { # prints the pending import's confirm path
    local token location
    token=$(curl -sS --max-time 10 -b "$PJAR" "$BASE/clients/$IMPORT_CLIENT/import" | form_value csrf_token)
    location=$(curl -sS --max-time 60 -o /dev/null -w '%{redirect_url}' -b "$PJAR" \
        -F "csrf_token=$token" -F "unit=mg%" -F "file=@$CSV;type=text/csv" \
        "$BASE/clients/$IMPORT_CLIENT/import")
    [[ -n "$location" ]] || die "the upload was not accepted"
    echo "${location#"$BASE"}/confirm"
}

imported() { sqlite3 -batch "$DB" "SELECT COUNT(*) FROM hair_tests WHERE client_id = $IMPORT_CLIENT"; }

confirm_import() { # path → http status (000: no answer)
    curl -sS --max-time 120 -o /dev/null -w '%{http_code}' -b "$PJAR" \
        --data-urlencode "csrf_token=$PCSRF" "$BASE$1" 2>/dev/null || true
}

log "== b) kill -9 during a 5,000-row import"
PCSRF=$(curl -sS --max-time 10 -b "$PJAR" "$BASE/" | form_value csrf_token)
# How long a confirmation takes, measured on a copy of the database (kill points are fractions
# of it).
CONFIRM=$(upload_csv)
stop_server
cp "$DB" "$TMP/timing.sqlite3"
if [[ -f "$DB-wal" ]]; then cp "$DB-wal" "$TMP/timing.sqlite3-wal"; fi
MAIN_DB=$DB
DB="$TMP/timing.sqlite3"
start_server "$DB" "$PORT" "$SERVER_LOG"
t0=$(date +%s.%N)
status=$(confirm_import "$CONFIRM")
t1=$(date +%s.%N)
CONFIRM_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
log "  a confirmation of 5,000 rows takes $CONFIRM_SECONDS s (answer $status, $(imported) tests)"
stop_server
DB=$MAIN_DB
start_server "$DB" "$PORT" "$SERVER_LOG"
outcomes=()
import_ok=1
for fraction in 0.2 0.5 0.8 0.95; do
    delay=$(awk -v s="$CONFIRM_SECONDS" -v f="$fraction" 'BEGIN { printf "%.3f", s * f }')
    status_file="$TMP/confirm.status"
    (confirm_import "$CONFIRM" >"$status_file") &
    confirm_pid=$!
    sleep "$delay"
    kill -9 "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    wait "$confirm_pid" 2>/dev/null || true
    start_server "$DB" "$PORT" "$SERVER_LOG"
    count=$(imported)
    status=$(cat "$status_file")
    check=$(integrity)
    outcomes+=("kill at ${delay}s: answer $status, $count tests")
    if [[ "$check" != ok || ($count -ne 0 && $count -ne 5000) || ($status == 303 && $count -ne 5000) ]]; then
        import_ok=0
    fi
    [[ $count -eq 5000 ]] && break
done
if [[ $(imported) -eq 0 ]]; then
    status=$(confirm_import "$CONFIRM")
    outcomes+=("confirmed again after the kills: answer $status, $(imported) tests")
    [[ $(imported) -eq 5000 ]] || import_ok=0
fi
if [[ $import_ok == 1 ]]; then
    result PASS "b) kill -9 during a 5,000-row import ($CONFIRM_SECONDS s to confirm): never a half import, integrity_check ok — $(IFS=';'; echo "${outcomes[*]}")"
else
    result FAIL "b) kill -9 during a 5,000-row import: $(IFS=';'; echo "${outcomes[*]}"), integrity_check $(integrity)"
fi

# The same pending import confirmed twice at once must not import twice.
CONFIRM2=$(upload_csv)
before=$(imported)
s1="$TMP/c1.status"
s2="$TMP/c2.status"
(confirm_import "$CONFIRM2" >"$s1") &
c1=$!
(confirm_import "$CONFIRM2" >"$s2") &
c2=$!
wait $c1 $c2 || true
after=$(imported)
if [[ $((after - before)) -eq 5000 ]]; then
    result PASS "b) one upload confirmed twice at once: imported once (answers $(cat "$s1") and $(cat "$s2"))"
else
    result FAIL "b) one upload confirmed twice at once: $((after - before)) tests imported (answers $(cat "$s1") and $(cat "$s2"))"
fi
stop_server

# ---------------------------------------------------------------------------------------------
# c) The database file read-only, then the disk full.
diary_once() { # note → http status (portal account 1, signed in earlier: its session is in the copy)
    local jar="$TMP/client-1.jar" page token revision date
    page=$(curl -sS --max-time 10 -b "$jar" "$BASE/portal")
    token=$(form_value csrf_token <<<"$page")
    revision=$(form_value revision <<<"$page")
    date=$(form_value date <<<"$page")
    curl -sS --max-time 15 -o "$TMP/fault-page.html" -w '%{http_code}' -b "$jar" \
        --data-urlencode "csrf_token=$token" --data-urlencode "date=$date" \
        --data-urlencode "revision=$revision" --data-urlencode "note=$1" \
        "$BASE/portal/diary" 2>/dev/null || true
}

page_title() { sed -n 's:.*<h1[^>]*>\(.*\)</h1>.*:\1:p' "$TMP/fault-page.html" | head -1; }
health() { curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz" 2>/dev/null || true; }
log_has() { sed 's/\x1b\[[0-9;]*m//g' "$SERVER_LOG" | grep -c "$1" || true; }
copy_db() { # to
    cp "$DB" "$1"
    if [[ -f "$DB-wal" ]]; then cp "$DB-wal" "$1-wal"; fi
}

if [[ $(id -u) -ne 0 ]]; then
    result SKIP "c) read-only / full disk: needs root (a server user that file modes apply to; a tmpfs mount)"
else
    # Read-only. The server runs as nobody, since root ignores file modes. A running server keeps
    # writing through the handles it opened, so the fault is the file being read-only when the
    # server opens it, then made writable again while the server runs.
    RO="$TMP/ro"
    mkdir -p "$RO"
    chmod 0755 "$TMP" # mktemp's 0700 would keep nobody out
    copy_db "$RO/db.sqlite3"
    chown -R nobody:nogroup "$RO"
    chmod 0444 "$RO/db.sqlite3"
    DB="$RO/db.sqlite3"
    SERVER_LOG="$TMP/server-read-only.log"
    start_server "$DB" "$PORT" "$SERVER_LOG" nobody:nogroup
    view=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -b "$TMP/client-1.jar" "$BASE/portal/history" || true)
    during=$(diary_once "while read-only")
    title=$(page_title)
    health_during=$(health)
    # SQLite creates the -wal and -shm files with the database file's mode, so all three are
    # made writable again (chmod u+w data/*), as an operator would.
    chmod 0644 "$DB" "$DB-wal" "$DB-shm" 2>/dev/null || true
    after=$(diary_once "after the files were made writable")
    stop_server
    start_server "$DB" "$PORT" "$SERVER_LOG" nobody:nogroup
    restarted=$(diary_once "after a restart")
    stop_server
    logged=$(log_has 'attempt to write a readonly database')
    panics=$(log_has panicked)
    detail="a page view answered $view, a write $during \"$title\", /healthz $health_during, $logged log lines 'attempt to write a readonly database', $panics panics; writable again: $after without restart, $restarted after a restart"
    if [[ "$during" =~ ^5 && $logged -gt 0 && $panics -eq 0 && "$after" == 303 ]]; then
        result PASS "c) read-only database file: $detail"
    else
        result FAIL "c) read-only database file: $detail"
    fi

    # Disk full: the database on a small tmpfs, filled up, then freed.
    if mkdir -p "$MNT" && mount -t tmpfs -o size=96m tmpfs "$MNT" 2>/dev/null; then
        chmod 0644 "$DB"
        copy_db "$MNT/db.sqlite3"
        DB="$MNT/db.sqlite3"
        SERVER_LOG="$TMP/server-disk-full.log"
        start_server "$DB" "$PORT" "$SERVER_LOG"
        before=$(diary_once "before the disk is full")
        dd if=/dev/zero of="$MNT/filler" bs=1M count=200 status=none 2>/dev/null || true
        during=$(diary_once "while the disk is full")
        title=$(page_title)
        health_during=$(health)
        rm -f "$MNT/filler"
        after=$(diary_once "after the disk was full")
        stop_server
        logged=$(log_has 'database or disk is full')
        panics=$(log_has panicked)
        check=$(integrity)
        detail="write answered $during \"$title\", /healthz $health_during, $logged log lines 'database or disk is full', $panics panics; space freed: $after without restart; integrity_check $check"
        if [[ "$before" == 303 && "$during" =~ ^5 && "$after" == 303 && $logged -gt 0 && $panics -eq 0 && "$check" == ok ]]; then
            result PASS "c) disk full: $detail"
        else
            result FAIL "c) disk full: $detail"
        fi
        umount "$MNT"
    else
        result SKIP "c) disk full: cannot mount a tmpfs"
    fi
fi

echo
echo "htma-tracker fault results (SQLite, release build)"
for line in "${RESULTS[@]}"; do echo "$line"; done
exit $FAILED
