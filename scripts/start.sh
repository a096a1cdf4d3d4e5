#!/usr/bin/env bash
# First command of the README: install and start the portal with the demo
# organization. Gets Node 22 and yarn first when the machine lacks them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
yarn install
exec yarn start "$@"
