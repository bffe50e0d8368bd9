//! [`DeadLetter`]: a message a function could never process, set aside with why.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use bytes::Bytes;
use prost::Message as _;
use serde_json::{Value as Json, json};

use super::OutgoingMessage;
use crate::{
    codec::{CodecError, Type},
    names::{Address, TypeName},
    proto::dead_letter as pb,
};

/// The typename of a [`DeadLetter`] as protobuf: what a generic egress or a dead-letter
/// function receives.
pub const DEAD_LETTER: TypeName =
    TypeName::from_static("type.googleapis.com/statefun.rs.DeadLetter");

/// Why no retry could make a function process a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeadLetterReason {
    /// The message's typename is not one the function takes.
    UnacceptedType,
    /// The message's value does not decode as the type its typename names.
    Undecodable,
    /// The function rejected it with a [`Permanent`](crate::Permanent) error.
    Rejected,
}

impl DeadLetterReason {
    /// `unaccepted_type`, `undecodable` or `rejected`: the metric label and log field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnacceptedType => "unaccepted_type",
            Self::Undecodable => "undecodable",
            Self::Rejected => "rejected",
        }
    }

    fn proto(self) -> pb::dead_letter::Reason {
        match self {
            Self::UnacceptedType => pb::dead_letter::Reason::UnacceptedType,
            Self::Undecodable => pb::dead_letter::Reason::Undecodable,
            Self::Rejected => pb::dead_letter::Reason::Rejected,
        }
    }

    fn from_proto(reason: pb::dead_letter::Reason) -> Option<Self> {
        match reason {
            pb::dead_letter::Reason::UnacceptedType => Some(Self::UnacceptedType),
            pb::dead_letter::Reason::Undecodable => Some(Self::Undecodable),
            pb::dead_letter::Reason::Rejected => Some(Self::Rejected),
            pb::dead_letter::Reason::Unspecified => None,
        }
    }
}

/// A message a function could never process, set aside instead of failing its batch, with
/// what an operator needs: where it went, the message as received, who sent it, why it
/// failed and when. `proto/dead-letter.proto` is its format; Kafka and Kinesis egresses get
/// its JSON rendering ([`DeadLetter::to_json`]), keyed by the target address.
///
/// A fixed function takes it again with [`DeadLetter::message`], e.g. from a function fed
/// the dead letters to re-send: as JSON through a Kafka ingress whose `valueType` is
/// [`DEAD_LETTER_JSON`], or as protobuf from a dead-letter function policy.
///
/// ```
/// use statefun::{BoxError, Context, DeadLetter, DeadLetterJson};
///
/// #[derive(statefun::Messages)]
/// enum Letter {
///     Json(DeadLetterJson),
///     Protobuf(DeadLetter),
/// }
///
/// #[statefun::function(typename = "ops/redeliver")]
/// fn redeliver(ctx: &mut Context, letter: Letter) -> Result<(), BoxError> {
///     let letter = match letter {
///         Letter::Json(DeadLetterJson(letter)) | Letter::Protobuf(letter) => letter,
///     };
///     ctx.send_message(letter.message()?);
///     Ok(())
/// }
/// # let _ = statefun::Functions::new().with(redeliver);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadLetter {
    /// The instance the message was for.
    pub target: Address,
    /// The message's typename, as received.
    pub type_name: String,
    /// The message's value bytes, as received; `None` for a message without a value.
    pub value: Option<Bytes>,
    /// Who sent it; `None` for a message from an ingress.
    pub caller: Option<Address>,
    /// Why it failed.
    pub reason: DeadLetterReason,
    /// The function's error, as text.
    pub error: String,
    /// When it failed, in milliseconds since the Unix epoch.
    pub time_ms: i64,
}

/// Bytes that are not a dead letter.
#[derive(Debug, thiserror::Error)]
#[error("not a dead letter: {0}")]
pub struct DeadLetterError(String);

impl DeadLetter {
    /// The original message, to its target, as received: what re-sends it after a fix.
    /// An error if its typename is not a valid one (it came so from the runtime) or the
    /// target's id is empty.
    pub fn message(&self) -> Result<OutgoingMessage, DeadLetterError> {
        let type_name =
            TypeName::new(self.type_name.as_str()).map_err(|e| DeadLetterError(e.to_string()))?;
        OutgoingMessage::raw(
            self.target.clone(),
            &type_name,
            self.value.clone().unwrap_or_default(),
        )
        .map_err(|e| DeadLetterError(e.to_string()))
    }

    /// Its protobuf encoding (`proto/dead-letter.proto`).
    pub fn to_protobuf(&self) -> Bytes {
        pb::DeadLetter {
            target: Some(address_proto(&self.target)),
            typename: self.type_name.clone(),
            value: self.value.clone().unwrap_or_default(),
            has_value: self.value.is_some(),
            caller: self.caller.as_ref().map(address_proto),
            reason: self.reason.proto() as i32,
            error: self.error.clone(),
            time_ms: self.time_ms,
        }
        .encode_to_vec()
        .into()
    }

    /// A dead letter from its protobuf encoding.
    pub fn from_protobuf(bytes: &[u8]) -> Result<Self, DeadLetterError> {
        let letter = pb::DeadLetter::decode(bytes).map_err(|e| DeadLetterError(e.to_string()))?;
        let reason = pb::dead_letter::Reason::try_from(letter.reason)
            .ok()
            .and_then(DeadLetterReason::from_proto)
            .ok_or_else(|| DeadLetterError(format!("unknown reason {}", letter.reason)))?;
        Ok(Self {
            target: address(letter.target.as_ref()).ok_or_else(|| missing("target"))?,
            type_name: letter.typename,
            value: letter.has_value.then_some(letter.value),
            caller: letter.caller.as_ref().and_then(|c| address(Some(c))),
            reason,
            error: letter.error,
            time_ms: letter.time_ms,
        })
    }

    /// Its JSON rendering, with the field names of the protobuf form: `{"target":
    /// {"namespace", "type", "id"}, "typename", "value" (base64), "has_value", "caller"
    /// (or null), "reason" ("UNACCEPTED_TYPE", "UNDECODABLE" or "REJECTED"), "error",
    /// "time_ms"}`.
    pub fn to_json(&self) -> String {
        json!({
            "target": address_json(&self.target),
            "typename": self.type_name,
            "value": STANDARD.encode(self.value.as_deref().unwrap_or_default()),
            "has_value": self.value.is_some(),
            "caller": self.caller.as_ref().map(address_json),
            "reason": self.reason.proto().as_str_name(),
            "error": self.error,
            "time_ms": self.time_ms,
        })
        .to_string()
    }

    /// A dead letter from its JSON rendering ([`DeadLetter::to_json`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self, DeadLetterError> {
        let json: Json =
            serde_json::from_slice(bytes).map_err(|e| DeadLetterError(e.to_string()))?;
        let text = |field: &str| json[field].as_str().ok_or_else(|| missing(field));
        let value = STANDARD
            .decode(text("value")?)
            .map_err(|e| DeadLetterError(format!("`value`: {e}")))?;
        let reason = pb::dead_letter::Reason::from_str_name(text("reason")?)
            .and_then(DeadLetterReason::from_proto)
            .ok_or_else(|| DeadLetterError(format!("unknown reason {}", json["reason"])))?;
        Ok(Self {
            target: address_of_json(&json["target"]).ok_or_else(|| missing("target"))?,
            type_name: text("typename")?.to_owned(),
            value: json["has_value"]
                .as_bool()
                .unwrap_or(true)
                .then(|| Bytes::from(value)),
            caller: address_of_json(&json["caller"]),
            reason,
            error: text("error")?.to_owned(),
            time_ms: json["time_ms"].as_i64().ok_or_else(|| missing("time_ms"))?,
        })
    }
}

/// A dead letter is a message type: a dead-letter function takes it as its parameter.
impl Type for DeadLetter {
    fn type_name() -> TypeName {
        DEAD_LETTER
    }

    fn encode(&self) -> Result<Bytes, CodecError> {
        Ok(self.to_protobuf())
    }

    fn decode(bytes: Bytes) -> Result<Self, CodecError> {
        Self::from_protobuf(&bytes).map_err(|e| CodecError::Custom(Box::new(e)))
    }
}

/// The typename of a [`DeadLetter`] as JSON ([`DeadLetterJson`]): the `valueType` of a
/// Kafka ingress that reads dead letters back.
pub const DEAD_LETTER_JSON: TypeName = TypeName::from_static("statefun.rs/DeadLetterJson");

/// A [`DeadLetter`] in its JSON rendering, as a Kafka or Kinesis egress wrote it: the type
/// of a message read back from a dead-letter topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetterJson(pub DeadLetter);

impl Type for DeadLetterJson {
    fn type_name() -> TypeName {
        DEAD_LETTER_JSON
    }

    fn encode(&self) -> Result<Bytes, CodecError> {
        Ok(Bytes::from(self.0.to_json()))
    }

    fn decode(bytes: Bytes) -> Result<Self, CodecError> {
        DeadLetter::from_json(&bytes)
            .map(Self)
            .map_err(|e| CodecError::Custom(Box::new(e)))
    }
}

fn missing(field: &str) -> DeadLetterError {
    DeadLetterError(format!("no `{field}`"))
}

fn address_proto(address: &Address) -> pb::Address {
    pb::Address {
        namespace: address.type_name().namespace().to_owned(),
        r#type: address.type_name().name().to_owned(),
        id: address.id().to_owned(),
    }
}

fn address(address: Option<&pb::Address>) -> Option<Address> {
    let address = address?;
    let type_name = TypeName::from_parts(&address.namespace, &address.r#type).ok()?;
    Some(Address::new(type_name, address.id.clone()))
}

fn address_json(address: &Address) -> Json {
    json!({
        "namespace": address.type_name().namespace(),
        "type": address.type_name().name(),
        "id": address.id(),
    })
}

fn address_of_json(json: &Json) -> Option<Address> {
    let type_name =
        TypeName::from_parts(json["namespace"].as_str()?, json["type"].as_str()?).ok()?;
    Some(Address::new(type_name, json["id"].as_str()?.to_owned()))
}
