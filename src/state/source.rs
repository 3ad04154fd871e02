//! source: where states come from (`s3://bucket[/prefix]`, a file, a directory) and what
//! an object's name says about it: a lock file, a plan, a backup, a workspace's state.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// One `--state` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateSource {
    S3 { bucket: String, prefix: String },
    Path(PathBuf),
}

/// A `--state` value that is not usable.
#[derive(Debug, thiserror::Error)]
#[error("invalid state source {0:?}: expected s3://BUCKET[/PREFIX], a file or a directory")]
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
