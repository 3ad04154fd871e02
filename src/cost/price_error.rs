//! `price_error`: a price table that cannot be used. Every variant names the file, and
//! where it can, the line and the key (the same form as policy errors).

use crate::model::Location;

#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    #[error("cannot read price table {file}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
}
