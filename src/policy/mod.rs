//! policy: the built-in knowledge and the user's rules, loaded and checked. Pure apart
//! from reading the policy files.

pub(crate) mod glob;
#[allow(clippy::module_inception)]
pub(crate) mod policy;
pub(crate) mod policy_error;
pub(crate) mod selector;

pub use glob::Glob;
pub use policy::{EnvStatus, EnvironmentSpec, Expectation, Ignore, OwnershipClass, OwnershipRule, Policy};
pub use policy_error::PolicyError;
