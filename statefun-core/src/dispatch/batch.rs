//! One batch: the received state decoded, the invocations run in order against it and one
//! context, the changed state encoded; the one place user code runs, inside one panic
//! boundary.

// `Error` is large, but it is built at most once per failed batch, never on the hot path.
#![allow(clippy::result_large_err)]

use std::panic::AssertUnwindSafe;

use bytes::Bytes;
use futures_util::{FutureExt, future::BoxFuture};
use prost::Message as _;

use super::{
    DeadLetters,
    error::{Error, RequestError},
    error_text, permanent_reason,
};
use crate::{
    function::{BoxError, Context, Function},
    message::{DeadLetter, DeadLetterReason, Message},
    names::Address,
    panic::panic_message,
    proto::reqreply::{self as pb, from_function},
    state::{Cells, Mutation, Mutations, ReceivedValue, State, StateError, ValueSpec},
    wire::{
        convert,
        request::{Invocation, PersistedValue},
    },
};

/// One decoded batch, ready for its function: its parts are views into `body`.
pub(crate) struct Batch<'a> {
    pub(crate) specs: &'a [ValueSpec],
    /// The typenames the function's messages are expected to have, as static strings:
    /// a message of one of them gets the static string, not a view into the body.
    pub(crate) known_type_names: &'a [&'static str],
    pub(crate) target: Address,
    pub(crate) body: Bytes,
    pub(crate) state: Vec<PersistedValue>,
    pub(crate) invocations: Vec<Invocation>,
    /// What becomes of a message the function can never process.
    pub(crate) dead_letters: &'a DeadLetters,
    /// The local runtime's virtual time, if it sent the request.
    pub(crate) local_time_ms: Option<u64>,
}

/// A batch's answer: the encoded `FromFunction`, and why each message it set aside as a
/// dead letter failed (none under [`DeadLetters::Fail`]).
pub(crate) struct Answered {
    pub(crate) body: Bytes,
    pub(crate) dead_letters: Vec<DeadLetterReason>,
}

/// The received value for each spec in order, or the specs the runtime must register
/// first. A state present without a value is not missing; unknown states are ignored.
fn received_cells<'a>(
    specs: &[ValueSpec],
    body: &'a [u8],
    state: &[PersistedValue],
) -> Result<Vec<Option<ReceivedValue<'a>>>, from_function::IncompleteInvocationContext> {
    let mut cells = Vec::with_capacity(specs.len());
    let mut missing = Vec::new();
    let is = |i: usize, name: &[u8]| state[i].state_name.bytes(body) == name;
    // The runtime sends the states in the order they were registered, which is the
    // specs' order: look right after the last match first, so that the usual case is
    // linear, not quadratic, in the number of states.
    let mut next = 0;
    for spec in specs {
        let name = spec.name().as_bytes();
        let found = if next < state.len() && is(next, name) {
            Some(next)
        } else {
            (0..state.len()).find(|&i| is(i, name))
        };
        match found {
            Some(i) => {
                cells.push(convert::received_value(body, &state[i]));
                next = i + 1;
            }
            None => missing.push(convert::spec(spec)),
        }
    }
    if missing.is_empty() {
        Ok(cells)
    } else {
        Err(from_function::IncompleteInvocationContext {
            missing_values: missing,
        })
    }
}

/// A registered function of any type: runs a batch.
pub(crate) trait ErasedFunction: Send + Sync {
    /// The batch's `FromFunction`, encoded.
    fn run<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Result<Answered, Error>>;
}

/// The [`ErasedFunction`] of a function `F`.
pub(crate) struct Erased<F>(F);

impl<F> Erased<F> {
    pub(crate) fn new(function: F) -> Self {
        Self(function)
    }
}

impl<F: Function> ErasedFunction for Erased<F> {
    fn run<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Result<Answered, Error>> {
        // Keep this future small: it is boxed once per batch, and glibc's malloc takes a
        // slower path (`malloc_consolidate`) for blocks of 1 KiB and more. So no copies of
        // the typename and id are kept for error messages (they are taken from the
        // context when an error happens) and the invocation loop is its own future.
        Box::pin(async move {
            let Batch {
                specs,
                known_type_names,
                target,
                body,
                state,
                invocations,
                dead_letters,
                local_time_ms,
            } = batch;
            let cells = match received_cells(specs, &body, &state) {
                Ok(cells) => cells,
                Err(incomplete) => {
                    tracing::debug!(
                        missing = ?incomplete.missing_values.iter().map(|s| &s.state_name).collect::<Vec<_>>(),
                        "state missing; asking the runtime to register it"
                    );
                    let body = pb::FromFunction {
                        response: Some(from_function::Response::IncompleteInvocationContext(
                            incomplete,
                        )),
                    }
                    .encode_to_vec()
                    .into();
                    return Ok(Answered {
                        body,
                        dead_letters: Vec::new(),
                    });
                }
            };
            // Every caller is checked before any user code runs: a bad one fails the batch
            // without side effects anywhere.
            for (index, invocation) in invocations.iter().enumerate() {
                convert::check_address(&body, invocation.caller.as_ref()).map_err(|source| {
                    Error::InvalidRequest(RequestError::InvalidCaller { index, source })
                })?;
            }
            let mut ctx = Context::for_request(target, body.clone(), local_time_ms);
            let received = Received {
                specs,
                known_type_names,
                body: &body,
                cells: &cells,
                invocations: &invocations,
                dead_letters,
            };
            // The one place user code runs for a batch: the state's codecs, the function,
            // then the codecs again. A panic in any of them fails the batch, not the process.
            let outcome = AssertUnwindSafe(run_batch(&self.0, received, &mut ctx))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(Failure::Panicked(panic_message(&*panic).to_owned())));
            match outcome {
                Ok((mutations, dead_letters)) => {
                    // Most batches only change state: then there is nothing to convert.
                    #[cfg(feature = "trace")]
                    let marks = ctx.take_trace();
                    let effects = if ctx.has_effects() {
                        convert::effects(ctx.into_effects())
                    } else {
                        from_function::InvocationResponse::default()
                    };
                    #[cfg(feature = "trace")]
                    let body = crate::wire::trace::invocation_result(&mutations, &effects, &marks);
                    #[cfg(not(feature = "trace"))]
                    let body = crate::wire::response::invocation_result(&mutations, &effects);
                    Ok(Answered { body, dead_letters })
                }
                Err(failure) => {
                    let error = failure.into_error(ctx.self_address().clone());
                    tracing::debug!(%error, "batch failed");
                    Err(error)
                }
            }
        })
    }
}

/// Why a batch failed, before the address is attached.
enum Failure {
    State(StateError),
    Function(BoxError),
    Panicked(String),
    /// A dead letter could not be sent as its policy says (e.g. an empty Kafka topic).
    DeadLetter(crate::message::EgressError),
}

impl Failure {
    fn into_error(self, address: Address) -> Error {
        match self {
            Self::State(source) => Error::State { address, source },
            Self::Function(source) => Error::FunctionFailed { address, source },
            Self::Panicked(message) => Error::FunctionPanicked { address, message },
            Self::DeadLetter(source) => Error::FunctionFailed {
                address,
                source: format!("its dead letter could not be sent: {source}").into(),
            },
        }
    }
}

/// What [`run_batch`] reads from the request.
struct Received<'a> {
    specs: &'a [ValueSpec],
    known_type_names: &'a [&'static str],
    body: &'a Bytes,
    cells: &'a [Option<ReceivedValue<'a>>],
    invocations: &'a [Invocation],
    dead_letters: &'a DeadLetters,
}

/// Decodes the state, runs the batch's invocations in order against it and one context,
/// and encodes the changed cells.
///
/// Under a dead-letter policy, a message that fails in a way no retry can fix is set aside
/// ([`run_setting_aside`]); this first run records nothing for that case, so a batch
/// without a dead letter costs what it cost before policies existed.
async fn run_batch<'a, F: Function>(
    function: &F,
    received: Received<'a>,
    ctx: &mut Context,
) -> Result<(Vec<Mutation<'a>>, Vec<DeadLetterReason>), Failure> {
    let Received {
        specs,
        known_type_names,
        body,
        cells,
        invocations,
        dead_letters,
    } = received;
    let mut state =
        F::State::from_cells(&mut Cells::new(specs, body, cells)).map_err(Failure::State)?;
    for (index, invocation) in invocations.iter().enumerate() {
        ctx.set_caller(invocation.caller.as_ref().map(convert::raw_address));
        let message = convert::message(body, invocation.argument.as_ref(), known_type_names);
        if let Err(error) = invoke(function, ctx, &mut state, message, body, invocation).await {
            let letter = set_aside(dead_letters, ctx, body, invocation, error)?;
            drop(state);
            // Boxed: the rare path's future is no part of every batch's.
            // Rebuilt from its parts, so that the future keeps each part once.
            let received = Received {
                specs,
                known_type_names,
                body,
                cells,
                invocations,
                dead_letters,
            };
            return Box::pin(run_setting_aside(
                function,
                received,
                ctx,
                vec![(index, letter)],
            ))
            .await;
        }
    }
    let mut mutations = Mutations::new(specs);
    state
        .write_mutations(&mut mutations)
        .map_err(Failure::State)?;
    Ok((mutations.into_inner(), Vec::new()))
}

/// Runs the batch again from the received state without the messages of `dead` (by
/// index, in batch order), sending each one's dead letter in its place; a message that
/// fails permanently on the way joins them, and the run starts over.
///
/// Replaying the invocations before a dead letter is what restores the state and effects
/// as they were before it without copying anything up front: the request still holds the
/// received state, and the runtime would have run them again anyway had the batch failed.
/// Each start over sets one more message aside, so a batch runs at most once more per dead
/// letter.
async fn run_setting_aside<'a, F: Function>(
    function: &F,
    received: Received<'a>,
    ctx: &mut Context,
    mut dead: Vec<(usize, DeadLetter)>,
) -> Result<(Vec<Mutation<'a>>, Vec<DeadLetterReason>), Failure> {
    let Received {
        specs,
        known_type_names,
        body,
        cells,
        invocations,
        dead_letters,
    } = received;
    'run: loop {
        ctx.clear_effects();
        let mut state =
            F::State::from_cells(&mut Cells::new(specs, body, cells)).map_err(Failure::State)?;
        let mut set_aside_so_far = dead.iter().peekable();
        for (index, invocation) in invocations.iter().enumerate() {
            if let Some((_, letter)) = set_aside_so_far.next_if(|(i, _)| *i == index) {
                // A dead letter sent to a function carries no trace context.
                #[cfg(feature = "trace")]
                ctx.set_trace(Bytes::new());
                dead_letters
                    .send(ctx, letter)
                    .map_err(Failure::DeadLetter)?;
                continue;
            }
            ctx.set_caller(invocation.caller.as_ref().map(convert::raw_address));
            let message = convert::message(body, invocation.argument.as_ref(), known_type_names);
            if let Err(error) = invoke(function, ctx, &mut state, message, body, invocation).await {
                let letter = set_aside(dead_letters, ctx, body, invocation, error)?;
                let at = dead.partition_point(|(i, _)| *i < index);
                dead.insert(at, (index, letter));
                continue 'run;
            }
        }
        let mut mutations = Mutations::new(specs);
        state
            .write_mutations(&mut mutations)
            .map_err(Failure::State)?;
        let reasons = dead.iter().map(|(_, letter)| letter.reason).collect();
        return Ok((mutations.into_inner(), reasons));
    }
}

/// One invocation's future: the function's own, or under the `trace` feature that future
/// in the invocation's span (`dispatch::trace`).
fn invoke<'a, F: Function>(
    function: &'a F,
    ctx: &'a mut Context,
    state: &'a mut F::State,
    message: Message,
    #[cfg_attr(not(feature = "trace"), allow(unused_variables))] body: &Bytes,
    #[cfg_attr(not(feature = "trace"), allow(unused_variables))] invocation: &Invocation,
) -> impl Future<Output = Result<(), BoxError>> + Send + 'a {
    #[cfg(feature = "trace")]
    {
        use tracing::Instrument as _;
        let span = super::trace::invocation_span(ctx, body, invocation);
        function.invoke(ctx, state, message).instrument(span)
    }
    #[cfg(not(feature = "trace"))]
    function.invoke(ctx, state, message)
}

/// The dead letter of `invocation`, which failed with `error`, logged; or the failure of
/// the batch, when `error` may pass on a retry or the policy fails the batch.
fn set_aside(
    dead_letters: &DeadLetters,
    ctx: &Context,
    body: &Bytes,
    invocation: &Invocation,
    error: BoxError,
) -> Result<DeadLetter, Failure> {
    let reason = match permanent_reason(&error) {
        Some(reason) if !dead_letters.fails() => reason,
        _ => return Err(Failure::Function(error)),
    };
    let letter = dead_letter(ctx.self_address(), body, invocation, reason, &error);
    tracing::warn!(
        function = %letter.target.type_name(),
        id = letter.target.id(),
        typename = letter.type_name,
        reason = reason.as_str(),
        error = letter.error,
        "message set aside as a dead letter"
    );
    Ok(letter)
}

/// The dead letter of `invocation`, which failed with `error` for `reason`.
fn dead_letter(
    target: &Address,
    body: &Bytes,
    invocation: &Invocation,
    reason: DeadLetterReason,
    error: &BoxError,
) -> DeadLetter {
    let (type_name, value) = match &invocation.argument {
        Some(argument) => (
            argument.typename.str(body).to_owned(),
            argument.has_value.then(|| argument.value.slice(body)),
        ),
        None => (String::new(), None),
    };
    let time_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        });
    DeadLetter {
        target: target.clone(),
        type_name,
        value,
        caller: invocation
            .caller
            .as_ref()
            .and_then(|caller| convert::raw_address(caller).to_address(body)),
        reason,
        error: error_text(error),
        time_ms,
    }
}
