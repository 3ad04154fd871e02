//! checks: turn the joined graph into findings. Each check is a function of the graph
//! and the policy; none does I/O. Findings come out sorted.

pub(crate) mod blocking;
pub(crate) mod broken_reference;
pub(crate) mod cross_state;
pub(crate) mod deleted_env;
pub(crate) mod destroy_check;
pub(crate) mod drift;
pub(crate) mod env_check;
pub(crate) mod explanation;
pub(crate) mod missing;
pub(crate) mod reachability;
pub(crate) mod resource_ref;
pub(crate) mod unmanaged;

pub use crate::model::finding::{Finding, FindingKind, Severity};

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
    /// Each managed resource that resources outside Terraform block, with the order to
    /// delete them: stated once, referenced by the findings' `blocks` relations.
    pub blocked: Vec<crate::model::Blocked>,
}

/// Runs every check. The leftover checks and the others share nothing but the graph, so
/// they run on two threads: a scan's analysis starts only once its last answer is read,
/// and there it is all that is left to wait for.
pub fn run(graph: &Graph<'_>) -> Outcome {
    let (mut outcome, others) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            let mut outcome = Outcome::default();
            cross_state::check(graph, &mut outcome);
            broken_reference::check(graph, &mut outcome);
            drift::check(graph, &mut outcome);
            reachability::check(graph, &mut outcome);
            outcome
        });
        let mut outcome = Outcome::default();
        unmanaged::check(graph, &mut outcome);
        missing::check(graph, &mut outcome);
        deleted_env::check(graph, &mut outcome);
        blocking::check(graph, &mut outcome);
        // Every leftover finding is drawn by now: folding them here keeps the ones folded
        // away out of memory while the other checks run.
        fold_leftovers(graph, &outcome.blocked, &mut outcome.findings);
        let others = others.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (outcome, others)
    });
    // Every field named: one added to `Outcome` is merged here or fails to compile.
    let Outcome { findings, ignored, withheld, links, errors, traces, blocked } = others;
    outcome.findings.extend(findings);
    outcome.ignored += ignored;
    outcome.withheld += withheld;
    outcome.links.extend(links);
    outcome.errors.extend(errors);
    outcome.traces.extend(traces);
    outcome.blocked.extend(blocked);
    crate::model::finding::sort(&mut outcome.findings);
    crate::model::finding::sort(&mut outcome.links);
    outcome
}

/// The kinds that say a live resource is a leftover. A resource gets at most one of them.
const LEFTOVER_KINDS: [FindingKind; 3] =
    [FindingKind::DeletedEnv, FindingKind::BlockingDependency, FindingKind::Unmanaged];

/// Each leftover is reported once, by its most specific finding, which carries the rest:
/// `deleted-env` (carrying what it blocks), else `blocking-dependency`, else `unmanaged`
/// (their reasons say no state declares it). An environment that only *appears* deleted
/// (inferred from tags alone) is a guess, and a guess never outranks evidence: such a
/// resource keeps its `blocking-dependency` or `unmanaged` finding, which names the
/// environment and the inference.
fn fold_leftovers(graph: &Graph<'_>, blocked: &[crate::model::Blocked], findings: &mut Vec<Finding>) {
    let in_the_way: std::collections::HashMap<(&str, &str), usize> =
        blocked.iter().map(|b| ((b.kind.as_str(), b.id.as_str()), b.order.len())).collect();
    let mut by_resource: std::collections::HashMap<(&str, &str, &str), Vec<usize>> = std::collections::HashMap::new();
    for (n, f) in findings.iter().enumerate() {
        if LEFTOVER_KINDS.contains(&f.kind) {
            let key = (
                f.resource.account.as_deref().unwrap_or(""),
                f.resource.kind.as_str(),
                f.resource.arn.as_deref().unwrap_or(&f.resource.id),
            );
            by_resource.entry(key).or_default().push(n);
        }
    }
    let groups: Vec<Vec<usize>> = by_resource.into_values().filter(|g| g.len() > 1).collect();
    let mut dropped = vec![false; findings.len()];
    for group in groups {
        let of = |kind: FindingKind| group.iter().copied().find(|&n| findings[n].kind == kind);
        let (deleted, blocking, unmanaged) =
            (of(FindingKind::DeletedEnv), of(FindingKind::BlockingDependency), of(FindingKind::Unmanaged));
        let inferred = deleted.is_some_and(|n| {
            findings[n]
                .environment
                .as_deref()
                .and_then(|env| graph.envs().deletion(env))
                .is_some_and(crate::graph::environment::Deletion::inferred)
        });
        let keep = match (deleted, blocking, unmanaged) {
            (Some(d), _, _) if !inferred => d,
            (_, Some(b), _) => b,
            (_, _, Some(u)) => u,
            (Some(d), None, None) => d,
            (None, None, None) => continue,
        };
        for &n in &group {
            if n == keep {
                continue;
            }
            dropped[n] = true;
            let folded = Folded::of(&findings[n]);
            absorb(&mut findings[keep], folded, &in_the_way);
        }
    }
    let mut n = 0;
    findings.retain(|_| {
        n += 1;
        !dropped[n - 1]
    });
}

/// What a finding folded into another still says: its kind and severity, what it blocks,
/// its environment.
struct Folded {
    kind: FindingKind,
    severity: Severity,
    related: Vec<crate::model::Related>,
    environment: Option<String>,
}

impl Folded {
    fn of(f: &Finding) -> Self {
        Self {
            kind: f.kind,
            severity: f.severity,
            related: f.related.iter().filter(|r| r.relation == "blocks").cloned().collect(),
            environment: f.environment.clone(),
        }
    }
}

/// Lets `kept`, the one leftover finding of a resource, carry what `folded` said.
fn absorb(kept: &mut Finding, folded: Folded, in_the_way: &std::collections::HashMap<(&str, &str), usize>) {
    kept.severity = kept.severity.max(folded.severity);
    match folded.kind {
        FindingKind::BlockingDependency => {
            let blocks: Vec<crate::model::Related> =
                folded.related.into_iter().filter(|r| r.relation == "blocks").collect();
            let most = blocks
                .iter()
                .filter_map(|r| in_the_way.get(&(r.kind.as_deref().unwrap_or(""), r.id.as_str())))
                .max()
                .copied()
                .unwrap_or(0);
            kept.reason.push_str(&format!("; {}", blocking::blocks_clause(&blocks, None, most)));
            for r in blocks {
                if !kept.related.contains(&r) {
                    kept.related.push(r);
                }
            }
        }
        FindingKind::DeletedEnv => {
            // An inferred deletion, kept as a note on the stronger finding.
            if let Some(env) = folded.environment {
                kept.reason.push_str(&format!("; its environment {env} appears deleted (inferred: only tags name it)"));
                kept.environment.get_or_insert(env);
            }
        }
        _ => {}
    }
}
