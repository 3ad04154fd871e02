//! Fuzzes the state parser with arbitrary bytes, as a named state and as an object sniffed
//! first, then runs what a scan does with a state it read: join, checks, both renderings.
//! Any panic, stack overflow or runaway allocation is a finding.
#![no_main]

use std::sync::OnceLock;

use leftover::cli::args::Format;
use leftover::analysis::{View, report as analyze};
use leftover::inventory::Inventory;
use leftover::policy::Policy;
use leftover::report::{RenderOptions, render};
use leftover::state::{ParseOptions, Parsed, StateSet, parse::parse_candidate};
use libfuzzer_sys::fuzz_target;

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(Policy::builtin)
}

fuzz_target!(|data: &[u8]| {
    let options = ParseOptions { keep_attributes: true, max_bytes: 1 << 20 };
    for certain in [true, false] {
        let parsed = parse_candidate("s3://fuzz/terraform.tfstate", data, &options, certain);
        match parsed {
            Ok(Parsed::State(file)) => {
                let states = StateSet { files: vec![file], ..StateSet::default() };
                // A scanned, empty account: every declared resource is checked for `missing`.
                let inventory = Inventory::new(
                    "2026-01-01T00:00:00Z".to_owned(),
                    vec!["123456789012".to_owned()],
                    vec!["us-east-1".to_owned(), "eu-west-1".to_owned()],
                );
                let Ok(report) = analyze(&inventory, &states, policy(), "2026-01-01T00:00:00Z".to_owned(), &View::All)
                else {
                    continue;
                };
                for format in [Format::Table, Format::Json] {
                    let _ = render(&report, format, &RenderOptions::default());
                }
            }
            Ok(Parsed::NotState) => {}
            Err(err) => {
                // Every error names the object.
                assert!(err.to_string().starts_with("s3://fuzz/terraform.tfstate"), "{err}");
            }
        }
    }
});
