//! `resource_ref`: how findings name live and declared resources, and the environment and
//! one-line descriptions that go with them.

use crate::graph::{DeclRef, Graph};
use crate::inventory::LiveResource;
use crate::model::finding::{Related, ResourceRef, StateRef};
use crate::model::kinds;
use crate::state::StateResource;

impl ResourceRef {
    pub fn from_live(r: &LiveResource) -> Self {
        Self {
            kind: r.kind.clone(),
            id: r.id.clone(),
            arn: Some(r.arn.clone()),
            region: Some(r.region.clone()),
            account: Some(r.account.clone()),
            tags: r.tags.clone(),
            created: r.created.clone(),
            who: None,
        }
    }

    pub fn from_declared(
        kind: &str,
        id: &str,
        decl: &StateResource,
        account: Option<String>,
        region: Option<String>,
    ) -> Self {
        let arn = match &decl.identity {
            crate::state::Identity::Arn { arn, .. } => Some(arn.clone()),
            _ => match (&account, &region) {
                (Some(a), Some(r)) if kinds::spec_of(kind).is_some() => Some(crate::model::arn::build(kind, r, a, id)),
                _ => None,
            },
        };
        Self {
            kind: kind.to_owned(),
            id: id.to_owned(),
            arn,
            region,
            account,
            tags: decl.tags.clone(),
            created: None,
            who: None,
        }
    }
}

impl StateRef {
    pub fn of(decl: &StateResource) -> Self {
        Self { source: decl.source.to_string(), address: decl.address.clone() }
    }
}

/// `Environment=qa, Name=web` for the tags that help a person place a resource; without
/// either, the first tags (`Team=data, CostCenter=42 and 3 more`). `None` only when the
/// resource has no tag at all: a tagged resource is never called untagged.
pub fn tag_summary(graph: &Graph<'_>, tags: &crate::model::Tags) -> Option<String> {
    let mut parts = Vec::new();
    if let Some((key, value)) = graph.policy.env_tag_keys.iter().find_map(|k| Some((k, tags.get(k)?))) {
        parts.push(format!("{key}={value}"));
    }
    if let Some(name) = tags.get("Name") {
        parts.push(format!("Name={name}"));
    }
    if parts.is_empty() && !tags.is_empty() {
        const SHOWN: usize = 2;
        parts.extend(tags.iter().take(SHOWN).map(|(k, v)| format!("{k}={v}")));
        if tags.len() > SHOWN {
            let last = parts.pop().unwrap_or_default();
            parts.push(format!("{last} and {} more", tags.len() - SHOWN));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Where a live resource sits: `in subnet subnet-… of vpc-…`.
pub fn placement_summary(r: &LiveResource) -> Option<String> {
    use crate::inventory::RelationKind as R;
    let vpc = r.first_related(R::InVpc);
    let subnet = r.first_related(R::InSubnet);
    match (subnet, vpc) {
        (Some(s), Some(v)) => Some(format!("in subnet {s} of {v}")),
        (Some(s), None) => Some(format!("in subnet {s}")),
        (None, Some(v)) => Some(format!("in {v}")),
        (None, None) => r.first_related(R::AttachedTo).map(|a| format!("attached to {a}")),
    }
}

/// The live resource's relations, each with the state that declares its target.
pub fn related_of(graph: &Graph<'_>, r: &LiveResource) -> Vec<Related> {
    r.relations
        .iter()
        .map(|rel| Related {
            relation: rel.kind.as_str().to_owned(),
            id: rel.target.clone(),
            kind: Some(rel.target_kind.clone()),
            state: first_declaration(graph, &rel.target_kind, &rel.target).map(|d| StateRef::of(graph.decl(d))),
        })
        .collect()
}

/// The live resource's relations plus what it owns (which goes with it), and a note of
/// the owned ids added to `reason`.
pub fn related_with_owned(graph: &Graph<'_>, i: usize, reason: &mut String) -> Vec<Related> {
    let mut related = related_of(graph, &graph.live()[i]);
    let owned = graph.owned_by(i);
    for &j in &owned {
        let child = &graph.live()[j];
        related.push(Related {
            relation: "owns".to_owned(),
            id: child.id.clone(),
            kind: Some(child.kind.clone()),
            state: None,
        });
    }
    if !owned.is_empty() {
        let ids: Vec<&str> = owned.iter().map(|&j| graph.live()[j].id.as_str()).collect();
        reason.push_str(&format!("; goes with it: {}", ids.join(", ")));
    }
    related
}

/// The first managed state resource declaring `kind`/`id`.
pub fn first_declaration(graph: &Graph<'_>, kind: &str, id: &str) -> Option<DeclRef> {
    graph.declarations_of(kind, id).first().copied()
}
