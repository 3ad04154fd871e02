//! `policy_error`: a policy file that cannot be used. Every variant names the file, and
//! where it can, the line and the key.

use crate::model::Location;

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy file {file}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
}

impl PolicyError {
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::Invalid { location, .. } => Some(location),
            Self::Read { .. } => None,
        }
    }
}
