//! `price_table`: the prices cost estimates are computed from. The built-in table
//! (`policies/prices.toml`) is compiled in; `--prices FILE` replaces it as a whole. Loading
//! checks every key and value, so a bad file fails at once with its file, line and key.
//! Pure apart from reading the file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::price_error::PriceError;
use crate::model::Location;

/// The compiled-in price table.
pub const DEFAULT_PRICES: &str = include_str!("../../policies/prices.toml");
const DEFAULT_NAME: &str = "policies/prices.toml (built in)";

// ---- the file format -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceFile {
    table: TableFile,
    #[serde(default)]
    instance_hour: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    ebs_gb_month: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    ebs_iops_month: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    ebs_snapshot: Option<SnapshotFile>,
    #[serde(default)]
    elastic_ip: Option<ElasticIpFile>,
    #[serde(default)]
    nat_gateway: Option<HourFile>,
    #[serde(default)]
    eks_cluster: Option<HourFile>,
    #[serde(default)]
    load_balancer_hour: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    cache_node_hour: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    rds_instance_hour: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    rds_storage_gb_month: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    rds_snapshot: Option<SnapshotFile>,
    #[serde(default)]
    per_month: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    storage_gb_month: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    free: Option<FreeFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    date: Spanned<String>,
    #[serde(default)]
    currency: Option<Spanned<String>>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    hours_per_month: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotFile {
    gb_month: Spanned<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ElasticIpFile {
    #[serde(default)]
    idle_hour: Option<Spanned<toml::Value>>,
    #[serde(default)]
    associated_hour: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HourFile {
    hour: Spanned<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FreeFile {
    kinds: Vec<Spanned<String>>,
}

// ---- the checked table -------------------------------------------------------------------

/// Load balancer types a price can be given for.
const LOAD_BALANCER_TYPES: [&str; 4] = ["application", "classic", "gateway", "network"];

/// Prices, checked. A price that is absent means "no price", never zero.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceTable {
    /// Where the table came from: the built-in name or the file's path.
    pub source: String,
    /// When the prices were written down (`YYYY-MM-DD`).
    pub date: String,
    pub currency: String,
    pub note: Option<String>,
    pub hours_per_month: f64,
    /// Per instance-hour, by instance type.
    pub instance_hour: BTreeMap<String, f64>,
    /// Per GB-month, by EBS volume type.
    pub ebs_gb_month: BTreeMap<String, f64>,
    /// Per provisioned IOPS-month, by EBS volume type.
    pub ebs_iops_month: BTreeMap<String, f64>,
    pub ebs_snapshot_gb_month: Option<f64>,
    pub elastic_ip_idle_hour: Option<f64>,
    pub elastic_ip_associated_hour: Option<f64>,
    pub nat_gateway_hour: Option<f64>,
    pub eks_cluster_hour: Option<f64>,
    /// Per hour, by load balancer type (`application`, `network`, `gateway`, `classic`).
    pub load_balancer_hour: BTreeMap<String, f64>,
    /// Per node-hour, by cache node type.
    pub cache_node_hour: BTreeMap<String, f64>,
    /// Per single-AZ instance-hour, by DB instance class (multi-AZ runs two).
    pub rds_instance_hour: BTreeMap<String, f64>,
    /// Per GB-month, by RDS storage type (single-AZ; multi-AZ stores twice).
    pub rds_storage_gb_month: BTreeMap<String, f64>,
    pub rds_snapshot_gb_month: Option<f64>,
    /// Per resource-month, by what is charged (`kms_key`, `secret`, `hosted_zone`).
    pub per_month: BTreeMap<String, f64>,
    /// Per GB-month stored, by what stores it (`efs_standard`, `logs`).
    pub storage_gb_month: BTreeMap<String, f64>,
    /// Kinds that cost nothing by themselves.
    pub free: BTreeSet<String>,
}

impl PriceTable {
    /// Where its prices come from, as a report names it.
    pub fn source(&self) -> super::PriceSource {
        super::PriceSource { source: self.source.clone(), date: self.date.clone(), note: self.note.clone() }
    }

    /// The compiled-in table.
    ///
    /// # Panics
    ///
    /// When the built-in table does not load, which a unit test rules out.
    pub fn builtin() -> Self {
        // The built-in table is part of the binary and tested; failing here is a build defect.
        Self::parse(DEFAULT_NAME, DEFAULT_PRICES).unwrap_or_else(|err| panic!("built-in price table: {err}"))
    }

    /// The table in `file`, or the built-in one.
    pub fn load(file: Option<&Path>) -> Result<Self, PriceError> {
        let Some(path) = file else { return Ok(Self::builtin()) };
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| PriceError::Read { file: name.clone(), source })?;
        Self::parse(&name, &text)
    }

    /// Parses and checks a table's text; `name` is how errors name the file.
    pub fn parse(name: &str, text: &str) -> Result<Self, PriceError> {
        let file: PriceFile = toml::from_str(text).map_err(|err| {
            let (location, message) = Location::of_toml_error(name, text, &err);
            PriceError::Invalid { location, message }
        })?;
        let at = |span: std::ops::Range<usize>, key: &str| Location::at(name, text, span, key);
        let invalid = |location: Location, message: String| PriceError::Invalid { location, message };
        let price = |value: &Spanned<toml::Value>, key: &str| -> Result<f64, PriceError> {
            #[allow(clippy::cast_precision_loss)] // prices are far below 2^52
            let number = match value.get_ref() {
                toml::Value::Float(f) => *f,
                toml::Value::Integer(i) => *i as f64,
                other => {
                    return Err(invalid(
                        at(value.span(), key),
                        format!("expected a price (a number), found {}", other.type_str()),
                    ));
                }
            };
            if !number.is_finite() || number < 0.0 {
                return Err(invalid(at(value.span(), key), format!("price {number} is not a number of 0 or more")));
            }
            Ok(number)
        };
        let prices = |section: &str, map: &BTreeMap<String, Spanned<toml::Value>>| {
            map.iter()
                .map(|(k, v)| Ok((k.clone(), price(v, &format!("{section}.{k}"))?)))
                .collect::<Result<BTreeMap<String, f64>, PriceError>>()
        };

        let date = file.table.date.get_ref();
        if !is_date(date) {
            return Err(invalid(
                at(file.table.date.span(), "table.date"),
                format!("date {date:?} is not a date (YYYY-MM-DD)"),
            ));
        }
        let currency = match &file.table.currency {
            None => "USD".to_owned(),
            Some(c) if c.get_ref().len() == 3 && c.get_ref().bytes().all(|b| b.is_ascii_uppercase()) => {
                c.get_ref().clone()
            }
            Some(c) => {
                return Err(invalid(
                    at(c.span(), "table.currency"),
                    format!("currency {:?} is not a three-letter code such as \"USD\"", c.get_ref()),
                ));
            }
        };
        let hours_per_month = match &file.table.hours_per_month {
            None => 730.0,
            Some(h) => {
                let hours = price(h, "table.hours_per_month")?;
                if !(1.0..=744.0).contains(&hours) {
                    return Err(invalid(
                        at(h.span(), "table.hours_per_month"),
                        format!("{hours} hours is not between 1 and 744 (a month)"),
                    ));
                }
                hours
            }
        };
        let load_balancer_hour = prices("load_balancer_hour", &file.load_balancer_hour)?;
        for (kind, value) in &file.load_balancer_hour {
            if !LOAD_BALANCER_TYPES.contains(&kind.as_str()) {
                return Err(invalid(
                    at(value.span(), &format!("load_balancer_hour.{kind}")),
                    format!("unknown load balancer type {kind:?} (expected one of {})", LOAD_BALANCER_TYPES.join(", ")),
                ));
            }
        }
        let mut free = BTreeSet::new();
        for kind in file.free.iter().flat_map(|f| &f.kinds) {
            let (service, kind_type) = kind.get_ref().split_once(':').unwrap_or(("", ""));
            if service.is_empty() || kind_type.is_empty() {
                return Err(invalid(
                    at(kind.span(), "free.kinds"),
                    format!("{:?} is not a kind (service:type, such as \"ec2:vpc\")", kind.get_ref()),
                ));
            }
            free.insert(kind.get_ref().clone());
        }
        let elastic_ip = file.elastic_ip.as_ref();
        Ok(Self {
            source: name.to_owned(),
            date: date.clone(),
            currency,
            note: file.table.note,
            hours_per_month,
            instance_hour: prices("instance_hour", &file.instance_hour)?,
            ebs_gb_month: prices("ebs_gb_month", &file.ebs_gb_month)?,
            ebs_iops_month: prices("ebs_iops_month", &file.ebs_iops_month)?,
            ebs_snapshot_gb_month: file
                .ebs_snapshot
                .as_ref()
                .map(|s| price(&s.gb_month, "ebs_snapshot.gb_month"))
                .transpose()?,
            elastic_ip_idle_hour: elastic_ip
                .and_then(|e| e.idle_hour.as_ref())
                .map(|p| price(p, "elastic_ip.idle_hour"))
                .transpose()?,
            elastic_ip_associated_hour: elastic_ip
                .and_then(|e| e.associated_hour.as_ref())
                .map(|p| price(p, "elastic_ip.associated_hour"))
                .transpose()?,
            nat_gateway_hour: file.nat_gateway.as_ref().map(|n| price(&n.hour, "nat_gateway.hour")).transpose()?,
            eks_cluster_hour: file.eks_cluster.as_ref().map(|n| price(&n.hour, "eks_cluster.hour")).transpose()?,
            load_balancer_hour,
            cache_node_hour: prices("cache_node_hour", &file.cache_node_hour)?,
            rds_instance_hour: prices("rds_instance_hour", &file.rds_instance_hour)?,
            rds_storage_gb_month: prices("rds_storage_gb_month", &file.rds_storage_gb_month)?,
            rds_snapshot_gb_month: file
                .rds_snapshot
                .as_ref()
                .map(|s| price(&s.gb_month, "rds_snapshot.gb_month"))
                .transpose()?,
            per_month: prices("per_month", &file.per_month)?,
            storage_gb_month: prices("storage_gb_month", &file.storage_gb_month)?,
            free,
        })
    }
}

/// `YYYY-MM-DD`, with a month and day in range.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    match parts.as_slice() {
        [y, m, d] => {
            number(y, 4).is_some()
                && number(m, 2).is_some_and(|m| (1..=12).contains(&m))
                && number(d, 2).is_some_and(|d| (1..=31).contains(&d))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_loads_with_its_date() {
        let table = PriceTable::builtin();
        assert!(is_date(&table.date), "{}", table.date);
        assert_eq!(table.currency, "USD");
        assert!((table.hours_per_month - 730.0).abs() < f64::EPSILON);
        assert!(table.instance_hour.contains_key("t3.micro"));
        assert!(table.ebs_gb_month.contains_key("gp3"));
        assert!(table.cache_node_hour.keys().all(|k| k.starts_with("cache.")));
        assert!(table.nat_gateway_hour.is_some() && table.eks_cluster_hour.is_some());
        assert!(table.elastic_ip_idle_hour.is_some());
        assert_eq!(table.load_balancer_hour.len(), 4);
        assert!(table.rds_instance_hour.keys().all(|k| k.starts_with("db.")));
        assert!(table.rds_storage_gb_month.contains_key("gp3") && table.rds_snapshot_gb_month.is_some());
        assert!(table.free.contains("ec2:security-group"));
        assert!(!table.free.contains("ec2:instance"));
    }

    fn error_of(text: &str) -> String {
        PriceTable::parse("prices.toml", text).expect_err("should fail").to_string()
    }

    #[test]
    fn bad_tables_name_file_line_and_key() {
        let msg = error_of("[table]\ndate = \"2026-01-01\"\n\n[instance_hour]\n\"t3.micro\" = \"cheap\"\n");
        assert!(msg.starts_with("prices.toml:5:"), "{msg}");
        assert!(msg.contains("instance_hour.t3.micro"), "{msg}");
        let msg = error_of("[table]\ndate = \"2026-01-01\"\n\n[ebs_gb_month]\ngp3 = -1\n");
        assert!(msg.starts_with("prices.toml:5:") && msg.contains("ebs_gb_month.gp3"), "{msg}");
        let msg = error_of("[table]\ndate = \"last week\"\n");
        assert!(msg.starts_with("prices.toml:2:") && msg.contains("table.date"), "{msg}");
        let msg = error_of("[table]\ndate = \"2026-01-01\"\n[nat_gateway]\nhours = 1\n");
        assert!(msg.starts_with("prices.toml:4:") && msg.contains("hours"), "{msg}");
        let msg = error_of("[table]\ndate = \"2026-01-01\"\n[load_balancer_hour]\nfancy = 1\n");
        assert!(msg.contains("load_balancer_hour.fancy") && msg.contains("unknown load balancer type"), "{msg}");
        let msg = error_of("[instance_hour]\n\"t3.micro\" = 1\n");
        assert!(msg.starts_with("prices.toml:1") && msg.contains("table"), "{msg}");
        let msg = error_of("[table]\ndate = \"2026-01-01\"\n[free]\nkinds = [\"vpc\"]\n");
        assert!(msg.starts_with("prices.toml:4:") && msg.contains("free.kinds"), "{msg}");
        let msg = error_of("[table]\ndate = \"2026-01-01\"\ncurrency = \"dollars\"\n");
        assert!(msg.starts_with("prices.toml:3:") && msg.contains("table.currency"), "{msg}");
    }

    #[test]
    fn a_minimal_table_prices_little_and_integers_are_prices() {
        let table =
            PriceTable::parse("p.toml", "[table]\ndate = \"2026-02-28\"\n[nat_gateway]\nhour = 1\n").expect("valid");
        assert_eq!(table.nat_gateway_hour, Some(1.0));
        assert!(table.instance_hour.is_empty() && table.eks_cluster_hour.is_none());
        assert_eq!(table.source, "p.toml");
    }
}
