//! HCL native syntax as Terraform reads it: the cases of the HCL
//! specification's test suite (comments, heredocs, operators, literals,
//! one-line blocks and attributes), written here, and the newline rules
//! inside brackets and `for` expressions that real modules rely on. Every
//! valid case parses; every invalid one is an error with a position.

use bucketlint::parse::hcl::parse;

const VALID: &[(&str, &str)] = &[
    ("hash comment", "# a comment\na = 1\n"),
    ("slash comment", "// a comment\na = 1\n"),
    ("multi-line comment", "/* a\n comment */\na = 1\n"),
    ("heredoc", "a = <<EOT\nhello\n  world\nEOT\n"),
    ("indented heredoc", "a = <<-EOT\n    hello\n    EOT\n"),
    (
        "operators",
        "a = 1 + 2 * 3 - 4 / 2 % 3\nb = !true && false || 1 >= 2\n",
    ),
    (
        "literals",
        "a = 1.5e3\nb = \"esc\\\"aped\\n\"\nc = true\nd = null\n",
    ),
    ("one-line block", "a { b = 1 }\n"),
    ("empty one-line block", "a {}\n"),
    (
        "labelled block",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    ),
    ("call over lines", "a = concat(\n  [1],\n  [2],\n)\n"),
    (
        "tuple for over lines",
        "a = [\n  for k, v in m :\n  v == null ? \"none\" :\n  v\n]\n",
    ),
    // Patched in hcl-edit: cloudposse/label/null writes this.
    (
        "object for, conditional over lines",
        "a = {\n  for k, v in m : k =>\n  v == null ? \"none\" :\n  upper(v)\n}\n",
    ),
    (
        "object for, key and condition over lines",
        "a = {\n  for k, v in m :\n  lower(k) => v\n  if v != null\n}\n",
    ),
    (
        "object for, grouping",
        "a = {\n  for v in l : v.k => v...\n}\n",
    ),
    (
        "parenthesised conditional over lines",
        "a = (\n  length(x) > 0\n  ? x\n  : \"\"\n)\n",
    ),
    (
        "template directive",
        "a = \"%{ if b }yes%{ else }no%{ endif }\"\n",
    ),
    ("splat", "a = aws_s3_bucket.b[*].arn\n"),
];

const INVALID: &[(&str, &str)] = &[
    ("two attributes on one line", "a = 1 b = 2\n"),
    ("two attributes in a one-line block", "a { b = 1 c = 2 }\n"),
    ("unclosed block", "a {\n  b = 1\n"),
    (
        "block closed on the line of the next",
        "a {\n  b = 1\n}c {\n}\n",
    ),
    ("interpolation inside interpolation", "a = \"${x[${y}]}\"\n"),
    ("attribute defined twice", "a = 1\na = 2\n"),
];

#[test]
fn every_valid_case_parses() {
    for (name, text) in VALID {
        if let Err(e) = parse(text, 0) {
            panic!("{name}: {}\n{text}", e.message);
        }
    }
}

#[test]
fn every_invalid_case_is_an_error_with_a_position() {
    for (name, text) in INVALID {
        match parse(text, 0) {
            Ok(_) => panic!("{name}: parsed\n{text}"),
            Err(e) => assert!(
                (e.span.start as usize) <= text.len() && !e.message.is_empty(),
                "{name}: {e:?}"
            ),
        }
    }
}
