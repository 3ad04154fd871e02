//! inventory: lists what is live and saves it for `scan --inventory`.

use anyhow::{Context, Result};

use crate::cli::args::InventoryArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::Settings;
use crate::report::write;

pub async fn run<C: Connect>(settings: &Settings, args: &InventoryArgs, connect: &C) -> Result<Exit> {
    let run = Run::new(settings);
    let inventory = run.list(connect).await;
    run.finish();
    let inventory = inventory?;
    let mut text = serde_json::to_string_pretty(&inventory).context("serializing the inventory")?;
    text.push('\n');
    if args.output.as_os_str() == "-" {
        write::to_stdout(&text).context("writing the inventory to stdout")?;
    } else {
        write::to_file(&args.output, &text).with_context(|| format!("writing {}", args.output.display()))?;
    }
    for gap in &inventory.gaps {
        eprintln!("leftover: coverage gap: {}", gap.describe());
    }
    if !settings.quiet {
        eprintln!(
            "leftover: {} resources in {} region(s){}",
            inventory.resources.len(),
            inventory.regions.len(),
            if inventory.gaps.is_empty() { String::new() } else { format!(", {} coverage gaps", inventory.gaps.len()) }
        );
    }
    Ok(if inventory.gaps.is_empty() { Exit::Clean } else { Exit::Incomplete })
}
