//! One batch: the received state decoded, the invocations run in order against it and one
//! context, the changed state encoded; the one place user code runs, inside one panic
//! boundary.

// `Error` is large, but it is built at most once per failed batch, never on the hot path.
#![allow(clippy::result_large_err)]

use std::{any::Any, panic::AssertUnwindSafe};

use futures_util::{FutureExt, future::BoxFuture};

use crate::{
    Address, BoxError, Context, Function, Message, State,
    cells::{Cells, Mutations},
    error::{Error, RequestError},
    proto::reqreply::{self as pb, from_function, to_function},
    spec::ValueSpec,
    state::StateError,
};

/// One decoded batch, ready for its function.
pub(crate) struct Batch<'a> {
    pub(crate) specs: &'a [ValueSpec],
    pub(crate) target: Address,
    pub(crate) state: Vec<to_function::PersistedValue>,
    pub(crate) invocations: Vec<to_function::Invocation>,
}

impl Batch<'_> {
    /// The received value for each spec in order, or the specs the runtime must register
    /// first. A state present without a value is not missing; unknown states are ignored.
    pub(crate) fn cells(
        &mut self,
    ) -> Result<Vec<Option<pb::TypedValue>>, from_function::IncompleteInvocationContext> {
        let mut cells = Vec::with_capacity(self.specs.len());
        let mut missing = Vec::new();
        for spec in self.specs {
            match self.state.iter_mut().find(|s| s.state_name == spec.name()) {
                Some(received) => cells.push(received.state_value.take()),
                None => missing.push(spec.to_proto()),
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
}

/// A registered function of any type: runs a batch.
pub(crate) trait ErasedFunction: Send + Sync {
    fn run<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Result<pb::FromFunction, Error>>;
}

/// The [`ErasedFunction`] of a function `F`.
pub(crate) struct Erased<F>(F);

impl<F> Erased<F> {
    pub(crate) fn new(function: F) -> Self {
        Self(function)
    }
}

impl<F: Function> ErasedFunction for Erased<F> {
    fn run<'a>(&'a self, mut batch: Batch<'a>) -> BoxFuture<'a, Result<pb::FromFunction, Error>> {
        // Keep this future small: it is boxed once per batch, and glibc's malloc takes a
        // slower path (`malloc_consolidate`) for blocks of 1 KiB and more. So no copies of
        // the typename and id are kept for error messages (they are taken from the
        // context when an error happens) and the invocation loop is its own future.
        Box::pin(async move {
            let cells = match batch.cells() {
                Ok(cells) => cells,
                Err(incomplete) => {
                    tracing::debug!(
                        missing = ?incomplete.missing_values.iter().map(|s| &s.state_name).collect::<Vec<_>>(),
                        "state missing; asking the runtime to register it"
                    );
                    return Ok(pb::FromFunction {
                        response: Some(from_function::Response::IncompleteInvocationContext(
                            incomplete,
                        )),
                    });
                }
            };
            let Batch {
                specs,
                target,
                state: received,
                invocations,
            } = batch;
            drop(received);
            // Every caller is checked before any user code runs: a bad one fails the batch
            // without side effects anywhere.
            for (index, invocation) in invocations.iter().enumerate() {
                Address::check_proto(invocation.caller.as_ref()).map_err(|source| {
                    Error::InvalidRequest(RequestError::InvalidCaller { index, source })
                })?;
            }

            let mut ctx = Context::new(target);
            // The one place user code runs for a batch: the state's codecs, the function,
            // then the codecs again. A panic in any of them fails the batch, not the process.
            let outcome = AssertUnwindSafe(run_batch(&self.0, specs, cells, &mut ctx, invocations))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(Failure::Panicked(panic_message(&*panic).to_owned())));
            match outcome {
                Ok(mutations) => Ok(pb::FromFunction {
                    response: Some(from_function::Response::InvocationResult(
                        ctx.into_response(mutations),
                    )),
                }),
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
}

impl Failure {
    fn into_error(self, address: Address) -> Error {
        match self {
            Self::State(source) => Error::State { address, source },
            Self::Function(source) => Error::FunctionFailed { address, source },
            Self::Panicked(message) => Error::FunctionPanicked { address, message },
        }
    }
}

/// Decodes the state, runs the batch's invocations in order against it and one context,
/// and encodes the changed cells.
async fn run_batch<F: Function>(
    function: &F,
    specs: &[ValueSpec],
    cells: Vec<Option<pb::TypedValue>>,
    ctx: &mut Context,
    invocations: Vec<to_function::Invocation>,
) -> Result<Vec<from_function::PersistedValueMutation>, Failure> {
    let mut state = F::State::from_cells(&mut Cells::new(specs, cells)).map_err(Failure::State)?;
    for invocation in invocations {
        ctx.set_caller(invocation.caller);
        let message = Message::from_proto(invocation.argument);
        function
            .invoke(ctx, &mut state, message)
            .await
            .map_err(Failure::Function)?;
    }
    let mut mutations = Mutations::new(specs);
    state
        .write_mutations(&mut mutations)
        .map_err(Failure::State)?;
    Ok(mutations.into_proto())
}

/// The text of a caught panic's payload.
#[doc(hidden)]
pub fn panic_message(panic: &(dyn Any + Send)) -> &str {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s
    } else {
        "a panic with a non-string payload"
    }
}
