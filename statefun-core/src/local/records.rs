//! What a local run reports: [`RunReport`], [`BatchRecord`], [`StateEntry`] and the
//! [`EgressRecord`]s captured.

use bytes::Bytes;
use prost::Message as _;

use crate::{
    codec::{CodecError, Type},
    message::{
        DeadLetter,
        egress::{KAFKA_PRODUCER_RECORD, KINESIS_EGRESS_RECORD},
    },
    names::Address,
    proto::{egress as egress_pb, reqreply as pb},
};

/// What a local run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunReport {
    /// Requests sent to endpoints (negotiation retries included).
    pub requests: usize,
    /// Invocations delivered: those of the batches the function completed.
    pub invocations: usize,
    /// Crashes the [`Faults`](crate::local::Faults) caused, each a restore of the last
    /// checkpoint (at most three per run until quiescent).
    pub crashes: usize,
    /// Batches the [`Faults`](crate::local::Faults) delivered twice, each counted in
    /// `requests` twice.
    pub redeliveries: usize,
}

impl RunReport {
    /// Adds what `other` counted to this report.
    pub(super) fn add(&mut self, other: &RunReport) {
        self.requests += other.requests;
        self.invocations += other.invocations;
        self.crashes += other.crashes;
        self.redeliveries += other.redeliveries;
    }
}

/// One live state value, as [`LocalRuntime::states`](crate::local::LocalRuntime::states) lists it.
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
#[non_exhaustive]
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
    Kafka(KafkaRecord),
    /// A Kinesis record.
    Kinesis(KinesisRecord),
    /// Any other value.
    Value {
        /// Its typename.
        type_name: String,
        /// Its bytes.
        value: Bytes,
    },
}

impl EgressRecord {
    /// The [`DeadLetter`] the record carries, if it is one: a Kafka or Kinesis record of
    /// its JSON, or a generic record of typename [`DEAD_LETTER`](crate::DEAD_LETTER)
    /// ([`DeadLetters`](crate::DeadLetters) says which a policy sends).
    pub fn dead_letter(&self) -> Option<DeadLetter> {
        match self {
            Self::Kafka(record) => DeadLetter::from_json(&record.value).ok(),
            Self::Kinesis(record) => DeadLetter::from_json(&record.value).ok(),
            Self::Value { .. } => self.decode::<DeadLetter>()?.ok(),
        }
    }

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

/// A Kafka producer record sent to a Kafka egress.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KafkaRecord {
    /// The topic.
    pub topic: String,
    /// The record key (empty when none was set).
    pub key: String,
    /// The record's value bytes.
    pub value: Bytes,
}

impl KafkaRecord {
    /// The record's value decoded as a `T`, with `T`'s codec (JSON for a JSON type, ...): the
    /// bytes carry no typename, so the test says what it expects.
    ///
    /// ```
    /// use statefun::{BoxError, Context, EgressMessage, Functions, TypeName};
    /// use statefun::local::{EgressRecord, LocalRuntime};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
    /// #[statefun(json, typename = "com.example/Receipt")]
    /// struct Receipt {
    ///     details: String,
    /// }
    ///
    /// const RECEIPTS: TypeName = TypeName::from_static("com.example/receipts");
    ///
    /// #[statefun::function(typename = "com.example/cashier")]
    /// fn cashier(ctx: &mut Context, items: String) -> Result<(), BoxError> {
    ///     let receipt = Receipt { details: items };
    ///     ctx.send_egress(EgressMessage::kafka(RECEIPTS).topic("receipts").typed_value(&receipt).build()?);
    ///     Ok(())
    /// }
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(cashier));
    /// runtime.send(cashier::address("1"), "socks: 3")?;
    /// runtime.run_until_quiescent().await?;
    /// let [EgressRecord::Kafka(record)] = &runtime.take_egress(&RECEIPTS)[..] else {
    ///     panic!("one Kafka record");
    /// };
    /// let receipt: Receipt = record.value_as()?;
    /// assert_eq!(receipt.details, "socks: 3");
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn value_as<T: Type>(&self) -> Result<T, CodecError> {
        T::decode(self.value.clone())
    }
}

/// A record sent to a Kinesis egress.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KinesisRecord {
    /// The stream.
    pub stream: String,
    /// The partition key.
    pub partition_key: String,
    /// The explicit hash key (empty when none was set).
    pub explicit_hash_key: String,
    /// The record's value bytes.
    pub value: Bytes,
}

impl KinesisRecord {
    /// The record's value decoded as a `T`, with `T`'s codec ([`KafkaRecord::value_as`]).
    pub fn value_as<T: Type>(&self) -> Result<T, CodecError> {
        T::decode(self.value.clone())
    }
}

/// The record an egress message carries: Kafka and Kinesis records decoded.
pub(super) fn decode_egress(value: pb::TypedValue) -> EgressRecord {
    if KAFKA_PRODUCER_RECORD == *value.typename
        && let Ok(record) = egress_pb::KafkaProducerRecord::decode(value.value.clone())
    {
        return EgressRecord::Kafka(KafkaRecord {
            topic: record.topic,
            key: record.key,
            value: record.value_bytes,
        });
    }
    if KINESIS_EGRESS_RECORD == *value.typename
        && let Ok(record) = egress_pb::KinesisEgressRecord::decode(value.value.clone())
    {
        return EgressRecord::Kinesis(KinesisRecord {
            stream: record.stream,
            partition_key: record.partition_key,
            explicit_hash_key: record.explicit_hash_key,
            value: record.value_bytes,
        });
    }
    EgressRecord::Value {
        type_name: value.typename,
        value: value.value,
    }
}
