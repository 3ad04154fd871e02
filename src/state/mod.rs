//! state: reads Terraform state from S3, disk, Terraform's http backend (GitLab among
//! them) and Terraform Cloud / Enterprise workspaces. Listing and fetching are async; parsing
//! streams off the async runtime (a state of at most 256 KiB is parsed where its download
//! is awaited, once whole), and a large state's blocks are converted on the idle cores. A
//! state that cannot be read becomes a coverage gap naming the object; the others are
//! still used.

pub(crate) mod address;
pub(crate) mod extract;
pub(crate) mod gitlab;
pub(crate) mod http_backend;
pub(crate) mod http_client;
pub(crate) mod identity;
pub(crate) mod index;
pub(crate) mod json_stream;
pub(crate) mod ordered;
pub mod parse;
pub(crate) mod reader;
pub(crate) mod resource_block;
pub(crate) mod secrets;
pub(crate) mod source;
pub(crate) mod state_error;
pub(crate) mod state_file;
pub(crate) mod state_resource;
pub(crate) mod tfc;
pub(crate) mod val;

pub use parse::{ParseOptions, Parsed};
pub use reader::{StateSet, read_states};
pub use source::StateSource;
pub use state_error::StateError;
pub use state_file::StateFile;
pub use state_resource::{Identity, Mode, StateResource};
