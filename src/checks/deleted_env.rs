//! `deleted_env`: live resources that belong to an environment that no longer exists, of any
//! service, whether or not a state still declares them.

use super::Outcome;
use super::resource_ref::{placement_summary, related_with_owned};
use crate::graph::environment::Deletion;
use crate::graph::{Class, Graph};
use crate::model::finding::{Finding, FindingKind, ResourceRef, Severity, StateRef};

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    for (i, r) in graph.live().iter().enumerate() {
        if !r.exists() || graph.ignored()[i].is_some() || matches!(graph.classes()[i], Class::Default { .. }) {
            continue;
        }
        // Owned resources go with their owner: the owner's finding covers them.
        if graph.root_owner(i) != i {
            continue;
        }
        let Some(env) = graph.env_of_live(i) else { continue };
        let Some(deletion) = graph.envs().deletion(&env) else { continue };
        if uncertain(graph, i, &env, deletion) {
            outcome.withheld += 1;
            continue;
        }
        outcome.findings.push(finding(graph, i, &env, deletion));
    }
}

/// Whether what the scan could not read could change this finding. A deletion the states
/// show (empty or absent states) stands only when no unreadable state may be the
/// environment's, still declaring it: a state's name (workspace, state patterns) tells
/// whose it is; a bucket that could not be listed may hold anyone's. A resource that looks
/// like a root while the listing of its possible owner has a gap would be reported with
/// that owner by a complete scan, so it is not reported on its own.
fn uncertain(graph: &Graph<'_>, i: usize, env: &str, deletion: &Deletion) -> bool {
    (!matches!(deletion, Deletion::Policy) && graph.envs().may_have_unread_state(env))
        || (!matches!(graph.classes()[i], Class::Managed | Class::DeclaredInline { .. }) && graph.owner_unlisted(i))
}

/// Why a resource of a deleted environment is still there, in a few words.
pub fn why_it_remains(graph: &Graph<'_>, i: usize) -> String {
    match &graph.classes()[i] {
        Class::Managed | Class::DeclaredInline { .. } => {
            let decls = graph.accounting(i);
            let places: Vec<String> = decls
                .iter()
                .map(|&d| {
                    let decl = graph.decl(d);
                    format!("{} in {}", decl.address, decl.source)
                })
                .collect();
            format!("still declared as {}", places.join(", "))
        }
        Class::ManagedElsewhere { by, .. } => format!("managed by {by}"),
        Class::Unmanaged { note: Some(note) } => format!("no state declares it; {note}"),
        Class::Unmanaged { note: None } => "no state declares it".to_owned(),
        Class::Owned { why, .. } => format!("owned: {why}"),
        Class::Default { .. } | Class::Gone => String::new(),
    }
}

fn finding(graph: &Graph<'_>, i: usize, env: &str, deletion: &crate::graph::environment::Deletion) -> Finding {
    let r = &graph.live()[i];
    let how = match graph.envs().env_of_tags(&r.tags) {
        Some(_) => {
            let key =
                graph.policy.env_tag_keys.iter().find(|k| r.tags.contains_key(k)).map_or("Environment", String::as_str);
            format!("tagged {key}={}", r.tags.get(key).map_or(env, String::as_str))
        }
        None => match placement_summary(r) {
            Some(place) => format!("{place}, which belongs to {env}"),
            None => format!("declared in a state of {env}"),
        },
    };
    let mut reason = format!("{how}; {}; {}", deletion.explain(env), why_it_remains(graph, i));
    let related = related_with_owned(graph, i, &mut reason);
    // A guess never fails a run under the default `--fail-on`: only evidence does.
    let severity = if deletion.inferred() { Severity::Info } else { graph.policy.severity(FindingKind::DeletedEnv) };
    Finding::new(FindingKind::DeletedEnv, severity, ResourceRef::from_live(r), reason)
        .with_state(graph.accounting(i).first().map(|&d| StateRef::of(graph.decl(d))))
        .with_related(related)
        .in_environment(Some(env.to_owned()))
}
