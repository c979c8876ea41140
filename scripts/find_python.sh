#!/usr/bin/env bash
# Prints a Python >= 3.12 interpreter: PATH first, then pyenv's installs.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for c in python3.13 python3.12 python3; do
  p=$(command -v "$c" 2>/dev/null) || continue
  # pyenv shims answer for versions that are not active: ask the real binary.
  case "$p" in */shims/*) continue ;; esac
  if ok "$p"; then echo "$p"; exit 0; fi
done
for root in "${PYENV_ROOT:-$HOME/.pyenv}" /root/.pyenv /opt/pyenv; do
  for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V); do
    if ok "$p"; then echo "$p"; exit 0; fi
  done
done
echo "Kent CBS needs Python >= 3.12 (install python3.12 or use pyenv)" >&2
exit 1
