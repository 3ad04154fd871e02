//! cli: the command line. `args` holds the clap types, `settings` checks them, `run`
//! sends each command to its own function and turns the result into an exit code.
//! anyhow is used here and nowhere below.

pub(crate) mod access_failure;
pub mod args;
pub mod commands;
pub(crate) mod exit;
pub(crate) mod pipeline;
pub(crate) mod settings;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use exit::Exit;
use pipeline::{Connect, DefaultChain};
use settings::Settings;

/// Runs one command with the given way of connecting to AWS.
pub async fn run<C: Connect>(cli: &Cli, connect: &C) -> anyhow::Result<Exit> {
    // Commands about the command line itself need no settings.
    match &cli.command {
        Command::Completions(args) => return commands::completions::run(args),
        Command::Man(args) => return commands::man::run(args),
        _ => {}
    }
    let settings = Settings::resolve(&cli.global)?;
    match &cli.command {
        Command::Scan(args) => commands::scan::run(&settings, args, connect).await,
        Command::Inventory(args) => commands::inventory::run(&settings, args, connect).await,
        Command::States(args) => commands::states::run(&settings, args, connect).await,
        Command::CheckDestroy(args) => commands::check_destroy::run(&settings, args, connect).await,
        Command::Explain(args) => commands::explain::run(&settings, args, connect).await,
        Command::Merge(args) => commands::merge::run(&settings, args),
        Command::Plan(plan) => commands::plan::run(&settings, plan, connect).await,
        Command::Completions(args) => commands::completions::run(args),
        Command::Man(args) => commands::man::run(args),
    }
}

fn init_logging(verbose: u8, quiet: bool, color: args::ColorChoice) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "leftover=warn,error",
        (false, 1) => "leftover=debug,warn",
        (false, _) => "leftover=trace,info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env(crate::env::LEFTOVER_LOG)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // The same rule as the report's colour, for stderr.
    let color = settings::use_color(color, std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // A second initialisation (in tests) is harmless.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .try_init();
}

/// The binary's whole life: parse, run, map to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { Exit::Usage } else { Exit::Clean };
            let _ = err.print();
            return code.into();
        }
    };
    init_logging(cli.global.verbose, cli.global.quiet, cli.global.color);
    // The command runs on the workers (below), whose stacks are as deep as the main
    // thread's: a scan's futures nest deep. Only the pages touched are resident.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(8 << 20).build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("leftover: cannot start the async runtime: {err}");
            return Exit::Usage.into();
        }
    };
    // The command runs as a task of the runtime's workers, not on this thread: its
    // allocations then share the workers' heaps instead of growing a heap of their own.
    let command =
        runtime.spawn(async move { Box::pin(crate::bounded::round_trips::root(run(&cli, &DefaultChain))).await });
    match runtime.block_on(command) {
        Ok(Ok(exit)) => exit.into(),
        Ok(Err(err)) => {
            eprintln!("leftover: error: {err:#}");
            Exit::Usage.into()
        }
        Err(err) => {
            eprintln!("leftover: error: {err}");
            Exit::Usage.into()
        }
    }
}
