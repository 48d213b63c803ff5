#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) into .vscode-test/code-server, outside the
# project's dependencies. @vscode/ripgrep's install would download from GitHub, which this
# network refuses, so it is handed Debian's rg through its cache instead.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.vscode-test/code-server
if [ -x "$dest/node_modules/.bin/code-server" ] && "$dest/node_modules/.bin/code-server" --version >/dev/null 2>&1; then exit 0; fi
rg=$(command -v rg) || { echo "ripgrep is missing: apt-get install -y ripgrep" >&2; exit 1; }
cache=/tmp/vscode-ripgrep-cache-1.15.11
mkdir -p "$cache" /tmp/rgpk "$dest"
cp "$rg" /tmp/rgpk/rg
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /tmp/rgpk rg
cd "$dest"
[ -f package.json ] || npm init -y >/dev/null
# code-server's postinstall installs VS Code's own modules into lib/vscode (with npm, from the npm
# registry); as root it refuses to run unless unsafe-perm is set, and npm 11 only passes that on
# through the environment (the --unsafe-perm flag is ignored).
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund code-server@4.100.3
[ -d node_modules/code-server/lib/vscode/node_modules/@microsoft ] || { echo "code-server's postinstall did not install VS Code's modules" >&2; exit 1; }
node_modules/.bin/code-server --version >/dev/null || { echo "code-server was installed but does not start" >&2; exit 1; }
