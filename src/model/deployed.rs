//! Deployed buckets: AWS Config configuration items of `AWS::S3::Bucket`,
//! `AWS::S3::AccountPublicAccessBlock` and `AWS::S3::AccessPoint`, mapped
//! onto the CloudFormation-shaped model so that the same rules judge them.
//!
//! Three shapes are read (see README, "Deployed buckets"): a configuration
//! snapshot (`configurationItems`, values as objects),
//! `get-resource-config-history` / `batch-get-resource-config` output
//! (`configurationItems` / `baseConfigurationItems`, `configuration` and
//! each supplementary value a JSON string), and `select-resource-config` /
//! `select-aggregate-resource-config` output (`Results`, each item a JSON
//! string holding only the selected properties). A value inside a JSON
//! string is parsed as a document of its own (`Model::embedded`), so a
//! finding there names its path.
//!
//! An export is read an item at a time, one model per bucket (see
//! [`read`]).
//!
//! What an item does not carry is unknown, never absent: a `select` that
//! did not ask for the encryption says nothing about it. Items of a
//! snapshot or a history are whole, so there a missing supplementary value
//! means the bucket has none. AWS Config does not record object ownership:
//! it is unknown for every deployed bucket.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::{Block, Embedded, Format, Model, Resource};
use crate::parse::ParseError;
use crate::parse::json::{self, Placement};
use crate::source::{FileId, Span};
use crate::tree::{Entry, Kind, Value};

const BUCKET: &str = "AWS::S3::Bucket";
const ACCOUNT_PAB: &str = "AWS::S3::AccountPublicAccessBlock";
const ACCESS_POINT: &str = "AWS::S3::AccessPoint";

/// The account of an item that names none (a `select` that did not ask).
pub const UNKNOWN_ACCOUNT: &str = "unknown-account";

/// An item's account, under either spelling AWS writes it.
fn account_key(item: &Item) -> Option<String> {
    item.text("accountId").or_else(|| item.text("awsAccountId"))
}

/// The items of an AWS Config export, each as its offset and text, or
/// `None` when the text is not one (or not valid JSON: the template path
/// then reports where). Found without building the document, so that an
/// aggregator export of thousands of buckets is held an item at a time.
pub fn items(text: &str) -> Option<Export<'_>> {
    if !might_be_export(text) {
        return None;
    }
    let top = json::top_level(text).ok()??;
    // `BaseConfigurationItems`: an aggregator's `batch-get-aggregate-resource-config`.
    let keys = [
        "configurationItems",
        "baseConfigurationItems",
        "BaseConfigurationItems",
        "Results",
    ];
    // `get-aggregate-resource-config` answers with one item.
    let items = top
        .arrays(&keys)
        .or_else(|| top.object("ConfigurationItem").map(|item| vec![item]))?;
    // A `select` that asked for the whole `supplementaryConfiguration`
    // says by what it lacks that the bucket lacks it.
    let selected: Option<Selected> = top
        .get("QueryInfo")
        .and_then(|q| serde_json::from_str(q).ok());
    let whole_results = selected.is_some_and(|q| {
        q.select_fields
            .iter()
            .any(|f| f.name == "supplementaryConfiguration" || f.name == "*")
    });
    // An empty answer is an export of nothing, not some other JSON.
    (items.is_empty()
        || items
            .iter()
            .take(16)
            .any(|(_, t)| t.contains("resourceType")))
    .then_some(Export {
        items,
        whole_results,
    })
}

/// An export's items, each as its offset and text.
pub struct Export<'a> {
    pub items: Vec<(usize, &'a str)>,
    /// Whether `select` results hold the whole supplementary configuration.
    whole_results: bool,
}

/// `QueryInfo` of a `select` answer.
#[derive(Deserialize)]
struct Selected {
    #[serde(rename = "SelectFields", default)]
    select_fields: Vec<Field>,
}

#[derive(Deserialize)]
struct Field {
    #[serde(rename = "Name", default)]
    name: String,
}

/// A cheap look at the text: an export names its items' types, or is an
/// empty answer.
pub fn might_be_export(text: &str) -> bool {
    text.contains("resourceType")
        || text.contains("configurationItems")
        || text.contains("ConfigurationItem")
        || (text.contains("\"Results\"") && text.contains("QueryInfo"))
}

/// What identifies an item, as serde reads it.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawHead {
    resource_type: Option<String>,
    resource_id: Option<String>,
    resource_name: Option<String>,
    /// `accountId` in API answers, `awsAccountId` in the snapshot and
    /// history files the delivery channel writes.
    #[serde(alias = "awsAccountId")]
    account_id: Option<String>,
    aws_region: Option<String>,
    configuration_item_capture_time: Option<serde_json::Value>,
    configuration_item_status: Option<String>,
    supplementary_configuration: Option<SupplementaryHead>,
}

/// Of an item's supplementary configuration, what every bucket needs to
/// know of the others: where it logs. The rest is skipped unread (the
/// item is parsed in full only when its bucket is judged).
#[derive(Deserialize, Default)]
#[serde(default)]
struct SupplementaryHead {
    #[serde(rename = "BucketLoggingConfiguration")]
    logging: Option<serde_json::Value>,
}

/// What identifies an item, kept for every item of the export: no value of
/// its configuration but the bucket it logs to.
struct Head {
    resource_type: Option<String>,
    resource_id: Option<String>,
    resource_name: Option<String>,
    account_id: Option<String>,
    aws_region: Option<String>,
    time: (f64, String),
    status: Status,
    log_destination: Option<String>,
}

/// What an item's `configurationItemStatus` says of the resource.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Recorded as it is (`OK`, `ResourceDiscovered`, no status).
    Recorded,
    /// `ResourceDeleted`: gone.
    Deleted,
    /// `ResourceNotRecorded` or `ResourceDeletedNotRecorded`: the recorder
    /// does not record this type, so the item says nothing of it.
    NotRecorded,
}

impl Status {
    fn of(status: Option<&str>) -> Status {
        match status {
            Some("ResourceDeleted") => Status::Deleted,
            Some("ResourceNotRecorded" | "ResourceDeletedNotRecorded") => Status::NotRecorded,
            _ => Status::Recorded,
        }
    }
}

impl Head {
    fn read(text: &str) -> Head {
        // A `select` result is a JSON string holding the item.
        let decoded;
        let text = match text.starts_with('"') {
            true => {
                decoded = serde_json::from_str::<String>(text).unwrap_or_default();
                decoded.as_str()
            }
            false => text,
        };
        let raw: RawHead = serde_json::from_str(text).unwrap_or_default();
        Head {
            time: time_key(&raw.configuration_item_capture_time),
            status: Status::of(raw.configuration_item_status.as_deref()),
            log_destination: log_destination(
                raw.supplementary_configuration
                    .and_then(|s| s.logging)
                    .as_ref(),
            ),
            resource_type: raw.resource_type,
            resource_id: raw.resource_id,
            resource_name: raw.resource_name,
            account_id: raw.account_id,
            aws_region: raw.aws_region,
        }
    }

    fn account(&self) -> String {
        self.account_id
            .clone()
            .unwrap_or_else(|| UNKNOWN_ACCOUNT.into())
    }
}

/// The bucket an item's logging configuration names, if any.
fn log_destination(logging: Option<&serde_json::Value>) -> Option<String> {
    let logging = match logging? {
        serde_json::Value::String(s) => serde_json::from_str(s).ok()?,
        v => v.clone(),
    };
    logging
        .get("destinationBucketName")?
        .as_str()
        .map(str::to_string)
}

/// The order of capture times, as Config writes them (ISO text, or epoch
/// seconds in some CLI output).
fn time_key(v: &Option<serde_json::Value>) -> (f64, String) {
    match v {
        Some(serde_json::Value::Number(n)) => (n.as_f64().unwrap_or(0.0), String::new()),
        Some(serde_json::Value::String(s)) => (0.0, s.clone()),
        _ => (0.0, String::new()),
    }
}

/// The encryption S3 gives every new bucket since January 2023 (SSE-S3),
/// in CloudFormation's shape, said at `at`.
fn s3_default_encryption(at: Span) -> Value {
    const SSE_S3: &str = r#"{"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}"#;
    json::parse(SSE_S3, Placement::Inside(at))
        .map_or_else(|e| Value::unknown(at, e.message), |doc| doc.value)
}

/// Whether the bucket of `item` was created on or after 5 January 2023,
/// when S3 began encrypting new buckets with SSE-S3 by default, from
/// `resourceCreationTime` (ISO 8601 text, or seconds since the epoch in an
/// API answer); `None` when the item does not say.
fn created_since_default_encryption(item: &Item) -> Option<bool> {
    const SINCE: &str = "2023-01-05";
    const SINCE_EPOCH: f64 = 1_672_876_800.0;
    let created = item.value.get("resourceCreationTime")?;
    match &created.kind {
        Kind::Str(s) if s.len() >= 10 && s.as_bytes()[4] == b'-' => Some(&s[..10] >= SINCE),
        Kind::Str(s) => s.parse::<f64>().ok().map(|t| t >= SINCE_EPOCH),
        _ => None,
    }
}

/// An account's item as its buckets' models hold it: block, resource and
/// the documents parsed out of its strings.
type AccountItem = (Option<Block>, Option<Resource>, Vec<Embedded>);

/// The ids of documents in accounts' items count down from here (8 an
/// account), below those of a bucket's own item (down from `FileId::MAX`).
const ACCOUNT_DOCS: FileId = 0xc000;

/// The first document id of the `n`th account item parsed, while ids stay
/// clear of the export's own file ids.
fn account_docs(n: usize) -> Option<FileId> {
    let below = u32::try_from(n).ok()?.checked_mul(8)?;
    let next = u32::from(ACCOUNT_DOCS).checked_sub(below)?;
    (next > 0x1000).then_some(next as FileId)
}

/// An item's resource: type, `account/region`, resource id.
type ItemKey = (String, String, String);

/// What reading an export found besides the models.
#[derive(Debug, Default)]
pub struct Summary {
    /// Bucket items judged (the latest of each bucket).
    pub buckets: usize,
    /// Items of resource types not read.
    pub other: usize,
    /// Buckets whose latest item records their deletion.
    pub deleted: usize,
    /// Buckets whose latest item says the recorder does not record them
    /// (`ResourceNotRecorded`, `ResourceDeletedNotRecorded`): names.
    pub not_recorded: Vec<String>,
    /// Bucket items judged that name no account.
    pub without_account: usize,
    pub errors: Vec<ParseError>,
    /// The account-level Block Public Access each account's item sets
    /// (CloudFormation's names), for the same account's buckets in other
    /// exports of the run: account, resource type, settings.
    pub accounts: Vec<(String, String, Value)>,
    /// Accounts with buckets here and no account-level item here.
    pub accounts_without: Vec<String>,
    /// Accounts with buckets here.
    pub bucket_accounts: Vec<String>,
}

/// JSON documents held in strings of one item, parsed with spans of their
/// own (see [`Embedded`]).
struct Embeds {
    next: FileId,
    docs: Vec<Embedded>,
}

impl Embeds {
    fn new() -> Embeds {
        Embeds::from(FileId::MAX)
    }

    /// Documents numbered down from `next`: an account's item, parsed once
    /// and copied into each of its buckets' models, takes ids of its own
    /// that no bucket's documents reach.
    fn from(next: FileId) -> Embeds {
        Embeds {
            next,
            docs: Vec::new(),
        }
    }

    /// The span in the export's text that holds `span`.
    fn real(&self, mut span: Span) -> Span {
        while let Some(e) = self.docs.iter().find(|e| e.file == span.file) {
            span = e.literal;
        }
        span
    }

    /// The document in `v` when it is a string holding one; `label` says
    /// where the string is.
    fn decode(&mut self, v: Value, label: &str) -> Value {
        let Kind::Str(text) = &v.kind else {
            return v;
        };
        let trimmed = text.trim_start();
        if !trimmed.starts_with('{') && !trimmed.starts_with('[') {
            return v;
        }
        let file = self.next;
        self.next -= 1;
        match json::parse(text, Placement::At(file, 0)) {
            Ok(doc) => {
                self.docs.push(Embedded {
                    file,
                    literal: v.span,
                    label: label.to_string(),
                    root: doc.value.clone(),
                });
                doc.value
            }
            Err(e) => Value::unknown(
                v.span,
                format!("`{label}` is not valid JSON: {}", e.message),
            ),
        }
    }
}

/// One configuration item, parsed.
struct Item {
    value: Value,
    /// Whether the item holds every recorded property (not a `select`).
    whole: bool,
    /// The item's text in the export: the item, or the string holding it.
    at: Span,
}

impl Item {
    fn parse(
        file: FileId,
        at: usize,
        text: &str,
        index: usize,
        whole_results: bool,
        embeds: &mut Embeds,
    ) -> Result<Item, ParseError> {
        let value = json::parse(text, Placement::At(file, at))?.value;
        let span = value.span;
        let (mut value, whole) = match value.kind {
            Kind::Str(_) => {
                let value = embeds.decode(value, &format!("Results[{index}]"));
                let whole = whole_results && value.get("supplementaryConfiguration").is_some();
                (value, whole)
            }
            // An item without its supplementary configuration says nothing
            // of the policy, ACL or settings kept there.
            _ => {
                let whole = value.get("supplementaryConfiguration").is_some();
                (value, whole)
            }
        };
        // History output holds each section as a JSON string: decoded once.
        if let Kind::Map(entries) = &mut value.kind {
            for e in entries
                .iter_mut()
                .filter(|e| e.key == "configuration" || e.key == "supplementaryConfiguration")
            {
                let section = std::mem::replace(&mut e.value, Value::new(e.key_span, Kind::Null));
                e.value = embeds.decode(section, &e.key);
            }
        }
        Ok(Item {
            value,
            whole,
            at: span,
        })
    }

    fn text(&self, key: &str) -> Option<String> {
        self.value
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// A property of `configuration` or `supplementaryConfiguration`,
    /// decoded from a JSON string when it is one.
    fn part(&self, section: &str, key: &str, embeds: &mut Embeds) -> Option<Value> {
        let value = self.value.get(section)?.get(key).cloned()?;
        Some(embeds.decode(value, &format!("{section}.{key}")))
    }

    /// The span that names the item: its resource name, when that is in
    /// the export's text; inside a `select` result's string, the string's
    /// opening quote (the whole string is the item, kilobytes long).
    fn head(&self) -> Span {
        self.value
            .get("resourceName")
            .or_else(|| self.value.get("resourceId"))
            .map(|v| v.span)
            .filter(|s| s.file == self.at.file)
            .unwrap_or(Span {
                end: self.at.start + 1,
                ..self.at
            })
    }
}

/// Reads an export's items (from [`items`]) and calls `each` with one model
/// per bucket: the bucket, its policy, its access points and its account's
/// Block Public Access; then one per account setting and per access point
/// of a bucket not in the export. Only the latest item of each bucket
/// counts (a history holds several), and a bucket recorded as deleted is
/// passed over. `elsewhere` holds what other files of the run say of each
/// account, as resources of the account (type, properties): its Block
/// Public Access, which a bucket whose account has no item here takes, and
/// the organisation's layers above it.
pub fn read(
    file: FileId,
    export: &Export,
    elsewhere: &HashMap<String, Vec<(String, Value)>>,
    mut each: impl FnMut(Model),
) -> Summary {
    let items = export.items.as_slice();
    let whole = export.whole_results;
    let mut summary = Summary::default();
    // First pass: what identifies each item, with the small items every
    // bucket model needs (account settings, access points).
    let mut latest: HashMap<ItemKey, (usize, (f64, String))> = HashMap::new();
    let mut heads = Vec::with_capacity(items.len());
    let mut logged_into: HashMap<String, HashSet<String>> = HashMap::new();
    for (i, (_, text)) in items.iter().enumerate() {
        let head = Head::read(text);
        let kind = head.resource_type.clone().unwrap_or_default();
        if ![BUCKET, ACCOUNT_PAB, ACCESS_POINT].contains(&kind.as_str()) {
            summary.other += 1;
            heads.push(None);
            continue;
        }
        // An item that does not say which resource it is (a `select` that
        // did not ask) is one of its own: never taken for another's version.
        let id = head
            .resource_id
            .clone()
            .or_else(|| head.resource_name.clone())
            .unwrap_or_else(|| format!("#{i}"));
        let key = (
            kind.clone(),
            format!(
                "{}/{}",
                head.account(),
                head.aws_region.clone().unwrap_or_default()
            ),
            id,
        );
        let time = head.time.clone();
        if latest.get(&key).is_none_or(|(_, t)| *t <= time) {
            latest.insert(key, (i, time));
        }
        if let Some(dest) = head.log_destination.clone() {
            logged_into.entry(head.account()).or_default().insert(dest);
        }
        heads.push(Some(head));
    }
    let current: HashSet<usize> = latest
        .values()
        .map(|(i, _)| *i)
        .filter(|&i| {
            heads[i]
                .as_ref()
                .is_some_and(|h| h.status == Status::Recorded)
        })
        .collect();
    let kind_of = |i: usize| heads[i].as_ref().and_then(|h| h.resource_type.as_deref());
    let mut account_pab: HashMap<String, usize> = HashMap::new();
    let mut access_points: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for &i in &current {
        let head = heads[i].as_ref().expect("current items have heads");
        match kind_of(i) {
            Some(ACCOUNT_PAB) => {
                account_pab.insert(head.account(), i);
            }
            Some(ACCESS_POINT) => {
                let (at, text) = items[i];
                let mut embeds = Embeds::new();
                if let Ok(item) = Item::parse(file, at, text, i, whole, &mut embeds)
                    && let Some(bucket) = item
                        .part("configuration", "Bucket", &mut embeds)
                        .and_then(|b| b.as_str().map(str::to_string))
                {
                    access_points
                        .entry((head.account(), bucket))
                        .or_default()
                        .push(i);
                }
            }
            _ => {}
        }
    }
    let status_of = |i: usize| heads[i].as_ref().map(|h| h.status);
    summary.deleted = latest
        .values()
        .filter(|(i, _)| kind_of(*i) == Some(BUCKET) && status_of(*i) == Some(Status::Deleted))
        .count();
    summary.not_recorded = latest
        .values()
        .filter(|(i, _)| kind_of(*i) == Some(BUCKET) && status_of(*i) == Some(Status::NotRecorded))
        .filter_map(|(i, _)| {
            let h = heads[*i].as_ref()?;
            let name = h.resource_name.clone().or(h.resource_id.clone())?;
            let region = h.aws_region.as_deref().unwrap_or("unknown-region");
            Some(format!("{}/{region}/{name}", h.account()))
        })
        .collect();
    summary.not_recorded.sort();
    let mut used_points = HashSet::new();
    let mut parsed_accounts: HashMap<usize, AccountItem> = HashMap::new();
    for (i, (at, text)) in items.iter().enumerate() {
        if !current.contains(&i) || kind_of(i) != Some(BUCKET) {
            continue;
        }
        let head = heads[i].as_ref().expect("current items have heads");
        let account = head.account();
        if head.account_id.is_none() {
            summary.without_account += 1;
        }
        let mut model = Model::new(Format::CloudFormation);
        let mut embeds = Embeds::new();
        let item = match Item::parse(file, *at, text, i, whole, &mut embeds) {
            Ok(item) => item,
            Err(e) => {
                summary.errors.push(e);
                continue;
            }
        };
        let own_item = account_pab.get(&account).copied();
        if let Some(p) = own_item {
            // Parsed once per account, copied into each of its buckets (past
            // thousands of accounts, the ids run out: parsed each time).
            if !parsed_accounts.contains_key(&p)
                && let Some(next) = account_docs(parsed_accounts.len())
            {
                let mut alone = Model::new(Format::CloudFormation);
                let mut own = Embeds::from(next);
                add_item(&mut alone, &mut own, file, items, p, false);
                let parsed = (alone.blocks.pop(), alone.resources.pop(), own.docs);
                parsed_accounts.insert(p, parsed);
            }
            match parsed_accounts.get(&p) {
                Some((Some(b), Some(r), docs)) => {
                    model.blocks.push(b.clone());
                    model.resources.push(r.clone());
                    embeds.docs.extend(docs.iter().cloned());
                }
                Some(_) => {}
                None => {
                    add_item(&mut model, &mut embeds, file, items, p, false);
                }
            }
        } else if !summary.accounts_without.contains(&account) {
            summary.accounts_without.push(account.clone());
        }
        if !summary.bucket_accounts.contains(&account) {
            summary.bucket_accounts.push(account.clone());
        }
        for (kind, settings) in elsewhere.get(&account).into_iter().flatten() {
            if kind == ACCOUNT_PAB && own_item.is_some() {
                continue;
            }
            // Its spans are another file's: it speaks here through the
            // bucket's item.
            let head = item.head();
            let r = push(
                &mut model,
                format!("{account}/account"),
                kind,
                head,
                head,
                respan(settings, head),
                None,
            );
            model.resources[r].declared = false;
        }
        let bucket = add_bucket(&mut model, &mut embeds, &item, &account);
        let name = head.resource_name.clone().or(head.resource_id.clone());
        if let Some(points) = name.and_then(|n| access_points.get(&(account.clone(), n))) {
            for &p in points {
                used_points.insert(p);
                if let Some(r) = add_item(&mut model, &mut embeds, file, items, p, true) {
                    model.resources[r].bucket = Some(bucket);
                }
            }
        }
        if let Some(into) = logged_into.get(&account) {
            model.logged_into = into.clone();
        }
        summary.buckets += 1;
        finish(&mut model, embeds);
        each(model);
    }
    // The account settings, judged once each; access points of buckets
    // not in the export, with a stand-in bucket.
    let mut rest: Vec<usize> = account_pab.values().copied().collect();
    rest.extend(
        access_points
            .values()
            .flatten()
            .filter(|p| !used_points.contains(*p)),
    );
    rest.sort_unstable();
    for i in rest {
        let mut model = Model::new(Format::CloudFormation);
        let mut embeds = Embeds::new();
        let added = add_item(&mut model, &mut embeds, file, items, i, true);
        if let Some(r) = added
            && model.resources[r].cfn_type == ACCOUNT_PAB
        {
            let r = &model.resources[r];
            let account = r.id.trim_end_matches("/account").to_string();
            summary
                .accounts
                .push((account, ACCOUNT_PAB.to_string(), r.properties.clone()));
        }
        if let Some(r) = added
            && model.resources[r].cfn_type == ACCESS_POINT
        {
            let target = model.resources[r]
                .properties
                .get("Bucket")
                .and_then(Value::as_str)
                .unwrap_or("unknown-bucket")
                .to_string();
            let head = model.resources[r].head;
            model.resources.push(Resource {
                id: target,
                cfn_type: BUCKET.into(),
                head,
                properties: Value::map(head, Vec::new()),
                bucket: None,
                declared: false,
                attributes: Value::map(head, Vec::new()),
            });
            model.resources[r].bucket = Some(model.resources.len() - 1);
        }
        finish(&mut model, embeds);
        each(model);
    }
    summary
}

fn finish(model: &mut Model, embeds: Embeds) {
    model.embedded = embeds.docs;
    model.deployed = true;
    model.index_blocks();
}

/// Adds an account setting or access point item; `declared` false for the
/// account's setting copied into each of its buckets' models (it is judged
/// in a model of its own).
fn add_item(
    model: &mut Model,
    embeds: &mut Embeds,
    file: FileId,
    items: &[(usize, &str)],
    i: usize,
    declared: bool,
) -> Option<usize> {
    let (at, text) = items[i];
    let item = Item::parse(file, at, text, i, false, embeds).ok()?;
    let account = account_key(&item).unwrap_or_else(|| UNKNOWN_ACCOUNT.into());
    let head = item.head();
    let configuration = present(item.value.get("configuration").cloned());
    let r = match item.text("resourceType").as_deref() {
        Some(ACCOUNT_PAB) => {
            let properties = match configuration {
                Some(c) => pab(&c),
                None => Value::unknown(item.at, "the item has no configuration"),
            };
            push(
                model,
                format!("{account}/account"),
                ACCOUNT_PAB,
                head,
                item.at,
                properties,
                None,
            )
        }
        _ => {
            let region = item
                .text("awsRegion")
                .unwrap_or_else(|| "unknown-region".into());
            let name = item
                .text("resourceName")
                .or_else(|| item.text("resourceId"))
                .unwrap_or_else(|| "unknown-access-point".into());
            let mut properties = configuration.unwrap_or_else(|| Value::map(item.at, Vec::new()));
            // Config writes what an access point lacks as null (no VPC);
            // its policy is a document, or a string holding one.
            if let Kind::Map(entries) = &mut properties.kind {
                entries.retain(|e| !matches!(e.value.kind, Kind::Null));
                if let Some(e) = entries.iter_mut().find(|e| e.key == "Policy") {
                    let policy =
                        std::mem::replace(&mut e.value, Value::new(e.key_span, Kind::Null));
                    e.value = embeds.decode(policy, "Policy");
                }
            }
            push(
                model,
                format!("{account}/{region}/{name}"),
                ACCESS_POINT,
                head,
                item.at,
                properties,
                None,
            )
        }
    };
    model.resources[r].declared = declared;
    Some(r)
}

/// `v` with every span at `span`: a value of another file, said here.
fn respan(v: &Value, span: Span) -> Value {
    let kind = match &v.kind {
        Kind::Map(entries) => Kind::Map(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_span: span,
                    value: respan(&e.value, span),
                })
                .collect(),
        ),
        Kind::Seq(items) => Kind::Seq(items.iter().map(|i| respan(i, span)).collect()),
        Kind::OneOf(items) => Kind::OneOf(items.iter().map(|i| respan(i, span)).collect()),
        other => other.clone(),
    };
    Value::new(span, kind)
}

fn map(span: Span, entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        span,
        entries
            .into_iter()
            .map(|(k, v)| Entry {
                key: k.to_string(),
                key_span: v.span,
                value: v,
            })
            .collect(),
    )
}

/// `true`/`false` kept as written, a JSON null as absent.
fn present(v: Option<Value>) -> Option<Value> {
    v.filter(|v| !matches!(v.kind, Kind::Null))
}

/// The value of `key` in a supplementary part; for an item that is not
/// whole, a missing part is unknown.
fn part_or_unknown(item: &Item, embeds: &mut Embeds, key: &str, at: Span) -> Option<Value> {
    match present(item.part("supplementaryConfiguration", key, embeds)) {
        Some(v) => Some(v),
        None if item.whole => None,
        None => Some(Value::unknown(
            at,
            format!(
                "`supplementaryConfiguration.{key}` is not in this export (the query did not select it)"
            ),
        )),
    }
}

/// Config's Block Public Access (`blockPublicAcls`, ...) in CloudFormation's
/// names; a flag Config leaves out is off.
fn pab(v: &Value) -> Value {
    if matches!(v.kind, Kind::Unknown(_)) {
        return v.clone();
    }
    let flag = |name: &str| {
        v.get(name)
            .cloned()
            .filter(|f| !matches!(f.kind, Kind::Null))
            .unwrap_or_else(|| Value::str(v.span, "false"))
    };
    map(
        v.span,
        vec![
            ("BlockPublicAcls", flag("blockPublicAcls")),
            ("IgnorePublicAcls", flag("ignorePublicAcls")),
            ("BlockPublicPolicy", flag("blockPublicPolicy")),
            ("RestrictPublicBuckets", flag("restrictPublicBuckets")),
        ],
    )
}

/// The ACL's grants to groups, in the shape of explicit grants
/// (`Grantee.URI`, `Permission`).
fn grants(acl: &Value) -> Value {
    if matches!(acl.kind, Kind::Unknown(_)) {
        return acl.clone();
    }
    let mut out = Vec::new();
    for g in acl.get("grantList").map(Value::items).unwrap_or_default() {
        let Some(group) = g.get("grantee").and_then(|v| v.as_str()) else {
            continue; // a canonical user: one account
        };
        let uri = match group {
            "AllUsers" => "http://acs.amazonaws.com/groups/global/AllUsers",
            "AuthenticatedUsers" => "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
            "LogDelivery" => "http://acs.amazonaws.com/groups/s3/LogDelivery",
            _ => continue,
        };
        let Some(permission) = g.get("permission") else {
            continue;
        };
        let name = match permission.as_str().unwrap_or("") {
            "Read" => "READ",
            "Write" => "WRITE",
            "ReadAcp" => "READ_ACP",
            "WriteAcp" => "WRITE_ACP",
            "FullControl" => "FULL_CONTROL",
            _ => continue,
        };
        out.push(map(
            g.span,
            vec![
                (
                    "Grantee",
                    map(g.span, vec![("URI", Value::str(g.span, uri))]),
                ),
                ("Permission", Value::str(permission.span, name)),
            ],
        ));
    }
    Value::new(acl.span, Kind::Seq(out))
}

fn encryption(v: &Value) -> Value {
    // Unknown where the rules read it: the algorithm and the bucket key.
    if matches!(v.kind, Kind::Unknown(_)) {
        let rule = map(
            v.span,
            vec![
                (
                    "ServerSideEncryptionByDefault",
                    map(v.span, vec![("SSEAlgorithm", v.clone())]),
                ),
                ("BucketKeyEnabled", v.clone()),
            ],
        );
        return map(
            v.span,
            vec![(
                "ServerSideEncryptionConfiguration",
                Value::new(v.span, Kind::Seq(vec![rule])),
            )],
        );
    }
    let rules = v
        .get("rules")
        .map(Value::items)
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            let by_default = r.get("applyServerSideEncryptionByDefault");
            let mut d = Vec::new();
            if let Some(a) = by_default.and_then(|b| present(b.get("sseAlgorithm").cloned())) {
                d.push(("SSEAlgorithm", a));
            }
            if let Some(k) = by_default.and_then(|b| present(b.get("kmsMasterKeyID").cloned())) {
                d.push(("KMSMasterKeyID", k));
            }
            let mut rule = vec![("ServerSideEncryptionByDefault", map(r.span, d))];
            if let Some(k) = present(r.get("bucketKeyEnabled").cloned()) {
                rule.push(("BucketKeyEnabled", k));
            }
            map(r.span, rule)
        })
        .collect();
    map(
        v.span,
        vec![(
            "ServerSideEncryptionConfiguration",
            Value::new(v.span, Kind::Seq(rules)),
        )],
    )
}

/// Versioning: Config's status `Off` is a bucket never versioned.
fn versioning(v: &Value) -> Option<Value> {
    // Unknown where the rules read it: the status.
    if matches!(v.kind, Kind::Unknown(_)) {
        return Some(map(v.span, vec![("Status", v.clone())]));
    }
    let status = present(v.get("status").cloned())?;
    if status.as_str() == Some("Off") {
        return None;
    }
    let mut entries = vec![("Status", status)];
    if let Some(mfa) = present(v.get("isMfaDeleteEnabled").cloned()) {
        let text = if mfa.as_bool() == Some(true) {
            "Enabled"
        } else {
            "Disabled"
        };
        entries.push(("MfaDelete", Value::str(mfa.span, text)));
    }
    Some(map(v.span, entries))
}

fn logging(v: &Value) -> Option<Value> {
    if matches!(v.kind, Kind::Unknown(_)) {
        return Some(map(v.span, vec![("DestinationBucketName", v.clone())]));
    }
    let target = present(v.get("destinationBucketName").cloned())?;
    let mut entries = vec![("DestinationBucketName", target)];
    if let Some(p) = present(v.get("logFilePrefix").cloned()) {
        entries.push(("LogFilePrefix", p));
    }
    Some(map(v.span, entries))
}

/// Config's replication (`roleARN`, `rules` as a map by rule id, each with
/// `status` and `destinationConfig.bucketARN`) in CloudFormation's shape;
/// `None` when it has no rule.
fn replication(v: &Value) -> Option<Value> {
    if matches!(v.kind, Kind::Unknown(_)) {
        return Some(map(v.span, vec![("Rules", v.clone())]));
    }
    let rules: Vec<Value> = match v.get("rules").map(|r| &r.kind) {
        Some(Kind::Map(entries)) => entries
            .iter()
            .map(|e| {
                let r = &e.value;
                let mut rule = vec![("Id", Value::str(e.key_span, &e.key))];
                if let Some(status) = present(r.get("status").cloned()) {
                    rule.push(("Status", status));
                }
                if let Some(dest) = present(r.path(&["destinationConfig", "bucketARN"]).cloned()) {
                    rule.push(("Destination", map(dest.span, vec![("Bucket", dest)])));
                }
                map(r.span, rule)
            })
            .collect(),
        _ => Vec::new(),
    };
    if rules.is_empty() {
        return None;
    }
    let mut entries = Vec::new();
    if let Some(role) = present(v.get("roleARN").cloned()) {
        entries.push(("Role", role));
    }
    entries.push(("Rules", Value::new(v.span, Kind::Seq(rules))));
    Some(map(v.span, entries))
}

/// Config's notifications (`configurations`, a map by id, each with its
/// `type`, events and target ARN) in CloudFormation's shape; `None` when
/// there is none.
fn notifications(v: &Value) -> Option<Value> {
    if matches!(v.kind, Kind::Unknown(_)) {
        return Some(v.clone());
    }
    let empty = Vec::new();
    let entries = match v.get("configurations").map(|c| &c.kind) {
        Some(Kind::Map(entries)) => entries,
        _ => &empty,
    };
    let mut by_kind: Vec<(&str, Vec<Value>)> = Vec::new();
    for e in entries {
        let c = &e.value;
        let (key, target, arn) = match c.get("type").and_then(Value::as_str) {
            Some("TopicConfiguration") => ("TopicConfigurations", "Topic", "topicARN"),
            Some("QueueConfiguration") => ("QueueConfigurations", "Queue", "queueARN"),
            Some("LambdaConfiguration") => ("LambdaConfigurations", "Function", "functionARN"),
            _ => continue,
        };
        let mut entry = Vec::new();
        if let Some(a) = present(c.get(arn).cloned()) {
            entry.push((target, a));
        }
        if let Some(events) = present(c.get("events").cloned()) {
            entry.push(("Event", events));
        }
        let one = map(c.span, entry);
        match by_kind.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(one),
            None => by_kind.push((key, vec![one])),
        }
    }
    // EventBridge delivery is recorded beside the configurations.
    if v.get("eventBridgeConfiguration").is_some_and(has_content) {
        by_kind.push(("EventBridgeConfiguration", Vec::new()));
    }
    // Delivery to EventBridge alone may leave no configuration in the
    // record: no notification recorded is not known to be none.
    if by_kind.is_empty() {
        return Some(Value::unknown(
            v.span,
            "AWS Config records no topic, queue or function notification; delivery to EventBridge is not known",
        ));
    }
    Some(map(
        v.span,
        by_kind
            .into_iter()
            .map(|(k, list)| match k {
                "EventBridgeConfiguration" => (
                    k,
                    map(
                        v.span,
                        vec![("EventBridgeEnabled", Value::str(v.span, "true"))],
                    ),
                ),
                _ => (k, Value::new(v.span, Kind::Seq(list))),
            })
            .collect(),
    ))
}

/// Whether a recorded part holds anything: Config may record a part with
/// every field null.
fn has_content(v: &Value) -> bool {
    match &v.kind {
        Kind::Null | Kind::NoValue => false,
        Kind::Map(entries) => entries.iter().any(|e| has_content(&e.value)),
        Kind::Seq(items) => items.iter().any(has_content),
        _ => true,
    }
}

/// Config's camelCase keys in CloudFormation's PascalCase (`rules` is
/// `Rules`, `abortIncompleteMultipartUpload` is
/// `AbortIncompleteMultipartUpload`), JSON nulls dropped; `rename` maps
/// the keys whose names differ.
fn pascal(v: &Value, rename: &[(&str, &str)]) -> Value {
    match &v.kind {
        Kind::Map(entries) => Value::map(
            v.span,
            entries
                .iter()
                .filter(|e| !matches!(e.value.kind, Kind::Null))
                .map(|e| {
                    let key = match rename.iter().find(|(from, _)| *from == e.key) {
                        Some((_, to)) => to.to_string(),
                        None => {
                            let mut c = e.key.chars();
                            c.next()
                                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                                .unwrap_or_default()
                        }
                    };
                    Entry {
                        key,
                        key_span: e.key_span,
                        value: pascal(&e.value, rename),
                    }
                })
                .collect(),
        ),
        Kind::Seq(items) => Value::new(
            v.span,
            Kind::Seq(items.iter().map(|i| pascal(i, rename)).collect()),
        ),
        _ => v.clone(),
    }
}

/// Adds a bucket item, with its policy; returns the bucket's index.
fn add_bucket(model: &mut Model, embeds: &mut Embeds, item: &Item, account: &str) -> usize {
    let region = item
        .text("awsRegion")
        .unwrap_or_else(|| "unknown-region".into());
    let at = item.at;
    let head = item.head();
    let named = item
        .text("resourceName")
        .or_else(|| item.text("resourceId"));
    // A bucket the export does not name (a `select` that did not ask) is
    // told apart by where its item is; its name is not known.
    let name = named
        .clone()
        .unwrap_or_else(|| format!("unnamed-bucket-at-{}", at.start));
    let id = format!("{account}/{region}/{name}");
    let name_value = match named {
        Some(n) => Value::str(head, n),
        None => Value::unknown(head, "the export does not name the bucket"),
    };
    let mut props = vec![("BucketName", name_value)];
    // Config's `{"key": "value"}` as CloudFormation's `[{Key, Value}]`.
    if let Some(tags) = item
        .value
        .get("tags")
        .filter(|t| matches!(t.kind, Kind::Map(_)))
    {
        let list = tags
            .entries()
            .iter()
            .map(|e| {
                map(
                    e.key_span,
                    vec![
                        ("Key", Value::str(e.key_span, e.key.clone())),
                        ("Value", e.value.clone()),
                    ],
                )
            })
            .collect();
        props.push(("Tags", Value::new(tags.span, Kind::Seq(list))));
    }
    if let Some(acl) = part_or_unknown(item, embeds, "AccessControlList", at) {
        props.push((super::terraform::GRANTS, grants(&acl)));
    }
    if let Some(p) = part_or_unknown(item, embeds, "PublicAccessBlockConfiguration", at) {
        props.push(("PublicAccessBlockConfiguration", pab(&p)));
    }
    match part_or_unknown(item, embeds, "ServerSideEncryptionConfiguration", at) {
        Some(e) => props.push(("BucketEncryption", encryption(&e))),
        // Since 5 January 2023 S3 encrypts every new bucket with SSE-S3 by
        // default: a bucket created since has it even when the record
        // says nothing. Of an older bucket the record tells nothing.
        None => props.push((
            "BucketEncryption",
            match created_since_default_encryption(item) {
                Some(true) => s3_default_encryption(head),
                _ => Value::unknown(
                    head,
                    "default encryption is not recorded (a bucket created before January 2023, when S3 made SSE-S3 the default, or of unknown age)",
                ),
            },
        )),
    }
    if let Some(v) = part_or_unknown(item, embeds, "BucketVersioningConfiguration", at)
        .and_then(|v| versioning(&v))
    {
        props.push(("VersioningConfiguration", v));
    }
    if let Some(l) =
        part_or_unknown(item, embeds, "BucketLoggingConfiguration", at).and_then(|l| logging(&l))
    {
        props.push(("LoggingConfiguration", l));
    }
    if let Some(l) =
        part_or_unknown(item, embeds, "BucketLifecycleConfiguration", at).filter(has_content)
    {
        // Unknown where the rules read it: the rules.
        let l = match l.kind {
            Kind::Unknown(_) => map(l.span, vec![("Rules", l)]),
            _ => pascal(&l, &[]),
        };
        props.push(("LifecycleConfiguration", l));
    }
    if let Some(w) =
        part_or_unknown(item, embeds, "BucketWebsiteConfiguration", at).filter(has_content)
    {
        props.push((
            "WebsiteConfiguration",
            pascal(
                &w,
                &[
                    ("indexDocumentSuffix", "IndexDocument"),
                    ("errorDocument", "ErrorDocument"),
                ],
            ),
        ));
    }
    if let Some(c) =
        part_or_unknown(item, embeds, "BucketCrossOriginConfiguration", at).filter(has_content)
    {
        props.push(("CorsConfiguration", pascal(&c, &[("rules", "CorsRules")])));
    }
    if let Some(o) =
        part_or_unknown(item, embeds, "ObjectLockConfiguration", at).filter(has_content)
    {
        if matches!(o.kind, Kind::Unknown(_)) {
            props.push(("ObjectLockEnabled", o.clone()));
        } else if o.get("objectLockEnabled").and_then(|e| e.as_str()) == Some("Enabled") {
            props.push(("ObjectLockEnabled", Value::str(o.span, "true")));
        }
        props.push(("ObjectLockConfiguration", pascal(&o, &[])));
    }
    if let Some(a) = part_or_unknown(item, embeds, "BucketAccelerateConfiguration", at) {
        let status = match &a.kind {
            Kind::Unknown(_) => Some(a.clone()),
            _ => present(a.get("status").cloned()),
        };
        if let Some(status) = status {
            props.push((
                "AccelerateConfiguration",
                map(a.span, vec![("AccelerationStatus", status)]),
            ));
        }
    }
    if let Some(r) = part_or_unknown(item, embeds, "BucketReplicationConfiguration", at)
        .and_then(|r| replication(&r))
    {
        props.push(("ReplicationConfiguration", r));
    }
    // A record without notifications is not known to have none (see
    // `notifications`).
    let n = part_or_unknown(item, embeds, "BucketNotificationConfiguration", at)
        .unwrap_or_else(|| Value::unknown(at, "AWS Config records no notification configuration"));
    if let Some(n) = notifications(&n) {
        props.push(("NotificationConfiguration", n));
    }
    props.push((
        "OwnershipControls",
        Value::unknown(head, "AWS Config does not record object ownership"),
    ));
    let bucket = push(model, id.clone(), BUCKET, head, at, map(at, props), None);
    // A deployed bucket has no stack here whose deletion would
    // take it: its deletion policy is not a question.
    let gone = || Value::unknown(head, "a deployed bucket: no stack deletes it here");
    model.resources[bucket].attributes = map(
        at,
        vec![("DeletionPolicy", gone()), ("UpdateReplacePolicy", gone())],
    );
    let policy = part_or_unknown(item, embeds, "BucketPolicy", at);
    if let Some(p) = policy {
        let text = match &p.kind {
            Kind::Unknown(_) => Some(p.clone()),
            _ => present(p.get("policyText").cloned()),
        };
        if let Some(text) = text {
            let document =
                embeds.decode(text, "supplementaryConfiguration.BucketPolicy.policyText");
            let head = embeds.real(document.span);
            push(
                model,
                format!("{id} bucket policy"),
                "AWS::S3::BucketPolicy",
                head,
                at,
                map(at, vec![("PolicyDocument", document)]),
                Some(bucket),
            );
        }
    }
    bucket
}

fn push(
    model: &mut Model,
    id: String,
    cfn_type: &str,
    head: Span,
    extent: Span,
    properties: Value,
    bucket: Option<usize>,
) -> usize {
    model.blocks.push(Block {
        id: id.clone(),
        source_type: cfn_type.to_string(),
        head,
        extent,
        condition: None,
    });
    model.resources.push(Resource {
        id,
        cfn_type: cfn_type.to_string(),
        head,
        properties,
        bucket,
        declared: true,
        attributes: Value::map(extent, Vec::new()),
    });
    model.resources.len() - 1
}
