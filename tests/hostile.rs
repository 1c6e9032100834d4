//! Broken and hostile input: each gets a clear diagnostic with its file and
//! position and exit code 2, or a clean check where the input is legal;
//! never a panic, a hang or a silent skip, and the other files are still
//! checked.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{bucketlint, text};

const PUBLIC: &str = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";

/// Checks `name` (written with `bytes`) beside a good public template and
/// returns the concise output; the public bucket is always reported.
fn check_beside(name: &str, bytes: &[u8], extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), bytes).unwrap();
    fs::write(dir.path().join("public.yaml"), PUBLIC).unwrap();
    let mut args = vec!["check", "--format", "concise", "--select", "BL101"];
    args.extend(extra);
    args.extend([name, "public.yaml"]);
    let out = bucketlint(&args, dir.path());
    assert!(
        text(&out).contains("public.yaml:5:22: BL101"),
        "{name}: the other file is still checked\n{}",
        text(&out)
    );
    out
}

fn assert_error(name: &str, bytes: &[u8], expected: &str) {
    let out = check_beside(name, bytes, &[]);
    assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
    assert!(text(&out).contains(expected), "{name}: {}", text(&out));
}

fn deep(open: &str, close: &str, n: usize) -> String {
    format!("{}{}", open.repeat(n), close.repeat(n))
}

#[test]
fn deep_nesting_is_an_error_with_its_place() {
    let n = 100_000;
    let yaml = format!(
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {}\n",
        deep("[", "]", n)
    );
    assert_error("deep.yaml", yaml.as_bytes(), "deep.yaml:4:");
    assert_error("deep.yaml", yaml.as_bytes(), "recursion limit exceeded");
    let json = format!(
        "{{\"Resources\": {{\"B\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {}}}}}}}",
        deep("[", "]", n)
    );
    assert_error(
        "deep.json",
        json.as_bytes(),
        "nesting deeper than 256 levels",
    );
    let hcl = format!(
        "resource \"aws_s3_bucket\" \"b\" {{\n  tags = {}\n}}\n",
        deep("[", "]", n)
    );
    assert_error("deep.tf", hcl.as_bytes(), "deep.tf:2:");
    assert_error("deep.tf", hcl.as_bytes(), "nesting deeper than 256 levels");
    // Block mappings nest too.
    let mut block = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    for i in 0..2_000 {
        block.push_str(&format!("{}k{i}:\n", " ".repeat(i + 2)));
    }
    assert_error(
        "block.yaml",
        block.as_bytes(),
        "nesting deeper than 256 levels",
    );
}

#[test]
fn alias_bombs_are_stopped() {
    let mut bomb = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    bomb.push_str(
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *a9\n",
    );
    assert_error(
        "bomb.yaml",
        bomb.as_bytes(),
        "YAML aliases expand to more than 1000000 nodes",
    );
}

#[test]
fn limits_are_configurable() {
    // Lowered: a template nested 12 deep is refused at --max-depth 10, in
    // each format, at the place the limit is crossed.
    let json = format!(
        "{{\"Resources\": {{\"B\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"Tags\": {}}}}}}}}}",
        deep("[", "]", 8)
    );
    let out = check_beside("nested.json", json.as_bytes(), &["--max-depth", "10"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("nested.json:1:78: error: nesting deeper than 10 levels"),
        "{}",
        text(&out)
    );
    let out = check_beside("nested.json", json.as_bytes(), &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "within the default: {}",
        text(&out)
    );

    // Raised: 2,000 levels of block mappings pass at --max-depth 3000, and
    // the stack holds.
    let mut block = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    for i in 0..2_000 {
        block.push_str(&format!("{}k{i}:\n", " ".repeat(i + 2)));
    }
    let out = check_beside("block.yaml", block.as_bytes(), &["--max-depth", "3000"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!text(&out).contains("block.yaml"), "{}", text(&out));

    // Alias expansion: 3 aliases of a 4-node list are 12 nodes, over 10.
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nx: &x [a, b, c]\ny: [*x, *x, *x]\n";
    let out = check_beside("alias.yaml", yaml.as_bytes(), &["--max-alias-nodes", "10"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("alias.yaml:3:13: error: YAML aliases expand to more than 10 nodes"),
        "{}",
        text(&out)
    );

    // Out of range is a usage error naming the bounds.
    let dir = tempfile::tempdir().unwrap();
    for bad in ["0", "10001", "deep"] {
        let out = bucketlint(&["check", "--max-depth", bad, "."], dir.path());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            text(&out).contains("is not a depth from 1 to 10000"),
            "{}",
            text(&out)
        );
    }
}

#[test]
fn encodings_and_line_endings() {
    // A byte-order mark is dropped; positions stay right.
    let out = check_beside(
        "bom.yaml",
        &[b"\xef\xbb\xbf", PUBLIC.as_bytes()].concat(),
        &[],
    );
    assert!(
        text(&out).contains("bom.yaml:5:22: BL101"),
        "{}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(1));
    // CRLF and mixed line endings.
    let crlf = PUBLIC.replace('\n', "\r\n");
    let mixed = PUBLIC.replacen('\n', "\r\n", 2);
    for (name, t) in [("crlf.yaml", crlf), ("mixed.yaml", mixed)] {
        let out = check_beside(name, t.as_bytes(), &[]);
        assert!(
            text(&out).contains(&format!("{name}:5:22: BL101")),
            "{}",
            text(&out)
        );
        assert_eq!(out.status.code(), Some(1));
    }
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(PUBLIC.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_error("utf16.yaml", &utf16, "utf16.yaml: error: UTF-16 text");
    assert_error(
        "latin1.yaml",
        b"Resources:\n  B\xe9:\n",
        "not UTF-8 text (invalid byte at offset 14)",
    );
}

#[test]
fn invalid_yaml_is_reported_and_legal_oddities_are_not() {
    assert_error(
        "tabs.yaml",
        b"Resources:\n\tB:\n    Type: AWS::S3::Bucket\n",
        "tabs.yaml:2:",
    );
    assert_error(
        "dup.yaml",
        b"Resources:\n  B:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n",
        "dup.yaml:4:3: error: duplicate mapping key `B`",
    );
    assert_error(
        "tag.yaml",
        b"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Whatever x\n",
        "tag.yaml:5:19: error: unknown tag `!Whatever`",
    );
    // Legal: the rules section's functions and `rain` directives.
    let rules = b"Rules:\n  R:\n    Assertions:\n      - Assert: !Contains [[a], !Ref P]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Rain::Embed name.txt\n";
    let out = check_beside("rules.yaml", rules, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // An empty file and a folder named like a template are not errors.
    let out = check_beside("empty.yaml", b"", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("x.yaml")).unwrap();
    fs::write(dir.path().join("x.yaml/inner.yaml"), PUBLIC).unwrap();
    let out = bucketlint(&["check", "--format", "concise", "x.yaml"], dir.path());
    assert!(
        text(&out).contains("x.yaml/inner.yaml:5:22: BL101"),
        "{}",
        text(&out)
    );
}

#[test]
fn size_limits_are_diagnostics() {
    // A 1 MB single line is fine.
    let long = format!(
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {}\n      AccessControl: PublicRead\n",
        "a".repeat(1 << 20)
    );
    let out = check_beside("long.yaml", long.as_bytes(), &[]);
    assert!(
        text(&out).contains("long.yaml:6:22: BL101"),
        "{}",
        text(&out)
    );
    // Over the limit: reported, not read.
    let out = check_beside("long.yaml", long.as_bytes(), &["--max-file-size", "1M"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out)
            .contains("long.yaml: error: larger than the 1048576-byte limit (--max-file-size)"),
        "{}",
        text(&out)
    );
    let bad = bucketlint(&["check", "--max-file-size", "12Q"], Path::new("."));
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("unknown unit `Q`"));
}

#[test]
fn a_200_mb_template_is_refused_by_the_default_limit_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let file = fs::File::create(&big).unwrap();
    // Sparse: no 200 MB written to disk.
    file.set_len(200 << 20).unwrap();
    fs::write(dir.path().join("public.yaml"), PUBLIC).unwrap();
    let out = bucketlint(&["check", "--format", "concise", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("big.yaml: error: larger than the 67108864-byte limit"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("public.yaml:5:22: BL101"));
}

#[cfg(unix)]
#[test]
fn special_files_and_symbolic_links() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("tree/sub")).unwrap();
    fs::write(d.join("tree/public.yaml"), PUBLIC).unwrap();
    fs::create_dir_all(d.join("outside")).unwrap();
    fs::write(d.join("outside/public.yaml"), PUBLIC).unwrap();
    symlink(d.join("tree"), d.join("tree/sub/loop")).unwrap();
    symlink(d.join("outside"), d.join("tree/out")).unwrap();
    let fifo = d.join("tree/pipe.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );

    // Walking: the FIFO is passed over (never opened), links are not
    // followed.
    let out = bucketlint(&["check", "--format", "concise", "tree"], d);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(text(&out).matches(": BL101").count(), 1, "{}", text(&out));
    assert!(!text(&out).contains("outside"), "{}", text(&out));

    // Named: a FIFO is an error, not a hang.
    let out = bucketlint(&["check", "--format", "concise", "tree/pipe.yaml"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("tree/pipe.yaml: error: not a regular file"),
        "{}",
        text(&out)
    );

    // Following links: the outside file is read, the loop is reported.
    let out = bucketlint(
        &["check", "--format", "concise", "--follow-symlinks", "tree"],
        d,
    );
    assert!(
        text(&out).contains("tree/out/public.yaml:5:22: BL101"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("loop"), "{}", text(&out));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn terraform_file_function_reads_nothing_outside_the_module_tree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("project/module")).unwrap();
    // A policy outside the checked folder that would be public if read.
    fs::write(
        d.join("project/secret.json"),
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#,
    )
    .unwrap();
    fs::write(
        d.join("project/module/main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {}\n\
         resource \"aws_s3_bucket_policy\" \"p\" {\n\
           bucket = aws_s3_bucket.b.id\n\
           policy = file(\"../secret.json\")\n\
         }\n\
         resource \"aws_s3_bucket_policy\" \"q\" {\n\
           bucket = aws_s3_bucket.b.id\n\
           policy = file(\"../../../../../../../../etc/passwd\")\n\
         }\n",
    )
    .unwrap();
    let out = bucketlint(
        &[
            "check",
            "--format",
            "concise",
            "--select",
            "BL201",
            "--strict-unknown",
            "module",
        ],
        &d.join("project"),
    );
    let log = text(&out);
    assert!(!log.contains("BL201"), "{log}");
    assert!(
        log.contains("file(\"../secret.json\") could not be read: leads outside the repository"),
        "{log}"
    );
    assert!(
        log.contains("file(\"../../../../../../../../etc/passwd\") could not be read: leads outside the repository"),
        "{log}"
    );
    // From the parent folder the same policy is inside, and read.
    let out = bucketlint(
        &["check", "--format", "concise", "--select", "BL201", "."],
        &d.join("project"),
    );
    // The finding points into the policy file, at its `Principal`.
    assert!(
        text(&out).contains("module/../secret.json:1:49: BL201"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_panic_in_one_file_is_an_internal_error_of_that_file_only() {
    use bucketlint::check::{Options, run};
    use bucketlint::rules::RULES;
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("a.yaml");
    fs::write(&broken, PUBLIC).unwrap();
    fs::write(dir.path().join("b.yaml"), PUBLIC).unwrap();
    let report = run(&Options {
        paths: vec![dir.path().to_path_buf()],
        rules: RULES.to_vec(),
        panic_on: Some(broken.clone()),
        ..Options::default()
    });
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].path, broken);
    assert!(report.errors[0].message.contains("internal error"));
    assert!(!report.findings.is_empty());
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.location.file.path.ends_with("b.yaml"))
    );
}
