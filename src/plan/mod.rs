//! plan: turns a scan's findings into plans a person reviews and runs: `cleanup`, a shell
//! script that deletes the leftovers in an order AWS accepts, and `adopt`, Terraform import
//! blocks for what no state manages. Pure: plans are text; leftover never runs them.

pub(crate) mod adopt;
pub(crate) mod cleanup;

#[cfg(test)]
mod cleanup_tests;
