//! selector: names the ends of a connectivity expectation: `KIND/ID` for one resource, or
//! `KIND[tag:Key=Value]` for every resource of a kind with that tag.

use std::fmt;
use std::str::FromStr;

/// Kinds an expectation can start or end at.
pub const SELECTABLE: &[&str] = &[
    "ec2:instance",
    "ec2:security-group",
    "ec2:subnet",
    "eks:cluster",
    "elasticache:cluster",
    "elasticache:replication-group",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    Id { kind: String, id: String },
    Tag { kind: String, key: String, value: String },
}

impl Selector {
    pub fn kind(&self) -> &str {
        match self {
            Self::Id { kind, .. } | Self::Tag { kind, .. } => kind,
        }
    }

    /// Whether the live resource of kind `kind`, native id `id`, ARN `arn` and tags `tags`
    /// is selected.
    pub fn selects(&self, kind: &str, id: &str, arn: &str, tags: &crate::model::Tags) -> bool {
        match self {
            Self::Id { kind: k, id: want } => kind == k && (id == want || arn == want),
            Self::Tag { kind: k, key, value } => kind == k && tags.get(key).is_some_and(|v| v == value),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id { kind, id } => write!(f, "{kind}/{id}"),
            Self::Tag { kind, key, value } => write!(f, "{kind}[tag:{key}={value}]"),
        }
    }
}

impl FromStr for Selector {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not KIND/ID or KIND[tag:KEY=VALUE] (KIND one of {})", SELECTABLE.join(", "));
        let (kind, rest) = match (text.find('/'), text.find('[')) {
            (Some(slash), Some(bracket)) if bracket < slash => (&text[..bracket], &text[bracket..]),
            (Some(slash), _) => (&text[..slash], &text[slash..]),
            (None, Some(bracket)) => (&text[..bracket], &text[bracket..]),
            (None, None) => return Err(bad()),
        };
        if !SELECTABLE.contains(&kind) {
            return Err(bad());
        }
        if let Some(id) = rest.strip_prefix('/') {
            if id.is_empty() {
                return Err(bad());
            }
            return Ok(Self::Id { kind: kind.to_owned(), id: id.to_owned() });
        }
        let inner = rest.strip_prefix("[tag:").and_then(|r| r.strip_suffix(']')).ok_or_else(bad)?;
        let (key, value) = inner.split_once('=').ok_or_else(bad)?;
        if key.is_empty() {
            return Err(bad());
        }
        Ok(Self::Tag { kind: kind.to_owned(), key: key.to_owned(), value: value.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_tags() {
        assert_eq!(
            "ec2:subnet/subnet-0abc".parse::<Selector>(),
            Ok(Selector::Id { kind: "ec2:subnet".into(), id: "subnet-0abc".into() })
        );
        assert_eq!(
            "elasticache:replication-group/rosey-redis".parse::<Selector>().map(|s| s.to_string()),
            Ok("elasticache:replication-group/rosey-redis".to_owned())
        );
        assert_eq!(
            "ec2:instance[tag:Role=app]".parse::<Selector>(),
            Ok(Selector::Tag { kind: "ec2:instance".into(), key: "Role".into(), value: "app".into() })
        );
        assert!("ec2:volume/vol-1".parse::<Selector>().is_err());
        assert!("ec2:subnet".parse::<Selector>().is_err());
        assert!("ec2:subnet[tag:Role]".parse::<Selector>().is_err());
        assert!("ec2:subnet/".parse::<Selector>().is_err());
    }
}
