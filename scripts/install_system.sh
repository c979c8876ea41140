#!/usr/bin/env bash
# Installs the Debian packages Kent CBS needs, only those that are missing.
# postgresql-15 itself is never named: installing it would upgrade a running server.
set -euo pipefail
need=()
dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
command -v ogr2ogr >/dev/null 2>&1 || need+=(gdal-bin)
dpkg -s libgdal-dev >/dev/null 2>&1 || need+=(libgdal-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
# pg_dump / pg_restore for backups (the server package brings them; a DATABASE_URL-only host may not).
ls /usr/lib/postgresql/*/bin/pg_restore >/dev/null 2>&1 || need+=(postgresql-client-15)
# WMS/WFS engine (ogc/engine.py): MapServer 8 built with FastCGI.
[ -x /usr/lib/cgi-bin/mapserv ] || need+=(cgi-mapserver)
# The partner-client tests open our services in QGIS 3.22 (system Python 3, headless).
dpkg -s python3-qgis >/dev/null 2>&1 || need+=(python3-qgis qgis-providers)
# A TrueType font with Turkish letters for the PDF reports (and the WMS labels).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# Dovecot's IMAP server: the tests start it privately (own config, maildir under a tmp folder) to
# read a real mailbox; the help desk's e-mail intake reads any IMAP server.
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Kent CBS: installing Debian packages: ${need[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
