//! The dispatcher: the registry of [`Functions`], the transport-free [`Handler`]
//! (`ToFunction` bytes in, `FromFunction` bytes out), the batch it runs, and the
//! [`Error`]s of a request it cannot answer.

mod batch;
mod catalog;
mod dead_letters;
mod error;
mod handler;
mod registry;
#[cfg(feature = "trace")]
pub(crate) mod trace;

pub use catalog::{Catalog, CatalogError, CatalogFunction, CatalogState};
pub use dead_letters::DeadLetters;
pub(crate) use dead_letters::{error_text, permanent_reason};
pub use error::{Error, RequestError};
pub use handler::{Dispatch, Dispatched, Handler};
pub use registry::{Functions, RegistryError};
