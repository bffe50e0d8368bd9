//! The types the functions send and keep: JSON, protobuf and raw, and the commands of `fuzz/everything`.

use arbitrary::Arbitrary;
use bytes::Bytes;

/// A JSON value.
#[derive(
    Clone, Debug, PartialEq, Arbitrary, serde::Serialize, serde::Deserialize, statefun::Type,
)]
#[statefun(json, typename = "fuzz/Profile")]
pub struct Profile {
    pub name: String,
    pub visits: u32,
    pub tags: Vec<String>,
}

/// A protobuf value (typename `type.googleapis.com/fuzz.v1.Ping`).
#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
pub struct Ping {
    #[prost(string, tag = "1")]
    pub from: String,
    #[prost(sint64, tag = "2")]
    pub n: i64,
}

impl prost::Name for Ping {
    const NAME: &'static str = "Ping";
    const PACKAGE: &'static str = "fuzz.v1";
}

/// Raw bytes.
#[derive(Clone, Debug, PartialEq, statefun::Type)]
#[statefun(raw, typename = "fuzz/Blob")]
pub struct Blob(pub Bytes);

/// A state cell of [`Everything`], for [`Command::Clear`].
#[derive(Clone, Copy, Debug, Arbitrary, serde::Serialize, serde::Deserialize)]
pub enum Field {
    Count,
    Total,
    Name,
    Flag,
    Ratio,
    Score,
    Profile,
    Ping,
    Blob,
}

/// What `fuzz/everything` does with a message of type `fuzz/Command` (JSON).
#[derive(Clone, Debug, Arbitrary, serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "fuzz/Command")]
pub enum Command {
    Bump,
    SetName(String),
    SetFloats(f32, f64),
    SetFlag(bool),
    SetProfile(Profile),
    SetPing {
        from: String,
        n: i64,
    },
    SetBlob(Vec<u8>),
    Clear(Field),
    /// To `namespace/name` `id`; an invalid typename fails the batch.
    Send {
        namespace: String,
        name: String,
        id: String,
        text: String,
    },
    /// To the caller, if any, else to itself.
    Reply(String),
    SendAfter {
        millis: u32,
        token: Option<String>,
        text: String,
    },
    Cancel(String),
    Kafka {
        topic: String,
        key: Option<String>,
        value: Vec<u8>,
    },
    Kinesis {
        stream: String,
        partition_key: String,
        hash_key: Option<String>,
        value: Vec<u8>,
    },
    /// A generic egress record; the egress typename is `namespace/name`.
    Egress {
        namespace: String,
        name: String,
        text: String,
    },
    Fail(String),
    Panic(String),
}
