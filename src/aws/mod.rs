//! aws: the one way to AWS. Sessions (credentials, regions, endpoints, retries), the
//! read-only guard every client carries and the call statistics it keeps, the largest EC2
//! answers read lean, the services without an SDK crate called through the same runtime
//! (`raw`), failures turned into coverage gaps, and the accounts a scan reaches through
//! roles. Used by `inventory` (listings) and `state` (S3); knows nothing of either.

pub(crate) mod accounts;
pub mod call_depth;
pub(crate) mod failure;
pub mod guard;
pub(crate) mod iam;
pub(crate) mod lean;
pub mod raw;
pub(crate) mod session;
pub mod stats_file;
pub(crate) mod whole_answer;
pub mod xml;

pub use failure::Failure;
pub use guard::{ApiStats, ReadOnlyGuard};
pub use session::{AwsOptions, AwsSession};
