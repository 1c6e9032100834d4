//! A Terraform module (every `.tf` and `.tf.json` file of one folder) into
//! the model.
//!
//! Resources become their CloudFormation counterparts. The AWS provider's
//! split bucket resources (`aws_s3_bucket_acl`, `_public_access_block`,
//! `_versioning`, ...) are merged into the bucket they reference, so rules
//! see one `AWS::S3::Bucket`; bucket policies stay separate resources, as in
//! CloudFormation. Expressions are evaluated where the value is known
//! statically (literals, variables, locals, `jsonencode`, heredoc JSON,
//! `aws_iam_policy_document`, `file()`); anything else stays unknown.

mod body;
mod eval;
mod functions;
mod index;
mod input;
mod modules;
pub mod plan;
mod resources;
mod shapes;

pub use input::{
    Budget, Installed, LoadedFile, Parsed, Scope, Source, Texts, TfFile, TfOutput, parse_file,
};
pub use resources::GRANTS;

use std::collections::HashMap;

/// Builds the module whose parsed files are `files`.
pub fn build(files: &[TfFile], scope: Scope) -> TfOutput {
    // The root is the first link of the call chain: a module calling its
    // own folder is caught at once.
    let chain: Vec<std::path::PathBuf> = scope.module_dir.canonicalize().into_iter().collect();
    modules::build_module(files, scope, HashMap::new(), &chain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::tree::Kind;
    use std::path::Path;

    fn model(text: &str) -> Model {
        let body = crate::parse::hcl::parse(text, 0).unwrap();
        let files = [TfFile {
            id: 0,
            source: Source::Hcl(&body),
            text,
            vars: false,
        }];
        let dir = Path::new(".");
        build(
            &files,
            Scope {
                module_dir: dir,
                root: &crate::boundary::Boundary::nothing(),
                next_id: 1,
                installed: &Installed::default(),
                key: "",
                texts: &Default::default(),
                budget: &Default::default(),
            },
        )
        .model
    }

    /// The value of `local.<name>` in a module made of `text`.
    fn local(text: &str, name: &str) -> crate::tree::Value {
        let body = crate::parse::hcl::parse(text, 0).unwrap();
        let mut index = index::Index::default();
        index.add_hcl(0, &body);
        let dir = Path::new(".");
        let installed = Installed::default();
        let texts = Texts::default();
        let nothing = crate::boundary::Boundary::nothing();
        let budget = Budget::default();
        let mut ctx = eval::Ctx::new(
            &index,
            HashMap::from([(0, text)]),
            Scope {
                module_dir: dir,
                root: &nothing,
                next_id: 1,
                installed: &installed,
                key: "",
                texts: &texts,
                budget: &budget,
            },
        );
        ctx.root = true;
        ctx.definition(&index.locals[name])
    }

    fn strs(v: &crate::tree::Value) -> Vec<String> {
        v.items()
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn expressions_over_known_values() {
        let text = r#"
variable "env" {
  default = "prod"
}
variable "extra" {
  default = ["b", "a"]
}
locals {
  picked   = var.env == "prod" ? "locked" : "open"
  math     = length(var.extra) * 2 + 1 > 4 && !false
  listed   = [for s in concat(["c"], var.extra) : upper(s) if s != "a"]
  keyed    = { for k, v in { x = 1, y = 2 } : "k-${k}" => v }
  indexed  = local.keyed["k-y"]
  splat    = [{ id = "one" }, { id = "two" }][*].id
  rendered = "%{ if var.env == "prod" }p%{ else }d%{ endif }-%{ for x in var.extra }${x}%{ endfor }"
  tried    = try(local.keyed["nope"], "fallback")
  able     = can(local.keyed["nope"])
  unknown  = var.missing ? "a" : "b"
}
"#;
        // A root module's defaults may be overridden: conditions on them
        // keep both branches; the values themselves are used.
        assert_eq!(
            local(text, "picked")
                .alternatives()
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>(),
            [Some("locked"), Some("open")]
        );
        assert_eq!(local(text, "math").as_str(), Some("true"));
        assert_eq!(strs(&local(text, "listed")), ["C", "B"]);
        assert_eq!(local(text, "indexed").as_str(), Some("2"));
        assert_eq!(strs(&local(text, "splat")), ["one", "two"]);
        assert_eq!(local(text, "rendered").as_str(), Some("p-ba"));
        assert_eq!(local(text, "tried").as_str(), Some("fallback"));
        assert_eq!(local(text, "able").as_str(), Some("false"));
        // Unknown stays unknown: both branches, never a guess.
        let unknown = local(text, "unknown");
        assert!(matches!(unknown.kind, Kind::OneOf(_)), "{unknown:?}");
    }

    #[test]
    fn counts_dynamic_blocks_and_module_outputs() {
        let m = model(
            r#"
resource "aws_s3_bucket" "b" {
  count  = 2
  bucket = "logs-${count.index}"
}
resource "aws_s3_bucket_versioning" "v" {
  for_each = { for i, b in aws_s3_bucket.b : i => b }
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket_cors_configuration" "c" {
  bucket = aws_s3_bucket.b[1].bucket
  dynamic "cors_rule" {
    for_each = ["https://a.example", "https://b.example"]
    iterator = origin
    content {
      allowed_origins = [origin.value]
      allowed_methods = ["GET"]
    }
  }
}
resource "aws_s3_bucket_acl" "gone" {
  count  = 0
  bucket = aws_s3_bucket.b[0].id
  acl    = "public-read"
}
"#,
        );
        let buckets: Vec<_> = m.buckets().map(|(_, b)| b).collect();
        assert_eq!(buckets.len(), 2);
        assert_eq!(buckets[0].id, "aws_s3_bucket.b[0]");
        for b in &buckets {
            assert_eq!(
                b.properties
                    .path(&["VersioningConfiguration", "Status"])
                    .and_then(|v| v.as_str()),
                Some("Enabled"),
                "{}",
                b.id
            );
            assert!(b.properties.get("AccessControl").is_none());
        }
        let rules = buckets[1]
            .properties
            .path(&["CorsConfiguration", "CorsRules"])
            .unwrap();
        let origins: Vec<_> = rules
            .items()
            .iter()
            .flat_map(|r| strs(r.get("AllowedOrigins").unwrap()))
            .collect();
        assert_eq!(origins, ["https://a.example", "https://b.example"]);
        assert!(buckets[0].properties.get("CorsConfiguration").is_none());
    }

    #[test]
    fn split_resources_merge_into_their_bucket() {
        let m = model(
            r#"
resource "aws_s3_bucket" "b" { bucket = "logs" }
resource "aws_s3_bucket_acl" "a" {
  bucket = aws_s3_bucket.b.id
  acl    = "public-read"
}
resource "aws_s3_bucket_public_access_block" "p" {
  bucket            = "logs"
  block_public_acls = false
}
"#,
        );
        let b = &m.resources[0];
        assert_eq!(
            b.properties.get("AccessControl").unwrap().as_str(),
            Some("public-read")
        );
        let pab = b.properties.get("PublicAccessBlockConfiguration").unwrap();
        assert_eq!(pab.get("BlockPublicAcls").unwrap().as_bool(), Some(false));
        assert_eq!(
            m.holder(pab.get("BlockPublicAcls").unwrap().span)
                .unwrap()
                .id,
            "aws_s3_bucket_public_access_block.p"
        );
    }

    #[test]
    fn unknown_buckets_get_a_stand_in() {
        let m = model(
            "resource \"aws_s3_bucket_acl\" \"a\" {\n bucket = var.name\n acl = \"public-read\"\n}\n",
        );
        assert_eq!(m.resources.len(), 1);
        assert!(!m.resources[0].declared);
        assert_eq!(m.resources[0].id, "var.name");
        assert_eq!(
            m.holder(m.resources[0].head).unwrap().id,
            "aws_s3_bucket_acl.a"
        );
    }

    #[test]
    fn policies_from_jsonencode_heredoc_and_documents() {
        let text = r#"
locals { who = "*" }
resource "aws_s3_bucket_policy" "a" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = local.who }] })
}
resource "aws_s3_bucket_policy" "h" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "${aws_s3_bucket.b.arn}/*"}]}
EOF
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["s3:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_s3_bucket_policy" "d" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.d.json
}
"#;
        let m = model(text);
        let st = |i: usize| {
            m.bucket_policies()
                .nth(i)
                .unwrap()
                .properties
                .path(&["PolicyDocument", "Statement"])
                .unwrap()
                .items()[0]
                .clone()
        };
        assert_eq!(st(0).get("Principal").unwrap().as_str(), Some("*"));
        let p = st(1).get("Principal").unwrap().clone();
        assert_eq!(&text[p.span.start as usize..p.span.end as usize], "\"*\"");
        assert!(matches!(
            st(1).get("Resource").unwrap().kind,
            Kind::Partial(_)
        ));
        assert_eq!(st(2).get("Effect").unwrap().as_str(), Some("Allow"));
        assert_eq!(st(2).get("Principal").unwrap().as_str(), Some("*"));
        assert_eq!(
            m.holder(st(2).get("Principal").unwrap().span).unwrap().id,
            "data.aws_iam_policy_document.d"
        );
    }

    #[test]
    fn v3_blocks_and_split_resources_become_cloudformation_properties() {
        let m = model(
            r#"
resource "aws_s3_bucket" "b" {
  bucket = "x"
  versioning {
    enabled = false
  }
  cors_rule {
    allowed_origins = ["*"]
    allowed_methods = ["GET"]
  }
  lifecycle_rule {
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7
  }
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}
resource "aws_s3_bucket_lifecycle_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  dynamic "rule" {
    for_each = var.rules
    content {
      status = "Enabled"
    }
  }
}
"#,
        );
        let p = &m.resources[0].properties;
        assert_eq!(
            p.path(&["VersioningConfiguration", "Status"])
                .unwrap()
                .as_str(),
            Some("Suspended")
        );
        let cors = p.path(&["CorsConfiguration", "CorsRules"]).unwrap().items();
        assert_eq!(
            cors[0].get("AllowedOrigins").unwrap().items()[0].as_str(),
            Some("*")
        );
        let sse = p
            .path(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
            .unwrap()
            .items();
        assert_eq!(
            sse[0]
                .path(&["ServerSideEncryptionByDefault", "SSEAlgorithm"])
                .unwrap()
                .as_str(),
            Some("aws:kms")
        );
        assert_eq!(
            sse[0].get("BucketKeyEnabled").unwrap().as_bool(),
            Some(true)
        );
        // The split resource comes later and wins; its rules are dynamic.
        let rules = p
            .path(&["LifecycleConfiguration", "Rules"])
            .unwrap()
            .items();
        assert!(matches!(rules[0].kind, Kind::Unknown(_)));
    }
}
