#!/usr/bin/env bash
# The private PostGIS cluster under var/pg (used when DATABASE_URL is not set).
# usage: scripts/pg.sh start|stop|status|url [dbname]
#        scripts/pg.sh replica-start|replica-stop|replica-status|replica-url [dbname]|replica-pause|replica-resume
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# unprivileged "postgres" user; otherwise to whoever runs make.
# The replica (var/pg-replica) is a streaming hot standby of the private cluster, made with
# pg_basebackup -R; the tests of the read replica start it (tests/cbs/test_replica.py).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PGDATA="$ROOT/var/pg/data"
PGRUN="$ROOT/var/pg/run"
PGLOG="$ROOT/var/pg/postgres.log"
# One port per checkout (derived from its path), so two clones on one machine don't collide.
PORT="${CBS_PG_PORT:-$((54330 + $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 600))}"
ROLE="kentcbs"
REPLICA_ROOT="$ROOT/var/pg-replica"
RDATA="$REPLICA_ROOT/data"
RRUN="$REPLICA_ROOT/run"
RLOG="$REPLICA_ROOT/postgres.log"
# Primary ports are 54330-54929: the replica's sit 600 above, clear of every checkout's primary.
RPORT="${CBS_PG_REPLICA_PORT:-$((PORT + 600))}"
REPL_ROLE="kentcbs_replication"
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
  # The WMS/WFS engine's read-only login (ogc/ows_role.py grants it published columns only).
  psql_super postgres "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='${ROLE}_ows') THEN CREATE ROLE ${ROLE}_ows LOGIN NOINHERIT; END IF; END\$\$;"
  for db in "$@"; do
    if [ -z "$(psql_super postgres "SELECT 1 FROM pg_database WHERE datname='$db'")" ]; then
      psql_super postgres "CREATE DATABASE $db OWNER $ROLE;"
    fi
  done
}

# --- the streaming replica ----------------------------------------------------------------------
replica_running() { as_owner "$BIN/pg_ctl" -D "$RDATA" status >/dev/null 2>&1; }
psql_replica() { PGOPTIONS="-c client_min_messages=warning" as_owner "$BIN/psql" -h "$RRUN" -p "$RPORT" -U "$OWNER" -d "${1:-postgres}" -v ON_ERROR_STOP=1 -qAt -c "$2"; }
system_id() { as_owner "$BIN/pg_controldata" -D "$1" 2>/dev/null | sed -n 's/^Database system identifier: *//p'; }

replica_stop() {
  if [ -f "$RDATA/PG_VERSION" ] && replica_running; then
    as_owner "$BIN/pg_ctl" -D "$RDATA" -m fast -w stop >/dev/null
  fi
}

replica_launch() {
  rm -f "$RDATA/postmaster.pid" 2>/dev/null || true
  as_owner "$BIN/pg_ctl" -D "$RDATA" -l "$RLOG" -w -t 60 -o "-p $RPORT -k $RRUN" start >/dev/null
}

# Waits (up to $1 seconds) until the replica has replayed everything the primary has written now.
replica_catch_up() {
  local target deadline=$((SECONDS + $1))
  target="$(psql_super postgres "SELECT pg_current_wal_lsn()")"
  until [ "$(psql_replica postgres "SELECT coalesce(pg_last_wal_replay_lsn() >= '$target', false)" 2>/dev/null)" = "t" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

replica_build() {
  replica_stop
  rm -rf "$RDATA"
  mkdir -p "$RDATA" "$RRUN"
  chown -R "$OWNER" "$REPLICA_ROOT"
  chmod 700 "$RDATA"
  # -R writes standby.signal and primary_conninfo (this role, over TCP); -X stream copies the WAL
  # written meanwhile; -c fast: no wait for the next checkpoint.
  as_owner "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U "$REPL_ROLE" -D "$RDATA" -R -X stream -c fast
  # A hot standby; long report queries hold back the primary's cleanup rather than being
  # cancelled by replay; a smaller cache than the primary's (a test copy on a shared machine).
  cat >> "$RDATA/postgresql.auto.conf" <<CONF
hot_standby = on
hot_standby_feedback = on
shared_buffers = '64MB'
CONF
  replica_launch
}

replica_start() {
  start  # the primary, and its settings
  local wal_level
  wal_level="$(psql_super postgres "SHOW wal_level")"
  [ "$wal_level" != minimal ] || { echo "wal_level = minimal: the primary cannot stream to a replica" >&2; exit 1; }
  [ "$(psql_super postgres "SHOW max_wal_senders")" -ge 2 ] || { echo "max_wal_senders < 2" >&2; exit 1; }
  # A replication role; initdb's pg_hba.conf already lets local replication connections in
  # (trust on 127.0.0.1, like every connection to the private cluster): added if someone removed it.
  psql_super postgres "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$REPL_ROLE') THEN CREATE ROLE $REPL_ROLE LOGIN REPLICATION; END IF; END\$\$;"
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+(all|'"$REPL_ROLE"')[[:space:]]+127\.0\.0\.1/32' "$PGDATA/pg_hba.conf"; then
    echo "host replication $REPL_ROLE 127.0.0.1/32 trust" >> "$PGDATA/pg_hba.conf"
    psql_super postgres "SELECT pg_reload_conf()" >/dev/null
  fi
  # An existing standby of this very cluster is restarted; one that cannot catch up (the primary
  # recycled the WAL it needs, or the cluster was recreated) is made again.
  if [ -f "$RDATA/standby.signal" ] && [ "$(system_id "$RDATA")" = "$(system_id "$PGDATA")" ]; then
    # (Replay resumed: a test run that was killed may have left it paused.)
    if { replica_running || replica_launch; } && psql_replica postgres "SELECT pg_wal_replay_resume()" >/dev/null \
        && replica_catch_up 30; then
      echo "replica running on 127.0.0.1:$RPORT"; return
    fi
    echo "the replica could not catch up: making it again" >&2
  fi
  replica_build
  replica_catch_up 120 || { echo "the new replica did not catch up (see $RLOG)" >&2; exit 1; }
  echo "replica running on 127.0.0.1:$RPORT"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) replica_stop
    if [ -f "$PGDATA/PG_VERSION" ] && running; then as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; echo "Private PostGIS stopped."; else echo "Private PostGIS is not running."; fi ;;
  replica-start) replica_start ;;
  replica-stop) replica_stop; echo "Replica stopped." ;;
  replica-status) [ -f "$RDATA/PG_VERSION" ] && replica_running && echo "running on 127.0.0.1:$RPORT" || echo "stopped" ;;
  replica-url) echo "postgres://$ROLE@$(printf '%s' "$RRUN" | sed 's#/#%2F#g'):$RPORT/${2:-kentcbs}" ;;
  # Replay on the replica paused/resumed (tests: show which server answered); waits until it is.
  replica-pause) psql_replica postgres "SELECT pg_wal_replay_pause()" >/dev/null
    until [ "$(psql_replica postgres "SELECT pg_get_wal_replay_pause_state()")" = paused ]; do sleep 0.05; done ;;
  replica-resume) psql_replica postgres "SELECT pg_wal_replay_resume()" >/dev/null ;;
  status) running && echo "running on 127.0.0.1:$PORT" || echo "stopped" ;;
  # The socket, not TCP: a round trip costs ~0.1 ms instead of ~0.4 ms on loopback, and every
  # request makes a few. (The host part is the socket folder, percent-encoded, as libpq reads it.)
  url) echo "postgres://$ROLE@$(printf '%s' "$PGRUN" | sed 's#/#%2F#g'):$PORT/${2:-kentcbs}" ;;
  *) echo "usage: $0 start [db...]|stop|status|url [db]|replica-start|replica-stop|replica-status|replica-url [db]|replica-pause|replica-resume" >&2; exit 2 ;;
esac
