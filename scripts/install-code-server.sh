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
# code-server's tarball already ships VS Code's modules (prebuilt native ones, rg, the
# node_modules.asar link). Its postinstall would reinstall them and, as root, refuses to run
# without --unsafe-perm, which npm 11 no longer passes on; whether npm runs it at all depends on
# npm's script policy (it did under CI=true). Skip it always, so every machine gets the same tree.
npm_config_yes=true npm install --no-audit --no-fund --ignore-scripts code-server@4.100.3
# The one native module not shipped built: argon2 (loaded at start even with --auth none). Its
# prebuilt download is unreachable here, so node-gyp builds it from source (python3, make, g++).
npm rebuild argon2
node_modules/.bin/code-server --version >/dev/null || { echo "code-server was installed but does not start" >&2; exit 1; }
