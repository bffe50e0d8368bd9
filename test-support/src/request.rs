//! Requests as the runtime sends them: `ToFunction` invocation batches built field by field,
//! so that a test can also build the malformed ones (no target, no invocations, a value
//! without `has_value`, an invalid caller).

use prost::Message as _;
use statefun_core::{
    Bytes, Type,
    proto::reqreply::{self as pb, ToFunction, to_function},
};

/// The address `type_name/id`; `type_name` is `namespace/name`.
///
/// # Panics
///
/// If `type_name` has no `/`.
pub fn address(type_name: &str, id: &str) -> pb::Address {
    let (namespace, name) = type_name
        .split_once('/')
        .unwrap_or_else(|| panic!("`{type_name}` is not `namespace/name`"));
    pb::Address {
        namespace: namespace.into(),
        r#type: name.into(),
        id: id.into(),
    }
}

/// `value` encoded by its codec, under its typename.
pub fn typed<T: Type>(value: &T) -> pb::TypedValue {
    pb::TypedValue {
        typename: T::type_name().to_string(),
        has_value: true,
        value: value.encode().expect("the test value encodes"),
    }
}

/// The `io.statefun.types/string` value `text`.
pub fn string(text: &str) -> pb::TypedValue {
    typed(&text.to_owned())
}

/// An invocation batch under construction: a target, the states the runtime sends and the
/// invocations, each kept as given.
#[derive(Clone, Debug, Default)]
pub struct Batch(to_function::InvocationBatchRequest);

impl Batch {
    /// A batch for `type_name/id` (see [`address`]), with no state and no invocation yet.
    pub fn to(type_name: &str, id: &str) -> Self {
        Self::with_target(Some(address(type_name, id)))
    }

    /// A batch for `target` as given: absent or invalid ones included.
    pub fn with_target(target: Option<pb::Address>) -> Self {
        Batch(to_function::InvocationBatchRequest {
            target,
            ..Default::default()
        })
    }

    /// Adds the state `name` holding `value`; `None` is a state the runtime knows and that
    /// holds no value yet.
    pub fn state(mut self, name: &str, value: Option<pb::TypedValue>) -> Self {
        self.0.state.push(to_function::PersistedValue {
            state_name: name.into(),
            state_value: value,
        });
        self
    }

    /// Adds each of `states` in order, as [`Batch::state`] does.
    pub fn states<'a>(
        self,
        states: impl IntoIterator<Item = (&'a str, Option<pb::TypedValue>)>,
    ) -> Self {
        states
            .into_iter()
            .fold(self, |batch, (name, value)| batch.state(name, value))
    }

    /// Adds an invocation from `caller` (none: sent from outside, as from an ingress) whose
    /// argument is `argument` (none: a malformed invocation).
    pub fn invocation(
        mut self,
        caller: Option<pb::Address>,
        argument: Option<pb::TypedValue>,
    ) -> Self {
        self.0
            .invocations
            .push(to_function::Invocation { caller, argument });
        self
    }

    /// Adds an invocation without a caller whose argument is `argument`.
    pub fn message(self, argument: pb::TypedValue) -> Self {
        self.invocation(None, Some(argument))
    }

    /// Adds an invocation without a caller whose argument is the string `text`.
    pub fn text(self, text: &str) -> Self {
        self.message(string(text))
    }

    /// Adds one invocation from `caller` per text of `texts`, whose argument is that string.
    pub fn texts_from(self, caller: Option<pb::Address>, texts: &[&str]) -> Self {
        texts.iter().fold(self, |batch, text| {
            batch.invocation(caller.clone(), Some(string(text)))
        })
    }

    /// The whole request.
    pub fn request(self) -> ToFunction {
        ToFunction {
            request: Some(to_function::Request::Invocation(self.0)),
        }
    }

    /// The request's protobuf bytes, as an HTTP body carries them.
    pub fn encode(self) -> Vec<u8> {
        self.request().encode_to_vec()
    }

    /// The request's protobuf bytes, as `Handler::handle` takes them.
    pub fn bytes(self) -> Bytes {
        self.encode().into()
    }
}
