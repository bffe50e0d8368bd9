//! The dispatcher: the registry of [`Functions`], the transport-free [`Handler`]
//! (`ToFunction` bytes in, `FromFunction` bytes out), the batch it runs, and the
//! [`Error`]s of a request it cannot answer.

mod batch;
mod catalog;
mod error;
mod handler;
mod registry;

pub use catalog::{Catalog, CatalogError, CatalogFunction, CatalogState};
pub use error::{Error, RequestError};
pub use handler::{Dispatch, Dispatched, Handler};
pub use registry::{Functions, RegistryError};
