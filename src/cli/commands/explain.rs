//! explain: everything known about one resource, as text or JSON.

use anyhow::{Context, Result};

use crate::checks;
use crate::checks::explanation::{explain, explain_gone, lookup, lookup_gone};
use crate::cli::args::{DataFormat, ExplainArgs};
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::{self, Settings};
use crate::graph::Graph;
use crate::report::explanation::render_text;
use crate::report::{wrap, write};

pub async fn run<C: Connect>(settings: &Settings, args: &ExplainArgs, connect: &C) -> Result<Exit> {
    let sources = settings::sources(&args.states.states)?;
    let run = Run::new(settings);
    // Keep the (redacted) attributes of declarations: explain shows them.
    let mut read = settings.read.clone();
    read.parse.keep_attributes = true;
    let (inventory, states) =
        run.gather(connect, args.inventory.as_slice(), run.states_with(connect, &sources, &read)).await?;
    if !args.who {
        run.finish();
    }
    let graph = Graph::build(&inventory, &states, &settings.policy);
    let outcome = checks::run(&graph);
    if !outcome.errors.is_empty() {
        anyhow::bail!("{}", outcome.errors.join("\n"));
    }
    let found = lookup(&graph, &args.id);
    let mut explanations: Vec<_> = if found.is_empty() {
        // Declared, but nothing live matches: say what is known of it.
        lookup_gone(&graph, &args.id).into_iter().map(|at| explain_gone(&graph, &outcome, &args.id, at)).collect()
    } else {
        found.iter().map(|&i| explain(&graph, &outcome, &args.id, i)).collect()
    };
    if explanations.is_empty() {
        anyhow::bail!(
            "nothing live or declared in a state matches {:?} (give a native id, an ARN, or a state address)",
            args.id
        );
    }
    if args.who {
        crate::cli::who::explain(&run, connect, &mut explanations).await;
        run.finish();
    }
    let text = match args.format {
        DataFormat::Json => {
            let value = if explanations.len() == 1 {
                serde_json::to_value(&explanations[0])
            } else {
                serde_json::to_value(&explanations)
            }
            .context("serializing the explanation")?;
            let mut text = serde_json::to_string_pretty(&value).context("serializing the explanation")?;
            text.push('\n');
            text
        }
        DataFormat::Table => {
            let text = explanations.iter().map(render_text).collect::<Vec<_>>().join("\n");
            wrap::fit(&text, usize::from(settings.width_for(settings.stdout_terminal)))
        }
    };
    write::to_stdout(&text).context("writing to stdout")?;
    let complete = inventory.gaps.is_empty() && states.gaps.is_empty();
    Ok(if complete { Exit::Clean } else { Exit::Incomplete })
}
