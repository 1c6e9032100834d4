//! The HCL parser: any text gives a body or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = bucketlint::parse::hcl::parse(text, 0);
});
