//! A hostile repository as the only weapon: each test builds a scratch git
//! repository with the attack in it and a secret beside it, outside the
//! repository. The secret appears in no output of any format, the run
//! ends within its time and memory budget, and the exit code is 0, 1 or 2.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{PUBLIC, git};

/// What must never be printed: it is only in files outside the repository
/// and in the environment of the run.
const MARKER: &str = "SECRET-MARKER-5f1c9e";

/// Every `--format`.
const FORMATS: [&str; 8] = [
    "full",
    "concise",
    "json",
    "json-lines",
    "sarif",
    "github",
    "junit",
    "gitlab",
];

/// A scratch folder with `outside/` (secrets, a public template) and a git
/// repository `repo/` holding a public template at `stacks/site.yaml`.
struct Scratch {
    _dir: tempfile::TempDir,
    base: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::create_dir_all(base.join("outside")).unwrap();
        fs::create_dir_all(base.join("repo/stacks")).unwrap();
        fs::write(
            base.join("outside/credentials"),
            format!("[default]\naws_secret_access_key = {MARKER}\n"),
        )
        .unwrap();
        // A template outside: public, and its bucket named with the marker.
        fs::write(
            base.join("outside/secret.yaml"),
            format!(
                "Resources:\n  {}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {}\n      AccessControl: PublicRead\n",
                "Outside",
                MARKER.to_lowercase()
            ),
        )
        .unwrap();
        fs::write(
            base.join("outside/policy.json"),
            format!(
                r#"{{"Statement": [{{"Sid": "{MARKER}", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}]}}"#
            ),
        )
        .unwrap();
        fs::write(
            base.join("outside/vars.tfvars"),
            format!("name = \"{MARKER}\"\n"),
        )
        .unwrap();
        fs::write(
            base.join("outside/rules.guard"),
            format!("rule {MARKER} {{ Resources.*.Type == 'x' }}\n"),
        )
        .unwrap();
        git(&base.join("repo"), &["init", "--quiet"]);
        fs::write(base.join("repo/stacks/site.yaml"), PUBLIC).unwrap();
        Scratch { _dir: dir, base }
    }

    fn repo(&self) -> PathBuf {
        self.base.join("repo")
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.repo().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[cfg(unix)]
    fn link(&self, rel: &str, target: impl AsRef<Path>) {
        let path = self.repo().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
    }
}

/// Runs bucketlint in `cwd` within a budget: 60 seconds and 4 GiB of
/// address space, with the marker in its environment.
fn bounded(args: &[&str], cwd: &Path) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -v 4194304; exec timeout 60 \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_bucketlint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("DEPLOY_TOKEN", MARKER);
    command.output().expect("the binary runs")
}

fn all(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The notes of a JSON report, one message a line, with file and line.
fn notes(cwd: &Path, args: &[&str]) -> String {
    let mut full = vec!["check", "--format", "json"];
    full.extend(args);
    let out = bounded(&full, cwd);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut lines = String::new();
    for kind in ["notes", "errors", "findings"] {
        for n in report[kind].as_array().into_iter().flatten() {
            lines.push_str(&format!(
                "{}:{}: {}\n",
                n["file"].as_str().or(n["path"].as_str()).unwrap_or("?"),
                n["line"],
                n["message"].as_str().unwrap_or("?")
            ));
        }
    }
    lines
}

/// Checks `args` (then the paths) in every format: the marker is never
/// printed, the run ends in time, the exit code is 0, 1 or 2. Returns the
/// concise run's output and exit code.
fn attack(cwd: &Path, args: &[&str]) -> (String, i32) {
    let mut concise = None;
    for format in FORMATS {
        let mut full = vec!["check", "--format", format];
        full.extend(args);
        let out = bounded(&full, cwd);
        let log = all(&out);
        let code = out.status.code().unwrap_or(-1);
        assert!(
            matches!(code, 0..=2),
            "{format}: exit {code} (124 is the time budget)\n{log}"
        );
        assert!(
            !log.contains(MARKER),
            "{format}: the secret is printed\n{log}"
        );
        assert!(
            !log.to_lowercase().contains(&MARKER.to_lowercase()),
            "{format}: the secret is printed\n{log}"
        );
        if format == "concise" {
            concise = Some((log, code));
        }
    }
    concise.unwrap()
}

#[cfg(unix)]
#[test]
fn nested_stacks_outside_the_repository_are_not_read() {
    let s = Scratch::new();
    let outside = s.base.join("outside/secret.yaml");
    let outside = outside.to_str().unwrap();
    s.write(
        "stacks/parent.yaml",
        &format!(
            "Resources:\n\
             \x20 Env:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: /proc/self/environ\n\
             \x20 Creds:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ../../outside/credentials\n\
             \x20 Abs:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: {outside}\n\
             \x20 Sam:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: ../../outside/secret.yaml\n\
             \x20 Inside:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n"
        ),
    );
    s.write("stacks/child.yaml", PUBLIC);
    // A link inside the repository that leads out.
    s.link("stacks/linked.yaml", s.base.join("outside/secret.yaml"));
    s.write(
        "stacks/parent2.yaml",
        "Resources:\n  L:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: linked.yaml\n",
    );
    let paths = ["stacks/parent.yaml", "stacks/parent2.yaml"];
    let (log, code) = attack(&s.repo(), &paths);
    assert_eq!(code, 1, "{log}");
    let log = notes(&s.repo(), &paths);
    // The child inside is checked through its parent; nothing outside is.
    assert!(
        log.contains("stacks/child.yaml:5: The ACL of bucket `Site`"),
        "{log}"
    );
    assert!(!log.contains("Outside"), "{log}");
    for (line, id) in [(5, "Env"), (9, "Creds"), (13, "Abs"), (17, "Sam")] {
        assert!(
            log.contains(&format!(
                "stacks/parent.yaml:{line}: nested stack `{id}` names a template"
            )),
            "{id}: {log}"
        );
    }
    assert!(log.contains("leads outside the repository"), "{log}");
    assert!(
        log.contains(
            "nested stack `L` names a template, `linked.yaml`, that leads outside the repository"
        ),
        "{log}"
    );
}

#[cfg(unix)]
#[test]
fn a_configuration_linked_out_of_the_repository_is_refused() {
    for target in ["/proc/self/environ", "../outside/credentials"] {
        let s = Scratch::new();
        s.link("bucketlint.toml", target);
        let (log, code) = attack(&s.repo(), &["."]);
        assert_eq!(code, 2, "{log}");
        assert!(
            log.contains("bucketlint.toml") && log.contains("leads outside the repository"),
            "{log}"
        );
    }
    // `.bucketlint.toml` is found the same way; a device is refused too.
    let s = Scratch::new();
    s.link(".bucketlint.toml", "/dev/zero");
    let (log, code) = attack(&s.repo(), &["."]);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains(".bucketlint.toml"), "{log}");
}

#[cfg(unix)]
#[test]
fn guard_rules_named_by_a_configuration_stay_in_the_repository() {
    for which in 0..3 {
        let s = Scratch::new();
        let abs = s.base.join("outside/rules.guard").display().to_string();
        let named = [abs.as_str(), "../outside/rules.guard", "/proc/self/environ"][which];
        s.write("bucketlint.toml", &format!("guard-rules = [\"{named}\"]\n"));
        let (log, code) = attack(&s.repo(), &["."]);
        assert_eq!(code, 2, "{named}: {log}");
        assert!(
            log.contains("leads outside the repository"),
            "{named}: {log}"
        );
    }
    // Inside, a link to a device and a folder of link loops: refused and
    // walked without following, in bounded time.
    let s = Scratch::new();
    s.link("rules/zero.guard", "/dev/zero");
    s.write("bucketlint.toml", "guard-rules = [\"rules\"]\n");
    let (log, code) = attack(&s.repo(), &["."]);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("zero.guard"), "{log}");
    let s = Scratch::new();
    s.write("rules/a/ok.guard", "rule OK { Resources !empty }\n");
    s.link("rules/a/loop", "..");
    s.link("rules/b", "a");
    s.write("bucketlint.toml", "guard-rules = [\"rules\"]\n");
    let (log, code) = attack(&s.repo(), &["."]);
    assert_eq!(code, 1, "{log}");
}

#[cfg(unix)]
#[test]
fn terraform_files_linked_out_of_the_repository_are_not_read() {
    let s = Scratch::new();
    fs::remove_file(s.repo().join("stacks/site.yaml")).unwrap();
    s.write(
        "infra/main.tf",
        "variable \"name\" {}\n\
         resource \"aws_s3_bucket\" \"b\" {\n  bucket = var.name\n}\n\
         resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.b.id\n  policy = file(\"${path.module}/policy.json\")\n}\n\
         module \"m\" {\n  source = \"./mod\"\n}\n",
    );
    s.link("infra/terraform.tfvars", s.base.join("outside/vars.tfvars"));
    s.link("infra/prod.auto.tfvars", "/proc/self/environ");
    s.link("infra/policy.json", s.base.join("outside/policy.json"));
    s.link("infra/extra.tf", s.base.join("outside/vars.tfvars"));
    s.link("infra/mod/main.tf", s.base.join("outside/vars.tfvars"));
    let (log, code) = attack(&s.repo(), &["--strict-unknown", "infra"]);
    assert_eq!(code, 2, "{log}");
    // A linked `.tf` is not followed by the walk; the others are refused.
    for name in ["terraform.tfvars", "prod.auto.tfvars", "mod/main.tf"] {
        assert!(
            log.contains(&format!("infra/{name}")) && log.contains("leads outside the repository"),
            "{name}: {log}"
        );
    }
    assert!(!log.contains("BL201"), "{log}");
    // Named one by one, as the pre-commit hook does: the same.
    let (log, code) = attack(&s.repo(), &["infra/main.tf"]);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("infra/extra.tf"), "{log}");
}

#[cfg(unix)]
#[test]
fn ignore_files_and_modules_json_linked_to_devices_are_not_read() {
    for name in [".gitignore", ".ignore", "sub/.gitignore", "sub/.ignore"] {
        let s = Scratch::new();
        s.write("sub/site.yaml", PUBLIC);
        s.link(name, "/dev/zero");
        let (log, code) = attack(&s.repo(), &["."]);
        assert_eq!(code, 2, "{name}: {log}");
        assert!(log.contains(name), "{name}: {log}");
        // The rest of the repository is still checked.
        if name.starts_with("sub/") {
            assert!(
                log.contains("stacks/site.yaml:5:22: BL101"),
                "{name}: {log}"
            );
        }
    }
    let s = Scratch::new();
    s.write(
        "infra/main.tf",
        "module \"m\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n}\n",
    );
    s.link("infra/.terraform/modules/modules.json", "/dev/zero");
    let (log, code) = attack(&s.repo(), &["infra"]);
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("modules.json"), "{log}");
    let s = Scratch::new();
    s.write(
        "infra/main.tf",
        "module \"m\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n}\n",
    );
    s.write(
        "infra/.terraform/modules/modules.json",
        &format!(
            r#"{{"Modules": [{{"Key": "m", "Source": "x", "Dir": "{}"}}]}}"#,
            s.base.join("outside").display()
        ),
    );
    attack(&s.repo(), &["infra"]);
    let notes = notes(&s.repo(), &["infra"]);
    assert!(
        notes
            .contains("module `m` (terraform-aws-modules/s3-bucket/aws) is outside the repository"),
        "{notes}"
    );
}

#[test]
fn what_the_command_line_names_is_trusted() {
    let s = Scratch::new();
    let outside = s.base.join("outside/secret.yaml");
    let out = bounded(
        &["check", "--format", "concise", outside.to_str().unwrap()],
        &s.repo(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(
        all(&out).contains("secret.yaml:6:22: BL101"),
        "{}",
        all(&out)
    );
}

/// Bounded work: a few hundred bytes that would multiply into minutes or
/// gigabytes end within the budget, with a note where evaluation stopped,
/// and what is known is still judged.
#[test]
fn terraform_that_multiplies_is_cut_by_one_budget() {
    let s = Scratch::new();
    fs::remove_file(s.repo().join("stacks/site.yaml")).unwrap();
    // Each local doubles the one before: 2^40 parts if each use were
    // evaluated or copied again.
    let mut lists = String::from("locals {\n  l0 = \"x\"\n");
    let mut strings = String::from("locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n");
    for i in 1..40 {
        lists.push_str(&format!("  l{i} = [local.l{p}, local.l{p}]\n", p = i - 1));
        strings.push_str(&format!(
            "  s{i} = \"${{local.s{p}}}${{local.s{p}}}\"\n",
            p = i - 1
        ));
    }
    lists.push_str("}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"bucket-${length(local.l39)}\"\n  acl    = \"public-read\"\n}\n");
    strings.push_str("}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = local.s39\n  acl    = \"public-read\"\n}\n");
    s.write("lists/main.tf", &lists);
    s.write("strings/main.tf", &strings);
    // A `for` inside a `for`: 10^8 strings.
    s.write(
        "grid/main.tf",
        "locals {\n  grid = [for i in range(10000) : [for j in range(10000) : \"${i}-${j}\"]]\n}\n\
         resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"bucket-${length(local.grid)}\"\n  acl    = \"public-read\"\n}\n",
    );
    // Four levels of `count = 100`: 10^8 module instances.
    s.write(
        "nested/main.tf",
        "module \"a\" {\n  source = \"./m1\"\n  count  = 100\n}\n",
    );
    for i in 1..5 {
        let next = match i {
            4 => String::new(),
            _ => format!(
                "module \"a\" {{\n  source = \"../m{}\"\n  count  = 100\n}}\n",
                i + 1
            ),
        };
        s.write(
            &format!("nested/m{i}/main.tf"),
            &format!("{next}resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"bucket-{i}\"\n  acl    = \"public-read\"\n}}\n"),
        );
    }
    let cases = [
        // Past the size cap a local is unknown; its length stays known.
        ("lists", ""),
        ("strings", ""),
        ("grid", "evaluation stopped"),
        ("nested", "would make more than 2000 module instances"),
    ];
    for (dir, why) in cases {
        let (log, code) = attack(&s.repo(), &["--strict-unknown", dir]);
        // The public ACL is known, and still reported.
        assert_eq!(code, 1, "{dir}: {log}");
        assert!(log.contains(": BL101"), "{dir}: {log}");
        let all = notes(&s.repo(), &["--strict-unknown", dir]);
        assert!(all.contains(why), "{dir}: {all}");
    }
}

#[test]
fn cloudformation_that_nests_or_fans_out_is_bounded() {
    let s = Scratch::new();
    // 30,000 conditions, each naming the one before.
    let mut t = String::from(
        "Parameters:\n  P:\n    Type: String\nConditions:\n  C0: !Equals [!Ref P, a]\n",
    );
    for i in 1..30_000 {
        t.push_str(&format!("  C{i}: !Not [!Condition C{}]\n", i - 1));
    }
    t.push_str("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Condition: C29999\n    Properties:\n      AccessControl: PublicRead\n");
    s.write("chain/t.yaml", &t);
    let (log, code) = attack(&s.repo(), &["chain"]);
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("chain/t.yaml:30010:22: BL101"), "{log}");
    // Thirty nested stacks a level, eight levels: 30^8 checks if each
    // parent checked its children anew.
    for level in 0..8 {
        let mut t = String::from("Resources:\n");
        for k in 0..30 {
            t.push_str(&format!(
                "  S{k}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: l{}.yaml\n      Parameters:\n        K: v{k}\n",
                level + 1
            ));
        }
        s.write(&format!("fan/l{level}.yaml"), &t);
    }
    s.write(
        "fan/l8.yaml",
        "Parameters:\n  K:\n    Type: String\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n",
    );
    let (log, code) = attack(&s.repo(), &["fan/l0.yaml"]);
    assert_eq!(code, 1, "{log}");
    // One finding a parameter set at the deepest level.
    assert!(log.contains("fan/l8.yaml:8:22: BL101"), "{log}");
}

/// Names from the repository that a terminal, a CI log, a Markdown page,
/// an XML reader or a spreadsheet would act on: every format shows them,
/// none acts.
#[test]
fn reports_neutralise_what_ci_systems_and_readers_would_run() {
    let s = Scratch::new();
    // A file whose name is a workflow command, and a bucket name with an
    // OSC 52 (clipboard) sequence, a bell, a carriage return and commands.
    s.write(
        "::error file=x::pwned.yaml",
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n",
    );
    s.write(
        "names.yaml",
        "Resources:\n  N:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: \"=HYPERLINK(1)|x`y ![i](http://e/i.png) \\e]52;c;cHduZWQ=\\a\\r::stop-commands::t\\n##vso[task.setvariable variable=x]1 [l](http://e)\"\n",
    );
    let raw_controls = |text: &str| {
        text.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    };
    for format in FORMATS {
        let out = bounded(
            &["check", "--format", format, "--color", "always", "."],
            &s.repo(),
        );
        let log = all(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {log}");
        let text = String::from_utf8_lossy(&out.stdout);
        // Colour codes are bucketlint's own (`ESC [ ... m`); nothing else.
        let without_colour: String = {
            let mut s = String::new();
            let mut rest = text.as_ref();
            while let Some(at) = rest.find('\u{1b}') {
                s.push_str(&rest[..at]);
                let tail = &rest[at..];
                let n = tail
                    .find('m')
                    .filter(|&n| {
                        tail[2..n].chars().all(|c| c.is_ascii_digit() || c == ';')
                            && tail[1..].starts_with('[')
                    })
                    .map(|n| n + 1)
                    .unwrap_or(1);
                if n == 1 {
                    s.push('\u{1b}');
                }
                rest = &tail[n..];
            }
            s.push_str(rest);
            s
        };
        assert!(
            !raw_controls(&without_colour),
            "{format}: raw control characters\n{text:?}"
        );
        for line in without_colour.lines() {
            let t = line.trim_start();
            if format == "github"
                && (t.starts_with("::error file=")
                    || t.starts_with("::warning file=")
                    || t.starts_with("::notice file="))
            {
                // bucketlint's own annotations: the data is escaped, on
                // one line (commands count only at a line's start).
                continue;
            }
            assert!(
                !t.starts_with("::") && !t.starts_with("##"),
                "{format}: a line CI runs: {line}"
            );
        }
        if format == "sarif" {
            let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
            for r in sarif["runs"][0]["results"].as_array().unwrap() {
                let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap();
                assert!(
                    uri.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
                    "{uri}"
                );
            }
        }
    }
    // The inventory: Markdown cells and CSV fields stay data.
    let out = bounded(&["inventory", "--format", "markdown", "."], &s.repo());
    let md = String::from_utf8_lossy(&out.stdout);
    let row = md
        .lines()
        .find(|l| l.contains("HYPERLINK"))
        .expect("the bucket's row");
    let unescaped_pipes = row
        .char_indices()
        .filter(|&(i, c)| c == '|' && (i == 0 || !row[..i].ends_with('\\')))
        .count();
    let header = md.lines().find(|l| l.starts_with("| Bucket")).unwrap();
    assert_eq!(unescaped_pipes, header.matches('|').count(), "{row}");
    // Outside code spans, nothing the repository wrote is Markdown.
    let outside = without_code_spans(&md);
    for injected in ["![i](", "[l](", "`", "\n##vso"] {
        assert!(!outside.contains(injected), "{injected}: {outside}");
    }
    assert!(!raw_controls(&md), "{md:?}");
    let out = bounded(&["inventory", "--format", "csv", "."], &s.repo());
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.contains("\"'=HYPERLINK(1)"), "{csv}");
    // The terminal table too.
    let out = bounded(&["inventory", "--format", "table", "."], &s.repo());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!raw_controls(&table), "{table:?}");
}

/// Markdown text with its code spans (a run of backticks to the next run
/// of the same length) left out.
fn without_code_spans(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(at) = rest.find('`') {
        out.push_str(&rest[..at]);
        let run = rest[at..].len() - rest[at..].trim_start_matches('`').len();
        let fence = "`".repeat(run);
        let body = &rest[at + run..];
        // The closing fence: a run of exactly `run` backticks.
        let mut search = 0;
        let close = loop {
            match body[search..].find(&fence) {
                Some(i) => {
                    let i = search + i;
                    let after = body[i + run..].starts_with('`');
                    let before = i > 0 && body[..i].ends_with('`');
                    if !after && !before {
                        break Some(i);
                    }
                    search = i + body[i..].len() - body[i..].trim_start_matches('`').len();
                }
                None => break None,
            }
        };
        match close {
            Some(i) => rest = &body[i + run..],
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A template on one long line: the default format's output grows with
/// the findings, not with the line, and nothing panics.
#[test]
fn long_lines_are_shown_as_windows_in_the_default_format() {
    let s = Scratch::new();
    for size in [60_000, 70_000, 1_000_000] {
        let tags = "x".repeat(size);
        s.write(
            "long.json",
            &format!(
                r#"{{"Resources": {{"B": {{"Type": "AWS::S3::Bucket", "Properties": {{"AccessControl": "PublicRead", "Tags": [{{"Key": "k", "Value": "{tags}"}}]}}, "Metadata": {{"m": "{tags}"}}}}}}}}"#
            ),
        );
        let out = bounded(&["check", "--select", "all", "long.json"], &s.repo());
        assert_eq!(out.status.code(), Some(1), "{size}: {}", all(&out));
        assert!(all(&out).contains("BL101"), "{size}");
        assert!(
            out.stdout.len() < 40_000,
            "{size}: {} bytes of output",
            out.stdout.len()
        );
    }
}

/// File names that read as options: after `--` they are files; before it,
/// a name that is both is refused, never taken as an option.
#[test]
fn file_names_that_look_like_options_are_never_options() {
    let s = Scratch::new();
    s.write("cfg.toml", "select = [\"BL105\"]\n");
    // The hook would otherwise pass this file's name as an option: the
    // configuration would turn BL101 off.
    s.write("--config=cfg.toml", PUBLIC);
    s.write("--output-file=json=victim.yaml", PUBLIC);
    s.write("victim.yaml", "keep: me\n");
    for name in ["--config=cfg.toml", "--output-file=json=victim.yaml"] {
        let out = bounded(
            &["check", "--format", "concise", name, "stacks/site.yaml"],
            &s.repo(),
        );
        assert_eq!(out.status.code(), Some(2), "{}", all(&out));
        assert!(
            all(&out).contains("is an option, and also the name of a file here"),
            "{}",
            all(&out)
        );
        // As the hooks pass them: after `--`, files.
        let out = bounded(
            &[
                "check",
                "--format",
                "concise",
                "--",
                name,
                "stacks/site.yaml",
            ],
            &s.repo(),
        );
        assert_eq!(out.status.code(), Some(1), "{}", all(&out));
        assert!(
            all(&out).contains(&format!("{name}:5:22: BL101")),
            "{}",
            all(&out)
        );
    }
    assert_eq!(
        fs::read_to_string(s.repo().join("victim.yaml")).unwrap(),
        "keep: me\n"
    );
    // Both hooks end their arguments with `--`.
    let hooks = fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    assert_eq!(hooks.matches("  args: [\"--\"]\n").count(), 2, "{hooks}");
}

/// `--new-since` copies the revision into a folder only the user can read,
/// and removes it when the run is stopped by a signal.
#[cfg(unix)]
#[test]
fn the_new_since_scratch_folder_is_private_and_removed_on_sigterm() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    // Enough files that the run outlives the polling below by far.
    for i in 0..6000 {
        s.write(&format!("many/t{i}.yaml"), PUBLIC);
    }
    git(&s.repo(), &["add", "."]);
    git(&s.repo(), &["commit", "--quiet", "-m", "x"]);
    let tmp = s.base.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(["check", "--format", "json", "--new-since", "HEAD", "."])
        .current_dir(s.repo())
        .env("TMPDIR", &tmp)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let scratch = loop {
        let found = fs::read_dir(&tmp)
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("bucketlint-since-")
            });
        if let Some(e) = found {
            break e.path();
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before its scratch folder was seen"
        );
        assert!(started.elapsed().as_secs() < 30);
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let mode = fs::metadata(&scratch).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{scratch:?}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_ne!(status.code(), Some(0));
    assert!(!scratch.exists(), "left behind: {scratch:?}");
}

/// `--fix` writes through links that stay in the repository, and refuses
/// those that lead out of it; the links stay links.
#[cfg(unix)]
#[test]
fn fixes_write_through_links_inside_the_repository_only() {
    let s = Scratch::new();
    s.write("real/site.yaml", PUBLIC);
    s.link("stacks/linked.yaml", "../real/site.yaml");
    fs::write(s.base.join("outside/site.yaml"), PUBLIC).unwrap();
    s.link("stacks/out.yaml", s.base.join("outside/site.yaml"));
    // Hard links: both names inside; one name outside.
    s.write("real/hard.yaml", PUBLIC);
    fs::hard_link(
        s.repo().join("real/hard.yaml"),
        s.repo().join("stacks/hard.yaml"),
    )
    .unwrap();
    fs::write(s.base.join("outside/shared.yaml"), PUBLIC).unwrap();
    fs::hard_link(
        s.base.join("outside/shared.yaml"),
        s.repo().join("stacks/shared.yaml"),
    )
    .unwrap();
    let out = bounded(
        &[
            "check",
            "--fix",
            "--format",
            "concise",
            "stacks/linked.yaml",
            "stacks/out.yaml",
            "stacks/hard.yaml",
            "stacks/shared.yaml",
        ],
        &s.repo(),
    );
    let log = all(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    // Inside: fixed through the link, which is still a link.
    let fixed = fs::read_to_string(s.repo().join("real/site.yaml")).unwrap();
    assert_ne!(fixed, PUBLIC, "{log}");
    assert!(
        fs::symlink_metadata(s.repo().join("stacks/linked.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let hard = fs::read_to_string(s.repo().join("real/hard.yaml")).unwrap();
    assert_ne!(hard, PUBLIC, "{log}");
    assert_eq!(
        hard,
        fs::read_to_string(s.repo().join("stacks/hard.yaml")).unwrap()
    );
    // Outside: untouched, and said so.
    assert_eq!(
        fs::read_to_string(s.base.join("outside/site.yaml")).unwrap(),
        PUBLIC
    );
    assert_eq!(
        fs::read_to_string(s.base.join("outside/shared.yaml")).unwrap(),
        PUBLIC
    );
    assert!(
        log.contains("stacks/out.yaml: error: the fixes could not be written: the file leads outside the repository"),
        "{log}"
    );
    assert!(
        log.contains("stacks/shared.yaml: error: the fixes could not be written: the file has hard links outside the repository"),
        "{log}"
    );
}

/// GitHub refuses a step summary over 1 MiB: the findings table stops at
/// 300 kB, so that with the inventory (700 kB at most) the summary fits.
#[test]
fn the_job_summary_stays_under_githubs_limit() {
    let s = Scratch::new();
    for i in 0..3000 {
        s.write(&format!("many/t{i}.yaml"), PUBLIC);
    }
    let summary = s.base.join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_bucketlint"))
        .args(["check", "--format", "github", "."])
        .current_dir(s.repo())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let written = fs::read_to_string(&summary).unwrap();
    assert!(written.len() <= 300_000 + 1_000, "{} bytes", written.len());
    assert!(
        written.contains("The other findings are not listed here"),
        "{}",
        &written[written.len() - 300..]
    );
}

/// A configuration inside the repository that does not parse is shown
/// with its text, neutralised like every terminal output.
#[test]
fn a_broken_configuration_is_shown_not_run() {
    let s = Scratch::new();
    s.write(
        "bucketlint.toml",
        "select = [\"BL101\"]\n::error file=x::pwned \u{1b}]52;c;eA==\u{7}\n",
    );
    let out = bounded(&["check", "."], &s.repo());
    let log = all(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains("bucketlint.toml"), "{log}");
    assert!(!log.contains('\u{1b}') && !log.contains('\u{7}'), "{log:?}");
    assert!(
        log.lines().all(|l| !l.trim_start().starts_with("::")),
        "{log}"
    );
}
