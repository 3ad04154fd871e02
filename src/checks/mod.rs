//! checks: turn the joined graph into findings. Each check is a function of the graph
//! and the policy; none does I/O. Findings come out sorted.

pub mod blocking;
pub mod broken_reference;
pub mod cross_state;
pub mod deleted_env;
pub mod destroy_check;
pub mod drift;
pub mod env_check;
pub mod environment;
pub mod explanation;
pub mod finding;
pub mod missing;
pub mod reachability;
pub mod resource_ref;
pub mod unmanaged;

pub use finding::{Finding, FindingKind, Severity};

use crate::graph::Graph;

/// Everything the checks concluded.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Live resources a policy ignore rule left out.
    pub ignored: usize,
    /// Findings not drawn because a listing they depend on has a gap.
    pub withheld: usize,
    /// Plain links between states (an app state's instance in a network state's subnet):
    /// normal layering, not findings of a scan. `check-destroy` reports them, `explain`
    /// shows them, and a scan's summary counts them (`cross-state-links`).
    pub links: Vec<Finding>,
    /// Configuration errors found while checking (an expectation that matches nothing).
    pub errors: Vec<String>,
    /// Every path the connectivity expectations took.
    pub traces: Vec<reachability::Trace>,
}

/// Runs every check.
pub fn run(graph: &Graph<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    unmanaged::check(graph, &mut outcome);
    missing::check(graph, &mut outcome);
    deleted_env::check(graph, &mut outcome);
    blocking::check(graph, &mut outcome);
    cross_state::check(graph, &mut outcome);
    broken_reference::check(graph, &mut outcome);
    drift::check(graph, &mut outcome);
    reachability::check(graph, &mut outcome);
    fold_unmanaged(&mut outcome.findings);
    finding::sort(&mut outcome.findings);
    finding::sort(&mut outcome.links);
    outcome
}

/// Each leftover is reported once, by its most specific finding: a resource of a deleted
/// environment, or one in the way of a destroy, is not reported again as `unmanaged` (the
/// more specific finding says that no state declares it).
fn fold_unmanaged(findings: &mut Vec<Finding>) {
    let specific: std::collections::HashSet<(String, String)> = findings
        .iter()
        .filter(|f| matches!(f.kind, FindingKind::DeletedEnv | FindingKind::BlockingDependency))
        .map(|f| (f.resource.kind.clone(), f.resource.arn.clone().unwrap_or_else(|| f.resource.id.clone())))
        .collect();
    findings.retain(|f| {
        f.kind != FindingKind::Unmanaged
            || !specific
                .contains(&(f.resource.kind.clone(), f.resource.arn.clone().unwrap_or_else(|| f.resource.id.clone())))
    });
}
