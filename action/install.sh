#!/usr/bin/env bash
# Installs bucketlint for the GitHub Action and puts it on the PATH of the
# later steps: the released binary for this runner when there is one (its
# SHA-256 checked), otherwise a build with `cargo install --locked`.
#
# Environment: INPUT_VERSION (empty: the version of the action's source),
# BUCKETLINT_ACTION_PATH, BUCKETLINT_ACTION_REPOSITORY, BUCKETLINT_BIN_DIR,
# GITHUB_PATH; BUCKETLINT_DOWNLOAD_BASE overrides where releases are
# downloaded from.
set -euo pipefail

action_path="${BUCKETLINT_ACTION_PATH:?}"
bin_dir="${BUCKETLINT_BIN_DIR:?}"
source_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
version="${INPUT_VERSION:-$source_version}"
version="${version#v}"

installed() {
  echo "$bin_dir" >> "${GITHUB_PATH:?}"
  echo "bucketlint $version installed ($1)"
  exit 0
}

if [ -x "$bin_dir/bucketlint" ] && [ "$("$bin_dir/bucketlint" --version)" = "bucketlint $version" ]; then
  installed "cached"
fi
mkdir -p "$bin_dir"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) target="" ;;
esac

# Inside a composite action `github.action_repository` is empty; the runner
# keeps the action at .../_actions/<owner>/<repository>/<ref>.
repository="${BUCKETLINT_ACTION_REPOSITORY:-}"
if [ -z "$repository" ]; then
  case "${action_path%/}" in
    */_actions/*/*/*)
      rest="${action_path%/}"
      rest="${rest%/*}"
      name="${rest##*/}"
      rest="${rest%/*}"
      repository="${rest##*/}/$name"
      ;;
  esac
fi
base="${BUCKETLINT_DOWNLOAD_BASE:-}"
if [ -z "$base" ] && [ -n "$repository" ]; then
  base="https://github.com/$repository/releases/download"
fi

sha256() {
  if command -v sha256sum > /dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d ' ' -f 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "$base" ] && [ -n "$target" ]; then
  asset="bucketlint-$version-$target.tar.gz"
  url="$base/v$version/$asset"
  if curl -fsSL --retry 3 -o "$work/$asset" "$url" && curl -fsSL --retry 3 -o "$work/$asset.sha256" "$url.sha256"; then
    expected=$(cut -d ' ' -f 1 < "$work/$asset.sha256")
    actual=$(sha256 "$work/$asset")
    if [ "$expected" != "$actual" ]; then
      # A tampered or broken download is an error, not a reason to build.
      echo "::error::checksum mismatch for $url (expected $expected, got $actual)" >&2
      exit 1
    fi
    tar -xzf "$work/$asset" -C "$work"
    install -m 755 "$(find "$work" -type f -name bucketlint | head -n 1)" "$bin_dir/bucketlint"
    installed "release $asset"
  fi
  echo "no release asset at $url; building from source"
fi

if ! command -v cargo > /dev/null; then
  echo "::error::no bucketlint release for this runner and no cargo to build it" >&2
  exit 1
fi
if [ "$version" = "$source_version" ]; then
  cargo install --locked --root "$work/root" --path "$action_path"
else
  cargo install --locked --root "$work/root" bucketlint --version "$version"
fi
install -m 755 "$work/root/bin/bucketlint" "$bin_dir/bucketlint"
installed "built with cargo"
