//! Integration tests: the `leftover` binary against moto's standalone server, seeded
//! through aws-sdk-rust. One binary; each module covers one capability.
// Tests unwrap freely: a panic is a failure with its place. The seeding functions take
// values by value so that call sites read as data.
#![allow(clippy::unwrap_used, clippy::needless_pass_by_value)]

#[path = "../support/mod.rs"]
mod support;

mod foundation;
mod incident;
mod reports;
