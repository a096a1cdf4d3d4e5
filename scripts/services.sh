#!/usr/bin/env bash
# Source this file to make the test services available:
#  - PostgreSQL 15 (Debian's package), started, with the connection string that
#    Backstage's TestDatabases reads;
#  - Chromium (Debian's package) for the Playwright end-to-end tests.
# Installs through apt-get when run as root and a service is missing. If an
# external PostgreSQL is already configured through
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, it is used as is.

_portal_apt_updated=""
_portal_apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    echo "services: '$*' is missing; install it (Debian: apt-get install -y $*)" >&2
    return 1
  fi
  if [ -z "$_portal_apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    _portal_apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

if [ ! -x /usr/bin/chromium ] && [ -z "${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-}" ]; then
  echo "services: installing Chromium" >&2
  _portal_apt_install chromium
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  if ! command -v pg_ctlcluster >/dev/null || [ ! -d /usr/lib/postgresql/15 ]; then
    echo "services: installing PostgreSQL 15" >&2
    _portal_apt_install postgresql-15 postgresql-client-15
  fi
  if [ -d /usr/lib/postgresql/15 ]; then
    if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
      pg_createcluster 15 main >&2
    fi
    if ! pg_lsclusters -h | grep -q '^15 *main.*online'; then
      pg_ctlcluster 15 main start >&2
    fi
    for _ in $(seq 1 30); do
      pg_isready -q -h localhost -p 5432 && break
      sleep 1
    done
    su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
    export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres:postgres@localhost:5432
  fi
fi
