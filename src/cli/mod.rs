//! cli: the command line. `args` holds the clap types, `settings` checks them, `run`
//! sends each command to its own function and turns the result into an exit code.
//! anyhow is used here and nowhere below.

pub(crate) mod access_failure;
pub mod args;
pub mod commands;
pub(crate) mod exit;
pub(crate) mod pipeline;
pub(crate) mod settings;
pub(crate) mod who;

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
        Command::Kinds => return commands::kinds::run(),
        _ => {}
    }
    let settings = Settings::resolve(&cli.global)?;
    // Each command's future is boxed: a future is built on the stack of the one that awaits
    // it before it moves into place, so unboxed, every level of a scan's nesting would hold
    // a copy of all the levels below it (tens of kilobytes each) on a worker's stack.
    match &cli.command {
        Command::Scan(args) => Box::pin(commands::scan::run(&settings, args, connect)).await,
        Command::Inventory(args) => Box::pin(commands::inventory::run(&settings, args, connect)).await,
        Command::States(args) => Box::pin(commands::states::run(&settings, args, connect)).await,
        Command::CheckDestroy(args) => Box::pin(commands::check_destroy::run(&settings, args, connect)).await,
        Command::Explain(args) => Box::pin(commands::explain::run(&settings, args, connect)).await,
        Command::Merge(args) => commands::merge::run(&settings, args),
        Command::Plan(plan) => Box::pin(commands::plan::run(&settings, plan, connect)).await,
        Command::Completions(args) => commands::completions::run(args),
        Command::Man(args) => commands::man::run(args),
        Command::Kinds => commands::kinds::run(),
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

/// What a command spends its memory on, told to the binary before any thread starts (it
/// tunes the allocator for it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Listing AWS: many answers, a megabyte and more each, arriving on both workers.
    ListsAws,
    /// Reading states (from disk or S3), saved inventories or reports, or printing help.
    ReadsFiles,
}

impl Workload {
    pub fn of(command: &Command) -> Self {
        use args::PlanCommand;
        let lists = match command {
            Command::Scan(args) => args.input.inventory.is_empty(),
            Command::Inventory(_) => true,
            Command::CheckDestroy(args) => args.inventory.is_none(),
            Command::Explain(args) => args.inventory.is_none(),
            Command::Plan(PlanCommand::Cleanup(args)) => args.input.scan.inventory.is_empty(),
            Command::Plan(PlanCommand::Adopt(args)) => args.input.scan.inventory.is_empty(),
            Command::States(_) | Command::Merge(_) | Command::Kinds | Command::Completions(_) | Command::Man(_) => {
                false
            }
        };
        if lists { Self::ListsAws } else { Self::ReadsFiles }
    }
}

/// The binary's whole life: parse, let `before_threads` see the workload, run, map to an
/// exit code.
pub fn main(before_threads: impl FnOnce(Workload)) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { Exit::Usage } else { Exit::Clean };
            let _ = err.print();
            return code.into();
        }
    };
    before_threads(Workload::of(&cli.command));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(args: &[&str]) -> Workload {
        let cli = Cli::try_parse_from(std::iter::once("leftover").chain(args.iter().copied())).expect("parses");
        Workload::of(&cli.command)
    }

    #[test]
    fn only_commands_that_list_aws_are_told_they_do() {
        assert_eq!(workload(&["scan", "--state", "s3://b"]), Workload::ListsAws);
        assert_eq!(workload(&["inventory", "--output", "inv.json"]), Workload::ListsAws);
        assert_eq!(workload(&["check-destroy", "--target", "s3://b/env.tfstate"]), Workload::ListsAws);
        assert_eq!(workload(&["plan", "cleanup", "--output", "plan.sh"]), Workload::ListsAws);
        // A saved inventory, states alone, reports: files only.
        assert_eq!(workload(&["scan", "--inventory", "inv.json", "--state", "states/"]), Workload::ReadsFiles);
        assert_eq!(
            workload(&["check-destroy", "--target", "s3://b/env.tfstate", "--inventory", "inv.json"]),
            Workload::ReadsFiles
        );
        assert_eq!(workload(&["plan", "adopt", "--inventory", "inv.json", "--output", "dir"]), Workload::ReadsFiles);
        assert_eq!(workload(&["states", "--state", "s3://b"]), Workload::ReadsFiles);
        assert_eq!(workload(&["merge", "a.json", "b.json"]), Workload::ReadsFiles);
    }
}
