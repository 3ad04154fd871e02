//! cleanup: the deletion script of `leftover plan cleanup`. From the scan's leftover
//! findings (unmanaged, deleted-env, blocking-dependency) and the joined graph, a POSIX
//! shell script of AWS CLI commands that deletes exactly those resources, dependents first,
//! across services. Pure: it writes text and never calls AWS; it never deletes anything
//! that a state declares, that AWS made by itself, or that another tool manages.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use crate::cost::Estimate;
use crate::graph::order::{blocks, deletion_order};
use crate::graph::{Class, Graph, Owner};
use crate::inventory::{LiveResource, RelationKind as R};
use crate::model::CoverageGap;
use crate::model::finding::{Finding, FindingKind};
use crate::model::kinds::{self, By, Cleanup, Command};

/// The finding kinds a cleanup plan deletes.
pub const PLANNED_KINDS: [FindingKind; 3] =
    [FindingKind::Unmanaged, FindingKind::DeletedEnv, FindingKind::BlockingDependency];

/// One leftover finding of the scan, with its estimated monthly cost.
#[derive(Clone, Copy, Debug)]
pub struct Leftover<'f> {
    pub finding: &'f Finding,
    pub cost: Option<&'f Estimate>,
}

/// What the script says about the scan it was planned from.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub generated_at: &'a str,
    /// The environment planned for (`--env`), if any.
    pub environment: Option<&'a str>,
    /// The price table's currency.
    pub currency: &'a str,
    /// The coverage gaps of an incomplete scan planned anyway (`--allow-incomplete`).
    pub gaps: &'a [CoverageGap],
    /// Whether databases and DB clusters keep a final snapshot (not `--no-final-snapshot`).
    pub final_snapshot: bool,
}

/// The script and what is in it.
#[derive(Clone, Debug, PartialEq)]
pub struct CleanupPlan {
    pub script: String,
    /// Resources the script deletes (with what goes with them).
    pub deleted: usize,
    /// Commands the script runs (deletions, detachments, waits; snapshots not counted).
    pub commands: usize,
    /// Leftovers listed but not deleted, with why.
    pub not_deleted: Vec<(String, String)>,
}

/// The order in which kinds go when no relation says otherwise (each kind's cleanup tier):
/// what runs on or in a network first, then interfaces, groups, subnets, route tables,
/// gateways, VPCs.
fn tier(kind: &str) -> u8 {
    match kinds::kind(kind).map(|k| &k.cleanup) {
        Some(Cleanup::Delete { tier, .. }) => *tier,
        _ => 0,
    }
}

/// Quotes one word for a POSIX shell: bare when it holds only characters no shell reads
/// specially, else in single quotes (a quote inside becomes `'\''`).
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && !word.starts_with('~')
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if plain { word.to_owned() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

/// Makes text safe inside a `#` comment: a line break would end the comment and start a
/// command, so control characters are written as escapes.
pub fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// One AWS CLI command, as words.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cmd(Vec<String>);

impl Cmd {
    fn aws(service: &str, operation: &str) -> Self {
        Self(vec!["aws".to_owned(), service.to_owned(), operation.to_owned()])
    }

    /// `--flag VALUE`; a value that starts with `-` is joined (`--flag=-x`) so the CLI
    /// cannot take it for an option.
    fn opt(mut self, flag: &str, value: &str) -> Self {
        if value.starts_with('-') {
            self.0.push(format!("{flag}={value}"));
        } else {
            self.0.push(flag.to_owned());
            self.0.push(value.to_owned());
        }
        self
    }

    fn opts(mut self, flag: &str, values: &[String]) -> Self {
        if values.len() == 1 {
            return self.opt(flag, &values[0]);
        }
        self.0.push(flag.to_owned());
        self.0.extend(values.iter().cloned());
        self
    }

    fn render(&self) -> String {
        self.0.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
    }
}

/// A waiter to run before anything that needs the deletion finished.
#[derive(Clone, Debug)]
struct Wait {
    /// `aws SERVICE wait WAITER` and any fixed options.
    cmd: Cmd,
    flag: &'static str,
    ids: Vec<String>,
    region: String,
    /// Whether one call can wait for several ids (EC2's waiters take lists).
    batch: bool,
}

impl Wait {
    fn render(&self) -> String {
        self.cmd.clone().opts(self.flag, &self.ids).opt("--region", &self.region).render()
    }
}

/// How one resource is deleted.
#[derive(Clone, Debug, Default)]
struct Action {
    /// Marks written above the commands (`# DATA LOSS: …`, notes).
    notes: Vec<String>,
    /// Optional snapshot commands, run only with `SNAPSHOT=1`.
    snapshot: Vec<Cmd>,
    /// Detachments and disassociations, then waits for them.
    before: Vec<Cmd>,
    /// The deletion itself; `None` when it goes with something deleted earlier.
    delete: Option<Cmd>,
    /// Run the deletion only when this describe command prints `available`: the resource
    /// may have gone (or be going) with the instance that held it.
    only_if_available: Option<Cmd>,
    wait: Option<Wait>,
}

/// What the plan does with a resource of a finding.
enum Disposition {
    Delete,
    /// Listed as a comment, with why.
    Keep(String),
    /// Never mentioned: AWS's own, or declared in a state.
    Silent,
}

/// Builds the cleanup script.
pub fn plan(graph: &Graph<'_>, leftovers: &[Leftover<'_>], ctx: &Context<'_>) -> CleanupPlan {
    Planner::new(graph, leftovers).script(ctx)
}

struct Planner<'g, 'a, 'f> {
    graph: &'g Graph<'a>,
    /// The finding behind each planned resource (for its comment).
    finding_of: HashMap<usize, Leftover<'f>>,
    /// Resources to delete, in finding order until ordered.
    set: BTreeSet<usize>,
    /// Resources that are not findings but must be deleted after their owner (a volume
    /// kept on its instance's termination, an image's snapshots): child → owner.
    follows: HashMap<usize, usize>,
    /// Leftovers listed but not deleted: index → reason (or by id, when not live).
    kept: BTreeMap<usize, String>,
    /// Findings about resources that are not live in the graph.
    unknown: Vec<(String, String)>,
    declared: usize,
}

impl<'g, 'a, 'f> Planner<'g, 'a, 'f> {
    fn new(graph: &'g Graph<'a>, leftovers: &[Leftover<'f>]) -> Self {
        let mut planner = Self {
            graph,
            finding_of: HashMap::new(),
            set: BTreeSet::new(),
            follows: HashMap::new(),
            kept: BTreeMap::new(),
            unknown: Vec::new(),
            declared: 0,
        };
        for leftover in leftovers.iter().filter(|l| PLANNED_KINDS.contains(&l.finding.kind)) {
            let r = &leftover.finding.resource;
            let found = r.arn.as_deref().and_then(|arn| graph.find_arn(arn)).or_else(|| {
                graph.find(
                    &r.kind,
                    &r.id,
                    r.account.as_deref().unwrap_or_default(),
                    r.region.as_deref().unwrap_or_default(),
                )
            });
            let Some(i) = found else {
                planner.unknown.push((format!("{} {}", r.kind, r.id), "not in the scanned inventory".to_owned()));
                continue;
            };
            if planner.finding_of.insert(i, *leftover).is_some() {
                continue;
            }
            match planner.disposition(i) {
                Disposition::Delete => {
                    planner.set.insert(i);
                }
                Disposition::Keep(why) => {
                    planner.kept.insert(i, why);
                }
                Disposition::Silent => {
                    planner.finding_of.remove(&i);
                    if graph.is_managed(i) {
                        planner.declared += 1;
                    }
                }
            }
        }
        planner.add_followers();
        planner.settle();
        planner
    }

    fn live(&self, i: usize) -> &'a LiveResource {
        &self.graph.live()[i]
    }

    /// Whether the plan may delete resource `i` at all, from its class and kind.
    fn disposition(&self, i: usize) -> Disposition {
        let r = self.live(i);
        if !r.exists() || is_aws_own(r) {
            return Disposition::Silent;
        }
        match &self.graph.classes()[i] {
            Class::Managed | Class::DeclaredInline { .. } | Class::Default { .. } | Class::Gone => {
                return Disposition::Silent;
            }
            Class::ManagedElsewhere { by, .. } => {
                return Disposition::Keep(format!("managed by {by}: delete it there"));
            }
            Class::Owned { owner: Owner::Live { index }, .. } => {
                let owner = self.live(*index);
                return Disposition::Keep(format!("goes with {} {}", kinds::label(&owner.kind), owner.id));
            }
            Class::Owned { .. } | Class::Unmanaged { .. } => {}
        }
        if self.graph.ignored()[i].is_some() {
            return Disposition::Silent;
        }
        match kind_refusal(r) {
            Some(why) => Disposition::Keep(why),
            None => Disposition::Delete,
        }
    }

    /// Adds what goes with a planned resource but may outlive its deletion: an instance's
    /// interfaces and volumes not set to be deleted on termination (deleted, when still
    /// there, after it), an image's snapshots.
    fn add_followers(&mut self) {
        let owners: Vec<usize> = self.set.iter().copied().collect();
        for owner in owners {
            for child in self.graph.owned_by(owner) {
                let c = self.live(child);
                let outlives = match (self.live(owner).kind.as_str(), c.kind.as_str()) {
                    ("ec2:instance", "ec2:volume") => {
                        c.attributes.get("delete_on_termination").and_then(serde_json::Value::as_bool) != Some(true)
                    }
                    ("ec2:instance", "ec2:network-interface") | ("ec2:image", "ec2:snapshot") => true,
                    _ => false,
                };
                if outlives && c.exists() && !self.set.contains(&child) {
                    self.set.insert(child);
                    self.follows.insert(child, owner);
                }
            }
        }
    }

    /// The planned resource whose deletion takes `j` with it (itself when planned).
    fn goes_with(&self, j: usize) -> Option<usize> {
        if self.set.contains(&j) {
            return Some(j);
        }
        let root = self.graph.root_owner(j);
        (root != j && self.set.contains(&root)).then_some(root)
    }

    /// Leaves out what cannot be deleted because something that stays holds it, until
    /// nothing changes: a resource that a kept one depends on is kept too.
    fn settle(&mut self) {
        loop {
            let mut newly = Vec::new();
            for &i in &self.set {
                if let Some(why) = self.held(i) {
                    newly.push((i, why));
                }
            }
            if newly.is_empty() {
                return;
            }
            for (i, why) in newly {
                self.set.remove(&i);
                self.follows.remove(&i);
                if self.finding_of.contains_key(&i) {
                    self.kept.insert(i, why);
                }
            }
            // A follower goes only with its owner.
            let orphans: Vec<usize> =
                self.follows.iter().filter(|(_, owner)| !self.set.contains(owner)).map(|(c, _)| *c).collect();
            for c in orphans {
                self.set.remove(&c);
                self.follows.remove(&c);
            }
        }
    }

    /// Why planned resource `i` cannot be deleted while the resources that stay are there.
    fn held(&self, i: usize) -> Option<String> {
        let graph = self.graph;
        let stays = |j: usize| self.live(j).exists() && self.goes_with(j).is_none();
        for edge in &graph.in_edges()[i] {
            if blocks(graph, edge) && stays(edge.from) {
                let from = self.live(edge.from);
                let what = if graph.is_managed(edge.from) {
                    "declared in a state"
                } else if self.kept.contains_key(&edge.from) {
                    "not deleted by this plan"
                } else {
                    "not a leftover"
                };
                return Some(format!(
                    "{} {} ({what}) depends on it ({}) and stays",
                    kinds::label(&from.kind),
                    from.id,
                    edge.relation
                ));
            }
        }
        let r = self.live(i);
        for edge in &graph.out_edges()[i] {
            let to = self.live(edge.to);
            match (r.kind.as_str(), edge.relation, to.kind.as_str()) {
                ("ec2:network-interface", R::AttachedTo, "ec2:instance") if stays(edge.to) => {
                    return Some(format!("attached to instance {}, which stays: detach it first", to.id));
                }
                ("ec2:network-acl", R::AssociatedWith, "ec2:subnet") if stays(edge.to) => {
                    return Some(format!(
                        "associated with subnet {}, which stays: replace the association with the VPC's default \
                         network ACL first",
                        to.id
                    ));
                }
                ("ec2:route-table", R::AssociatedWith, _) if r.relations[edge.index].detail.is_none() => {
                    return Some(format!(
                        "associated with {} {}, and the inventory does not record the association id (an \
                         inventory saved by an older leftover): scan again",
                        kinds::label(&to.kind),
                        to.id
                    ));
                }
                _ => {}
            }
        }
        None
    }

    /// Pairs (first, then) that deletion must respect within the plan: the graph's
    /// blocking relations (through what goes with each planned resource), what an instance
    /// held (deleted once it is terminated), and a route table before its subnets.
    fn constraints(&self) -> Vec<(usize, usize)> {
        let graph = self.graph;
        let mut out = Vec::new();
        for (from, edges) in graph.out_edges().iter().enumerate() {
            let Some(first) = self.goes_with(from) else { continue };
            for edge in edges {
                let Some(then) = self.set.contains(&edge.to).then_some(edge.to) else { continue };
                if first == then {
                    continue;
                }
                if blocks(graph, edge) {
                    out.push((first, then));
                }
                let kind = self.live(from).kind.as_str();
                let target = self.live(edge.to).kind.as_str();
                match (kind, edge.relation, target) {
                    // The instance goes first; what it held is deleted after the wait.
                    (_, R::AttachedTo, "ec2:instance") if from == first => out.push((then, first)),
                    // A route table is disassociated and deleted before its subnets go.
                    ("ec2:route-table", R::AssociatedWith, "ec2:subnet") if from == first => {
                        out.push((first, then));
                    }
                    _ => {}
                }
            }
        }
        for (&child, &owner) in &self.follows {
            out.push((owner, child));
        }
        out
    }

    /// The deletion order: every constraint kept, kinds in tier order where none applies,
    /// and `deletion_order`'s own order between equals (and to break cycles).
    fn order(&self, constraints: &[(usize, usize)]) -> Vec<usize> {
        let base = deletion_order(self.graph, &self.set);
        let rank: HashMap<usize, usize> = base.iter().enumerate().map(|(n, &i)| (i, n)).collect();
        let mut waiting_on: HashMap<usize, HashSet<usize>> = self.set.iter().map(|&i| (i, HashSet::new())).collect();
        let mut unlocks: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(first, then) in constraints {
            if waiting_on.get_mut(&then).is_some_and(|w| w.insert(first)) {
                unlocks.entry(first).or_default().push(then);
            }
        }
        let key = |i: usize| (tier(&self.live(i).kind), rank.get(&i).copied().unwrap_or(usize::MAX), i);
        // Ready ones by (tier, rank); every remaining one by rank, to break a cycle.
        let mut ready: BTreeSet<(u8, usize, usize)> =
            self.set.iter().filter(|i| waiting_on[*i].is_empty()).map(|&i| key(i)).collect();
        let mut remaining: BTreeSet<(usize, usize)> = self.set.iter().map(|&i| (key(i).1, i)).collect();
        let mut out = Vec::with_capacity(self.set.len());
        while let Some(&(_, fallback)) = remaining.first() {
            // A cycle: the one `deletion_order` puts first goes first.
            let i = ready.pop_first().map_or(fallback, |k| k.2);
            remaining.remove(&(key(i).1, i));
            ready.remove(&key(i));
            out.push(i);
            for &then in unlocks.get(&i).into_iter().flatten() {
                if let Some(w) = waiting_on.get_mut(&then)
                    && w.remove(&i)
                    && w.is_empty()
                    && remaining.contains(&(key(then).1, then))
                {
                    ready.insert(key(then));
                }
            }
        }
        out
    }

    fn script(&self, ctx: &Context<'_>) -> CleanupPlan {
        let constraints = self.constraints();
        let order = self.order(&constraints);
        // A deletion is waited for only when something later needs it gone.
        let needed_gone: HashSet<usize> = constraints.iter().map(|&(first, _)| first).collect();
        let mut before_it: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(first, then) in &constraints {
            before_it.entry(then).or_default().push(first);
        }
        let position: HashMap<usize, usize> = order.iter().enumerate().map(|(n, &i)| (i, n)).collect();
        let mut accounts: Vec<&str> = order.iter().map(|&i| self.live(i).account.as_str()).collect();
        accounts.sort_unstable();
        accounts.dedup();
        let mut regions: Vec<&str> = order.iter().map(|&i| self.live(i).region.as_str()).collect();
        regions.sort_unstable();
        regions.dedup();

        let mut body = String::new();
        let mut commands = 0;
        for account in &accounts {
            let multi = accounts.len() > 1;
            if multi {
                let _ =
                    writeln!(body, "\n# ==== account {account} ====\nif [ \"$account\" = {} ]; then", quote(account));
            }
            let mut pending: Vec<(usize, Wait)> = Vec::new();
            let mut pending_ids: HashSet<usize> = HashSet::new();
            for &i in order.iter().filter(|&&i| self.live(i).account == *account) {
                if before_it.get(&i).is_some_and(|firsts| firsts.iter().any(|f| pending_ids.contains(f))) {
                    commands += flush(&mut body, &mut pending);
                    pending_ids.clear();
                }
                let action = self.action(i, &position, ctx.final_snapshot);
                body.push('\n');
                body.push_str(&self.describe(i, ctx));
                for note in &action.notes {
                    let _ = writeln!(body, "# {}", comment_text(note));
                }
                // A guarded deletion snapshots only what is still there.
                let indent = if action.only_if_available.is_some() { "  " } else { "" };
                let mut snapshots = String::new();
                for cmd in &action.snapshot {
                    let _ = writeln!(snapshots, "{indent}snapshot {}", cmd.render());
                }
                if indent.is_empty() {
                    body.push_str(&snapshots);
                }
                for cmd in &action.before {
                    let _ = writeln!(body, "run {}", cmd.render());
                    commands += 1;
                }
                if let Some(delete) = &action.delete {
                    commands += 1;
                    match &action.only_if_available {
                        Some(check) => {
                            let _ = writeln!(
                                body,
                                "# only if it is still there, unattached, once the instance is gone\n\
                                 if [ \"$APPLY\" != 1 ] || [ \"$({} 2>/dev/null || true)\" = available ]; then\n\
                                 {snapshots}  run {}\nfi",
                                check.render(),
                                delete.render()
                            );
                        }
                        None => {
                            let _ = writeln!(body, "run {}", delete.render());
                        }
                    }
                }
                if let Some(wait) = action.wait
                    && needed_gone.contains(&i)
                {
                    pending.push((i, wait));
                    pending_ids.insert(i);
                }
            }
            commands += flush(&mut body, &mut pending);
            if multi {
                body.push_str("fi\n");
            }
        }

        let mut not_deleted: Vec<(String, String)> = self
            .kept
            .iter()
            .map(|(&i, why)| {
                let r = self.live(i);
                (format!("{} {}", r.kind, r.id), why.clone())
            })
            .collect();
        not_deleted.extend(self.unknown.iter().cloned());
        let mut kept_text = String::new();
        if !not_deleted.is_empty() {
            kept_text.push_str("\n# ==== NOT DELETED: leftovers this plan leaves alone ====\n");
            for (what, why) in &not_deleted {
                let _ = writeln!(kept_text, "# NOT DELETED: {}: {}", comment_text(what), comment_text(why));
            }
        }

        let script = format!(
            "{}{}{body}{kept_text}\necho 'leftover plan: done' >&2\n",
            self.header(ctx, &accounts, &regions, order.len(), commands, &not_deleted),
            identity_check(&accounts, regions.first().copied()),
        );
        CleanupPlan { script, deleted: order.len(), commands, not_deleted }
    }

    fn header(
        &self,
        ctx: &Context<'_>,
        accounts: &[&str],
        regions: &[&str],
        deleted: usize,
        commands: usize,
        kept: &[(String, String)],
    ) -> String {
        let mut h = String::from("#!/bin/sh\n");
        if !ctx.gaps.is_empty() {
            h.push_str("# WARNING: INCOMPLETE SCAN. This plan was written with --allow-incomplete from a scan\n");
            h.push_str("# that could not read everything: it may miss leftovers, and its order may be wrong.\n");
            for gap in ctx.gaps {
                let _ = writeln!(h, "#   gap: {}", comment_text(&gap.describe()));
            }
            h.push_str("#\n");
        }
        let _ = writeln!(h, "# leftover cleanup plan, from the scan of {}", comment_text(ctx.generated_at));
        match ctx.environment {
            Some(env) => {
                let _ = writeln!(h, "# Scope: the leftovers of environment {}", comment_text(env));
            }
            None => h.push_str("# Scope: every leftover (unmanaged, deleted-env, blocking-dependency)\n"),
        }
        let _ = writeln!(
            h,
            "# Account{}: {}; region{}: {}",
            if accounts.len() == 1 { "" } else { "s" },
            if accounts.is_empty() { "none".to_owned() } else { accounts.join(", ") },
            if regions.len() == 1 { "" } else { "s" },
            if regions.is_empty() { "none".to_owned() } else { regions.join(", ") }
        );
        let _ = writeln!(
            h,
            "# Deletes {deleted} resource{} with {commands} command{}; leaves {} alone (NOT DELETED, at the end).",
            plural(deleted),
            plural(commands),
            kept.len()
        );
        if self.declared > 0 {
            let _ = writeln!(
                h,
                "# {} resource{} of the scope {} still declared in a state: destroy {} with Terraform, not here.",
                self.declared,
                plural(self.declared),
                if self.declared == 1 { "is" } else { "are" },
                if self.declared == 1 { "it" } else { "them" }
            );
        }
        let total: f64 =
            self.set.iter().filter_map(|i| self.finding_of.get(i)).filter_map(|l| l.cost.and_then(|c| c.monthly)).sum();
        if total > 0.0 {
            let _ = writeln!(
                h,
                "# Estimated monthly cost of what it deletes: {}",
                crate::cost::money::amount(total, ctx.currency)
            );
        }
        let ask = who_to_ask(self.finding_of.values(), ctx.currency);
        if !ask.is_empty() {
            h.push_str("# Who to ask first (who made them, from CloudTrail; --who):\n");
            for line in ask {
                let _ = writeln!(h, "#   {}", comment_text(&line));
            }
        }
        h.push_str(
            "#\n\
             # Review every command. As it is, the script only prints them:\n\
             #   APPLY=1 sh THIS-FILE       runs them (it stops at the first that fails)\n\
             #   SNAPSHOT=1                 also snapshots each volume before deleting it\n\
             # Marks: `# DATA LOSS` before a deletion that destroys data; `# NOT DELETED` for a\n\
             # leftover it leaves alone, with why. leftover itself never runs this script.\n\
             set -eu\n\
             \n\
             APPLY=\"${APPLY:-0}\"\n\
             SNAPSHOT=\"${SNAPSHOT:-0}\"\n\
             \n\
             # run COMMAND...: runs it with APPLY=1, else prints it.\n\
             run() {\n\
             \x20 if [ \"$APPLY\" = 1 ]; then\n\
             \x20   printf '+ %s\\n' \"$*\" >&2\n\
             \x20   \"$@\"\n\
             \x20 else\n\
             \x20   printf '%s\\n' \"$*\"\n\
             \x20 fi\n\
             }\n\
             \n\
             # snapshot COMMAND...: an optional snapshot, run (or printed) only with SNAPSHOT=1.\n\
             snapshot() {\n\
             \x20 if [ \"$SNAPSHOT\" = 1 ]; then\n\
             \x20   run \"$@\"\n\
             \x20 else\n\
             \x20   printf '# skipped, SNAPSHOT=1 runs it: %s\\n' \"$*\"\n\
             \x20 fi\n\
             }\n",
        );
        h
    }

    /// The comment above a resource's commands: finding, reason, cost.
    fn describe(&self, i: usize, ctx: &Context<'_>) -> String {
        let r = self.live(i);
        let name = r.name().map(|n| format!(" ({})", comment_text(n))).unwrap_or_default();
        let mut text = String::new();
        if let Some(owner) = self.follows.get(&i) {
            let o = self.live(*owner);
            let _ = writeln!(
                text,
                "# {} {}{name} in {}: goes with {} {}, unless it outlives it",
                r.kind,
                comment_text(&r.id),
                r.region,
                kinds::label(&o.kind),
                comment_text(&o.id)
            );
            return text;
        }
        let Some(leftover) = self.finding_of.get(&i) else { return text };
        let f = leftover.finding;
        let _ = writeln!(text, "# {}: {} {}{name} in {}", f.kind, r.kind, comment_text(&r.id), r.region);
        let _ = writeln!(text, "# reason: {}", comment_text(&f.reason));
        let cost = match leftover.cost {
            Some(Estimate { monthly: Some(amount), basis }) => {
                format!("{} ({})", crate::cost::money::amount(*amount, ctx.currency), comment_text(basis))
            }
            Some(Estimate { monthly: None, basis }) => format!("unknown ({})", comment_text(basis)),
            None => "unknown".to_owned(),
        };
        let _ = writeln!(text, "# estimated monthly cost: {cost}");
        text
    }

    /// How resource `i` is deleted, knowing where everything else is in the order.
    #[allow(clippy::too_many_lines)]
    fn action(&self, i: usize, position: &HashMap<usize, usize>, final_snapshot: bool) -> Action {
        let r = self.live(i);
        let id = r.id.as_str();
        let region = r.region.as_str();
        // A global kind's commands go to its partition's one endpoint: no region.
        let at = |cmd: Cmd| if region == kinds::GLOBAL { cmd } else { cmd.opt("--region", region) };
        let mut a = Action::default();
        let before = |j: usize| position.get(&j).is_some_and(|&p| p < position[&i]);
        let planned = |j: usize| self.goes_with(j).is_some();
        let wait = |service: &str, waiter: &str, flag: &'static str, batch: bool| Wait {
            cmd: Cmd::words(&["aws", service, "wait", waiter]),
            flag,
            ids: vec![id.to_owned()],
            region: region.to_owned(),
            batch,
        };
        let Some(Cleanup::Delete { data_loss, command, .. }) = kinds::kind(&r.kind).map(|k| &k.cleanup) else {
            return a;
        };
        if let Some(what) = data_loss {
            a.notes.push(format!("DATA LOSS: {what}"));
        }
        if let Command::Aws { service, operation, flag, by, args, wait: waits } = command {
            let value = match by {
                By::Id => id.to_owned(),
                By::Arn => r.arn.clone(),
                By::QueueUrl => crate::model::arn::queue_url(region, &r.account, id),
            };
            let mut delete = Cmd::aws(service, operation).opt(flag, &value);
            delete.0.extend(args.iter().map(|w| (*w).to_owned()));
            a.delete = Some(at(delete));
            a.wait = waits.as_ref().map(|w| Wait {
                cmd: Cmd::words(&["aws", service, "wait", w.waiter]),
                flag: w.flag,
                ids: vec![value],
                region: region.to_owned(),
                batch: w.batch,
            });
            return a;
        }
        match r.kind.as_str() {
            "ec2:volume" => {
                a.snapshot.push(at(Cmd::aws("ec2", "create-snapshot")
                    .opt("--volume-id", id)
                    .opt("--description", &format!("before deleting {id} (leftover cleanup plan)"))));
                a.snapshot.push(at(Cmd::words(&["aws", "ec2", "wait", "snapshot-completed"])
                    .opt("--filters", &format!("Name=volume-id,Values={id}"))));
                let delete = at(Cmd::aws("ec2", "delete-volume").opt("--volume-id", id));
                let dot = r.attributes.get("delete_on_termination").and_then(serde_json::Value::as_bool);
                let mut delete = Some(delete);
                for rel in r.related(R::AttachedTo) {
                    let Some(j) = self.graph.find(&rel.target_kind, &rel.target, &r.account, region) else { continue };
                    if planned(j) {
                        match dot {
                            Some(true) => {
                                a.notes.push(format!(
                                    "deleted with instance {} (attached with delete-on-termination)",
                                    rel.target
                                ));
                                a.snapshot.clear();
                                delete = None;
                            }
                            Some(false) => {}
                            None => {
                                a.only_if_available = Some(at(Cmd::aws("ec2", "describe-volumes")
                                    .opt("--volume-ids", id)
                                    .opt("--query", "Volumes[0].State")
                                    .opt("--output", "text")));
                            }
                        }
                    } else {
                        a.before.push(at(Cmd::aws("ec2", "detach-volume").opt("--volume-id", id)));
                        a.before
                            .push(at(Cmd::words(&["aws", "ec2", "wait", "volume-available"]).opt("--volume-ids", id)));
                    }
                }
                a.delete = delete;
                if a.delete.is_none() {
                    a.notes.retain(|n| !n.starts_with("DATA LOSS"));
                }
            }
            "ec2:network-interface" => {
                let held = r
                    .related(R::AttachedTo)
                    .any(|rel| self.graph.find(&rel.target_kind, &rel.target, &r.account, region).is_some_and(planned));
                if held {
                    a.only_if_available = Some(at(Cmd::aws("ec2", "describe-network-interfaces")
                        .opt("--network-interface-ids", id)
                        .opt("--query", "NetworkInterfaces[0].Status")
                        .opt("--output", "text")));
                }
                a.delete = Some(at(Cmd::aws("ec2", "delete-network-interface").opt("--network-interface-id", id)));
            }
            "ec2:elastic-ip" => {
                let goes = r
                    .related(R::AttachedTo)
                    .any(|rel| self.graph.find(&rel.target_kind, &rel.target, &r.account, region).is_some_and(planned));
                if !goes && let Some(assoc) = r.attr_str("association_id") {
                    a.before.push(at(Cmd::aws("ec2", "disassociate-address").opt("--association-id", assoc)));
                }
                a.delete = Some(at(Cmd::aws("ec2", "release-address").opt("--allocation-id", id)));
            }
            "ec2:security-group" => {
                // Rules of groups deleted later that name this one go first (groups that
                // name each other).
                for edge in &self.graph.in_edges()[i] {
                    let q = self.live(edge.from);
                    if edge.relation != R::References
                        || q.kind != "ec2:security-group"
                        || !self.set.contains(&edge.from)
                    {
                        continue;
                    }
                    if before(edge.from) {
                        continue;
                    }
                    for egress in [false, true] {
                        let rules: Vec<_> = q
                            .parts
                            .rules
                            .iter()
                            .filter(|rule| rule.egress == egress && rule.group.as_deref() == Some(id))
                            .collect();
                        if rules.is_empty() {
                            continue;
                        }
                        let op = if egress { "revoke-security-group-egress" } else { "revoke-security-group-ingress" };
                        let ids: Vec<String> = rules.iter().filter_map(|rule| rule.id.clone()).collect();
                        let cmd = Cmd::aws("ec2", op).opt("--group-id", &q.id);
                        let cmd = if ids.len() == rules.len() {
                            cmd.opts("--security-group-rule-ids", &ids)
                        } else {
                            let permissions: Vec<serde_json::Value> = rules
                                .iter()
                                .map(|rule| {
                                    serde_json::json!({
                                        "IpProtocol": rule.protocol, "FromPort": rule.from_port, "ToPort": rule.to_port,
                                        "UserIdGroupPairs": [{"GroupId": id}]
                                    })
                                })
                                .collect();
                            cmd.opt("--ip-permissions", &serde_json::Value::Array(permissions).to_string())
                        };
                        a.before.push(at(cmd));
                    }
                }
                a.delete = Some(at(Cmd::aws("ec2", "delete-security-group").opt("--group-id", id)));
            }
            "ec2:route-table" => {
                for rel in r.related(R::AssociatedWith) {
                    let target = self.graph.find(&rel.target_kind, &rel.target, &r.account, region);
                    if target.is_some_and(|j| self.set.contains(&j) && before(j)) {
                        continue;
                    }
                    if let Some(assoc) = rel.detail.as_deref() {
                        a.before.push(at(Cmd::aws("ec2", "disassociate-route-table").opt("--association-id", assoc)));
                    }
                }
                a.delete = Some(at(Cmd::aws("ec2", "delete-route-table").opt("--route-table-id", id)));
            }
            "ec2:internet-gateway" => {
                for vpc in r.related(R::AttachedTo) {
                    a.before.push(at(Cmd::aws("ec2", "detach-internet-gateway")
                        .opt("--internet-gateway-id", id)
                        .opt("--vpc-id", &vpc.target)));
                }
                a.delete = Some(at(Cmd::aws("ec2", "delete-internet-gateway").opt("--internet-gateway-id", id)));
            }
            "eks:nodegroup" | "eks:addon" | "eks:fargate-profile" => {
                let (cluster, name) = id.split_once(':').unwrap_or((id, id));
                let (op, flag, waiter) = match r.kind.as_str() {
                    "eks:nodegroup" => ("delete-nodegroup", "--nodegroup-name", Some("nodegroup-deleted")),
                    "eks:fargate-profile" => {
                        ("delete-fargate-profile", "--fargate-profile-name", Some("fargate-profile-deleted"))
                    }
                    _ => ("delete-addon", "--addon-name", None),
                };
                a.delete = Some(at(Cmd::aws("eks", op).opt("--cluster-name", cluster).opt(flag, name)));
                a.wait = waiter.map(|waiter| Wait {
                    cmd: Cmd::words(&["aws", "eks", "wait", waiter]).opt("--cluster-name", cluster),
                    flag: if r.kind == "eks:nodegroup" { "--nodegroup-name" } else { "--fargate-profile-name" },
                    ids: vec![name.to_owned()],
                    region: region.to_owned(),
                    batch: false,
                });
            }
            "elasticloadbalancing:loadbalancer" => {
                if id.contains('/') {
                    a.delete = Some(at(Cmd::aws("elbv2", "delete-load-balancer").opt("--load-balancer-arn", &r.arn)));
                    a.wait = Some(Wait {
                        cmd: Cmd::words(&["aws", "elbv2", "wait", "load-balancers-deleted"]),
                        flag: "--load-balancer-arns",
                        ids: vec![r.arn.clone()],
                        region: region.to_owned(),
                        batch: true,
                    });
                } else {
                    a.delete = Some(at(Cmd::aws("elb", "delete-load-balancer").opt("--load-balancer-name", id)));
                }
            }
            "rds:db" | "rds:cluster" => {
                let (operation, flag, waiter) = if r.kind == "rds:db" {
                    ("delete-db-instance", "--db-instance-identifier", "db-instance-deleted")
                } else {
                    ("delete-db-cluster", "--db-cluster-identifier", "db-cluster-deleted")
                };
                let delete = Cmd::aws("rds", operation).opt(flag, id);
                // A cluster's member keeps its data in the cluster, whose deletion takes the
                // final snapshot; a standalone instance takes its own.
                let member = r.kind == "rds:db" && r.first_related(R::MemberOf).is_some();
                a.delete = Some(at(if member {
                    delete
                } else if final_snapshot {
                    a.notes.push(format!("a final snapshot {id}-final is kept (delete it when it is not needed)"));
                    delete.opt("--final-db-snapshot-identifier", &format!("{id}-final"))
                } else {
                    a.notes.push("no final snapshot (--no-final-snapshot): the data is gone for good".to_owned());
                    delete.flag("--skip-final-snapshot")
                }));
                a.wait = Some(wait("rds", waiter, flag, false));
            }
            "elasticfilesystem:file-system" => {
                // Mount targets first (AWS refuses to delete a file system that has any).
                let targets = r.attributes.get("mount_target_ids").and_then(serde_json::Value::as_array);
                for target in targets.into_iter().flatten().filter_map(serde_json::Value::as_str) {
                    a.before.push(at(Cmd::aws("efs", "delete-mount-target").opt("--mount-target-id", target)));
                }
                if !a.before.is_empty() {
                    a.notes.push(
                        "mount targets take a minute or two to go, and EFS has no waiter: if the deletion says the \
                         file system is in use, run it again"
                            .to_owned(),
                    );
                }
                a.delete = Some(at(Cmd::aws("efs", "delete-file-system").opt("--file-system-id", id)));
            }
            _ => {}
        }
        a
    }
}

impl Cmd {
    /// A flag without a value.
    fn flag(mut self, flag: &str) -> Self {
        self.0.push(flag.to_owned());
        self
    }

    fn words(words: &[&str]) -> Self {
        Self(words.iter().map(|w| (*w).to_owned()).collect())
    }
}

/// Who made the leftovers, per principal, most leftovers first: `someone@example.com: 4
/// leftovers, $120.50/month`; Terraform's own are marked as lost from state.
fn who_to_ask<'a>(leftovers: impl Iterator<Item = &'a Leftover<'a>>, currency: &str) -> Vec<String> {
    use crate::model::who::Via;
    let mut per: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut seen = HashSet::new();
    for l in leftovers {
        let r = &l.finding.resource;
        let Some(who) = r.who.as_ref().filter(|w| w.found()) else { continue };
        if !seen.insert((r.kind.as_str(), r.id.as_str())) {
            continue;
        }
        let Some(actor) = who.actor() else { continue };
        let name =
            if who.via == Some(Via::Terraform) { format!("{actor} (Terraform: lost from state?)") } else { actor };
        let entry = per.entry(name).or_default();
        entry.0 += 1;
        entry.1 += l.cost.and_then(|c| c.monthly).unwrap_or(0.0);
    }
    let mut rows: Vec<(String, (usize, f64))> = per.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    rows.into_iter()
        .map(|(who, (n, cost))| {
            format!(
                "{who}: {n} leftover{}, {}/month",
                if n == 1 { "" } else { "s" },
                crate::cost::money::amount(cost, currency)
            )
        })
        .collect()
}

/// How many ids one EC2 waiter call is given (the describe calls behind it take lists, up
/// to a limit).
const WAIT_BATCH: usize = 100;

/// Writes the pending waits, EC2's batched per waiter and region; returns how many.
fn flush(body: &mut String, pending: &mut Vec<(usize, Wait)>) -> usize {
    let mut merged: Vec<Wait> = Vec::new();
    for (_, wait) in pending.drain(..) {
        if wait.batch
            && let Some(same) = merged.iter_mut().find(|m| {
                m.batch
                    && m.cmd == wait.cmd
                    && m.flag == wait.flag
                    && m.region == wait.region
                    && m.ids.len() < WAIT_BATCH
            })
        {
            same.ids.extend(wait.ids);
            continue;
        }
        merged.push(wait);
    }
    if merged.is_empty() {
        return 0;
    }
    body.push_str("\n# wait until AWS has finished deleting them\n");
    for wait in &merged {
        let _ = writeln!(body, "run {}", wait.render());
    }
    merged.len()
}

/// The identity check the script starts with.
fn identity_check(accounts: &[&str], region: Option<&str>) -> String {
    if accounts.is_empty() {
        return "\n# Nothing to delete.\n".to_owned();
    }
    let region = region.map(|r| format!(" --region {}", quote(r))).unwrap_or_default();
    let mut text = format!(
        "\n# The plan is for the account{} above: stop unless the credentials are for {}.\n\
         account=$(aws sts get-caller-identity --query Account --output text{region})\n",
        if accounts.len() == 1 { "" } else { "s" },
        if accounts.len() == 1 { "it" } else { "one of them" }
    );
    let planned = accounts.join(" ");
    let patterns = accounts.iter().map(|a| quote(a)).collect::<Vec<_>>().join("|");
    let _ = write!(
        text,
        "case \"$account\" in\n  {patterns}) ;;\n  *)\n    echo \"leftover plan: this plan is for account {planned}, \
         but the credentials are for account $account: stopping\" >&2\n    exit 1\n    ;;\nesac\n"
    );
    if accounts.len() > 1 {
        text.push_str(
            "# Each account's section runs only with that account's credentials: run the script once per account.\n",
        );
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Things AWS made by itself, or the parts of a default VPC, which no plan ever deletes
/// (their classes say so too; this holds even when a policy rule misses one).
fn is_aws_own(r: &LiveResource) -> bool {
    match r.kind.as_str() {
        "ec2:vpc" | "ec2:network-acl" => r.attr_bool("is_default"),
        "ec2:subnet" => r.attr_bool("default_for_az"),
        "ec2:security-group" => r.attr_str("group_name") == Some("default"),
        "ec2:route-table" => r.attr_bool("main"),
        _ => false,
    }
}

/// Why a resource of this kind (in this shape) is not deleted by a plan, if it is not.
fn kind_refusal(r: &LiveResource) -> Option<String> {
    if r.kind == "ec2:network-interface" && r.attr_bool("requester_managed") {
        return Some(
            "AWS manages this interface for a service (requester-managed): delete what it serves instead".to_owned(),
        );
    }
    if r.attr_bool("deletion_protection") {
        return Some(format!(
            "deletion protection is on: turning it off is a deliberate step left to you ({} {})",
            r.kind.split(':').next().unwrap_or(""),
            kinds::label(&r.kind)
        ));
    }
    match kinds::kind(&r.kind).map(|k| &k.cleanup) {
        Some(Cleanup::Delete { .. }) => None,
        Some(Cleanup::Refused(why)) => Some((*why).to_owned()),
        None => Some(format!("leftover does not know how to delete a {} ({})", kinds::label(&r.kind), r.kind)),
    }
}
