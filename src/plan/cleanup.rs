//! cleanup: the deletion script of `leftover plan cleanup`.
