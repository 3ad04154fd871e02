//! extract: turns one raw state instance (attributes as JSON) into a `StateResource`,
//! reading its identity, inline declarations, parts, references and checked attributes
//! through the identity tables. Pure; secrets are redacted before anything is read.
//! Attributes are read as a `Val` (borrowed from the resource block as parsed) or as a
//! `serde_json::Value` (legacy states, tests), through the same code.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::Value;

use super::identity::{self, Key, PartKind};
use super::secrets;
use super::state_resource::{Checked, GatewayRoutes, Identity, Mode, Reference, StateResource};
use super::val::Val;
use crate::model::arn::Arn;
use crate::model::kinds;
use crate::model::subresource::{NetworkAclEntry, Route, SecurityGroupRule, SubResources};

/// The parts of a raw instance extraction needs; `A` is the attributes: a `Val` or a
/// `serde_json::Value`.
pub struct RawInstance<'a, A> {
    pub source: &'a Arc<str>,
    pub address: String,
    pub tf_type: &'a str,
    pub mode: Mode,
    pub provider: &'a str,
    pub attributes: A,
    pub sensitive: &'a Value,
    pub tainted: bool,
    pub deposed: Option<String>,
    pub keep_attributes: bool,
}

fn str_at<'v>(attrs: &'v Val<'_>, name: &str) -> Option<&'v str> {
    attrs.get(name).and_then(Val::as_str).filter(|s| !s.is_empty())
}

/// Gives `each` the values at a dotted path where `*` steps into every element of a list,
/// in order, without gathering them: every instance asks for a few paths.
fn each_at<'v, 'a>(value: &'v Val<'a>, path: &str, each: &mut impl FnMut(&'v Val<'a>)) {
    let (step, rest) = match path.split_once('.') {
        Some((step, rest)) => (step, Some(rest)),
        None => (path, None),
    };
    let mut visit = |inner: &'v Val<'a>| match rest {
        Some(rest) => each_at(inner, rest, each),
        None => each(inner),
    };
    if step == "*" {
        value.as_array().into_iter().flatten().for_each(&mut visit);
    } else if let Some(inner) = value.get(step) {
        visit(inner);
    }
}

thread_local! {
    /// The provider configurations, regions and accounts the last instances converted on
    /// this thread named, the latest last: the next one nearly always names one of them, and
    /// then shares its string.
    static RECENT: std::cell::RefCell<[Vec<Arc<str>>; 3]> = const { std::cell::RefCell::new([Vec::new(), Vec::new(), Vec::new()]) };
    /// The attribute path `collect_references` walks, kept between instances: every
    /// instance walks one, and a new string each time would cost an allocation each.
    static PATH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Which name of the instance before `shared` compares with.
#[derive(Clone, Copy)]
enum Named {
    Provider = 0,
    Region = 1,
    Account = 2,
}

/// How many names of each sort `shared` remembers: a state names a few providers, regions
/// and accounts, often in turn.
const RECENT_NAMES: usize = 8;

/// `name` as a shared string: the one a recent instance on this thread had, when the same.
fn shared(what: Named, name: &str) -> Arc<str> {
    RECENT.with_borrow_mut(|recent| {
        let names = &mut recent[what as usize];
        if let Some(known) = names.iter().rev().find(|known| ***known == *name) {
            return Arc::clone(known);
        }
        if names.len() == RECENT_NAMES {
            names.remove(0);
        }
        let new: Arc<str> = Arc::from(name);
        names.push(Arc::clone(&new));
        new
    })
}

/// Builds the resource from attributes `serde_json` read (legacy states, tests).
pub fn extract_json(raw: RawInstance<'_, &Value>) -> StateResource {
    let arena = bumpalo::Bump::new();
    extract(RawInstance {
        source: raw.source,
        address: raw.address,
        tf_type: raw.tf_type,
        mode: raw.mode,
        provider: raw.provider,
        attributes: Val::of(raw.attributes, &arena),
        sensitive: raw.sensitive,
        tainted: raw.tainted,
        deposed: raw.deposed,
        keep_attributes: raw.keep_attributes,
    })
}

/// Builds the resource. Never fails: what cannot be read is left out.
pub fn extract(raw: RawInstance<'_, Val<'_>>) -> StateResource {
    let mut attrs = raw.attributes;
    attrs.normalize();
    secrets::redact(&mut attrs, &secrets::parse_paths(raw.sensitive));

    let arn = str_at(&attrs, "arn");
    let identity = identity_of(raw.tf_type, raw.mode, &attrs, arn);
    let (mut region, mut account) = (None, None);
    if let Some(parsed) = arn.and_then(Arn::parse) {
        if !parsed.region.is_empty() {
            region = Some(parsed.region);
        }
        if !parsed.account.is_empty() {
            account = Some(parsed.account);
        }
    }
    if region.is_none() {
        region = str_at(&attrs, "region").or_else(|| {
            str_at(&attrs, "availability_zone")
                .filter(|az| az.len() > 1 && az.ends_with(|c: char| c.is_ascii_lowercase()))
                .map(|az| &az[..az.len() - 1])
        });
    }
    if account.is_none() {
        account = str_at(&attrs, "owner_id").filter(|o| o.len() == 12 && o.bytes().all(|b| b.is_ascii_digit()));
    }
    let region = region.map(|r| shared(Named::Region, r));
    let account = account.map(|a| shared(Named::Account, a));

    let tags = if raw.tf_type == "aws_ec2_tag" { declared_tag(&attrs) } else { tags_of(&attrs) };
    let tagged = attrs.get("tags").is_some() || attrs.get("tags_all").is_some();
    let mut inline = Vec::new();
    for (path, kind) in identity::inline_of(raw.tf_type) {
        each_at(&attrs, path, &mut |value| {
            if let Some(id) = value.as_str().filter(|s| !s.is_empty()) {
                inline.push((kind.to_owned(), id.to_owned()));
            }
        });
    }
    let parts = parts_of(raw.tf_type, &attrs);
    let gateway_routes = gateway_routes_of(raw.tf_type, &attrs);
    let checked = identity::checked_of(raw.tf_type)
        .filter_map(|(path, live)| {
            let mut first = None;
            each_at(&attrs, path, &mut |value| {
                first.get_or_insert(value);
            });
            let value = first?;
            (!value.is_null()).then(|| Checked {
                path: Cow::Borrowed(path),
                live: Cow::Borrowed(live),
                value: value.to_value(),
            })
        })
        .collect();
    let mut references = Vec::new();
    if raw.mode == Mode::Managed || raw.mode == Mode::Data {
        PATH.with_borrow_mut(|path| {
            path.clear();
            collect_references(&attrs, path, &mut references, true);
        });
    }
    // A resource does not reference itself.
    if let Identity::Live { kind, id } | Identity::Arn { kind, id, .. } = &identity {
        references.retain(|r| !(r.kind == *kind && r.target == *id));
    }
    for (path, account_attr, region_attr) in identity::placed_of(raw.tf_type) {
        for reference in references.iter_mut().filter(|r| r.path == path) {
            reference.account = str_at(&attrs, account_attr).map(str::to_owned);
            reference.region = str_at(&attrs, region_attr).map(str::to_owned);
        }
    }
    // Kept for the whole scan: without the room the list grew into.
    references.shrink_to_fit();

    StateResource {
        source: Arc::clone(raw.source),
        address: raw.address,
        tf_type: raw.tf_type.to_owned(),
        mode: raw.mode,
        provider: shared(Named::Provider, raw.provider),
        identity,
        region,
        account,
        tags,
        tagged,
        inline,
        parts,
        references,
        gateway_routes,
        checked,
        attributes: raw.keep_attributes.then(|| attrs.to_value()),
        tainted: raw.tainted,
        deposed: raw.deposed,
    }
}

fn identity_of(tf_type: &str, mode: Mode, attrs: &Val<'_>, arn: Option<&str>) -> Identity {
    if !identity::is_aws_type(tf_type) {
        return Identity::Foreign;
    }
    let Some(mapping) = identity::mapping(tf_type) else {
        return match arn.and_then(Arn::parse) {
            Some(parsed) => {
                let (kind, id) = parsed.kind_and_id();
                Identity::Arn { kind: kinds::named(kind), id, arn: arn.unwrap_or_default().to_owned() }
            }
            None => Identity::Unmapped,
        };
    };
    let _ = mode;
    match mapping.key {
        Key::Id => match str_at(attrs, "id") {
            Some(id) => Identity::Live { kind: Cow::Borrowed(mapping.kind), id: id.to_owned() },
            None => Identity::NoId,
        },
        Key::Attr(attr) => match str_at(attrs, attr) {
            Some(id) => Identity::Live { kind: Cow::Borrowed(mapping.kind), id: id.to_owned() },
            None => Identity::NoId,
        },
        Key::Arn => match arn.and_then(Arn::parse) {
            Some(parsed) => {
                let (kind, id) = parsed.kind_and_id();
                Identity::Arn { kind: kinds::named(kind), id, arn: arn.unwrap_or_default().to_owned() }
            }
            None => match str_at(attrs, "id") {
                Some(id) => Identity::Live { kind: Cow::Borrowed(mapping.kind), id: id.to_owned() },
                None => Identity::NoId,
            },
        },
        Key::Part { parent_kind, parent_attr, part } => {
            let Some(parent_id) = str_at(attrs, parent_attr) else { return Identity::NoId };
            let parent_kind = if parent_kind == "*" {
                match kinds::kind_of_id(parent_id) {
                    Some(spec) => spec.kind,
                    None => return Identity::Unmapped,
                }
            } else {
                parent_kind
            };
            let parent_id = parent_id_of(parent_kind, parent_id);
            let label = match part {
                PartKind::Route => "route",
                PartKind::Rule | PartKind::RuleIngress | PartKind::RuleEgress => "rule",
                PartKind::AclRule => "network ACL rule",
                PartKind::Other(label) => label,
            };
            Identity::Part {
                parent_kind: Cow::Borrowed(parent_kind),
                parent_id: parent_id.to_owned(),
                part: label.to_owned(),
            }
        }
    }
}

/// The native id of a part's parent from the attribute that names it: the id itself, or
/// the id inside an ARN (a load balancer's `app/NAME/ID`, also from one of its listeners'
/// or listener rules' ARNs, which go on with the listener's own id), or the name at the end
/// of a queue's URL.
fn parent_id_of<'v>(parent_kind: &str, named: &'v str) -> &'v str {
    if let Some(parsed) = Arn::parse(named) {
        let (_, id) = parsed.type_and_id();
        if parent_kind == "elasticloadbalancing:loadbalancer" && id.matches('/').count() > 2 {
            let end = id.match_indices('/').nth(2).map_or(id.len(), |(at, _)| at);
            return &id[..end];
        }
        return id;
    }
    if named.starts_with("https://") || named.starts_with("http://") {
        return named.rsplit('/').next().unwrap_or(named);
    }
    named
}

fn tags_of(attrs: &Val<'_>) -> crate::model::Tags {
    let source = attrs.get("tags_all").filter(|t| t.as_object().is_some_and(|m| !m.is_empty())).or(attrs.get("tags"));
    source
        .and_then(Val::as_object)
        .map(|map| map.iter().filter_map(|(k, v)| v.as_str().map(|v| ((*k).to_owned(), v.to_owned()))).collect())
        .unwrap_or_default()
}

/// The one tag an `aws_ec2_tag` sets on the resource it names (`key`, `value`): kept as
/// the declaration's tags, so that drift counts it as declared on that resource.
fn declared_tag(attrs: &Val<'_>) -> crate::model::Tags {
    match (str_at(attrs, "key"), attrs.get("value").and_then(Val::as_str)) {
        (Some(key), Some(value)) => crate::model::Tags::from([(key.to_owned(), value.to_owned())]),
        _ => crate::model::Tags::new(),
    }
}

const ROUTE_TARGETS: &[&str] = &[
    "vpc_peering_connection_id",
    "nat_gateway_id",
    "transit_gateway_id",
    "network_interface_id",
    "instance_id",
    "egress_only_gateway_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "vpc_endpoint_id",
    "gateway_id",
    "core_network_arn",
];

fn route_from(block: &Val<'_>, destination_keys: &[&str]) -> Option<Route> {
    let destination = destination_keys.iter().find_map(|k| str_at(block, k))?.to_owned();
    let target = ROUTE_TARGETS.iter().find_map(|k| str_at(block, k)).map(str::to_owned);
    Some(Route { destination, target, state: None, origin: None })
}

fn int_at(value: &Val<'_>, name: &str) -> Option<i32> {
    let v = value.get(name)?;
    v.as_i64().and_then(|n| i32::try_from(n).ok()).or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn strings_at<'v>(value: &'v Val<'_>, name: &str) -> Vec<&'v str> {
    match value.get(name) {
        Some(Val::Arr(items)) => items.iter().filter_map(Val::as_str).filter(|s| !s.is_empty()).collect(),
        Some(Val::Str(s)) if !s.is_empty() => vec![*s],
        _ => Vec::new(),
    }
}

/// The group id of a rule's peer: another account's group is written `ACCOUNT/sg-…`, and
/// listed as `sg-…` with the account apart.
fn group_id(peer: &str) -> &str {
    match peer.split_once('/') {
        Some((account, group)) if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) => group,
        _ => peer,
    }
}

/// Expands a Terraform rule block (several CIDRs, groups, `self`) into single-peer rules.
fn rules_from(block: &Val<'_>, egress: bool, own_group: Option<&str>, group_keys: &[&str]) -> Vec<SecurityGroupRule> {
    let protocol = str_at(block, "protocol").unwrap_or("-1").to_owned();
    let from_port = int_at(block, "from_port").unwrap_or(0);
    let to_port = int_at(block, "to_port").unwrap_or(0);
    let base = SecurityGroupRule {
        id: None,
        egress,
        protocol,
        from_port,
        to_port,
        cidr_ipv4: None,
        cidr_ipv6: None,
        prefix_list: None,
        group: None,
    };
    let mut out = Vec::new();
    for cidr in strings_at(block, "cidr_blocks") {
        out.push(SecurityGroupRule { cidr_ipv4: Some(cidr.to_owned()), ..base.clone() });
    }
    for cidr in strings_at(block, "ipv6_cidr_blocks") {
        out.push(SecurityGroupRule { cidr_ipv6: Some(cidr.to_owned()), ..base.clone() });
    }
    for list in strings_at(block, "prefix_list_ids") {
        out.push(SecurityGroupRule { prefix_list: Some(list.to_owned()), ..base.clone() });
    }
    for key in group_keys {
        for group in strings_at(block, key) {
            out.push(SecurityGroupRule { group: Some(group_id(group).to_owned()), ..base.clone() });
        }
    }
    if block.get("self").and_then(Val::as_bool) == Some(true)
        && let Some(own) = own_group
    {
        out.push(SecurityGroupRule { group: Some(own.to_owned()), ..base });
    }
    out
}

fn acl_entry(block: &Val<'_>, egress: bool) -> Option<NetworkAclEntry> {
    Some(NetworkAclEntry {
        rule_number: int_at(block, "rule_no").or_else(|| int_at(block, "rule_number"))?,
        egress,
        protocol: str_at(block, "protocol").unwrap_or("-1").to_owned(),
        action: str_at(block, "action").or_else(|| str_at(block, "rule_action")).unwrap_or("deny").to_ascii_lowercase(),
        cidr: str_at(block, "cidr_block").map(str::to_owned),
        ipv6_cidr: str_at(block, "ipv6_cidr_block").map(str::to_owned),
        from_port: int_at(block, "from_port"),
        to_port: int_at(block, "to_port"),
    })
}

fn parts_of(tf_type: &str, attrs: &Val<'_>) -> SubResources {
    let mut parts = SubResources::default();
    let own_id = str_at(attrs, "id");
    match tf_type {
        "aws_route_table" | "aws_default_route_table" => {
            for block in attrs.get("route").and_then(Val::as_array).into_iter().flatten() {
                if let Some(route) = route_from(block, &["cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"])
                {
                    parts.routes.push(route);
                }
            }
        }
        "aws_route" => {
            if let Some(route) = route_from(
                attrs,
                &["destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"],
            ) {
                parts.routes.push(route);
            }
        }
        "aws_security_group" | "aws_default_security_group" => {
            for (name, egress) in [("ingress", false), ("egress", true)] {
                for block in attrs.get(name).and_then(Val::as_array).into_iter().flatten() {
                    parts.rules.extend(rules_from(block, egress, own_id, &["security_groups"]));
                }
            }
        }
        "aws_security_group_rule" => {
            let egress = str_at(attrs, "type") == Some("egress");
            let own = str_at(attrs, "security_group_id");
            parts.rules.extend(rules_from(attrs, egress, own, &["source_security_group_id"]));
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            parts.rules.push(SecurityGroupRule {
                id: str_at(attrs, "security_group_rule_id").or(own_id).map(str::to_owned),
                egress: tf_type.ends_with("egress_rule"),
                protocol: str_at(attrs, "ip_protocol").unwrap_or("-1").to_owned(),
                from_port: int_at(attrs, "from_port").unwrap_or(-1),
                to_port: int_at(attrs, "to_port").unwrap_or(-1),
                cidr_ipv4: str_at(attrs, "cidr_ipv4").map(str::to_owned),
                cidr_ipv6: str_at(attrs, "cidr_ipv6").map(str::to_owned),
                prefix_list: str_at(attrs, "prefix_list_id").map(str::to_owned),
                group: str_at(attrs, "referenced_security_group_id").map(|g| group_id(g).to_owned()),
            });
        }
        "aws_network_acl" | "aws_default_network_acl" => {
            for (name, egress) in [("ingress", false), ("egress", true)] {
                for block in attrs.get(name).and_then(Val::as_array).into_iter().flatten() {
                    parts.entries.extend(acl_entry(block, egress));
                }
            }
        }
        "aws_network_acl_rule" => {
            let egress = attrs.get("egress").and_then(Val::as_bool).unwrap_or(false);
            parts.entries.extend(acl_entry(attrs, egress));
        }
        _ => {}
    }
    parts
}

/// The route tables a resource has AWS write routes into, and the gateway they go to: a
/// gateway endpoint's prefix-list route in each of its tables, a virtual private gateway's
/// propagated routes. The AWS provider leaves these routes out of `aws_route_table.route`.
fn gateway_routes_of(tf_type: &str, attrs: &Val<'_>) -> Vec<GatewayRoutes> {
    let pair =
        |table: &str, gateway: &str| GatewayRoutes { route_table: table.to_owned(), gateway: gateway.to_owned() };
    let own_id = str_at(attrs, "id");
    match tf_type {
        "aws_vpc_endpoint" => own_id
            .map(|endpoint| strings_at(attrs, "route_table_ids").into_iter().map(|t| pair(t, endpoint)).collect())
            .unwrap_or_default(),
        "aws_vpc_endpoint_route_table_association" => str_at(attrs, "route_table_id")
            .zip(str_at(attrs, "vpc_endpoint_id"))
            .map(|(t, e)| vec![pair(t, e)])
            .unwrap_or_default(),
        "aws_route_table" | "aws_default_route_table" => own_id
            .map(|table| strings_at(attrs, "propagating_vgws").into_iter().map(|g| pair(table, g)).collect())
            .unwrap_or_default(),
        "aws_vpn_gateway_route_propagation" => str_at(attrs, "route_table_id")
            .zip(str_at(attrs, "vpn_gateway_id"))
            .map(|(t, g)| vec![pair(t, g)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Attributes whose values are never references: the resource's own identity, tags, and
/// free text.
fn skip_key(key: &str) -> bool {
    matches!(key, "id" | "arn" | "tags" | "tags_all" | "description" | "name" | "owner_id" | "policy")
}

/// The longest an id `kinds::kind_of_id` recognises can be: its longest prefix and 17
/// digits. Most attribute values are longer or shorter and need not be asked.
const MAX_ID_LEN: usize = {
    let mut longest = 0;
    let mut n = 0;
    while n < kinds::ALL.len() {
        if let Some(prefix) = kinds::ALL[n].spec.id_prefix
            && prefix.len() > longest
        {
            longest = prefix.len();
        }
        n += 1;
    }
    longest + 17
};

fn collect_references(value: &Val<'_>, path: &mut String, out: &mut Vec<Reference>, top: bool) {
    match value {
        Val::Str(text) => {
            let text: &str = text;
            if let Some(spec) = (text.len() <= MAX_ID_LEN).then(|| kinds::kind_of_id(text)).flatten() {
                out.push(Reference::new(path, spec.kind, text));
            } else if text.starts_with("arn:")
                && let Some(parsed) = Arn::parse(text)
            {
                let (kind, id) = parsed.kind_and_id();
                match kinds::spec_of(&kind) {
                    Some(spec) => out.push(Reference::new(path, spec.kind, &id)),
                    None => out.push(Reference::new(path, kind, text)),
                }
            }
        }
        Val::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                let _ = write!(path, "{i}");
                collect_references(item, path, out, false);
                path.truncate(len);
            }
        }
        Val::Obj(members) => {
            for (key, item) in members.iter() {
                if top && skip_key(key) {
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                collect_references(item, path, out, false);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Declared resources for the unit tests of the layers above: what a state of the AWS
/// provider would give for these attributes.
#[cfg(test)]
pub(crate) mod testing {
    use serde_json::Value;

    use super::{RawInstance, extract_json};
    use crate::state::{Mode, StateFile, StateResource};

    /// One managed resource instance at `address`.
    // Taken by value: callers write the attributes in place with `json!`.
    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn declared(source: &str, address: &str, tf_type: &str, attributes: Value) -> StateResource {
        extract_json(RawInstance {
            source: &source.into(),
            address: address.to_owned(),
            tf_type,
            mode: Mode::Managed,
            provider: "provider[\"registry.terraform.io/hashicorp/aws\"]",
            attributes: &attributes,
            sensitive: &Value::Null,
            tainted: false,
            deposed: None,
            keep_attributes: false,
        })
    }

    /// A v4 state at `source` declaring `TYPE.NAME` with these attributes each.
    pub(crate) fn declare(source: &str, resources: &[(&str, &str, Value)]) -> StateFile {
        let resources = resources
            .iter()
            .map(|(tf_type, name, attributes)| {
                declared(source, &format!("{tf_type}.{name}"), tf_type, attributes.clone())
            })
            .collect();
        StateFile { source: source.to_owned(), version: 4, resources, ..StateFile::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(tf_type: &str, attributes: Value) -> StateResource {
        testing::declared("s3://b/k", &format!("{tf_type}.x"), tf_type, attributes)
    }

    #[test]
    fn gateway_endpoints_and_propagations_name_the_tables_aws_writes_routes_into() {
        let pairs = |r: StateResource| -> Vec<(String, String)> {
            r.gateway_routes.into_iter().map(|g| (g.route_table, g.gateway)).collect()
        };
        let endpoint = run("aws_vpc_endpoint", json!({"id": "vpce-1", "route_table_ids": ["rtb-1", "rtb-2"]}));
        assert_eq!(pairs(endpoint), [("rtb-1".into(), "vpce-1".into()), ("rtb-2".into(), "vpce-1".into())]);
        let association = run(
            "aws_vpc_endpoint_route_table_association",
            json!({"id": "a-vpce-11234", "vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-3"}),
        );
        assert!(matches!(&association.identity, Identity::Part { parent_id, .. } if parent_id == "rtb-3"));
        assert_eq!(pairs(association), [("rtb-3".into(), "vpce-1".into())]);
        let table = run("aws_route_table", json!({"id": "rtb-4", "route": [], "propagating_vgws": ["vgw-1"]}));
        assert_eq!(pairs(table), [("rtb-4".into(), "vgw-1".into())]);
        let propagation = run(
            "aws_vpn_gateway_route_propagation",
            json!({"id": "vgw-2_rtb-5", "vpn_gateway_id": "vgw-2", "route_table_id": "rtb-5"}),
        );
        assert_eq!(pairs(propagation), [("rtb-5".into(), "vgw-2".into())]);
        assert!(pairs(run("aws_vpc", json!({"id": "vpc-1", "route_table_ids": ["rtb-6"]}))).is_empty());
    }

    #[test]
    fn instance_identity_inline_and_references() {
        let r = run(
            "aws_instance",
            json!({
                "id": "i-0123456789abcdef0",
                "arn": "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0",
                "subnet_id": "subnet-0a1b2c3d4e5f60718",
                "vpc_security_group_ids": ["sg-0a1b2c3d4e5f60718"],
                "root_block_device": [{"volume_id": "vol-0a1b2c3d4e5f60718"}],
                "primary_network_interface_id": "eni-0a1b2c3d4e5f60718",
                "instance_type": "t3.micro",
                "tags_all": {"Name": "web", "Environment": "dev"}
            }),
        );
        assert_eq!(r.identity, Identity::Live { kind: "ec2:instance".into(), id: "i-0123456789abcdef0".into() });
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        assert_eq!(r.account.as_deref(), Some("123456789012"));
        assert!(r.inline.contains(&("ec2:volume".into(), "vol-0a1b2c3d4e5f60718".into())));
        assert!(r.inline.contains(&("ec2:network-interface".into(), "eni-0a1b2c3d4e5f60718".into())));
        assert!(r.references.iter().any(|x| x.kind == "ec2:subnet" && x.path == "subnet_id"));
        assert!(r.references.iter().any(|x| x.kind == "ec2:security-group" && x.path == "vpc_security_group_ids.0"));
        assert_eq!(r.tags.get("Environment").map(String::as_str), Some("dev"));
        assert_eq!(r.checked[0].live, "instance_type");
    }

    #[test]
    fn routes_inline_and_separate() {
        let table = run(
            "aws_route_table",
            json!({"id": "rtb-0a1b2c3d", "route": [{"cidr_block": "10.1.0.0/16", "vpc_peering_connection_id": "pcx-0a1b2c3d", "gateway_id": ""}]}),
        );
        assert_eq!(table.parts.routes[0].destination, "10.1.0.0/16");
        assert_eq!(table.parts.routes[0].target.as_deref(), Some("pcx-0a1b2c3d"));
        let route = run(
            "aws_route",
            json!({"id": "r-rtb-0a1b2c3d1080289494", "route_table_id": "rtb-0a1b2c3d", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-0a1b2c3d"}),
        );
        assert_eq!(
            route.identity,
            Identity::Part {
                parent_kind: "ec2:route-table".into(),
                parent_id: "rtb-0a1b2c3d".into(),
                part: "route".into()
            }
        );
        assert_eq!(route.parts.routes[0].target.as_deref(), Some("igw-0a1b2c3d"));
    }

    #[test]
    fn security_group_rules_expand() {
        let rule = run(
            "aws_security_group_rule",
            json!({"type": "ingress", "security_group_id": "sg-0a1b2c3d", "protocol": "tcp", "from_port": 443, "to_port": 443,
                   "cidr_blocks": ["10.0.0.0/8", "192.168.0.0/16"], "self": true}),
        );
        assert_eq!(rule.parts.rules.len(), 3);
        assert_eq!(rule.parts.rules[2].group.as_deref(), Some("sg-0a1b2c3d"));
    }

    #[test]
    fn unknown_aws_types_join_by_arn() {
        let r = run(
            "aws_sqs_queue",
            json!({"id": "https://sqs/123/jobs", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs"}),
        );
        assert!(matches!(r.identity, Identity::Arn { ref kind, ref id, .. } if kind == "sqs:queue" && id == "jobs"));
        let r = run("aws_glue_job", json!({"id": "nightly-etl"}));
        assert_eq!(r.identity, Identity::Unmapped);
        // A part of a listed kind is matched inside its parent.
        let r = run("aws_iam_role_policy", json!({"id": "ci:deploy", "role": "ci"}));
        assert!(matches!(r.identity, Identity::Part { ref parent_kind, ref parent_id, .. }
            if parent_kind == "iam:role" && parent_id == "ci"));
        let r = run("random_id", json!({"id": "abc"}));
        assert_eq!(r.identity, Identity::Foreign);
    }

    #[test]
    fn issue_12_eks_add_ons_and_fargate_profiles_join_by_arn() {
        let arn = "arn:aws:eks:us-east-1:123456789012:addon/dev/vpc-cni/7ac8a4e2-1b2c-3d4e-5f60-718293a4b5c6";
        let r = run(
            "aws_eks_addon",
            json!({"id": "dev:vpc-cni", "arn": arn, "cluster_name": "dev", "addon_name": "vpc-cni"}),
        );
        assert_eq!(r.identity, Identity::Arn { kind: "eks:addon".into(), id: "dev:vpc-cni".into(), arn: arn.into() });
        let arn = "arn:aws:eks:us-east-1:123456789012:fargateprofile/dev/system/5cc8a4e2-1b2c-3d4e-5f60-718293a4b5c6";
        let r = run("aws_eks_fargate_profile", json!({"id": "dev:system", "arn": arn, "cluster_name": "dev"}));
        assert_eq!(
            r.identity,
            Identity::Arn { kind: "eks:fargate-profile".into(), id: "dev:system".into(), arn: arn.into() }
        );
        let r = run("aws_eks_addon", json!({"id": "dev:coredns", "cluster_name": "dev"}));
        assert_eq!(r.identity, Identity::Live { kind: "eks:addon".into(), id: "dev:coredns".into() });
    }

    #[test]
    fn issue_12_an_ec2_tag_declares_its_one_tag_on_the_resource_it_names() {
        let r = run(
            "aws_ec2_tag",
            json!({"id": "subnet-0a1b2c3d4e5f60718,kubernetes.io/role/elb", "resource_id": "subnet-0a1b2c3d4e5f60718",
                   "key": "kubernetes.io/role/elb", "value": "1"}),
        );
        assert_eq!(
            r.identity,
            Identity::Part {
                parent_kind: "ec2:subnet".into(),
                parent_id: "subnet-0a1b2c3d4e5f60718".into(),
                part: "tag".into()
            }
        );
        assert_eq!(r.tags, crate::model::Tags::from([("kubernetes.io/role/elb".to_owned(), "1".to_owned())]));
        assert!(!r.tagged);
    }

    #[test]
    fn issue_12_a_peering_with_another_account_places_its_peer_vpc_there() {
        let r = run(
            "aws_vpc_peering_connection",
            json!({"id": "pcx-0a1b2c3d4e5f60718", "vpc_id": "vpc-0a1b2c3d4e5f60718", "peer_vpc_id": "vpc-0f1e2d3c4b5a69788",
                   "peer_owner_id": "210987654321", "peer_region": "eu-west-1"}),
        );
        let own = r.references.iter().find(|x| x.path == "vpc_id").expect("vpc_id");
        assert_eq!((own.account.as_deref(), own.region.as_deref()), (None, None));
        let peer = r.references.iter().find(|x| x.path == "peer_vpc_id").expect("peer_vpc_id");
        assert_eq!((peer.account.as_deref(), peer.region.as_deref()), (Some("210987654321"), Some("eu-west-1")));
        let rule = run(
            "aws_security_group_rule",
            json!({"type": "ingress", "security_group_id": "sg-0a1b2c3d", "protocol": "tcp", "from_port": 443,
                   "to_port": 443, "source_security_group_id": "210987654321/sg-0f1e2d3c"}),
        );
        assert_eq!(rule.parts.rules[0].group.as_deref(), Some("sg-0f1e2d3c"));
    }

    #[test]
    fn secrets_never_reach_the_resource() {
        let r = extract_json(RawInstance {
            source: &"s".into(),
            address: "aws_db_instance.db".into(),
            tf_type: "aws_db_instance",
            mode: Mode::Managed,
            provider: "p",
            attributes: &json!({"id": "db", "password": "vpc-0a1b2c3d4e5f6071", "custom": "sg-0a1b2c3d4e5f6071"}),
            sensitive: &json!([[{"type": "get_attr", "value": "custom"}]]),
            tainted: false,
            deposed: None,
            keep_attributes: true,
        });
        let text = serde_json::to_string(&r).expect("json");
        assert!(!text.contains("vpc-0a1b2c3d4e5f6071"));
        assert!(!text.contains("sg-0a1b2c3d4e5f6071"));
    }
}
