#!/usr/bin/env bash
# The checks CI runs, in the debug profile for speed: formatting, lints,
# tests. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets -q -- -D warnings
cargo test -q 2>&1 | grep -E "^test result|FAILED|panicked" || true
cargo test -q >/dev/null 2>&1
