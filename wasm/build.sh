#!/usr/bin/env bash
# Builds the jazu npm package into wasm/pkg/ and the demo site into wasm/site/.
#
#   bash wasm/build.sh
#
# Steps: cargo (wasm32-unknown-unknown, release) → wasm-bindgen for --target web and
# --target nodejs → wasm-opt -O3 (npm binaryen; as small as -Oz here and faster; Debian's binaryen 108 breaks the module) →
# package.json, README, ES-module wrapper of the Node build (scripts/assemble.mjs) → site.
#
# Installs what is missing: the wasm32 target (rustup), the wasm-bindgen CLI at exactly the
# version of Cargo.lock (cargo install, several minutes the first time), and wasm/node_modules
# (npm ci). Set WASM_OPT=none to skip wasm-opt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The CLI must be the version of the wasm-bindgen crate in Cargo.lock (pinned with "=" in
# wasm/Cargo.toml): the two share an unstable schema.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  echo "build.sh: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wbg_version"; then
  # Not --locked: the CLI's own lockfile names crate versions the registry here lacks.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

if [ ! -x "$here/node_modules/.bin/wasm-opt" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

cargo build --release --target wasm32-unknown-unknown -p jazu-wasm
wasm="$root/target/wasm32-unknown-unknown/release/jazu_wasm.wasm"

pkg="$here/pkg"
rm -rf "$pkg"
wasm-bindgen --target web --out-dir "$pkg/web" --out-name jazu "$wasm"
wasm-bindgen --target nodejs --out-dir "$pkg/node" --out-name jazu "$wasm"

wasm_opt=${WASM_OPT:-$here/node_modules/.bin/wasm-opt}
if [ "$wasm_opt" != none ]; then
  for f in "$pkg/web/jazu_bg.wasm" "$pkg/node/jazu_bg.wasm"; do
    "$wasm_opt" -O3 "$f" -o "$f.opt"
    mv "$f.opt" "$f"
  done
fi

node "$here/scripts/assemble.mjs"

# The demo site: the page, the web build, and the sample news item. Static files only.
site="$here/site"
rm -rf "$site"
mkdir -p "$site/jazu"
cp "$here"/demo/* "$site/"
cp "$pkg/web/jazu.js" "$pkg/web/jazu_bg.wasm" "$site/jazu/"
cp "$root/tests/data/news-2025-11-07.txt" "$site/sample.txt"

echo "build.sh: $(wc -c < "$pkg/web/jazu_bg.wasm") bytes of wasm; package in wasm/pkg, demo in wasm/site"
