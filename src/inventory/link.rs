//! link: joins the listings of one region after they are all in, adding the relations no
//! single listing can see (a NAT gateway's interface, an instance's root volume, an AMI's
//! snapshots) and folding the tagging API's records into the native ones. Pure.

use std::collections::HashMap;

use super::{LiveResource, Origin, Relation};
use crate::model::kinds;
use crate::model::relation::RelationKind as R;

/// Links one region's resources and returns them.
pub fn link_region(resources: Vec<LiveResource>) -> Vec<LiveResource> {
    let (mut native, tagged): (Vec<_>, Vec<_>) = resources.into_iter().partition(|r| r.origin == Origin::Native);
    let mut by_key: HashMap<(String, String), usize> = HashMap::with_capacity(native.len());
    let mut by_arn: HashMap<String, usize> = HashMap::with_capacity(native.len());
    for (i, r) in native.iter().enumerate() {
        by_key.insert((r.kind.clone(), r.id.clone()), i);
        by_arn.insert(r.arn.clone(), i);
    }

    let mut extra: Vec<(usize, Relation)> = Vec::new();
    let mut root_volumes: Vec<usize> = Vec::new();
    let lookup = |kind: &str, id: &str| by_key.get(&(kind.to_owned(), id.to_owned())).copied();
    for r in &native {
        match r.kind.as_str() {
            "ec2:natgateway" | "ec2:vpc-endpoint" | "elasticfilesystem:file-system" => {
                for eni in r.attributes.get("network_interface_ids").and_then(|v| v.as_array()).into_iter().flatten() {
                    if let Some(i) = eni.as_str().and_then(|eni| lookup("ec2:network-interface", eni)) {
                        extra.push((i, Relation::new(R::CreatedBy, &r.kind, r.id.clone())));
                    }
                }
            }
            "ec2:instance" => {
                if let Some(i) = r.attr_str("root_volume_id").and_then(|v| lookup("ec2:volume", v)) {
                    root_volumes.push(i);
                }
            }
            "elasticloadbalancing:targetgroup" => {
                // The load balancers that forward to a group depend on it.
                for arn in r.attributes.get("load_balancer_arns").and_then(|v| v.as_array()).into_iter().flatten() {
                    if let Some(&i) = arn.as_str().and_then(|arn| by_arn.get(arn)) {
                        extra.push((i, Relation::new(R::References, &r.kind, r.id.clone())));
                    }
                }
            }
            "ec2:image" => {
                for snapshot in r.related(R::References).filter(|rel| rel.target_kind == "ec2:snapshot") {
                    if let Some(i) = lookup("ec2:snapshot", &snapshot.target) {
                        extra.push((i, Relation::new(R::CreatedBy, "ec2:image", r.id.clone())));
                    }
                }
            }
            _ => {}
        }
    }
    for (i, relation) in extra {
        if !native[i].relations.contains(&relation) {
            native[i].relations.push(relation);
        }
    }
    for i in root_volumes {
        native[i].set_attr("root_volume", true);
    }

    // Tagging records: native kinds lend their tags; the rest are generic resources.
    let mut generic = Vec::new();
    for record in tagged {
        let natively_listed = kinds::spec_of(&record.kind).is_some_and(|s| s.listed_by.is_some());
        if natively_listed {
            let found = by_arn.get(&record.arn).copied().or_else(|| lookup(&record.kind, &record.id));
            if let Some(i) = found {
                for (key, value) in record.tags {
                    native[i].tags.get_or_insert_with(&key, || value);
                }
            }
            // Not found natively: the tagging API still lists resources deleted a short while
            // ago. The native listing is authoritative, so the record is dropped.
        } else {
            generic.push(record);
        }
    }
    native.extend(generic);
    native
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(kind: &str, id: &str) -> LiveResource {
        LiveResource::new(kind, id, "123456789012", "us-east-1")
    }

    #[test]
    fn nat_interface_is_created_by_the_gateway() {
        let mut nat = res("ec2:natgateway", "nat-1");
        nat.set_attr("network_interface_ids", vec!["eni-1"]);
        let out = link_region(vec![nat, res("ec2:network-interface", "eni-1")]);
        let eni = out.iter().find(|r| r.id == "eni-1").expect("eni");
        assert_eq!(eni.first_related(R::CreatedBy), Some("nat-1"));
    }

    #[test]
    fn root_volume_is_marked() {
        let mut instance = res("ec2:instance", "i-1");
        instance.set_attr("root_volume_id", "vol-1");
        let out = link_region(vec![instance, res("ec2:volume", "vol-1"), res("ec2:volume", "vol-2")]);
        assert!(out.iter().find(|r| r.id == "vol-1").expect("vol-1").attr_bool("root_volume"));
        assert!(!out.iter().find(|r| r.id == "vol-2").expect("vol-2").attr_bool("root_volume"));
    }

    #[test]
    fn tagging_records_lend_tags_to_native_kinds_and_stay_for_others() {
        let native = res("elasticache:replication-group", "redis");
        let mut tagged = res("elasticache:replication-group", "redis");
        tagged.origin = Origin::Tagging;
        tagged.tags.insert("Environment".into(), "dev".into());
        let mut function = res("glue:job", "nightly-etl");
        function.origin = Origin::Tagging;
        // The tagging API still names resources deleted a while ago: of a kind listed
        // natively, a record the listing does not confirm is dropped, whatever the kind.
        let stale = ["ec2:instance", "rds:db", "elasticloadbalancing:loadbalancer", "sqs:queue", "lambda:function"]
            .map(|kind| {
                let mut r = res(kind, "gone");
                r.origin = Origin::Tagging;
                r
            });
        let out = link_region([native, tagged, function].into_iter().chain(stale).collect());
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].tags.get("Environment").map(String::as_str), Some("dev"));
        assert_eq!(out[1].kind, "glue:job");
    }
}
