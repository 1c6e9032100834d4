//! Fingerprints of findings that survive line shifts: they hash what the
//! finding is about (rule, file, resource, the offending text), not where
//! it is. Findings alike in all of these are numbered in order.

use std::collections::HashMap;

use crate::findings::Finding;

/// FNV-1a, 64 bits: small, stable across versions and platforms.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn key(f: &Finding) -> String {
    let l = &f.location;
    let text = l.file.text_at(l.start, l.end);
    // Whitespace inside the offending text does not change what it is.
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "{}\u{0}{}\u{0}{}\u{0}{}",
        f.rule.code,
        l.file.name(),
        f.resource,
        text
    )
}

/// One fingerprint per finding, in the same order.
pub fn all(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let k = key(f);
            let n = seen.entry(k.clone()).or_default();
            *n += 1;
            format!("{:016x}:{}", fnv(k.as_bytes()), n)
        })
        .collect()
}
