//! Shapes shared by the rules about buckets.

use crate::model::Model;
use crate::rules::rule::Sink;

/// Reports each declared bucket for which `has` is false, at the bucket:
/// the shape shared by the rules about a setting a bucket lacks.
pub fn report_buckets_without(
    model: &Model,
    sink: &mut Sink,
    label: &str,
    message: impl Fn(&str) -> String,
    has: impl Fn(usize, &crate::model::Resource) -> bool,
) {
    for (i, bucket) in model.buckets().filter(|(_, b)| b.declared) {
        if !has(i, bucket) {
            sink.report(bucket.head, label, message(&bucket.id), Some(i));
        }
    }
}

/// How a bucket is named in messages.
pub fn bucket_name(model: &Model, index: Option<usize>) -> String {
    match index.and_then(|i| model.resources.get(i)) {
        Some(b) => format!("`{}`", b.id),
        None => "its bucket".to_string(),
    }
}
