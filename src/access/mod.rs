//! Who can reach each bucket, decided once: the one answer that the rules
//! about public access, the inventory, drift and the editor all read.
//!
//! Per bucket, every way in for the public (its ACL, its objects' ACLs, its
//! bucket policy, the policies of its internet access points and of the
//! Multi-Region Access Points that list it), each with what it grants
//! and to whom, whether it exists only for some inputs, which Deny cancels
//! it, and which setting stops it; then the other accounts and services
//! the policy names, and what is not known and why. A grant that is known
//! and open makes the bucket public whatever else is unknown; an unknown
//! counts only where it can change who gets in.
//!
//! `analysis.rs` holds what the answer is, `ways.rs` how each way in is
//! read, `stops.rs` the settings that stop a grant, `deny.rs` what Deny
//! statements take away, `grantee.rs` who a statement names, and
//! `witness.rs` one request a grant lets through.

mod analysis;
mod deny;
pub mod grantee;
mod organisation;
mod stops;
mod ways;
pub mod witness;

use std::collections::HashMap;

use crate::model::{Model, Resource};
use crate::tree::Value;
use ways::{
    access_point, acl, acl_denies, always_private, multi_region, object_acl, owner, policy_grants,
};

pub use analysis::{
    Analysis, Grant, Level, Right, Way, acl_actions, multi_region_name, object_key, permissions,
    rights_text,
};
pub use deny::Cancel;
pub use grantee::{Grantee, Own, grantee, literal_account};
pub use organisation::kept_out;
pub use witness::Witness;

/// Every bucket's analysis, and the public grants of policies whose bucket
/// is not known.
#[derive(Debug, Default)]
pub struct Fleet<'m> {
    buckets: HashMap<usize, Analysis<'m>>,
    loose: Vec<Grant<'m>>,
}

impl<'m> Fleet<'m> {
    /// The analysis of every bucket of `model`; `trusted` lists the accounts
    /// the configuration calls the organisation's own.
    pub fn of(model: &'m Model, trusted: &[String]) -> Fleet<'m> {
        let mut fleet = Fleet::default();
        for (i, bucket) in model.buckets() {
            let owner = owner(model, bucket);
            let mut a = Analysis {
                exists_when: model.block(&bucket.id).and_then(|k| k.condition.clone()),
                owner,
                ..Default::default()
            };
            acl(model, bucket, &mut a);
            fleet.buckets.insert(i, a);
        }
        for (_, object) in model.of_type("AWS::S3::Object") {
            let Some(b) = object.bucket else { continue };
            if let (Some(bucket), Some(a)) = (model.resources.get(b), fleet.buckets.get_mut(&b)) {
                object_acl(model, bucket, object, a);
            }
        }
        let mut documents: Vec<(Option<usize>, &'m Resource, &'m Value)> = model
            .bucket_policies()
            .filter_map(|p| Some((p.bucket, p, p.properties.get("PolicyDocument")?)))
            .collect();
        documents.sort_by_key(|(b, _, _)| *b);
        for (bucket, policy, doc) in documents {
            let into = match bucket.and_then(|b| fleet.buckets.get_mut(&b)) {
                Some(a) => a,
                None => {
                    let mut loose = Analysis::default();
                    policy_grants(model, None, policy, doc, trusted, &mut loose);
                    fleet.loose.append(&mut loose.grants);
                    continue;
                }
            };
            policy_grants(model, bucket, policy, doc, trusted, into);
        }
        for (_, point) in model.of_type("AWS::S3::AccessPoint") {
            // A VPC access point cannot be reached from the internet.
            if point.properties.get("VpcConfiguration").is_some() {
                continue;
            }
            let Some(doc) = point.properties.get("Policy") else {
                continue;
            };
            match point.bucket.and_then(|b| fleet.buckets.get_mut(&b)) {
                Some(a) => access_point(model, point, doc, trusted, a),
                None => {
                    let mut loose = Analysis::default();
                    access_point(model, point, doc, trusted, &mut loose);
                    fleet.loose.append(&mut loose.grants);
                }
            }
        }
        for (_, point) in model.of_type("AWS::S3::MultiRegionAccessPoint") {
            multi_region(model, point, trusted, &mut fleet.buckets);
        }
        // Directory, table and vector buckets: not buckets the inventory
        // lists, but their public policies are refused all the same.
        for (policy, doc, kind, name) in model.always_private_policies() {
            let mut grants = always_private(model, policy, doc, kind, &name);
            fleet.loose.append(&mut grants);
        }
        for (&i, a) in fleet.buckets.iter_mut() {
            acl_denies(model, i, a);
            a.unknown.dedup();
            a.grantees.dedup();
        }
        fleet
    }

    /// The analysis of bucket `i` of the model.
    pub fn bucket(&self, i: usize) -> Option<&Analysis<'m>> {
        self.buckets.get(&i)
    }

    /// Every public grant, with its bucket when known, bucket by bucket.
    pub fn grants(&self) -> Vec<(Option<usize>, &Grant<'m>)> {
        let mut keys: Vec<&usize> = self.buckets.keys().collect();
        keys.sort_unstable();
        let mut out: Vec<(Option<usize>, &Grant)> = keys
            .into_iter()
            .flat_map(|k| self.buckets[k].grants.iter().map(move |g| (Some(*k), g)))
            .collect();
        out.extend(self.loose.iter().map(|g| (None, g)));
        out
    }
}
