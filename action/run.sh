#!/usr/bin/env bash
# Runs bucketlint for the GitHub Action and sets its outputs.
#
# Environment: INPUT_PATHS, INPUT_ARGS (split on white space, never
# globbed), INPUT_CONFIG, INPUT_FORMAT, INPUT_SARIF_FILE, INPUT_FAIL_ON,
# GITHUB_OUTPUT; RUNNER_TEMP for scratch files.
set -uo pipefail
# Word splitting of the inputs is wanted; file name expansion is not.
set -f

args=(check --format "${INPUT_FORMAT:-github}")
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "${INPUT_FAIL_ON:-}" ]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
sarif="${INPUT_SARIF_FILE:-}"
if [ -n "$sarif" ]; then
  mkdir -p "$(dirname "$sarif")"
  args+=(--output-file "sarif=$sarif")
fi
# The findings are counted from a JSON Lines copy of the report.
lines=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/bucketlint-lines.XXXXXX")
args+=(--output-file "json-lines=$lines")
# shellcheck disable=SC2206
args+=(${INPUT_ARGS:-} --)
# shellcheck disable=SC2206
args+=(${INPUT_PATHS:-.})

bucketlint "${args[@]}"
code=$?

findings=$(grep -c '"kind":"finding"' "$lines" 2> /dev/null)
rm -f "$lines"
{
  echo "findings=${findings:-0}"
  echo "sarif-file=$sarif"
  echo "exit-code=$code"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
