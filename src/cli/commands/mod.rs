//! commands: one file per subcommand.

pub mod check_destroy;
pub mod completions;
pub mod explain;
pub mod inventory;
pub mod man;
pub mod merge;
pub mod scan;
pub mod states;
