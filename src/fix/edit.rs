//! Edits that keep the file's own style: a literal replaced with the same
//! quoting, a property added to a CloudFormation resource at the
//! indentation of its neighbours (block or flow YAML, JSON), a Terraform
//! resource inserted after the bucket it configures.

use serde_json::Value as Json;

use super::{Context, Edit};
use crate::model::{Format, Resource};
use crate::source::{SourceFile, Span};
use crate::tree::Value;

/// The text of `span` if it is exactly one literal: plain, or in single
/// or double quotes. Returns the quote (if any) and the unquoted text.
pub fn literal(file: &SourceFile, span: Span) -> Option<(Option<char>, &str)> {
    let text = file.text_at(span.start, span.end);
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return (!inner.contains(q) && !inner.contains('\\')).then_some((Some(q), inner));
        }
    }
    // A plain scalar: no quotes, spaces or flow characters, and not an
    // alias, anchor or tag.
    let plain = !text.is_empty()
        && !text.starts_with(['*', '&', '!', ':', '-', '?'])
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '*' | '?' | '/')
        });
    plain.then_some((None, text))
}

/// Replaces the literal at `span`, currently `from` (one of), by `to`,
/// keeping its quotes. `None` when the text there is not that literal (a
/// reference, a parameter, a computed value): those are not ours to edit.
pub fn replace_literal(ctx: &Context, used: Span, from: &[&str], to: &str) -> Option<Edit> {
    // A value a caller passed is edited where the caller wrote it.
    let span = ctx.written(used);
    let file = ctx.files.get(span.file as usize)?;
    let (quote, text) = literal(file, span)?;
    if !from.iter().any(|f| f.eq_ignore_ascii_case(text)) {
        return None;
    }
    // HCL strings are always quoted; a bare word there is an expression
    // (but for the booleans).
    let boolean = matches!(text, "true" | "false");
    if ctx.model.format == Format::Terraform && quote != Some('"') && !boolean {
        return None;
    }
    let text = match quote {
        Some(q) => format!("{q}{to}{q}"),
        None => to.to_string(),
    };
    if span.file != used.file {
        ctx.moved_to(span.file);
    }
    Some(Edit {
        start: span.start,
        end: span.end,
        text,
    })
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the line holding `at` ends: before its `\n` or `\r\n`.
fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    match end > at && text.as_bytes()[end - 1] == b'\r' {
        true => end - 1,
        false => end,
    }
}

fn indent_of_line(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let line = &text[start..line_end(text, start)];
    &line[..line.len() - line.trim_start().len()]
}

/// The indent of a YAML block resource's keys: that of the first line
/// below its logical id, if it is deeper than the id's (else the resource
/// is in flow style, or not a mapping).
fn body_indent(file: &SourceFile, head: Span, extent: Span) -> Option<usize> {
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let after_head = line_end(text, local(head.end));
    let rest = &text[after_head..local(extent.end).max(after_head)];
    let body = rest
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let indent = &body[..body.len() - body.trim_start().len()];
    let head_indent = indent_of_line(text, local(head.start)).len();
    (indent.chars().all(|c| c == ' ') && indent.len() > head_indent).then_some(indent.len())
}

/// Adds `key: value` to the Properties of a CloudFormation resource,
/// creating Properties when the resource has none. `None` when the layout
/// is not one we can extend without guessing (a Properties that is not a
/// mapping, a resource written in flow style without Properties).
pub fn add_property(ctx: &Context, resource: &Resource, key: &str, value: &Json) -> Option<Edit> {
    if ctx.model.format != Format::CloudFormation {
        return None;
    }
    let file = ctx.files.get(resource.head.file as usize)?;
    let block = ctx.model.block_at(resource.head)?;
    let props = &resource.properties;
    let absent = props.entries().is_empty() && props.span == resource.head;
    if file.is_json() {
        match absent {
            false => json_add(file, props, key, value),
            true => json_add_properties(file, block.extent, key, value),
        }
    } else {
        match absent {
            false => yaml_add(file, props, key, value),
            true => yaml_add_properties(file, resource.head, block.extent, key, value),
        }
    }
}

/// Adds entries to a mapping that has some: a CloudFormation mapping
/// (YAML or JSON), or for Terraform arguments `key = value` (the HCL text
/// given) in the block the mapping came from, aligned as `terraform fmt`
/// aligns a run of arguments. Entries are `(key, value, hcl)`.
pub fn add_entries(
    ctx: &Context,
    map: &Value,
    entries: &[(&str, Json, &str)],
) -> Option<Vec<Edit>> {
    let last = map.entries().last()?;
    let file = ctx.files.get(last.key_span.file as usize)?;
    let mut edits: Vec<Edit> = Vec::new();
    match ctx.model.format {
        Format::CloudFormation => {
            for (key, value, _) in entries {
                let e = match file.is_json() {
                    true => json_add(file, map, key, value)?,
                    false => yaml_add(file, map, key, value)?,
                };
                match edits.last_mut() {
                    Some(prev) => prev.text.push_str(&e.text),
                    None => edits.push(e),
                }
            }
            Some(edits)
        }
        Format::Terraform => hcl_add(file, last, entries),
    }
}

fn hcl_add(
    file: &SourceFile,
    last: &crate::tree::Entry,
    entries: &[(&str, Json, &str)],
) -> Option<Vec<Edit>> {
    let text = &*file.text;
    let base = file.offset;
    let local = |o: u32| (o - base) as usize;
    let key_at = local(last.key_span.start);
    let indent = &text[line_start(text, key_at)..key_at];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None; // not one argument per line
    }
    let at = line_end(text, local(last.value.span.end.max(last.key_span.end)));
    // The run of single-line arguments the new ones join: lines above the
    // last, at the same indent, up to a blank line or anything else.
    let is_argument = |line: &str| {
        line.strip_prefix(indent).is_some_and(|l| {
            let name = l.split([' ', '=']).next().unwrap_or("");
            !name.is_empty()
                && !l.starts_with([' ', '\t', '#', '/'])
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && l[name.len()..].trim_start().starts_with('=')
                && !l[name.len()..].trim_start().starts_with("==")
        })
    };
    let mut run: Vec<usize> = Vec::new(); // line starts
    let mut line = line_start(text, key_at);
    loop {
        let end = line_end(text, line);
        if !is_argument(&text[line..end]) {
            break;
        }
        run.push(line);
        if line == 0 {
            break;
        }
        line = line_start(text, line - 1);
    }
    let name_of = |start: usize| {
        let l = &text[start + indent.len()..line_end(text, start)];
        l.split([' ', '=']).next().unwrap_or("").len()
    };
    let width = run
        .iter()
        .map(|&l| name_of(l))
        .chain(entries.iter().map(|(k, _, _)| k.len()))
        .max()
        .unwrap_or(0);
    let mut edits = Vec::new();
    for &l in &run {
        // Re-pad the space between the name and `=` when the run widens.
        let name_end = l + indent.len() + name_of(l);
        let eq = name_end + text[name_end..].find('=')?;
        let pad = " ".repeat(width - name_of(l) + 1);
        if text[name_end..eq] != pad {
            edits.push(Edit {
                start: (name_end as u32) + base,
                end: (eq as u32) + base,
                text: pad,
            });
        }
    }
    let nl = file.newline();
    let mut added = String::new();
    for (key, _, hcl) in entries {
        let pad = " ".repeat(width - key.len() + 1);
        added.push_str(&format!("{nl}{indent}{key}{pad}= {hcl}"));
    }
    edits.push(Edit {
        start: at as u32 + base,
        end: at as u32 + base,
        text: added,
    });
    Some(edits)
}

fn yaml_add(file: &SourceFile, props: &Value, key: &str, value: &Json) -> Option<Edit> {
    let text = &*file.text;
    let last = props.entries().last()?;
    let local = |o: u32| (o - file.offset) as usize;
    let start = local(props.span.start);
    if text.as_bytes().get(start) == Some(&b'{') {
        // Flow mapping: JSON is valid flow YAML.
        let close = local(props.span.end).checked_sub(1)?;
        (text.as_bytes().get(close) == Some(&b'}')).then_some(())?;
        let at = local(last.value.span.end);
        return Some(Edit {
            start: at as u32 + file.offset,
            end: at as u32 + file.offset,
            text: format!(", {key}: {}", serde_json::to_string(value).ok()?),
        });
    }
    let first = props.entries().first()?;
    let key_at = local(first.key_span.start);
    let indent = &text[line_start(text, key_at)..key_at];
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let unit = yaml_unit(file, props).unwrap_or(2);
    let at = line_end(text, local(last.value.span.end.max(last.key_span.end)));
    let nl = file.newline();
    let mut out = String::new();
    yaml_entry(&mut out, indent.len(), unit, key, value, nl);
    Some(Edit {
        start: at as u32 + file.offset,
        end: at as u32 + file.offset,
        text: format!("{nl}{}", out.trim_end_matches(['\r', '\n'])),
    })
}

/// The indentation step of a YAML file: how far the Properties' keys sit
/// from the `Properties` key.
fn yaml_unit(file: &SourceFile, props: &Value) -> Option<usize> {
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let first = props.entries().first()?;
    let key_at = local(first.key_span.start);
    let child = key_at - line_start(text, key_at);
    let parent_line = line_start(text, line_start(text, key_at).checked_sub(1)?);
    let parent = indent_of_line(text, parent_line).len();
    (child > parent).then_some(child - parent)
}

fn yaml_add_properties(
    file: &SourceFile,
    head: Span,
    extent: Span,
    key: &str,
    value: &Json,
) -> Option<Edit> {
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let indent = body_indent(file, head, extent)?;
    let unit = indent - indent_of_line(text, local(head.start)).len();
    let nl = file.newline();
    let mut out = format!("{nl}{}Properties:{nl}", " ".repeat(indent));
    yaml_entry(&mut out, indent + unit, unit, key, value, nl);
    let at = line_end(text, local(extent.end));
    Some(Edit {
        start: at as u32 + file.offset,
        end: at as u32 + file.offset,
        text: out.trim_end_matches(['\r', '\n']).to_string(),
    })
}

/// `key: value` as block YAML at `indent`, each line ending with `nl`.
fn yaml_entry(out: &mut String, indent: usize, unit: usize, key: &str, value: &Json, nl: &str) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(_) | Json::Array(_) => {
            out.push_str(&format!("{pad}{key}:{nl}"));
            yaml_value(out, indent + unit, unit, value, nl);
        }
        scalar => out.push_str(&format!("{pad}{key}: {}{nl}", yaml_scalar(scalar))),
    }
}

fn yaml_value(out: &mut String, indent: usize, unit: usize, value: &Json, nl: &str) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                yaml_entry(out, indent, unit, k, v, nl);
            }
        }
        Json::Array(items) => {
            for item in items {
                // The item's first line follows the dash; the rest line up
                // under it.
                let mut inner = String::new();
                yaml_value(&mut inner, indent + 2, unit, item, nl);
                let inner = inner.trim_start_matches(' ');
                match item {
                    Json::Object(_) => out.push_str(&format!("{pad}- {inner}")),
                    _ => out.push_str(&format!("{pad}- {}{nl}", yaml_scalar(item))),
                }
            }
        }
        scalar => out.push_str(&format!("{pad}{}{nl}", yaml_scalar(scalar))),
    }
}

fn yaml_scalar(v: &Json) -> String {
    match v {
        Json::String(s)
            if !s.is_empty()
                && s.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/')
                })
                && !matches!(s.as_str(), "true" | "false" | "yes" | "no" | "null")
                // Dates and numbers would not stay strings.
                && !s.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            s.clone()
        }
        other => other.to_string(),
    }
}

fn json_add(file: &SourceFile, props: &Value, key: &str, value: &Json) -> Option<Edit> {
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let last = props.entries().last()?;
    let open = local(props.span.start);
    (text.as_bytes().get(open) == Some(&b'{')).then_some(())?;
    let at = local(last.value.span.end);
    let key_at = local(last.key_span.start);
    let nl = file.newline();
    let one_line = !text[open..key_at].contains('\n');
    let rendered = if one_line {
        format!(
            ", {}: {}",
            Json::from(key),
            serde_json::to_string(value).ok()?
        )
    } else {
        let indent = indent_of_line(text, key_at);
        let unit = json_unit(text, open, key_at);
        format!(
            ",{nl}{indent}{}: {}",
            Json::from(key),
            json_pretty(value, indent, &unit, nl)
        )
    };
    Some(Edit {
        start: at as u32 + file.offset,
        end: at as u32 + file.offset,
        text: rendered,
    })
}

fn json_add_properties(file: &SourceFile, extent: Span, key: &str, value: &Json) -> Option<Edit> {
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let end = local(extent.end);
    let close = end.checked_sub(1)?;
    (text.as_bytes().get(close) == Some(&b'}')).then_some(())?;
    let body = &text[local(extent.start)..close];
    let type_at = local(extent.start) + body.find("\"Type\"")?;
    let before_close = text[..close].trim_end().len();
    let nl = file.newline();
    let indent = indent_of_line(text, type_at);
    if !text[local(extent.start)..type_at].contains('\n') {
        let props = serde_json::json!({ key: value });
        return Some(Edit {
            start: before_close as u32 + file.offset,
            end: before_close as u32 + file.offset,
            text: format!(", \"Properties\": {}", serde_json::to_string(&props).ok()?),
        });
    }
    let open = local(extent.start) + body.find('{')?;
    let unit = json_unit(text, open, type_at);
    let props = serde_json::json!({ key: value });
    Some(Edit {
        start: before_close as u32 + file.offset,
        end: before_close as u32 + file.offset,
        text: format!(
            ",{nl}{indent}\"Properties\": {}",
            json_pretty(&props, indent, &unit, nl)
        ),
    })
}

/// The indentation step of a JSON file: how far a member sits from the
/// line of the brace that opens its object.
fn json_unit(text: &str, open: usize, key_at: usize) -> String {
    let parent = indent_of_line(text, open);
    let child = indent_of_line(text, key_at);
    match child.strip_prefix(parent) {
        Some(step) if !step.is_empty() => step.to_string(),
        _ => "  ".to_string(),
    }
}

/// Pretty JSON whose lines after the first start at `indent`.
fn json_pretty(value: &Json, indent: &str, unit: &str, nl: &str) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value.serialize(&mut ser).expect("JSON values serialise");
    let pretty = String::from_utf8(buf).expect("serde_json writes UTF-8");
    pretty
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => l.to_string(),
            _ => format!("{indent}{l}"),
        })
        .collect::<Vec<_>>()
        .join(nl)
}

/// A Terraform resource inserted after the block that declares `bucket`,
/// referencing it: `resource "<kind>" "<name>" { bucket = <ref>.id ... }`
/// with `body` lines (indented by two spaces, as `terraform fmt` does).
/// `None` when the bucket has no block of its own here, uses `count` or
/// `for_each`, or a resource of that kind and name already exists.
pub fn add_terraform_resource(
    ctx: &Context,
    bucket: &Resource,
    kind: &str,
    body: &[&str],
) -> Option<Edit> {
    if ctx.model.format != Format::Terraform {
        return None;
    }
    let block = ctx
        .model
        .blocks
        .iter()
        .find(|b| b.extent.contains(bucket.head) && b.source_type == "aws_s3_bucket")?;
    let address = block.id.strip_prefix("aws_s3_bucket.")?;
    if address.contains(['[', '.']) {
        return None;
    }
    let file = ctx.files.get(block.extent.file as usize)?;
    let source = file.text_at(block.extent.start, block.extent.end);
    let repeated = source.lines().any(|l| {
        let l = l.trim_start();
        ["count", "for_each"].iter().any(|k| {
            l.strip_prefix(k)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
    });
    if repeated {
        return None;
    }
    let new_id = format!("{kind}.{address}");
    if ctx.model.block(&new_id).is_some() {
        return None;
    }
    let nl = file.newline();
    let mut out = format!(
        "{nl}{nl}resource \"{kind}\" \"{address}\" {{{nl}  bucket = aws_s3_bucket.{address}.id{nl}"
    );
    if !body.is_empty() {
        out.push_str(nl);
    }
    for line in body {
        match line.is_empty() {
            true => out.push_str(nl),
            false => out.push_str(&format!("  {line}{nl}")),
        }
    }
    out.push('}');
    let at = block.extent.end;
    Some(Edit {
        start: at,
        end: at,
        text: out,
    })
}

/// Adds a CloudFormation resource after the resource `after`, at its
/// indentation: `id` with `body` (a mapping of `Type`, `Properties`, ...).
pub fn add_resource(ctx: &Context, after: &Resource, id: &str, body: &Json) -> Option<Edit> {
    if ctx.model.format != Format::CloudFormation {
        return None;
    }
    let file = ctx.files.get(after.head.file as usize)?;
    let block = ctx.model.block_at(after.head)?;
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let nl = file.newline();
    let head_at = local(after.head.start);
    let indent = &text[line_start(text, head_at)..head_at];
    if file.is_json() {
        let end = local(block.extent.end);
        (text.as_bytes().get(end.checked_sub(1)?) == Some(&b'}')).then_some(())?;
        let key_at = head_at;
        // The step: how far the resource's members sit from its name.
        let type_at = key_at + text[key_at..end].find("\"Type\"")?;
        let unit = match indent_of_line(text, type_at).strip_prefix(indent) {
            Some(step) if !step.is_empty() && text[key_at..type_at].contains('\n') => {
                step.to_string()
            }
            _ => "  ".to_string(),
        };
        return Some(Edit {
            start: end as u32 + file.offset,
            end: end as u32 + file.offset,
            text: format!(
                ",{nl}{indent}{}: {}",
                Json::from(id),
                json_pretty(body, indent, &unit, nl)
            ),
        });
    }
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    // Block style only: the resource's keys give the step.
    let child = body_indent(file, after.head, block.extent)?;
    let unit = child - indent.len();
    let mut out = format!("{nl}{indent}{id}:{nl}");
    yaml_value(&mut out, child, unit, body, nl);
    let at = line_end(text, local(block.extent.end));
    Some(Edit {
        start: at as u32 + file.offset,
        end: at as u32 + file.offset,
        text: out.trim_end_matches(['\r', '\n']).to_string(),
    })
}

/// Appends `item` to a CloudFormation list that has items (block or flow
/// YAML, JSON), in the style of the items already there.
pub fn append_item(ctx: &Context, list: &Value, item: &Json) -> Option<Edit> {
    if ctx.model.format != Format::CloudFormation {
        return None;
    }
    let crate::tree::Kind::Seq(items) = &list.kind else {
        return None;
    };
    let last = items.last()?;
    let file = ctx.files.get(last.span.file as usize)?;
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let nl = file.newline();
    let open = local(list.span.start);
    let first_at = local(items.first()?.span.start);
    if text.as_bytes().get(open) == Some(&b'[') {
        let at = local(last.span.end);
        let one_line = !text[open..first_at].contains('\n');
        let rendered = if one_line || !file.is_json() {
            format!(", {}", serde_json::to_string(item).ok()?)
        } else {
            let indent = indent_of_line(text, first_at);
            let unit = json_unit(text, open, first_at);
            format!(",{nl}{indent}{}", json_pretty(item, indent, &unit, nl))
        };
        return Some(Edit {
            start: at as u32 + file.offset,
            end: at as u32 + file.offset,
            text: rendered,
        });
    }
    // Block sequence: the dash of the first item gives the indent.
    let dash = text[..first_at].rfind('-')?;
    if !text[line_start(text, dash)..dash].chars().all(|c| c == ' ') {
        return None;
    }
    let indent = dash - line_start(text, dash);
    let mut out = String::new();
    yaml_value(&mut out, indent, 2, &Json::Array(vec![item.clone()]), nl);
    let at = line_end(text, local(last.span.end));
    Some(Edit {
        start: at as u32 + file.offset,
        end: at as u32 + file.offset,
        text: format!("{nl}{}", out.trim_end_matches(['\r', '\n'])),
    })
}

/// Whether the object starting at `at` is written as JSON (`"Key": ...`,
/// in a heredoc) rather than as an HCL object (`Key = ...`).
fn json_object_at(text: &str, at: usize) -> bool {
    let body = text[at..]
        .strip_prefix('{')
        .unwrap_or_default()
        .trim_start();
    let Some(key) = body.strip_prefix('"') else {
        return false;
    };
    key.find('"')
        .is_some_and(|end| key[end + 1..].trim_start().starts_with(':'))
}

/// Appends a policy statement after `last`, the last statement of a
/// Terraform policy, in the syntax of its host: a `statement { ... }` block
/// of an `aws_iam_policy_document`, an object of a `jsonencode` list, or a
/// JSON object in a heredoc, one per line. `block` and `object` are the
/// new statement in the first two forms, as lines relative to the
/// statement's indent; `json` in the third. A policy in an escaped JSON
/// string is left alone.
pub fn append_hcl_statement(
    ctx: &Context,
    last: &Value,
    block: &[String],
    object: &[String],
    json: &Json,
) -> Option<Edit> {
    if ctx.model.format != Format::Terraform {
        return None;
    }
    let file = ctx.files.get(last.span.file as usize)?;
    let text = &*file.text;
    let local = |o: u32| (o - file.offset) as usize;
    let start = local(last.span.start);
    let end = local(last.span.end);
    let indent = &text[line_start(text, start)..start];
    if !indent.chars().all(|c| c == ' ') {
        return None; // not one statement per line
    }
    let nl = file.newline();
    let lines = |body: &[String]| {
        body.iter()
            .map(|l| match l.is_empty() {
                true => String::new(),
                false => format!("{indent}{l}"),
            })
            .collect::<Vec<_>>()
            .join(nl)
    };
    let rest = &text[end..];
    if text[start..end].contains("\\\"") {
        return None; // JSON escaped in a string
    }
    let (at, inserted) = if text[start..].starts_with("statement") {
        (end, format!("{nl}{nl}{}", lines(block)))
    } else if json_object_at(text, start) {
        // Heredoc JSON: a JSON member, indented like the statement's own.
        let unit = json_unit(text, start, text[start + 1..].find('"')? + start + 1);
        let rendered = json_pretty(json, indent, &unit, nl);
        match rest.trim_start().starts_with(',') {
            true => (
                end + rest.find(',')? + 1,
                format!("{nl}{indent}{rendered},"),
            ),
            false => (end, format!(",{nl}{indent}{rendered}")),
        }
    } else if text[start..].starts_with('{') {
        let object = lines(object);
        match rest.trim_start_matches([' ', '\t']).starts_with(',') {
            true => {
                let comma = end + rest.find(',')? + 1;
                (comma, format!("{nl}{object},"))
            }
            false => (end, format!(",{nl}{object}")),
        }
    } else {
        return None;
    };
    Some(Edit {
        start: at as u32 + file.offset,
        end: at as u32 + file.offset,
        text: inserted,
    })
}
