//! The neutralisers of repository text in reports: whatever the input,
//! terminal output shows no control character and no line a CI system
//! would run; Markdown cells escape every pipe, backtick and bracket; code
//! spans are never closed from inside; CSV fields never start a formula;
//! URIs are printable ASCII.
#![no_main]

use std::io::Write;

use bucketlint::report::safe::{
    Neutral, code_cell, csv_text, hazardous, markdown_cell, uri_path, xml_text,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut out = Vec::new();
    {
        let mut w = Neutral::new(&mut out, false);
        w.write_all(text.as_bytes()).unwrap();
    }
    let shown = String::from_utf8(out).expect("UTF-8 in, UTF-8 out");
    assert!(!shown.chars().any(hazardous), "{shown:?}");
    for line in shown.lines() {
        let t = line.trim_start();
        assert!(!t.starts_with("::") && !t.starts_with("##"), "{line:?}");
    }
    let cell = markdown_cell(text);
    assert!(!cell.contains('\n'));
    let bytes = cell.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if b"|`[]".contains(b) {
            let escapes = bytes[..i].iter().rev().take_while(|&&c| c == b'\\').count();
            assert!(escapes % 2 == 1, "{cell:?}");
        }
    }
    let code = code_cell(text);
    if !code.is_empty() {
        let fence = code.len() - code.trim_start_matches('`').len();
        assert!(2 * fence <= code.len(), "{code:?}");
        assert!(!code[fence..code.len() - fence].contains(&"`".repeat(fence)), "{code:?}");
    }
    assert!(!csv_text(text).starts_with(['=', '+', '@', '\t', '\r']));
    assert!(uri_path(text).bytes().all(|b| b.is_ascii_graphic()));
    assert!(
        !xml_text(text)
            .chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}'))
    );
});
