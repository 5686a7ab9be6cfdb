# Shared helper: install Debian/Ubuntu packages, with sudo when not root; clear message and exit 1 if impossible.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "ERROR: need to install $* but this user is not root and has no password-less sudo." >&2
      echo "       Install them yourself: sudo apt-get install -y $*" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "ERROR: apt-get not found; install these packages with your system's package manager: $*" >&2
    exit 1
  fi
  echo "installing with apt: $*" >&2
  $sudo apt-get update -qq >/dev/null || { echo "ERROR: apt-get update failed (no network?)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { echo "ERROR: apt-get install failed for: $*" >&2; exit 1; }
}
