//! kinds: everything leftover knows about each kind of resource, one module per kind (or per
//! small family that shares one API), gathered in one registry ([`ALL`]). A kind's module
//! decides every facet of it: its spec (name, ARN shape, id prefix, gone statuses, the
//! operation that lists it), the Terraform types that declare it and how their identity is
//! read, the kinds its ownership depends on, how it is priced, how a cleanup plan deletes
//! it (or why it does not), how `plan adopt` imports it (or why it cannot), and the
//! read-only IAM actions its listing needs. Data, not branches: the layers above ask the
//! registry. A facet cannot be left out (every field is required, and each "no" says why);
//! the registry test (`registry_tests`) checks each decided facet against the rest of the
//! project (the IAM policy, the price table, the listings, the cleanup and import plans).

mod acm;
mod apigateway;
mod autoscaling;
mod cloudformation;
mod cloudfront;
mod cloudwatch;
mod dynamodb;
mod ec2_compute;
mod ec2_network;
mod ecr;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod elb;
mod iam;
mod kms;
mod lambda;
mod logs;
mod rds;
#[cfg(test)]
mod registry_tests;
mod route53;
mod s3;
mod secretsmanager;
mod sns;
mod sqs;
mod ssm;

/// One kind of resource, with every facet decided.
#[derive(Debug)]
pub struct Kind {
    pub spec: KindSpec,
    /// The Terraform types that declare it, or why none does.
    pub declared_by: Declared,
    /// Kinds whose listing its ownership depends on: when one of them has a gap, no
    /// `unmanaged` conclusion is drawn about this kind.
    pub ownership: &'static [&'static str],
    pub price: Price,
    pub cleanup: Cleanup,
    pub import: Import,
    /// What it cannot work without: a relation of this kind whose target is gone, in a
    /// listing that is complete, is a broken reference (a function whose role was deleted,
    /// a secret whose key is pending deletion). Only what is certain to break is named.
    pub needs: &'static [(crate::model::relation::RelationKind, &'static str)],
    /// The read-only IAM actions its listing needs (none for a kind known only through the
    /// tagging API, whose action the tagging listing holds).
    pub iam: &'static [&'static str],
}

/// The Terraform types that declare a kind.
#[derive(Debug)]
pub enum Declared {
    Types(&'static [TypeMapping]),
    /// No type declares it: why.
    Never(&'static str),
}

/// How a kind is priced.
#[derive(Debug, PartialEq, Eq)]
pub enum Price {
    /// By the price table (`cost::estimate`), from the listed attributes: what is charged.
    Table(&'static str),
    /// It costs nothing by itself (the price table's `[free]` kinds).
    Free,
    /// Not priced: why.
    Unknown(&'static str),
}

/// How a cleanup plan deletes a kind.
#[derive(Debug, PartialEq, Eq)]
pub enum Cleanup {
    /// Deleted in this tier when no relation orders it (what runs in a network first, the
    /// network last), with the data its deletion destroys, if any, by this command.
    Delete { tier: u8, data_loss: Option<&'static str>, command: Command },
    /// Never deleted by a plan: why.
    Refused(&'static str),
}

/// The command that deletes one resource of a kind.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// `aws SERVICE OPERATION FLAG VALUE [ARGS…] --region REGION`, then, when the deletion
    /// takes a while, `aws SERVICE wait WAITER FLAG VALUE` before anything that needs it gone
    /// (`batch`: one wait call takes many values, as EC2's do). `args` are fixed words
    /// (`--pending-window-in-days 30`).
    Aws {
        service: &'static str,
        operation: &'static str,
        flag: &'static str,
        by: By,
        args: &'static [&'static str],
        wait: Option<Wait>,
    },
    /// Written by the cleanup planner (`plan::cleanup`), which detaches, disassociates or
    /// snapshots first, or picks the API by the resource's shape.
    Planned,
}

/// A waiter: its name and whether one call waits for many resources.
#[derive(Debug, PartialEq, Eq)]
pub struct Wait {
    pub waiter: &'static str,
    /// The waiter's option naming the resource (`--nat-gateway-ids` where the deletion
    /// takes `--nat-gateway-id`).
    pub flag: &'static str,
    pub batch: bool,
}

/// What names the resource in its deletion command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Id,
    Arn,
    /// An SQS queue's URL.
    QueueUrl,
}

/// How a live kind is imported: its Terraform type and the form of its import id, or why
/// it cannot be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Import {
    /// This type, imported by the native id leftover already uses (`i-…`, a cluster name,
    /// `cluster:nodegroup` for a nodegroup, `cluster:addon` for an add-on).
    Id(&'static str),
    /// This type, imported by the resource's ARN.
    Arn(&'static str),
    /// This type, imported by the queue's URL, built from its region, account and name.
    QueueUrl,
    /// A load balancer: `aws_lb` by ARN (application, network, gateway), `aws_elb` by name
    /// (classic), told apart by the ARN.
    LoadBalancer,
    /// No import: why.
    Unsupported(&'static str),
}

/// How a state resource finds its live counterpart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The `id` attribute is the live native id.
    Id,
    /// The named attribute is the live native id (`name` for a type whose `id` is an ARN).
    Attr(&'static str),
    /// The `arn` attribute, read as the tagging API names the resource (`id` when there is
    /// no ARN): kinds leftover only knows through the tagging API (EKS add-ons and Fargate
    /// profiles, which provider `default_tags` tag).
    Arn,
    /// A part of a parent resource, matched inside it: the parent's kind (`*` to infer it
    /// from the id's prefix), the attribute holding the parent's id, and what the part is.
    Part { parent_kind: &'static str, parent_attr: &'static str, part: PartKind },
}

/// What kind of part a sub-resource is; routes, rules and ACL entries are checked one by
/// one inside their parent, other parts only need the parent to exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    Route,
    /// `aws_security_group_rule`: `type` says ingress or egress; may expand to several rules.
    Rule,
    /// `aws_vpc_security_group_ingress_rule` / `_egress_rule`: one rule, with an `sgr-` id.
    RuleIngress,
    RuleEgress,
    AclRule,
    Other(&'static str),
}

/// How one Terraform type declares a kind.
#[derive(Debug)]
pub struct TypeMapping {
    pub tf_type: &'static str,
    pub kind: &'static str,
    pub key: Key,
    /// Destroying it only forgets the resource (the `aws_default_*` family, peering
    /// accepters): a second declaration of the same resource by such a type is not double
    /// ownership.
    pub adopts: bool,
}

pub(super) const fn id(tf_type: &'static str, kind: &'static str) -> TypeMapping {
    TypeMapping { tf_type, kind, key: Key::Id, adopts: false }
}

pub(super) const fn by_attr(tf_type: &'static str, kind: &'static str, attr: &'static str) -> TypeMapping {
    TypeMapping { tf_type, kind, key: Key::Attr(attr), adopts: false }
}

pub(super) const fn by_arn(tf_type: &'static str, kind: &'static str) -> TypeMapping {
    TypeMapping { tf_type, kind, key: Key::Arn, adopts: false }
}

pub(super) const fn adopt(tf_type: &'static str, kind: &'static str) -> TypeMapping {
    TypeMapping { tf_type, kind, key: Key::Id, adopts: true }
}

pub(super) const fn part(
    tf_type: &'static str,
    parent_kind: &'static str,
    parent_attr: &'static str,
    part: PartKind,
) -> TypeMapping {
    TypeMapping { tf_type, kind: parent_kind, key: Key::Part { parent_kind, parent_attr, part }, adopts: false }
}

/// The facts about one kind of live resource.
#[derive(Debug, PartialEq, Eq)]
pub struct KindSpec {
    /// `service:type`, the name reports use.
    pub kind: &'static str,
    /// The ARN's service.
    pub service: &'static str,
    /// The resource type as the ARN spells it (`replicationgroup`, `natgateway`).
    pub arn_type: &'static str,
    /// The separator between type and id in the ARN (`/` or `:`).
    pub arn_sep: char,
    /// Whether the ARN carries the account (EC2 images and snapshots do not).
    pub arn_has_account: bool,
    /// The operation that lists every resource of this kind, when leftover lists it
    /// itself. Only such kinds are authoritative: a declared resource of a kind that is not
    /// listed is never reported missing.
    pub listed_by: Option<&'static str>,
    /// The native id's prefix, for kinds whose ids carry one.
    pub id_prefix: Option<&'static str>,
    /// Statuses in which the resource is still listed but no longer exists.
    pub gone: &'static [&'static str],
    /// A short human name.
    pub label: &'static str,
    /// Whether its listing carries its tags; if not, they come from the tagging API, and a
    /// gap there leaves the kind's tags (and what rests on them) unknown.
    pub tags_listed: bool,
    /// Listed once per account, not per region (IAM, Route 53): its resources are placed in
    /// the region [`GLOBAL`], and a declaration matches one whatever its provider's region.
    pub global: bool,
    /// Whether the ARN carries the region (S3 buckets' and global kinds' do not).
    pub arn_has_region: bool,
}

/// The region of resources of global kinds.
pub const GLOBAL: &str = "global";

pub(super) const fn spec(
    kind: &'static str,
    service: &'static str,
    arn_type: &'static str,
    listed_by: Option<&'static str>,
    id_prefix: Option<&'static str>,
    gone: &'static [&'static str],
    label: &'static str,
) -> KindSpec {
    KindSpec {
        kind,
        service,
        arn_type,
        arn_sep: '/',
        arn_has_account: true,
        listed_by,
        id_prefix,
        gone,
        label,
        tags_listed: true,
        global: false,
        arn_has_region: true,
    }
}

pub(super) const fn colon(mut s: KindSpec) -> KindSpec {
    s.arn_sep = ':';
    s
}

/// An ARN without a resource type (`arn:aws:sqs:REGION:ACCOUNT:NAME`): the type is the
/// service's conventional one, and `arn_sep` is `\0`.
pub(super) const fn untyped(mut s: KindSpec) -> KindSpec {
    s.arn_sep = '\0';
    s
}

/// A kind whose listing gives no tags: they come from the tagging API.
pub(super) const fn tags_from_tagging(mut s: KindSpec) -> KindSpec {
    s.tags_listed = false;
    s
}

/// A kind listed once per account, whose ARN names no region.
pub(super) const fn global(mut s: KindSpec) -> KindSpec {
    s.global = true;
    s.arn_has_region = false;
    s
}

/// A regional kind whose ARN names no region (an S3 bucket's).
pub(super) const fn regionless_arn(mut s: KindSpec) -> KindSpec {
    s.arn_has_region = false;
    s
}

pub(super) const fn no_account(mut s: KindSpec) -> KindSpec {
    s.arn_has_account = false;
    s
}

/// Deleted in `tier` by `aws SERVICE OPERATION FLAG ID`.
pub(super) const fn delete(tier: u8, service: &'static str, operation: &'static str, flag: &'static str) -> Cleanup {
    Cleanup::Delete {
        tier,
        data_loss: None,
        command: Command::Aws { service, operation, flag, by: By::Id, args: &[], wait: None },
    }
}

/// Deleted in `tier` by the cleanup planner's own commands.
pub(super) const fn planned(tier: u8) -> Cleanup {
    Cleanup::Delete { tier, data_loss: None, command: Command::Planned }
}

/// The same deletion, destroying data.
pub(super) const fn losing(cleanup: Cleanup, what: &'static str) -> Cleanup {
    match cleanup {
        Cleanup::Delete { tier, command, .. } => Cleanup::Delete { tier, data_loss: Some(what), command },
        refused @ Cleanup::Refused(_) => refused,
    }
}

/// The same deletion, then `aws SERVICE wait WAITER FLAG` (`batch`: for many at once).
pub(super) const fn waiting(cleanup: Cleanup, waiter: &'static str, flag: &'static str, batch: bool) -> Cleanup {
    match cleanup {
        Cleanup::Delete {
            tier,
            data_loss,
            command: Command::Aws { service, operation, flag: delete_flag, by, args, .. },
        } => Cleanup::Delete {
            tier,
            data_loss,
            command: Command::Aws {
                service,
                operation,
                flag: delete_flag,
                by,
                args,
                wait: Some(Wait { waiter, flag, batch }),
            },
        },
        other => other,
    }
}

/// The same deletion, naming the resource by `by`.
pub(super) const fn naming(cleanup: Cleanup, by: By) -> Cleanup {
    match cleanup {
        Cleanup::Delete { tier, data_loss, command: Command::Aws { service, operation, flag, args, wait, .. } } => {
            Cleanup::Delete { tier, data_loss, command: Command::Aws { service, operation, flag, by, args, wait } }
        }
        other => other,
    }
}

/// The same deletion, with fixed words after the resource (`--recovery-window-in-days 30`).
pub(super) const fn with_args(cleanup: Cleanup, args: &'static [&'static str]) -> Cleanup {
    match cleanup {
        Cleanup::Delete { tier, data_loss, command: Command::Aws { service, operation, flag, by, wait, .. } } => {
            Cleanup::Delete { tier, data_loss, command: Command::Aws { service, operation, flag, by, args, wait } }
        }
        other => other,
    }
}

/// The registry: every kind leftover lists or names, sorted by name (a test keeps it
/// sorted). A new kind is its module and one line here.
pub const ALL: &[&Kind] = &[
    &acm::CERTIFICATE_KIND,
    &apigateway::API_KIND,
    &apigateway::REST_API_KIND,
    &autoscaling::GROUP_KIND,
    &autoscaling::LAUNCH_CONFIGURATION,
    &cloudformation::STACK,
    &cloudfront::DISTRIBUTION_KIND,
    &cloudwatch::ALARM,
    &dynamodb::TABLE,
    &ec2_network::ELASTIC_IP,
    &ec2_compute::IMAGE,
    &ec2_compute::INSTANCE,
    &ec2_network::INTERNET_GATEWAY,
    &ec2_compute::KEY_PAIR,
    &ec2_compute::LAUNCH_TEMPLATE,
    &ec2_network::NAT_GATEWAY,
    &ec2_network::NETWORK_ACL,
    &ec2_network::NETWORK_INTERFACE,
    &ec2_network::ROUTE_TABLE,
    &ec2_network::SECURITY_GROUP,
    &ec2_compute::SNAPSHOT,
    &ec2_network::SUBNET,
    &ec2_network::TRANSIT_GATEWAY,
    &ec2_compute::VOLUME,
    &ec2_network::VPC,
    &ec2_network::VPC_ENDPOINT,
    &ec2_network::VPC_PEERING_CONNECTION,
    &ecr::REPOSITORY_KIND,
    &ecs::CLUSTER_KIND,
    &ecs::SERVICE_KIND,
    &ecs::TASK_DEFINITION_KIND,
    &eks::ADDON,
    &eks::CLUSTER,
    &eks::FARGATE_PROFILE,
    &eks::NODEGROUP,
    &elasticache::CLUSTER,
    &elasticache::PARAMETER_GROUP,
    &elasticache::REPLICATION_GROUP,
    &elasticache::SNAPSHOT,
    &elasticache::SUBNET_GROUP,
    &efs::FILE_SYSTEM_KIND,
    &elb::LOAD_BALANCER,
    &elb::TARGET_GROUP,
    &iam::INSTANCE_PROFILE,
    &iam::POLICY_KIND,
    &iam::ROLE_KIND,
    &iam::USER_KIND,
    &kms::KEY_KIND,
    &lambda::FUNCTION_KIND,
    &logs::LOG_GROUP,
    &rds::CLUSTER,
    &rds::CLUSTER_SNAPSHOT,
    &rds::INSTANCE,
    &rds::SNAPSHOT,
    &rds::SUBNET_GROUP,
    &route53::HOSTED_ZONE,
    &s3::S3_BUCKET,
    &secretsmanager::SECRET_KIND,
    &sns::TOPIC,
    &sqs::QUEUE,
    &ssm::PARAMETER,
];

/// The kind named `kind`, if leftover knows it.
pub fn kind(kind: &str) -> Option<&'static Kind> {
    ALL.binary_search_by(|k| k.spec.kind.cmp(kind)).ok().map(|i| ALL[i])
}

/// Types that declare a part of a resource of any kind, the kind read from the id.
const ANY_KIND: &[TypeMapping] = &[part("aws_ec2_tag", "*", "resource_id", PartKind::Other("tag"))];

/// Every Terraform type the registry maps, with its mapping.
pub fn type_mappings() -> impl Iterator<Item = &'static TypeMapping> {
    ALL.iter()
        .flat_map(|k| match &k.declared_by {
            Declared::Types(types) => types.iter(),
            Declared::Never(_) => [].iter(),
        })
        .chain(ANY_KIND)
}

/// Listed kinds whose tags come from the tagging API: a gap in it leaves them incomplete.
pub fn tags_from_tagging_api() -> impl Iterator<Item = &'static str> {
    ALL.iter().filter(|k| k.spec.listed_by.is_some() && !k.spec.tags_listed).map(|k| k.spec.kind)
}

/// The spec of `kind`, if leftover knows it.
pub fn spec_of(kind: &str) -> Option<&'static KindSpec> {
    self::kind(kind).map(|k| &k.spec)
}

/// The kind named by an ARN's service and resource type (`elasticache` + `replicationgroup`).
pub fn kind_for_arn_type(service: &str, arn_type: &str) -> Option<&'static KindSpec> {
    ALL.iter().map(|k| &k.spec).find(|s| s.service == service && s.arn_type == arn_type)
}

/// The kind of an EC2-style id from its prefix (`pcx-0abc` → `ec2:vpc-peering-connection`).
/// The rest of the id must look like an id (hex digits), so words such as `local` or
/// `sg-rule-name` are not taken for ids.
///
/// Every attribute value of every declared instance is asked, so the digits are checked
/// first (most values fail there) and the table is searched only for a value that has them.
/// Every prefix ends with its only dash (checked below as the table compiles), so the
/// prefix of an id is what comes up to its last dash.
pub fn kind_of_id(id: &str) -> Option<&'static KindSpec> {
    let dash = id.rfind('-')?;
    let (prefix, digits) = (&id[..=dash], &id[dash + 1..]);
    if !(8..=17).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    ALL.iter().map(|k| &k.spec).find(|s| s.id_prefix == Some(prefix))
}

// What `kind_of_id` relies on: every id prefix ends with its only dash.
const _: () = {
    let mut n = 0;
    while n < ALL.len() {
        if let Some(prefix) = ALL[n].spec.id_prefix {
            let bytes = prefix.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                assert!((bytes[i] == b'-') == (i + 1 == bytes.len()), "an id prefix ends with its only dash");
                i += 1;
            }
        }
        n += 1;
    }
};

/// A kind's name as the table spells it when the table knows it (no copy), else `kind`.
pub fn named(kind: String) -> std::borrow::Cow<'static, str> {
    spec_of(&kind).map_or(std::borrow::Cow::Owned(kind), |spec| std::borrow::Cow::Borrowed(spec.kind))
}

/// A human name for a kind: the label when known, the kind itself otherwise.
pub fn label(kind: &str) -> &str {
    spec_of(kind).map_or(kind, |s| s.label)
}

/// Whether a resource of `kind` in `status` no longer exists though it is still listed.
pub fn is_gone(kind: &str, status: Option<&str>) -> bool {
    // Without a status nothing is gone: the kind's spec need not be looked up.
    let Some(status) = status else { return false };
    spec_of(kind).is_some_and(|spec| spec.gone.iter().any(|g| g.eq_ignore_ascii_case(status)))
}

/// The registry as a Markdown table: what `leftover kinds` prints and `docs/kinds.md` holds
/// (a test keeps the file equal to it).
pub fn markdown() -> String {
    let mut out = String::from(
        "| Kind | What | Listed by | Terraform types | Price | Cleanup | Import | IAM actions |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let cell = |text: &str| text.replace('|', "\\|");
    for k in ALL {
        let listed = k.spec.listed_by.map_or_else(|| "tagging API only".to_owned(), |op| format!("`{op}`"));
        let types = match &k.declared_by {
            Declared::Types(types) => {
                let mut types: Vec<&TypeMapping> = types.iter().collect();
                types.sort_by_key(|m| m.tf_type);
                let names: Vec<String> = types
                    .iter()
                    .map(|m| match m.key {
                        Key::Part { .. } => format!("`{}` (part)", m.tf_type),
                        _ => format!("`{}`", m.tf_type),
                    })
                    .collect();
                names.join(", ")
            }
            Declared::Never(why) => format!("none: {why}"),
        };
        let price = match &k.price {
            Price::Table(what) => format!("priced: {what}"),
            Price::Free => "free".to_owned(),
            Price::Unknown(why) => format!("unknown: {why}"),
        };
        let cleanup = match &k.cleanup {
            Cleanup::Delete { tier, data_loss, command } => {
                let how = match command {
                    Command::Aws { service, operation, .. } => format!("`aws {service} {operation}`"),
                    Command::Planned => "its own steps".to_owned(),
                };
                let loss = if data_loss.is_some() { ", DATA LOSS" } else { "" };
                format!("{how} (tier {tier}{loss})")
            }
            Cleanup::Refused(why) => format!("not deleted: {why}"),
        };
        let import = match k.import {
            Import::Id(tf_type) => format!("`{tf_type}` by id"),
            Import::Arn(tf_type) => format!("`{tf_type}` by ARN"),
            Import::QueueUrl => "`aws_sqs_queue` by URL".to_owned(),
            Import::LoadBalancer => "`aws_lb` by ARN, classic `aws_elb` by name".to_owned(),
            Import::Unsupported(why) => format!("no: {why}"),
        };
        let iam = if k.iam.is_empty() {
            "`tag:GetResources`".to_owned()
        } else {
            k.iam.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
        };
        let row = [k.spec.kind, k.spec.label, &listed, &types, &price, &cleanup, &import, &iam];
        out.push('|');
        for (n, text) in row.iter().enumerate() {
            let text = if n == 0 { format!("`{text}`") } else { cell(text) };
            out.push_str(&format!(" {text} |"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in ALL.windows(2) {
            let (a, b) = (pair[0].spec.kind, pair[1].spec.kind);
            assert!(a < b, "{a} must sort before {b}");
        }
    }

    #[test]
    fn ids_are_recognised_by_prefix() {
        assert_eq!(kind_of_id("vpc-0a1b2c3d4e5f60718").map(|s| s.kind), Some("ec2:vpc"));
        assert_eq!(kind_of_id("vpce-0a1b2c3d4e5f60718").map(|s| s.kind), Some("ec2:vpc-endpoint"));
        assert_eq!(kind_of_id("pcx-1a2b3c4d").map(|s| s.kind), Some("ec2:vpc-peering-connection"));
        assert_eq!(kind_of_id("i-0123456789abcdef0").map(|s| s.kind), Some("ec2:instance"));
        assert_eq!(kind_of_id("local"), None);
        assert_eq!(kind_of_id("sg-rule-name"), None);
        assert_eq!(kind_of_id("subnet-"), None);
        assert_eq!(kind_of_id("vpc-abc-0a1b2c3d"), None, "a prefix has one dash");
        assert_eq!(kind_of_id("my-vpc-0a1b2c3d"), None);
        assert_eq!(kind_of_id("0a1b2c3d"), None);
        assert_eq!(kind_of_id("vpc-0a1b2c3"), None, "seven digits");
        assert_eq!(kind_of_id("vpc-0a1b2c3d4e5f607182"), None, "eighteen digits");
        assert_eq!(kind_of_id("vpc-0a1b2c3g"), None);
    }

    #[test]
    fn gone_statuses() {
        assert!(is_gone("ec2:instance", Some("terminated")));
        assert!(!is_gone("ec2:instance", Some("running")));
        assert!(is_gone("ec2:vpc-peering-connection", Some("deleted")));
        assert!(!is_gone("sqs:queue", Some("deleted")));
    }
}
