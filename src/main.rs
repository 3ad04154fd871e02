//! The `leftover` binary: everything happens in `leftover::cli`.

fn main() -> std::process::ExitCode {
    leftover::cli::main()
}
