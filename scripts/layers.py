#!/usr/bin/env python3
"""Checks the direction of imports between the modules of src/.

Each file of src/ is a module. A module depends on another when it names it
in a path (`crate::report::json`, `super::edit`, or, in a parent, a child
declared with `mod`). Declaring a child with `mod` is ownership, not use.

Three things must hold:
  * no circle between modules (each file's dependencies form a DAG);
  * a module imports only from its own layer or layers below it, in the
    order of LAYERS (top first);
  * a rule file does not import another rule file.
Code inside `#[cfg(test)]` modules is left out.
Exits 1 with the offending edges otherwise. `--graph` prints every edge.
"""
import re
import sys
from pathlib import Path

# Top-level modules of src/, top layer first. A module may use modules of
# its own entry (only without circles) and of any entry after it.
LAYERS = [
    ["main", "cli"],
    ["server"],
    ["check"],
    ["config"],
    ["report"],
    ["suppress"],
    ["findings"],
    ["inventory"],
    ["guard"],
    ["rules"],
    ["access"],
    ["fix"],
    ["model", "params"],
    ["policy"],
    ["parse"],
    ["discover"],
    ["boundary"],
    ["source", "tree"],
    ["lib"],
]

ROOT = Path(__file__).resolve().parent.parent / "src"


def module_of(path: Path) -> tuple:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)


def strip(text: str) -> str:
    """Code without comments, strings and characters, so text is not a path."""
    token = re.compile(
        r"//[^\n]*"  # line comment
        r"|/\*.*?\*/"  # block comment
        r'|b?r(#*)".*?"\1'  # raw string
        r'|b?"(?:\\.|[^"\\])*"'  # string
        r"|b?'(?:\\.|[^'\\])'",  # character
        re.S,
    )
    return token.sub(lambda m: '""' if m.group(0)[-1] in "\"'#" else " ", text)


def expand_use_trees(text: str) -> list:
    """Paths written in `use` items, braces expanded."""
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        tree = re.sub(r"\s+", "", m.group(1))
        paths.extend((m.start(), p) for p in _expand(tree))
    return paths


def closing(text: str, open_at: int) -> int:
    """The index of the brace closing the one at `open_at`."""
    depth = 0
    for j in range(open_at, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(text)


def without_tests(text: str) -> str:
    """The code less `#[cfg(test)]` modules: tests may build their input
    with any layer, as with cargo-modules, which leaves them out too."""
    pattern = r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{"
    for m in reversed(list(re.finditer(pattern, text))):
        text = text[: m.start()] + text[closing(text, m.end() - 1) + 1 :]
    return text


def inline_modules(text: str) -> list:
    """The byte ranges of `mod name { ... }` blocks."""
    return [(m.start(), closing(text, m.end() - 1)) for m in re.finditer(r"\bmod\s+\w+\s*\{", text)]


def _expand(tree: str) -> list:
    i = tree.find("{")
    if i < 0:
        return [p for p in tree.split(",") if p]
    prefix = tree[:i]
    depth, j = 0, i
    for j in range(i, len(tree)):
        if tree[j] == "{":
            depth += 1
        elif tree[j] == "}":
            depth -= 1
            if depth == 0:
                break
    inner, rest = tree[i + 1 : j], tree[j + 1 :]
    items, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    items.append(cur)
    out = []
    for item in items:
        if item:
            out.extend(prefix + p for p in _expand(item))
    if rest.startswith(","):
        out.extend(_expand(rest[1:]))
    return out


def main() -> int:
    files = sorted(ROOT.rglob("*.rs"))
    modules = {module_of(f): f for f in files}
    edges = {}
    for f in files:
        me = module_of(f)
        here = me
        text = without_tests(strip(f.read_text()))
        children = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M))
        inline = inline_modules(text)
        raw = expand_use_trees(text)
        raw += [
            (m.start(), m.group(1))
            for m in re.finditer(r"\b((?:crate|super|self|bucketlint)(?:::\w+)+)", text)
        ]
        raw += [
            (m.start(), m.group(1))
            for c in children
            for m in re.finditer(r"(?<![\w:])(" + c + r"(?:::\w+)+)", text)
        ]
        deps = set()
        for pos, p in raw:
            segs = [s for s in p.split("::") if s]
            if not segs:
                continue
            if segs[0] in ("crate", "bucketlint"):
                # The binary (main.rs, cli/) names the library `bucketlint`.
                base, segs = (), segs[1:]
            elif segs[0] in ("super", "self"):
                # `super` inside an inline module (`mod tests { ... }`) first
                # leaves that module, which is still this file.
                depth = sum(1 for a, b in inline if a < pos < b)
                base = list(here)
                while segs and segs[0] in ("super", "self"):
                    if segs[0] == "super":
                        if depth:
                            depth -= 1
                        else:
                            base = base[:-1]
                    segs = segs[1:]
                if depth:
                    continue
                base = tuple(base)
            elif segs[0] in children:
                base = here
            else:
                continue
            # The longest prefix that is a module file.
            target = None
            for n in range(len(segs), -1, -1):
                cand = base + tuple(segs[:n])
                if cand in modules:
                    target = cand
                    break
            if target is None and base == () and segs and segs[0] in ("main",):
                continue
            if target is not None and target != me:
                deps.add(target)
        if f.name == "lib.rs":
            deps = set()  # lib.rs only declares the modules
        edges[me] = deps

    if "--graph" in sys.argv:
        for a in sorted(edges):
            for b in sorted(edges[a]):
                print("::".join(a) or "lib", "->", "::".join(b) or "lib")
        return 0

    problems = []
    rank = {}
    for i, layer in enumerate(LAYERS):
        for name in layer:
            rank[name] = i
    for a, ds in edges.items():
        top_a = a[0] if a else "lib"
        if top_a not in rank:
            problems.append(f"src/{'/'.join(a)}: top-level module `{top_a}` is not in LAYERS of scripts/layers.py")
            continue
        for b in ds:
            top_b = b[0] if b else "lib"
            if rank.get(top_b, -1) < rank[top_a]:
                problems.append(f"{'::'.join(a)} -> {'::'.join(b)}: `{top_a}` may not import `{top_b}`, a layer above it")

    # A rule file imports the rule interface and the shared helpers, never
    # a sibling rule: shared code lives in rules/helpers/.
    shared = {"rule", "registry", "helpers"}
    for a, ds in edges.items():
        if len(a) == 2 and a[0] == "rules" and a[1] not in shared:
            for b in ds:
                if len(b) >= 2 and b[0] == "rules" and b[1] not in shared:
                    problems.append(
                        f"{'::'.join(a)} -> {'::'.join(b)}: a rule may not import another rule; "
                        "move what they share to rules/helpers/"
                    )

    # Circles: Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in sccs:
        names = sorted("::".join(c) for c in comp)
        members = set(comp)
        inner = sorted(
            f"{'::'.join(a)} -> {'::'.join(b)}" for a in comp for b in edges[a] if b in members
        )
        problems.append("import circle between " + ", ".join(names) + ":\n    " + "\n    ".join(inner))

    for p in problems:
        print(p)
    if problems:
        print(f"\n{len(problems)} layering problem(s); see docs/design.md, \"Layers\".")
        return 1
    print(f"layers: {len(edges)} modules, no circle, every import goes down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
