//! The [`Context`] of an invocation: who the function is, who called it, and the side
//! effects it asks for.

use std::time::Duration;

use crate::{Address, EgressMessage, OutgoingMessage, proto::reqreply as pb};

/// What a function sees of, and asks of, the runtime during one invocation.
///
/// Side effects are collected and sent back with the batch's response: messages in call
/// order, delayed messages and cancellations in call order (interleaved as called), and
/// egress records in call order.
#[derive(Debug)]
pub struct Context {
    self_address: Address,
    caller: Option<Address>,
    messages: Vec<OutgoingMessage>,
    delayed: Vec<Delayed>,
    egress: Vec<EgressMessage>,
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
        token: Option<String>,
        /// The message.
        message: OutgoingMessage,
    },
    /// Cancel the delayed message sent with `token`.
    Cancel {
        /// The token given when the message was sent.
        token: String,
    },
}

/// A side effect that cannot be requested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContextError {
    /// A cancellation token is empty (the runtime fails the job on a cancellation without
    /// a token).
    #[error("a cancellation token must not be empty")]
    EmptyToken,
}

impl Context {
    /// A context for the function instance `self_address`, with no caller; use it to
    /// unit-test a function directly.
    pub fn new(self_address: Address) -> Self {
        Self {
            self_address,
            caller: None,
            messages: Vec::new(),
            delayed: Vec::new(),
            egress: Vec::new(),
        }
    }

    /// This context with `caller` as the sender of the current message.
    pub fn with_caller(mut self, caller: Option<Address>) -> Self {
        self.caller = caller;
        self
    }

    pub(crate) fn set_caller(&mut self, caller: Option<Address>) {
        self.caller = caller;
    }

    /// The address of the function instance being invoked.
    pub fn self_address(&self) -> &Address {
        &self.self_address
    }

    /// The function that sent the current message; `None` for a message from an ingress.
    pub fn caller(&self) -> Option<&Address> {
        self.caller.as_ref()
    }

    /// Sends `message` to another function (or this one).
    pub fn send(&mut self, message: OutgoingMessage) {
        self.messages.push(message);
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
        token: impl Into<String>,
        message: OutgoingMessage,
    ) -> Result<(), ContextError> {
        let token = non_empty(token.into())?;
        self.delayed.push(Delayed::Send {
            delay,
            token: Some(token),
            message,
        });
        Ok(())
    }

    /// Cancels the delayed message sent with `token`; nothing happens if it was delivered
    /// already or never existed.
    pub fn cancel_delayed(&mut self, token: impl Into<String>) -> Result<(), ContextError> {
        let token = non_empty(token.into())?;
        self.delayed.push(Delayed::Cancel { token });
        Ok(())
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

    pub(crate) fn into_response(
        self,
        state_mutations: Vec<pb::from_function::PersistedValueMutation>,
    ) -> pb::from_function::InvocationResponse {
        use pb::from_function::{DelayedInvocation, Invocation};
        pb::from_function::InvocationResponse {
            state_mutations,
            outgoing_messages: self
                .messages
                .into_iter()
                .map(|m| {
                    let (target, argument) = m.into_parts();
                    Invocation {
                        target: Some(target),
                        argument: Some(argument),
                    }
                })
                .collect(),
            delayed_invocations: self
                .delayed
                .into_iter()
                .map(|d| match d {
                    Delayed::Send {
                        delay,
                        token,
                        message,
                    } => {
                        let (target, argument) = message.into_parts();
                        DelayedInvocation {
                            is_cancellation_request: false,
                            cancellation_token: token.unwrap_or_default(),
                            delay_in_ms: i64::try_from(delay.as_millis()).unwrap_or(i64::MAX),
                            target: Some(target),
                            argument: Some(argument),
                        }
                    }
                    Delayed::Cancel { token } => DelayedInvocation {
                        is_cancellation_request: true,
                        cancellation_token: token,
                        ..Default::default()
                    },
                })
                .collect(),
            outgoing_egresses: self
                .egress
                .into_iter()
                .map(EgressMessage::into_proto)
                .collect(),
        }
    }
}

fn non_empty(token: String) -> Result<String, ContextError> {
    if token.is_empty() {
        Err(ContextError::EmptyToken)
    } else {
        Ok(token)
    }
}
