//! unmanaged: live resources no state declares, nothing declared owns, and no other tool
//! or AWS itself accounts for. What such a resource owns is reported with it.

use super::Outcome;
use super::resource_ref::{placement_summary, related_with_owned, tag_summary};
use crate::graph::{Class, Graph};
use crate::model::finding::{Finding, FindingKind, ResourceRef};

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    let severity = graph.policy.severity(FindingKind::Unmanaged);
    for (i, r) in graph.live().iter().enumerate() {
        let Class::Unmanaged { note } = &graph.classes()[i] else { continue };
        if graph.ignored()[i].is_some() {
            outcome.ignored += 1;
            continue;
        }
        if graph.ownership_uncertain(i) || graph.env_unlisted(i) {
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
        let related = related_with_owned(graph, i, &mut reason);
        outcome.findings.push(
            Finding::new(FindingKind::Unmanaged, severity, ResourceRef::from_live(r), reason)
                .with_related(related)
                .in_environment(graph.env_of_live(i)),
        );
    }
}
