//! adopt: the import blocks of `leftover plan adopt`. For each resource no state declares,
//! a Terraform (1.5 and later) or `OpenTofu` `import` block, in the file of the state it
//! belongs with: the state that declares what it sits in (its subnet, VPC, cluster,
//! security group, or what it is attached to), else `unassigned.tf`. The HCL is built as
//! a syntax tree (`hcl-edit`), never pasted together, so any Name tag or id is quoted
//! safely. Pure: the graph and the findings in, file texts out; it writes and runs nothing.

use std::collections::{BTreeMap, HashSet};

use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::{Decor, Decorate, Decorated, Ident};

use crate::graph::Graph;
use crate::inventory::{LiveResource, RelationKind};
use crate::model::finding::{Finding, FindingKind};
use crate::model::subresource::{SecurityGroupRule, normalize_protocol};
use crate::state::StateSet;

/// The file of the resources leftover could not place in any state.
pub const UNASSIGNED: &str = "unassigned.tf";

/// The longest block name made from a Name tag (the id is used whole).
const MAX_NAME: usize = 64;

pub use crate::model::kinds::Import;

/// How resources of `kind` are imported, if leftover knows the kind. The ids follow the
/// import sections of the Terraform AWS provider's docs.
pub fn import_of(kind: &str) -> Option<Import> {
    crate::model::kinds::kind(kind).map(|k| k.import)
}

/// What the plan needs besides the graph and the findings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only the resources of this environment (`--env`).
    pub env: Option<String>,
    /// The coverage gaps of an incomplete scan (`--allow-incomplete`), said at the top of
    /// every file.
    pub gaps: usize,
}

/// One file of the plan.
#[derive(Clone, Debug)]
pub struct PlanFile {
    /// The file name: a safe name made from the state's key, or `unassigned.tf`.
    pub name: String,
    /// The state source the file's resources belong with (`None` for `unassigned.tf`).
    pub state: Option<String>,
    /// The import blocks, with comments.
    pub body: Body,
    /// How many import blocks it holds.
    pub blocks: usize,
    /// How many resources it lists as comments only (no import possible).
    pub listed: usize,
}

impl PlanFile {
    /// The file's text.
    pub fn text(&self) -> String {
        self.body.to_string()
    }
}

/// The plan: one file per suggested state, sorted by name.
#[derive(Clone, Debug, Default)]
pub struct AdoptPlan {
    pub files: Vec<PlanFile>,
}

impl AdoptPlan {
    /// Import blocks across the files.
    pub fn blocks(&self) -> usize {
        self.files.iter().map(|f| f.blocks).sum()
    }

    /// Resources listed as comments only, across the files.
    pub fn listed(&self) -> usize {
        self.files.iter().map(|f| f.listed).sum()
    }
}

/// One thing to import (or to list, when it cannot be).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    /// The state file (index) it belongs with.
    state: Option<usize>,
    /// The Terraform type and import id, or why there is none.
    import: Result<(&'static str, String), String>,
    /// What the block is named after: the Name tag, else the id.
    name: String,
    /// What is adopted, for the listing of what cannot be: kind and id.
    what: String,
    /// The comment lines above the block.
    notes: Vec<String>,
}

/// Builds the plan from a scan's findings: the resources of `unmanaged` findings, those of
/// `blocking-dependency` findings that no other tool manages (an unmanaged resource in a
/// managed subnet is reported so), and the routes and rules added outside Terraform to a
/// managed table or group (`drift` with nothing declared). `deleted-env` leftovers are
/// for `plan cleanup`, not for adoption.
pub fn build<'f>(graph: &Graph<'_>, findings: impl IntoIterator<Item = &'f Finding>, options: &Options) -> AdoptPlan {
    let env = options.env.as_deref().map(|e| graph.envs().canonical(e));
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    for f in findings {
        if let Some(env) = &env
            && f.environment.as_deref().map(|e| graph.envs().canonical(e)).as_ref() != Some(env)
        {
            continue;
        }
        let Some(i) = f.resource.arn.as_deref().and_then(|arn| graph.find_arn(arn)) else { continue };
        match f.kind {
            FindingKind::Unmanaged | FindingKind::BlockingDependency if graph.is_unmanaged(i) && seen.insert(i) => {
                resource_entries(graph, i, f, &mut entries);
            }
            FindingKind::Drift => {
                if let Some(entry) = part_entry(graph, i, f) {
                    entries.push(entry);
                }
            }
            _ => {}
        }
    }
    assemble(graph.states, entries, options)
}

/// The comment lines of a finding: what it is, why, its environment, and where it is (the
/// import runs with the provider of that account and region).
fn notes_of(f: &Finding) -> Vec<String> {
    let r = &f.resource;
    vec![
        format!("{}: {}", f.kind, f.reason),
        format!(
            "environment: {}; region {}, account {}",
            f.environment.as_deref().unwrap_or("unknown"),
            r.region.as_deref().unwrap_or("unknown"),
            r.account.as_deref().unwrap_or("unknown")
        ),
    ]
}

/// The blocks of one unmanaged live resource: itself, and what it needs imported with it
/// that its own type does not manage (a route table's subnet associations, a volume's
/// attachment).
fn resource_entries(graph: &Graph<'_>, i: usize, f: &Finding, out: &mut Vec<Entry>) {
    let r = &graph.live()[i];
    let state = suggested_state(graph, i);
    let name = r.name().unwrap_or(&r.id).to_owned();
    let notes = notes_of(f);
    let what = format!("{} {}", r.kind, r.id);
    let import = match import_of(&r.kind) {
        Some(Import::Id(tf_type)) => Ok((tf_type, r.id.clone())),
        Some(Import::Arn(tf_type)) => Ok((tf_type, r.arn.clone())),
        Some(Import::QueueUrl) => Ok(("aws_sqs_queue", crate::model::arn::queue_url(&r.region, &r.account, &r.id))),
        Some(Import::LoadBalancer) => Ok(load_balancer(r)),
        Some(Import::Unsupported(why)) => Err(why.to_owned()),
        None => Err(format!("leftover does not map {} to a Terraform resource type", r.kind)),
    };
    out.push(Entry { state, import, name: name.clone(), what, notes: notes.clone() });
    match r.kind.as_str() {
        "ec2:route-table" => {
            for rel in r.related(RelationKind::AssociatedWith) {
                let import = if rel.target_kind == "ec2:subnet" || rel.target_kind == "ec2:internet-gateway" {
                    Ok(("aws_route_table_association", format!("{}/{}", rel.target, r.id)))
                } else {
                    Err(format!("leftover cannot import an association with {}", rel.target_kind))
                };
                out.push(Entry {
                    state,
                    import,
                    name: format!("{name}-{}", rel.target),
                    what: format!("association of {} with {}", r.id, rel.target),
                    notes: vec![format!("association of route table {} with {}", r.id, rel.target)],
                });
            }
            if r.attr_bool("main") {
                out.push(Entry {
                    state,
                    import: Err("aws_main_route_table_association has no import support".to_owned()),
                    name: format!("{name}-main"),
                    what: format!("main route table association of {}", r.id),
                    notes: Vec::new(),
                });
            }
        }
        "ec2:volume" => {
            for rel in r.related(RelationKind::AttachedTo).filter(|rel| rel.target_kind == "ec2:instance") {
                let device = rel.detail.as_deref().unwrap_or_default();
                out.push(Entry {
                    state,
                    import: Ok(("aws_volume_attachment", format!("{device}:{}:{}", r.id, rel.target))),
                    name: name.clone(),
                    what: format!("attachment of {} to {}", r.id, rel.target),
                    notes: vec![format!("attachment of volume {} to instance {} at {device}", r.id, rel.target)],
                });
            }
        }
        _ => {}
    }
}

/// `aws_lb` by ARN for application, network and gateway load balancers; `aws_elb` by name
/// for a classic one (its ARN ends in `loadbalancer/NAME`).
fn load_balancer(r: &LiveResource) -> (&'static str, String) {
    let resource = r.arn.split_once(":loadbalancer/").map_or("", |(_, rest)| rest);
    if resource.starts_with("app/") || resource.starts_with("net/") || resource.starts_with("gwy/") {
        ("aws_lb", r.arn.clone())
    } else if resource.is_empty() {
        ("aws_elb", r.id.clone())
    } else {
        ("aws_elb", resource.to_owned())
    }
}

/// A route or rule added by hand to a managed table or group (a `drift` finding with
/// nothing declared): an `aws_route`, an `aws_vpc_security_group_*_rule` (by its `sgr-`
/// id) or an `aws_security_group_rule` (by its composite id), in the parent's state.
fn part_entry(graph: &Graph<'_>, i: usize, f: &Finding) -> Option<Entry> {
    let drift = f.drift.as_ref()?;
    if !drift.declared.is_null() {
        return None;
    }
    let r = &graph.live()[i];
    let state = f.state.as_ref().and_then(|s| graph.states.files.iter().position(|file| file.source == s.source));
    let notes = notes_of(f);
    if let Some(destination) = drift.attribute.strip_prefix("route ") {
        let route = r.parts.routes.iter().find(|route| route.destination == destination)?;
        let id = route_import_id(&r.id, &route.destination);
        return Some(Entry {
            state,
            import: Ok(("aws_route", id.clone())),
            name: id,
            what: format!("route {destination} of {}", r.id),
            notes,
        });
    }
    if let Some(described) = drift.attribute.strip_prefix("rule ") {
        let rule = r.parts.rules.iter().find(|rule| rule.describe() == described)?;
        let (tf_type, id) = rule_import(&r.id, rule);
        return Some(Entry {
            state,
            import: Ok((tf_type, id.clone())),
            name: id,
            what: format!("rule {described}"),
            notes,
        });
    }
    None
}

/// `rtb-…_10.0.0.0/16`, `rtb-…_2001:db8::/56` or `rtb-…_pl-…`.
pub fn route_import_id(table: &str, destination: &str) -> String {
    format!("{table}_{destination}")
}

/// A rule with an `sgr-` id is imported as `aws_vpc_security_group_ingress_rule` or
/// `_egress_rule` by that id; one without, as `aws_security_group_rule` by its composite id
/// `GROUP_TYPE_PROTOCOL_FROM_TO_SOURCE` (`self` when the group names itself).
pub fn rule_import(group: &str, rule: &SecurityGroupRule) -> (&'static str, String) {
    if let Some(id) = rule.id.as_deref().filter(|id| id.starts_with("sgr-")) {
        let tf_type =
            if rule.egress { "aws_vpc_security_group_egress_rule" } else { "aws_vpc_security_group_ingress_rule" };
        return (tf_type, id.to_owned());
    }
    let protocol = match normalize_protocol(&rule.protocol).as_str() {
        "-1" => "all".to_owned(),
        other => other.to_owned(),
    };
    let (from, to) = if protocol == "all" { (0, 0) } else { (rule.from_port, rule.to_port) };
    let direction = if rule.egress { "egress" } else { "ingress" };
    let source = if rule.group.as_deref() == Some(group) { "self" } else { rule.peer() };
    ("aws_security_group_rule", format!("{group}_{direction}_{protocol}_{from}_{to}_{source}"))
}

/// The relations that say where a resource sits, most telling first.
const PLACING: [RelationKind; 6] = [
    RelationKind::InSubnet,
    RelationKind::InVpc,
    RelationKind::MemberOf,
    RelationKind::UsesSecurityGroup,
    RelationKind::AttachedTo,
    RelationKind::AssociatedWith,
];

/// How many hand-made resources a placement may pass through (a volume on an unmanaged
/// instance in a managed subnet goes where the instance goes).
const PLACING_DEPTH: usize = 4;

/// The state a live resource belongs with: the one that declares (or declares inline) what
/// it sits in: its subnet, VPC, cluster, security group, or what it is attached to;
/// through other unmanaged resources where needed. `None` when nothing it sits in is
/// declared.
pub fn suggested_state(graph: &Graph<'_>, i: usize) -> Option<usize> {
    let mut seen = HashSet::from([i]);
    let mut frontier = vec![i];
    for _ in 0..PLACING_DEPTH {
        let mut next = Vec::new();
        for kind in PLACING {
            for &j in &frontier {
                let r = &graph.live()[j];
                for rel in r.related(kind).filter(|rel| rel.account.is_none()) {
                    match graph.find(&rel.target_kind, &rel.target, &r.account, &r.region) {
                        Some(k) => {
                            if let Some(&(f, _)) = graph.accounting(k).first() {
                                return Some(f);
                            }
                            if seen.insert(k) {
                                next.push(k);
                            }
                        }
                        None => {
                            if let Some(&(f, _)) = graph.declarations_of(&rel.target_kind, &rel.target).first() {
                                return Some(f);
                            }
                        }
                    }
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    None
}

/// A Terraform resource name made from `text`: transliterated to ASCII, every run of
/// other characters made one `_`, led by `_` when it would start with a digit or `-`.
/// `None` when nothing usable is left.
pub fn identifier(text: &str) -> Option<String> {
    let ascii = deunicode::deunicode(text);
    let mut out = String::new();
    let mut gap = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    if out.is_empty() {
        return None;
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out.truncate(MAX_NAME);
    Some(out)
}

/// `base`, or `base_2`, `base_3`… for the first one `taken` does not hold yet (the
/// address `tf_type.name` is what must be unique in a configuration).
fn unique(tf_type: &str, base: &str, taken: &mut HashSet<String>) -> String {
    let mut name = base.to_owned();
    let mut n = 1;
    while !taken.insert(format!("{tf_type}.{name}")) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}

/// The file name of every state: its key (the S3 key, or the path below the folder all
/// local states share) made a safe file name: workspace prefix `env:/` and the default
/// `terraform.tfstate` dropped, `/` made `-`, other characters `_`; unique, `-2`, `-3`…
/// added where two would clash. `network/terraform.tfstate` → `network.tf`.
pub fn file_names(states: &StateSet) -> Vec<String> {
    let paths: Vec<&str> = states.files.iter().map(|f| f.source.as_str()).filter(|s| !s.starts_with("s3://")).collect();
    let common = common_dir(&paths);
    let mut taken = HashSet::from([UNASSIGNED.to_owned()]);
    states
        .files
        .iter()
        .map(|file| {
            let key = match file.source.strip_prefix("s3://") {
                Some(rest) => rest.split_once('/').map_or(rest, |(_, key)| key),
                None => file.source.get(common.len()..).unwrap_or(&file.source),
            };
            let base = state_file_stem(key);
            let mut name = format!("{base}.tf");
            let mut n = 1;
            while !taken.insert(name.clone()) {
                n += 1;
                name = format!("{base}-{n}.tf");
            }
            name
        })
        .collect()
}

/// The folder (ending in `/`) every path shares, or `""`.
fn common_dir(paths: &[&str]) -> String {
    let Some(first) = paths.first() else { return String::new() };
    let mut dir = first.rfind('/').map_or("", |at| &first[..=at]);
    for path in paths {
        while !path.starts_with(dir) {
            dir = dir[..dir.len() - 1].rfind('/').map_or("", |at| &dir[..=at]);
        }
    }
    dir.to_owned()
}

/// `env:/dev/platform/terraform.tfstate` → `dev-platform`.
fn state_file_stem(key: &str) -> String {
    let mut segments: Vec<&str> =
        key.split(['/', '\\']).filter(|s| !s.is_empty() && *s != "." && *s != ".." && *s != "env:").collect();
    if let Some(last) = segments.last_mut() {
        *last = last.strip_suffix(".tfstate").or_else(|| last.strip_suffix(".json")).unwrap_or(last);
    }
    if segments.len() > 1 && segments.last() == Some(&"terraform") {
        segments.pop();
    }
    let joined = segments.join("-");
    let mut stem: String = deunicode::deunicode(&joined)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    stem = stem.trim_matches('.').to_owned();
    if stem.is_empty() || stem == "unassigned" {
        stem.insert_str(0, "state");
    }
    stem
}

/// A comment line: control characters (a line break in a tag would end the comment) made
/// spaces.
fn comment(text: &str) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("# {}\n", clean.trim_end())
}

/// `import { to = TYPE.NAME  id = "ID" }`.
fn import_block(tf_type: &str, name: &str, id: &str) -> Block {
    let to = Traversal::new(
        Expression::Variable(Decorated::new(Ident::new_sanitized(tf_type))),
        vec![Decorated::new(TraversalOperator::GetAttr(Decorated::new(Ident::new_sanitized(name))))],
    );
    let indented = |key: &str, value: Expression| {
        let mut attribute = Attribute::new(Ident::new(key), value);
        attribute.decor_mut().set_prefix("  ");
        attribute
    };
    Block::builder(Ident::new("import"))
        .attribute(indented("to", Expression::from(to)))
        .attribute(indented("id", Expression::from(id)))
        .build()
}

/// Sorts the entries into files and builds each file's body.
fn assemble(states: &StateSet, mut entries: Vec<Entry>, options: &Options) -> AdoptPlan {
    let names = file_names(states);
    // A stable order: by type, then name, then id.
    entries.sort_by_cached_key(|e| {
        let (tf_type, id) = match &e.import {
            Ok((tf_type, id)) => (Some(*tf_type), Some(id.clone())),
            Err(_) => (None, None),
        };
        (tf_type, e.name.clone(), id, e.what.clone())
    });
    // One block per import id: two findings about one route or rule make one block.
    let mut imported = HashSet::new();
    entries.retain(|e| e.import.as_ref().map_or(true, |(tf_type, id)| imported.insert((*tf_type, id.clone()))));
    let mut by_file: BTreeMap<String, (Option<usize>, Vec<Entry>)> = BTreeMap::new();
    for entry in entries {
        let name = entry.state.map_or_else(|| UNASSIGNED.to_owned(), |f| names[f].clone());
        by_file.entry(name).or_insert_with(|| (entry.state, Vec::new())).1.push(entry);
    }
    let files = by_file
        .into_iter()
        .map(|(name, (state, entries))| {
            let source = state.map(|f| states.files[f].source.clone());
            // The addresses the state already has are taken.
            let mut taken: HashSet<String> = state
                .map(|f| {
                    states.files[f]
                        .resources
                        .iter()
                        .filter(|r| !r.address.starts_with("module.") && !r.address.starts_with("data."))
                        .map(|r| r.address.split('[').next().unwrap_or(&r.address).to_owned())
                        .collect()
                })
                .unwrap_or_default();
            file_body(name, source, entries, &mut taken, options)
        })
        .collect();
    AdoptPlan { files }
}

fn file_body(
    name: String,
    source: Option<String>,
    entries: Vec<Entry>,
    taken: &mut HashSet<String>,
    options: &Options,
) -> PlanFile {
    let mut header = String::new();
    if let Some(source) = &source {
        header.push_str(&comment(&format!("Import blocks for the resources that belong with state {source}")));
        header.push_str(&comment(
            "(it declares what they sit in), written by `leftover plan adopt`. Review them, copy this file",
        ));
        header.push_str(&comment(
            "into that state's configuration and run `terraform plan -generate-config-out=generated.tf`.",
        ));
    } else {
        header.push_str(&comment(
            "Import blocks for resources no state declares anything of (not their subnet, VPC, cluster",
        ));
        header.push_str(&comment(
            "or security group), written by `leftover plan adopt`. Choose a configuration for each, then",
        ));
        header.push_str(&comment("run `terraform plan -generate-config-out=generated.tf` there."));
    }
    header.push_str(&comment("Terraform 1.5 or later, or OpenTofu."));
    if options.gaps > 0 {
        header.push_str(&comment(&format!(
            "INCOMPLETE: the scan had {} coverage gap(s); resources may be missing from this plan.",
            options.gaps
        )));
    }
    let mut body = Body::new();
    let mut unsupported = Vec::new();
    for entry in entries {
        match entry.import {
            Ok((tf_type, id)) => {
                let base = identifier(&entry.name).or_else(|| identifier(&id)).unwrap_or_else(|| "resource".to_owned());
                let name = unique(tf_type, &base, taken);
                let mut block = import_block(tf_type, &name, &id);
                let mut prefix = if body.is_empty() { header.clone() } else { String::new() };
                prefix.push('\n');
                for note in &entry.notes {
                    prefix.push_str(&comment(note));
                }
                block.decor_mut().set_prefix(prefix);
                body.push(block);
            }
            Err(why) => unsupported.push(comment(&format!("{}: {why}", entry.what))),
        }
    }
    let blocks = body.len();
    let listed = unsupported.len();
    let mut trailer = if blocks == 0 { header } else { String::new() };
    if !unsupported.is_empty() {
        trailer.push('\n');
        trailer.push_str(&comment("Not imported (no import is possible):"));
        for line in unsupported {
            trailer.push_str(&line);
        }
    }
    *body.decor_mut() = Decor::new("", trailer);
    PlanFile { name, state: source, body, blocks, listed }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::inventory::{Inventory, LiveResource};
    use crate::model::subresource::Route;
    use crate::policy::Policy;
    use crate::state::{StateFile, StateResource};

    const ACCOUNT: &str = "123456789012";
    const REGION: &str = "us-east-1";
    const NETWORK: &str = "s3://tf/network/terraform.tfstate";
    const APP: &str = "s3://tf/env:/dev/app/terraform.tfstate";

    use crate::state::extract::testing::declared as decl;

    fn state(source: &str, resources: Vec<StateResource>) -> StateFile {
        StateFile { source: source.into(), version: 4, resources, ..StateFile::default() }
    }

    fn live(kind: &str, id: &str) -> LiveResource {
        LiveResource::new(kind, id, ACCOUNT, REGION)
    }

    fn named(mut r: LiveResource, name: &str) -> LiveResource {
        r.tags.insert("Name".into(), name.into());
        r
    }

    fn inside(mut r: LiveResource, relation: RelationKind, kind: &str, id: &str) -> LiveResource {
        r.relate(relation, kind, Some(id));
        r
    }

    /// A network state declaring a VPC, a subnet and a security group, an app state
    /// declaring an EKS cluster and a route table; the live resources given besides them.
    fn world(extra: Vec<LiveResource>) -> (Inventory, StateSet) {
        let mut inventory = Inventory::new("2026-12-01T00:00:00Z".into(), vec![ACCOUNT.into()], vec![REGION.into()]);
        inventory.resources.push(live("ec2:vpc", "vpc-0a0a0a0a"));
        inventory.resources.push(inside(
            live("ec2:subnet", "subnet-0b0b0b0b"),
            RelationKind::InVpc,
            "ec2:vpc",
            "vpc-0a0a0a0a",
        ));
        inventory.resources.push(inside(
            live("ec2:security-group", "sg-0c0c0c0c"),
            RelationKind::InVpc,
            "ec2:vpc",
            "vpc-0a0a0a0a",
        ));
        inventory.resources.push(live("eks:cluster", "prod"));
        let mut table = inside(live("ec2:route-table", "rtb-0d0d0d0d"), RelationKind::InVpc, "ec2:vpc", "vpc-0a0a0a0a");
        table.parts.routes.push(Route {
            destination: "10.9.0.0/16".into(),
            target: Some("pcx-0e0e0e0e".into()),
            state: Some("active".into()),
            origin: Some("CreateRoute".into()),
        });
        inventory.resources.push(table);
        inventory.resources.extend(extra);
        let network = state(
            NETWORK,
            vec![
                decl(NETWORK, "aws_vpc.main", "aws_vpc", json!({"id": "vpc-0a0a0a0a"})),
                decl(
                    NETWORK,
                    "aws_subnet.private",
                    "aws_subnet",
                    json!({"id": "subnet-0b0b0b0b", "vpc_id": "vpc-0a0a0a0a"}),
                ),
                decl(NETWORK, "aws_instance.web", "aws_instance", json!({"id": "i-0999999999"})),
                decl(
                    NETWORK,
                    "aws_security_group.web",
                    "aws_security_group",
                    json!({"id": "sg-0c0c0c0c", "vpc_id": "vpc-0a0a0a0a", "ingress": [], "egress": []}),
                ),
            ],
        );
        let app = state(
            APP,
            vec![
                decl(APP, "aws_eks_cluster.prod", "aws_eks_cluster", json!({"id": "prod", "name": "prod"})),
                decl(
                    APP,
                    "aws_route_table.main",
                    "aws_route_table",
                    json!({"id": "rtb-0d0d0d0d", "vpc_id": "vpc-0a0a0a0a", "route": []}),
                ),
            ],
        );
        (inventory, StateSet { files: vec![network, app], ..StateSet::default() })
    }

    fn plan_of(inventory: &Inventory, states: &StateSet, options: &Options) -> AdoptPlan {
        let policy = Policy::builtin();
        let graph = Graph::build(inventory, states, &policy);
        let outcome = crate::checks::run(&graph);
        build(&graph, &outcome.findings, options)
    }

    /// Every import block of a file, parsed back: (`to`, `id`).
    fn parsed(text: &str) -> Vec<(String, String)> {
        let body: Body = text.parse().unwrap_or_else(|e| panic!("the plan parses as HCL: {e}\n{text}"));
        body.blocks()
            .filter(|b| b.has_ident("import"))
            .map(|b| {
                let to = b.body.get_attribute("to").expect("to").value.to_string().trim().to_owned();
                let id = b.body.get_attribute("id").expect("id").value.as_str().expect("a string id").to_owned();
                (to, id)
            })
            .collect()
    }

    fn file<'p>(plan: &'p AdoptPlan, name: &str) -> &'p PlanFile {
        plan.files
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no {name}: {:?}", plan.files.iter().map(|f| &f.name).collect::<Vec<_>>()))
    }

    /// Every registered kind's import facet is carried out: an importable kind gets an
    /// import block of its type, an unimportable one is listed with the registry's reason.
    #[test]
    fn issue_29_every_kind_is_imported_or_refused_as_its_registry_entry_says() {
        for kind in crate::model::kinds::ALL {
            let name = kind.spec.kind;
            let mut r = live(name, "thing-0a1b2c3d");
            r.arn = crate::model::arn::build(name, REGION, ACCOUNT, &r.id);
            let (inventory, states) = world(vec![r]);
            let plan = plan_of(&inventory, &states, &Options::default());
            let text: String = plan.files.iter().map(PlanFile::text).collect();
            let blocks = parsed(&text);
            match kind.import {
                Import::Unsupported(why) => {
                    assert!(text.contains(why), "{name}: import: the reason is not in the plan:\n{text}");
                }
                Import::Id(tf_type) | Import::Arn(tf_type) => assert!(
                    blocks.iter().any(|(to, _)| to.starts_with(&format!("{tf_type}."))),
                    "{name}: import: no {tf_type} block:\n{text}"
                ),
                Import::QueueUrl | Import::LoadBalancer => {
                    assert!(!blocks.is_empty(), "{name}: import: no block:\n{text}");
                }
            }
        }
    }

    #[test]
    fn issue_13_names_are_valid_identifiers() {
        assert_eq!(identifier("staging-bastion").as_deref(), Some("staging-bastion"));
        assert_eq!(identifier("web server (old)").as_deref(), Some("web_server_old"));
        assert_eq!(identifier("10.0.0.0/16").as_deref(), Some("_10_0_0_0_16"));
        assert_eq!(identifier("-edge").as_deref(), Some("_-edge"));
        assert_eq!(identifier("Ünïcödé").as_deref(), Some("Unicode"));
        let cjk = identifier("数据库").expect("transliterated");
        assert!(cjk.is_ascii() && !cjk.is_empty(), "{cjk}");
        assert_eq!(identifier("!!! ???"), None);
        assert_eq!(identifier(""), None);
        assert_eq!(identifier(&"a".repeat(200)).map(|s| s.len()), Some(MAX_NAME));
        for text in ["a\"b", "${x}", "x\ny", "é-1", "_", "🚀 rocket"] {
            let name = identifier(text).expect(text);
            assert!(hcl_edit::Ident::try_new(name.as_str()).is_ok(), "{text} → {name}");
            assert!(name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'), "{name}");
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'), "{name}");
        }
    }

    #[test]
    fn issue_13_names_are_unique_per_file_and_avoid_the_states_own() {
        let (inventory, states) = world(vec![
            named(inside(live("ec2:instance", "i-01"), RelationKind::InSubnet, "ec2:subnet", "subnet-0b0b0b0b"), "web"),
            named(inside(live("ec2:instance", "i-02"), RelationKind::InSubnet, "ec2:subnet", "subnet-0b0b0b0b"), "web"),
            named(
                inside(live("ec2:instance", "i-03"), RelationKind::InSubnet, "ec2:subnet", "subnet-0b0b0b0b"),
                "web!",
            ),
            named(
                inside(
                    live("ec2:network-interface", "eni-01"),
                    RelationKind::InSubnet,
                    "ec2:subnet",
                    "subnet-0b0b0b0b",
                ),
                "web",
            ),
        ]);
        let plan = plan_of(&inventory, &states, &Options::default());
        let blocks = parsed(&file(&plan, "network.tf").text());
        let mut to: Vec<&str> = blocks.iter().map(|(to, _)| to.as_str()).collect();
        to.sort_unstable();
        // `aws_instance.web` is already in the network state.
        assert_eq!(
            to,
            ["aws_instance.web_2", "aws_instance.web_3", "aws_instance.web_4", "aws_network_interface.web"],
            "{blocks:?}"
        );
    }

    #[test]
    fn issue_13_each_resource_goes_to_the_state_of_what_it_sits_in() {
        let (inventory, states) = world(vec![
            inside(live("ec2:instance", "i-0a"), RelationKind::InSubnet, "ec2:subnet", "subnet-0b0b0b0b"),
            inside(live("ec2:volume", "vol-0a"), RelationKind::AttachedTo, "ec2:instance", "i-0a"),
            inside(live("ec2:internet-gateway", "igw-0a"), RelationKind::AttachedTo, "ec2:vpc", "vpc-0a0a0a0a"),
            inside(live("eks:nodegroup", "prod:workers"), RelationKind::MemberOf, "eks:cluster", "prod"),
            inside(
                live("ec2:network-interface", "eni-0a"),
                RelationKind::UsesSecurityGroup,
                "ec2:security-group",
                "sg-0c0c0c0c",
            ),
            live("ec2:volume", "vol-0lonely"),
            inside(live("ec2:instance", "i-0elsewhere"), RelationKind::InVpc, "ec2:vpc", "vpc-0ffffff"),
        ]);
        let plan = plan_of(&inventory, &states, &Options::default());
        let names: Vec<&str> = plan.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["dev-app.tf", "network.tf", UNASSIGNED]);
        let ids =
            |name: &str| -> Vec<String> { parsed(&file(&plan, name).text()).into_iter().map(|(_, id)| id).collect() };
        // The app state's table has a route added by hand, too.
        assert_eq!(ids("dev-app.tf"), ["prod:workers", "rtb-0d0d0d0d_10.9.0.0/16"]);
        let network = ids("network.tf");
        for id in ["i-0a", "vol-0a", "igw-0a", "eni-0a"] {
            assert!(network.contains(&id.to_owned()), "{id} in network.tf: {network:?}");
        }
        assert_eq!(ids(UNASSIGNED), ["vol-0lonely", "i-0elsewhere"], "sorted by type");
        assert_eq!(file(&plan, "network.tf").state.as_deref(), Some(NETWORK));
        assert!(file(&plan, "network.tf").text().contains(NETWORK), "the file names its state");
    }

    #[test]
    fn issue_13_import_ids_follow_each_types_syntax() {
        let mut volume = live("ec2:volume", "vol-0b");
        volume.relate_detail(RelationKind::AttachedTo, "ec2:instance", Some("i-0b"), "/dev/sdh");
        let mut table = inside(live("ec2:route-table", "rtb-0f"), RelationKind::InVpc, "ec2:vpc", "vpc-0a0a0a0a");
        table.relate(RelationKind::AssociatedWith, "ec2:subnet", Some("subnet-0b0b0b0b"));
        table.relate(RelationKind::AssociatedWith, "ec2:internet-gateway", Some("igw-0f"));
        let mut lb =
            LiveResource::new("elasticloadbalancing:loadbalancer", "app/web/50dc6c495c0c9188", ACCOUNT, REGION);
        lb.arn = format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188");
        let mut classic = LiveResource::new("elasticloadbalancing:loadbalancer", "old-web", ACCOUNT, REGION);
        classic.arn = format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/old-web");
        let (inventory, states) = world(vec![
            live("ec2:instance", "i-0b"),
            volume,
            table,
            live("eks:nodegroup", "dev:workers"),
            live("ec2:elastic-ip", "eipalloc-0b"),
            live("elasticache:cluster", "sessions"),
            live("elasticache:snapshot", "sessions-nightly"),
            LiveResource::new("sqs:queue", "jobs", ACCOUNT, REGION),
            lb.clone(),
            classic,
        ]);
        let plan = plan_of(&inventory, &states, &Options::default());
        let all: Vec<(String, String)> = plan.files.iter().flat_map(|f| parsed(&f.text())).collect();
        let has = |to_type: &str, id: &str| {
            assert!(
                all.iter().any(|(to, got)| to.starts_with(&format!("{to_type}.")) && got == id),
                "{to_type} {id}: {all:?}"
            );
        };
        has("aws_ebs_volume", "vol-0b");
        has("aws_volume_attachment", "/dev/sdh:vol-0b:i-0b");
        has("aws_route_table", "rtb-0f");
        has("aws_route_table_association", "subnet-0b0b0b0b/rtb-0f");
        has("aws_route_table_association", "igw-0f/rtb-0f");
        has("aws_eks_node_group", "dev:workers");
        has("aws_eip", "eipalloc-0b");
        has("aws_elasticache_cluster", "sessions");
        has("aws_lb", &lb.arn);
        has("aws_elb", "old-web");
        // What has no import is listed, with why, and has no block.
        let text: String = plan.files.iter().map(PlanFile::text).collect();
        assert!(
            text.contains("# elasticache:snapshot sessions-nightly: the AWS provider has no resource type"),
            "{text}"
        );
        has("aws_sqs_queue", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs");
        assert!(!all.iter().any(|(_, id)| id == "sessions-nightly"));
        assert_eq!(plan.listed(), 1);
    }

    #[test]
    fn issue_13_hand_made_routes_and_rules_are_imported_into_their_parents_state() {
        assert_eq!(route_import_id("rtb-1", "10.0.0.0/16"), "rtb-1_10.0.0.0/16");
        assert_eq!(route_import_id("rtb-1", "2001:db8::/56"), "rtb-1_2001:db8::/56");
        assert_eq!(route_import_id("rtb-1", "pl-0570a1d2"), "rtb-1_pl-0570a1d2");
        let rule = |id: Option<&str>, egress, protocol: &str, from, to, cidr: Option<&str>, group: Option<&str>| {
            SecurityGroupRule {
                id: id.map(str::to_owned),
                egress,
                protocol: protocol.to_owned(),
                from_port: from,
                to_port: to,
                cidr_ipv4: cidr.map(str::to_owned),
                cidr_ipv6: None,
                prefix_list: None,
                group: group.map(str::to_owned),
            }
        };
        assert_eq!(
            rule_import("sg-1", &rule(Some("sgr-0abc"), false, "tcp", 443, 443, Some("10.0.0.0/8"), None)),
            ("aws_vpc_security_group_ingress_rule", "sgr-0abc".to_owned())
        );
        assert_eq!(
            rule_import("sg-1", &rule(Some("sgr-0abd"), true, "-1", -1, -1, Some("0.0.0.0/0"), None)),
            ("aws_vpc_security_group_egress_rule", "sgr-0abd".to_owned())
        );
        assert_eq!(
            rule_import("sg-1", &rule(None, false, "6", 8000, 8000, Some("10.0.3.0/24"), None)).1,
            "sg-1_ingress_tcp_8000_8000_10.0.3.0/24"
        );
        assert_eq!(
            rule_import("sg-1", &rule(None, true, "-1", -1, -1, Some("0.0.0.0/0"), None)).1,
            "sg-1_egress_all_0_0_0.0.0.0/0"
        );
        assert_eq!(
            rule_import("sg-1", &rule(None, false, "tcp", 80, 80, None, Some("sg-1"))).1,
            "sg-1_ingress_tcp_80_80_self"
        );
        assert_eq!(
            rule_import("sg-1", &rule(None, false, "tcp", 80, 80, None, Some("sg-2"))).1,
            "sg-1_ingress_tcp_80_80_sg-2"
        );

        // End to end: a route added by hand to the app state's table, a rule to the network
        // state's group.
        let (mut inventory, states) = world(Vec::new());
        let group = inventory.resources.iter_mut().find(|r| r.id == "sg-0c0c0c0c").expect("group");
        group.parts.rules.push(rule(Some("sgr-0fed"), false, "tcp", 22, 22, Some("10.0.0.0/8"), None));
        let plan = plan_of(&inventory, &states, &Options::default());
        assert_eq!(
            parsed(&file(&plan, "dev-app.tf").text()),
            [("aws_route.rtb-0d0d0d0d_10_9_0_0_16".to_owned(), "rtb-0d0d0d0d_10.9.0.0/16".to_owned())]
        );
        assert_eq!(
            parsed(&file(&plan, "network.tf").text()),
            [("aws_vpc_security_group_ingress_rule.sgr-0fed".to_owned(), "sgr-0fed".to_owned())]
        );
    }

    #[test]
    fn issue_13_state_keys_become_safe_unique_file_names() {
        let files = |sources: &[&str]| StateSet {
            files: sources.iter().map(|s| state(s, Vec::new())).collect(),
            ..StateSet::default()
        };
        assert_eq!(
            file_names(&files(&[
                "s3://a/network/terraform.tfstate",
                "s3://a/env:/dev/platform/terraform.tfstate",
                "s3://a/shared/redis.tfstate",
                "s3://b/network/terraform.tfstate",
                "s3://a/unassigned.tfstate",
                "s3://a/équipe/état.tfstate",
                "s3://a/terraform.tfstate",
            ])),
            [
                "network.tf",
                "dev-platform.tf",
                "shared-redis.tf",
                "network-2.tf",
                "stateunassigned.tf",
                "equipe-etat.tf",
                "terraform.tf"
            ]
        );
        assert_eq!(
            file_names(&files(&["/tmp/x/states/dev/platform.tfstate", "/tmp/x/states/shared/redis.tfstate"])),
            ["dev-platform.tf", "shared-redis.tf"]
        );
        assert_eq!(file_names(&files(&["states/net.tfstate"])), ["net.tf"]);
    }

    #[test]
    fn issue_13_the_plan_round_trips_whatever_the_names_hold() {
        let (inventory, states) = world(vec![
            named(live("ec2:volume", "vol-01"), "db \"primary\" ${var.x} %{if}\nnext line"),
            named(live("ec2:volume", "vol-02"), "# not a comment"),
            named(live("ec2:volume", "vol-03"), "数据库"),
        ]);
        let plan = plan_of(&inventory, &states, &Options { env: None, gaps: 2 });
        let unassigned = file(&plan, UNASSIGNED);
        let text = unassigned.text();
        assert!(text.contains("INCOMPLETE"), "an incomplete scan is said in the file: {text}");
        let blocks = parsed(&text);
        let ids: Vec<&str> = blocks.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids.len(), 3, "{text}");
        for id in ["vol-01", "vol-02", "vol-03"] {
            assert!(ids.contains(&id), "{id}: {text}");
        }
        // The body the crate parses back is the body built.
        let reparsed: Body = text.parse().expect("parses");
        assert_eq!(reparsed.to_string(), text);
        assert_eq!(reparsed, unassigned.body);
        assert_eq!(unassigned.blocks, 3);
    }

    #[test]
    fn issue_13_a_file_of_nothing_importable_still_says_what_and_why() {
        let (inventory, states) = world(vec![LiveResource::new("glue:job", "nightly-etl", ACCOUNT, REGION)]);
        let plan = plan_of(&inventory, &states, &Options::default());
        let unassigned = file(&plan, UNASSIGNED);
        let text = unassigned.text();
        assert!(text.starts_with("# Import blocks for resources no state declares"), "{text}");
        assert!(text.contains("# glue:job nightly-etl: leftover does not map"), "{text}");
        assert_eq!((unassigned.blocks, unassigned.listed), (0, 1));
        assert!(parsed(&text).is_empty());
    }

    #[test]
    fn issue_13_only_unmanaged_resources_of_the_environment_asked_for() {
        let env = |mut r: LiveResource, env: &str| {
            r.tags.insert("Environment".into(), env.into());
            r
        };
        let (inventory, states) = world(vec![
            env(live("ec2:volume", "vol-0dev"), "dev"),
            env(live("ec2:volume", "vol-0qa"), "qa"),
            // Made by another tool: not Terraform's to adopt.
            env(
                {
                    let mut r = inside(
                        live("ec2:network-interface", "eni-0k8s"),
                        RelationKind::InSubnet,
                        "ec2:subnet",
                        "subnet-0b0b0b0b",
                    );
                    r.tags.insert("aws:cloudformation:stack-name".into(), "web".into());
                    r
                },
                "dev",
            ),
        ]);
        let plan = plan_of(&inventory, &states, &Options { env: Some("dev".into()), gaps: 0 });
        let all: Vec<String> = plan.files.iter().flat_map(|f| parsed(&f.text())).map(|(_, id)| id).collect();
        assert_eq!(all, ["vol-0dev"]);
    }
}
