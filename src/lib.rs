//! leftover: an AWS orphaned-resource and drift scanner.
//!
//! The crate follows the data flow: [`inventory`] lists what is live, [`state`] reads what
//! Terraform declares, [`graph`] joins the two, [`checks`] turns the join into findings,
//! [`report`] renders them, [`cost`] estimates what the leftovers cost, [`policy`] carries
//! the knowledge and the user's rules, and [`cli`] wires it together. Only `inventory` and
//! `state` talk to AWS or the disk; everything from `graph` on is pure and synchronous.

#![forbid(unsafe_code)]

pub(crate) mod atomic;
pub mod aws;
pub(crate) mod bounded;
pub(crate) mod checks;
pub mod cli;
pub(crate) mod cost;
pub(crate) mod env;
pub mod graph;
pub mod inventory;
pub(crate) mod model;
pub(crate) mod plan;
pub mod policy;
pub(crate) mod progress;
pub mod report;
pub(crate) mod shard;
pub mod state;
