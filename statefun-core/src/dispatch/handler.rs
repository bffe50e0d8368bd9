//! [`Handler`]: the transport-free dispatcher, `ToFunction` bytes in, `FromFunction` bytes
//! out. A request is read and routed first ([`Dispatch`]: which function, which batch),
//! then run ([`Dispatched`]: the answer).

// `Error` is large, but it is built at most once per failed batch, never on the hot path.
#![allow(clippy::result_large_err)]

use std::{collections::HashSet, sync::Arc};

use bytes::Bytes;
use prost::Message as _;
use tracing::Instrument;

use super::{
    DeadLetters,
    batch::{Answered, Batch},
    error::{Error, RequestError},
    registry::{Functions, Registered},
};
use crate::{
    message::DeadLetterReason,
    names::Address,
    proto::reqreply as pb,
    wire::{
        convert,
        request::{self, Invocation, PersistedValue, ToFunction},
    },
};

/// Answers requests for a set of [`Functions`]: `ToFunction` bytes in, `FromFunction`
/// bytes out. Cheap to clone; share one per service.
///
/// ```
/// use statefun::{Functions, Handler};
///
/// let handler = Handler::new(Functions::new());
/// # futures_util::FutureExt::now_or_never(async {
/// let answer = handler.handle(statefun::Bytes::new()).await;
/// assert!(answer.is_err(), "an empty body is not a request");
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Handler {
    functions: Arc<Functions>,
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
        }
    }

    /// The registered functions.
    pub fn functions(&self) -> &Functions {
        &self.functions
    }

    /// Answers one request body: the `FromFunction`, or why there is none.
    pub async fn handle(&self, body: Bytes) -> Result<Bytes, Error> {
        self.dispatch(body).run().await.into_result()
    }

    /// Reads and routes one request body, without running anything yet: the
    /// [`Dispatch`] knows the target and the size of its batch, for a log line or a
    /// metric, before [`Dispatch::run`] runs it.
    pub fn dispatch(&self, body: Bytes) -> Dispatch<'_> {
        Dispatch {
            routed: self.route(body),
        }
    }

    fn route(&self, body: Bytes) -> Result<Routed<'_>, Error> {
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
            return Ok(Routed {
                registered,
                dead_letters: self.functions.policy_of(registered),
                local_time_ms: request.local_time_ms,
                target,
                body,
                state: batch.state,
                invocations: batch.invocations,
            });
        }

        // `find` finds every registered function: the target is missing, invalid or
        // unknown. Say precisely which, in this order.
        let target = convert::address(&body, batch.target.as_ref())
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
}

/// A request read and routed to its function, not run yet ([`Handler::dispatch`]); or the
/// reason it cannot be (which [`Dispatch::run`] returns).
pub struct Dispatch<'a> {
    routed: Result<Routed<'a>, Error>,
}

/// A request for a registered function, its parts views into `body`.
struct Routed<'a> {
    registered: &'a Registered,
    dead_letters: &'a DeadLetters,
    local_time_ms: Option<u64>,
    target: Address,
    body: Bytes,
    state: Vec<PersistedValue>,
    invocations: Vec<Invocation>,
}

impl Dispatch<'_> {
    /// The function instance the request goes to: `None` when the request names no
    /// registered function, or is not a valid request.
    pub fn target(&self) -> Option<&Address> {
        self.routed.as_ref().ok().map(|routed| &routed.target)
    }

    /// The number of invocations in the request's batch (0 when it cannot run).
    pub fn batch_size(&self) -> usize {
        self.routed
            .as_ref()
            .map_or(0, |routed| routed.invocations.len())
    }

    /// Runs the batch: the `FromFunction` or the error.
    pub async fn run(self) -> Dispatched {
        match self.routed {
            Ok(routed) => match routed.run().await {
                Ok(answered) => Dispatched {
                    result: Ok(answered.body),
                    dead_letters: answered.dead_letters,
                },
                Err(error) => Dispatched {
                    result: Err(error),
                    dead_letters: Vec::new(),
                },
            },
            Err(error) => Dispatched {
                result: Err(error),
                dead_letters: Vec::new(),
            },
        }
    }
}

impl std::fmt::Debug for Dispatch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.routed {
            Ok(routed) => f
                .debug_struct("Dispatch")
                .field("target", &routed.target)
                .field("batch_size", &routed.invocations.len())
                .finish(),
            Err(error) => f.debug_tuple("Dispatch").field(error).finish(),
        }
    }
}

impl Routed<'_> {
    async fn run(self) -> Result<Answered, Error> {
        if let Some(name) = duplicate_state(&self.body, &self.state) {
            return Err(RequestError::DuplicateState(name.to_owned()).into());
        }
        let span = tracing::debug_span!(
            "statefun.batch",
            function = %self.target.type_name(),
            id = %self.target.id(),
            batch_size = self.invocations.len(),
        );
        let batch = Batch {
            specs: &self.registered.specs,
            known_type_names: &self.registered.known_type_names,
            target: self.target,
            body: self.body,
            state: self.state,
            invocations: self.invocations,
            dead_letters: self.dead_letters,
            local_time_ms: self.local_time_ms,
        };
        // Entering and leaving a span costs even when nothing listens (with tracing's
        // `log` feature, which actix enables, each checks the `log` level): skip them then.
        if span.is_disabled() {
            self.registered.function.run(batch).await
        } else {
            self.registered.function.run(batch).instrument(span).await
        }
    }
}

/// What became of a request ([`Dispatch::run`]): the `FromFunction`, or why there is none.
#[derive(Debug)]
pub struct Dispatched {
    result: Result<Bytes, Error>,
    dead_letters: Vec<DeadLetterReason>,
}

impl Dispatched {
    /// Why each message the batch set aside as a dead letter failed, in batch order (none
    /// under the default policy, which fails the batch instead: [`DeadLetters`]).
    pub fn dead_letters(&self) -> &[DeadLetterReason] {
        &self.dead_letters
    }

    /// The `FromFunction`, or why there is none.
    pub fn result(&self) -> &Result<Bytes, Error> {
        &self.result
    }

    /// The `FromFunction`, or why there is none, owned.
    pub fn into_result(self) -> Result<Bytes, Error> {
        self.result
    }

    /// Whether the answer asks the runtime to register missing state
    /// (`IncompleteInvocationContext`) instead of carrying the batch's effects.
    pub fn is_negotiation(&self) -> bool {
        // Its one field is `incomplete_invocation_context` (field 101, a message: key
        // 101 << 3 | 2, the varint `AA 06`), where an invocation result is field 100
        // (`A2 06`).
        matches!(&self.result, Ok(answer) if answer.starts_with(&[0xAA, 0x06]))
    }
}

/// The error of a body the in-place decoder rejected: prost's own, from decoding it once
/// more (the decoders accept the same bodies; see `wire::request`).
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
