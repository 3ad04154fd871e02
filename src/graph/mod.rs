//! graph: the join of live resources and declared state resources, and the ownership of
//! every live resource, and the environments of states and resources (inferred once the
//! join is known). Pure: it never calls AWS and never reads files.

pub(crate) mod environment;
#[allow(clippy::module_inception)]
pub(crate) mod graph;
pub(crate) mod lists;
pub(crate) mod order;
pub(crate) mod ownership;

pub use graph::{DeclRef, Edge, Graph, RefTarget};
pub use lists::Lists;
pub use ownership::{Class, Owner};

#[cfg(test)]
mod issue_12_tests;
#[cfg(test)]
mod issue_14_tests;
#[cfg(test)]
mod issue_34_tests;
#[cfg(test)]
mod tests;
