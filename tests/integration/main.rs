//! Integration tests: the `leftover` binary against moto's standalone server, seeded
//! through aws-sdk-rust. One binary; each module covers one capability.
// Tests fail loudly: unwrapping is how a test says "this must hold". The seeding
// functions take values by value so that call sites read as data.
#![allow(clippy::unwrap_used, clippy::too_many_lines, clippy::missing_panics_doc, clippy::needless_pass_by_value)]

#[path = "../support/mod.rs"]
mod support;

mod age;
mod backends;
mod bad_input;
mod breadth;
mod breadth_rest;
mod command_line;
mod dependencies;
mod endpoint_routes;
mod environments;
mod false_positives;
mod faults;
mod foundation;
mod incident;
mod latency;
mod layers;
mod plan_adopt;
mod plan_cleanup;
mod reachability;
mod readonly;
mod reports;
mod safe_output;
mod scale;
mod scenario;
mod scope;
mod trust;
mod who;
