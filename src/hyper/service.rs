//! The hyper service of a [`Server`](super::Server): an operational path's answer, or the
//! one request pipeline (`http::Endpoint`, through its `tower::Service`), counted while in
//! flight for the graceful stop.

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures_util::future::{BoxFuture, Either, Ready, ready};
use http_body_util::Full;
use hyper::{Request, Response, body::Incoming};

use super::{
    operations::Operations,
    shutdown::{Drain, InFlight},
};
use crate::{Bytes, http::Endpoint};

/// What answers the requests of every connection of one server.
#[derive(Clone)]
pub(crate) struct Service {
    /// The pipeline, recording in the metrics if there are any.
    pub(crate) endpoint: Endpoint,
    /// The operational paths, if mounted.
    pub(crate) operations: Option<Arc<Operations>>,
    pub(crate) drain: Arc<Drain>,
}

type Answer = Result<Response<Full<Bytes>>, Infallible>;

/// The answer to one request: ready at once for an operational path, the pipeline's future
/// otherwise, which counts as in flight until it is answered or dropped.
pub(crate) struct Answering {
    future: Either<Ready<Answer>, BoxFuture<'static, Answer>>,
    _in_flight: Option<InFlight>,
}

impl Future for Answering {
    type Output = Answer;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Answer> {
        Pin::new(&mut self.future).poll(cx)
    }
}

impl hyper::service::Service<Request<Incoming>> for Service {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Answering;

    fn call(&self, request: Request<Incoming>) -> Answering {
        if let Some(operations) = &self.operations
            && let Some(operation) = operations.operation(request.uri().path())
        {
            let answer = operations.answer(
                operation,
                request.method(),
                request.uri().path(),
                self.drain.stopping(),
            );
            return Answering {
                future: Either::Left(ready(Ok(answer))),
                _in_flight: None,
            };
        }
        let in_flight = self.drain.enter();
        let mut endpoint = self.endpoint.clone();
        Answering {
            future: Either::Right(tower_service::Service::call(&mut endpoint, request)),
            _in_flight: Some(in_flight),
        }
    }
}
