//! graph: joins the live inventory with every declared state resource. Hash-based and
//! linear in resources. Built once per scan; checks only read it. Pure.

use std::collections::{HashMap, HashSet};

use super::lists::{Few, Lists};
use super::ownership::{self, Class, Owner};
use crate::graph::environment::Environments;
use crate::inventory::{Inventory, LiveResource, RelationKind};
use crate::model::kinds;
use crate::policy::{OwnershipClass, Policy};
use crate::state::{Identity, StateResource, StateSet};

/// The join's indexes: keyed by ids from AWS and from states, and asked once or more for
/// every live and declared resource. A fast hash, seeded per process, rather than the
/// standard library's default.
type Index<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// What `Graph::edges` finds.
struct Edges {
    out: Lists<Edge>,
    dangling: Vec<(usize, usize)>,
    ref_targets: Vec<Lists<RefTarget>>,
}

/// A declared resource: (state file index, resource index).
pub type DeclRef = (usize, usize);

/// Where a reference found in a state attribute leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefTarget {
    /// A live resource (it may be in a final status: check `exists`).
    Live(usize),
    /// Not live, but declared by a managed state resource.
    Declared(DeclRef),
    /// Neither live nor declared anywhere.
    Nowhere,
}

/// An edge between two live resources, from a relation of `from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub relation: RelationKind,
    pub from: usize,
    pub to: usize,
    /// The index of the relation in `from`'s relations (for its detail).
    pub index: usize,
}

/// The joined view of one scan.
pub struct Graph<'a> {
    pub inventory: &'a Inventory,
    pub states: &'a StateSet,
    pub policy: &'a Policy,
    by_key: Index<&'a str, Index<&'a str, Few<usize>>>,
    by_arn: Index<&'a str, usize>,
    /// Declared kind/id pairs across every managed state resource (whole resources).
    declared_keys: Index<&'a str, Index<&'a str, Few<DeclRef>>>,
    /// For each live resource, the managed state resources that declare it.
    pub(super) declared_by: Lists<DeclRef>,
    /// For each live resource, the managed resource that declares it inline, if any.
    pub(super) inline_by: Vec<Option<DeclRef>>,
    /// For each state file, for each resource: the live match (the parent, for parts).
    pub(super) matches: Vec<Vec<Option<usize>>>,
    pub(super) classes: Vec<Class>,
    /// For each live resource, the ignore rule's reason when policy ignores it.
    pub(super) ignored: Vec<Option<String>>,
    /// For each live resource, the live resources it directly owns.
    children: Lists<usize>,
    /// Environments of states and resources.
    pub(super) envs: Environments,
    /// Edges out of and into each live resource.
    pub(super) out_edges: Lists<Edge>,
    pub(super) in_edges: Lists<Edge>,
    /// Relations whose target is not a live resource: (from, relation index).
    pub(super) dangling: Vec<(usize, usize)>,
    /// For each state file, resource and reference: where it leads.
    pub(super) ref_targets: Vec<Lists<RefTarget>>,
    /// The S3 buckets the scan read states from: Terraform's backend, in use, whoever
    /// made it.
    state_buckets: HashSet<&'a str>,
}

impl<'a> Graph<'a> {
    // The join, computed once by `build`: read-only to everything outside `graph`.

    /// For each live resource, the managed state resources that declare it.
    pub fn declared_by(&self) -> &Lists<DeclRef> {
        &self.declared_by
    }

    /// For each live resource, the managed resource that declares it inline, if any.
    pub fn inline_by(&self) -> &[Option<DeclRef>] {
        &self.inline_by
    }

    /// For each state file, for each resource: the live match (the parent, for parts).
    pub fn matches(&self) -> &[Vec<Option<usize>>] {
        &self.matches
    }

    /// The class of each live resource.
    pub fn classes(&self) -> &[Class] {
        &self.classes
    }

    /// For each live resource, the ignore rule's reason when the policy ignores it.
    pub fn ignored(&self) -> &[Option<String>] {
        &self.ignored
    }

    /// Environments of states and resources.
    pub fn envs(&self) -> &Environments {
        &self.envs
    }

    /// Edges out of each live resource.
    pub fn out_edges(&self) -> &Lists<Edge> {
        &self.out_edges
    }

    /// Edges into each live resource.
    pub fn in_edges(&self) -> &Lists<Edge> {
        &self.in_edges
    }

    /// Relations whose target is not a live resource: (from, relation index).
    pub fn dangling(&self) -> &[(usize, usize)] {
        &self.dangling
    }

    /// For each state file, resource and reference: where it leads.
    pub fn ref_targets(&self) -> &[Lists<RefTarget>] {
        &self.ref_targets
    }

    pub fn build(inventory: &'a Inventory, states: &'a StateSet, policy: &'a Policy) -> Self {
        Self::join(inventory, states, policy).finish()
    }

    /// Builds the graph for the post-decommission check of `env` (`scan --env`, `plan
    /// cleanup --env`): when nothing already says `env` is gone (the policy, an empty
    /// state), the run takes it as decommissioned, through the policy
    /// `Policy::with_decommissioned` makes, kept in `slot` for as long as the graph. The join
    /// is made once; only the environments are inferred again.
    pub fn build_decommissioning(
        inventory: &'a Inventory,
        states: &'a StateSet,
        policy: &'a Policy,
        env: &str,
        slot: &'a std::cell::OnceCell<Policy>,
    ) -> Self {
        let mut graph = Self::join(inventory, states, policy);
        if graph.envs.deletion(env).is_none() {
            graph.policy = slot.get_or_init(|| policy.with_decommissioned(env));
            graph.envs = graph.infer_environments();
        }
        graph.finish()
    }

    /// The environments of states and resources, inferred from the join and the policy.
    fn infer_environments(&self) -> Environments {
        let (inventory, states) = (self.inventory, self.states);
        Environments::infer_joined(self.policy, states, Some(inventory), &|f, r| match (
            self.matches[f][r],
            &states.files[f].resources[r].identity,
        ) {
            (Some(i), Identity::Live { .. } | Identity::Arn { .. }) => Some(&inventory.resources[i].tags),
            _ => None,
        })
    }

    /// The join of live and declared resources, and the environments it shows.
    fn join(inventory: &'a Inventory, states: &'a StateSet, policy: &'a Policy) -> Self {
        let n = inventory.resources.len();
        let mut by_key: Index<&str, Index<&str, Few<usize>>> = Index::default();
        let mut by_arn: Index<&str, usize> = Index::with_capacity_and_hasher(n, foldhash::fast::RandomState::default());
        for (i, r) in inventory.resources.iter().enumerate() {
            push_at(by_key.entry(r.kind.as_str()).or_default(), r.id.as_str(), i);
            by_arn.insert(r.arn.as_str(), i);
        }
        let mut graph = Graph {
            inventory,
            states,
            policy,
            by_key,
            by_arn,
            declared_keys: Index::default(),
            declared_by: Lists::empty(n),
            inline_by: vec![None; n],
            matches: Vec::with_capacity(states.files.len()),
            classes: Vec::new(),
            ignored: Vec::new(),
            children: Lists::empty(n),
            envs: Environments::default(),
            out_edges: Lists::empty(n),
            in_edges: Lists::empty(n),
            dangling: Vec::new(),
            ref_targets: Vec::new(),
            state_buckets: states
                .files
                .iter()
                .map(|f| f.source.as_str())
                .chain(states.listed.keys().map(String::as_str))
                .filter_map(|source| source.strip_prefix("s3://"))
                .map(|rest| rest.split('/').next().unwrap_or(rest))
                .collect(),
        };
        let mut declared_by = Vec::new();
        for (f, file) in states.files.iter().enumerate() {
            let mut file_matches = Vec::with_capacity(file.resources.len());
            for (r, resource) in file.resources.iter().enumerate() {
                let found = graph.match_declared(resource);
                if resource.is_managed() {
                    if let Some((kind, id)) = resource.live_key() {
                        push_at(graph.declared_keys.entry(kind).or_default(), id, (f, r));
                    }
                    if let (Some(i), Identity::Live { .. } | Identity::Arn { .. }) = (found, &resource.identity) {
                        declared_by.push((i, (f, r)));
                    }
                    for (kind, id) in &resource.inline {
                        if let Some(i) = graph.find_near(kind, id, resource) {
                            graph.inline_by[i].get_or_insert((f, r));
                        }
                    }
                }
                file_matches.push(found);
            }
            graph.matches.push(file_matches);
        }
        graph.declared_by = Lists::from_pairs(n, &declared_by);
        graph.envs = graph.infer_environments();
        graph
    }

    /// What is left reads the join made so far and nothing else: the classes on this
    /// thread, the policy's ignore rules and the edges on another.
    fn finish(self) -> Self {
        let (inventory, policy, n) = (self.inventory, self.policy, self.inventory.resources.len());
        let mut graph = self;
        let (classes, (ignored, edges)) = std::thread::scope(|scope| {
            let graph = &graph;
            let rest = scope.spawn(move || {
                let ignored: Vec<Option<String>> = inventory
                    .resources
                    .iter()
                    .map(|r| policy.ignored_by(&r.kind, &r.id, &r.arn, &r.tags).map(|ig| ig.reason.clone()))
                    .collect();
                (ignored, graph.edges())
            });
            let classes: Vec<Class> = (0..n).map(|i| graph.classify(i)).collect();
            (classes, rest.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        graph.classes = classes;
        graph.ignored = ignored;
        graph.in_edges = edges.out.regrouped(n, |edge| edge.to);
        graph.out_edges = edges.out;
        graph.dangling = edges.dangling;
        graph.ref_targets = edges.ref_targets;
        let children: Vec<_> = graph
            .classes
            .iter()
            .enumerate()
            .filter_map(|(j, class)| match class {
                Class::Owned { owner: Owner::Live { index }, .. } => Some((*index, j)),
                _ => None,
            })
            .collect();
        graph.children = Lists::from_pairs(n, &children);
        graph
    }

    /// The edges between live resources, and where each state reference leads.
    fn edges(&self) -> Edges {
        let live = &self.inventory.resources;
        let mut dangling = Vec::new();
        let out_edges = Lists::from_lists(live.iter().enumerate().map(|(from, r)| {
            let mut edges = Vec::new();
            for (index, rel) in r.relations.iter().enumerate() {
                let account = rel.target_account(&r.account);
                let found = if rel.kind == RelationKind::PeersWith {
                    self.find_any(&rel.target_kind, &rel.target, account, &r.region)
                } else {
                    self.find(&rel.target_kind, &rel.target, account, &r.region)
                };
                match found {
                    Some(to) if to != from => edges.push(Edge { relation: rel.kind, from, to, index }),
                    Some(_) => {}
                    None => dangling.push((from, index)),
                }
            }
            edges
        }));
        let mut ref_targets = Vec::with_capacity(self.states.files.len());
        for file in &self.states.files {
            let per_file = Lists::from_lists(file.resources.iter().map(|decl| {
                decl.references.iter().map(|reference| {
                    let account = reference.account.as_deref().or(decl.account.as_deref());
                    let region = reference.region.as_deref().or(decl.region.as_deref());
                    if let Some(i) = self.find_placed(&reference.kind, &reference.target, account, region) {
                        RefTarget::Live(i)
                    } else if let Some(d) = self.declarations_of(&reference.kind, &reference.target).first() {
                        RefTarget::Declared(*d)
                    } else {
                        RefTarget::Nowhere
                    }
                })
            }));
            ref_targets.push(per_file);
        }
        Edges { out: out_edges, dangling, ref_targets }
    }

    /// Whether a live resource is accounted for by a state: declared, or declared inline.
    pub fn is_managed(&self, i: usize) -> bool {
        matches!(self.classes[i], Class::Managed | Class::DeclaredInline { .. })
    }

    /// The state resources that account for a live resource (declarations, or the inline
    /// declarer).
    pub fn accounting(&self, i: usize) -> Vec<DeclRef> {
        let mut out = self.declared_by[i].to_vec();
        out.extend(self.inline_by[i]);
        out
    }

    /// The live resources.
    pub fn live(&self) -> &'a [LiveResource] {
        &self.inventory.resources
    }

    /// A declared resource.
    pub fn decl(&self, (f, r): DeclRef) -> &'a StateResource {
        &self.states.files[f].resources[r]
    }

    fn candidates(&self, kind: &str, id: &str) -> Option<&[usize]> {
        self.by_key.get(kind).and_then(|ids| ids.get(id)).map(Few::as_slice)
    }

    /// Finds a live resource by kind and id where `near` is placed: when its region or
    /// account is known, only a resource there matches (names repeat across regions).
    pub fn find_near(&self, kind: &str, id: &str, near: &StateResource) -> Option<usize> {
        self.find_placed(kind, id, near.account.as_deref(), near.region.as_deref())
    }

    /// Finds a live resource by kind and id in `account` and `region`, each where known.
    pub fn find_placed(&self, kind: &str, id: &str, account: Option<&str>, region: Option<&str>) -> Option<usize> {
        let candidates = self.candidates(kind, id)?;
        let live = &self.inventory.resources;
        candidates
            .iter()
            .copied()
            .find(|&i| region.is_none_or(|r| in_region(&live[i], r)) && account.is_none_or(|a| a == live[i].account))
    }

    /// Finds a live resource by kind and id in `account` and `region`.
    pub fn find(&self, kind: &str, id: &str, account: &str, region: &str) -> Option<usize> {
        let live = &self.inventory.resources;
        self.candidates(kind, id)?.iter().copied().find(|&i| live[i].account == account && in_region(&live[i], region))
    }

    /// Finds a live resource by kind and id anywhere, preferring `account` and `region`
    /// (peered VPCs may sit in another region or account).
    pub fn find_any(&self, kind: &str, id: &str, account: &str, region: &str) -> Option<usize> {
        let candidates = self.candidates(kind, id)?;
        let live = &self.inventory.resources;
        candidates
            .iter()
            .copied()
            .find(|&i| live[i].account == account && live[i].region == region)
            .or_else(|| candidates.iter().copied().find(|&i| live[i].account == account))
            .or_else(|| candidates.first().copied())
    }

    /// Finds a live resource by ARN.
    pub fn find_arn(&self, arn: &str) -> Option<usize> {
        self.by_arn.get(arn).copied()
    }

    /// Whether any managed state resource declares `kind`/`id` as a whole resource.
    pub fn is_declared(&self, kind: &str, id: &str) -> bool {
        self.declared_keys.get(kind).is_some_and(|ids| ids.contains_key(id))
    }

    /// The managed state resources that declare `kind`/`id`.
    pub fn declarations_of(&self, kind: &str, id: &str) -> &[DeclRef] {
        self.declared_keys.get(kind).and_then(|ids| ids.get(id)).map_or(&[], Few::as_slice)
    }

    fn match_declared(&self, resource: &StateResource) -> Option<usize> {
        match &resource.identity {
            Identity::Live { kind, id } => self.find_near(kind, id, resource),
            Identity::Arn { kind, id, arn } => self.find_arn(arn).or_else(|| self.find_near(kind, id, resource)),
            Identity::Part { parent_kind, parent_id, .. } => self.find_near(parent_kind, parent_id, resource),
            Identity::Unmapped | Identity::Foreign | Identity::NoId => None,
        }
    }

    /// Account and region of a declared resource: its own, its live match's or parent's,
    /// or that of a live resource it references.
    pub fn placement(&self, (f, r): DeclRef) -> (Option<String>, Option<String>) {
        let resource = self.decl((f, r));
        let mut account = resource.account.as_deref().map(str::to_owned);
        let mut region = resource.region.as_deref().map(str::to_owned);
        let from_live = self.matches[f][r].or_else(|| {
            resource.references.iter().find_map(|reference| {
                self.candidates(&reference.kind, &reference.target).and_then(|c| c.first().copied())
            })
        });
        if let Some(i) = from_live {
            let live = &self.inventory.resources[i];
            account.get_or_insert_with(|| live.account.clone());
            region.get_or_insert_with(|| live.region.clone());
        }
        // An account that nothing names is not guessed: with states of many accounts in one
        // place (a shard, a central bucket), a guess would report other accounts' resources
        // as missing.
        (account, region)
    }

    fn classify(&self, i: usize) -> Class {
        let r = &self.inventory.resources[i];
        if !r.exists() {
            return Class::Gone;
        }
        if !self.declared_by[i].is_empty() {
            return Class::Managed;
        }
        if let Some((file, resource)) = self.inline_by[i] {
            return Class::DeclaredInline { file, resource };
        }
        if r.kind == "s3:bucket" && self.state_buckets.contains(r.id.as_str()) {
            return Class::ManagedElsewhere {
                by: "Terraform state backend".to_owned(),
                why: "the scan reads Terraform state from this bucket".to_owned(),
            };
        }
        for rule in &self.policy.ownership {
            if !ownership::conditions_hold(rule, r) {
                continue;
            }
            if let Some(class) = ownership::class_from_rule(rule, r) {
                return class;
            }
            let Some((kind, id)) = ownership::owner_named(rule, r) else {
                // The owner is not named on this resource: a label is all there is.
                if let Some(label) = rule.owner_label.as_ref().and_then(|l| ownership::expand(l, r)) {
                    return Class::ManagedElsewhere { by: label, why: rule.why.clone() };
                }
                continue;
            };
            let owner_live = self.find(&kind, &id, &r.account, &r.region).filter(|&j| j != i);
            if rule.owner_must_be_default {
                if owner_live.is_some_and(|j| self.inventory.resources[j].attr_bool("is_default")) {
                    return Class::Default { why: rule.why.clone() };
                }
                continue;
            }
            let owner = match owner_live {
                Some(j) if self.inventory.resources[j].exists() => Owner::Live { index: j },
                _ if self.is_declared(&kind, &id) => Owner::Declared { kind, id },
                _ if rule.require_owner => {
                    return Class::Unmanaged {
                        note: Some(format!(
                            "created for {} {id}, which is neither declared in a state nor live",
                            kinds::label(&kind)
                        )),
                    };
                }
                _ => {
                    if let Some(label) = rule.owner_label.as_ref().and_then(|l| ownership::expand(l, r)) {
                        return Class::ManagedElsewhere { by: label, why: rule.why.clone() };
                    }
                    Owner::Unresolved { kind, id }
                }
            };
            return match rule.class {
                OwnershipClass::Default => Class::Default { why: rule.why.clone() },
                _ => Class::Owned { owner, why: rule.why.clone() },
            };
        }
        Class::Unmanaged { note: None }
    }

    /// The environment of a live resource: its tags, the VPC it sits in, or the state
    /// that declares it.
    pub fn env_of_live(&self, i: usize) -> Option<String> {
        let r = &self.inventory.resources[i];
        let lookup =
            |kind: &str, id: &str| self.find(kind, id, &r.account, &r.region).map(|j| &self.inventory.resources[j]);
        self.envs.of_live(r, &lookup).or_else(|| {
            self.declared_by[i]
                .iter()
                .chain(self.inline_by[i].iter())
                .find_map(|&(f, _)| self.envs.of_state(&self.states.files[f].source).map(str::to_owned))
        })
    }

    /// The environment of a declared resource: its state's, else its tags'.
    pub fn env_of_decl(&self, (f, r): DeclRef) -> Option<String> {
        let file = &self.states.files[f];
        self.envs.of_state(&file.source).map(str::to_owned).or_else(|| self.envs.env_of_tags(&file.resources[r].tags))
    }

    /// Follows owners to the top: the index of the resource whose class decides this
    /// one's fate (itself when not owned by a live resource).
    pub fn root_owner(&self, i: usize) -> usize {
        let mut seen = HashSet::new();
        let mut current = i;
        while let Class::Owned { owner: Owner::Live { index }, .. } = &self.classes[current] {
            if !seen.insert(current) {
                break;
            }
            current = *index;
        }
        current
    }

    /// Whether a live resource is a leftover nothing accounts for: unmanaged itself, not
    /// ignored.
    pub fn is_unmanaged(&self, i: usize) -> bool {
        matches!(self.classes[i], Class::Unmanaged { .. })
    }

    /// Live resources owned (directly or not) by `i`.
    pub fn owned_by(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = self.children[i].to_vec();
        let mut seen = HashSet::from([i]);
        while let Some(j) = stack.pop() {
            if seen.insert(j) {
                out.push(j);
                stack.extend(self.children[j].iter().copied());
            }
        }
        out.sort_unstable();
        out
    }

    /// Whether an `unmanaged` conclusion about resource `i` could be changed by what the
    /// scan could not read: a state (it may declare the resource), the resource's own
    /// listing (its tags, which ownership rules read, may be missing), or the listing of a
    /// kind its ownership depends on.
    pub fn ownership_uncertain(&self, i: usize) -> bool {
        !self.states.gaps.is_empty() || self.owner_unlisted(i)
    }

    /// Whether the environment of resource `i` could be known from a listing that has a gap:
    /// an untagged resource takes its environment from its VPC (or its subnet's), so with
    /// those unlisted a complete scan may find it belongs to a deleted environment.
    pub fn env_unlisted(&self, i: usize) -> bool {
        let r = &self.inventory.resources[i];
        self.envs.env_of_tags(&r.tags).is_none()
            && (r.first_related(RelationKind::InVpc).is_some() || r.first_related(RelationKind::InSubnet).is_some())
            && ["ec2:vpc", "ec2:subnet"]
                .iter()
                .any(|kind| self.inventory.gaps.iter().any(|g| g.covers(kind, &r.account, &r.region)))
    }

    /// Whether a listing that could change who owns resource `i` has a gap: its own (its
    /// tags may be missing) or that of a kind its ownership depends on (an instance that
    /// owns a network interface, say). A resource that looks like a root may then be owned,
    /// and reported with its owner by a complete scan.
    pub fn owner_unlisted(&self, i: usize) -> bool {
        let r = &self.inventory.resources[i];
        std::iter::once(r.kind.as_str())
            .chain(ownership::depends_on(&r.kind).iter().copied())
            .any(|kind| self.inventory.gaps.iter().any(|g| g.covers(kind, &r.account, &r.region)))
    }
}

/// Adds `item` to the list of `key`.
fn push_at<'a, T: Copy>(map: &mut Index<&'a str, Few<T>>, key: &'a str, item: T) {
    match map.entry(key) {
        std::collections::hash_map::Entry::Occupied(mut list) => list.get_mut().push(item),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(Few::One([item]));
        }
    }
}

/// Whether a live resource is found in `region`: one of a global kind (IAM, Route 53) is in
/// every region of its account.
fn in_region(live: &LiveResource, region: &str) -> bool {
    live.region == region || live.region == crate::model::kinds::GLOBAL
}
