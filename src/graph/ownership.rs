//! ownership: why a live resource exists. Managed (a state declares it), owned (it exists
//! because something else does), managed elsewhere (another tool owns it), an AWS
//! default, or unmanaged. The rules are data (`policies/default.toml`); this file only
//! applies them. Pure.

use serde::Serialize;

use crate::inventory::LiveResource;
use crate::policy::{OwnershipClass, OwnershipRule};

/// Who owns an owned resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Owner {
    /// A live resource (index into the inventory).
    Live { index: usize },
    /// A declared resource leftover does not list (a load balancer), by kind and id.
    Declared { kind: String, id: String },
    /// A resource that is neither live nor declared (its listing may be incomplete).
    Unresolved { kind: String, id: String },
}

/// The class of one live resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "class", rename_all = "kebab-case")]
pub enum Class {
    /// Declared by at least one managed state resource.
    Managed,
    /// Created along with a managed resource that declares it inline (an instance's root
    /// block device, a VPC's default security group), by state index and resource index.
    DeclaredInline {
        file: usize,
        resource: usize,
    },
    Owned {
        owner: Owner,
        why: String,
    },
    ManagedElsewhere {
        by: String,
        why: String,
    },
    Default {
        why: String,
    },
    Unmanaged {
        note: Option<String>,
    },
    /// Listed in a final status (terminated, deleted): not a live resource.
    Gone,
}

impl Class {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Managed => "managed",
            Self::DeclaredInline { .. } => "owned by a declared resource",
            Self::Owned { .. } => "owned",
            Self::ManagedElsewhere { .. } => "managed elsewhere",
            Self::Default { .. } => "AWS default",
            Self::Unmanaged { .. } => "unmanaged",
            Self::Gone => "gone",
        }
    }
}

/// The kinds `kind`'s ownership depends on (its kind's `ownership` facet): when one of
/// their listings has a gap, no `unmanaged` conclusion is drawn about it.
pub fn depends_on(kind: &str) -> &'static [&'static str] {
    crate::model::kinds::kind(kind).map_or(&[], |k| k.ownership)
}

/// Expands `{tag:KEY}` and `{attr:NAME}` in a template; `None` when a value is missing.
pub fn expand(template: &str, resource: &LiveResource) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        let field = &rest[start + 1..end];
        let value = if let Some(key) = field.strip_prefix("tag:") {
            resource.tags.get(key).cloned()
        } else if let Some(name) = field.strip_prefix("attr:") {
            resource.attributes.get(name).map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        } else {
            None
        }?;
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Whether a rule's conditions hold for a resource.
pub fn conditions_hold(rule: &OwnershipRule, r: &LiveResource) -> bool {
    if rule.kind.as_ref().is_some_and(|g| !g.matches(&r.kind)) {
        return false;
    }
    if let Some(tag) = &rule.tag {
        let found = r.tags.iter().any(|(k, v)| tag.matches(k) && rule.tag_value.as_ref().is_none_or(|g| g.matches(v)));
        if !found {
            return false;
        }
    }
    if let Some(attribute) = &rule.attribute {
        let Some(value) = r.attributes.get(attribute) else { return false };
        if rule.equals.as_ref().is_some_and(|e| e != value) {
            return false;
        }
        if rule.one_of.as_ref().is_some_and(|values| !values.contains(value)) {
            return false;
        }
        if let Some(glob) = &rule.matches
            && !value.as_str().is_some_and(|s| glob.matches(s))
        {
            return false;
        }
    }
    true
}

/// The owner a rule names for a resource: (kind, id), before it is looked up.
pub fn owner_named(rule: &OwnershipRule, r: &LiveResource) -> Option<(String, String)> {
    if let Some(relation) = rule.owner {
        return r
            .related(relation)
            .find(|rel| rule.owner_kind.as_ref().is_none_or(|k| *k == rel.target_kind))
            .map(|rel| (rel.target_kind.clone(), rel.target.clone()));
    }
    let kind = rule.owner_kind.as_ref()?;
    let template = rule.owner_id.as_ref()?;
    let mut id = expand(template, r)?;
    if let Some(prefix) = &rule.strip_prefix {
        id = id.strip_prefix(prefix.as_str()).map_or(id.clone(), str::to_owned);
    }
    (!id.is_empty()).then(|| (kind.clone(), id))
}

/// What a rule made of a resource.
pub fn class_from_rule(rule: &OwnershipRule, r: &LiveResource) -> Option<Class> {
    match rule.class {
        OwnershipClass::ManagedElsewhere => Some(Class::ManagedElsewhere {
            by: rule.owner_label.as_ref().and_then(|l| expand(l, r)).unwrap_or_else(|| "another tool".to_owned()),
            why: rule.why.clone(),
        }),
        OwnershipClass::Default if rule.owner.is_none() && rule.owner_kind.is_none() => {
            Some(Class::Default { why: rule.why.clone() })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_tags_and_attributes() {
        let mut r = LiveResource::new("ec2:instance", "i-1", "1", "r");
        r.tags.insert("eks:cluster-name".into(), "dev".into());
        r.tags.insert("eks:nodegroup-name".into(), "workers".into());
        r.set_attr("description", "ELB app/web/1");
        assert_eq!(expand("{tag:eks:cluster-name}:{tag:eks:nodegroup-name}", &r).as_deref(), Some("dev:workers"));
        assert_eq!(expand("{attr:description}", &r).as_deref(), Some("ELB app/web/1"));
        assert_eq!(expand("{tag:missing}", &r), None);
    }
}
