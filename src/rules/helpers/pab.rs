//! One Block Public Access configuration read as one cause: the settings
//! it turns off, leaves unset, or turns off where something above keeps
//! them on. The rules about bucket, account and access point settings
//! report a configuration once, naming its settings.

use crate::model::s3::PAB_FLAGS;
use crate::source::Span;
use crate::tree::Value;

#[derive(Debug, Default)]
pub struct Settings {
    /// Set to `false`.
    pub off: Vec<&'static str>,
    /// Left out, when a missing setting means `false`.
    pub unset: Vec<&'static str>,
    /// Set to `false` but kept on by a setting above (the account's).
    pub moot: Vec<&'static str>,
    /// The first `false` value, to point at.
    pub first_off: Option<Span>,
}

impl Settings {
    /// Reads one configuration (a mapping). `unset_is_off`: whether a
    /// setting left out is `false` (buckets, accounts) or `true` (access
    /// points); `covered`: whether a setting is on above it.
    pub fn read(block: &Value, unset_is_off: bool, covered: impl Fn(&str) -> bool) -> Settings {
        let mut s = Settings::default();
        for flag in PAB_FLAGS {
            let value = block.get(flag);
            let falses: Vec<Span> = value
                .map(|v| v.alternatives())
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.as_bool() == Some(false))
                .map(|a| a.span)
                .collect();
            if let Some(first) = falses.first() {
                s.first_off = s.first_off.or(Some(*first));
                if covered(flag) {
                    s.moot.push(flag);
                } else {
                    s.off.push(flag);
                }
            } else if value.is_none() && unset_is_off && !covered(flag) {
                s.unset.push(flag);
            }
        }
        s
    }

    /// Whether some setting is off and not kept on above.
    pub fn exposed(&self) -> bool {
        !self.off.is_empty() || !self.unset.is_empty()
    }

    /// "turns off A, B and leaves C unset (false by default)".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.off.is_empty() {
            parts.push(format!("turns off {}", self.off.join(", ")));
        }
        if !self.unset.is_empty() {
            parts.push(format!(
                "leaves {} unset (false by default)",
                self.unset.join(", ")
            ));
        }
        parts.join(" and ")
    }

    /// The label at the finding: the settings concerned.
    pub fn label(&self) -> String {
        match (self.off.is_empty(), self.unset.is_empty()) {
            (false, _) => format!("{} off", self.off.join(", ")),
            (true, false) => format!("{} not set", self.unset.join(", ")),
            (true, true) => format!("{} off", self.moot.join(", ")),
        }
    }
}
