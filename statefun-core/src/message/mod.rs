//! Messages: what a function receives ([`Message`]) and accepts ([`Messages`],
//! [`MessageTypes`], [`Accepts`]), what it sends to other functions ([`OutgoingMessage`],
//! [`SendableTo`]) and to egresses ([`EgressMessage`]).

pub(crate) mod accepted;
mod dead_letter;
pub(crate) mod egress;
mod outgoing;
mod received;

pub use accepted::{Accepts, MessageTypes, Messages};
pub use dead_letter::{
    DEAD_LETTER, DEAD_LETTER_JSON, DeadLetter, DeadLetterError, DeadLetterJson, DeadLetterReason,
};
pub use egress::{EgressError, EgressMessage, KafkaRecordBuilder, KinesisRecordBuilder};
pub use outgoing::{OutgoingMessage, OutgoingMessageError, SendableTo};
pub use received::{Message, MessageError};
