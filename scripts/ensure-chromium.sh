#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the console's end-to-end tests
# (playwright-core drives /usr/bin/chromium; it downloads no browser itself).
set -euo pipefail

if [ -x "${DBPLANE_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "Chromium is at ${DBPLANE_CHROMIUM:-/usr/bin/chromium}"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium is not installed and this is not root: install it (apt-get install chromium)" >&2
  exit 1
fi
echo "installing chromium from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
