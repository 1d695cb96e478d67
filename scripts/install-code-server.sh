#!/usr/bin/env bash
# Installs code-server (a real VS Code: workbench in the browser, extension host
# in Node) for the editor test suite, without the downloads its normal install
# makes: the npm package without install scripts, its native modules rebuilt
# locally, ripgrep linked from Debian. Idempotent: a working install is left alone.
# Needs the Debian packages libkrb5-dev, ripgrep and chromium (.ci/run installs them).
set -euo pipefail

VERSION=4.100.3
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${BURR_CODE_SERVER_DIR:-$root/.cache/code-server}"
pkg="$dest/node_modules/code-server"
bin="$pkg/out/node/entry.js"
marker="$dest/.installed-$VERSION"

works() {
  [ -f "$marker" ] && [ -f "$bin" ] && node "$bin" --version 2>/dev/null | grep -q "^$VERSION"
}

if works; then
  echo "code-server $VERSION already installed in $dest"
  exit 0
fi

for need in rg; do
  command -v "$need" >/dev/null || { echo "missing $need: apt-get install -y ripgrep" >&2; exit 1; }
done
dpkg -s libkrb5-dev >/dev/null 2>&1 || { echo "missing libkrb5-dev: apt-get install -y libkrb5-dev" >&2; exit 1; }

rm -f "$marker"
mkdir -p "$dest"
cd "$dest"
[ -f package.json ] || echo '{ "name": "burr-code-server", "private": true }' > package.json

echo "== code-server@$VERSION (no install scripts: they fail as root and download ripgrep)"
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
npm rebuild argon2

echo "== VS Code's own dependencies and native modules"
cd "$pkg/lib/vscode"
npm install --no-audit --no-fund --omit=dev --ignore-scripts
# node-pty's build script runs `npx node-gyp`, which would prompt.
npm_config_yes=true npm rebuild @vscode/deviceid @vscode/spdlog kerberos native-watchdog node-pty @parcel/watcher

echo "== links the normal install would have made"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)

echo "== built-in extensions' dependencies (the TypeScript extension needs them)"
(cd extensions && npm install --no-audit --no-fund --omit=dev)

node "$bin" --version | grep -q "^$VERSION" || { echo "code-server $VERSION does not start" >&2; exit 1; }
touch "$marker"
echo "code-server $VERSION installed in $dest"
