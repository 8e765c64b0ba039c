#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium (Playwright's own browser download is unreachable).
# Uses $CHROMIUM_PATH or /usr/bin/chromium; as root with apt-get, installs it when missing.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable browser." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the end-to-end tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No Chromium at /usr/bin/chromium. Install it (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
