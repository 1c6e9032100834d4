#!/usr/bin/env bash
# Installs bucketlint for the GitHub Action and puts it on the PATH of the
# later steps, the first way that works:
#   1. the released binary for this runner;
#   2. the wheel from PyPI, `pip install bucketlint==<version>`, when
#      Python is present: the same binary, for runners without a release
#      asset or that cannot reach github.com's releases;
#   3. a build with `cargo install --locked` (crates.io checks the crate).
# Downloads, and binaries found in the cache, are checked against the
# SHA-256 sums in this action's own files (action/checksums.txt, written
# by the release workflow into the tagged commit): whoever controls a
# release cannot also change what the action expects. A version the file
# does not list is built from source.
#
# Environment: INPUT_VERSION (empty: the version of the action's source),
# BUCKETLINT_ACTION_PATH, BUCKETLINT_ACTION_REPOSITORY, BUCKETLINT_BIN_DIR,
# GITHUB_PATH; BUCKETLINT_DOWNLOAD_BASE overrides where releases are
# downloaded from; pip reads its own settings (PIP_INDEX_URL, ...).
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

# Windows runners run this script with Git Bash; the binary is bucketlint.exe.
exe=""
case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) exe=".exe" ;;
esac
binary="$bin_dir/bucketlint$exe"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac

sha256() {
  if command -v sha256sum > /dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d ' ' -f 1
}

# The SHA-256 this action's own files give for a file name, or nothing.
checksums="$action_path/action/checksums.txt"
expected() {
  if [ -f "$checksums" ]; then
    awk -v name="$1" '$2 == name { print $1; exit }' "$checksums"
  fi
}

# A cached binary is used again only if it is the one this action expects
# (a cache can be written by other workflows of the repository).
if [ -x "$binary" ]; then
  want=""
  if [ -n "$target" ]; then want=$(expected "bucketlint-$version-$target/bucketlint$exe"); fi
  if [ -n "$want" ]; then
    if [ "$(sha256 "$binary")" = "$want" ]; then
      installed "cached, checksum verified"
    fi
    echo "the cached binary is not the one this action expects: installing again"
    rm -f "$binary"
  elif [ "$("$binary" --version)" = "bucketlint $version" ]; then
    installed "cached"
  fi
fi
mkdir -p "$bin_dir"

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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The release asset.
if [ -n "$base" ] && [ -n "$target" ]; then
  case "$target" in
    *-windows-*) asset="bucketlint-$version-$target.zip" ;;
    *) asset="bucketlint-$version-$target.tar.gz" ;;
  esac
  url="$base/v$version/$asset"
  want=$(expected "$asset")
  if [ -z "$want" ]; then
    echo "this action's files hold no checksum for $asset: the release asset is not used"
  elif curl -fsSL --retry 3 -o "$work/$asset" "$url"; then
    actual=$(sha256 "$work/$asset")
    if [ "$want" != "$actual" ]; then
      # A tampered or broken download is an error, not a reason to look
      # elsewhere.
      echo "::error::checksum mismatch for $url (expected $want, got $actual)" >&2
      exit 1
    fi
    mkdir -p "$work/release"
    case "$asset" in
      *.zip) unzip -q "$work/$asset" -d "$work/release" ;;
      *) tar -xzf "$work/$asset" -C "$work/release" ;;
    esac
    install -m 755 "$(find "$work/release" -type f -name "bucketlint$exe" | head -n 1)" "$binary"
    installed "release $asset"
  else
    echo "no release asset at $url"
  fi
fi

# 2. The wheel, from PyPI or the index pip is set up with: binary wheels
# only, never a source build here.
python=""
for candidate in python3 python; do
  if command -v "$candidate" > /dev/null && "$candidate" -m pip --version > /dev/null 2>&1; then
    python=$candidate
    break
  fi
done
# Only wheels whose SHA-256 this action lists (pip --require-hashes).
hashes=""
if [ -f "$checksums" ]; then
  hashes=$(awk -v prefix="bucketlint-$version-" 'index($2, prefix) == 1 && $2 ~ /[.]whl$/ { printf " --hash=sha256:%s", $1 }' "$checksums")
fi
if [ -n "$python" ] && [ -z "$hashes" ]; then
  echo "this action's files hold no checksum for a bucketlint $version wheel: pip is not used"
elif [ -n "$python" ]; then
  echo "bucketlint==$version$hashes" > "$work/requirements.txt"
  if "$python" -m pip install --disable-pip-version-check --quiet --no-deps --only-binary :all: \
    --require-hashes --target "$work/wheel" -r "$work/requirements.txt"; then
    found=$(find "$work/wheel" -type f -name "bucketlint$exe" -path "*/[bS]*/*" | head -n 1)
    if [ -n "$found" ]; then
      install -m 755 "$found" "$binary"
      installed "pip bucketlint==$version"
    fi
  fi
  echo "no wheel bucketlint==$version for this runner"
fi

# 3. A build from source.
if ! command -v cargo > /dev/null; then
  echo "::error::no bucketlint release or wheel for this runner, and no cargo to build it" >&2
  exit 1
fi
echo "building bucketlint $version from source"
if [ "$version" = "$source_version" ]; then
  cargo install --locked --root "$work/root" --path "$action_path"
else
  cargo install --locked --root "$work/root" bucketlint --version "$version"
fi
install -m 755 "$work/root/bin/bucketlint$exe" "$binary"
installed "built with cargo"
