# Shared helpers of bench/run.sh and bench/faults.sh (sourced, not run).
# Everything stays on loopback; every wait is bounded.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BIN="${CARGO_TARGET_DIR:-$REPO_DIR/target}/release/htma-tracker"
DEMO_EMAIL="demo@example.com"
DEMO_PASSWORD="demo-password-2026"
PG_ADMIN_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

build_release() {
    if [[ "${BENCH_SKIP_BUILD:-0}" == 1 && -x "$BIN" ]]; then
        log "using the existing release build (BENCH_SKIP_BUILD=1)"
        return
    fi
    log "building release (cargo build --release)…"
    (cd "$REPO_DIR" && cargo build --release --quiet) || die "release build failed"
}

ensure_tool() { # command, apt package
    command -v "$1" >/dev/null 2>&1 && return
    log "installing $2 (apt-get)…"
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null 2>&1; }
    else
        sudo apt-get install -y "$2" >/dev/null 2>&1
    fi
    command -v "$1" >/dev/null 2>&1 || die "$1 is required (apt-get install $2)"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server URL PORT LOGFILE [user:group]: starts the release binary in the background, sets
# SERVER_PID, and waits (at most 30 s) for /healthz. With a user, runs it as that user (for the
# read-only fault: root ignores file permissions).
start_server() {
    local url=$1 port=$2 logfile=$3 user=${4:-}
    local -a prefix=()
    if [[ -n "$user" ]]; then
        prefix=(setpriv --reuid="${user%%:*}" --regid="${user##*:}" --clear-groups)
    fi
    RUST_LOG="${BENCH_RUST_LOG:-info}" "${prefix[@]}" "$BIN" --database-url "$url" serve \
        --bind "127.0.0.1:$port" >>"$logfile" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 300); do
        if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null; then
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$logfile" >&2; die "the server exited"; }
        sleep 0.1
    done
    die "the server did not answer /healthz within 30 s"
}

stop_server() {
    if [[ -n "${SERVER_PID:-}" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        local i
        for i in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# The first value="…" of the named hidden input on a page.
form_value() { # name < html
    sed -n "s/.*name=\"$1\" value=\"\\([^\"]*\\)\".*/\\1/p" | head -1
}

# sign_in BASE EMAIL PASSWORD JAR: signs in with curl (CSRF token from the login page, cookies
# in JAR); fails unless the answer is the 303 of a successful sign-in.
sign_in() {
    local base=$1 email=$2 password=$3 jar=$4 token status
    rm -f "$jar" # a live session would make /login redirect
    token=$(curl -sS --max-time 10 -c "$jar" -b "$jar" "$base/login" | form_value csrf_token)
    [[ -n "$token" ]] || die "no CSRF token on $base/login"
    status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
        --data-urlencode "csrf_token=$token" --data-urlencode "email=$email" \
        --data-urlencode "password=$password" "$base/login")
    [[ "$status" == 303 ]] || die "sign-in of $email answered $status"
}

# The session cookie of a jar, as a Cookie header value.
session_cookie() { # jar
    awk '$6 ~ /htma_session$/ { print $6 "=" $7 }' "$1" | tail -1
}

# sql URL QUERY: one query through the engine's own client, unaligned output.
sql() {
    local url=$1 query=$2
    case "$url" in
        postgres://*) psql -qAtX "$url" -c "$query" ;;
        *) sqlite3 -batch "$url" "$query" ;;
    esac
}

# peak_rss_mb PID: the process's peak resident set (VmHWM) in MB.
peak_rss_mb() {
    awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

# current_rss_mb PID: the process's resident set now (VmRSS) in MB.
current_rss_mb() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}
