#!/usr/bin/env bash
# Install Debian's docker-compose (v1) so tests/test_deploy.py can validate docker-compose.yml
# with `docker-compose config -q`; a no-op when a docker-compose binary is already present.
# No Docker engine is needed (or installed) for that check.
set -euo pipefail

if command -v docker-compose >/dev/null 2>&1; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends docker-compose
docker-compose version
