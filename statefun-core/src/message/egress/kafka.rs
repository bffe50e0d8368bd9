//! [`KafkaRecordBuilder`]: a record for a Kafka egress.

use bytes::Bytes;
use prost::Message as _;

use super::{EgressError, EgressMessage, KAFKA_PRODUCER_RECORD};
use crate::{
    codec::{CodecError, Encode},
    names::TypeName,
    proto::egress as egress_pb,
};

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
    pub(super) fn new(egress: TypeName) -> Self {
        Self {
            egress,
            topic: None,
            key: None,
            value: None,
        }
    }

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
