//! model: the shared vocabulary every layer speaks: live kinds and their ARNs, typed
//! relations, findings and their kinds and severities, coverage gaps, the parts of a
//! resource (routes, rules, ACL entries) that live and declared resources both carry, and
//! places in the files a user wrote. Plain data and pure functions; imports nothing else of the crate.

pub(crate) mod arn;
pub(crate) mod blocked;
pub(crate) mod coverage_gap;
pub(crate) mod finding;
pub(crate) mod kinds;
pub(crate) mod location;
pub(crate) mod relation;
pub(crate) mod sorted_map;
pub(crate) mod subresource;
pub(crate) mod who;

pub use blocked::Blocked;
pub use coverage_gap::{CoverageGap, GapCause};
pub use finding::{Finding, FindingKind, Related};
pub use location::Location;
pub use relation::RelationKind;
pub use sorted_map::{SortedMap, Tags};
pub use who::Who;
