//! The rule table of the README, made from the registry
//! (`bucketlint rules --format markdown`).

use crate::model::Format;
use crate::rules::Rule;

pub fn rules_table(rules: &[&'static Rule]) -> String {
    let mut out = String::from(
        "| code | name | severity | default | CloudFormation | Terraform | fix | equivalents |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for r in rules {
        let yes = |f: Format| if r.formats.contains(&f) { "yes" } else { "no" };
        let e = &r.equivalents;
        let peers: Vec<String> = [
            ("checkov", e.checkov),
            ("trivy", e.trivy),
            ("KICS", e.kics),
            ("cfn_nag", e.cfn_nag),
            ("Guard", e.guard),
        ]
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(tool, ids)| {
            // One id per tool is enough in a table; `rules --format json` has all.
            let more = if ids.len() > 1 {
                format!(" +{}", ids.len() - 1)
            } else {
                String::new()
            };
            format!("{tool} `{}`{more}", ids[0])
        })
        .collect();
        out.push_str(&format!(
            "| {} | [{}](rules/{}.md) | {} | {} | {} | {} | {} | {} |\n",
            r.code,
            r.name,
            r.name,
            r.severity.as_str(),
            if r.default_enabled { "on" } else { "opt-in" },
            yes(Format::CloudFormation),
            yes(Format::Terraform),
            r.autofix.map_or("no", |f| f.safety.as_str()),
            if peers.is_empty() {
                "none".to_string()
            } else {
                peers.join(", ")
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's rule table is `bucketlint rules --format markdown`.
    #[test]
    fn the_readme_lists_every_rule() {
        let readme = include_str!("../../README.md");
        let table = rules_table(crate::rules::registry::RULES);
        assert!(
            readme.contains(&table),
            "README.md's rule table differs from `bucketlint rules --format markdown`:\n{table}"
        );
    }
}
