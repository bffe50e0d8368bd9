//! [`Transport`]: how the local runtime reaches a function service.

use bytes::Bytes;
use futures_util::future::BoxFuture;

use crate::{dispatch::Handler, function::BoxError, names::Address};

/// Something that answers `ToFunction` bytes with `FromFunction` bytes: an in-process
/// [`Handler`], or a remote function service over HTTP (`statefun::remote::HttpTransport`).
pub trait Transport: Send + Sync {
    /// Sends one request for the function instance `target` and returns the response
    /// body.
    fn call(&self, target: &Address, request: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>>;
}

impl Transport for Handler {
    fn call(&self, _: &Address, request: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        Box::pin(async move { self.handle(request).await.map_err(BoxError::from) })
    }
}
