#!/usr/bin/env bash
# The version of bucketlint the Action installs, for its cache key: the
# `version` input, else the version of the action's own source.
#
# Environment: INPUT_VERSION, BUCKETLINT_ACTION_PATH, GITHUB_OUTPUT.
set -euo pipefail
source_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "${BUCKETLINT_ACTION_PATH:?}/Cargo.toml" | head -n 1)
version="${INPUT_VERSION:-$source_version}"
echo "version=${version#v}" >> "${GITHUB_OUTPUT:?}"
