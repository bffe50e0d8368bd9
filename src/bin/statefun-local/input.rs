//! The input lines: records as the module's ingresses read them, direct messages, and
//! clock moves.

use serde_json::Value as Json;
use statefun::{Address, Bytes, OutgoingMessage, Type, TypeName, codec, module::IngressRecord};

/// What one input line asks for.
pub enum Input {
    /// A record of a topic or stream, routed by the module's ingresses.
    Record(IngressRecord),
    /// A message to one address.
    Message(OutgoingMessage),
    /// Move the virtual clock.
    Advance(u64),
}

/// The input of a JSON line, or why it is none.
pub fn parse(line: &str) -> Result<Input, String> {
    let input: Json = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(ms) = input.get("advance_ms") {
        return ms
            .as_u64()
            .map(Input::Advance)
            .ok_or_else(|| "`advance_ms` must be a whole number".to_owned());
    }
    if let Some(topic) = input.get("topic") {
        let topic = topic.as_str().ok_or("`topic` must be a string")?;
        let key = input["key"].as_str().ok_or(
            "a Kafka record needs a `key` (a string): the key is the id of the instance it goes to",
        )?;
        return Ok(Input::Record(IngressRecord::kafka(
            topic,
            key,
            bytes(&input)?,
        )));
    }
    if let Some(stream) = input.get("stream") {
        let stream = stream.as_str().ok_or("`stream` must be a string")?;
        let key = input["partition_key"]
            .as_str()
            .ok_or("a Kinesis record needs a `partition_key` (a string): it is the id of the instance it goes to")?;
        return Ok(Input::Record(IngressRecord::kinesis(
            stream,
            key,
            bytes(&input)?,
        )));
    }
    let target = input["target"].as_str().ok_or(
        "expected a Kafka record (`topic`), a Kinesis record (`stream`), a message (`target`) or `advance_ms`",
    )?;
    let (function, id) = target
        .rsplit_once('/')
        .ok_or("`target` must be \"namespace/name/id\"")?;
    let function: TypeName = function.parse().map_err(|e| format!("`target`: {e}"))?;
    let type_name: TypeName = input["typename"]
        .as_str()
        .ok_or("expected `typename`")?
        .parse()
        .map_err(|e| format!("`typename`: {e}"))?;
    let bytes = encode(&type_name, &input["value"])?;
    OutgoingMessage::raw(Address::new(function, id), &type_name, bytes)
        .map(Input::Message)
        .map_err(|e| e.to_string())
}

/// The value bytes of a record line: `value` (its JSON text), `text` (UTF-8 as it is) or
/// `base64`, exactly one.
fn bytes(input: &Json) -> Result<Bytes, String> {
    let given: Vec<&str> = ["value", "text", "base64"]
        .into_iter()
        .filter(|field| input.get(field).is_some())
        .collect();
    match given[..] {
        ["value"] => Ok(Bytes::from(input["value"].to_string())),
        ["text"] => input["text"]
            .as_str()
            .map(|text| Bytes::copy_from_slice(text.as_bytes()))
            .ok_or_else(|| "`text` must be a string".to_owned()),
        ["base64"] => {
            use base64::Engine as _;
            let text = input["base64"]
                .as_str()
                .ok_or("`base64` must be a string")?;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map(Bytes::from)
                .map_err(|e| format!("`base64`: {e}"))
        }
        _ => Err(
            "a record has its value as exactly one of `value` (JSON), `text` (UTF-8) or `base64`"
                .to_owned(),
        ),
    }
}

/// The bytes of a direct message's `value`: primitive typenames take a JSON scalar, any
/// other typename the JSON value as its bytes.
fn encode(type_name: &TypeName, value: &Json) -> Result<Bytes, String> {
    let wrong = || format!("`value` is not a valid `{type_name}`");
    let encoded = match type_name.as_str() {
        "io.statefun.types/int" => i32::try_from(value.as_i64().ok_or_else(wrong)?)
            .map_err(|_| wrong())?
            .encode(),
        "io.statefun.types/long" => value.as_i64().ok_or_else(wrong)?.encode(),
        "io.statefun.types/float" => (value.as_f64().ok_or_else(wrong)? as f32).encode(),
        "io.statefun.types/double" => value.as_f64().ok_or_else(wrong)?.encode(),
        "io.statefun.types/bool" => value.as_bool().ok_or_else(wrong)?.encode(),
        "io.statefun.types/string" => value.as_str().ok_or_else(wrong)?.to_owned().encode(),
        _ => codec::json::encode(value),
    };
    encoded.map_err(|e| e.to_string())
}
