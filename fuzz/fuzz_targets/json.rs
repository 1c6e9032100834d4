//! The JSON parser: any text gives a document or an error, never a panic.
#![no_main]

use bucketlint::parse::json::{Placement, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(doc) = parse(text, Placement::At(0, 0)) {
        let (start, end) = (doc.value.span.start as usize, doc.value.span.end as usize);
        assert!(start <= end && end <= text.len());
    }
});
