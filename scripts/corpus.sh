#!/usr/bin/env bash
# Checks the real-world corpus (../shared/corpus/realworld, when present):
# no crash, no internal error, and errors only in the files listed in
# scripts/corpus-defects.tsv. Usage: scripts/corpus.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/realworld}"
if [ ! -d "$corpus" ]; then
  echo "corpus: $corpus not present, skipped"
  exit 0
fi
cargo build --release --quiet
report=$(mktemp)
trap 'rm -f "$report"' EXIT
start=$(date +%s.%N)
set +e
./target/release/bucketlint check --format json "$corpus" > "$report"
code=$?
set -e
end=$(date +%s.%N)
if [ "$code" -gt 2 ]; then
  echo "corpus: bucketlint exited with $code (crash)" >&2
  exit 1
fi
python3 - "$report" "$corpus" scripts/corpus-defects.tsv "$start" "$end" <<'PY'
import json, os, sys
report, corpus, defects, start, end = sys.argv[1:]
d = json.load(open(report))
known = {l.split("\t")[0] for l in open(defects) if l.strip() and not l.startswith("#")}
root = os.path.normpath(corpus)
errors = {}
for e in d["errors"]:
    errors.setdefault(os.path.relpath(os.path.normpath(e["file"]), root), []).append(e["message"])
bad = False
for f, msgs in sorted(errors.items()):
    if any("internal error" in m for m in msgs):
        print(f"internal error: {f}"); bad = True
    elif f not in known:
        print(f"unexpected error: {f}: {msgs[0]}"); bad = True
for f in sorted(known - errors.keys()):
    print(f"expected an error, got none: {f}"); bad = True
s = d["summary"]
print(f"corpus: {s['files']} files, {s['resources']} resources, {s['findings']} findings, "
      f"{len(errors)} files with errors (all known: {not bad}), {len(d['notes'])} notes, "
      f"{float(end) - float(start):.2f} s")
sys.exit(1 if bad else 0)
PY
