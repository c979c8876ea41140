#!/usr/bin/env bash
# The private PostGIS cluster under var/pg (used when DATABASE_URL is not set).
# usage: scripts/pg.sh start|stop|status|url [dbname]
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# unprivileged "postgres" user; otherwise to whoever runs make.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PGDATA="$ROOT/var/pg/data"
PGRUN="$ROOT/var/pg/run"
PGLOG="$ROOT/var/pg/postgres.log"
# One port per checkout (derived from its path), so two clones on one machine don't collide.
PORT="${CBS_PG_PORT:-$((54330 + $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 600))}"
ROLE="kentcbs"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$BIN/initdb" ] || { echo "PostgreSQL server binaries not found (install postgresql-15-postgis-3)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then OWNER="postgres"; as_owner() { runuser -u postgres -- "$@"; }
else OWNER="$(id -un)"; as_owner() { "$@"; }; fi

psql_super() { PGOPTIONS="-c client_min_messages=warning" as_owner "$BIN/psql" -h "$PGRUN" -p "$PORT" -U "$OWNER" -d "${1:-postgres}" -v ON_ERROR_STOP=1 -qAt -c "$2"; }

running() { as_owner "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

init() {
  mkdir -p "$PGDATA" "$PGRUN"
  chown -R "$OWNER" "$ROOT/var/pg"
  chmod 700 "$PGDATA"
  as_owner "$BIN/initdb" -D "$PGDATA" -U "$OWNER" -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
  cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
shared_buffers = 256MB
work_mem = 32MB
fsync = on
CONF
}

start() {
  [ -f "$PGDATA/PG_VERSION" ] || init
  if ! running; then
    rm -f "$PGDATA/postmaster.pid" 2>/dev/null || true
    # Port and socket directory are given at start: the checkout may have moved.
    as_owner "$BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 -o "-p $PORT -k $PGRUN" start >/dev/null
  fi
  # Bulk imports write a million features with their audit records in one transaction: with
  # the default 1 GB of WAL between checkpoints they ran checkpoints every 20 s, each followed
  # by full-page images of every page touched again. (Applied to clusters made before, too.)
  for setting in "max_wal_size = '8GB'" "checkpoint_timeout = '15min'" "wal_compression = 'lz4'"; do
    psql_super postgres "ALTER SYSTEM SET $setting"
  done
  psql_super postgres "SELECT pg_reload_conf()" >/dev/null
  # Idempotent: a non-superuser application role, PostGIS in template1 so that
  # test databases created by that role already have it.
  psql_super postgres "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$ROLE') THEN CREATE ROLE $ROLE LOGIN CREATEDB; END IF; END\$\$;"
  psql_super template1 "CREATE EXTENSION IF NOT EXISTS postgis;"
  for db in "$@"; do
    if [ -z "$(psql_super postgres "SELECT 1 FROM pg_database WHERE datname='$db'")" ]; then
      psql_super postgres "CREATE DATABASE $db OWNER $ROLE;"
    fi
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) if [ -f "$PGDATA/PG_VERSION" ] && running; then as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; echo "Private PostGIS stopped."; else echo "Private PostGIS is not running."; fi ;;
  status) running && echo "running on 127.0.0.1:$PORT" || echo "stopped" ;;
  # The socket, not TCP: a round trip costs ~0.1 ms instead of ~0.4 ms on loopback, and every
  # request makes a few. (The host part is the socket folder, percent-encoded, as libpq reads it.)
  url) echo "postgres://$ROLE@$(printf '%s' "$PGRUN" | sed 's#/#%2F#g'):$PORT/${2:-kentcbs}" ;;
  *) echo "usage: $0 start [db...]|stop|status|url [db]" >&2; exit 2 ;;
esac
