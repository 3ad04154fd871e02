//! adopt: the import blocks of `leftover plan adopt`.
