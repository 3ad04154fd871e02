//! who: the person or tool behind a resource, as `CloudTrail` recorded it (`scan --who`): who
//! made a leftover, or who last changed a drifted resource, when and how. Or, when that
//! cannot be known, why not. Pure.

use serde::{Deserialize, Serialize};

/// What the event did to the resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Created,
    Modified,
}

/// How the call was made, from its user agent and the service that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    Console,
    AwsCli,
    Sdk,
    Terraform,
    Cloudformation,
    AwsService,
    Unknown,
}

/// The creator or last modifier of a resource, or why it is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Who {
    pub action: Action,
    /// The principal: `ROLE/SESSION` for an assumed role, a user's name, `root`, or the
    /// AWS service that acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The person behind an IAM Identity Center role: its session name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The role assumed, for an assumed-role session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// When (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The API call (`CreateSecurityGroup`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
    /// Where the call came from (an IP address, or the AWS service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why nothing was found, when nothing was: said, not guessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

impl Who {
    /// Nothing found, for `why`.
    pub fn unknown(action: Action, why: impl Into<String>) -> Self {
        Self {
            action,
            principal: None,
            person: None,
            role: None,
            at: None,
            event: None,
            via: None,
            source: None,
            unknown: Some(why.into()),
        }
    }

    /// Whether an event was found.
    pub fn found(&self) -> bool {
        self.unknown.is_none()
    }

    /// Whom to ask, as a person reads it: the person behind a role when known, else the
    /// role (its sessions are one pipeline's runs), else the principal.
    pub fn actor(&self) -> Option<String> {
        if let Some(person) = &self.person {
            return Some(person.clone());
        }
        if let Some(role) = &self.role {
            return Some(format!("role {role}"));
        }
        self.principal.clone()
    }

    /// `created by someone@example.com in the console on 2026-10-02`; `created by Terraform
    /// as role ci-deploy on 2026-09-14`; or why it is unknown.
    pub fn sentence(&self) -> String {
        let verb = match self.action {
            Action::Created => "created",
            Action::Modified => "last changed",
        };
        if let Some(why) = &self.unknown {
            return format!("{verb} by whom unknown: {why}");
        }
        let day = self.at.as_deref().map_or("an unknown day", |at| at.get(..10).unwrap_or(at));
        let who = match (&self.person, &self.role, &self.principal) {
            (Some(person), _, _) => person.clone(),
            (None, Some(role), _) => format!("role {role}"),
            (None, None, Some(principal)) => principal.clone(),
            _ => "an unknown principal".to_owned(),
        };
        let mut text = match self.via {
            Some(Via::Terraform) => format!("{verb} by Terraform as {who}"),
            Some(Via::Cloudformation) => format!("{verb} by CloudFormation as {who}"),
            Some(Via::Console) => format!("{verb} by {who} in the console"),
            Some(Via::AwsCli) => format!("{verb} by {who} with the AWS CLI"),
            Some(Via::Sdk) => format!("{verb} by {who} with an AWS SDK"),
            Some(Via::AwsService) => format!("{verb} by the AWS service {who}"),
            Some(Via::Unknown) | None => format!("{verb} by {who}"),
        };
        text.push_str(&format!(" on {day}"));
        if let Some(event) = &self.event {
            text.push_str(&format!(" ({event})"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(via: Via, person: Option<&str>, role: Option<&str>, principal: &str) -> Who {
        Who {
            action: Action::Created,
            principal: Some(principal.to_owned()),
            person: person.map(str::to_owned),
            role: role.map(str::to_owned),
            at: Some("2026-10-02T09:14:00Z".to_owned()),
            event: Some("CreateSecurityGroup".to_owned()),
            via: Some(via),
            source: None,
            unknown: None,
        }
    }

    #[test]
    fn issue_31_sentences_say_who_how_and_when() {
        let sso = found(
            Via::Console,
            Some("someone@example.com"),
            Some("AWSReservedSSO_Admin_0123456789abcdef"),
            "AWSReservedSSO_Admin_0123456789abcdef/someone@example.com",
        );
        assert_eq!(sso.sentence(), "created by someone@example.com in the console on 2026-10-02 (CreateSecurityGroup)");
        let ci = found(Via::Terraform, None, Some("ci-deploy"), "ci-deploy/1700000000");
        assert_eq!(ci.sentence(), "created by Terraform as role ci-deploy on 2026-10-02 (CreateSecurityGroup)");
        let gone = Who::unknown(Action::Created, "made before CloudTrail's 90-day history (created 2025-01-04)");
        assert_eq!(
            gone.sentence(),
            "created by whom unknown: made before CloudTrail's 90-day history (created 2025-01-04)"
        );
    }
}
