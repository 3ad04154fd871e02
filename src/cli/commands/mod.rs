//! commands: one file per subcommand.

pub mod check_destroy;
pub mod explain;
pub mod inventory;
pub mod merge;
pub mod scan;
pub mod states;
