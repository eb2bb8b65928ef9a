#!/usr/bin/env bash
# Usage: apt-ensure.sh "CHECK COMMAND" PACKAGE...
# Install Debian packages unless the check command already succeeds (sudo when not root).
set -euo pipefail
check=$1
shift
if bash -c "$check" >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "$@"
