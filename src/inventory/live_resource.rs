//! `live_resource`: one thing that exists in an AWS account, as the inventory saw it.

use serde::{Deserialize, Serialize};

use crate::model::relation::{Relation, RelationKind};
use crate::model::subresource::SubResources;
use crate::model::{arn, kinds};

/// Where a live record came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The service's own listing (authoritative for existence).
    #[default]
    Native,
    /// Only the Resource Groups Tagging API (which lists tagged resources only).
    Tagging,
}

/// One live resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveResource {
    /// `service:type`, e.g. `ec2:instance`.
    pub kind: String,
    /// The native id: `i-…`, `sg-…`, a cluster name, `cluster:nodegroup` for nodegroups.
    pub id: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "crate::model::Tags::is_empty")]
    pub tags: crate::model::Tags,
    /// The lifecycle status the service reports (`running`, `available`, `deleted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// The attributes checks compare or classify by (`cidr_block`, `instance_type`,
    /// `is_default`, `description`, …).
    #[serde(default, skip_serializing_if = "crate::model::SortedMap::is_empty")]
    pub attributes: crate::model::SortedMap<serde_json::Value>,
    #[serde(default, skip_serializing_if = "SubResources::is_empty")]
    pub parts: SubResources,
    #[serde(default)]
    pub origin: Origin,
    /// When AWS says the resource was made (RFC 3339), where the service reports it: an
    /// instance's launch time, a volume's create time. Absent otherwise, never guessed.
    /// An addition to saved inventories; older ones load without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

impl LiveResource {
    /// A resource of a known kind; its ARN is built from the kind table.
    pub fn new(kind: &str, id: impl Into<String>, account: &str, region: &str) -> Self {
        let id = id.into();
        let arn = arn::build(kind, region, account, &id);
        Self {
            kind: kind.to_owned(),
            id,
            arn,
            account: account.to_owned(),
            region: region.to_owned(),
            tags: crate::model::Tags::new(),
            status: None,
            relations: Vec::new(),
            attributes: crate::model::SortedMap::new(),
            parts: SubResources::default(),
            origin: Origin::Native,
            created: None,
        }
    }

    /// Whether the resource still exists (it may be listed in a final status such as
    /// `terminated` or `deleted` for a while after it is gone).
    pub fn exists(&self) -> bool {
        !kinds::is_gone(&self.kind, self.status.as_deref())
    }

    /// The `Name` tag, if any.
    pub fn name(&self) -> Option<&str> {
        self.tags.get("Name").map(String::as_str)
    }

    /// Targets of relations of one kind.
    pub fn related(&self, kind: RelationKind) -> impl Iterator<Item = &Relation> {
        self.relations.iter().filter(move |r| r.kind == kind)
    }

    /// The first target of a relation kind.
    pub fn first_related(&self, kind: RelationKind) -> Option<&str> {
        self.related(kind).next().map(|r| r.target.as_str())
    }

    pub fn attr_str(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).and_then(serde_json::Value::as_str)
    }

    pub fn attr_bool(&self, name: &str) -> bool {
        self.attributes.get(name).and_then(serde_json::Value::as_bool).unwrap_or(false)
    }

    /// Builder helpers used while listing.
    pub fn set_attr(&mut self, name: &str, value: impl Into<serde_json::Value>) {
        self.attributes.insert(name.to_owned(), value.into());
    }

    pub fn set_attr_opt<V: Into<serde_json::Value>>(&mut self, name: &str, value: Option<V>) {
        if let Some(value) = value {
            self.set_attr(name, value);
        }
    }

    /// Records when AWS says the resource was made, if it says so.
    pub fn set_created(&mut self, at: Option<&aws_smithy_types::DateTime>) {
        self.created = at.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
    }

    pub fn relate(&mut self, kind: RelationKind, target_kind: &str, target: Option<&str>) {
        if let Some(target) = target.filter(|t| !t.is_empty()) {
            self.relations.push(Relation::new(kind, target_kind, target));
        }
    }

    pub fn relate_detail(
        &mut self,
        kind: RelationKind,
        target_kind: &str,
        target: Option<&str>,
        detail: impl Into<String>,
    ) {
        if let Some(target) = target.filter(|t| !t.is_empty()) {
            self.relations.push(Relation::new(kind, target_kind, target).with_detail(detail));
        }
    }

    /// A relation to a target that may belong to another account (`target_account`).
    pub fn relate_in(
        &mut self,
        kind: RelationKind,
        target_kind: &str,
        target: Option<&str>,
        target_account: Option<&str>,
        detail: impl Into<String>,
    ) {
        if let Some(target) = target.filter(|t| !t.is_empty()) {
            let relation =
                Relation::new(kind, target_kind, target).with_detail(detail).in_account(target_account, &self.account);
            self.relations.push(relation);
        }
    }

    pub fn set_tags<'a>(&mut self, tags: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>) {
        for (key, value) in tags {
            if let Some(key) = key {
                self.tags.insert(key.to_owned(), value.unwrap_or_default().to_owned());
            }
        }
    }
}
