//! [`Handler`]: the transport-free dispatcher, `ToFunction` bytes in, `FromFunction` bytes
//! out. It decodes the request, checks it, finds the function and runs its batch.

// `Error` is large, but it is built at most once per failed batch, never on the hot path.
#![allow(clippy::result_large_err)]

use std::{collections::HashSet, sync::Arc};

use bytes::Bytes;
use prost::Message as _;
use tracing::Instrument;

#[cfg(feature = "metrics")]
use crate::metrics::{Metrics, Recorder};
use crate::{
    Address, TypeName,
    batch::Batch,
    error::{Error, RequestError},
    proto::reqreply as pb,
    registry::{Functions, Registered},
    request::{self, Invocation, PersistedValue, ToFunction},
};

/// What the dispatcher learned about a request: the registered function it went to, the
/// size of its batch, and whether the answer is a state negotiation. For the metrics, and
/// filled in whether or not they are on (it costs a few stores).
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// The registered function the request was dispatched to.
    pub(crate) function: Option<TypeName>,
    /// The invocations of its batch.
    pub(crate) invocations: usize,
    /// Whether the answer asks the runtime for missing state.
    pub(crate) negotiation: bool,
}

/// Answers requests for a set of [`Functions`]: `ToFunction` bytes in, `FromFunction`
/// bytes out. Cheap to clone; share one per service.
#[derive(Clone, Debug)]
pub struct Handler {
    functions: Arc<Functions>,
    #[cfg(feature = "metrics")]
    recorder: Option<Arc<Recorder>>,
}

impl From<Functions> for Handler {
    fn from(functions: Functions) -> Self {
        Self::new(functions)
    }
}

impl Handler {
    /// A handler for `functions`.
    pub fn new(functions: Functions) -> Self {
        Self {
            functions: Arc::new(functions),
            #[cfg(feature = "metrics")]
            recorder: None,
        }
    }

    /// Records every request answered through [`http::respond`](crate::http::respond) and
    /// [`http::reject`](crate::http::reject) in `metrics` (feature `metrics`); `None` stops
    /// recording. The series of each registered function are created now, at zero.
    #[cfg(feature = "metrics")]
    pub fn with_metrics(mut self, metrics: impl Into<Option<Metrics>>) -> Self {
        self.recorder = metrics
            .into()
            .map(|metrics| Arc::new(Recorder::new(&metrics, &self.functions)));
        self
    }

    /// The metrics requests are recorded in ([`Handler::with_metrics`]).
    #[cfg(feature = "metrics")]
    pub fn metrics(&self) -> Option<&Metrics> {
        self.recorder.as_deref().map(Recorder::metrics)
    }

    #[cfg(feature = "metrics")]
    pub(crate) fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_deref()
    }

    /// The registered functions.
    pub fn functions(&self) -> &Functions {
        &self.functions
    }

    /// Answers one request body.
    pub async fn handle(&self, body: Bytes) -> Result<Bytes, Error> {
        self.handle_seen(body, &mut Seen::default()).await
    }

    /// Answers one request body, telling `seen` what it learns on the way.
    pub(crate) async fn handle_seen(&self, body: Bytes, seen: &mut Seen) -> Result<Bytes, Error> {
        let answer = self.handle_request(body, seen).await?;
        seen.negotiation = is_negotiation(&answer);
        Ok(answer)
    }

    /// Answers one request body.
    async fn handle_request(&self, body: Bytes, seen: &mut Seen) -> Result<Bytes, Error> {
        if body.is_empty() {
            return Err(Error::EmptyBody);
        }
        let request = ToFunction::decode(body).map_err(malformed)?;
        let body = request.body;
        let Some(mut batch) = request.invocation else {
            return Err(RequestError::MissingInvocation.into());
        };
        // The common case: a registered target. Its typename is the registered one (for
        // functions of the macro, a `&'static str`): no allocation, no parsing.
        let found = batch.target.as_ref().and_then(|t| {
            self.functions
                .find(t.namespace.bytes(&body), t.r#type.bytes(&body))
        });
        if let Some((type_name, registered)) = found {
            if batch.invocations.is_empty() {
                return Err(RequestError::NoInvocations.into());
            }
            let id = batch
                .target
                .take()
                .map(|t| t.id.str(&body))
                .unwrap_or_default();
            let target = Address::new(type_name.clone(), id);
            return self
                .run(
                    registered,
                    target,
                    body,
                    batch.state,
                    batch.invocations,
                    seen,
                )
                .await;
        }

        // `find` finds every registered function: the target is missing, invalid or
        // unknown. Say precisely which, in this order.
        let target = Address::from_request(&body, batch.target.as_ref())
            .map_err(RequestError::InvalidTarget)?
            .ok_or(RequestError::MissingTarget)?;
        if batch.invocations.is_empty() {
            return Err(RequestError::NoInvocations.into());
        }
        Err(Error::UnknownFunction {
            type_name: target.type_name().clone(),
            registered: self.functions.type_names().into_iter().cloned().collect(),
        })
    }

    async fn run(
        &self,
        registered: &Registered,
        target: Address,
        body: Bytes,
        state: Vec<PersistedValue>,
        invocations: Vec<Invocation>,
        seen: &mut Seen,
    ) -> Result<Bytes, Error> {
        seen.function = Some(target.type_name().clone());
        seen.invocations = invocations.len();
        // The request span of the HTTP integrations (`statefun.request`) declares these
        // fields, so that every event of the request carries them; a span without them
        // ignores the call.
        let request = tracing::Span::current();
        if !request.is_disabled() {
            request.record("function", tracing::field::display(target.type_name()));
            request.record("id", target.id());
            request.record("batch_size", invocations.len());
        }
        if let Some(name) = duplicate_state(&body, &state) {
            return Err(RequestError::DuplicateState(name.to_owned()).into());
        }
        let span = tracing::debug_span!(
            "statefun.batch",
            function = %target.type_name(),
            id = %target.id(),
            batch_size = invocations.len(),
        );
        let batch = Batch {
            specs: &registered.specs,
            known_type_names: &registered.known_type_names,
            target,
            body,
            state,
            invocations,
        };
        // Entering and leaving a span costs even when nothing listens (with tracing's
        // `log` feature, which actix enables, each checks the `log` level): skip them then.
        if span.is_disabled() {
            registered.function.run(batch).await
        } else {
            registered.function.run(batch).instrument(span).await
        }
    }
}

/// The error of a body the in-place decoder rejected: prost's own, from decoding it once
/// more (the decoders accept the same bodies; see `request`).
fn malformed(request::Malformed(body): request::Malformed) -> Error {
    match pb::ToFunction::decode(body) {
        Err(e) => Error::MalformedRequest(e),
        Ok(_) => {
            // Unreachable while the decoders agree, which the tests check; a clear error
            // all the same.
            #[allow(deprecated)]
            let e = prost::DecodeError::new("rejected by the in-place ToFunction decoder");
            Error::MalformedRequest(e)
        }
    }
}

/// Whether an encoded `FromFunction` is a state negotiation: its one field is
/// `incomplete_invocation_context` (field 101, a message: key 101 << 3 | 2, the varint
/// `AA 06`), where an invocation result is field 100 (`A2 06`).
fn is_negotiation(answer: &[u8]) -> bool {
    answer.starts_with(&[0xAA, 0x06])
}

/// The first state name that appears twice in `state`, if any. Pairwise for the usual few
/// states (no allocation), hashed for many.
fn duplicate_state<'a>(body: &'a [u8], state: &[PersistedValue]) -> Option<&'a str> {
    let name = |s: &PersistedValue| s.state_name.bytes(body);
    let duplicate = if state.len() <= 16 {
        state
            .iter()
            .enumerate()
            .find(|(i, s)| state[..*i].iter().any(|e| name(e) == name(s)))
            .map(|(_, s)| s)
    } else {
        let mut seen = HashSet::with_capacity(state.len());
        state.iter().find(|s| !seen.insert(name(s)))
    };
    duplicate.map(|s| s.state_name.str(body))
}
