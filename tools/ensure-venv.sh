#!/usr/bin/env bash
# Create the virtual environment if it is missing (installing python3-venv on Debian/Ubuntu when needed).
set -euo pipefail
python=${1:-python3}; venv=${2:-.venv}
[ -x "$venv/bin/python" ] && exit 0
if ! "$python" -m venv --help >/dev/null 2>&1 || ! "$python" -c "import ensurepip" >/dev/null 2>&1; then
  echo "python venv support is missing: installing python3-venv with apt" >&2
  source "$(dirname "$0")/apt.sh"
  apt_install python3-venv
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --disable-pip-version-check -q --upgrade pip >/dev/null 2>&1 || true
