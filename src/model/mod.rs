//! model: the shared vocabulary every layer speaks: live kinds and their ARNs, typed
//! relations, findings and their kinds and severities, coverage gaps, and places in the
//! files a user wrote. Plain data and pure functions; imports nothing else of the crate.

pub mod arn;
pub mod coverage_gap;
pub mod finding;
pub mod kinds;
pub mod location;
pub mod relation;

pub use coverage_gap::{CoverageGap, GapCause};
pub use finding::{DriftDetail, Finding, FindingKind, Related, ResourceRef, Severity, StateRef};
pub use location::Location;
pub use relation::{Relation, RelationKind};
