//! Egress: records a function sends out of StateFun, to a generic egress, Kafka or
//! Kinesis.

use bytes::Bytes;
use prost::Message as _;

use crate::{
    CodecError, Encode, InfallibleEncode, TypeName, message::typed_value,
    proto::egress as egress_pb, proto::reqreply as pb,
};

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
    value: pb::TypedValue,
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
            value: typed_value(value)?,
        })
    }

    /// Raw bytes under an explicit typename for the egress `egress`.
    pub fn raw(egress: TypeName, type_name: &TypeName, value: Bytes) -> Self {
        Self {
            egress,
            value: pb::TypedValue {
                typename: type_name.as_str().to_owned(),
                has_value: true,
                value,
            },
        }
    }

    /// A Kafka record for the Kafka egress `egress`; set at least the topic and the value.
    ///
    /// ```
    /// use statefun_core::{EgressMessage, TypeName};
    ///
    /// let record = EgressMessage::kafka(TypeName::from_static("demo/kafka-egress"))
    ///     .topic("greetings")
    ///     .key("alice")
    ///     .value("hello alice")
    ///     .build()?;
    /// # Ok::<(), statefun_core::EgressError>(())
    /// ```
    pub fn kafka(egress: TypeName) -> KafkaRecordBuilder {
        KafkaRecordBuilder {
            egress,
            topic: None,
            key: None,
            value: None,
        }
    }

    /// A Kinesis record for the Kinesis egress `egress`; set at least the stream, the
    /// partition key and the value.
    pub fn kinesis(egress: TypeName) -> KinesisRecordBuilder {
        KinesisRecordBuilder {
            egress,
            stream: None,
            partition_key: None,
            explicit_hash_key: None,
            value: None,
        }
    }

    /// The egress this goes to.
    pub fn egress(&self) -> &TypeName {
        &self.egress
    }

    /// The value's typename.
    pub fn type_name(&self) -> &str {
        &self.value.typename
    }

    /// The value's bytes.
    pub fn raw_value(&self) -> &Bytes {
        &self.value.value
    }

    pub(crate) fn into_proto(self) -> pb::from_function::EgressMessage {
        pb::from_function::EgressMessage {
            egress_namespace: self.egress.namespace().to_owned(),
            egress_type: self.egress.name().to_owned(),
            argument: Some(self.value),
        }
    }
}

/// Builds a Kafka egress record; see [`EgressMessage::kafka`].
#[derive(Debug)]
#[must_use = "call `.build()` to get the EgressMessage"]
pub struct KafkaRecordBuilder {
    egress: TypeName,
    topic: Option<String>,
    key: Option<String>,
    value: Option<Result<Bytes, CodecError>>,
}

impl KafkaRecordBuilder {
    /// The topic (required, non-empty).
    pub fn topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = Some(topic.into());
        self
    }

    /// The record key (optional).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The record's value bytes, sent as they are: any bytes, borrowed or owned (a
    /// `&str` as its UTF-8 bytes).
    pub fn value(mut self, value: impl AsRef<[u8]>) -> Self {
        self.value = Some(Ok(Bytes::copy_from_slice(value.as_ref())));
        self
    }

    /// The record's value encoded with its StateFun codec (JSON for a JSON type, ...).
    pub fn typed_value<V: Encode + ?Sized>(mut self, value: &V) -> Self {
        self.value = Some(value.encode_value());
        self
    }

    /// The egress message, or what is missing.
    pub fn build(self) -> Result<EgressMessage, EgressError> {
        const RECORD: &str = "Kafka record";
        let topic = self.topic.ok_or(EgressError::Missing {
            record: RECORD,
            field: "topic",
        })?;
        if topic.is_empty() {
            return Err(EgressError::Empty {
                record: RECORD,
                field: "topic",
            });
        }
        let value_bytes = self.value.ok_or(EgressError::Missing {
            record: RECORD,
            field: "value",
        })??;
        let record = egress_pb::KafkaProducerRecord {
            key: self.key.unwrap_or_default(),
            value_bytes,
            topic,
        };
        Ok(EgressMessage::raw(
            self.egress,
            &KAFKA_PRODUCER_RECORD,
            record.encode_to_vec().into(),
        ))
    }
}

/// Builds a Kinesis egress record; see [`EgressMessage::kinesis`].
#[derive(Debug)]
#[must_use = "call `.build()` to get the EgressMessage"]
pub struct KinesisRecordBuilder {
    egress: TypeName,
    stream: Option<String>,
    partition_key: Option<String>,
    explicit_hash_key: Option<String>,
    value: Option<Result<Bytes, CodecError>>,
}

impl KinesisRecordBuilder {
    /// The stream (required, non-empty).
    pub fn stream(mut self, stream: impl Into<String>) -> Self {
        self.stream = Some(stream.into());
        self
    }

    /// The partition key (required, non-empty).
    pub fn partition_key(mut self, key: impl Into<String>) -> Self {
        self.partition_key = Some(key.into());
        self
    }

    /// The explicit hash key (optional).
    pub fn explicit_hash_key(mut self, key: impl Into<String>) -> Self {
        self.explicit_hash_key = Some(key.into());
        self
    }

    /// The record's value bytes, sent as they are: any bytes, borrowed or owned (a
    /// `&str` as its UTF-8 bytes).
    pub fn value(mut self, value: impl AsRef<[u8]>) -> Self {
        self.value = Some(Ok(Bytes::copy_from_slice(value.as_ref())));
        self
    }

    /// The record's value encoded with its StateFun codec.
    pub fn typed_value<V: Encode + ?Sized>(mut self, value: &V) -> Self {
        self.value = Some(value.encode_value());
        self
    }

    /// The egress message, or what is missing.
    pub fn build(self) -> Result<EgressMessage, EgressError> {
        const RECORD: &str = "Kinesis record";
        let required = |field: Option<String>, name| match field {
            None => Err(EgressError::Missing {
                record: RECORD,
                field: name,
            }),
            Some(s) if s.is_empty() => Err(EgressError::Empty {
                record: RECORD,
                field: name,
            }),
            Some(s) => Ok(s),
        };
        let stream = required(self.stream, "stream")?;
        let partition_key = required(self.partition_key, "partition_key")?;
        let value_bytes = self.value.ok_or(EgressError::Missing {
            record: RECORD,
            field: "value",
        })??;
        let record = egress_pb::KinesisEgressRecord {
            partition_key,
            value_bytes,
            stream,
            explicit_hash_key: self.explicit_hash_key.unwrap_or_default(),
        };
        Ok(EgressMessage::raw(
            self.egress,
            &KINESIS_EGRESS_RECORD,
            record.encode_to_vec().into(),
        ))
    }
}
