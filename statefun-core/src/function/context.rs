//! The [`Context`] of an invocation: who the function is, who called it, and the side
//! effects it asks for.

use std::{
    sync::OnceLock,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;

use crate::{
    codec::{CodecError, Encode},
    message::{EgressMessage, OutgoingMessage, OutgoingMessageError, SendableTo},
    names::{Address, AddressError, CancellationToken, RawAddress},
};

/// What a function sees of, and asks of, the runtime during one invocation.
///
/// Side effects are collected and sent back with the batch's response: messages in call
/// order, delayed messages and cancellations in call order (interleaved as called), and
/// egress records in call order.
#[derive(Debug)]
pub struct Context {
    self_address: Address,
    /// The request body the caller lies in.
    body: Bytes,
    /// The caller as received, checked before the batch ran; made an [`Address`] only if
    /// the function asks for it.
    caller: Option<RawAddress>,
    caller_address: OnceLock<Option<Address>>,
    messages: Vec<OutgoingMessage>,
    delayed: Vec<Delayed>,
    egress: Vec<EgressMessage>,
    /// The time the local runtime set for the request, when it sent it.
    now: Option<SystemTime>,
    /// The trace context of each invocation so far, and from which message on it applies.
    #[cfg(feature = "trace")]
    trace: Vec<TraceMark>,
}

/// A delayed message, or the cancellation of one.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Delayed {
    /// Send `message` after `delay`.
    Send {
        /// How long the runtime waits before delivering.
        delay: Duration,
        /// The token that can cancel it, if any.
        token: Option<CancellationToken>,
        /// The message.
        message: OutgoingMessage,
    },
    /// Cancel the delayed message sent with `token`.
    Cancel {
        /// The token given when the message was sent.
        token: CancellationToken,
    },
}

/// A side effect that cannot be requested.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContextError {
    /// [`Context::reply`] was called for a message without a caller: one from an ingress.
    #[error(
        "the message has no caller to reply to (it came from an ingress); check `ctx.caller()` first, or send to an explicit address"
    )]
    NoCaller,
    /// The value could not be encoded.
    #[error("the reply could not be encoded: {0}")]
    Encode(#[source] CodecError),
    /// The caller cannot receive messages: its id is empty.
    #[error("cannot reply to the caller: {0}")]
    Caller(#[source] AddressError),
}

impl Context {
    /// A context for the function instance `self_address`, with no caller; use it to
    /// unit-test a function directly.
    pub fn new(self_address: Address) -> Self {
        Self {
            self_address,
            body: Bytes::new(),
            caller: None,
            caller_address: OnceLock::new(),
            messages: Vec::new(),
            delayed: Vec::new(),
            egress: Vec::new(),
            now: None,
            #[cfg(feature = "trace")]
            trace: Vec::new(),
        }
    }

    /// This context with `caller` as the sender of the current message.
    pub fn with_caller(mut self, caller: Option<Address>) -> Self {
        self.caller = None;
        self.caller_address = OnceLock::from(caller);
        self
    }

    /// A context for a batch of the request `body`, which the local runtime sent at
    /// `local_time_ms` (milliseconds since the Unix epoch) if set.
    pub(crate) fn for_request(
        self_address: Address,
        body: Bytes,
        local_time_ms: Option<u64>,
    ) -> Self {
        Self {
            body,
            now: local_time_ms.map(|ms| UNIX_EPOCH + Duration::from_millis(ms)),
            ..Self::new(self_address)
        }
    }

    /// This context at the time `now`, for a unit test that calls a function directly
    /// ([`Context::now`]).
    pub fn at(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// The time of this invocation: the wall clock when the service is called by the
    /// StateFun runtime, the virtual clock under the local runtime (`statefun::local`,
    /// `statefun-local`), which the test moves with `advance`; so that logic that depends
    /// on time can be tested exactly.
    ///
    /// It is when the function runs, not when the message was sent or when the runtime will
    /// apply the effects: a retried batch runs again, later.
    ///
    /// ```
    /// use std::time::Duration;
    /// use statefun::{BoxError, Context, Functions, StateSpec, Value, local::LocalRuntime};
    ///
    /// #[derive(StateSpec)]
    /// struct LastVisit {
    ///     at_ms: Value<i64>,
    /// }
    ///
    /// /// Greets, saying how long ago the last visit was.
    /// #[statefun::function(typename = "demo/greeter")]
    /// fn greeter(ctx: &mut Context, state: &mut LastVisit, _: String) -> Result<(), BoxError> {
    ///     let now = ctx.now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    ///     if let Some(last) = state.at_ms.get() {
    ///         ctx.reply(&format!("welcome back after {} ms", now - last)).ok();
    ///     }
    ///     state.at_ms.set(now);
    ///     Ok(())
    /// }
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(greeter));
    /// let alice = greeter::address("alice");
    /// runtime.send(alice.clone(), "hi")?;
    /// runtime.advance(Duration::from_millis(1500)).await?;
    /// let first = runtime.state::<i64>(&alice, "at_ms")?.unwrap();
    /// runtime.send(alice.clone(), "hi again")?;
    /// runtime.advance(Duration::from_millis(1500)).await?;
    /// assert_eq!(runtime.state::<i64>(&alice, "at_ms")?, Some(first + 1500));
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn now(&self) -> SystemTime {
        self.now.unwrap_or_else(SystemTime::now)
    }

    /// The sender of the next message, as received in the body (checked by the
    /// dispatcher).
    pub(crate) fn set_caller(&mut self, caller: Option<RawAddress>) {
        self.caller = caller;
        self.caller_address = OnceLock::new();
    }

    /// The address of the function instance being invoked.
    pub fn self_address(&self) -> &Address {
        &self.self_address
    }

    /// The function that sent the current message; `None` for a message from an ingress.
    pub fn caller(&self) -> Option<&Address> {
        self.caller_address
            .get_or_init(|| self.caller.and_then(|caller| caller.to_address(&self.body)))
            .as_ref()
    }

    /// Sends `value` to the function instance `to` (another one, or this one): an
    /// [`Address`], or the typed address of a `#[statefun::function]` (`greeter::address(id)`),
    /// through which only the values that function accepts compile.
    ///
    /// Fails if the target's id is empty or the value cannot be encoded (only JSON types
    /// can fail to encode); with `?`, each fails the batch.
    ///
    /// ```
    /// use statefun::{Address, Context, TypeName};
    ///
    /// const GREETER: TypeName = TypeName::from_static("demo/greeter");
    /// let mut ctx = Context::new(Address::new(GREETER, "alice"));
    /// ctx.send(Address::new(GREETER, "bob"), "hello bob")?;
    /// assert_eq!(ctx.sent()[0].target().id(), "bob");
    /// # Ok::<(), statefun::OutgoingMessageError>(())
    /// ```
    pub fn send<T, V>(&mut self, to: T, value: &V) -> Result<(), OutgoingMessageError>
    where
        T: Into<Address>,
        V: Encode + SendableTo<T> + ?Sized,
    {
        self.messages.push(OutgoingMessage::new(to, value)?);
        Ok(())
    }

    /// Sends a message built beforehand ([`OutgoingMessage::new`]).
    pub fn send_message(&mut self, message: OutgoingMessage) {
        self.messages.push(message);
    }

    /// Sends `value` back to the caller of the current message.
    ///
    /// Fails if the message has no caller (it came from an ingress), the caller's id is
    /// empty, or the value cannot be encoded; with `?`, each fails the batch.
    ///
    /// ```
    /// # use statefun::{Address, Context, TypeName};
    /// # const GREETER: TypeName = TypeName::from_static("demo/greeter");
    /// let mut ctx = Context::new(Address::new(GREETER, "alice"))
    ///     .with_caller(Some(Address::new(GREETER, "bob")));
    /// ctx.reply("hello bob")?;
    /// assert_eq!(ctx.sent()[0].target().id(), "bob");
    /// # Ok::<(), statefun::ContextError>(())
    /// ```
    pub fn reply<V: Encode + ?Sized>(&mut self, value: &V) -> Result<(), ContextError> {
        let caller = self.caller().cloned().ok_or(ContextError::NoCaller)?;
        let message = OutgoingMessage::new(caller, value).map_err(|e| match e {
            OutgoingMessageError::Target(e) => ContextError::Caller(e),
            OutgoingMessageError::Encode(e) => ContextError::Encode(e),
        })?;
        self.messages.push(message);
        Ok(())
    }

    /// Sends `message` after `delay` (millisecond precision).
    pub fn send_after(&mut self, delay: Duration, message: OutgoingMessage) {
        self.delayed.push(Delayed::Send {
            delay,
            token: None,
            message,
        });
    }

    /// Sends `message` after `delay`, cancellable with [`Context::cancel_delayed`] and
    /// `token` until it is delivered.
    pub fn send_after_with_token(
        &mut self,
        delay: Duration,
        token: CancellationToken,
        message: OutgoingMessage,
    ) {
        self.delayed.push(Delayed::Send {
            delay,
            token: Some(token),
            message,
        });
    }

    /// Cancels the delayed message sent with `token`; nothing happens if it was delivered
    /// already or never existed.
    pub fn cancel_delayed(&mut self, token: CancellationToken) {
        self.delayed.push(Delayed::Cancel { token });
    }

    /// Sends a record to an egress.
    pub fn send_egress(&mut self, message: EgressMessage) {
        self.egress.push(message);
    }

    /// The messages sent so far.
    pub fn sent(&self) -> &[OutgoingMessage] {
        &self.messages
    }

    /// The delayed messages and cancellations so far, in call order.
    pub fn delayed(&self) -> &[Delayed] {
        &self.delayed
    }

    /// The egress records sent so far.
    pub fn egress(&self) -> &[EgressMessage] {
        &self.egress
    }

    /// Whether the function asked for any side effect (a message, a delayed message or
    /// cancellation, an egress record).
    pub(crate) fn has_effects(&self) -> bool {
        !(self.messages.is_empty() && self.delayed.is_empty() && self.egress.is_empty())
    }

    /// Forgets every side effect asked for so far: the batch is run again from its start
    /// (see `DeadLetters`).
    pub(crate) fn clear_effects(&mut self) {
        self.messages.clear();
        self.delayed.clear();
        self.egress.clear();
        #[cfg(feature = "trace")]
        self.trace.clear();
    }

    /// The messages and delayed messages sent from now on carry `entries` (the encoded
    /// field-4 entries of the invocation's trace context; none if empty).
    #[cfg(feature = "trace")]
    pub(crate) fn set_trace(&mut self, entries: Bytes) {
        if entries.is_empty() && self.trace.is_empty() {
            return;
        }
        self.trace.push(TraceMark {
            messages: self.messages.len(),
            delayed: self.delayed.len(),
            entries,
        });
    }

    /// The trace context of the messages sent so far ([`Context::set_trace`]).
    #[cfg(feature = "trace")]
    pub(crate) fn take_trace(&mut self) -> Vec<TraceMark> {
        std::mem::take(&mut self.trace)
    }

    /// The side effects asked for, in call order: messages, delayed messages and
    /// cancellations, egress records.
    pub(crate) fn into_effects(self) -> Effects {
        Effects {
            messages: self.messages,
            delayed: self.delayed,
            egress: self.egress,
        }
    }
}

#[cfg(feature = "trace")]
/// From which message on an invocation's trace context applies: the messages and delayed
/// messages (cancellations included) sent from the invocation that began when the context
/// had sent `messages` and `delayed` of them carry `entries` (none if empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TraceMark {
    pub(crate) messages: usize,
    pub(crate) delayed: usize,
    pub(crate) entries: Bytes,
}

/// The side effects of a batch, each list in call order.
pub(crate) struct Effects {
    pub(crate) messages: Vec<OutgoingMessage>,
    pub(crate) delayed: Vec<Delayed>,
    pub(crate) egress: Vec<EgressMessage>,
}

#[cfg(all(test, feature = "trace"))]
#[path = "context_trace_tests.rs"]
mod tests;
