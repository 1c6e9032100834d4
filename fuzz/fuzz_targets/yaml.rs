//! The YAML parser: any text gives documents or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(docs) = bucketlint::parse::yaml::parse(text, 0) {
        // Every span lies within the text, on character boundaries.
        for doc in &docs.docs {
            let (start, end) = (doc.span.start as usize, doc.span.end as usize);
            assert!(start <= end && end <= text.len());
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }
});
