//! The structured model of `ToFunction` requests for `arbitrary`, and what each should get.

use arbitrary::Arbitrary;
use bytes::Bytes;
use prost::Message as _;
use statefun::{
    Type, TypeName,
    proto::reqreply::{self as pb, ToFunction, to_function},
};

use crate::*;

/// A `ToFunction` made of pieces that are mostly meaningful (registered functions, declared
/// states, well-typed values, commands) and sometimes arbitrary.
#[derive(Debug, Arbitrary)]
pub struct Request {
    pub target: Target,
    pub id: String,
    pub state: Vec<Cell>,
    /// Send every declared state first (with no value), so that most inputs get past
    /// negotiation.
    pub complete_state: bool,
    pub invocations: Vec<Invocation>,
}

#[derive(Debug, Arbitrary)]
pub enum Target {
    Everything,
    Stateless,
    Sync,
    Other { namespace: String, name: String },
    Missing,
}

#[derive(Debug, Arbitrary)]
pub struct Cell {
    pub name: CellName,
    pub value: Option<Val>,
}

#[derive(Debug, Arbitrary)]
pub enum CellName {
    /// The n-th declared state of the target (modulo their count).
    Declared(u8),
    Other(String),
}

#[derive(Debug, Arbitrary)]
pub enum Val {
    Good(Good),
    /// The well-typed value of a declared state (n-th, modulo their count).
    ForState(u8, Good),
    Raw {
        typename: String,
        has_value: bool,
        value: Vec<u8>,
    },
    /// A known typename with arbitrary bytes.
    Garbled {
        typename: Good,
        has_value: bool,
        value: Vec<u8>,
    },
}

#[derive(Debug, Arbitrary)]
pub enum Good {
    Int(i32),
    Long(i64),
    Str(String),
    Bool(bool),
    Float(f32),
    Double(f64),
    Profile(Profile),
    Ping(String, i64),
    Blob(Vec<u8>),
    Command(Command),
}

impl Good {
    fn typed(&self) -> pb::TypedValue {
        fn typed<T: Type>(value: &T) -> pb::TypedValue {
            pb::TypedValue {
                typename: T::type_name().to_string(),
                has_value: true,
                value: value.encode().expect("encodes"),
            }
        }
        match self {
            Good::Int(v) => typed(v),
            Good::Long(v) => typed(v),
            Good::Str(v) => typed(v),
            Good::Bool(v) => typed(v),
            Good::Float(v) => typed(v),
            Good::Double(v) => typed(v),
            Good::Profile(v) => typed(v),
            Good::Ping(from, n) => typed(&Ping {
                from: from.clone(),
                n: *n,
            }),
            Good::Blob(v) => typed(&Blob(Bytes::copy_from_slice(v))),
            Good::Command(c) => match serde_json::to_vec(c) {
                Ok(json) => pb::TypedValue {
                    typename: Command::type_name().to_string(),
                    has_value: true,
                    value: json.into(),
                },
                // Non-finite floats are not JSON: send what a peer would, a string.
                Err(_) => typed(&format!("{c:?}")),
            },
        }
    }

    /// The same value as the type of `spec` (a default of that type when the kinds differ).
    fn as_type_of(&self, type_name: &str) -> pb::TypedValue {
        let mut value = self.typed();
        if value.typename != type_name {
            let default = match type_name {
                "io.statefun.types/int" => Good::Int(0),
                "io.statefun.types/long" => Good::Long(0),
                "io.statefun.types/string" => Good::Str(String::new()),
                "io.statefun.types/bool" => Good::Bool(false),
                "io.statefun.types/float" => Good::Float(0.0),
                "io.statefun.types/double" => Good::Double(0.0),
                "fuzz/Profile" => Good::Profile(Profile {
                    name: String::new(),
                    visits: 0,
                    tags: vec![],
                }),
                "type.googleapis.com/fuzz.v1.Ping" => Good::Ping(String::new(), 0),
                _ => Good::Blob(Vec::new()),
            };
            value = default.typed();
        }
        value
    }
}

#[derive(Debug, Arbitrary)]
pub struct Invocation {
    pub caller: Option<Caller>,
    pub argument: Option<Val>,
}

#[derive(Debug, Arbitrary)]
pub enum Caller {
    Function(String),
    Raw {
        namespace: String,
        name: String,
        id: String,
    },
}

/// Everything the model knows about the outcome of a [`Request`].
#[derive(Debug, Default)]
pub struct Expected {
    /// The target function is registered, the batch has invocations.
    pub registered: bool,
    /// The declared states the request does not carry (in declaration order).
    pub missing: Vec<String>,
    /// The first state name the request carries twice: a bad request, before anything else.
    pub duplicate: Option<String>,
}

impl Request {
    /// The request's bytes and what the model expects of its answer.
    pub fn encode(&self) -> (Vec<u8>, Expected) {
        let functions = shared().functions();
        let (type_name, target) = match &self.target {
            Target::Everything => (Some(SELF), Some(("fuzz", "everything"))),
            Target::Stateless => (
                Some(TypeName::from_static("fuzz/stateless")),
                Some(("fuzz", "stateless")),
            ),
            Target::Sync => (
                Some(TypeName::from_static("fuzz/sync")),
                Some(("fuzz", "sync")),
            ),
            Target::Other { namespace, name } => (None, Some((namespace.as_str(), name.as_str()))),
            Target::Missing => (None, None),
        };
        let specs = type_name
            .as_ref()
            .and_then(|t| functions.specs(t))
            .unwrap_or(&[]);
        let spec = |n: u8| specs.get(usize::from(n) % specs.len().max(1));
        let value = |val: &Val| match val {
            Val::Good(good) => good.typed(),
            Val::ForState(n, good) => match spec(*n) {
                Some(spec) => good.as_type_of(spec.type_name().as_str()),
                None => good.typed(),
            },
            Val::Raw {
                typename,
                has_value,
                value,
            } => pb::TypedValue {
                typename: typename.clone(),
                has_value: *has_value,
                value: Bytes::copy_from_slice(value),
            },
            Val::Garbled {
                typename,
                has_value,
                value,
            } => pb::TypedValue {
                typename: typename.typed().typename,
                has_value: *has_value,
                value: Bytes::copy_from_slice(value),
            },
        };

        let mut state = Vec::new();
        for cell in &self.state {
            let name = match &cell.name {
                CellName::Declared(n) => match spec(*n) {
                    Some(spec) => spec.name().to_owned(),
                    None => continue,
                },
                CellName::Other(name) => name.clone(),
            };
            let state_value = cell.value.as_ref().map(value);
            state.push(to_function::PersistedValue {
                state_name: name,
                state_value,
            });
        }
        if self.complete_state {
            // Every declared state the cells do not carry, without a value. Cells of one
            // name (`arbitrary` makes them) are a request the handler refuses.
            for spec in specs {
                if !state.iter().any(|c| c.state_name == spec.name()) {
                    state.push(to_function::PersistedValue {
                        state_name: spec.name().to_owned(),
                        state_value: None,
                    });
                }
            }
        }
        // The first state whose name came before: what the handler names.
        let duplicate = state
            .iter()
            .enumerate()
            .find(|(i, c)| state[..*i].iter().any(|e| e.state_name == c.state_name))
            .map(|(_, c)| c.state_name.clone());
        let missing = specs
            .iter()
            .filter(|s| !state.iter().any(|c| c.state_name == s.name()))
            .map(|s| s.name().to_owned())
            .collect();

        let invocations: Vec<_> = self
            .invocations
            .iter()
            .map(|inv| to_function::Invocation {
                caller: inv.caller.as_ref().map(|c| match c {
                    Caller::Function(id) => pb::Address {
                        namespace: "fuzz".into(),
                        r#type: "stateless".into(),
                        id: id.clone(),
                    },
                    Caller::Raw {
                        namespace,
                        name,
                        id,
                    } => pb::Address {
                        namespace: namespace.clone(),
                        r#type: name.clone(),
                        id: id.clone(),
                    },
                }),
                argument: inv.argument.as_ref().map(value),
            })
            .collect();
        let expected = Expected {
            registered: type_name.is_some() && !invocations.is_empty(),
            missing,
            duplicate,
        };
        let request = ToFunction {
            request: Some(to_function::Request::Invocation(
                to_function::InvocationBatchRequest {
                    target: target.map(|(namespace, name)| pb::Address {
                        namespace: namespace.to_owned(),
                        r#type: name.to_owned(),
                        id: self.id.clone(),
                    }),
                    state,
                    invocations,
                },
            )),
        };
        (request.encode_to_vec(), expected)
    }
}
