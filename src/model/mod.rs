//! The common resource model, shaped like CloudFormation whatever the
//! source: buckets are `AWS::S3::Bucket` with CloudFormation property names,
//! Terraform's split bucket resources are merged into their bucket, and each
//! value keeps the span of the text it came from.

pub mod cfn;
pub mod deployed;
pub mod iam;
pub mod s3;
pub mod terraform;

use std::collections::HashMap;

use crate::source::Span;
use crate::tree::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    CloudFormation,
    Terraform,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CloudFormation => "cloudformation",
            Format::Terraform => "terraform",
        }
    }
}

/// A block of source that declares something: a CloudFormation resource or
/// a Terraform resource or data source. Findings name the block that holds
/// their text, so suppressions stay precise.
#[derive(Clone, Debug)]
pub struct Block {
    /// Logical id or Terraform address (`aws_s3_bucket_acl.logs`).
    pub id: String,
    /// Type as written (`AWS::S3::Bucket`, `aws_s3_bucket_acl`).
    pub source_type: String,
    /// The declaration's name: logical id key, or the block header.
    pub head: Span,
    /// The whole declaration.
    pub extent: Span,
    /// Why the block may not take effect, when that depends on inputs not
    /// known statically (a Terraform `count` or `for_each`): findings in it
    /// say so.
    pub condition: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub id: String,
    /// CloudFormation type, also for Terraform input.
    pub cfn_type: String,
    pub head: Span,
    pub properties: Value,
    /// For bucket policies and other attachments: the bucket they apply to.
    pub bucket: Option<usize>,
    /// False for a bucket known only through a resource that configures it
    /// (its declaration is elsewhere): rules about what a bucket lacks skip it.
    pub declared: bool,
    /// CloudFormation resource attributes (`DeletionPolicy`,
    /// `UpdateReplacePolicy`, `Metadata`, `Condition`), as a map.
    pub attributes: Value,
}

/// A value a module received from its caller: where the module instance
/// uses it, and the caller's argument that set it.
#[derive(Clone, Debug)]
pub struct Passed {
    /// The module instance (`module.site`, `module.a.module.b[0]`).
    pub instance: String,
    pub used: Span,
    pub given: Span,
}

/// A JSON document held in a string of the source (an AWS Config item's
/// `policyText`), parsed on its own: its values have spans in a file id of
/// their own, so a finding inside it can say where inside it is.
#[derive(Clone, Debug)]
pub struct Embedded {
    /// The id its values' spans carry; no source file has it.
    pub file: crate::source::FileId,
    /// The string literal that holds the document.
    pub literal: Span,
    /// Where the literal is in its document (`supplementaryConfiguration.BucketPolicy.policyText`).
    pub label: String,
    pub root: Value,
}

#[derive(Debug)]
pub struct Model {
    pub format: Format,
    pub resources: Vec<Resource>,
    pub blocks: Vec<Block>,
    /// Terraform: the values module instances received from their callers.
    pub passed: Vec<Passed>,
    /// Terraform: text a variable, `count`, `for_each`, a condition or an
    /// error chooses (a conditional's branches, `each.value`, what
    /// `lookup()` or `try()` returned). A fix never edits there: it would
    /// take the choice away from every other input and caller.
    pub chosen: Vec<Span>,
    /// CloudFormation: the text of each `Fn::If` branch kept because its
    /// condition is not known, and when it applies ("condition `IsProd`
    /// is false"), so a finding inside one says so.
    pub branches: Vec<(Span, String)>,
    /// Documents parsed out of strings (AWS Config exports).
    pub embedded: Vec<Embedded>,
    /// Deployed buckets (an AWS Config export), not a template: what a
    /// bucket lacks is what it has, not what a deployment would default.
    pub deployed: bool,
    /// Names of buckets that buckets outside the model log into (an AWS
    /// Config export is judged a bucket at a time).
    pub logged_into: std::collections::HashSet<String>,
    /// The account-level Block Public Access resource, once looked up
    /// (after the model is built).
    account_pab: std::sync::OnceLock<Vec<usize>>,
    /// Blocks by id, once asked (after the model is built): rules and
    /// fixes look blocks up per bucket, and a scan each was quadratic.
    block_ids: std::sync::OnceLock<(usize, HashMap<String, usize>)>,
    /// Bucket policies by bucket, once asked, with the number of resources
    /// they were found among (a fix asks per bucket).
    policy_index: std::sync::OnceLock<(usize, HashMap<usize, Vec<usize>>)>,
}

impl Model {
    pub fn new(format: Format) -> Model {
        Model {
            format,
            resources: Vec::new(),
            blocks: Vec::new(),
            passed: Vec::new(),
            chosen: Vec::new(),
            branches: Vec::new(),
            embedded: Vec::new(),
            deployed: false,
            logged_into: Default::default(),
            account_pab: std::sync::OnceLock::new(),
            block_ids: std::sync::OnceLock::new(),
            policy_index: std::sync::OnceLock::new(),
        }
    }

    /// When the text at `span` applies, if only in some branches of the
    /// template's conditions: "condition `A` is true and condition `B` is
    /// false".
    pub fn branch_of(&self, span: Span) -> Option<String> {
        let within: Vec<&str> = self
            .branches
            .iter()
            .filter(|(b, _)| b.file == span.file && b.start <= span.start && span.end <= b.end)
            .map(|(_, when)| when.as_str())
            .collect();
        (!within.is_empty()).then(|| within.join(" and "))
    }

    /// Whether the text at `span` is chosen rather than written: a branch
    /// of a condition (Terraform or CloudFormation), or what a variable,
    /// a key, `count` or `for_each` picks.
    pub fn is_chosen(&self, span: Span) -> bool {
        let within = |c: &Span| c.file == span.file && c.start <= span.start && span.end <= c.end;
        self.branch_of(span).is_some() || self.chosen.iter().any(within)
    }

    /// The span in the source of a value inside embedded documents (the
    /// string that holds it), and the path to it: `policyText` →
    /// `Statement[0].Principal`. A span in the source is returned as is.
    pub fn unembed(&self, mut span: Span) -> (Span, Option<String>) {
        let mut parts = Vec::new();
        let find = |file| self.embedded.iter().find(|e| e.file == file);
        while let Some(e) = find(span.file) {
            let inner = path_to(&e.root, span);
            if !inner.is_empty() {
                parts.push(format!("`{inner}`"));
            }
            span = e.literal;
            // Inside another document the path to the string is the label.
            if find(span.file).is_none() {
                parts.push(format!("`{}`", e.label));
            }
        }
        parts.reverse();
        (span, (!parts.is_empty()).then(|| parts.join(" → ")))
    }

    pub fn of_type<'a>(&'a self, cfn_type: &'a str) -> impl Iterator<Item = (usize, &'a Resource)> {
        self.resources
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.cfn_type == cfn_type)
    }

    pub fn buckets(&self) -> impl Iterator<Item = (usize, &Resource)> {
        self.of_type("AWS::S3::Bucket")
    }

    pub fn bucket_policies(&self) -> impl Iterator<Item = &Resource> {
        self.of_type("AWS::S3::BucketPolicy").map(|(_, r)| r)
    }

    /// The bucket policies of bucket `bucket` (an index in `resources`).
    pub fn policies_of(&self, bucket: usize) -> Vec<&Resource> {
        let (len, index) = self.policy_index.get_or_init(|| {
            let mut map: HashMap<usize, Vec<usize>> = HashMap::new();
            for (i, r) in self.of_type("AWS::S3::BucketPolicy") {
                if let Some(b) = r.bucket {
                    map.entry(b).or_default().push(i);
                }
            }
            (self.resources.len(), map)
        });
        if *len != self.resources.len() {
            return self
                .policies_by_bucket()
                .remove(&bucket)
                .unwrap_or_default();
        }
        index
            .get(&bucket)
            .map(|list| list.iter().map(|&i| &self.resources[i]).collect())
            .unwrap_or_default()
    }

    /// The bucket policies of each bucket, by the bucket's index.
    pub fn policies_by_bucket(&self) -> HashMap<usize, Vec<&Resource>> {
        let mut map: HashMap<usize, Vec<&Resource>> = HashMap::new();
        for p in self.bucket_policies() {
            if let Some(b) = p.bucket {
                map.entry(b).or_default().push(p);
            }
        }
        map
    }

    /// Sorts the blocks by position, for [`Model::holder`]. Builders call it
    /// once, after the last block is added.
    pub fn index_blocks(&mut self) {
        self.block_ids = std::sync::OnceLock::new();
        self.blocks.sort_by_key(|b| {
            (
                b.extent.file,
                b.extent.start,
                std::cmp::Reverse(b.extent.end),
            )
        });
    }

    /// Every block whose text is that of the innermost block holding
    /// `span`: one per instance of a module that holds it.
    pub fn holders(&self, span: Span) -> Vec<&Block> {
        let Some(h) = self.holder(span) else {
            return Vec::new();
        };
        let at = self
            .blocks
            .partition_point(|b| (b.extent.file, b.extent.start) < (h.extent.file, h.extent.start));
        self.blocks[at..]
            .iter()
            .take_while(|b| (b.extent.file, b.extent.start) == (h.extent.file, h.extent.start))
            .filter(|b| b.extent == h.extent)
            .collect()
    }

    /// The block with address `id`.
    pub fn block(&self, id: &str) -> Option<&Block> {
        let (len, ids) = self.block_ids.get_or_init(|| {
            let mut ids = HashMap::with_capacity(self.blocks.len());
            for (i, b) in self.blocks.iter().enumerate() {
                ids.entry(b.id.clone()).or_insert(i);
            }
            (self.blocks.len(), ids)
        });
        // Blocks added after the index was made are found by a scan.
        if *len != self.blocks.len() {
            return self.blocks.iter().find(|b| b.id == id);
        }
        ids.get(id).map(|&i| &self.blocks[i])
    }

    /// The block whose head is `head` (a resource's): found by a search in
    /// the sorted blocks, as fixes ask once per bucket.
    pub fn block_at(&self, head: Span) -> Option<&Block> {
        self.holder(head)
            .filter(|b| b.head == head)
            .or_else(|| self.blocks.iter().find(|b| b.head == head))
    }

    /// The innermost block whose text holds `span`.
    pub fn holder(&self, span: Span) -> Option<&Block> {
        // Blocks sit side by side (declarations do not nest), so the last
        // one starting at or before the span is the candidate.
        let at = self
            .blocks
            .partition_point(|b| (b.extent.file, b.extent.start) <= (span.file, span.start));
        self.blocks[..at]
            .iter()
            .rev()
            .take_while(|b| b.extent.file == span.file)
            .find(|b| b.extent.contains(span))
    }
}

/// The path from `root` to the innermost value whose span holds `span`
/// (`Statement[0].Principal`); empty for the root itself.
fn path_to(root: &Value, span: Span) -> String {
    use crate::tree::Kind;
    let holds = |v: &Value| v.span.start <= span.start && span.end <= v.span.end;
    let mut path = String::new();
    let mut at = root;
    loop {
        let next = match &at.kind {
            Kind::Map(entries) => entries.iter().find(|e| holds(&e.value)).map(|e| {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&e.key);
                &e.value
            }),
            Kind::Seq(items) => items
                .iter()
                .enumerate()
                .find(|(_, v)| holds(v))
                .map(|(i, v)| {
                    path.push_str(&format!("[{i}]"));
                    v
                }),
            _ => None,
        };
        match next {
            Some(v) => at = v,
            None => return path,
        }
    }
}
