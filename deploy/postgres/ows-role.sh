#!/bin/bash
# Runs once, when the primary's volume is initialised (/docker-entrypoint-initdb.d): the WMS/WFS
# engine's login (ogc/engine.py). It gets no rights here; the app grants SELECT on published
# columns only (ogc/ows_role.py).
set -euo pipefail
if [ -z "${CBS_OWS_DB_PASSWORD:-}" ]; then
  echo "CBS_OWS_DB_PASSWORD is empty: no WMS/WFS engine role (WMS/WFS answer 503)"
  exit 0
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$CBS_OWS_DB_PASSWORD" <<'SQL'
CREATE ROLE kentcbs_ows WITH LOGIN NOINHERIT PASSWORD :'password';
SQL
