#!/usr/bin/env bash
# `make run`: the site under gunicorn and the job queue's worker, both in the foreground.
# Ctrl-C (or TERM) stops both; if one of them ends, the other is stopped too.
#
# Connections to PostgreSQL, at most (defaults on 2 cores, see README "Connections"):
#   gunicorn  CBS_WEB_WORKERS x CBS_WEB_THREADS            (2 x 4 = 8: one pooled connection per thread)
#   worker    3 x CBS_WORKER_CONCURRENCY + queue connections (3 x 2 + 2 + 1 LISTEN = 9)
#             + one ogr2ogr per running import check        (2)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
PORT="${PORT:-8000}"
HOST="${CBS_HOST:-127.0.0.1}"
cores="$(nproc 2>/dev/null || echo 2)"
export CBS_WEB_WORKERS="${CBS_WEB_WORKERS:-$(( cores < 2 ? 2 : (cores > 4 ? 4 : cores) ))}"
export CBS_WEB_THREADS="${CBS_WEB_THREADS:-4}"
export CBS_WORKER_CONCURRENCY="${CBS_WORKER_CONCURRENCY:-2}"
# The worker finishes its running jobs when told to stop; after this it is killed (an import
# then ends failed, having written nothing).
STOP_SECONDS="${CBS_WORKER_STOP_SECONDS:-20}"

# Each gunicorn worker binds the port itself (SO_REUSEPORT, deploy/gunicorn.conf.py), so a second
# `make run` on a port in use would share it silently instead of failing: refuse here.
"$PY" - "$HOST" "$PORT" <<'CHECK' || exit 1
import socket, sys
host, port = sys.argv[1].strip("[]"), int(sys.argv[2])  # [::1] as an address
probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed connection's TIME_WAIT is no owner
try:
    probe.bind((host, port))
except OSError as exc:
    sys.exit(f"{host}:{port} is in use ({exc.strerror}): stop what listens there, or set PORT")
finally:
    probe.close()
CHECK

CBS_DB_POOL_MAX="$CBS_WEB_THREADS" CBS_DB_APPLICATION_NAME=kentcbs-web \
  "$(dirname "$PY")/gunicorn" -c deploy/gunicorn.conf.py --bind "$HOST:$PORT" cbs.wsgi:application &
web=$!
CBS_DB_POOL_MAX="$(( 3 * CBS_WORKER_CONCURRENCY ))" CBS_DB_APPLICATION_NAME=kentcbs-worker \
  "$PY" manage.py procrastinate worker &
worker=$!
echo "gunicorn ($CBS_WEB_WORKERS x $CBS_WEB_THREADS threads, pid $web) and the queue worker" \
     "(concurrency $CBS_WORKER_CONCURRENCY, pid $worker) started; Ctrl-C stops both."

stopping=0
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap '' INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null || true
  local tenths=$(( STOP_SECONDS * 10 ))
  while (( tenths-- > 0 )) && { kill -0 "$web" 2>/dev/null || kill -0 "$worker" 2>/dev/null; }; do
    sleep 0.1
  done
  kill -KILL "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
status=0
wait -n "$web" "$worker" || status=$?
[ "$stopping" = 1 ] || echo "gunicorn or the worker stopped (status $status); stopping the other" >&2
stop
exit "$status"
