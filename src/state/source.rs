//! source: where states come from (`s3://bucket[/prefix]`, a file, a directory, an http
//! backend's address, a GitLab project, Terraform Cloud workspaces) and what an object's
//! name says about it: a lock file, a plan, a backup, a workspace's state. Credentials
//! written into an address are kept apart from its name, so no name ever shows them.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// One `--state` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateSource {
    S3 {
        bucket: String,
        prefix: String,
    },
    Path(PathBuf),
    /// A state served by Terraform's `http` backend: a GET of the address returns it.
    Http(HttpAddress),
    /// Every Terraform state GitLab manages for one project (`gitlab://HOST/GROUP/PROJECT`;
    /// `gitlab+http://` for a server without TLS).
    GitLab {
        secure: bool,
        host: String,
        project: String,
    },
    /// The current state of Terraform Cloud / Enterprise workspaces: every workspace of the
    /// organization, or those whose name matches `workspace` (a glob).
    Tfc {
        organization: String,
        workspace: Option<String>,
    },
}

/// An http backend's address, without the user and password written into it (those are
/// in `credentials`, never in the name).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpAddress {
    /// `http(s)://host[:port]/path[?query]`.
    pub url: String,
    pub credentials: Option<(String, String)>,
}

impl fmt::Debug for HttpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpAddress")
            .field("url", &self.url)
            .field("credentials", &self.credentials.as_ref().map(|_| "(redacted)"))
            .finish()
    }
}

impl HttpAddress {
    /// Parses `http(s)://[USER[:PASSWORD]@]HOST/PATH`; `None` when it is not one.
    fn parse(text: &str) -> Option<Self> {
        let (scheme, rest) = text.split_once("://")?;
        if !matches!(scheme, "http" | "https") {
            return None;
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        let (credentials, host) = match authority.rsplit_once('@') {
            Some((user, host)) => {
                let (name, password) = user.split_once(':').unwrap_or((user, ""));
                (Some((percent_decode(name), percent_decode(password))), host)
            }
            None => (None, authority),
        };
        if host.is_empty() {
            return None;
        }
        let path = path.split('#').next().unwrap_or_default();
        let path = if path.is_empty() { "/" } else { path };
        Some(Self { url: format!("{scheme}://{host}{path}"), credentials })
    }

    /// The path of the address (what names the state on its server), without the leading
    /// slash and the query; GitLab's form (`/api/v4/projects/ID/terraform/state/NAME`)
    /// gives the state's name.
    pub fn key(&self) -> String {
        http_key(&self.url)
    }
}

/// The part of an http address that names its state (see [`HttpAddress::key`]).
pub fn http_key(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.find('/').map_or("", |at| &rest[at + 1..]);
    let path = path.split('?').next().unwrap_or_default();
    let path = match path.split_once("/terraform/state/") {
        Some((api, name)) if api.starts_with("api/v4/projects/") => name,
        _ => path,
    };
    percent_decode(path)
}

/// Decodes `%XX` escapes (anything malformed is kept as it is).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes what a URL path segment or query value may not hold as it is.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A `--state` value that is not usable.
#[derive(Debug, thiserror::Error)]
#[error(
    "invalid state source {0:?}: expected s3://BUCKET[/PREFIX], a file, a directory, http(s)://ADDRESS, \
     gitlab://HOST/PROJECT or tfc://ORGANIZATION[/WORKSPACE]"
)]
pub struct BadSource(pub String);

impl FromStr for StateSource {
    type Err = BadSource;

    fn from_str(text: &str) -> Result<Self, BadSource> {
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(BadSource(text.to_owned()));
            }
            return Ok(Self::S3 { bucket: bucket.to_owned(), prefix: prefix.to_owned() });
        }
        if text.starts_with("http://") || text.starts_with("https://") {
            return HttpAddress::parse(text).map(Self::Http).ok_or_else(|| BadSource(text.to_owned()));
        }
        for (scheme, secure) in [("gitlab://", true), ("gitlab+http://", false)] {
            if let Some(rest) = text.strip_prefix(scheme) {
                let rest = rest.trim_end_matches('/');
                return match rest.split_once('/') {
                    Some((host, project)) if !host.is_empty() && !project.is_empty() => {
                        Ok(Self::GitLab { secure, host: host.to_owned(), project: project.to_owned() })
                    }
                    _ => Err(BadSource(text.to_owned())),
                };
            }
        }
        if let Some(rest) = text.strip_prefix("tfc://") {
            let rest = rest.trim_end_matches('/');
            let (organization, workspace) = match rest.split_once('/') {
                Some((org, ws)) => (org, Some(ws)),
                None => (rest, None),
            };
            if organization.is_empty() || workspace.is_some_and(|w| w.is_empty() || w.contains('/')) {
                return Err(BadSource(text.to_owned()));
            }
            return Ok(Self::Tfc { organization: organization.to_owned(), workspace: workspace.map(str::to_owned) });
        }
        if text.is_empty() || text.contains("://") {
            return Err(BadSource(text.to_owned()));
        }
        Ok(Self::Path(PathBuf::from(text)))
    }
}

impl fmt::Display for StateSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Self::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            Self::Path(path) => write!(f, "{}", path.display()),
            Self::Http(address) => f.write_str(&address.url),
            Self::GitLab { secure: true, host, project } => write!(f, "gitlab://{host}/{project}"),
            Self::GitLab { secure: false, host, project } => write!(f, "gitlab+http://{host}/{project}"),
            Self::Tfc { organization, workspace: None } => write!(f, "tfc://{organization}"),
            Self::Tfc { organization, workspace: Some(workspace) } => write!(f, "tfc://{organization}/{workspace}"),
        }
    }
}

/// What an object's name says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameClass {
    /// Not a state: skipped and counted, with the reason.
    Skip(&'static str),
    /// May be a state; `certain` when the name says so (`.tfstate`).
    Candidate { certain: bool },
}

/// Classifies an S3 key or a file name.
// The name is lower-cased first, so comparing suffixes is case-insensitive.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
pub fn classify(name: &str) -> NameClass {
    let lower = name.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    if lower.ends_with('/') {
        NameClass::Skip("folder marker")
    } else if lower.split('/').any(|segment| segment == ".terraform") {
        NameClass::Skip("backend working directory")
    } else if file.ends_with(".tflock")
        || file.ends_with(".lock.info")
        || file.ends_with(".lock")
        || file.ends_with(".lock.hcl")
    {
        NameClass::Skip("lock file")
    } else if file.ends_with(".tfplan")
        || file.ends_with(".plan")
        || file == "plan.out"
        || file.ends_with(".tfplan.json")
    {
        NameClass::Skip("plan")
    } else if file.ends_with(".backup") || file.contains(".tfstate.") && !file.ends_with(".tfstate") {
        NameClass::Skip("state backup")
    } else if file.ends_with(".tf") || file.ends_with(".tfvars") || file.ends_with(".hcl") || file.ends_with(".md") {
        NameClass::Skip("configuration")
    } else if file.ends_with(".tfstate") {
        NameClass::Candidate { certain: true }
    } else {
        NameClass::Candidate { certain: false }
    }
}

/// The workspace a key or path belongs to: `env:/NAME/…` (the S3 backend's default
/// workspace prefix) or `terraform.tfstate.d/NAME/…` (the local backend).
pub fn workspace_of(name: &str) -> Option<String> {
    if let Some(rest) = name.strip_prefix("env:/") {
        return rest.split('/').next().filter(|w| !w.is_empty()).map(str::to_owned);
    }
    let mut segments = name.split(['/', '\\']);
    while let Some(segment) = segments.next() {
        if segment == "terraform.tfstate.d" {
            return segments.next().filter(|w| !w.is_empty()).map(str::to_owned);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sources() {
        assert_eq!(
            "s3://b".parse::<StateSource>().expect("ok"),
            StateSource::S3 { bucket: "b".into(), prefix: String::new() }
        );
        assert_eq!(
            "s3://b/team/app".parse::<StateSource>().expect("ok"),
            StateSource::S3 { bucket: "b".into(), prefix: "team/app".into() }
        );
        assert!("s3://".parse::<StateSource>().is_err());
        assert!("gs://b".parse::<StateSource>().is_err());
        assert_eq!("./states".parse::<StateSource>().expect("ok"), StateSource::Path("./states".into()));
    }

    #[test]
    fn issue_33_parses_http_gitlab_and_tfc_sources_and_keeps_credentials_out_of_names() {
        let source: StateSource =
            "https://ci:s3cr%40t@gitlab.example.com/api/v4/projects/42/terraform/state/prod".parse().expect("ok");
        let StateSource::Http(address) = &source else { panic!("{source:?}") };
        assert_eq!(address.credentials, Some(("ci".to_owned(), "s3cr@t".to_owned())));
        assert_eq!(source.to_string(), "https://gitlab.example.com/api/v4/projects/42/terraform/state/prod");
        assert!(!format!("{source:?}").contains("s3cr"), "{source:?}");
        assert_eq!(address.key(), "prod");
        assert_eq!(http_key("http://127.0.0.1:8080/states/dev/app.tfstate?x=1"), "states/dev/app.tfstate");
        assert_eq!(
            "gitlab://gitlab.com/acme/infra/network".parse::<StateSource>().expect("ok"),
            StateSource::GitLab { secure: true, host: "gitlab.com".into(), project: "acme/infra/network".into() }
        );
        assert_eq!(
            "gitlab+http://127.0.0.1:9/acme/net".parse::<StateSource>().expect("ok").to_string(),
            "gitlab+http://127.0.0.1:9/acme/net"
        );
        assert!("gitlab://gitlab.com".parse::<StateSource>().is_err());
        assert_eq!(
            "tfc://acme/network-*".parse::<StateSource>().expect("ok"),
            StateSource::Tfc { organization: "acme".into(), workspace: Some("network-*".into()) }
        );
        assert_eq!("tfc://acme".parse::<StateSource>().expect("ok").to_string(), "tfc://acme");
        assert!("tfc://".parse::<StateSource>().is_err());
        assert!("tfc://acme/a/b".parse::<StateSource>().is_err());
        assert!("https://".parse::<StateSource>().is_err());
    }

    #[test]
    fn classifies_names() {
        assert_eq!(classify("app/terraform.tfstate"), NameClass::Candidate { certain: true });
        assert_eq!(classify("env:/dev/app/terraform.tfstate"), NameClass::Candidate { certain: true });
        assert_eq!(classify("app/terraform.tfstate.tflock"), NameClass::Skip("lock file"));
        assert_eq!(classify(".terraform.tfstate.lock.info"), NameClass::Skip("lock file"));
        assert_eq!(classify("terraform.tfstate.backup"), NameClass::Skip("state backup"));
        assert_eq!(classify("terraform.tfstate.1700000000.backup"), NameClass::Skip("state backup"));
        assert_eq!(classify("x/.terraform/terraform.tfstate"), NameClass::Skip("backend working directory"));
        assert_eq!(classify("plans/app.tfplan"), NameClass::Skip("plan"));
        assert_eq!(classify("app/state"), NameClass::Candidate { certain: false });
        assert_eq!(classify("docs/"), NameClass::Skip("folder marker"));
    }

    #[test]
    fn finds_workspaces() {
        assert_eq!(workspace_of("env:/staging/net/terraform.tfstate").as_deref(), Some("staging"));
        assert_eq!(workspace_of("states/terraform.tfstate.d/qa/terraform.tfstate").as_deref(), Some("qa"));
        assert_eq!(workspace_of("dev/terraform.tfstate"), None);
    }
}
