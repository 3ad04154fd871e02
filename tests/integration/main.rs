//! Integration tests: the `leftover` binary against moto's standalone server, seeded
//! through aws-sdk-rust. One binary; each module covers one capability.

#[path = "../support/mod.rs"]
mod support;

mod dependencies;
mod environments;
mod foundation;
mod incident;
mod reachability;
