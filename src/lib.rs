//! leftover: an AWS orphaned-resource and drift scanner.
//!
//! The crate follows the data flow: [`inventory`] lists what is live, [`state`] reads what
//! Terraform declares, [`graph`] joins the two, [`checks`] turns the join into findings,
//! `cost` estimates what the leftovers cost, [`report`] renders them, [`analysis`] runs the
//! join, checks and report for one view of a scan, `plan` turns findings into cleanup
//! scripts and import blocks for a person to review, [`policy`] carries the knowledge and
//! the user's rules, `who` asks `CloudTrail` who made each leftover (`scan --who`), and
//! [`cli`] wires it together.
//!
//! Only [`aws`], [`inventory`], [`state`] and `who` talk to AWS. The disk is read where a user
//! names a file: states and the state index (`state`), a saved inventory (`inventory`),
//! policy files (`policy`), a price table (`cost`), a baseline (`report`); and written only
//! by [`report`] (reports, through `atomic`), the state index, `--stats-json` (`aws`), and
//! the commands that write files (`cli`: `plan`, `man`, `merge`). `graph`, `checks`,
//! `analysis` and `plan` are pure and synchronous: data in, data out.

#![forbid(unsafe_code)]

pub mod analysis;
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
pub(crate) mod who;
