//! estimate: the estimated monthly cost of one live resource and what goes with it, from a
//! price table. Pure: a function of the resource's attributes and the table. A resource
//! whose type has no price gets no amount, never zero.

use serde::{Deserialize, Serialize};

use super::money;
use super::price_table::PriceTable;
use crate::inventory::LiveResource;
use crate::model::kinds::Price;

/// The estimated monthly cost of a finding's resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Per month, in the price table's currency; `null` when a part has no price.
    pub monthly: Option<f64>,
    /// How it was computed, or what has no price.
    pub basis: String,
}

/// What one resource costs by itself.
#[derive(Clone, Debug, PartialEq)]
enum Charge {
    /// A monthly amount, and how it was computed.
    Priced(f64, String),
    /// Costs nothing by itself.
    Free,
    /// The table has no price for it; says what is missing.
    Unpriced(String),
}

/// Children a parent's own charge already counts: a nodegroup's instances are its nodes,
/// a replication group's clusters are its nodes.
const COUNTED_BY_PARENT: &[(&str, &str)] =
    &[("eks:nodegroup", "ec2:instance"), ("elasticache:replication-group", "elasticache:cluster")];

/// Estimates what `resource` and the resources that go with it (`owned`) cost a month.
pub fn estimate(resource: &LiveResource, owned: &[&LiveResource], table: &PriceTable) -> Estimate {
    let mut total = 0.0;
    let mut parts = Vec::new();
    let mut unpriced = false;
    match charge(resource, table) {
        Charge::Priced(amount, basis) => {
            total += amount;
            parts.push(basis);
        }
        Charge::Free => parts.push(format!("{}: no charge", crate::model::kinds::label(&resource.kind))),
        Charge::Unpriced(what) => return Estimate { monthly: None, basis: what },
    }
    for child in owned {
        if COUNTED_BY_PARENT.contains(&(resource.kind.as_str(), child.kind.as_str())) || !child.exists() {
            continue;
        }
        match charge(child, table) {
            Charge::Priced(amount, basis) => {
                total += amount;
                parts.push(format!("{} {basis}", child.id));
            }
            Charge::Free => {}
            Charge::Unpriced(what) => {
                unpriced = true;
                parts.push(format!("{}: {what}", child.id));
            }
        }
    }
    Estimate { monthly: (!unpriced).then(|| money::round_cents(total)), basis: parts.join(" + ") }
}

/// `730 h × $0.0832` = the monthly amount and its basis.
fn hourly(what: &str, count: f64, price: f64, table: &PriceTable) -> Charge {
    let amount = count * price * table.hours_per_month;
    Charge::Priced(amount, format!("{what}, {} h × {}", table.hours_per_month, money::unit(price, &table.currency)))
}

fn count_attr(resource: &LiveResource, name: &str) -> Option<u64> {
    resource.attributes.get(name).and_then(serde_json::Value::as_u64)
}

/// An RDS DB instance: its class's hours (none while stopped) and its storage, both twice
/// for a multi-AZ instance (a standby runs beside it).
fn rds_instance(r: &LiveResource, table: &PriceTable) -> Charge {
    let currency = table.currency.as_str();
    let (Some(class), Some(size)) = (r.attr_str("instance_class"), count_attr(r, "allocated_storage")) else {
        return Charge::Unpriced("no instance class or storage size known".to_owned());
    };
    let copies = if r.attr_bool("multi_az") { 2.0 } else { 1.0 };
    let az = if copies > 1.0 { " multi-AZ" } else { "" };
    let storage_type = r.attr_str("storage_type").unwrap_or("gp2");
    let Some(&per_gb) = table.rds_storage_gb_month.get(storage_type) else {
        return Charge::Unpriced(format!("no price for RDS storage type {storage_type}"));
    };
    #[allow(clippy::cast_precision_loss)] // sizes are far below 2^52
    let storage = size as f64 * per_gb * copies;
    let storage_basis = format!("{size} GB {storage_type}{az} × {}/GB-month", money::unit(per_gb, currency));
    if r.status.as_deref() == Some("stopped") {
        return Charge::Priced(storage, format!("{class} stopped: no instance hours; {storage_basis}"));
    }
    match table.rds_instance_hour.get(class) {
        Some(&price) => match hourly(&format!("{class}{az}"), copies, price, table) {
            Charge::Priced(amount, basis) => Charge::Priced(amount + storage, format!("{basis} + {storage_basis}")),
            other => other,
        },
        None => Charge::Unpriced(format!("no price for DB instance class {class}")),
    }
}

/// What one resource costs by itself, by kind.
fn charge(r: &LiveResource, table: &PriceTable) -> Charge {
    let currency = table.currency.as_str();
    match r.kind.as_str() {
        "ec2:instance" => {
            let Some(instance_type) = r.attr_str("instance_type") else {
                return Charge::Unpriced("no instance type known".to_owned());
            };
            match r.status.as_deref() {
                Some("stopped" | "stopping" | "shutting-down") => {
                    Charge::Priced(0.0, format!("{instance_type} stopped: no instance hours"))
                }
                _ => match table.instance_hour.get(instance_type) {
                    Some(&price) => hourly(instance_type, 1.0, price, table),
                    None => Charge::Unpriced(format!("no price for instance type {instance_type}")),
                },
            }
        }
        "ec2:volume" => {
            let (Some(size), Some(volume_type)) = (count_attr(r, "size"), r.attr_str("volume_type")) else {
                return Charge::Unpriced("no size or volume type known".to_owned());
            };
            let Some(&per_gb) = table.ebs_gb_month.get(volume_type) else {
                return Charge::Unpriced(format!("no price for volume type {volume_type}"));
            };
            #[allow(clippy::cast_precision_loss)] // sizes and IOPS are far below 2^52
            let mut amount = size as f64 * per_gb;
            let mut basis = format!("{size} GB {volume_type} × {}/GB-month", money::unit(per_gb, currency));
            if let (Some(iops), Some(&per_iops)) = (count_attr(r, "iops"), table.ebs_iops_month.get(volume_type)) {
                #[allow(clippy::cast_precision_loss)]
                let iops_amount = iops as f64 * per_iops;
                amount += iops_amount;
                basis.push_str(&format!(" + {iops} IOPS × {}/IOPS-month", money::unit(per_iops, currency)));
            }
            Charge::Priced(amount, basis)
        }
        "ec2:snapshot" => match (count_attr(r, "size"), table.ebs_snapshot_gb_month) {
            #[allow(clippy::cast_precision_loss)]
            (Some(size), Some(per_gb)) => Charge::Priced(
                size as f64 * per_gb,
                format!("at most {size} GB × {}/GB-month (snapshots are incremental)", money::unit(per_gb, currency)),
            ),
            (None, _) => Charge::Unpriced("no snapshot size known".to_owned()),
            (_, None) => Charge::Unpriced("no price for EBS snapshots".to_owned()),
        },
        "ec2:elastic-ip" => {
            let (price, what) = if r.attr_bool("associated") {
                (table.elastic_ip_associated_hour, "Elastic IP (associated)")
            } else {
                (table.elastic_ip_idle_hour, "idle Elastic IP")
            };
            price.map_or_else(|| Charge::Unpriced(format!("no price for an {what}")), |p| hourly(what, 1.0, p, table))
        }
        "ec2:natgateway" => table.nat_gateway_hour.map_or_else(
            || Charge::Unpriced("no price for NAT gateways".to_owned()),
            |p| hourly("NAT gateway", 1.0, p, table),
        ),
        "eks:cluster" => table.eks_cluster_hour.map_or_else(
            || Charge::Unpriced("no price for EKS clusters".to_owned()),
            |p| hourly("EKS control plane", 1.0, p, table),
        ),
        "eks:nodegroup" => {
            let instance_type = r
                .attributes
                .get("instance_types")
                .and_then(serde_json::Value::as_array)
                .and_then(|types| types.first())
                .and_then(serde_json::Value::as_str);
            let Some(instance_type) = instance_type else {
                return Charge::Unpriced("no instance type known".to_owned());
            };
            let nodes = count_attr(r, "desired_size").unwrap_or(1);
            match table.instance_hour.get(instance_type) {
                #[allow(clippy::cast_precision_loss)]
                Some(&price) => {
                    hourly(&format!("{nodes} × {instance_type} (desired size)"), nodes as f64, price, table)
                }
                None => Charge::Unpriced(format!("no price for instance type {instance_type}")),
            }
        }
        "elasticache:cluster" | "elasticache:replication-group" => {
            let Some(node_type) = r.attr_str("cache_node_type") else {
                return Charge::Unpriced("no cache node type known".to_owned());
            };
            let nodes = if r.kind == "elasticache:cluster" {
                count_attr(r, "num_cache_nodes").unwrap_or(1)
            } else {
                let members =
                    r.attributes.get("member_clusters").and_then(serde_json::Value::as_array).map_or(0, Vec::len);
                u64::try_from(members).unwrap_or(1).max(1)
            };
            match table.cache_node_hour.get(node_type) {
                #[allow(clippy::cast_precision_loss)]
                Some(&price) => hourly(&format!("{nodes} × {node_type}"), nodes as f64, price, table),
                None => Charge::Unpriced(format!("no price for cache node type {node_type}")),
            }
        }
        "elasticloadbalancing:loadbalancer" => {
            // The ARN's resource part: `app/NAME/ID`, `net/…`, `gwy/…`, or a classic `NAME`.
            let lb_type = match r.id.split_once('/').map(|(prefix, _)| prefix) {
                Some("app") => "application",
                Some("net") => "network",
                Some("gwy") => "gateway",
                _ => "classic",
            };
            match table.load_balancer_hour.get(lb_type) {
                Some(&price) => hourly(&format!("{lb_type} load balancer"), 1.0, price, table),
                None => Charge::Unpriced(format!("no price for {lb_type} load balancers")),
            }
        }
        "rds:db" => rds_instance(r, table),
        "rds:snapshot" => match (count_attr(r, "allocated_storage"), table.rds_snapshot_gb_month) {
            #[allow(clippy::cast_precision_loss)]
            (Some(size), Some(per_gb)) => Charge::Priced(
                size as f64 * per_gb,
                format!("at most {size} GB × {}/GB-month", money::unit(per_gb, currency)),
            ),
            (None, _) => Charge::Unpriced("no snapshot size known".to_owned()),
            (_, None) => Charge::Unpriced("no price for RDS snapshots".to_owned()),
        },
        "kms:key" => monthly("kms_key", "KMS key", table),
        "secretsmanager:secret" => monthly("secret", "secret", table),
        "route53:hostedzone" => monthly("hosted_zone", "hosted zone", table),
        "cloudwatch:alarm" => monthly("alarm", "metric alarm", table),
        "ssm:parameter" if r.attr_str("tier") == Some("Advanced") => {
            monthly("ssm_advanced_parameter", "advanced parameter", table)
        }
        "ssm:parameter" => Charge::Priced(0.0, "standard parameter: free".to_owned()),
        "elasticfilesystem:file-system" => stored(r, "size_bytes", "efs_standard", "EFS Standard", table),
        "logs:log-group" => stored(r, "stored_bytes", "logs", "log storage", table),
        kind if table.free.contains(kind) => Charge::Free,
        kind => match crate::model::kinds::kind(kind).map(|k| &k.price) {
            Some(Price::Unknown(why)) => Charge::Unpriced(format!("no price: {why}")),
            _ => Charge::Unpriced(format!("no price for {}", crate::model::kinds::label(kind))),
        },
    }
}

/// A flat price per resource and month.
fn monthly(key: &str, what: &str, table: &PriceTable) -> Charge {
    match table.per_month.get(key) {
        Some(&price) => Charge::Priced(price, format!("{what} × {}/month", money::unit(price, &table.currency))),
        None => Charge::Unpriced(format!("no price for a {what}")),
    }
}

/// A price per GB-month of what the resource stores, as its listing measured it.
fn stored(r: &LiveResource, attr: &str, key: &str, what: &str, table: &PriceTable) -> Charge {
    let (Some(bytes), Some(&per_gb)) = (count_attr(r, attr), table.storage_gb_month.get(key)) else {
        return Charge::Unpriced(format!("no stored size or no price for {what}"));
    };
    #[allow(clippy::cast_precision_loss)] // sizes are far below 2^52 GB
    let gb = bytes as f64 / 1_073_741_824.0;
    Charge::Priced(gb * per_gb, format!("{gb:.1} GB × {}/GB-month", money::unit(per_gb, &table.currency)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(kind: &str, id: &str, attrs: &[(&str, serde_json::Value)]) -> LiveResource {
        let mut r = LiveResource::new(kind, id, "123456789012", "us-east-1");
        for (k, v) in attrs {
            r.set_attr(k, v.clone());
        }
        r
    }

    fn table() -> PriceTable {
        PriceTable::parse(
            "test.toml",
            r#"
[table]
date = "2026-01-01"
hours_per_month = 730
[instance_hour]
"t3.large" = 0.0832
[ebs_gb_month]
gp3 = 0.08
io1 = 0.125
[ebs_iops_month]
io1 = 0.065
[elastic_ip]
idle_hour = 0.005
[nat_gateway]
hour = 0.045
[eks_cluster]
hour = 0.10
[cache_node_hour]
"cache.r6g.large" = 0.206
[load_balancer_hour]
application = 0.0225
[free]
kinds = ["ec2:network-interface"]
"#,
        )
        .expect("valid")
    }

    /// The estimate to the cent, as text (floats are not compared exactly).
    fn monthly(r: &LiveResource, owned: &[&LiveResource]) -> Option<String> {
        estimate(r, owned, &table()).monthly.map(|m| format!("{m:.2}"))
    }

    #[allow(clippy::unnecessary_wraps)] // compared with `monthly`, which is optional
    fn cents(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    #[test]
    fn prices_each_kind_from_its_attributes() {
        let t3 = live("ec2:instance", "i-1", &[("instance_type", "t3.large".into())]);
        assert_eq!(monthly(&t3, &[]), cents("60.74"));
        let gp3 = live("ec2:volume", "vol-1", &[("size", 100.into()), ("volume_type", "gp3".into())]);
        assert_eq!(monthly(&gp3, &[]), cents("8.00"));
        let io1 =
            live("ec2:volume", "vol-2", &[("size", 100.into()), ("volume_type", "io1".into()), ("iops", 1000.into())]);
        assert_eq!(monthly(&io1, &[]), cents("77.50"));
        let eip = live("ec2:elastic-ip", "eipalloc-1", &[("associated", false.into())]);
        assert_eq!(monthly(&eip, &[]), cents("3.65"));
        assert_eq!(monthly(&live("ec2:natgateway", "nat-1", &[]), &[]), cents("32.85"));
        assert_eq!(monthly(&live("eks:cluster", "c", &[]), &[]), cents("73.00"));
        let group = live(
            "elasticache:replication-group",
            "redis",
            &[("cache_node_type", "cache.r6g.large".into()), ("member_clusters", serde_json::json!(["a", "b"]))],
        );
        assert_eq!(monthly(&group, &[]), cents("300.76"));
        assert_eq!(monthly(&live("elasticloadbalancing:loadbalancer", "app/web/0abc", &[]), &[]), cents("16.43"));
    }

    #[test]
    fn unknown_types_have_no_price_never_zero() {
        let odd = live("ec2:instance", "i-1", &[("instance_type", "x9.mega".into())]);
        let e = estimate(&odd, &[], &table());
        assert_eq!(e.monthly, None);
        assert!(e.basis.contains("no price for instance type x9.mega"), "{}", e.basis);
        let queue = live("sqs:queue", "jobs", &[]);
        assert_eq!(monthly(&queue, &[]), None);
        let classic = live("elasticloadbalancing:loadbalancer", "web", &[]);
        assert_eq!(monthly(&classic, &[]), None, "the test table has no classic price");
    }

    #[test]
    fn what_goes_with_a_resource_is_added_and_free_kinds_cost_nothing() {
        let mut instance = live("ec2:instance", "i-1", &[("instance_type", "t3.large".into())]);
        let root = live("ec2:volume", "vol-root", &[("size", 8.into()), ("volume_type", "gp3".into())]);
        let eni = live("ec2:network-interface", "eni-1", &[]);
        let e = estimate(&instance, &[&root, &eni], &table());
        assert_eq!(e.monthly.map(|m| format!("{m:.2}")), cents("61.38"));
        assert!(e.basis.contains("vol-root 8 GB gp3"), "{}", e.basis);
        instance.status = Some("stopped".to_owned());
        assert_eq!(monthly(&instance, &[&root]), cents("0.64"), "a stopped instance costs its volumes");
        let odd = live("ec2:volume", "vol-odd", &[("size", 8.into()), ("volume_type", "gp9".into())]);
        let e = estimate(&instance, &[&root, &odd], &table());
        assert_eq!(e.monthly, None, "a part without a price leaves the whole without one");
        assert!(e.basis.contains("vol-odd: no price for volume type gp9"), "{}", e.basis);
        assert_eq!(monthly(&eni, &[]), cents("0.00"));
    }

    #[test]
    fn a_nodegroup_counts_its_nodes_once() {
        let nodegroup = live(
            "eks:nodegroup",
            "dev:workers",
            &[("instance_types", serde_json::json!(["t3.large"])), ("desired_size", 2.into())],
        );
        let node = live("ec2:instance", "i-node", &[("instance_type", "t3.large".into())]);
        let root = live("ec2:volume", "vol-node", &[("size", 20.into()), ("volume_type", "gp3".into())]);
        assert_eq!(monthly(&nodegroup, &[&node, &root]), cents("123.07"));
    }
}
