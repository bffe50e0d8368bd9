//! The function registry ([`Functions`]) and the transport-free dispatcher
//! ([`Handler`]): `ToFunction` bytes in, `FromFunction` bytes out.

// `Error` is large, but it is built at most once per failed batch, never on the hot path.
#![allow(clippy::result_large_err)]

use std::{
    any::Any,
    collections::{HashMap, HashSet},
    fmt,
    panic::AssertUnwindSafe,
    sync::Arc,
};

use bytes::Bytes;
use futures_util::{FutureExt, future::BoxFuture};
use prost::Message as _;
use tracing::Instrument;

use crate::{
    Address, BoxError, Context, Function, Message, State, TypeName, TypeNameError,
    proto::reqreply::{self as pb, from_function, to_function},
    state::{Cells, Mutations, SpecError, StateError, ValueSpec, validate_specs},
};

/// Why a request could not be answered with a `FromFunction`.
///
/// The first group is the caller's fault (a malformed request, an unknown function); the
/// rest fail the batch: no partial response is ever sent, and the runtime retries.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The body is empty.
    #[error("the request body is empty: expected a protobuf `ToFunction`")]
    EmptyBody,
    /// The body is not a protobuf `ToFunction`.
    #[error("the request body is not a valid protobuf `ToFunction`: {0}")]
    MalformedRequest(#[source] prost::DecodeError),
    /// The body is a `ToFunction` the protocol does not allow.
    #[error("invalid `ToFunction`: {0}")]
    InvalidRequest(#[from] RequestError),
    /// No function is registered under the target's typename.
    #[error(
        "no function `{type_name}` is registered here (registered: {}); check the `functions` pattern and `urlPathTemplate` in module.yaml",
        list(.registered)
    )]
    UnknownFunction {
        /// The requested typename.
        type_name: TypeName,
        /// The registered typenames, sorted.
        registered: Vec<TypeName>,
    },
    /// A received state value cannot be used.
    #[error("function {} (id `{}`): {source}", .address.type_name(), .address.id())]
    State {
        /// The function instance.
        address: Address,
        /// What is wrong.
        #[source]
        source: StateError,
    },
    /// The function returned an error.
    #[error("function {} (id `{}`) failed: {source}", .address.type_name(), .address.id())]
    FunctionFailed {
        /// The function instance.
        address: Address,
        /// The function's error.
        #[source]
        source: BoxError,
    },
    /// The function, or a codec of its state, panicked; the panic was caught and the
    /// service keeps serving.
    #[error("function {} (id `{}`) panicked: {message}", .address.type_name(), .address.id())]
    FunctionPanicked {
        /// The function instance.
        address: Address,
        /// The panic message.
        message: String,
    },
}

fn list(names: &[TypeName]) -> String {
    names
        .iter()
        .map(TypeName::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    /// Whether the request itself is at fault (malformed, invalid, unknown function), as
    /// opposed to the function or its state.
    pub fn is_bad_request(&self) -> bool {
        matches!(
            self,
            Self::EmptyBody | Self::MalformedRequest(_) | Self::InvalidRequest(_)
        )
    }
}

/// A well-formed protobuf that is not a valid request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// `ToFunction.invocation` is not set.
    #[error("it has no `invocation` (an `InvocationBatchRequest`)")]
    MissingInvocation,
    /// The batch has no target address.
    #[error("the batch has no target address")]
    MissingTarget,
    /// The target's namespace or type is not a valid typename.
    #[error("the target's function type is invalid: {0}")]
    InvalidTarget(TypeNameError),
    /// A caller's namespace or type is not a valid typename.
    #[error("invocation {index}'s caller is invalid: {source}")]
    InvalidCaller {
        /// The invocation's index in the batch.
        index: usize,
        /// What is wrong.
        source: TypeNameError,
    },
    /// The batch has no invocations.
    #[error("the batch has no invocations")]
    NoInvocations,
    /// A state name appears more than once in the batch's `state`. The runtime sends each
    /// state once; which of two values is meant cannot be known, so neither is used.
    #[error("state `{0}` appears more than once in the request's `state`")]
    DuplicateState(String),
}

/// Why a function cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Another function has the same typename.
    #[error("function `{0}` is registered twice")]
    Duplicate(TypeName),
    /// The function's state specs are invalid.
    #[error("function `{type_name}` has an invalid state spec: {source}")]
    InvalidSpec {
        /// The function.
        type_name: TypeName,
        /// What is wrong.
        source: SpecError,
    },
}

/// The functions a service hosts, by typename.
///
/// ```
/// # use statefun_core::{BoxError, Context, Function, Functions, Message, TypeName};
/// # struct Echo;
/// # impl Function for Echo {
/// #     type State = ();
/// #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/echo") }
/// #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
/// # }
/// let functions = Functions::new().with(Echo);
/// assert!(Functions::new().with(Echo).try_with(Echo).is_err());
/// ```
#[derive(Default)]
pub struct Functions {
    by_name: HashMap<TypeName, Registered>,
}

struct Registered {
    specs: Vec<ValueSpec>,
    function: Arc<dyn ErasedFunction>,
}

impl Functions {
    /// No functions yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `function`.
    ///
    /// # Panics
    /// If its typename is taken or its state specs are invalid; see
    /// [`Functions::try_with`] for the fallible version.
    #[track_caller]
    pub fn with<F: Function>(self, function: F) -> Self {
        match self.try_with(function) {
            Ok(functions) => functions,
            Err(e) => panic!("{e}"),
        }
    }

    /// Adds `function`, or says why it cannot be added.
    pub fn try_with<F: Function>(mut self, function: F) -> Result<Self, RegistryError> {
        let type_name = function.type_name();
        if self.by_name.contains_key(&type_name) {
            return Err(RegistryError::Duplicate(type_name));
        }
        let specs = F::State::specs();
        validate_specs(&specs).map_err(|source| RegistryError::InvalidSpec {
            type_name: type_name.clone(),
            source,
        })?;
        self.by_name.insert(
            type_name,
            Registered {
                specs,
                function: Arc::new(Erased(function)),
            },
        );
        Ok(self)
    }

    /// The function registered as `namespace/name`, found without building the typename:
    /// a scan of a few typenames is faster than hashing a newly allocated one.
    fn find(&self, namespace: &str, name: &str) -> Option<(&TypeName, &Registered)> {
        if self.by_name.len() <= 16 {
            self.by_name
                .iter()
                .find(|(t, _)| t.name() == name && t.namespace() == namespace)
        } else {
            let type_name = TypeName::from_parts(namespace, name).ok()?;
            self.by_name.get_key_value(&type_name)
        }
    }

    /// The registered typenames, sorted.
    pub fn type_names(&self) -> Vec<&TypeName> {
        let mut names: Vec<_> = self.by_name.keys().collect();
        names.sort();
        names
    }

    /// The state specs of a registered function.
    pub fn specs(&self, type_name: &TypeName) -> Option<&[ValueSpec]> {
        self.by_name.get(type_name).map(|r| r.specs.as_slice())
    }

    /// The `io.statefun.endpoints.v2/http` module.yaml for these functions served at
    /// `base_url` (e.g. `http://functions:8000/statefun`): one endpoint per namespace.
    pub fn module_yaml(&self, base_url: &str) -> String {
        let mut namespaces: Vec<&str> = self.by_name.keys().map(|t| t.namespace()).collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        let mut yaml = String::new();
        for (i, namespace) in namespaces.iter().enumerate() {
            if i > 0 {
                yaml.push_str("---\n");
            }
            yaml.push_str(&format!(
                "kind: io.statefun.endpoints.v2/http\nspec:\n  functions: {namespace}/*\n  urlPathTemplate: {base_url}\n  transport:\n    type: io.statefun.transports.v1/async\n"
            ));
        }
        yaml
    }
}

impl fmt::Debug for Functions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.type_names()).finish()
    }
}

/// Answers requests for a set of [`Functions`]: `ToFunction` bytes in, `FromFunction`
/// bytes out. Cheap to clone; share one per service.
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

    /// Answers one request body.
    pub async fn handle(&self, body: Bytes) -> Result<Bytes, Error> {
        let response = self.handle_request(body).await?;
        Ok(response.encode_to_vec().into())
    }

    /// Answers one request body with the `FromFunction` not yet encoded.
    async fn handle_request(&self, body: Bytes) -> Result<pb::FromFunction, Error> {
        if body.is_empty() {
            return Err(Error::EmptyBody);
        }
        let request = pb::ToFunction::decode(body).map_err(Error::MalformedRequest)?;
        let Some(to_function::Request::Invocation(mut batch)) = request.request else {
            return Err(RequestError::MissingInvocation.into());
        };
        // The common case: a registered target. Its typename is the registered one (for
        // functions of the macro, a `&'static str`): no allocation, no parsing.
        let found = batch
            .target
            .as_ref()
            .and_then(|t| self.functions.find(&t.namespace, &t.r#type));
        if let Some((type_name, registered)) = found {
            if batch.invocations.is_empty() {
                return Err(RequestError::NoInvocations.into());
            }
            let id = batch.target.take().map(|t| t.id).unwrap_or_default();
            let target = Address::new(type_name.clone(), id);
            return self
                .run(registered, target, batch.state, batch.invocations)
                .await;
        }

        // Otherwise say precisely what is wrong, in this order.
        let target = Address::from_proto(batch.target)
            .map_err(RequestError::InvalidTarget)?
            .ok_or(RequestError::MissingTarget)?;
        if batch.invocations.is_empty() {
            return Err(RequestError::NoInvocations.into());
        }
        let Some(registered) = self.functions.by_name.get(target.type_name()) else {
            return Err(Error::UnknownFunction {
                type_name: target.type_name().clone(),
                registered: self.functions.type_names().into_iter().cloned().collect(),
            });
        };
        self.run(registered, target, batch.state, batch.invocations)
            .await
    }

    async fn run(
        &self,
        registered: &Registered,
        target: Address,
        state: Vec<to_function::PersistedValue>,
        invocations: Vec<to_function::Invocation>,
    ) -> Result<pb::FromFunction, Error> {
        if let Some(name) = duplicate_state(&state) {
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
            target,
            state,
            invocations,
        };
        registered.function.run(batch).instrument(span).await
    }
}

/// The first state name that appears twice in `state`, if any. Pairwise for the usual few
/// states (no allocation), hashed for many.
fn duplicate_state(state: &[to_function::PersistedValue]) -> Option<&str> {
    if state.len() <= 16 {
        state
            .iter()
            .enumerate()
            .find(|(i, s)| state[..*i].iter().any(|e| e.state_name == s.state_name))
            .map(|(_, s)| s.state_name.as_str())
    } else {
        let mut seen = HashSet::with_capacity(state.len());
        state
            .iter()
            .find(|s| !seen.insert(s.state_name.as_str()))
            .map(|s| s.state_name.as_str())
    }
}

/// One decoded batch, ready for its function.
struct Batch<'a> {
    specs: &'a [ValueSpec],
    target: Address,
    state: Vec<to_function::PersistedValue>,
    invocations: Vec<to_function::Invocation>,
}

impl Batch<'_> {
    /// The received value for each spec in order, or the specs the runtime must register
    /// first. A state present without a value is not missing; unknown states are ignored.
    fn cells(
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

trait ErasedFunction: Send + Sync {
    fn run<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Result<pb::FromFunction, Error>>;
}

struct Erased<F>(F);

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
