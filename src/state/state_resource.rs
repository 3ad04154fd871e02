//! `state_resource`: one resource instance declared in a state, reduced to what leftover
//! needs: its address, its identity in AWS, what it declares inline, what it references,
//! and the attributes drift compares. Secret values never reach this type.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::model::subresource::SubResources;

/// `managed` resources are declared; `data` sources only read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

/// How the declared resource is found among live ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Identity {
    /// A live resource of `kind` (the kind table's own name) with native `id`.
    Live { kind: Cow<'static, str>, id: String },
    /// A part inside a parent resource (a route, a rule, an association).
    Part { parent_kind: Cow<'static, str>, parent_id: String, part: String },
    /// A resource leftover only knows through the tagging API, joined by ARN.
    Arn { kind: Cow<'static, str>, id: String, arn: String },
    /// An AWS type leftover cannot map (no known identity, no ARN).
    Unmapped,
    /// A type of another provider (`random_id`, `kubernetes_*`).
    Foreign,
    /// The instance has no usable id (it failed to create).
    NoId,
}

/// An id or ARN found inside an attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The attribute path, `vpc_id` or `route.0.vpc_peering_connection_id`.
    pub path: String,
    /// The live kind the id names: the kind table's own name when it knows the kind (as it
    /// nearly always does), so that a million references do not each hold a copy.
    pub kind: Cow<'static, str>,
    /// The native id (or, for ARNs of unknown kinds, the ARN).
    pub target: String,
    /// Where the target is, when the resource says it is elsewhere than itself (a peering's
    /// `peer_owner_id` and `peer_region`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Reference {
    /// A reference to `target` of `kind`, placed where the resource that holds it is.
    pub fn new(path: &str, kind: impl Into<Cow<'static, str>>, target: &str) -> Self {
        Self { path: path.to_owned(), kind: kind.into(), target: target.to_owned(), account: None, region: None }
    }
}

/// A route table into which AWS writes routes to a gateway because this resource asked it
/// to: a gateway VPC endpoint's route to its service's prefix list (`route_table_ids`, an
/// `aws_vpc_endpoint_route_table_association`), or the routes a virtual private gateway
/// propagates (`propagating_vgws`, an `aws_vpn_gateway_route_propagation`). Those routes
/// never appear among the table's declared routes, yet they are declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayRoutes {
    /// The route table's id (`rtb-…`).
    pub route_table: String,
    /// The gateway the routes go to (`vpce-…`, `vgw-…`).
    pub gateway: String,
}

/// An attribute drift compares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    /// Both names come from the identity tables; a state index read back owns its copies.
    pub path: Cow<'static, str>,
    pub live: Cow<'static, str>,
    pub value: serde_json::Value,
}

/// One declared resource instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateResource {
    /// `s3://bucket/key` or a path: one string shared by every resource of the state.
    pub source: std::sync::Arc<str>,
    pub address: String,
    pub tf_type: String,
    pub mode: Mode,
    /// The provider configuration: one string shared by the resources around it that name
    /// the same one (nearly all of a state's).
    pub provider: std::sync::Arc<str>,
    pub identity: Identity,
    /// Region and account: strings shared by the resources around it in the same place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<std::sync::Arc<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<std::sync::Arc<str>>,
    #[serde(default, skip_serializing_if = "crate::model::Tags::is_empty")]
    pub tags: crate::model::Tags,
    /// Whether the type has tags at all (a `tags` or `tags_all` attribute), so that an
    /// empty `tags` means "no tags" rather than "cannot say".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tagged: bool,
    /// Live resources this one creates along with itself (kind, id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline: Vec<(String, String)>,
    /// Parts declared inline (a route table's `route` blocks) or, for a part resource, itself.
    #[serde(default, skip_serializing_if = "SubResources::is_empty")]
    pub parts: SubResources,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Route tables this resource has AWS write routes into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateway_routes: Vec<GatewayRoutes>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<Checked>,
    /// The redacted attributes, kept only when asked (`explain`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tainted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
}

impl StateResource {
    pub fn is_managed(&self) -> bool {
        self.mode == Mode::Managed
    }

    /// The live kind and id this resource is, when it is a whole resource.
    pub fn live_key(&self) -> Option<(&str, &str)> {
        match &self.identity {
            Identity::Live { kind, id } | Identity::Arn { kind, id, .. } => Some((kind, id)),
            _ => None,
        }
    }
}
