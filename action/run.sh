#!/usr/bin/env bash
# Runs bucketlint for the GitHub Action and sets its outputs.
#
# Environment: INPUT_PATHS, INPUT_ARGS (split on white space, never
# globbed), INPUT_CONFIG, INPUT_FORMAT, INPUT_SARIF_FILE, INPUT_FAIL_ON,
# INPUT_ONLY_NEW, INPUT_SUMMARY, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# GITHUB_EVENT_NAME, GITHUB_EVENT_PATH; RUNNER_TEMP for scratch files.
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
# On a pull request, only what it adds: findings are compared with its base
# commit, fetched (that one commit) when the checkout lacks it.
case "${GITHUB_EVENT_NAME:-}" in
  pull_request | pull_request_target)
    if [ "${INPUT_ONLY_NEW:-true}" != "false" ] && [ -f "${GITHUB_EVENT_PATH:-}" ]; then
      base=$(python3 -c 'import json, os; print(json.load(open(os.environ["GITHUB_EVENT_PATH"]))["pull_request"]["base"]["sha"])' 2> /dev/null)
      if [ -n "$base" ] && ! git cat-file -e "$base^{commit}" 2> /dev/null; then
        git fetch --quiet --no-tags --depth=1 --end-of-options origin "$base" 2> /dev/null
      fi
      if [ -n "$base" ] && git cat-file -e "$base^{commit}" 2> /dev/null; then
        args+=(--new-since "$base")
      else
        echo "::warning title=bucketlint::the pull request's base commit could not be fetched; every finding is reported"
      fi
    fi
    ;;
esac
# The job summary: the inventory of the buckets (default), the findings
# past the annotation limit only, or nothing. GitHub takes at most 1 MiB
# per step; the inventory is cut to leave room for the findings.
summary_mode="${INPUT_SUMMARY:-inventory}"
inventory=""
case "$summary_mode" in
  inventory)
    inventory=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/bucketlint-inventory.XXXXXX")
    args+=(--output-file "inventory-md=$inventory" --markdown-limit 700000)
    ;;
  findings | none) ;;
  *)
    echo "::error title=bucketlint::summary must be inventory, findings or none, not '$summary_mode'"
    exit 2
    ;;
esac
# The findings are counted from a JSON Lines copy of the report.
lines=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/bucketlint-lines.XXXXXX")
args+=(--output-file "json-lines=$lines")
# shellcheck disable=SC2206
args+=(${INPUT_ARGS:-} --)
# shellcheck disable=SC2206
args+=(${INPUT_PATHS:-.})

if [ "$summary_mode" = none ]; then
  env -u GITHUB_STEP_SUMMARY bucketlint "${args[@]}"
else
  bucketlint "${args[@]}"
fi
code=$?
if [ -n "$inventory" ]; then
  if [ -s "$inventory" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$inventory" >> "$GITHUB_STEP_SUMMARY"
  fi
  rm -f "$inventory"
fi

findings=$(grep -c '"kind":"finding"' "$lines" 2> /dev/null)
rm -f "$lines"
# upload-sarif reads the path from the workspace root, whatever
# working-directory this step ran in.
if [ -n "$sarif" ] && [ -n "${GITHUB_WORKSPACE:-}" ]; then
  sarif=$(python3 -c 'import os, sys; print(os.path.relpath(os.path.abspath(sys.argv[1]), sys.argv[2]))' "$sarif" "$GITHUB_WORKSPACE")
fi
{
  echo "findings=${findings:-0}"
  echo "sarif-file=$sarif"
  echo "exit-code=$code"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
