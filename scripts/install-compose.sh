#!/usr/bin/env bash
# Install Debian's docker-compose (v1) so tests/test_deploy.py can validate docker-compose.yml
# with `docker-compose config -q`; a no-op when a docker-compose binary is already present.
# No Docker engine is needed (or installed) for that check.
set -euo pipefail
exec "$(dirname "$0")/apt-ensure.sh" "command -v docker-compose" docker-compose
