#!/usr/bin/env python3
"""Times `bucketlint server` on one template: from a save to the
diagnostics for that version, as an editor sees it (debounce not included:
a save is checked at once).

    python3 scripts/lsp_latency.py [--buckets 8] [--runs 50] [--binary PATH]

The template comes from ../shared/bench/gen_corpus.py (--big, 8 buckets:
about 500 lines). Prints the median and 95th percentile, and `bucketlint
check` on the same file for a ratio. Not a test: compare figures measured
in one sitting.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.startswith(b"Content-Length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--buckets", type=int, default=8)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "bucketlint"))
    args = ap.parse_args()

    work = tempfile.mkdtemp()
    subprocess.run([sys.executable, GEN, "--out", work, "--big", "--buckets", str(args.buckets),
                    "--format", "cfn-yaml", "--seed", "1", "--no-manifest"],
                   check=True, stdout=subprocess.DEVNULL)
    path = os.path.join(work, f"big-{args.buckets}.yaml")
    text = open(path).read()
    uri = "file://" + path

    server = subprocess.Popen([args.binary, "server"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, cwd=work)
    send = lambda m: (server.stdin.write(frame(m)), server.stdin.flush())
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    while "id" not in read(server.stdout):
        pass
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 0, "text": text}}})

    def wait(version):
        while True:
            m = read(server.stdout)
            if (m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"].get("version") == version):
                return len(m["params"]["diagnostics"])

    findings = wait(0)
    times = []
    for version in range(1, args.runs + 1):
        edited = text + f"# edit {version}\n"
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": edited}]}})
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didSave",
              "params": {"textDocument": {"uri": uri}}})
        wait(version)
        times.append(time.perf_counter() - start)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    server.wait(timeout=10)

    cli = []
    for _ in range(min(args.runs, 20)):
        start = time.perf_counter()
        subprocess.run([args.binary, "check", "--exit-zero", "--quiet", path],
                       stdout=subprocess.DEVNULL, cwd=work)
        cli.append(time.perf_counter() - start)

    times.sort()
    lines = text.count("\n")
    print(f"{lines} lines, {findings} diagnostics, {args.runs} saves")
    print(f"server: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms")
    print(f"`bucketlint check` on the file: median {statistics.median(cli) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
