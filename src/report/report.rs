//! report: the one `Report` every format renders, and the JSON contract
//! (`leftover.report/v2`, documented in docs/reports.md and pinned by a test).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::min_age::MinAge;
use crate::checks::{Finding, FindingKind, Outcome};
use crate::cost::{CostSummary, Estimate, PriceSource};
use crate::inventory::{CoverageGap, Listed};

/// The schema name of the JSON report.
pub const REPORT_SCHEMA: &str = "leftover.report/v2";

/// The schemas `merge` and `--baseline` read: this one, and v1, whose blocking findings
/// carried their deletion order themselves (v2 states it once, in `blocked`).
pub const READABLE_SCHEMAS: [&str; 2] = ["leftover.report/v1", REPORT_SCHEMA];

/// Summary entries that count something other than findings: resources a policy ignored,
/// conclusions withheld for coverage gaps, and plain links between states.
pub const COUNTS: [&str; 3] = ["ignored", "withheld", "cross-state-links"];

/// One state the scan read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateScope {
    pub source: String,
    /// Managed resource instances it declares.
    pub resources: usize,
    pub environment: Option<String>,
}

/// What was scanned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// The regions listed in each account (not every region of every account). An addition
    /// to v1; a report without it listed every region of every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<Listed>,
    pub states: Vec<StateScope>,
    /// The shard of the accounts this report covers (`scan --shard`), for `leftover merge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::shard::Shard>,
}

impl Scope {
    /// The regions listed in each account.
    pub fn listed(&self) -> Listed {
        self.listed.clone().unwrap_or_else(|| Listed::product(&self.accounts, &self.regions))
    }

    /// Whether the scan listed `region` of `account`.
    pub fn was_listed(&self, account: &str, region: &str) -> bool {
        match &self.listed {
            Some(listed) => listed.contains(account, region),
            None => self.accounts.iter().any(|a| a == account) && self.regions.iter().any(|r| r == region),
        }
    }
}

/// Whether everything could be read, and what could not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub complete: bool,
    pub gaps: Vec<CoverageGap>,
    /// How many kinds leftover listed natively. An addition to v2; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds_listed: Option<usize>,
    /// Declared AWS types whose kind leftover does not list itself, with how many resources
    /// the states declare of each: neither missing nor unmanaged is judged of them (a
    /// complete scan read everything it lists; these it does not list). An addition to v2.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_listed: BTreeMap<String, usize>,
    /// What `--who` looked up in `CloudTrail`, and what it could not: its notes never make the
    /// scan incomplete (the findings stand without their creators). Only with `--who`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<WhoSummary>,
}

/// The cost and the gaps of `--who`'s lookups.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoSummary {
    /// Findings looked up in this run.
    pub looked_up: usize,
    /// Findings whose creator came from `--baseline`, with no lookup.
    pub carried: usize,
    /// `LookupEvents` calls made.
    pub calls: u64,
    /// Where `CloudTrail` could not be read (denied, throttled past retries, failed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<CoverageGap>,
}

impl Coverage {
    /// Complete when there are no gaps.
    pub fn of(gaps: Vec<CoverageGap>) -> Self {
        Self { complete: gaps.is_empty(), gaps, kinds_listed: None, not_listed: BTreeMap::new(), who: None }
    }

    /// `who: 12 looked up (14 calls), 40 carried from the baseline`, and what
    /// could not be read.
    pub fn who_line(&self) -> Option<String> {
        let who = self.who.as_ref()?;
        let mut line = format!("who: {} looked up in CloudTrail ({} calls)", who.looked_up, who.calls);
        if who.carried > 0 {
            line.push_str(&format!(", {} carried from the baseline", who.carried));
        }
        for note in &who.notes {
            line.push_str(&format!(
                "; {} {} in {}: creators unknown there",
                note.operation,
                format!("{:?}", note.cause).to_lowercase(),
                note.region.as_deref().unwrap_or("?")
            ));
        }
        Some(line)
    }

    /// What was not looked at, in words: `aws_iam_role ×5, aws_sqs_queue ×2 declared, not
    /// listed (neither missing nor unmanaged judged)`, the first few types by count.
    pub fn not_listed_line(&self) -> Option<String> {
        const SHOWN: usize = 4;
        if self.not_listed.is_empty() {
            return None;
        }
        let mut types: Vec<(&String, &usize)> = self.not_listed.iter().collect();
        types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut named: Vec<String> = types.iter().take(SHOWN).map(|(t, n)| format!("{t} ×{n}")).collect();
        if types.len() > SHOWN {
            named.push(format!("{} more types", types.len() - SHOWN));
        }
        Some(format!("declared, not listed: {} (neither missing nor unmanaged judged)", named.join(", ")))
    }

    /// `coverage complete (37 kinds listed)` or `coverage INCOMPLETE (2 gaps)`.
    pub fn line(&self) -> String {
        match (self.complete, self.kinds_listed) {
            (true, Some(kinds)) => format!("coverage complete ({kinds} kinds listed)"),
            (true, None) => "coverage complete".to_owned(),
            (false, _) => format!("coverage INCOMPLETE ({} gaps)", self.gaps.len()),
        }
    }
}

/// A finding as the report carries it: with its fingerprint and, against a baseline,
/// whether it is new.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub fingerprint: String,
    /// `new` or `unchanged` when compared with a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The estimated monthly cost of the resource and what goes with it (for live
    /// leftovers: `unmanaged` and `deleted-env`). An addition to v1; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Estimate>,
    /// When a scan first reported this finding (RFC 3339): carried forward from
    /// `--baseline` by fingerprint, else this report's `generated_at`. An addition to v1;
    /// reports made before it lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
}

/// The whole result of a scan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub generated_at: String,
    pub scope: Scope,
    pub coverage: Coverage,
    /// Findings per kind (kinds with none are left out), plus `ignored` when a policy
    /// ignored resources, `withheld` when a coverage gap kept conclusions from being drawn,
    /// and `cross-state-links` when states are tied by plain links (normal layering, not
    /// findings: `check-destroy` reports them).
    pub summary: BTreeMap<String, usize>,
    pub findings: Vec<ReportFinding>,
    /// Each managed resource that resources outside Terraform block, with what is in its
    /// way in the order to delete it, once; findings name an entry by a `related` item of
    /// relation `blocks` (kind and id). New in v2: a v1 finding carried the whole order in
    /// its `order` and `reason`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<crate::model::Blocked>,
    /// Findings of the baseline that no longer occur (only with `--baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Vec<ReportFinding>>,
    /// What remains of an environment (only with `scan --env`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<crate::checks::env_check::EnvCheck>,
    /// What a destroy would take (only from `check-destroy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destroy: Option<crate::checks::destroy_check::DestroyCheck>,
    /// The baseline compared with (only with `--baseline`). An addition to v1; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    /// The estimated monthly cost of the live leftovers. An addition to v1; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostSummary>,
    /// The findings `--min-age` left out for being younger (only with `--min-age`). An
    /// addition to v1; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub younger: Option<Younger>,
}

impl Report {
    /// Gives each finding its estimate (`estimates` in the findings' order, from
    /// `cost::estimates`) and sums them, each resource once, in `currency`.
    pub fn price(&mut self, costs: Vec<Option<Estimate>>, currency: &str, source: PriceSource) {
        for (finding, cost) in self.findings.iter_mut().zip(costs) {
            finding.cost = cost;
        }
        let priced = self.findings.iter().filter_map(|f| Some((&f.finding, f.cost.as_ref()?)));
        self.cost = Some(CostSummary::of(priced, currency, source));
    }

    /// Builds the report of a scan.
    pub fn new(generated_at: String, scope: Scope, gaps: Vec<CoverageGap>, outcome: Outcome) -> Self {
        let mut summary: BTreeMap<String, usize> = BTreeMap::new();
        for f in &outcome.findings {
            *summary.entry(f.kind.as_str().to_owned()).or_default() += 1;
        }
        if outcome.ignored > 0 {
            summary.insert("ignored".to_owned(), outcome.ignored);
        }
        if outcome.withheld > 0 {
            summary.insert("withheld".to_owned(), outcome.withheld);
        }
        if !outcome.links.is_empty() {
            summary.insert("cross-state-links".to_owned(), outcome.links.len());
        }
        let findings = outcome
            .findings
            .into_iter()
            .map(|finding| ReportFinding {
                fingerprint: finding.fingerprint(),
                finding,
                status: None,
                cost: None,
                first_seen: Some(generated_at.clone()),
            })
            .collect();
        let mut report = Self {
            schema: REPORT_SCHEMA.to_owned(),
            generated_at,
            scope,
            coverage: Coverage::of(gaps),
            summary,
            findings,
            blocked: outcome.blocked,
            resolved: None,
            environment: None,
            destroy: None,
            baseline: None,
            cost: None,
            younger: None,
        };
        report.retain_referenced_blocked();
        report
    }

    /// Keeps the `blocked` entries some finding still names (after findings were left out).
    pub fn retain_referenced_blocked(&mut self) {
        if self.blocked.is_empty() {
            return;
        }
        let named: std::collections::HashSet<(Option<&str>, &str)> = self
            .findings
            .iter()
            .flat_map(|f| f.finding.related.iter())
            .filter(|r| r.relation == "blocks")
            .map(|r| (r.kind.as_deref(), r.id.as_str()))
            .collect();
        let keep: Vec<bool> = self
            .blocked
            .iter()
            .map(|b| named.contains(&(Some(b.kind.as_str()), b.id.as_str())) || named.contains(&(None, b.id.as_str())))
            .collect();
        let mut n = 0;
        self.blocked.retain(|_| {
            n += 1;
            keep[n - 1]
        });
    }

    /// The entry of `blocked` a finding's `blocks` relation names.
    pub fn blocked_entry(&self, kind: Option<&str>, id: &str) -> Option<&crate::model::Blocked> {
        self.blocked.iter().find(|b| b.is(kind, id))
    }

    /// Counts the findings per kind again, after some were left out; the other counts
    /// (`ignored`, `withheld`, `cross-state-links`) stay.
    pub fn recount(&mut self) {
        self.summary.retain(|key, _| COUNTS.contains(&key.as_str()));
        for f in &self.findings {
            *self.summary.entry(f.finding.kind.as_str().to_owned()).or_default() += 1;
        }
        self.retain_referenced_blocked();
    }

    /// Findings of one kind.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &ReportFinding> {
        self.findings.iter().filter(move |f| f.finding.kind == kind)
    }

    /// Kinds present, in report order.
    pub fn kinds_present(&self) -> Vec<FindingKind> {
        FindingKind::ALL.into_iter().filter(|k| self.findings.iter().any(|f| f.finding.kind == *k)).collect()
    }

    /// `4 unmanaged, 1 missing`, or `no findings`.
    pub fn counts_line(&self) -> String {
        let parts: Vec<String> =
            self.kinds_present().into_iter().map(|k| format!("{} {}", self.of_kind(k).count(), k.as_str())).collect();
        if parts.is_empty() { "no findings".to_owned() } else { parts.join(", ") }
    }

    /// Findings per environment, most first (`None`: findings of no environment last).
    pub fn environment_counts(&self) -> Vec<(Option<&str>, usize)> {
        let mut counts: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        for f in &self.findings {
            *counts.entry(f.finding.environment.as_deref()).or_default() += 1;
        }
        let mut out: Vec<(Option<&str>, usize)> = counts.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.is_none().cmp(&b.0.is_none())).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Against a baseline: findings new, findings unchanged, and baseline findings resolved.
    pub fn baseline_counts(&self) -> Option<(usize, usize, usize)> {
        let resolved = self.resolved.as_ref()?;
        let new = self.findings.iter().filter(|f| f.status.as_deref() == Some("new")).count();
        Some((new, self.findings.len() - new, resolved.len()))
    }

    /// `3 new, 5 unchanged, 2 resolved since the baseline of 2026-11-25T02:00:00Z`.
    pub fn baseline_line(&self) -> Option<String> {
        let (new, unchanged, resolved) = self.baseline_counts()?;
        let mut line = format!("{new} new, {unchanged} unchanged, {resolved} resolved since the baseline");
        if let Some(info) = &self.baseline {
            line.push_str(&format!(" of {}", info.generated_at));
            if info.unknown > 0 {
                line.push_str(&format!(" ({} of its findings could not be rechecked: coverage gaps)", info.unknown));
            }
            if info.out_of_scope > 0 {
                line.push_str(&format!(
                    " ({} of its findings lie outside this run's scope: not rechecked)",
                    info.out_of_scope
                ));
            }
        }
        Some(line)
    }

    /// `· 12 plain links between states (check-destroy lists them)`, when there are any.
    pub fn links_note(&self) -> Option<String> {
        let n = *self.summary.get("cross-state-links")?;
        Some(format!(
            "{} between states (check-destroy lists {})",
            if n == 1 { "1 plain link".to_owned() } else { format!("{n} plain links") },
            if n == 1 { "it" } else { "them" }
        ))
    }

    /// `2 regions, 1 account, 3 states`.
    pub fn scope_line(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}, {}, {}",
            plural(self.scope.accounts.len(), "account", "accounts"),
            plural(self.scope.regions.len(), "region", "regions"),
            plural(self.scope.states.len(), "state", "states")
        )
    }
}

/// What a report was compared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineInfo {
    /// When the baseline report was made.
    pub generated_at: String,
    /// Findings it had.
    pub findings: usize,
    /// Its findings this scan could not recheck (coverage gaps): neither resolved nor current.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unknown: usize,
    /// Its findings outside this scan's scope (a region, account, state or environment this
    /// scan did not look at): neither resolved nor current.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub out_of_scope: usize,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The findings `--min-age` left out for being younger. A nightly job that feeds each
/// JSON report to the next run as its baseline keeps them here, so that their `first_seen`
/// is carried forward and they come out once they have stayed long enough.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Younger {
    pub min_age: MinAge,
    pub findings: Vec<ReportFinding>,
}
