//! The registry cannot be incomplete: every kind's facets are decided (the types make that
//! so) and each decision agrees with the rest of the project: the read-only IAM policy, the
//! price table, the Terraform types, the docs. Each problem names the kind and the facet.
//! What a facet does (a listing per listed kind, a delete command per deleted kind, an
//! import block per importable kind) is tested where it is done: `inventory::aws`,
//! `plan::cleanup_tests`, `plan::adopt`.

use std::collections::BTreeSet;

use super::*;

/// The actions the shipped read-only policy allows.
fn policy_actions() -> BTreeSet<String> {
    let text = include_str!("../../../policies/iam-readonly.json");
    let policy: serde_json::Value = serde_json::from_str(text).expect("the policy is JSON");
    policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

/// The kinds the shipped price table calls free.
fn free_kinds() -> BTreeSet<String> {
    let text = include_str!("../../../policies/prices.toml");
    let table: toml::Value = toml::from_str(text).expect("the price table is TOML");
    table["free"]["kinds"]
        .as_array()
        .expect("free kinds")
        .iter()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect()
}

/// Every problem with one kind's facets, each naming the kind and the facet.
fn audit(kind: &Kind, allowed: &BTreeSet<String>, free: &BTreeSet<String>) -> Vec<String> {
    let name = kind.spec.kind;
    let mut problems = Vec::new();
    let mut problem = |facet: &str, what: String| problems.push(format!("{name}: {facet}: {what}"));
    // Spec.
    if kind.spec.label.is_empty() || !name.starts_with(&format!("{}:", kind.spec.service)) {
        problem("spec", "a kind is SERVICE:TYPE of its ARN's service, with a label".to_owned());
    }
    // Listing and IAM.
    match kind.spec.listed_by {
        // S3 authorizes `ListBuckets` as `s3:ListAllMyBuckets`; API Gateway authorizes by
        // HTTP method (`apigateway:GET`).
        Some(operation)
            if !(kind.iam.iter().any(|a| a.ends_with(&format!(":{operation}")))
                || operation == "ListBuckets" && kind.iam.contains(&"s3:ListAllMyBuckets")
                || kind.spec.service == "apigateway" && kind.iam.contains(&"apigateway:GET")) =>
        {
            problem("iam", format!("listed by {operation}, but no IAM action for it"));
        }
        None if !kind.iam.is_empty() => {
            problem("iam", "known only through the tagging API, yet names IAM actions of its own".to_owned());
        }
        _ => {}
    }
    for action in kind.iam {
        if !allowed.contains(*action) {
            problem("iam", format!("{action} is not in policies/iam-readonly.json"));
        }
        let verb = action.split_once(':').map_or("", |(_, verb)| verb);
        if !["Describe", "List", "Get", "GET"].iter().any(|p| verb.starts_with(p)) {
            problem("iam", format!("{action} is not a read"));
        }
    }
    // Terraform types.
    match &kind.declared_by {
        Declared::Types([]) => {
            problem("terraform", "no types: say Declared::Never with why".to_owned());
        }
        Declared::Types(types) => {
            for m in *types {
                if !m.tf_type.starts_with("aws_") {
                    problem("terraform", format!("{} is not an AWS provider type", m.tf_type));
                }
                let reads_as = match m.key {
                    Key::Part { parent_kind, .. } => parent_kind,
                    _ => m.kind,
                };
                if reads_as != name || m.kind != name {
                    problem("terraform", format!("{} reads as {reads_as}, not {name}", m.tf_type));
                }
            }
        }
        Declared::Never("") => problem("terraform", "never declared, but no reason".to_owned()),
        Declared::Never(_) => {}
    }
    // Price.
    match kind.price {
        Price::Free if !free.contains(name) => {
            problem("price", "free, but not among policies/prices.toml's [free] kinds".to_owned());
        }
        Price::Table(_) | Price::Unknown(_) if free.contains(name) => {
            problem("price", "policies/prices.toml calls it free".to_owned());
        }
        Price::Table(what) | Price::Unknown(what) if what.is_empty() => problem("price", "no words".to_owned()),
        _ => {}
    }
    // Cleanup and import.
    if let Cleanup::Refused(why) = kind.cleanup
        && why.is_empty()
    {
        problem("cleanup", "refused without a reason".to_owned());
    }
    match kind.import {
        Import::Unsupported("") => problem("import", "not importable, but no reason".to_owned()),
        Import::Id(tf_type) | Import::Arn(tf_type) => {
            let declares = matches!(&kind.declared_by, Declared::Types(types) if types.iter().any(|m| m.tf_type == tf_type && !matches!(m.key, Key::Part { .. })));
            if !declares {
                problem("import", format!("imports as {tf_type}, which does not declare it"));
            }
        }
        _ => {}
    }
    problems
}

#[test]
fn issue_29_every_kind_decides_every_facet() {
    let (allowed, free) = (policy_actions(), free_kinds());
    let problems: Vec<String> = ALL.iter().flat_map(|k| audit(k, &allowed, &free)).collect();
    assert!(problems.is_empty(), "undecided or inconsistent facets:\n{}", problems.join("\n"));
    // Every free kind of the price table is a kind.
    for kind in &free {
        assert!(self::kind(kind).is_some(), "policies/prices.toml calls {kind} free, but no such kind is registered");
    }
}

#[test]
fn issue_29_the_audit_names_the_kind_and_the_facet_it_misses() {
    // A kind whose author forgot the policy, the price table and the import's type.
    const HALF_ADDED: Kind = Kind {
        spec: spec("rds:proxy", "rds", "db-proxy", Some("DescribeDBProxies"), None, &[], "RDS proxy"),
        declared_by: Declared::Types(&[id("aws_db_proxy", "rds:proxy")]),
        ownership: &[],
        price: Price::Free,
        cleanup: Cleanup::Refused(""),
        import: Import::Id("aws_db_proxy_endpoint"),
        needs: &[],
        iam: &[],
    };
    const INSTANCE_TYPE: &[TypeMapping] = &[id("aws_instance", "ec2:instance")];
    let (allowed, free) = (policy_actions(), free_kinds());
    let problems = audit(&HALF_ADDED, &allowed, &free);
    for expected in [
        "rds:proxy: iam: listed by DescribeDBProxies, but no IAM action for it",
        "rds:proxy: price: free, but not among policies/prices.toml's [free] kinds",
        "rds:proxy: cleanup: refused without a reason",
        "rds:proxy: import: imports as aws_db_proxy_endpoint, which does not declare it",
    ] {
        assert!(problems.iter().any(|p| p == expected), "{expected:?} not in {problems:#?}");
    }
    // Each facet of a registered kind, removed in turn, is named.
    let snapshot = &elasticache::SNAPSHOT;
    let without_iam = Kind { iam: &[], ..copy(snapshot) };
    assert_eq!(
        audit(&without_iam, &allowed, &free),
        ["elasticache:snapshot: iam: listed by DescribeSnapshots, but no IAM action for it"]
    );
    let not_in_policy = Kind { iam: &["elasticache:DescribeSnapshotz"], ..copy(snapshot) };
    assert!(audit(&not_in_policy, &allowed, &free).iter().any(|p| p.contains("not in policies/iam-readonly.json")));
    let no_types = Kind { declared_by: Declared::Types(&[]), ..copy(snapshot) };
    assert_eq!(
        audit(&no_types, &allowed, &free),
        ["elasticache:snapshot: terraform: no types: say Declared::Never with why"]
    );
    let wrong_type = Kind { declared_by: Declared::Types(INSTANCE_TYPE), ..copy(snapshot) };
    assert!(
        audit(&wrong_type, &allowed, &free)[0].starts_with("elasticache:snapshot: terraform: aws_instance reads as")
    );
}

/// A copy of a registered kind, to break one facet of.
fn copy(k: &Kind) -> Kind {
    Kind {
        spec: KindSpec { ..k.spec },
        declared_by: match &k.declared_by {
            Declared::Types(t) => Declared::Types(t),
            Declared::Never(w) => Declared::Never(w),
        },
        ownership: k.ownership,
        price: match k.price {
            Price::Table(w) => Price::Table(w),
            Price::Free => Price::Free,
            Price::Unknown(w) => Price::Unknown(w),
        },
        cleanup: match k.cleanup {
            Cleanup::Delete { tier, data_loss, .. } => Cleanup::Delete { tier, data_loss, command: Command::Planned },
            Cleanup::Refused(w) => Cleanup::Refused(w),
        },
        import: k.import,
        needs: k.needs,
        iam: k.iam,
    }
}

#[test]
fn issue_29_ownership_names_registered_kinds() {
    for k in ALL {
        for owner in k.ownership {
            assert!(self::kind(owner).is_some(), "{}: ownership: {owner} is not a registered kind", k.spec.kind);
        }
    }
}

#[test]
fn issue_29_docs_list_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/kinds.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let table = markdown();
    if std::env::var_os("LEFTOVER_BLESS").is_some() {
        let head = doc.split("\n| Kind |").next().unwrap_or_default().trim_end();
        std::fs::write(path, format!("{head}\n\n{table}")).expect("write docs/kinds.md");
        return;
    }
    assert!(
        doc.ends_with(&table),
        "docs/kinds.md does not end with the registry's table; run `LEFTOVER_BLESS=1 cargo test --lib issue_29_docs` \
         and review the diff"
    );
}
