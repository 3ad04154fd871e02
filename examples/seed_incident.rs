//! Seeds an AWS emulator with the incident scenario of the design: a shared Redis, a dev
//! environment destroyed and recreated, and the leftovers of a decommissioned staging.
//! `scripts/demo` runs it against a local moto server; it writes, so it is never part of
//! the `leftover` binary.
//!
//! Usage: `cargo run --example seed_incident -- http://127.0.0.1:PORT`
// The example shares the test harness's seeding modules, whose functions it does not all use.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::needless_pass_by_value, dead_code)]

#[path = "../tests/support/incident.rs"]
mod incident;
#[path = "../tests/support/seed.rs"]
mod seed;
#[path = "../tests/support/tfstate.rs"]
mod tfstate;

#[tokio::main]
async fn main() {
    let endpoint = std::env::args().nth(1).expect("usage: seed_incident ENDPOINT_URL");
    let seeded = incident::seed(&seed::Seeder::new(&endpoint)).await;
    println!("seeded the incident scenario into {endpoint}:");
    println!("  shared VPC {} with Redis rosey-redis", seeded.shared_vpc);
    println!("  dev VPC {} (recreated; the old one, {}, is gone)", seeded.dev_vpc, seeded.old_dev_vpc);
    println!("  stale peering {}", seeded.stale_peering);
    println!("  staging leftovers in {}", seeded.staging_vpc);
    println!("  states in s3://{}", incident::BUCKET);
}
