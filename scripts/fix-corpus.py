#!/usr/bin/env python3
"""`--fix --unsafe-fixes` on every real template we have, as a user runs it.

Copies the real-world corpus and a generated corpus (100 templates) into a
scratch folder, fixes them once, and asserts:
  - no file that bucketlint could read before fails to read after (JSON in
    heredocs and strings included: bucketlint reads those too), and no
    internal error;
  - a second run changes nothing (one run reaches the fixed point);
  - no CloudFormation template has more cfn-lint errors than before;
  - a Terraform file `terraform fmt` left alone before it leaves alone
    after (when `terraform` is installed).

Usage: scripts/fix-corpus.py [SHARED_DIR]. SHARED_DIR holds corpus/realworld
and bench/gen_corpus.py; by default $BUCKETLINT_SHARED, else ../shared next
to this repository or next to the repository it was cloned from. Without it
the check is skipped (exit 0) with a message.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "bucketlint")


def shared_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    candidates = [os.environ.get("BUCKETLINT_SHARED", ""), os.path.join(ROOT, "..", "shared")]
    try:
        origin = subprocess.run(["git", "-C", ROOT, "remote", "get-url", "origin"],
                                capture_output=True, text=True).stdout.strip()
        if origin and os.path.isdir(origin):
            candidates.append(os.path.join(origin, "..", "shared"))
    except OSError:
        pass
    for c in candidates:
        if c and os.path.isdir(os.path.join(c, "corpus", "realworld")):
            return c
    return None


def check(path, *extra):
    out = subprocess.run([BIN, "check", "--format", "json", *extra, path],
                         capture_output=True, text=True)
    if out.returncode > 2:
        sys.exit(f"bucketlint exited with {out.returncode}: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def hashes(path):
    out = {}
    for dirpath, _, names in os.walk(path):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                out[p] = hashlib.sha256(f.read()).hexdigest()
    return out


def is_template(path):
    if not path.endswith((".yaml", ".yml", ".json", ".template")):
        return False
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return "AWSTemplateFormatVersion" in text or "Resources" in text


def cfn_lint():
    venv = os.path.join(ROOT, "target", "cfn-lint-venv")
    exe = os.path.join(venv, "bin", "cfn-lint")
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "cfn-lint>=1,<2"],
                       check=True)
    return exe


def lint_errors(exe, files):
    """cfn-lint errors (E codes) per file, in one run over all files."""
    if not files:
        return {}
    out = subprocess.run([exe, "--format", "json", "--", *files], capture_output=True, text=True)
    try:
        found = json.loads(out.stdout or "[]")
    except json.JSONDecodeError:
        sys.exit(f"cfn-lint output is not JSON: {out.stdout[:500]} {out.stderr[:500]}")
    errors = {f: 0 for f in files}
    for m in found:
        if m.get("Level") == "Error":
            name = m["Filename"]
            errors[name] = errors.get(name, 0) + 1
    return errors


def unformatted(folder):
    """The .tf files `terraform fmt` would change, relative to `folder`."""
    out = subprocess.run(["terraform", "fmt", "-check", "-list=true", "-recursive", folder],
                         capture_output=True, text=True)
    return {os.path.relpath(l.strip(), folder) for l in out.stdout.splitlines() if l.strip()}


def main():
    shared = shared_dir()
    if not shared:
        print("fix-corpus: no shared corpus found (set BUCKETLINT_SHARED), skipped")
        return
    start = time.time()
    scratch = tempfile.mkdtemp(prefix="bucketlint-fix-")
    try:
        real = os.path.join(scratch, "realworld")
        shutil.copytree(os.path.join(shared, "corpus", "realworld"), real)
        subprocess.run([sys.executable, os.path.join(shared, "bench", "gen_corpus.py"),
                        "--out", os.path.join(scratch, "syn100"), "--files", "100",
                        "--seed", "7", "--no-manifest"], check=True, capture_output=True)
        for dirpath, _, names in os.walk(scratch):
            for n in names:
                os.chmod(os.path.join(dirpath, n), 0o644)
        original = os.path.join(tempfile.mkdtemp(prefix="bucketlint-orig-"), "copy")
        shutil.copytree(scratch, original)

        before = check(scratch)
        unreadable = {e["file"] for e in before["errors"]}
        first = hashes(scratch)
        fixed = check(scratch, "--fix", "--unsafe-fixes")
        internal = [e for e in fixed["errors"] if "internal error" in e["message"]]
        assert not internal, f"internal errors while fixing: {internal[:5]}"
        after = check(scratch)
        broken = sorted({e["file"] for e in after["errors"]} - unreadable)
        assert not broken, f"files that no longer read after --fix: {broken}"

        once = hashes(scratch)
        changed = sorted(p for p in once if once[p] != first.get(p))
        check(scratch, "--fix", "--unsafe-fixes")
        twice = hashes(scratch)
        moved = sorted(p for p in twice if twice[p] != once.get(p))
        assert not moved, f"a second --fix run changed {len(moved)} files: {moved[:5]}"

        templates = [p for p in changed if is_template(p)]
        exe = cfn_lint()
        originals = [os.path.join(original, os.path.relpath(p, scratch)) for p in templates]
        was = lint_errors(exe, originals)
        now = lint_errors(exe, templates)
        worse = []
        for fixed_path, orig_path in zip(templates, originals):
            if now.get(fixed_path, 0) > was.get(orig_path, 0):
                worse.append((os.path.relpath(fixed_path, scratch),
                              was.get(orig_path, 0), now.get(fixed_path, 0)))
        assert not worse, f"cfn-lint errors grew after --fix (file, before, after): {worse[:10]}"

        fmt = "terraform not installed, formatting not checked"
        if shutil.which("terraform"):
            was_fmt, now_fmt = unformatted(original), unformatted(scratch)
            tf_changed = {os.path.relpath(p, scratch) for p in changed if p.endswith(".tf")}
            spoiled = sorted((now_fmt - was_fmt) & tf_changed)
            assert not spoiled, f"terraform fmt would now change: {spoiled[:10]}"
            fmt = f"{len(tf_changed)} Terraform files still as terraform fmt leaves them"

        print(f"fix-corpus: {len(first)} files, {len(changed)} changed by one --fix run "
              f"({len(templates)} CloudFormation templates, cfn-lint errors not grown; {fmt}), "
              f"none broken, a second run changes nothing; {time.time() - start:.0f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
