//! [`IngressRecord`]: a record as a Kafka or Kinesis ingress reads it, and
//! [`Module::route`], which turns it into the messages the StateFun runtime would send.

use bytes::Bytes;

use super::{IngressKind, Module};
use crate::{
    message::OutgoingMessage,
    names::{Address, TypeName},
};

/// A record on a topic or stream that an ingress of the module reads.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngressRecord {
    /// A Kafka record: its key names the target instance.
    Kafka {
        /// The topic.
        topic: String,
        /// The key, as UTF-8.
        key: String,
        /// The value bytes, as the producer wrote them.
        value: Bytes,
    },
    /// A Kinesis record: its partition key names the target instance.
    Kinesis {
        /// The stream.
        stream: String,
        /// The partition key.
        partition_key: String,
        /// The data bytes.
        value: Bytes,
    },
}

impl IngressRecord {
    /// A Kafka record of `topic` with `key` and `value` (the bytes the producer writes:
    /// for a JSON type, its JSON text).
    pub fn kafka(
        topic: impl Into<String>,
        key: impl Into<String>,
        value: impl Into<Bytes>,
    ) -> Self {
        Self::Kafka {
            topic: topic.into(),
            key: key.into(),
            value: value.into(),
        }
    }

    /// A Kinesis record of `stream` with `partition_key` and `value`.
    pub fn kinesis(
        stream: impl Into<String>,
        partition_key: impl Into<String>,
        value: impl Into<Bytes>,
    ) -> Self {
        Self::Kinesis {
            stream: stream.into(),
            partition_key: partition_key.into(),
            value: value.into(),
        }
    }
}

/// Why a record cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// No ingress of the module reads the record's topic or stream.
    #[error("no {kind} ingress of the module reads {noun} `{source_name}` (they read: {})", if .read.is_empty() { "nothing".to_owned() } else { .read.join(", ") })]
    NoIngress {
        /// `Kafka` or `Kinesis`.
        kind: &'static str,
        /// `topic` or `stream`.
        noun: &'static str,
        /// The record's topic or stream.
        source_name: String,
        /// The topics or streams the module's ingresses of that kind read.
        read: Vec<String>,
    },
    /// The record's key is empty, so it names no instance.
    #[error(
        "the record of {noun} `{source_name}` has an empty key: the key is the id of the instance it goes to"
    )]
    EmptyKey {
        /// `topic` or `stream`.
        noun: &'static str,
        /// The record's topic or stream.
        source_name: String,
    },
}

impl Module {
    /// The messages the StateFun runtime sends for `record`: one per target of every
    /// ingress route that reads its topic (or stream), to the instance named by the
    /// record's key, with the route's `valueType` and the record's value bytes as they are.
    ///
    /// ```
    /// use statefun::module::{IngressRecord, Module};
    ///
    /// let module = Module::parse(
    ///     "kind: io.statefun.kafka.v1/ingress
    /// spec:
    ///   id: demo/names
    ///   address: kafka:9092
    ///   topics:
    ///     - topic: names
    ///       valueType: demo/Name
    ///       targets:
    ///         - demo/greeter
    ///         - demo/counter
    /// ",
    /// )?;
    /// let messages = module.route(&IngressRecord::kafka("names", "alice", r#"{"name":"Alice"}"#))?;
    /// assert_eq!(messages.len(), 2);
    /// assert_eq!(messages[0].target().to_string(), "demo/greeter/alice");
    /// assert_eq!(messages[1].type_name(), "demo/Name");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn route(&self, record: &IngressRecord) -> Result<Vec<OutgoingMessage>, RouteError> {
        let (kind, label, noun, source, key, value) = match record {
            IngressRecord::Kafka { topic, key, value } => {
                (IngressKind::Kafka, "Kafka", "topic", topic, key, value)
            }
            IngressRecord::Kinesis {
                stream,
                partition_key,
                value,
            } => (
                IngressKind::Kinesis,
                "Kinesis",
                "stream",
                stream,
                partition_key,
                value,
            ),
        };
        let routes: Vec<_> = self
            .ingresses
            .iter()
            .filter(|ingress| ingress.kind == kind)
            .flat_map(|ingress| &ingress.routes)
            .collect();
        let matching: Vec<_> = routes
            .iter()
            .filter(|route| route.source == *source)
            .collect();
        if matching.is_empty() {
            let mut read: Vec<String> = routes.iter().map(|route| route.source.clone()).collect();
            read.sort();
            read.dedup();
            return Err(RouteError::NoIngress {
                kind: label,
                noun,
                source_name: source.clone(),
                read,
            });
        }
        if key.is_empty() {
            return Err(RouteError::EmptyKey {
                noun,
                source_name: source.clone(),
            });
        }
        let mut messages = Vec::new();
        for route in matching {
            for target in &route.targets {
                messages.push(message(target, key, &route.value_type, value));
            }
        }
        Ok(messages)
    }
}

fn message(target: &TypeName, key: &str, value_type: &TypeName, value: &Bytes) -> OutgoingMessage {
    OutgoingMessage::raw(Address::new(target.clone(), key), value_type, value.clone())
        .expect("the key was checked to be non-empty")
}
