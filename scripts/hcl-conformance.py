#!/usr/bin/env python3
"""Every Terraform file Terraform accepts parses.

Checks every `.tf` file under PATH (the shared corpus of real modules) and
lists the files bucketlint rejects as invalid HCL. Each must be listed in
scripts/hcl-known-invalid.txt with why Terraform rejects it too (the file
is not valid HCL: a peer's test data for its own error handling); any
other rejected file fails the run, as does a listed file that now parses.

Usage: scripts/hcl-conformance.py [--bin BIN] PATH
Exits 1 on a disagreement, 2 when bucketlint could not run.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def known(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, why = line.partition("  ")
            out[name] = why.strip()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/bucketlint")
    ap.add_argument("path")
    a = ap.parse_args()
    files = sorted(
        os.path.join(d, f)
        for d, _, names in os.walk(a.path)
        for f in names
        if f.endswith(".tf")
    )
    p = subprocess.run(
        [a.bin, "check", "--format", "json", "--select", "BL001", "--allow-empty", a.path],
        capture_output=True,
        text=True,
    )
    if p.returncode not in (0, 1, 2) or not p.stdout.strip():
        sys.stderr.write(f"bucketlint: exit {p.returncode}\n{p.stderr}")
        sys.exit(2)
    report = json.loads(p.stdout)
    rejected = {}
    for e in report.get("errors", []):
        if "invalid HCL" in e.get("message", ""):
            rel = os.path.relpath(e["file"], a.path).replace(os.sep, "/")
            rejected[rel] = f"{e.get('line')}:{e.get('column')}: {e['message']}"
    expected = known(os.path.join(HERE, "hcl-known-invalid.txt"))
    bad = 0
    for rel, why in sorted(rejected.items()):
        if rel not in expected:
            bad += 1
            print(f"rejected, but Terraform accepts it: {rel}:{why}")
    for rel in sorted(set(expected) - set(rejected)):
        bad += 1
        print(f"listed as invalid, but parsed: {rel}")
    print(
        f"hcl conformance: {len(files)} .tf files, {len(rejected)} rejected "
        f"({len(expected)} known invalid), {bad} disagreements"
    )
    sys.exit(1 if bad else 0)


main()
