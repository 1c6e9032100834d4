#!/usr/bin/env python3
"""Times bucketlint against a parse-only pass over the same files, and
against peers that are installed, on generated and real-world corpora.

    python3 scripts/bench.py [--runs 5] [--sets one,syn100,...] [--compare OLD_BINARY]
                             [--inventory]

Corpora are generated into bench-data/ with ../shared/bench/gen_corpus.py;
`modules200` is 200 root modules calling the fixture S3 module;
`config20000` an AWS Config export of 20,000 buckets (scripts/config-export.py).
Prints a Markdown table of median wall time and peak memory, with ratios
to the parse-only floor. Not a test: these machines are noisy, so compare
ratios measured in one sitting.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
DATA = os.path.join(ROOT, "bench-data")
GEN = os.path.join(SHARED, "bench", "gen_corpus.py")
BIN = os.path.join(ROOT, "target", "release", "bucketlint")
FLOOR = os.path.join(ROOT, "target", "release", "examples", "parse_only")


def corpus(name):
    """The path of a corpus, generated on first use."""
    if name == "realworld":
        return os.path.join(SHARED, "corpus", "realworld")
    if name == "one":
        path = os.path.join(DATA, "syn100", "s000")
        corpus("syn100")
        files = sorted(f for f in os.listdir(path) if f.endswith(".yaml"))
        return os.path.join(path, files[0])
    path = os.path.join(DATA, name)
    if name.startswith("config"):
        # An aggregator's `select` export: `config20000` is 20,000 buckets.
        export = os.path.join(path, "export.json")
        if not os.path.exists(export):
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "config-export.py"),
                            "--buckets", name.removeprefix("config") or "20000",
                            "--shape", "select", "--out", export], check=True,
                           stdout=subprocess.DEVNULL)
        return export
    if name.startswith("modules") and not os.path.isdir(path):
        modules_corpus(path, int(name.removeprefix("modules") or "200"))
        return path
    if not os.path.isdir(path):
        if name.startswith("big"):
            args = ["--big", "--buckets", name.removeprefix("big") or "5000", "--format", "all"]
        else:
            args = ["--files", name.removeprefix("syn")]
        subprocess.run([sys.executable, GEN, "--out", path, "--seed", "1", *args], check=True,
                       stdout=subprocess.DEVNULL)
    return path


def modules_corpus(path, roots):
    """`roots` root modules, each calling the fixture S3 module
    (fixtures/terraform-modules/s3-bucket) with some of its optional parts,
    in a repository (a `.git` folder bounds what is read)."""
    module = os.path.join(ROOT, "fixtures", "terraform-modules", "s3-bucket")
    shutil.copytree(module, os.path.join(path, "modules", "s3-bucket"),
                    ignore=shutil.ignore_patterns("examples"))
    os.makedirs(os.path.join(path, ".git"))
    for i in range(roots):
        root = os.path.join(path, "roots", f"r{i:03}")
        os.makedirs(root)
        public = i % 4 == 0
        parts = [
            f'  bucket = "bench-{i:03}"',
            '  acl    = "public-read"' if public else "",
            "  attach_deny_insecure_transport_policy = true" if i % 2 else "",
            '  versioning = { enabled = true }' if i % 3 else "",
            '  website = { index_document = "index.html" }' if public else "",
            '  logging = { target_bucket = "bench-logs", target_prefix = "x/" }' if i % 5 else "",
            '  lifecycle_rule = [{ id = "abort", enabled = true, abort_incomplete_multipart_upload_days = 7 }]'
            if i % 2 else "",
        ]
        body = "\n".join(p for p in parts if p)
        with open(os.path.join(root, "main.tf"), "w") as f:
            f.write(f'module "data" {{\n  source = "../../modules/s3-bucket"\n{body}\n}}\n\n'
                    f'module "logs" {{\n  source = "../../modules/s3-bucket"\n'
                    f'  count  = {i % 2}\n  bucket = "bench-logs-{i:03}"\n}}\n')


def measure(cmd, runs):
    """Median wall seconds and the largest peak RSS (MiB) over `runs` runs."""
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        walls.append(time.perf_counter() - start)
        kib = re.findall(r"^(\d+)$", p.stderr, re.M)
        peaks.append(int(kib[-1]) / 1024 if kib else float("nan"))
    return statistics.median(walls), max(peaks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sets",
                    default="one,syn100,syn1000,syn10000,realworld,big2500,big,modules200")
    ap.add_argument("--compare", metavar="BINARY",
                    help="also time another bucketlint build (e.g. before a change)")
    ap.add_argument("--inventory", action="store_true",
                    help="also time `bucketlint inventory` (JSON) on the same files")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "bucketlint",
                    "--example", "parse_only"], cwd=ROOT, check=True)
    tools = [
        ("parse-only", lambda p: [FLOOR, p]),
        ("bucketlint", lambda p: [BIN, "check", "--format", "json", "--exit-zero", p]),
    ]
    if args.inventory:
        tools.append(("inventory", lambda p: [BIN, "inventory", "--format", "json", p]))
    if args.compare:
        tools.append(("compared", lambda p: [args.compare, "check", "--format", "json",
                                             "--exit-zero", p]))
    if shutil.which("cfn-lint"):
        tools.append(("cfn-lint", lambda p: ["cfn-lint", "--format", "parseable", "--",
                                             p if os.path.isfile(p) else os.path.join(p, "**", "*.yaml")]))
    if shutil.which("checkov"):
        tools.append(("checkov", lambda p: ["checkov", "--quiet", "--compact",
                                            "-f" if os.path.isfile(p) else "-d", p]))
    print(f"{os.cpu_count()} cores; median of {args.runs} runs; ratio = time / parse-only\n")
    print("| corpus | tool | median s | peak MiB | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name in args.sets.split(","):
        path = corpus(name)
        floor = None
        for tool, cmd in tools:
            ours = tool in ("bucketlint", "parse-only", "compared", "inventory")
            if not ours and name not in ("one", "syn100"):
                continue  # the peers take minutes to hours on the larger sets
            wall, peak = measure(cmd(path), args.runs if ours else 1)
            if tool == "parse-only":
                floor = wall
            ratio = f"{wall / floor:.2f}" if floor else ""
            print(f"| {name} | {tool} | {wall:.3f} | {peak:.0f} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
