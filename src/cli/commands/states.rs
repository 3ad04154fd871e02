//! states: lists the state files found below the sources, what each declares, and what
//! was passed over and why.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use crate::cli::args::{DataFormat, StatesArgs};
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::{self, Settings};
use crate::report::states::{StateRow, StatesReport, render_table};
use crate::report::write;
use crate::state::{Identity, Mode};

pub async fn run<C: Connect>(settings: &Settings, args: &StatesArgs, connect: &C) -> Result<Exit> {
    let sources = settings::sources(&args.states.states)?;
    if sources.is_empty() {
        anyhow::bail!(
            "name at least one --state source (s3://BUCKET[/PREFIX], a file or a directory, http(s)://ADDRESS, \
             gitlab://HOST/PROJECT or tfc://ORGANIZATION[/WORKSPACE])"
        );
    }
    let run = Run::new(settings);
    let set = run.states(connect, &sources).await;
    run.finish();
    if let Some(path) = &args.index_output {
        crate::state::index::StateIndex::of(&set, crate::cli::pipeline::now()).write(path)?;
    }
    let envs = crate::graph::environment::Environments::infer(&settings.policy, &set, None);
    let states: Vec<StateRow> = set
        .files
        .iter()
        .map(|file| StateRow {
            source: file.source.clone(),
            version: file.version,
            serial: file.serial,
            terraform_version: file.terraform_version.clone(),
            workspace: file.workspace.clone(),
            environment: envs.of_state(&file.source).map(str::to_owned),
            managed: file.managed().count(),
            data: file.resources.iter().filter(|r| r.mode == Mode::Data).count(),
            mapped: file
                .managed()
                .filter(|r| !matches!(r.identity, Identity::Unmapped | Identity::Foreign | Identity::NoId))
                .count(),
            unmapped_types: file.unmapped_types(),
            not_listed_types: file.not_listed_types(),
            other_provider_types: file.foreign_types(),
        })
        .collect();
    let mut skipped_by_reason = BTreeMap::new();
    for s in &set.skipped {
        *skipped_by_reason.entry(s.reason.clone()).or_default() += 1;
    }
    let report = StatesReport { states, skipped: set.skipped.clone(), skipped_by_reason, gaps: set.gaps.clone() };
    let text = match args.format {
        DataFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report).context("serializing")?;
            text.push('\n');
            text
        }
        DataFormat::Table => render_table(&report, Some(settings.width_for(settings.stdout_terminal))),
    };
    write::to_stdout(&text).context("writing to stdout")?;
    Ok(if report.gaps.is_empty() { Exit::Clean } else { Exit::Incomplete })
}
