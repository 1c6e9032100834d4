#!/usr/bin/env bash
# Regenerates docs/inventory.png, the README's picture of the inventory
# page: the fixtures' inventory in headless Chromium, sorted by exposure,
# one bucket opened onto its findings.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/bucketlint inventory --format html fixtures/inventory > "$work/inventory.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$work/profile" --window-size=1400,1400 \
  --screenshot=docs/inventory.png "file://$work/inventory.html#sort=3&open=Legacy" 2> /dev/null
echo "wrote docs/inventory.png"
