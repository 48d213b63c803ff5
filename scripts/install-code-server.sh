#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) into .vscode-test/code-server, outside the
# project's dependencies. @vscode/ripgrep's install would download from GitHub, which this
# network refuses, so it is handed Debian's rg through its cache instead.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.vscode-test/code-server
if [ -x "$dest/node_modules/.bin/code-server" ]; then exit 0; fi
rg=$(command -v rg) || { echo "ripgrep is missing: apt-get install -y ripgrep" >&2; exit 1; }
cache=/tmp/vscode-ripgrep-cache-1.15.11
mkdir -p "$cache" /tmp/rgpk "$dest"
cp "$rg" /tmp/rgpk/rg
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /tmp/rgpk rg
cd "$dest"
[ -f package.json ] || npm init -y >/dev/null
# npm 11 skips dependency install scripts by default; code-server's tarball already ships VS Code's
# modules (prebuilt native ones, rg, the node_modules.asar link), so its postinstall is not needed.
npm_config_yes=true npm install --no-audit --no-fund code-server@4.100.3
