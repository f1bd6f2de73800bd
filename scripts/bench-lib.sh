# Shell functions shared by scripts/bench and scripts/bench-scale (sourced, not run).
# They expect $python (the virtualenv's interpreter).

say() { printf '%s\n' "$*"; }
loud() { printf '\n!!! %s !!!\n\n' "$*" >&2; }
die() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
    exit 1
}

stop() { # pid: TERM, then KILL if it is still there after 25 s (with what it started)
    local pid=$1 children
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        children=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 250); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "${0##*/}: process $pid did not stop in 25 s: killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        for child in $children; do # gunicorn workers whose master was killed
            kill -KILL "$child" 2>/dev/null || true
        done
    fi
    wait "$pid" 2>/dev/null || true
}

free_port() {
    $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_until() { # name pid log command...: until the command succeeds, at most 30 s
    local name=$1 pid=$2 log=$3
    shift 3
    for _ in $(seq 1 150); do
        "$@" >/dev/null 2>&1 && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$log" >&2 || true
            die "$name exited before it answered"
        fi
        sleep 0.2
    done
    tail -n 30 "$log" >&2 || true
    die "$name did not answer within 30 s"
}

busy_percent() { # how busy the CPUs were over the next second, in percent
    local a b
    read -ra a < <(head -n 1 /proc/stat)
    sleep 1
    read -ra b < <(head -n 1 /proc/stat)
    local all=$((($(IFS=+; echo "${b[*]:1}")) - ($(IFS=+; echo "${a[*]:1}")))) idle=$((b[4] + b[5] - a[4] - a[5]))
    echo $((all ? 100 * (all - idle) / all : 0))
}

settle() { # until the CPUs are 80% idle for a second (the setup's work is done), at most $1 s
    local waited=0
    while ((waited < $1)) && (($(busy_percent) > 20)); do waited=$((waited + 1)); done
    echo "$waited"
}

start_redis() { # folder: a private redis-server on a free loopback port; sets redis_pid and REDIS_URL
    local port
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$1" \
        --maxmemory 256mb --maxmemory-policy volatile-lru --logfile "$1/redis.log" &
    redis_pid=$!
    export REDIS_URL="redis://127.0.0.1:$port/0"
    wait_until redis-server "$redis_pid" "$1/redis.log" \
        $python -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS_URL"
}
