#!/bin/bash
# Runs once, when the primary's volume is initialised (/docker-entrypoint-initdb.d): a role the
# optional read replica streams with, and the pg_hba line that lets it in (password, SCRAM).
# For a primary initialised before: run the same two steps by hand, then SELECT pg_reload_conf().
set -euo pipefail
if [ -z "${CBS_REPLICATION_PASSWORD:-}" ]; then
  echo "CBS_REPLICATION_PASSWORD is empty: no replication role (no read replica)"
  exit 0
fi
psql -v ON_ERROR_STOP=1 -v password="$CBS_REPLICATION_PASSWORD" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
