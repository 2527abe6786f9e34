#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser/), unless it is there already.
# The tests drive /usr/bin/chromium through playwright-core; they never download a browser of
# their own (`npx playwright install` is not used anywhere).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present) at /usr/bin/chromium"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
