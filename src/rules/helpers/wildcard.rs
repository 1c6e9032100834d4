//! The fix of a wildcard action, shared by the bucket-policy and the
//! identity-policy rules.

use crate::fix::{Context, Fix, Safety, edit};
use crate::policy::{ActionSet, Level, Statement};
use crate::rules::rule::Violation;
use crate::tree::Kind;

/// The wildcard action at the violation, in one of `statements`, replaced
/// by the actions it covers up to the level the statement needs.
pub fn narrow_wildcard(v: &Violation, ctx: &Context, statements: &[Statement]) -> Option<Fix> {
    let st = statements
        .iter()
        .find(|s| s.action_items().iter().any(|i| i.span == v.span))?;
    let item = st.action_items().into_iter().find(|i| i.span == v.span)?;
    let pattern = item.as_str()?;
    let explicit: Vec<&str> = st
        .action_items()
        .iter()
        .filter_map(|i| i.as_str())
        .filter(|a| !a.contains(['*', '?']))
        .collect();
    let verb = pattern
        .split_once(':')
        .map_or(pattern, |(_, rest)| rest)
        .trim_end_matches(['*', '?']);
    let implied = match verb {
        v if v.starts_with("List") => Level::List,
        v if [
            "Put",
            "Delete",
            "Create",
            "Abort",
            "Restore",
            "Replicate",
            "Update",
        ]
        .iter()
        .any(|w| v.starts_with(w)) =>
        {
            Level::Write
        }
        _ => Level::Read,
    };
    let stated = ActionSet::matching(&explicit)
        .iter()
        .map(|a| a.level)
        .filter(|l| *l <= Level::Write)
        .max();
    let level = stated.map_or(implied, |s| s.max(implied));
    // Object ARNs (`.../*`) need object actions only; bucket ARNs, bucket
    // actions only; unknown or mixed, both.
    let (mut objects, mut buckets) = (false, false);
    for r in st.resource.map(|r| r.items()).unwrap_or_default() {
        match &r.kind {
            Kind::Str(t) | Kind::Partial(t) if t.contains('/') => objects = true,
            Kind::Str(t) | Kind::Partial(t) if t != "*" => buckets = true,
            _ => (objects, buckets) = (true, true),
        }
    }
    if !objects && !buckets {
        (objects, buckets) = (true, true);
    }
    let on_objects = |name: &str| {
        ["Object", "MultipartUpload", "Parts"]
            .iter()
            .any(|w| name.contains(w))
            && !["Bucket", "AccessPoint", "Lambda"]
                .iter()
                .any(|w| name.contains(w))
    };
    let actions: Vec<&str> = ActionSet::matching(&[pattern])
        .filter(|a| {
            a.level <= level
                && !explicit.iter().any(|e| e.eq_ignore_ascii_case(a.name))
                && if on_objects(a.name) { objects } else { buckets }
        })
        .iter()
        .map(|a| a.name)
        .collect();
    if actions.is_empty() {
        return None;
    }
    let file = ctx.files.get(v.span.file as usize)?;
    let (quote, text) = edit::literal(file, v.span)?;
    if text != pattern {
        return None;
    }
    let in_list = matches!(st.action.map(|a| &a.kind), Some(Kind::Seq(_)));
    let list = st.action?;
    let block_list = in_list
        && ctx.model.format == crate::model::Format::CloudFormation
        && file.text_at(list.span.start, list.span.start + 1) != "[";
    let q = |a: &str| format!("\"{a}\"");
    let replacement = if block_list {
        // One item per line, at the dash of the item replaced.
        let t = &*file.text;
        let at = (v.span.start - file.offset) as usize;
        let line = t[..at].rfind('\n').map_or(0, |i| i + 1);
        let dash = &t[line..at];
        if dash.trim() != "-" {
            return None;
        }
        let nl = file.newline();
        let write = |a: &str| match quote {
            Some(c) => format!("{c}{a}{c}"),
            None => a.to_string(),
        };
        actions
            .iter()
            .map(|a| write(a))
            .collect::<Vec<_>>()
            .join(&format!("{nl}{dash}"))
    } else if in_list {
        actions.iter().map(|a| q(a)).collect::<Vec<_>>().join(", ")
    } else {
        format!(
            "[{}]",
            actions.iter().map(|a| q(a)).collect::<Vec<_>>().join(", ")
        )
    };
    let note = format!(
        "replaced `{pattern}` with the {} actions it covers at the {} level; add back any other action the workload uses",
        actions.len(),
        match level {
            Level::List => "list",
            Level::Read => "list and read",
            _ => "list, read and write",
        }
    );
    ctx.fix(
        v.span.file,
        Safety::Unsafe,
        &note,
        vec![crate::fix::Edit {
            start: v.span.start,
            end: v.span.end,
            text: replacement,
        }],
    )
}
