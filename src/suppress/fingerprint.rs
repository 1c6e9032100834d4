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
    named_key(f, &f.location.file.name())
}

/// What a finding is about, with its file called `name`: so that a finding
/// in a file renamed since matches itself.
pub fn named_key(f: &Finding, name: &str) -> String {
    let l = &f.location;
    let text = l.file.text_at(l.start, l.end);
    // Whitespace inside the offending text does not change what it is.
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{}\u{0}{name}\u{0}{}\u{0}{}", f.rule.code, f.resource, text)
}

/// Drops the findings of `current` that `earlier` already had (each
/// earlier finding matches one current finding); `name` gives each
/// finding's file as the repository names it today. A finding is matched
/// in its file first, then anywhere (a file renamed and changed too much
/// for git to call it a rename). Returns how many were dropped.
pub fn drop_existing(
    current: &mut Vec<Finding>,
    earlier: &[Finding],
    name: impl Fn(&Finding) -> String,
) -> usize {
    let n = current.len();
    let mut left: Vec<&Finding> = earlier.iter().collect();
    for anywhere in [false, true] {
        let key = |f: &Finding| match anywhere {
            false => named_key(f, &name(f)),
            true => named_key(f, ""),
        };
        let mut before: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in left.iter().enumerate() {
            before.entry(key(f)).or_default().push(i);
        }
        let mut used = vec![false; left.len()];
        current.retain(|f| match before.get_mut(&key(f)).and_then(Vec::pop) {
            Some(i) => {
                used[i] = true;
                false
            }
            None => true,
        });
        let mut i = 0;
        left.retain(|_| {
            i += 1;
            !used[i - 1]
        });
    }
    n - current.len()
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
