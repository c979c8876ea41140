#!/usr/bin/env bash
# Debian packages only `make bench` needs (the load generator and the MapServer peer),
# installed like scripts/install_system.sh: only those that are missing.
set -euo pipefail
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
# MapServer 8 (mapserv, built with FastCGI) and a small web server to run it as FastCGI.
[ -x /usr/lib/cgi-bin/mapserv ] || need+=(cgi-mapserver)
command -v lighttpd >/dev/null 2>&1 || [ -x /usr/sbin/lighttpd ] || need+=(lighttpd)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Kent CBS bench: installing Debian packages: ${need[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
