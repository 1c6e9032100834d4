//! What parsing Guard rules costs per template, and whether cfn-guard's
//! payload mode (rules parsed once for many documents) saves it:
//!
//!     cargo run --release --example guard_parse_cost
//!
//! Evaluates `fixtures/guard/s3.guard` over 1,000 documents of 10 buckets,
//! one `run_checks` call each (the rules parsed every time, as `--guard-rules`
//! does), and through `Validate`'s payload mode in batches, plain (a report
//! and the evaluation record per document) and structured (one report of
//! all). The crate keeps its parsed rules private, so these are the only
//! public ways.

use cfn_guard::CommandBuilder;
use cfn_guard::commands::Executable;
use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType};
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use std::time::Instant;

/// One rule text over one document, as `--guard-rules` evaluates.
fn run_checks(rules: &str, doc: &str) -> String {
    let data = cfn_guard::ValidateInput {
        content: doc,
        file_name: "t.json",
    };
    let rules = cfn_guard::ValidateInput {
        content: rules,
        file_name: "r.guard",
    };
    cfn_guard::run_checks(data, rules, true).unwrap()
}

fn payload(rules: &str, docs: &[String]) -> String {
    payload_with(rules, docs, false)
}

fn payload_with(rules: &str, docs: &[String], structured: bool) -> String {
    let payload = serde_json::json!({"rules": [rules], "data": docs}).to_string();
    let cmd = cfn_guard::ValidateBuilder::default()
        .payload(true)
        .structured(structured)
        .print_json(!structured)
        .show_summary(vec![ShowSummaryType::None])
        .output_format(OutputFormatType::JSON)
        .try_build()
        .unwrap();
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(vec![]), WriteBuffer::Vec(vec![])).unwrap();
    let mut reader = Reader::new(ReadBuffer::Cursor(std::io::Cursor::new(
        payload.into_bytes(),
    )));
    cmd.execute(&mut writer, &mut reader).unwrap();
    writer.into_string().unwrap()
}

fn main() {
    let rules = std::fs::read_to_string("fixtures/guard/s3.guard").unwrap();
    let doc = |i: usize| {
        let mut r = serde_json::Map::new();
        for b in 0..10 {
            r.insert(format!("B{i}x{b}"), serde_json::json!({"Type":"AWS::S3::Bucket","Properties":{"AccessControl":"Private"}}));
        }
        serde_json::json!({"Resources": r}).to_string()
    };
    let docs: Vec<String> = (0..1000).map(doc).collect();
    // Parsing and little else: the rules against an empty document.
    let t = Instant::now();
    for _ in 0..1000 {
        run_checks(&rules, "{}");
    }
    println!(
        "run_checks, empty document: {:.3} ms/call",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    for d in &docs {
        let out = run_checks(&rules, d);
        let _: serde_json::Value = serde_json::from_str(&out).unwrap();
    }
    println!(
        "run_checks per doc: {:.3} ms/doc",
        t.elapsed().as_secs_f64()
    );
    for chunk in [1, 8, 32, 1000] {
        let t = Instant::now();
        for c in docs.chunks(chunk) {
            let out = payload(&rules, c);
            let n = serde_json::Deserializer::from_str(&out)
                .into_iter::<serde_json::Value>()
                .count();
            assert_eq!(n, 2 * c.len());
        }
        println!(
            "payload chunk {chunk}: {:.3} ms/doc",
            t.elapsed().as_secs_f64()
        );
    }
    for chunk in [32, 1000] {
        let t = Instant::now();
        for c in docs.chunks(chunk) {
            let out = payload_with(&rules, c, true);
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v.as_array().unwrap().len(), c.len());
        }
        println!(
            "structured payload chunk {chunk}: {:.3} ms/doc",
            t.elapsed().as_secs_f64()
        );
    }
}
