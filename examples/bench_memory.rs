//! Measures one pure stage at a time in its own process, so that its peak resident memory
//! can be read (criterion measures time only). `scripts/bench` runs it under
//! `/usr/bin/time -v`; it also prints the peak itself from `/proc/self/status`.
//!
//! Usage:
//! - `bench_memory write-state FILE MB [LAYOUT]`: write a generated state of about MB
//!   megabytes, LAYOUT `compact` (one line per resource, the default) or `terraform` (as
//!   Terraform writes states: indented, one member per line);
//! - `bench_memory parse FILE`: parse it from disk, streaming;
//! - `bench_memory analyze N`: join and checks on N live × N declared resources;
//! - `bench_memory graph N`: `Graph::build` on N live × N declared resources;
//! - `bench_memory write-account DIR N SHAPE`: write a synthetic account of about N live
//!   resources into DIR, `inventory.json` (a saved inventory) and `states/*.tfstate` (3/4
//!   declared, N / 500 states; 1/4 unmanaged security groups and volumes), SHAPE `spread`
//!   (the leftovers over every VPC) or `one-vpc` (every leftover group in one VPC), for
//!   `scripts/bench scale` to scan with the release binary.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss)]

#[path = "../benches/support/workload.rs"]
mod workload;

use std::time::Instant;

use leftover::analysis::{View, report as analyze};
use leftover::graph::Graph;
use leftover::policy::Policy;
use leftover::state::parse::{self, ParseOptions, Parsed};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |n: usize| args.get(n).map(String::as_str).expect("see the usage at the top of examples/bench_memory.rs");
    match arg(0) {
        "write-state" => {
            let megabytes: usize = arg(2).parse().expect("MB");
            let layout = args.get(3).map_or(workload::Layout::Compact, |name| workload::Layout::parse(name));
            let text = workload::state_of_size_in(megabytes * 1024 * 1024, layout);
            std::fs::write(arg(1), &text).expect("write");
            println!("wrote {} bytes to {}", text.len(), arg(1));
        }
        "parse" => {
            let path = arg(1);
            let size = std::fs::metadata(path).expect("state file").len();
            let file = std::fs::File::open(path).expect("open");
            let started = Instant::now();
            let Ok(Parsed::State(state)) = parse::parse(path, file, &ParseOptions::default()) else {
                panic!("not a state")
            };
            let secs = started.elapsed().as_secs_f64();
            let (peak, _) = workload::rss_mib();
            println!(
                "parse: {} bytes, {} resources in {secs:.3} s = {:.1} MB/s; peak RSS {peak:.1} MiB",
                size,
                state.resources.len(),
                size as f64 / 1e6 / secs
            );
        }
        "analyze" | "graph" => {
            let n: usize = arg(1).parse().expect("N");
            let inventory = workload::inventory(n);
            let states = workload::states(n, workload::FILES);
            let policy = Policy::builtin();
            let (_, inputs) = workload::rss_mib();
            let started = Instant::now();
            let outcome = if arg(0) == "analyze" {
                let report = analyze(&inventory, &states, &policy, String::new(), &View::All).expect("analyze");
                format!("{} findings {:?}", report.findings.len(), report.summary)
            } else {
                let graph = Graph::build(&inventory, &states, &policy);
                format!("{} live resources classified", graph.classes().len())
            };
            let secs = started.elapsed().as_secs_f64();
            let (peak, _) = workload::rss_mib();
            println!(
                "{}: {} live × {} declared: {outcome} in {secs:.3} s; RSS with inputs {inputs:.1} MiB, peak {peak:.1} MiB",
                arg(0),
                inventory.resources.len(),
                states.files.iter().map(|f| f.resources.len()).sum::<usize>()
            );
        }
        "write-account" => {
            let dir = std::path::Path::new(arg(1));
            let live: usize = arg(2).parse().expect("N");
            let account = workload::Account::new(live, workload::Shape::parse(arg(3)));
            std::fs::create_dir_all(dir.join("states")).expect("mkdir");
            let inventory = account.inventory();
            let file = std::fs::File::create(dir.join("inventory.json")).expect("create");
            serde_json::to_writer(std::io::BufWriter::new(file), &inventory).expect("write inventory");
            let mut bytes = 0;
            account.write_states(|name, text| {
                bytes += text.len();
                std::fs::write(dir.join("states").join(name), text).expect("write state");
            });
            println!(
                "wrote {} live resources, {} declared in {} states ({bytes} bytes), to {}",
                inventory.resources.len(),
                account.vpcs + account.units * 4,
                account.states,
                dir.display()
            );
        }
        other => panic!("unknown workload {other:?}"),
    }
}
