//! A `ToFunction` request as a tree the mutations edit, and its encoder. Unlike the generated
//! prost types it can carry what a runtime never sends but a parser must survive: raw extra
//! fields at every level (unknown fields, or a known field repeated), appended after the
//! message's own fields.

use prost::{
    Message as _,
    encoding::{WireType, encode_key, encode_varint},
};
use statefun::proto::reqreply::{self as pb, to_function};

#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Whether `ToFunction.invocation` (field 100) is present at all.
    pub has_batch: bool,
    pub target: Option<Address>,
    pub states: Vec<State>,
    pub invocations: Vec<Invocation>,
    /// Raw fields appended to `InvocationBatchRequest`.
    pub batch_extra: Vec<u8>,
    /// Raw fields appended to `ToFunction`.
    pub top_extra: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct Address {
    pub namespace: String,
    pub name: String,
    pub id: String,
    pub extra: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct State {
    pub name: String,
    pub value: Option<Value>,
    pub extra: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct Invocation {
    pub caller: Option<Address>,
    pub argument: Option<Value>,
    pub extra: Vec<u8>,
}

/// A `TypedValue`.
#[derive(Clone, Debug, Default)]
pub struct Value {
    pub typename: String,
    pub has_value: bool,
    pub bytes: Vec<u8>,
    pub extra: Vec<u8>,
}

impl Request {
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let request = pb::ToFunction::decode(bytes).expect("a vector request decodes");
        let Some(to_function::Request::Invocation(batch)) = request.request else {
            return Request::default();
        };
        Request {
            has_batch: true,
            target: batch.target.map(Address::from_proto),
            states: batch
                .state
                .into_iter()
                .map(|s| State {
                    name: s.state_name,
                    value: s.state_value.map(Value::from_proto),
                    extra: vec![],
                })
                .collect(),
            invocations: batch
                .invocations
                .into_iter()
                .map(|i| Invocation {
                    caller: i.caller.map(Address::from_proto),
                    argument: i.argument.map(Value::from_proto),
                    extra: vec![],
                })
                .collect(),
            batch_extra: vec![],
            top_extra: vec![],
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.has_batch {
            let mut batch = Vec::new();
            if let Some(target) = &self.target {
                message(1, &target.encode(), &mut batch);
            }
            for state in &self.states {
                message(2, &state.encode(), &mut batch);
            }
            for invocation in &self.invocations {
                message(3, &invocation.encode(), &mut batch);
            }
            batch.extend_from_slice(&self.batch_extra);
            message(100, &batch, &mut out);
        }
        out.extend_from_slice(&self.top_extra);
        out
    }
}

impl Address {
    pub fn from_proto(a: pb::Address) -> Self {
        Address {
            namespace: a.namespace,
            name: a.r#type,
            id: a.id,
            extra: vec![],
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        string(1, &self.namespace, &mut out);
        string(2, &self.name, &mut out);
        string(3, &self.id, &mut out);
        out.extend_from_slice(&self.extra);
        out
    }
}

impl State {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        string(1, &self.name, &mut out);
        if let Some(value) = &self.value {
            message(2, &value.encode(), &mut out);
        }
        out.extend_from_slice(&self.extra);
        out
    }
}

impl Invocation {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(caller) = &self.caller {
            message(1, &caller.encode(), &mut out);
        }
        if let Some(argument) = &self.argument {
            message(2, &argument.encode(), &mut out);
        }
        out.extend_from_slice(&self.extra);
        out
    }
}

impl Value {
    pub fn from_proto(v: pb::TypedValue) -> Self {
        Value {
            typename: v.typename,
            has_value: v.has_value,
            bytes: v.value.to_vec(),
            extra: vec![],
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        string(1, &self.typename, &mut out);
        if self.has_value {
            encode_key(2, WireType::Varint, &mut out);
            encode_varint(1, &mut out);
        }
        bytes(3, &self.bytes, &mut out);
        out.extend_from_slice(&self.extra);
        out
    }
}

/// A length-delimited field; proto3 leaves an empty string or bytes out, a message never.
fn message(number: u32, body: &[u8], out: &mut Vec<u8>) {
    encode_key(number, WireType::LengthDelimited, out);
    encode_varint(body.len() as u64, out);
    out.extend_from_slice(body);
}

fn string(number: u32, value: &str, out: &mut Vec<u8>) {
    bytes(number, value.as_bytes(), out);
}

fn bytes(number: u32, value: &[u8], out: &mut Vec<u8>) {
    if !value.is_empty() {
        message(number, value, out);
    }
}

/// `number` as a length-delimited field holding `body`: an extra field.
pub fn length_delimited(number: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    message(number, body, &mut out);
    out
}
