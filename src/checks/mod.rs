//! checks: turn the joined graph into findings. Each check is a function of the graph
//! and the policy; none does I/O. Findings come out sorted.

pub mod environment;
pub mod finding;
pub mod missing;
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
}

/// Runs every check.
pub fn run(graph: &Graph<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    unmanaged::check(graph, &mut outcome);
    missing::check(graph, &mut outcome);
    finding::sort(&mut outcome.findings);
    outcome
}
