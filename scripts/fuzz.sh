#!/usr/bin/env bash
# Fuzzes the parsers and the whole pipeline with cargo-fuzz (nightly).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
#   targets: yaml json hcl pipeline safe (default: all, one after the other)
# Seeds come from fixtures/; the corpus grows under fuzz/corpus/<target>.
# A crashing input is left in fuzz/artifacts/<target>/: once fixed, make it
# a test in tests/hostile.rs so it stays fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(yaml json hcl pipeline safe); fi
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked
# A nightly toolchain when there is one (with AddressSanitizer); else the
# stable one, allowed the unstable flags cargo-fuzz passes, without a
# sanitizer (the code is safe Rust: panics and hangs are what is sought).
fuzz=(cargo +nightly fuzz)
run=(run)
if ! cargo +nightly --version > /dev/null 2>&1; then
  fuzz=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
  run=(run -s none)
fi

seed() {
  local target=$1 dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  case "$target" in
    yaml) find fixtures -name '*.yaml' -exec cp {} "$dir/" \; ;;
    json) find fixtures -name '*.json' -exec cp {} "$dir/" \; ;;
    hcl) find fixtures -name '*.tf' -exec cp {} "$dir/" \; ;;
    pipeline)
      # The first byte picks the format: 0 YAML, 1 JSON, 2 HCL, 3 .tf.json.
      local i=0 f
      while IFS= read -r f; do
        case "$f" in
          *.yaml) b='\x00' ;; *.tf.json) b='\x03' ;; *.json) b='\x01' ;; *.tf) b='\x02' ;;
        esac
        { printf "$b"; cat "$f"; } > "$dir/seed-$i"
        i=$((i + 1))
      done < <(find fixtures -name '*.yaml' -o -name '*.json' -o -name '*.tf')
      # Hostile shapes (tests/attacks.rs): chained locals and conditions.
      {
        printf '\x02locals {\n  l0 = "x"\n'
        for n in $(seq 1 30); do printf '  l%d = [local.l%d, local.l%d]\n' "$n" $((n - 1)) $((n - 1)); done
        printf '}\nresource "aws_s3_bucket" "b" {\n  bucket = "b-${length(local.l30)}"\n}\n'
      } > "$dir/hostile-locals"
      {
        printf '\x00Conditions:\n  C0: !Equals [a, b]\n'
        for n in $(seq 1 2000); do printf '  C%d: !Not [!Condition C%d]\n' "$n" $((n - 1)); done
        printf 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Condition: C2000\n'
      } > "$dir/hostile-conditions"
      ;;
    safe)
      printf '::error file=x::y\n##vso[task.setvariable]1' > "$dir/commands"
      printf 'a\033]52;c;eA==\007b\rc\n`x`|[l](u)![i](u)' > "$dir/controls"
      printf '=HYPERLINK("u")\n@team ```code``` \342\200\256' > "$dir/cells"
      ;;
  esac
}

for target in "${targets[@]}"; do
  seed "$target"
  echo "fuzzing $target for ${seconds}s"
  (cd fuzz && "${fuzz[@]}" "${run[@]}" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
done
