//! Egress: records a function sends out of StateFun, to a generic egress, Kafka or
//! Kinesis.

use bytes::Bytes;

use crate::{
    codec::{CodecError, Encode, InfallibleEncode},
    names::TypeName,
};

mod kafka;
mod kinesis;

pub use kafka::KafkaRecordBuilder;
pub use kinesis::KinesisRecordBuilder;

/// The typename of a Kafka egress record.
pub(crate) const KAFKA_PRODUCER_RECORD: TypeName =
    TypeName::from_static("type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord");
/// The typename of a Kinesis egress record.
pub(crate) const KINESIS_EGRESS_RECORD: TypeName =
    TypeName::from_static("type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord");

/// A value for an egress, identified by the egress's typename (the `id` the egress has in
/// module.yaml).
#[derive(Clone, Debug, PartialEq)]
pub struct EgressMessage {
    egress: TypeName,
    type_name: TypeName,
    value: Bytes,
}

/// Why an egress record could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EgressError {
    /// A required field was not set.
    #[error("the {record} needs a {field}: call `.{field}(...)` on the builder")]
    Missing {
        /// Which record.
        record: &'static str,
        /// Which field.
        field: &'static str,
    },
    /// A field that must not be empty is empty.
    #[error("the {record}'s {field} must not be empty")]
    Empty {
        /// Which record.
        record: &'static str,
        /// Which field.
        field: &'static str,
    },
    /// The value could not be encoded.
    #[error(transparent)]
    Codec(#[from] CodecError),
}

impl EgressMessage {
    /// `value` for the generic egress `egress`, for a value whose encoding cannot fail
    /// (a primitive, a `&str`, a protobuf or raw type); JSON types use
    /// [`EgressMessage::try_new`].
    pub fn new<V: InfallibleEncode + ?Sized>(egress: TypeName, value: &V) -> Self {
        Self::raw(egress, &V::value_type_name(), value.encode_infallible())
    }

    /// `value` (any [`crate::Type`], or a `&str`) for the generic egress `egress`, or why
    /// it could not be encoded.
    pub fn try_new<V: Encode + ?Sized>(egress: TypeName, value: &V) -> Result<Self, CodecError> {
        Ok(Self {
            egress,
            type_name: V::value_type_name(),
            value: value.encode_value()?,
        })
    }

    /// Raw bytes under an explicit typename for the egress `egress`.
    pub fn raw(egress: TypeName, type_name: &TypeName, value: Bytes) -> Self {
        Self {
            egress,
            type_name: type_name.clone(),
            value,
        }
    }

    /// A Kafka record for the Kafka egress `egress`; set at least the topic and the value.
    ///
    /// ```
    /// use statefun::{EgressMessage, TypeName};
    ///
    /// let record = EgressMessage::kafka(TypeName::from_static("demo/kafka-egress"))
    ///     .topic("greetings")
    ///     .key("alice")
    ///     .value("hello alice")
    ///     .build()?;
    /// # Ok::<(), statefun::EgressError>(())
    /// ```
    pub fn kafka(egress: TypeName) -> KafkaRecordBuilder {
        KafkaRecordBuilder::new(egress)
    }

    /// A Kinesis record for the Kinesis egress `egress`; set at least the stream, the
    /// partition key and the value.
    pub fn kinesis(egress: TypeName) -> KinesisRecordBuilder {
        KinesisRecordBuilder::new(egress)
    }

    /// The egress this goes to.
    pub fn egress(&self) -> &TypeName {
        &self.egress
    }

    /// The value's typename.
    pub fn type_name(&self) -> &str {
        self.type_name.as_str()
    }

    /// The value's bytes.
    pub fn raw_value(&self) -> &Bytes {
        &self.value
    }

    /// The egress, the value's typename and its bytes.
    pub(crate) fn into_parts(self) -> (TypeName, TypeName, Bytes) {
        (self.egress, self.type_name, self.value)
    }
}
