#!/usr/bin/env bash
# Second command of the README: every test. Unit and integration tests run
# against SQLite and PostgreSQL; the end-to-end tests start the portal and
# drive it in Chromium. Prints one closing line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
source scripts/services.sh
export CI=true
# The template harness also installs and tests the services the templates
# generate (needs the npm registry, as the install does).
export TEMPLATE_HARNESS_SERVICE_TESTS=1

if [ ! -d node_modules ]; then
  yarn install --immutable || exit 1
fi

mkdir -p node_modules/.cache
unit_json=node_modules/.cache/unit-results.json
rm -f "$unit_json"
yarn backstage-cli repo test --json --outputFile="$unit_json"
unit_status=$?

e2e_json=node_modules/.cache/e2e-results
rm -f "$e2e_json".*.json
E2E_JSON_PREFIX="$e2e_json" node e2e/run.mjs
e2e_status=$?

node scripts/summarize-tests.mjs "$unit_json" "$e2e_json".register.json "$e2e_json".survives.json
summary_status=$?

if [ $unit_status -ne 0 ] || [ $e2e_status -ne 0 ] || [ $summary_status -ne 0 ]; then
  exit 1
fi
