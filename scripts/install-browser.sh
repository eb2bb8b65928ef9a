#!/usr/bin/env bash
# Install Debian's Chromium and its driver for the browser tests; a no-op when both are present.
set -euo pipefail
exec "$(dirname "$0")/apt-ensure.sh" "test -x /usr/bin/chromium && test -x /usr/bin/chromedriver" \
    chromium chromium-driver
