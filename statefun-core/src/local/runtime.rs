//! [`LocalRuntime`]: routing, batching, the virtual clock and the request/response loop.

use bytes::Bytes;

use super::metadata::Queued;
use std::{
    collections::{HashMap, VecDeque},
    fmt,
    sync::Arc,
    time::{Duration, SystemTime},
};

use super::{
    BatchRecord, EgressRecord, LocalError, RunReport, Snapshot, StateEntry, Transport,
    faults::Faults, store::Store, stubs::StandIns,
};
use crate::{
    codec::Encode,
    dispatch::{Functions, Handler},
    message::{OutgoingMessage, OutgoingMessageError, SendableTo},
    names::{Address, TypeName},
    proto::reqreply::{self as pb, to_function},
    state::ValueSpec,
    wire::convert::address_proto,
};

/// A delayed message waiting for the virtual clock.
#[derive(Clone)]
pub(super) struct Timer {
    pub(super) due: Duration,
    pub(super) sender: Address,
    pub(super) token: Option<String>,
    pub(super) target: Address,
    pub(super) argument: pb::TypedValue,
    /// The argument's field-4 entries (`metadata`).
    pub(super) metadata: Bytes,
}

/// Which function types a transport serves.
pub(super) enum Route {
    Exact(TypeName),
    Namespace(String),
}

/// The in-process StateFun runtime; see the [module docs](crate::local).
pub struct LocalRuntime {
    pub(super) routes: Vec<(Route, Arc<dyn Transport>)>,
    pub(super) store: Store,
    pub(super) ready: VecDeque<(Address, Vec<Queued>)>,
    pub(super) timers: Vec<Timer>,
    pub(super) egress: Vec<(TypeName, EgressRecord)>,
    pub(super) batches: Vec<BatchRecord>,
    totals: RunReport,
    pub(super) now: Duration,
    max_batch: usize,
    max_requests: usize,
    /// The state specs of the functions hosted in-process, known before any request.
    pub(super) declared: HashMap<TypeName, Vec<ValueSpec>>,
    /// The wall-clock time the virtual clock started at (`Context::now` is this plus
    /// [`LocalRuntime::now`]).
    pub(super) start_time: SystemTime,
    /// Every input message sent (by the test, or through an ingress), in order: what a
    /// restore sends again.
    pub(super) input: Vec<(Address, pb::TypedValue)>,
    /// The seeded faults, when on.
    pub(super) faults: Option<Faults>,
    /// The faults' last checkpoint.
    pub(super) checkpoint: Option<Snapshot>,
    /// The functions not hosted here whose messages are captured or stubbed.
    pub(super) stand_ins: StandIns,
    /// The egresses the application declares, when known (from its module): sending to
    /// another one fails the run.
    pub(super) declared_egresses: Option<Vec<TypeName>>,
    #[cfg(feature = "module")]
    pub(super) module: Option<crate::module::Module>,
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("now", &self.now)
            .field("instances", &self.store.instances.len())
            .field("pending_timers", &self.timers.len())
            .finish_non_exhaustive()
    }
}

impl LocalRuntime {
    /// A runtime hosting `functions` in-process.
    pub fn new(functions: Functions) -> Self {
        let handler = Handler::new(functions);
        let names: Vec<TypeName> = handler
            .functions()
            .type_names()
            .into_iter()
            .cloned()
            .collect();
        let mut runtime = Self::empty();
        for name in &names {
            let specs = handler.functions().specs(name).unwrap_or_default();
            runtime.declared.insert(name.clone(), specs.to_vec());
        }
        let endpoint: Arc<dyn Transport> = Arc::new(handler);
        for name in names {
            runtime.routes.push((Route::Exact(name), endpoint.clone()));
        }
        runtime
    }

    /// A runtime with no functions yet: add transports to them with
    /// [`LocalRuntime::with_transport`] and [`LocalRuntime::with_namespace_transport`].
    pub fn empty() -> Self {
        Self {
            routes: Vec::new(),
            store: Store::default(),
            ready: VecDeque::new(),
            timers: Vec::new(),
            egress: Vec::new(),
            batches: Vec::new(),
            totals: RunReport::default(),
            now: Duration::ZERO,
            max_batch: 1000,
            max_requests: 100_000,
            declared: HashMap::new(),
            declared_egresses: None,
            stand_ins: StandIns::default(),
            input: Vec::new(),
            faults: None,
            checkpoint: None,
            start_time: SystemTime::now(),
            #[cfg(feature = "module")]
            module: None,
        }
    }

    /// Reaches every function of `namespace` through `transport` (module.yaml's `ns/*`).
    pub fn with_namespace_transport(
        mut self,
        namespace: &str,
        transport: impl Transport + 'static,
    ) -> Self {
        self.routes
            .push((Route::Namespace(namespace.to_owned()), Arc::new(transport)));
        self
    }

    /// Reaches the function `type_name` through `transport`.
    pub fn with_transport(
        mut self,
        type_name: TypeName,
        transport: impl Transport + 'static,
    ) -> Self {
        self.routes
            .push((Route::Exact(type_name), Arc::new(transport)));
        self
    }

    /// At most `max` invocations per request (module.yaml's `maxNumBatchRequests`,
    /// default 1000).
    pub fn with_max_batch(mut self, max: usize) -> Self {
        self.max_batch = max.max(1);
        self
    }

    /// At most `max` requests per run before [`LocalError::RequestLimit`] (default
    /// 100,000).
    pub fn with_max_requests(mut self, max: usize) -> Self {
        self.max_requests = max;
        self
    }

    /// The most invocations per request ([`LocalRuntime::with_max_batch`]).
    pub fn max_batch(&self) -> usize {
        self.max_batch
    }

    /// The most requests per run ([`LocalRuntime::with_max_requests`]).
    pub fn max_requests(&self) -> usize {
        self.max_requests
    }

    /// The virtual time elapsed since the runtime started.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// Starts the virtual clock at `start` (by default the wall-clock time the runtime was
    /// created): the time `ctx.now()` returns to the functions is `start` plus
    /// [`LocalRuntime::now`], so a test can fix it.
    pub fn with_start_time(mut self, start: SystemTime) -> Self {
        self.start_time = start;
        self
    }

    /// The time the functions see now: the start time plus the virtual time elapsed.
    pub fn time(&self) -> SystemTime {
        self.start_time + self.now
    }

    /// Sends `value` to `target` as an ingress would (no caller); fails if the target's id
    /// is empty or the value cannot be encoded. Through a typed address
    /// ([`AddressOf`](crate::AddressOf)), only a value the function accepts compiles.
    pub fn send<T, V>(&mut self, target: T, value: &V) -> Result<(), OutgoingMessageError>
    where
        T: Into<Address>,
        V: Encode + SendableTo<T> + ?Sized,
    {
        let message = OutgoingMessage::new(target, value)?;
        self.send_message(message);
        Ok(())
    }

    /// Sends a prepared message as an ingress would (no caller).
    pub fn send_message(&mut self, message: OutgoingMessage) {
        let (target, type_name, value) = message.into_parts();
        let argument = pb::TypedValue {
            typename: type_name.as_str().to_owned(),
            has_value: true,
            value,
        };
        self.input.push((target.clone(), argument.clone()));
        self.deliver(target, None, argument, Bytes::new());
    }

    pub(super) fn deliver(
        &mut self,
        target: Address,
        caller: Option<pb::Address>,
        argument: pb::TypedValue,
        metadata: Bytes,
    ) {
        let invocation = Queued {
            invocation: to_function::Invocation {
                caller,
                argument: Some(argument),
            },
            metadata,
        };
        let instance = self.store.instances.entry(target.clone()).or_default();
        if instance.in_flight {
            let at = match &mut self.faults {
                Some(faults) => {
                    faults.pending_position(instance.pending.make_contiguous(), &invocation)
                }
                None => instance.pending.len(),
            };
            instance.pending.insert(at, invocation);
        } else {
            instance.in_flight = true;
            self.ready.push_back((target, vec![invocation]));
        }
    }

    /// Runs requests until no message is waiting (delayed messages stay scheduled).
    pub async fn run_until_quiescent(&mut self) -> Result<RunReport, LocalError> {
        let mut report = RunReport::default();
        self.faults_start_run();
        let result = self.run_ready(&mut report).await;
        // A failed run's work counts too: [`totals`](Self::totals) is what the runtime did.
        self.totals.add(&report);
        result.map(|()| report)
    }

    async fn run_ready(&mut self, report: &mut RunReport) -> Result<(), LocalError> {
        while !self.ready.is_empty() {
            self.faults_before_request(report);
            let next = self.faults_next_ready();
            let Some((target, invocations)) = self.ready.remove(next) else {
                break;
            };
            if report.requests >= self.max_requests {
                self.ready.push_front((target, invocations));
                return Err(LocalError::RequestLimit(self.max_requests));
            }
            let count = invocations.len();
            let result = self.execute(&target, invocations, report).await;
            let instance = self.store.instances.entry(target.clone()).or_default();
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
            let caller = Some(address_proto(timer.sender));
            self.deliver(timer.target, caller, timer.argument, timer.metadata);
            let report = self.run_until_quiescent().await?;
            total.add(&report);
        }
        self.now = end;
        Ok(total)
    }

    /// The state names registered for `function` so far, in registration order.
    pub fn registered_states(&self, function: &TypeName) -> Vec<String> {
        self.store.registered_names(function).to_vec()
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
    /// requests sent (a request that failed counts), invocations delivered (the
    /// invocations of a batch that failed do not), and the crashes and redeliveries of its
    /// [`Faults`](crate::local::Faults).
    pub fn totals(&self) -> RunReport {
        self.totals
    }

    /// Every live state value (set, not expired), ordered by address, then by the order in
    /// which the function registered its states.
    ///
    /// Read one value as a Rust type with [`state`](Self::state); this lists them all, raw,
    /// for tools that do not know the types (`statefun-local --dump-state`).
    pub fn states(&self) -> impl Iterator<Item = StateEntry<'_>> {
        let mut addresses: Vec<&Address> = self.store.instances.keys().collect();
        addresses.sort_unstable();
        addresses.into_iter().flat_map(move |address| {
            self.store
                .registered_names(address.type_name())
                .iter()
                .filter_map(move |name| {
                    let cell = self.store.live_cell(address, name, self.now)?;
                    Some(StateEntry {
                        address,
                        name,
                        type_name: &cell.value.typename,
                        value: &cell.value.value,
                    })
                })
        })
    }

    /// Delayed messages still scheduled.
    pub fn pending_delayed(&self) -> usize {
        self.timers.len()
    }
}
