//! subresource: the parts of a live resource that have no life of their own (routes,
//! security group rules, network ACL entries). They are matched inside their parent.

use serde::{Deserialize, Serialize};

/// One route of a route table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The destination: an IPv4 or IPv6 CIDR, or a prefix list id.
    pub destination: String,
    /// The target's native id (`igw-…`, `pcx-…`, `local`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `active` or `blackhole` as AWS reports it. Checks judge the target itself, not this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `CreateRouteTable` (AWS made it: the local route), `CreateRoute`, or
    /// `EnableVgwRoutePropagation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl Route {
    /// Whether AWS made this route by itself, for the table alone: the local route of each
    /// of the VPC's CIDR blocks (IPv4, secondary and IPv6 alike). Propagated routes are
    /// AWS's too, but only because a propagation was enabled: see `propagated`.
    pub fn made_by_aws(&self) -> bool {
        self.target.as_deref() == Some("local") || self.origin.as_deref() == Some("CreateRouteTable")
    }

    /// Whether a virtual private gateway propagated this route into the table (the only
    /// gateway whose routes a VPC route table takes by propagation).
    pub fn propagated(&self) -> bool {
        self.origin.as_deref() == Some("EnableVgwRoutePropagation")
    }
}

/// One security group rule, normalised to a single source or destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    /// `sgr-…` when the listing gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub egress: bool,
    /// `-1` for all, otherwise `tcp`, `udp`, `icmp` or a protocol number.
    pub protocol: String,
    pub from_port: i32,
    pub to_port: i32,
    /// Exactly one of these is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_ipv4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_ipv6: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl SecurityGroupRule {
    /// The rule's peer, whatever its form.
    pub fn peer(&self) -> &str {
        self.cidr_ipv4
            .as_deref()
            .or(self.cidr_ipv6.as_deref())
            .or(self.prefix_list.as_deref())
            .or(self.group.as_deref())
            .unwrap_or("")
    }

    /// A key that two declarations of the same rule share: direction, protocol, ports, peer.
    pub fn key(&self) -> String {
        let protocol = normalize_protocol(&self.protocol);
        let (from, to) = if protocol == "-1" { (0, 0) } else { (self.from_port, self.to_port) };
        format!("{} {protocol} {from}-{to} {}", if self.egress { "egress" } else { "ingress" }, self.peer())
    }

    /// Whether this is the allow-all egress rule AWS adds to every new group.
    pub fn is_default_egress(&self) -> bool {
        self.egress && normalize_protocol(&self.protocol) == "-1" && (self.cidr_ipv4.as_deref() == Some("0.0.0.0/0"))
    }

    /// A readable form: `ingress tcp 443 from 10.0.0.0/8`.
    pub fn describe(&self) -> String {
        let protocol = normalize_protocol(&self.protocol);
        let ports = if protocol == "-1" {
            "all traffic".to_owned()
        } else if self.from_port == self.to_port {
            format!("{protocol} {}", self.from_port)
        } else {
            format!("{protocol} {}-{}", self.from_port, self.to_port)
        };
        let dir = if self.egress { "egress" } else { "ingress" };
        let prep = if self.egress { "to" } else { "from" };
        format!("{dir} {ports} {prep} {}", self.peer())
    }
}

/// `6` and `tcp` are the same protocol; `all` and `-1` too.
pub fn normalize_protocol(protocol: &str) -> String {
    match protocol.to_ascii_lowercase().as_str() {
        "6" => "tcp".to_owned(),
        "17" => "udp".to_owned(),
        "1" => "icmp".to_owned(),
        "all" | "-1" => "-1".to_owned(),
        other => other.to_owned(),
    }
}

/// One network ACL entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAclEntry {
    pub rule_number: i32,
    pub egress: bool,
    pub protocol: String,
    /// `allow` or `deny`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
}

/// The parts a live resource carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubResources {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<SecurityGroupRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<NetworkAclEntry>,
}

impl SubResources {
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty() && self.rules.is_empty() && self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, from: i32, to: i32) -> SecurityGroupRule {
        SecurityGroupRule {
            id: None,
            egress: false,
            protocol: protocol.to_owned(),
            from_port: from,
            to_port: to,
            cidr_ipv4: Some("10.0.0.0/8".to_owned()),
            cidr_ipv6: None,
            prefix_list: None,
            group: None,
        }
    }

    #[test]
    fn protocol_numbers_and_names_share_a_key() {
        assert_eq!(rule("6", 443, 443).key(), rule("tcp", 443, 443).key());
        assert_eq!(rule("-1", -1, -1).key(), rule("all", 0, 0).key());
        assert_ne!(rule("tcp", 443, 443).key(), rule("tcp", 80, 80).key());
    }

    #[test]
    fn local_and_propagated_routes_are_made_by_aws() {
        let local =
            Route { destination: "10.0.0.0/16".into(), target: Some("local".into()), state: None, origin: None };
        assert!(local.made_by_aws());
        let propagated = Route {
            destination: "172.16.0.0/12".into(),
            target: Some("vgw-1".into()),
            state: None,
            origin: Some("EnableVgwRoutePropagation".into()),
        };
        assert!(propagated.propagated() && !propagated.made_by_aws());
        let made = Route {
            destination: "0.0.0.0/0".into(),
            target: Some("igw-1".into()),
            state: None,
            origin: Some("CreateRoute".into()),
        };
        assert!(!made.made_by_aws());
    }
}
