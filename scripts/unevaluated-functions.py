#!/usr/bin/env python3
"""Terraform built-in functions that `.tf` files under the given folders
call and bucketlint does not evaluate, with the number of calls and files:
what to implement next, or what stays unknown on purpose.

    python3 scripts/unevaluated-functions.py ../shared/corpus

The evaluated set is read from the evaluator's source (the names matched
in `functions::call` and `Ctx::call`), so the list stays current."""

import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Terraform's built-in functions (1.x), from its function reference.
BUILTIN = set("""
abs abspath alltrue anytrue base64decode base64encode base64gzip
base64sha256 base64sha512 basename bcrypt can ceil chomp chunklist cidrhost
cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat
contains csvdecode dirname distinct element endswith ephemeralasnull file
filebase64 filebase64sha256 filebase64sha512 fileexists filemd5 fileset
filesha1 filesha256 filesha512 flatten floor format formatdate formatlist
indent index issensitive join jsondecode jsonencode keys length list log
lookup lower map matchkeys max md5 merge min nonsensitive one parseint
pathexpand plantimestamp pow range regex regexall replace reverse
rsadecrypt sensitive setintersection setproduct setsubtract setunion sha1
sha256 sha512 signum slice sort split startswith strcontains strrev substr
sum templatefile templatestring textdecodebase64 textencodebase64 timeadd
timecmp timestamp title tobool tolist tomap tonumber toset tostring
transpose trim trimprefix trimspace trimsuffix try type upper urlencode
uuid uuidv5 values yamldecode yamlencode zipmap
""".split())


def evaluated():
    names = set()
    functions = open(os.path.join(ROOT, "src/model/terraform/functions.rs")).read()
    body = functions[functions.index("pub fn call("):functions.index("#[cfg(test)]")]
    names |= set(re.findall(r'"([a-z0-9_]+)"\s*(?:=>|\|)', body))
    names |= set(re.findall(r'\|\s*"([a-z0-9_]+)"', body))
    evaluator = open(os.path.join(ROOT, "src/model/terraform/eval.rs")).read()
    call = evaluator[evaluator.index("fn call(&self"):evaluator.index("fn for_expr")]
    names |= set(re.findall(r'^\s*"([a-z0-9_]+)"\s*=>', call, re.M))
    return names & BUILTIN


def main():
    known = evaluated()
    calls = collections.Counter()
    files = collections.defaultdict(set)
    for top in sys.argv[1:] or ["."]:
        for folder, _, names in os.walk(top):
            for name in names:
                if not name.endswith((".tf", ".tofu")):
                    continue
                path = os.path.join(folder, name)
                text = open(path, errors="replace").read()
                text = re.sub(r"#.*|//.*", "", text)
                for m in re.finditer(r'(?<![\w.\-"])([a-z][a-z0-9_]*)\(', text):
                    calls[m.group(1)] += 1
                    files[m.group(1)].add(path)
    left = [(n, c) for n, c in calls.most_common() if n in BUILTIN and n not in known]
    print(f"{len(known)} built-in functions evaluated; called but not evaluated:")
    for name, count in left:
        print(f"  {name}: {count} calls in {len(files[name])} files")


if __name__ == "__main__":
    main()
