//! analysis: the domain pipeline after the inputs are gathered: join, check, and build the
//! report of a scan, for each view (everything, one environment's decommission, a destroy).
//! Pure and synchronous; every command, the benchmarks and the fuzz targets call it here,
//! not through the command line.

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::time::Instant;

use crate::checks::{self, Severity};
use crate::graph::Graph;
use crate::inventory::Inventory;
use crate::policy::Policy;
use crate::report::{Report, Scope, StateScope};
use crate::state::StateSet;

/// Which part of the scan a report shows.
#[derive(Clone, Debug, Default)]
pub enum View {
    /// Everything.
    #[default]
    All,
    /// The post-decommission check of one environment (`scan --env`).
    Env(String),
    /// The pre-destroy guard for these target state sources (`check-destroy`).
    Destroy(BTreeSet<String>),
}

/// A configuration error the checks found (an expectation that matches nothing): the run
/// cannot be judged as asked.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct AnalysisError(pub Vec<String>);

/// The join a report was made from, and the report: the plans read both.
pub struct Analysis<'a> {
    pub graph: Graph<'a>,
    pub report: Report,
}

/// Joins, checks and builds the report of a scan. `decommissioning` keeps the policy that
/// takes `View::Env`'s environment as decommissioned, when nothing else says it is gone, for
/// as long as the graph.
pub fn analyze<'a>(
    inventory: &'a Inventory,
    states: &'a StateSet,
    policy: &'a Policy,
    generated_at: String,
    view: &View,
    decommissioning: &'a OnceCell<Policy>,
) -> Result<Analysis<'a>, AnalysisError> {
    let started = Instant::now();
    let graph = match view {
        View::Env(env) => Graph::build_decommissioning(inventory, states, policy, env, decommissioning),
        View::All | View::Destroy(_) => Graph::build(inventory, states, policy),
    };
    tracing::debug!(elapsed_ms = elapsed_ms(started), "graph built");
    let started = Instant::now();
    let mut outcome = checks::run(&graph);
    tracing::debug!(findings = outcome.findings.len(), elapsed_ms = elapsed_ms(started), "checks run");
    if !outcome.errors.is_empty() {
        return Err(AnalysisError(std::mem::take(&mut outcome.errors)));
    }
    let mut env_check = None;
    let mut destroy = None;
    match view {
        View::All => {}
        View::Env(env) => {
            // The environment checked counts as deleted, so its ties are findings; the plain
            // links left are between other environments.
            outcome.links.clear();
            env_check = Some(checks::env_check::apply(&graph, env, &mut outcome.findings));
        }
        View::Destroy(targets) => {
            // Before a destroy, every state that relies on the target matters.
            outcome.findings.append(&mut outcome.links);
            destroy = Some(checks::destroy_check::apply(&graph, targets, &mut outcome.findings));
        }
    }
    crate::model::finding::sort(&mut outcome.findings);
    let scope = Scope {
        accounts: inventory.accounts.clone(),
        regions: inventory.regions.clone(),
        listed: Some(inventory.listed.clone()),
        states: states
            .files
            .iter()
            .map(|f| StateScope {
                source: f.source.clone(),
                resources: f.managed().count(),
                environment: graph.envs().of_state(&f.source).map(str::to_owned),
            })
            .collect(),
        shard: None,
    };
    let mut gaps = inventory.gaps.clone();
    gaps.extend(states.gaps.iter().cloned());
    let started = Instant::now();
    let mut report = Report::new(generated_at, scope, gaps, outcome);
    tracing::debug!(elapsed_ms = elapsed_ms(started), "report built");
    report.coverage.kinds_listed = Some(crate::model::kinds::ALL.iter().filter(|k| k.spec.listed_by.is_some()).count());
    for file in &states.files {
        for (tf_type, n) in file.not_listed_types() {
            *report.coverage.not_listed.entry(tf_type).or_default() += n;
        }
    }
    report.environment = env_check;
    report.destroy = destroy;
    Ok(Analysis { graph, report })
}

/// The report alone, for callers that do not read the join after it.
pub fn report(
    inventory: &Inventory,
    states: &StateSet,
    policy: &Policy,
    generated_at: String,
    view: &View,
) -> Result<Report, AnalysisError> {
    let decommissioning = OnceCell::new();
    analyze(inventory, states, policy, generated_at, view, &decommissioning).map(|analysis| analysis.report)
}

/// Leaves out findings below `min`.
pub fn apply_min_severity(report: &mut Report, min: Severity) {
    report.findings.retain(|f| f.finding.severity >= min);
    let kept: Vec<(String, usize)> = crate::report::report::COUNTS
        .into_iter()
        .filter_map(|key| report.summary.get(key).map(|n| (key.to_owned(), *n)))
        .collect();
    report.summary.clear();
    for f in &report.findings {
        *report.summary.entry(f.finding.kind.as_str().to_owned()).or_default() += 1;
    }
    report.summary.extend(kept);
}

/// Milliseconds since `started`, for the debug log.
fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
