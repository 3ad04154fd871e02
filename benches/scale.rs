//! Benchmarks of the pure stages at scale: state parsing throughput on a 50 MB state, the
//! join and checks (`analyze`) on 100k live × 100k declared resources, and `Graph::build`
//! on 10k and 100k resources; `analyze_leftovers` runs the join and checks on generated
//! accounts where a quarter of 100k live resources are leftovers, spread over the VPCs or
//! all in one VPC (the shape that made blocking findings grow with the square of the
//! leftovers). Run with `cargo bench --bench scale`; peak memory comes
//! from `scripts/bench` (criterion does not measure it). Under `cargo test` every
//! benchmark runs once on a small input, as a smoke test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

#[path = "support/workload.rs"]
mod workload;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use leftover::analysis::{View, report as analyze};
use leftover::graph::Graph;
use leftover::policy::Policy;

/// Full sizes under `cargo bench`; small ones when the benchmarks run as tests.
fn full_size() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn state_parse(c: &mut Criterion) {
    let bytes = if full_size() { 50 * 1024 * 1024 } else { 256 * 1024 };
    let mut group = c.benchmark_group("state_parse");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    // `parse`: one line per resource (the densest text); `terraform_layout`: as Terraform
    // writes states, indented with one member per line.
    for (name, layout) in [("parse", workload::Layout::Compact), ("terraform_layout", workload::Layout::Terraform)] {
        let text = workload::state_of_size_in(bytes, layout);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::new(name, format!("{}MB", text.len() / 1_000_000)), |b| {
            b.iter(|| workload::parse_state("s3://bench/terraform.tfstate", black_box(&text)));
        });
    }
    group.finish();
}

fn join_and_checks(c: &mut Criterion) {
    let n = if full_size() { 100_000 } else { 2_000 };
    let inventory = workload::inventory(n);
    let states = workload::states(n, workload::FILES);
    let policy = Policy::builtin();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function(BenchmarkId::new("live_x_declared", n), |b| {
        b.iter(|| analyze(black_box(&inventory), &states, &policy, String::new(), &View::All).expect("analyze"));
    });
    group.finish();
}

fn leftovers(c: &mut Criterion) {
    let n = if full_size() { 100_000 } else { 2_000 };
    let policy = Policy::builtin();
    let mut group = c.benchmark_group("analyze_leftovers");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    for (name, shape) in [("spread", workload::Shape::Spread), ("one_vpc", workload::Shape::OneVpc)] {
        let account = workload::Account::new(n, shape);
        let inventory = account.inventory();
        let states = account.states();
        group.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| analyze(black_box(&inventory), &states, &policy, String::new(), &View::All).expect("analyze"));
        });
    }
    group.finish();
}

fn graph_build(c: &mut Criterion) {
    let sizes: &[usize] = if full_size() { &[10_000, 100_000] } else { &[1_000] };
    let policy = Policy::builtin();
    let mut group = c.benchmark_group("graph_build");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    for &n in sizes {
        let inventory = workload::inventory(n);
        let states = workload::states(n, workload::FILES);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| Graph::build(black_box(&inventory), &states, &policy).classes().len());
        });
    }
    group.finish();
}

criterion_group!(benches, state_parse, join_and_checks, leftovers, graph_build);
criterion_main!(benches);
