#!/usr/bin/env python3
"""One verdict per bucket: does the inventory say what `check` found?

For every bucket `inventory` lists, the findings on it (the row's own list,
accepted ones included: a suppression accepts a finding, it does not make
the bucket private) must agree with its exposure:

  - "public"  <=> a high public-access finding that holds for every input;
  - "unknown" =>  no such finding;
  - a public-access finding that holds only for some inputs and nothing
    that holds always => "unknown".

and every public-access finding `check` reports on a bucket must be on
that bucket's row. Public-access findings are those of BL101, BL102,
BL103, BL106 and BL201.

Usage: scripts/one-verdict.py [--bin BIN] PATH...
Prints each disagreement and a count; exits 1 when any bucket disagrees,
2 when bucketlint could not run.
"""
import argparse
import json
import subprocess
import sys

PUBLIC = {"BL101", "BL102", "BL103", "BL106", "BL201"}
# How a finding says it holds only for some inputs (src/check/unit.rs and
# BL201's conditional expressions).
SOME_INPUTS = ("This holds only", "for some inputs only")


def run(binary, args):
    p = subprocess.run([binary] + args, capture_output=True, text=True)
    if p.returncode not in (0, 1, 2) or not p.stdout.strip():
        sys.stderr.write(f"{binary} {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
        sys.exit(2)
    return json.loads(p.stdout)


def verdict(findings):
    """'public', 'some-inputs' or None, from a row's findings."""
    found = [f for f in findings if f["rule"] in PUBLIC and f["severity"] == "high"]
    if any(not any(m in f["message"] for m in SOME_INPUTS) for f in found):
        return "public"
    return "some-inputs" if found else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/bucketlint")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    check = run(a.bin, ["check", "--format", "json", "--allow-empty", "--select", "all"] + a.paths)
    inventory = run(a.bin, ["inventory", "--format", "json", "--allow-empty"] + a.paths)
    rows = inventory["buckets"]
    bad = []
    on_rows = set()
    for r in rows:
        findings = r["findings"] + r["accepted"]
        for f in r["findings"]:
            on_rows.add((f["rule"], f["file"], f["line"], f["column"]))
        level = r["exposure"]["level"]
        says = verdict(findings)
        where = f"{r['file']}:{r['line']}: {r['id']}"
        if (level == "public") != (says == "public"):
            bad.append(f"{where}: inventory {r['exposure']['summary']!r}, check {says or 'nothing public'}")
        elif says == "some-inputs" and level != "unknown":
            bad.append(f"{where}: inventory {level}, check public for some inputs only")
    # Every public-access finding on a listed bucket is on a row. Buckets
    # not declared in the run (a policy on `var.bucket_name`) have none.
    listed = {(r["file"], r["line"], r["id"]) for r in rows}
    for f in check["findings"]:
        bucket = (f.get("bucket_file"), f.get("bucket_line"), f.get("bucket"))
        if f["rule"] in PUBLIC and bucket in listed and (f["rule"], f["file"], f["line"], f["column"]) not in on_rows:
            bad.append(f"{f['file']}:{f['line']}: {f['rule']} on `{f['bucket']}` is on no inventory row")
    for b in bad:
        print(b)
    print(f"one verdict: {len(bad)} disagreements over {len(rows)} buckets")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
