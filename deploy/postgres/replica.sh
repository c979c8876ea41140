#!/bin/bash
# The optional read replica (docker compose --profile replica): on an empty volume, a base backup
# of the primary with -R (standby.signal + primary_conninfo), then PostgreSQL as a hot standby.
# The application reads from it with DATABASE_REPLICA_URL (README: "Read replica").
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"
: "${CBS_REPLICATION_PASSWORD:?set CBS_REPLICATION_PASSWORD (the primary's replication role)}"
export PGPASSWORD="$CBS_REPLICATION_PASSWORD"  # pg_basebackup, then the WAL receiver
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h db -p 5432 -q; do sleep 2; done
  find "$PGDATA" -mindepth 1 -delete
  pg_basebackup -h db -p 5432 -U replicator -D "$PGDATA" \
    -R -X stream -c fast --progress
fi
chmod 700 "$PGDATA"
# hot_standby_feedback: long report queries hold back the primary's cleanup instead of being
# cancelled by replay. The settings a standby must not have below the primary's
# (max_connections, max_worker_processes, ...) come with the base backup.
exec postgres -c hot_standby=on -c hot_standby_feedback=on
