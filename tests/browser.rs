//! The inventory's HTML page in a real browser: headless Chromium (the
//! Debian package) runs its script, and the DOM it dumps shows the rows,
//! the filter and the sort at work; a screenshot is taken. The page keeps
//! its view in the address (`#exposure=public&sort=0&desc`), which is how
//! the test sets a filter or a sort without a driver.
//!
//! Chromium is not on every machine: run by `.ci/run` (which installs it)
//! with `--ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{bucketlint, root, text};

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("BUCKETLINT_CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .unwrap();
        if found.status.success() {
            return PathBuf::from(String::from_utf8_lossy(&found.stdout).trim());
        }
    }
    panic!("no Chromium: install the Debian package `chromium` or set BUCKETLINT_CHROMIUM");
}

/// Flags for a headless run on a machine with no network and no display.
fn browser(profile: &Path) -> Command {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// The page of the inventory fixtures, written to `dir`.
fn page(dir: &Path) -> PathBuf {
    let out = bucketlint(
        &["inventory", "--format", "html", "fixtures/inventory"],
        root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let path = dir.join("inventory.html");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// Each bucket's `<tbody>` in document order: (id, exposure, hidden), and
/// whether its details row is open.
struct Row {
    id: String,
    exposure: String,
    hidden: bool,
    open: bool,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[at..].find('"')? + at;
    Some(tag[at..end].replace("&quot;", "\""))
}

fn rows(dom: &str) -> Vec<Row> {
    let mut out = Vec::new();
    let mut rest = dom;
    while let Some(at) = rest.find("<tbody ") {
        let body = &rest[at..];
        let end = body.find("</tbody>").unwrap_or(body.len());
        let tag = &body[..body.find('>').unwrap()];
        let details = body[..end]
            .find("<tr class=\"details\"")
            .map(|d| &body[d..body[d..].find('>').unwrap() + d])
            .unwrap_or("");
        out.push(Row {
            id: attr(tag, "data-id").unwrap_or_default(),
            exposure: attr(tag, "data-exposure").unwrap_or_default(),
            hidden: tag.contains(" hidden"),
            open: !details.contains(" hidden"),
        });
        rest = &body[end..];
    }
    out
}

fn dump(file: &Path, hash: &str, profile: &Path) -> String {
    let out = browser(profile)
        .arg("--dump-dom")
        .arg(format!("file://{}{hash}", file.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn shown(dom: &str) -> String {
    let at = dom.find("id=\"shown\">").expect("the count") + 11;
    dom[at..at + dom[at..].find('<').unwrap()].to_string()
}

#[test]
#[ignore = "needs Chromium; run by .ci/run"]
fn the_page_sorts_filters_and_opens_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let file = page(dir.path());
    let profile = dir.path().join("profile");

    // Every bucket, in the order of the file; the script ran (it writes
    // the count).
    let dom = dump(&file, "", &profile);
    let all = rows(&dom);
    assert_eq!(all.len(), 12, "{dom}");
    assert!(all.iter().all(|r| !r.hidden && !r.open));
    assert_eq!(shown(&dom), "12 of 12 buckets");

    // Filtered by exposure.
    let dom = dump(&file, "#exposure=public", &profile);
    let public: Vec<String> = rows(&dom)
        .into_iter()
        .filter(|r| !r.hidden)
        .map(|r| r.id)
        .collect();
    assert_eq!(public, ["Site", "module.site.aws_s3_bucket.this[0]"]);
    assert_eq!(shown(&dom), "2 of 12 buckets");

    // Filtered by text: a name, and a rule code.
    let dom = dump(&file, "#q=acme-prod", &profile);
    assert_eq!(shown(&dom), "4 of 12 buckets");
    let dom = dump(&file, "#q=bl109", &profile);
    let with: Vec<String> = rows(&dom)
        .into_iter()
        .filter(|r| !r.hidden)
        .map(|r| r.id)
        .collect();
    assert_eq!(with, ["Legacy", "aws_s3_bucket.reports"]);

    // Sorted by exposure: worst first, then the other way.
    let dom = dump(&file, "#sort=3", &profile);
    let levels: Vec<String> = rows(&dom).into_iter().map(|r| r.exposure).collect();
    assert_eq!(&levels[..4], ["public", "public", "unknown", "unknown"]);
    assert_eq!(levels.last().unwrap(), "private");
    assert!(dom.contains("aria-sort=\"ascending\""));
    let dom = dump(&file, "#sort=3&desc", &profile);
    let levels: Vec<String> = rows(&dom).into_iter().map(|r| r.exposure).collect();
    assert_eq!(&levels[..5], ["private"; 5]);
    assert_eq!(levels.last().unwrap(), "public");

    // Sorted by bucket name.
    let dom = dump(&file, "#sort=0", &profile);
    let ids: Vec<String> = rows(&dom).into_iter().map(|r| r.id).collect();
    assert_eq!(ids[0], "module.data[\"invoices\"].aws_s3_bucket.this[0]");
    assert_eq!(ids[1], "module.data[\"orders\"].aws_s3_bucket.this[0]");
    assert_eq!(ids.last().unwrap(), "Uploads");

    // A bucket opened onto its findings and their source lines.
    let dom = dump(&file, "#open=Site", &profile);
    let open: Vec<String> = rows(&dom)
        .into_iter()
        .filter(|r| r.open)
        .map(|r| r.id)
        .collect();
    assert_eq!(open, ["Site"]);
    assert!(dom.contains("BL201 policy-public-principal"));
    assert!(dom.contains("Principal: \"*\""));

    // A screenshot the browser renders.
    let png = root().join("target/inventory.png");
    let out = browser(&profile)
        .arg("--window-size=1400,1050")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}#open=Site", file.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000);
}

/// The page needs nothing from the network: no external script, style,
/// font or image.
#[test]
fn the_page_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(page(dir.path())).unwrap();
    for bad in [
        "<script src",
        "<link",
        "@import",
        "url(",
        "<img",
        "http://",
        "https://",
    ] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert_eq!(html.matches("<tbody data-exposure=").count(), 12);
}

/// A template of `n` buckets named the way large estates name them (long,
/// alike but for their ends), with KMS keys and public policies mixed in.
fn fleet(n: usize) -> String {
    let mut t = String::from("Resources:\n");
    for i in 0..n {
        let name = format!("acme-platform-data-lake-ingestion-zone-eu-west-1-{i:04}");
        t.push_str(&format!(
            "  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {name}\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\n"
        ));
        if i % 7 == 0 {
            t.push_str(&format!(
                "  Policy{i}:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket{i}\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: \"*\"\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::{name}/*\n"
            ));
        }
    }
    t
}

#[test]
#[ignore = "needs Chromium; run by .ci/run"]
fn a_page_of_300_buckets_shows_15_rows_in_the_first_screen() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("estate/templates/data-platform/ingestion");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("buckets.yaml"), fleet(300)).unwrap();
    let out = bucketlint(&["inventory", "--format", "html", "estate"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file = dir.path().join("inventory.html");
    std::fs::write(&file, &out.stdout).unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    // Names keep their distinguishing end, whole on hover.
    assert!(
        html.contains("title=\"acme-platform-data-lake-ingestion-zone-eu-west-1-0007\""),
        "the whole name on hover"
    );
    assert!(
        html.contains(">acme-platform-d…tion-zone-eu-west-1-0007</code>"),
        "the start and the end of the name shown"
    );

    let profile = dir.path().join("profile");
    let dom = {
        let out = browser(&profile)
            .arg("--window-size=1400,1000")
            .arg("--dump-dom")
            .arg(format!("file://{}#measure", file.display()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(rows(&dom).len(), 300);
    let at = dom
        .find("data-rows-in-view=\"")
        .expect("the page measured itself")
        + 19;
    let fit: usize = dom[at..at + dom[at..].find('"').unwrap()].parse().unwrap();
    assert!(fit >= 15, "{fit} rows in the first screen at 1400x1000");

    // The public ones come first, with their messages rendered.
    let first = &rows(&dom)[0];
    assert_eq!(first.exposure, "public");
    assert!(dom.contains("Bucket policy of <code>Bucket0</code> lets anyone read."));

    let png = root().join("target/inventory-300.png");
    let out = browser(&profile)
        .arg("--window-size=1400,1000")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
}
