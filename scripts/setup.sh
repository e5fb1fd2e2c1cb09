#!/usr/bin/env bash
# One-step set-up on a fresh Debian 12 / Node 20 machine: system packages, npm dependencies
# (exact versions from the lock file), and a build of every package.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
# The MCP inspector and conformance suite need Node 22: they get their own install (packages/mcp/peers).
npm ci --prefix packages/mcp/peers --no-audit --no-fund
npm run build
