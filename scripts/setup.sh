#!/usr/bin/env bash
# One-step set-up on a fresh Debian 12 / Node 20 machine: system packages, npm dependencies
# (exact versions from the lock file), a build of every package, and the native engine (llama.cpp
# built for this machine; cached under $HEARTH_HOME by a key of its source, so it compiles, for about
# 4 minutes on 2 cores, only when node-llama-cpp's llama.cpp source changes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
# The MCP inspector and conformance suite need Node 22: they get their own install (packages/mcp/peers).
npm ci --prefix packages/mcp/peers --no-audit --no-fund
npm run build
if ! node packages/cli/bin/hearth.js engine build; then
  echo "setup: building the native engine (hearth engine build) failed; see its message above." >&2
  echo "setup: Hearth still works on the prebuilt llama-node engine; fix the cause and run: npm run hearth -- engine build" >&2
  exit 1
fi
