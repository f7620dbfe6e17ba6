#!/usr/bin/env bash
# Sourced by .ci/run (as root on a fresh Debian 12 machine) before the tests: installs
# Debian's Chromium for the browser tests (tests/publish/test_publish_browser.py).
# Playwright drives /usr/bin/chromium; it never downloads a browser of its own.
# Idempotent: does nothing when Chromium is already there.
if [ ! -x /usr/bin/chromium ] || ! command -v chromedriver >/dev/null 2>&1; then
  _redline_sudo=""
  [ "$(id -u)" = 0 ] || _redline_sudo="sudo"
  $_redline_sudo apt-get update -qq
  $_redline_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  unset _redline_sudo
  echo "ci-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
