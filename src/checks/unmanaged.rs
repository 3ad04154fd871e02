//! unmanaged: live resources no state declares, nothing declared owns, and no other tool
//! or AWS itself accounts for. What such a resource owns is reported with it.

use super::Outcome;
use super::finding::{Finding, FindingKind, Related, ResourceRef};
use super::resource_ref::{placement_summary, related_of, tag_summary};
use crate::graph::{Class, Graph};

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    let severity = graph.policy.severity(FindingKind::Unmanaged);
    for (i, r) in graph.live().iter().enumerate() {
        let Class::Unmanaged { note } = &graph.classes[i] else { continue };
        if graph.ignored[i].is_some() {
            outcome.ignored += 1;
            continue;
        }
        if graph.ownership_uncertain(i) {
            outcome.withheld += 1;
            continue;
        }
        let mut reason = String::from("no state declares it");
        if let Some(note) = note {
            reason.push_str("; ");
            reason.push_str(note);
        }
        if let Some(tags) = tag_summary(graph, &r.tags) {
            reason.push_str("; tagged ");
            reason.push_str(&tags);
        } else {
            reason.push_str("; untagged");
        }
        if let Some(place) = placement_summary(r) {
            reason.push_str("; ");
            reason.push_str(&place);
        }
        let owned = graph.owned_by(i);
        let mut related = related_of(graph, r);
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
        outcome.findings.push(Finding {
            kind: FindingKind::Unmanaged,
            severity,
            resource: ResourceRef::from_live(r),
            reason,
            state: None,
            subject: None,
            related,
            drift: None,
            environment: graph.env_of_live(i),
            order: Vec::new(),
            remains: None,
        });
    }
}
