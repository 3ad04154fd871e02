//! commands: one file per subcommand.

pub(crate) mod check_destroy;
pub(crate) mod completions;
pub(crate) mod explain;
pub(crate) mod inventory;
pub(crate) mod kinds;
pub(crate) mod man;
pub(crate) mod merge;
pub(crate) mod plan;
pub(crate) mod scan;
pub(crate) mod states;
