//! A local runtime: plays the StateFun runtime's part in-process, through the real
//! protocol, so functions can be run and tested without a Flink cluster.
//!
//! It keeps state per address, learns value specs through `IncompleteInvocationContext`
//! (register, then resend the same invocations), applies mutations with the runtime's
//! rules, routes messages with per-address order, batches the messages that arrive while
//! a request for an address is in flight, fires delayed messages and expires state on a
//! virtual clock, and captures egress records.
//!
//! ```
//! # use statefun_core::{BoxError, Context, Function, Functions, Message, TypeName, Address};
//! # use statefun_core::local::LocalRuntime;
//! # struct Echo;
//! # impl Function for Echo {
//! #     type State = ();
//! #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/echo") }
//! #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
//! # }
//! # tokio_test_block_on(async {
//! let mut runtime = LocalRuntime::new(Functions::new().with(Echo));
//! runtime.send(Address::new(TypeName::from_static("demo/echo"), "a"), "hi")?;
//! let report = runtime.run_until_quiescent().await?;
//! assert_eq!(report.requests, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     futures_util::FutureExt::now_or_never(f).expect("the in-process runtime never waits")
//! # }
//! ```

// `LocalError` is large, but it ends a run; it is never on a hot path.
#![allow(clippy::result_large_err)]

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    fmt,
    sync::Arc,
    time::Duration,
};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use prost::Message as _;

use crate::{
    Address, BoxError, CodecError, Encode, Handler, OutgoingMessage, OutgoingMessageError, Type,
    TypeName,
    egress::{KAFKA_PRODUCER_RECORD, KINESIS_EGRESS_RECORD},
    proto::{
        egress as egress_pb,
        reqreply::{self as pb, FromFunction, ToFunction, from_function, to_function},
    },
};

use from_function::{expiration_spec::ExpireMode, persisted_value_mutation::MutationType};

/// Something that answers `ToFunction` bytes with `FromFunction` bytes: an in-process
/// [`Handler`], or a remote function service over HTTP.
pub trait Endpoint: Send + Sync {
    /// Sends one request for the function instance `target` and returns the response
    /// body.
    fn call(&self, target: &Address, request: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>>;
}

impl Endpoint for Handler {
    fn call(&self, _: &Address, request: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        Box::pin(async move { self.handle(request).await.map_err(BoxError::from) })
    }
}

/// Why a local run stopped. The real runtime would fail the job (and restart it from a
/// checkpoint) in each of these cases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalError {
    /// No endpoint serves the target's function type.
    #[error("no endpoint serves {0}: register the function or an endpoint for its namespace")]
    NoEndpoint(Address),
    /// The endpoint failed (a function error, a panic, a transport error).
    #[error("{address}: the endpoint failed: {source}")]
    Endpoint {
        /// The target of the failed request.
        address: Address,
        /// What the endpoint said.
        #[source]
        source: BoxError,
    },
    /// The endpoint answered something that is not a valid `FromFunction`.
    #[error("{address}: invalid response: {reason}")]
    InvalidResponse {
        /// The target of the request.
        address: Address,
        /// What is wrong.
        reason: String,
    },
    /// A mutation names a state the function never declared.
    #[error("function {function} wrote state `{state}`, which it never declared")]
    UndeclaredState {
        /// The function type.
        function: TypeName,
        /// The state name.
        state: String,
    },
    /// A mutation's typename differs from the declared one.
    #[error(
        "function {function} wrote state `{state}` as `{actual}`, but declared it as `{declared}`"
    )]
    StateTypeMismatch {
        /// The function type.
        function: TypeName,
        /// The state name.
        state: String,
        /// The declared typename.
        declared: String,
        /// The typename written.
        actual: String,
    },
    /// An invalid spec in an `IncompleteInvocationContext`.
    #[error("function {function} declared an invalid state spec `{state}`: {reason}")]
    InvalidSpec {
        /// The function type.
        function: TypeName,
        /// The state name.
        state: String,
        /// What is wrong.
        reason: String,
    },
    /// A delayed message reuses the token of one that is still pending.
    #[error(
        "{address} sent a delayed message with token `{token}` while another with that token is pending"
    )]
    DuplicateToken {
        /// The sender.
        address: Address,
        /// The token.
        token: String,
    },
    /// A cancellation came without a token.
    #[error("{0} sent a cancellation without a token")]
    CancellationWithoutToken(Address),
    /// The run took more requests than allowed: most likely a message loop.
    #[error(
        "no quiescence after {0} requests: a message loop? (raise the bound with `max_requests`)"
    )]
    RequestLimit(usize),
}

/// What a local run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Requests sent to endpoints (negotiation retries included).
    pub requests: usize,
    /// Invocations delivered: those of the batches the function completed.
    pub invocations: usize,
}

/// One live state value, as [`LocalRuntime::states`] lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StateEntry<'a> {
    /// The function instance that owns the value.
    pub address: &'a Address,
    /// The state's name.
    pub name: &'a str,
    /// The value's typename, as the function declared it.
    pub type_name: &'a str,
    /// The value's bytes, in the encoding of `type_name`.
    pub value: &'a Bytes,
}

/// One request the runtime sent, for asserting batching and negotiation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRecord {
    /// The target.
    pub address: Address,
    /// How many invocations the batch carried.
    pub invocations: usize,
    /// The state names sent with it.
    pub states: Vec<String>,
    /// Whether the answer was an `IncompleteInvocationContext`.
    pub incomplete: bool,
}

/// A record captured from an egress.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EgressRecord {
    /// A Kafka producer record.
    Kafka(egress_pb::KafkaProducerRecord),
    /// A Kinesis record.
    Kinesis(egress_pb::KinesisEgressRecord),
    /// Any other value.
    Value {
        /// Its typename.
        type_name: String,
        /// Its bytes.
        value: Bytes,
    },
}

impl EgressRecord {
    /// A generic record's value as `T`, when its typename matches.
    pub fn decode<T: Type>(&self) -> Option<Result<T, CodecError>> {
        match self {
            Self::Value { type_name, value } if T::type_name() == **type_name => {
                Some(T::decode(value.clone()))
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
struct Spec {
    type_name: String,
    mode: ExpireMode,
    ttl: Duration,
}

impl Spec {
    fn has_expired(&self, cell: &Cell, now: Duration) -> bool {
        match self.mode {
            ExpireMode::None => false,
            ExpireMode::AfterWrite => now >= cell.written_at + self.ttl,
            ExpireMode::AfterInvoke => now >= cell.accessed_at + self.ttl,
        }
    }
}

#[derive(Clone, Debug)]
struct Cell {
    value: pb::TypedValue,
    written_at: Duration,
    accessed_at: Duration,
}

#[derive(Default)]
struct Instance {
    cells: HashMap<String, Cell>,
    in_flight: bool,
    pending: VecDeque<to_function::Invocation>,
}

struct Timer {
    due: Duration,
    sender: Address,
    token: Option<String>,
    target: Address,
    argument: pb::TypedValue,
}

enum Route {
    Exact(TypeName),
    Namespace(String),
}

/// The in-process StateFun runtime; see the [module docs](self).
pub struct LocalRuntime {
    routes: Vec<(Route, Arc<dyn Endpoint>)>,
    specs: HashMap<TypeName, BTreeMap<String, Spec>>,
    spec_order: HashMap<TypeName, Vec<String>>,
    instances: HashMap<Address, Instance>,
    ready: VecDeque<(Address, Vec<to_function::Invocation>)>,
    timers: Vec<Timer>,
    egress: Vec<(TypeName, EgressRecord)>,
    batches: Vec<BatchRecord>,
    totals: RunReport,
    now: Duration,
    max_batch: usize,
    max_requests: usize,
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("now", &self.now)
            .field("instances", &self.instances.len())
            .field("pending_timers", &self.timers.len())
            .finish_non_exhaustive()
    }
}

impl LocalRuntime {
    /// A runtime hosting `functions` in-process.
    pub fn new(functions: crate::Functions) -> Self {
        let handler = Handler::new(functions);
        let names: Vec<TypeName> = handler
            .functions()
            .type_names()
            .into_iter()
            .cloned()
            .collect();
        let endpoint: Arc<dyn Endpoint> = Arc::new(handler);
        let mut runtime = Self::empty();
        for name in names {
            runtime.routes.push((Route::Exact(name), endpoint.clone()));
        }
        runtime
    }

    /// A runtime with no endpoints yet.
    pub fn empty() -> Self {
        Self {
            routes: Vec::new(),
            specs: HashMap::new(),
            spec_order: HashMap::new(),
            instances: HashMap::new(),
            ready: VecDeque::new(),
            timers: Vec::new(),
            egress: Vec::new(),
            batches: Vec::new(),
            totals: RunReport::default(),
            now: Duration::ZERO,
            max_batch: 1000,
            max_requests: 100_000,
        }
    }

    /// Serves every function of `namespace` with `endpoint` (module.yaml's `ns/*`).
    pub fn with_namespace_endpoint(
        mut self,
        namespace: &str,
        endpoint: impl Endpoint + 'static,
    ) -> Self {
        self.routes
            .push((Route::Namespace(namespace.to_owned()), Arc::new(endpoint)));
        self
    }

    /// Serves the function `type_name` with `endpoint`.
    pub fn with_endpoint(mut self, type_name: TypeName, endpoint: impl Endpoint + 'static) -> Self {
        self.routes
            .push((Route::Exact(type_name), Arc::new(endpoint)));
        self
    }

    /// At most `max` invocations per request (module.yaml's `maxNumBatchRequests`,
    /// default 1000).
    pub fn max_batch(mut self, max: usize) -> Self {
        self.max_batch = max.max(1);
        self
    }

    /// At most `max` requests per run before [`LocalError::RequestLimit`] (default
    /// 100,000).
    pub fn max_requests(mut self, max: usize) -> Self {
        self.max_requests = max;
        self
    }

    /// The virtual time elapsed since the runtime started.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// Sends `value` to `target` as an ingress would (no caller); fails if the target's id
    /// is empty or the value cannot be encoded.
    pub fn send<V: Encode + ?Sized>(
        &mut self,
        target: Address,
        value: &V,
    ) -> Result<(), OutgoingMessageError> {
        let message = OutgoingMessage::try_new(target, value)?;
        self.send_message(message);
        Ok(())
    }

    /// Sends a prepared message as an ingress would (no caller).
    pub fn send_message(&mut self, message: OutgoingMessage) {
        let (target, argument) = message.into_parts();
        let target = Address::from_proto(Some(target))
            .ok()
            .flatten()
            .expect("an OutgoingMessage's target is a valid address");
        self.deliver(target, None, argument);
    }

    fn deliver(&mut self, target: Address, caller: Option<pb::Address>, argument: pb::TypedValue) {
        let invocation = to_function::Invocation {
            caller,
            argument: Some(argument),
        };
        let instance = self.instances.entry(target.clone()).or_default();
        if instance.in_flight {
            instance.pending.push_back(invocation);
        } else {
            instance.in_flight = true;
            self.ready.push_back((target, vec![invocation]));
        }
    }

    /// Runs requests until no message is waiting (delayed messages stay scheduled).
    pub async fn run_until_quiescent(&mut self) -> Result<RunReport, LocalError> {
        let mut report = RunReport::default();
        let result = self.run_ready(&mut report).await;
        // A failed run's work counts too: [`totals`](Self::totals) is what the runtime did.
        self.totals.requests += report.requests;
        self.totals.invocations += report.invocations;
        result.map(|()| report)
    }

    async fn run_ready(&mut self, report: &mut RunReport) -> Result<(), LocalError> {
        while let Some((target, invocations)) = self.ready.pop_front() {
            if report.requests >= self.max_requests {
                self.ready.push_front((target, invocations));
                return Err(LocalError::RequestLimit(self.max_requests));
            }
            let count = invocations.len();
            let result = self.execute(&target, invocations, report).await;
            let instance = self.instances.entry(target.clone()).or_default();
            if let Err(error) = result {
                // The real runtime would restart; here the instance is simply released.
                instance.in_flight = false;
                instance.pending.clear();
                return Err(error);
            }
            report.invocations += count;
            if instance.pending.is_empty() {
                instance.in_flight = false;
            } else {
                let n = instance.pending.len().min(self.max_batch);
                let next: Vec<_> = instance.pending.drain(..n).collect();
                self.ready.push_back((target, next));
            }
        }
        Ok(())
    }

    /// Moves the virtual clock forward by `by`, firing delayed messages as they fall due
    /// (each followed by a run until quiescent).
    pub async fn advance(&mut self, by: Duration) -> Result<RunReport, LocalError> {
        let end = self.now + by;
        let mut total = self.run_until_quiescent().await?;
        loop {
            let due = self
                .timers
                .iter()
                .enumerate()
                .filter(|(_, t)| t.due <= end)
                .min_by_key(|(_, t)| t.due)
                .map(|(i, _)| i);
            let Some(index) = due else { break };
            let timer = self.timers.remove(index);
            self.now = self.now.max(timer.due);
            let caller = Some(timer.sender.into_proto());
            self.deliver(timer.target, caller, timer.argument);
            let report = self.run_until_quiescent().await?;
            total.requests += report.requests;
            total.invocations += report.invocations;
        }
        self.now = end;
        Ok(total)
    }

    /// The value of state `name` of `address`, as a `T` (`None` if unset or expired).
    pub fn state<T: Type>(&self, address: &Address, name: &str) -> Result<Option<T>, CodecError> {
        let Some(cell) = self.live_cell(address, name) else {
            return Ok(None);
        };
        if T::type_name() != *cell.value.typename {
            return Err(CodecError::Custom(
                format!(
                    "state `{name}` of {address} is a `{}`, not a `{}`",
                    cell.value.typename,
                    T::type_name()
                )
                .into(),
            ));
        }
        T::decode(cell.value.value.clone()).map(Some)
    }

    /// The state names registered for `function` so far, in registration order.
    pub fn registered_states(&self, function: &TypeName) -> Vec<String> {
        self.spec_order.get(function).cloned().unwrap_or_default()
    }

    /// Removes and returns the records captured for `egress` so far, in send order.
    pub fn take_egress(&mut self, egress: &TypeName) -> Vec<EgressRecord> {
        let (taken, kept) = std::mem::take(&mut self.egress)
            .into_iter()
            .partition(|(name, _)| name == egress);
        self.egress = kept;
        taken.into_iter().map(|(_, record)| record).collect()
    }

    /// Removes and returns every record captured so far, with its egress, in send order.
    pub fn take_all_egress(&mut self) -> Vec<(TypeName, EgressRecord)> {
        std::mem::take(&mut self.egress)
    }

    /// Every request answered so far (a request whose call failed is not recorded here;
    /// [`totals`](Self::totals) counts it).
    pub fn batches(&self) -> &[BatchRecord] {
        &self.batches
    }

    /// What the runtime did since it started, over every run, failed ones included:
    /// requests sent (a request that failed counts) and invocations delivered (the
    /// invocations of a batch that failed do not).
    pub fn totals(&self) -> RunReport {
        self.totals
    }

    /// Every live state value (set, not expired), ordered by address, then by the order in
    /// which the function registered its states.
    ///
    /// Read one value as a Rust type with [`state`](Self::state); this lists them all, raw,
    /// for tools that do not know the types (`statefun-local --dump-state`).
    pub fn states(&self) -> impl Iterator<Item = StateEntry<'_>> {
        let mut addresses: Vec<&Address> = self.instances.keys().collect();
        addresses.sort_unstable();
        addresses.into_iter().flat_map(move |address| {
            self.registered_names(address.type_name())
                .iter()
                .filter_map(move |name| {
                    let cell = self.live_cell(address, name)?;
                    Some(StateEntry {
                        address,
                        name,
                        type_name: &cell.value.typename,
                        value: &cell.value.value,
                    })
                })
        })
    }

    fn registered_names(&self, function: &TypeName) -> &[String] {
        self.spec_order.get(function).map_or(&[], Vec::as_slice)
    }

    /// Delayed messages still scheduled.
    pub fn pending_delayed(&self) -> usize {
        self.timers.len()
    }

    fn live_cell(&self, address: &Address, name: &str) -> Option<&Cell> {
        let cell = self.instances.get(address)?.cells.get(name)?;
        let spec = self.specs.get(address.type_name())?.get(name)?;
        (!spec.has_expired(cell, self.now)).then_some(cell)
    }

    fn endpoint(&self, function: &TypeName) -> Option<Arc<dyn Endpoint>> {
        let exact = self
            .routes
            .iter()
            .find(|(route, _)| matches!(route, Route::Exact(t) if t == function));
        let by_namespace = || {
            self.routes.iter().find(
                |(route, _)| matches!(route, Route::Namespace(ns) if ns == function.namespace()),
            )
        };
        exact.or_else(by_namespace).map(|(_, e)| e.clone())
    }

    async fn execute(
        &mut self,
        target: &Address,
        invocations: Vec<to_function::Invocation>,
        report: &mut RunReport,
    ) -> Result<(), LocalError> {
        let function = target.type_name().clone();
        let endpoint = self
            .endpoint(&function)
            .ok_or_else(|| LocalError::NoEndpoint(target.clone()))?;
        loop {
            self.drop_expired(target);
            let states = self.states_for(target);
            let request = ToFunction {
                request: Some(to_function::Request::Invocation(
                    to_function::InvocationBatchRequest {
                        target: Some(target.clone().into_proto()),
                        state: states,
                        invocations: invocations.clone(),
                    },
                )),
            };
            let names = match &request.request {
                Some(to_function::Request::Invocation(b)) => {
                    b.state.iter().map(|s| s.state_name.clone()).collect()
                }
                None => Vec::new(),
            };
            report.requests += 1;
            let body = endpoint
                .call(target, request.encode_to_vec().into())
                .await
                .map_err(|source| LocalError::Endpoint {
                    address: target.clone(),
                    source,
                })?;
            let response = FromFunction::decode(body).map_err(|e| LocalError::InvalidResponse {
                address: target.clone(),
                reason: e.to_string(),
            })?;
            let incomplete = matches!(
                response.response,
                Some(from_function::Response::IncompleteInvocationContext(_))
            );
            self.batches.push(BatchRecord {
                address: target.clone(),
                invocations: invocations.len(),
                states: names,
                incomplete,
            });
            match response.response {
                Some(from_function::Response::IncompleteInvocationContext(ctx)) => {
                    if ctx.missing_values.is_empty() {
                        return Err(LocalError::InvalidResponse {
                            address: target.clone(),
                            reason: "an IncompleteInvocationContext with no missing values".into(),
                        });
                    }
                    self.register(&function, ctx.missing_values)?;
                }
                Some(from_function::Response::InvocationResult(result)) => {
                    return self.apply(target, result);
                }
                None => return self.apply(target, Default::default()),
            }
        }
    }

    fn register(
        &mut self,
        function: &TypeName,
        specs: Vec<from_function::PersistedValueSpec>,
    ) -> Result<(), LocalError> {
        let invalid = |state: &str, reason: &str| LocalError::InvalidSpec {
            function: function.clone(),
            state: state.to_owned(),
            reason: reason.to_owned(),
        };
        for spec in specs {
            let expiration = spec.expiration_spec.unwrap_or_default();
            let mode = expiration.mode();
            if mode != ExpireMode::None && expiration.expire_after_millis <= 0 {
                return Err(invalid(&spec.state_name, "an expiration of 0 ms"));
            }
            if TypeName::new(spec.type_typename.clone()).is_err() {
                return Err(invalid(
                    &spec.state_name,
                    "a typename without exactly one `/`",
                ));
            }
            let ttl =
                Duration::from_millis(u64::try_from(expiration.expire_after_millis).unwrap_or(0));
            let order = self.spec_order.entry(function.clone()).or_default();
            if !order.contains(&spec.state_name) {
                order.push(spec.state_name.clone());
            }
            self.specs.entry(function.clone()).or_default().insert(
                spec.state_name,
                Spec {
                    type_name: spec.type_typename,
                    mode,
                    ttl,
                },
            );
        }
        Ok(())
    }

    fn drop_expired(&mut self, target: &Address) {
        let Some(specs) = self.specs.get(target.type_name()) else {
            return;
        };
        let now = self.now;
        if let Some(instance) = self.instances.get_mut(target) {
            instance.cells.retain(|name, cell| {
                specs
                    .get(name)
                    .is_some_and(|spec| !spec.has_expired(cell, now))
            });
        }
    }

    fn states_for(&self, target: &Address) -> Vec<to_function::PersistedValue> {
        let Some(order) = self.spec_order.get(target.type_name()) else {
            return Vec::new();
        };
        let specs = &self.specs[target.type_name()];
        let cells = self.instances.get(target).map(|i| &i.cells);
        order
            .iter()
            .map(|name| {
                let value = cells
                    .and_then(|c| c.get(name))
                    .map(|cell| cell.value.clone())
                    .unwrap_or_else(|| pb::TypedValue {
                        typename: specs[name].type_name.clone(),
                        has_value: false,
                        value: Bytes::new(),
                    });
                to_function::PersistedValue {
                    state_name: name.clone(),
                    state_value: Some(value),
                }
            })
            .collect()
    }

    fn apply(
        &mut self,
        target: &Address,
        result: from_function::InvocationResponse,
    ) -> Result<(), LocalError> {
        let function = target.type_name().clone();
        let now = self.now;
        // Validate every mutation before applying any: the runtime fails the job as a whole.
        let specs = self.specs.get(&function);
        for mutation in &result.state_mutations {
            let spec = specs
                .and_then(|s| s.get(&mutation.state_name))
                .ok_or_else(|| LocalError::UndeclaredState {
                    function: function.clone(),
                    state: mutation.state_name.clone(),
                })?;
            if mutation.mutation_type() == MutationType::Modify {
                let actual = mutation
                    .state_value
                    .as_ref()
                    .map(|v| v.typename.clone())
                    .unwrap_or_default();
                if actual != spec.type_name {
                    return Err(LocalError::StateTypeMismatch {
                        function: function.clone(),
                        state: mutation.state_name.clone(),
                        declared: spec.type_name.clone(),
                        actual,
                    });
                }
            }
        }
        let mut messages = Vec::with_capacity(result.outgoing_messages.len());
        for message in result.outgoing_messages {
            messages.push((
                address(target, message.target)?,
                message.argument.unwrap_or_default(),
            ));
        }
        let mut delayed_targets = Vec::new();
        // The tokens of this sender's pending delayed messages, as they will be after each
        // send and cancellation of the response, in order.
        let mut pending_tokens: Vec<&str> = self
            .timers
            .iter()
            .filter(|t| t.sender == *target)
            .filter_map(|t| t.token.as_deref())
            .collect();
        for delayed in &result.delayed_invocations {
            let token = delayed.cancellation_token.as_str();
            if delayed.is_cancellation_request {
                if token.is_empty() {
                    return Err(LocalError::CancellationWithoutToken(target.clone()));
                }
                pending_tokens.retain(|t| *t != token);
                continue;
            }
            if !token.is_empty() {
                if pending_tokens.contains(&token) {
                    return Err(LocalError::DuplicateToken {
                        address: target.clone(),
                        token: token.to_owned(),
                    });
                }
                pending_tokens.push(token);
            }
            delayed_targets.push(address(target, delayed.target.clone())?);
        }
        let mut delayed_targets = delayed_targets.into_iter();
        let mut egress = Vec::with_capacity(result.outgoing_egresses.len());
        for message in result.outgoing_egresses {
            let name = TypeName::from_parts(&message.egress_namespace, &message.egress_type)
                .map_err(|e| LocalError::InvalidResponse {
                    address: target.clone(),
                    reason: format!("an egress name is invalid: {e}"),
                })?;
            egress.push((name, decode_egress(message.argument.unwrap_or_default())));
        }

        let instance = self.instances.entry(target.clone()).or_default();
        for cell in instance.cells.values_mut() {
            cell.accessed_at = now;
        }
        for mutation in result.state_mutations {
            match mutation.mutation_type() {
                MutationType::Delete => {
                    instance.cells.remove(&mutation.state_name);
                }
                MutationType::Modify => {
                    instance.cells.insert(
                        mutation.state_name,
                        Cell {
                            value: mutation.state_value.unwrap_or_default(),
                            written_at: now,
                            accessed_at: now,
                        },
                    );
                }
            }
        }

        let caller = target.clone().into_proto();
        for (to, argument) in messages {
            self.deliver(to, Some(caller.clone()), argument);
        }
        for delayed in result.delayed_invocations {
            let token =
                (!delayed.cancellation_token.is_empty()).then_some(delayed.cancellation_token);
            if delayed.is_cancellation_request {
                let token = token.expect("checked above");
                self.timers.retain(|t| {
                    !(t.sender == *target && t.token.as_deref() == Some(token.as_str()))
                });
                continue;
            }
            self.timers.push(Timer {
                due: now + Duration::from_millis(u64::try_from(delayed.delay_in_ms).unwrap_or(0)),
                sender: target.clone(),
                token,
                target: delayed_targets
                    .next()
                    .expect("one target per delayed message"),
                argument: delayed.argument.unwrap_or_default(),
            });
        }
        for egress in egress {
            self.egress.push(egress);
        }
        Ok(())
    }
}

fn decode_egress(value: pb::TypedValue) -> EgressRecord {
    if KAFKA_PRODUCER_RECORD == *value.typename
        && let Ok(record) = egress_pb::KafkaProducerRecord::decode(value.value.clone())
    {
        return EgressRecord::Kafka(record);
    }
    if KINESIS_EGRESS_RECORD == *value.typename
        && let Ok(record) = egress_pb::KinesisEgressRecord::decode(value.value.clone())
    {
        return EgressRecord::Kinesis(record);
    }
    EgressRecord::Value {
        type_name: value.typename,
        value: value.value,
    }
}

/// A target address from the wire: the runtime fails the job on an invalid one.
fn address(from: &Address, a: Option<pb::Address>) -> Result<Address, LocalError> {
    let a = a.unwrap_or_default();
    TypeName::from_parts(&a.namespace, &a.r#type)
        .map(|type_name| Address::new(type_name, a.id))
        .map_err(|e| LocalError::InvalidResponse {
            address: from.clone(),
            reason: format!("a message target is invalid: {e}"),
        })
}
