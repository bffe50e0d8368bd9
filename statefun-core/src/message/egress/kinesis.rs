//! [`KinesisRecordBuilder`]: a record for a Kinesis egress.

use bytes::Bytes;
use prost::Message as _;

use super::{EgressError, EgressMessage, KINESIS_EGRESS_RECORD};
use crate::{
    codec::{CodecError, Encode},
    names::TypeName,
    proto::egress as egress_pb,
};

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
    pub(super) fn new(egress: TypeName) -> Self {
        Self {
            egress,
            stream: None,
            partition_key: None,
            explicit_hash_key: None,
            value: None,
        }
    }

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
