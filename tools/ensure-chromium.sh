#!/usr/bin/env bash
# The browser test drives Debian's headless Chromium through chromedriver; install both when missing.
set -euo pipefail
source "$(dirname "$0")/apt.sh"
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then exit 0; fi
apt_install chromium chromium-driver
