//! [`DeadLetters`]: what becomes of a message its function can never process, and how such
//! a failure is told from one a retry may fix.

use std::error::Error as StdError;

use crate::{
    function::{BoxError, Context, Permanent},
    message::{
        DEAD_LETTER, DeadLetter, DeadLetterReason, EgressError, EgressMessage, MessageError,
        OutgoingMessage,
    },
    names::{Address, TypeName},
};

/// What becomes of a message its function can never process: one whose typename the
/// function does not take, whose value does not decode, or that the function rejects with
/// a [`Permanent`] error. (Any other error, and a panic, may pass on a retry: it fails the
/// batch, and the runtime retries it, whatever the policy.)
///
/// By default ([`DeadLetters::fail`]) such a message fails its batch like any error: the
/// StateFun runtime retries the batch until its call timeout, then fails the job, which
/// restarts from a checkpoint and meets the same message again, for ever. Under any other
/// policy the message is set aside as a [`DeadLetter`] and sent where the policy says, its
/// invocation's effects are dropped, and the batch goes on: the runtime gets a normal answer
/// with every other invocation's effects, and commits it exactly once.
///
/// ```
/// use statefun::{Context, DeadLetters, Functions, TypeName};
///
/// # #[statefun::function(typename = "shop/cart")]
/// # fn cart(_: &mut Context, _: String) {}
/// # #[statefun::function(typename = "shop/stock")]
/// # fn stock(_: &mut Context, _: String) {}
/// // Declared in module.yaml as a Kafka egress.
/// const DEAD_LETTERS: TypeName = TypeName::from_static("shop/dead-letters");
///
/// let functions = Functions::new()
///     .with(cart)
///     .with(stock)
///     // Every function's dead letters go to the topic `dead-letters`...
///     .with_dead_letters(DeadLetters::kafka(DEAD_LETTERS, "dead-letters"))
///     // ...but the stock's failures still stop the job.
///     .with_dead_letters_for(&stock, DeadLetters::fail());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeadLetters {
    /// Fail the batch, as for any error (the default).
    #[default]
    Fail,
    /// A record of the Kafka egress `egress`, topic `topic`, keyed by the target address
    /// (`namespace/type/id`, so that a compacted topic keeps the latest per address), its
    /// value the dead letter's JSON ([`DeadLetter::to_json`]).
    Kafka {
        /// The egress id (module.yaml's `io.statefun.kafka.v1/egress`).
        egress: TypeName,
        /// The topic.
        topic: String,
    },
    /// A record of the Kinesis egress `egress`, stream `stream`, partitioned by the target
    /// address, its data the dead letter's JSON.
    Kinesis {
        /// The egress id (module.yaml's `io.statefun.kinesis.v1/egress`).
        egress: TypeName,
        /// The stream.
        stream: String,
    },
    /// A message to the egress `egress`: the dead letter as protobuf ([`DEAD_LETTER`]).
    Egress(TypeName),
    /// A message to the function `function`, at the failed target's id: the dead letter as
    /// protobuf, which the function takes as a [`DeadLetter`] parameter.
    Function(TypeName),
}

impl DeadLetters {
    /// Fail the batch (the default).
    pub fn fail() -> Self {
        Self::Fail
    }

    /// Dead letters to the Kafka egress `egress`, topic `topic`.
    pub fn kafka(egress: TypeName, topic: impl Into<String>) -> Self {
        Self::Kafka {
            egress,
            topic: topic.into(),
        }
    }

    /// Dead letters to the Kinesis egress `egress`, stream `stream`.
    pub fn kinesis(egress: TypeName, stream: impl Into<String>) -> Self {
        Self::Kinesis {
            egress,
            stream: stream.into(),
        }
    }

    /// Dead letters to the egress `egress`, as protobuf.
    pub fn egress(egress: TypeName) -> Self {
        Self::Egress(egress)
    }

    /// Dead letters to the function `function`.
    pub fn function(function: TypeName) -> Self {
        Self::Function(function)
    }

    /// Whether a failure no retry can fix fails the batch.
    pub fn fails(&self) -> bool {
        matches!(self, Self::Fail)
    }

    /// The egress the dead letters go to, if they go to one.
    pub fn egress_id(&self) -> Option<&TypeName> {
        match self {
            Self::Kafka { egress, .. } | Self::Kinesis { egress, .. } | Self::Egress(egress) => {
                Some(egress)
            }
            Self::Fail | Self::Function(_) => None,
        }
    }

    /// Asks `ctx` for what sends `letter` where this policy says.
    pub(crate) fn send(&self, ctx: &mut Context, letter: &DeadLetter) -> Result<(), EgressError> {
        let key = letter.target.to_string();
        match self {
            Self::Fail => {}
            Self::Kafka { egress, topic } => ctx.send_egress(
                EgressMessage::kafka(egress.clone())
                    .topic(topic.as_str())
                    .key(key)
                    .value(letter.to_json())
                    .build()?,
            ),
            Self::Kinesis { egress, stream } => ctx.send_egress(
                EgressMessage::kinesis(egress.clone())
                    .stream(stream.as_str())
                    .partition_key(key)
                    .value(letter.to_json())
                    .build()?,
            ),
            Self::Egress(egress) => ctx.send_egress(EgressMessage::raw(
                egress.clone(),
                &DEAD_LETTER,
                letter.to_protobuf(),
            )),
            Self::Function(function) => {
                let to = Address::new(function.clone(), letter.target.id());
                // The failed target's id is not empty: it received the message.
                if let Ok(message) = OutgoingMessage::raw(to, &DEAD_LETTER, letter.to_protobuf()) {
                    ctx.send_message(message);
                }
            }
        }
        Ok(())
    }
}

/// Why `error` is one no retry can fix, if it is: a [`Permanent`] anywhere in its source
/// chain, or a message the function could not take ([`MessageError`]). The outermost
/// marker wins.
pub(crate) fn permanent_reason(error: &BoxError) -> Option<DeadLetterReason> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(&**error);
    while let Some(error) = next {
        if error.is::<Permanent>() {
            return Some(DeadLetterReason::Rejected);
        }
        if let Some(message) = error.downcast_ref::<MessageError>() {
            return Some(match message {
                MessageError::Unexpected { .. } | MessageError::TypeMismatch { .. } => {
                    DeadLetterReason::UnacceptedType
                }
                _ => DeadLetterReason::Undecodable,
            });
        }
        next = error.source();
    }
    None
}

/// `error` and its sources as one line, joined with `: ` (each source once, also when a
/// message already repeats it).
pub(crate) fn error_text(error: &BoxError) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        let part = source.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = source.source();
    }
    text
}
