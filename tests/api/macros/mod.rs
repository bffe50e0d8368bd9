//! Behaviour of the macros' generated code, run through the real `Handler`: negotiation
//! lists the derived specs, reads, writes and deletes become mutations, sync, async and
//! stateless functions run, every common error type fails the batch, and the original
//! function stays callable.

use std::time::Duration;

use bytes::Bytes;
use prost::Message as _;
use statefun::{
    Address, Context, Expiration, Function, Functions, Handler, Message, RegistryError, State,
    StateSpec, Type, TypeName, Value,
    proto::reqreply::{
        self as pb, FromFunction, ToFunction,
        from_function::{
            self, PersistedValueMutation, expiration_spec::ExpireMode,
            persisted_value_mutation::MutationType,
        },
        to_function,
    },
};

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Profile")]
struct Profile {
    name: String,
    visits: u32,
}

#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
struct Ping {
    #[prost(string, tag = "1")]
    from: String,
}

impl prost::Name for Ping {
    const NAME: &'static str = "Ping";
    const PACKAGE: &'static str = "demo.v1";
}

#[derive(Clone, Debug, PartialEq, statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
struct Blob(Bytes);

#[derive(StateSpec, Default)]
struct Account {
    seen: Value<i32>,
    #[state(expire_after_call = "10m")]
    name: Value<String>,
    #[state(name = "profile_v2", expire_after_write = "1h30m")]
    profile: Value<Profile>,
    #[state(expire_after_call = "1500ms")]
    last_ping: Value<Ping>,
    blob: Value<Blob>,
    untouched: Value<bool>,
}

/// Counts visits, renames, clears the name on "forget", keeps the last ping.
#[statefun::function(typename = "demo/account")]
async fn account(
    _ctx: &mut Context,
    state: &mut Account,
    msg: Message,
) -> Result<(), statefun::BoxError> {
    state.seen.update(|n| Some(n.unwrap_or(0) + 1));
    if msg.is::<Ping>() {
        state.last_ping.set(msg.decode()?);
        return Ok(());
    }
    let text = msg.as_string()?;
    if text == "forget" {
        state.name.clear();
        state.blob.clear();
    } else {
        state.name.set(text.clone());
        let profile = state.profile.get_or_insert_with(|| Profile {
            name: text.clone(),
            visits: 0,
        });
        profile.visits += 1;
        state.blob.update(|b| {
            Some(Blob(Bytes::from(
                [b.map(|b| b.0).unwrap_or_default(), Bytes::from(text)].concat(),
            )))
        });
    }
    Ok(())
}

/// `Type::decode`, unambiguous next to `prost::Message::decode`.
fn decode<T: Type>(bytes: Bytes) -> Result<T, statefun::CodecError> {
    T::decode(bytes)
}

const ACCOUNT: TypeName = TypeName::from_static("demo/account");

fn typed<T: Type>(value: &T) -> pb::TypedValue {
    pb::TypedValue {
        typename: T::type_name().as_str().to_owned(),
        has_value: true,
        value: value.encode().unwrap(),
    }
}

fn request(
    target: &TypeName,
    state: Vec<(&str, Option<pb::TypedValue>)>,
    args: Vec<pb::TypedValue>,
) -> Bytes {
    ToFunction {
        request: Some(to_function::Request::Invocation(
            to_function::InvocationBatchRequest {
                target: Some(pb::Address {
                    namespace: target.namespace().to_owned(),
                    r#type: target.name().to_owned(),
                    id: "alice".to_owned(),
                }),
                state: state
                    .into_iter()
                    .map(|(name, value)| to_function::PersistedValue {
                        state_name: name.to_owned(),
                        state_value: value,
                    })
                    .collect(),
                invocations: args
                    .into_iter()
                    .map(|argument| to_function::Invocation {
                        caller: None,
                        argument: Some(argument),
                    })
                    .collect(),
            },
        )),
    }
    .encode_to_vec()
    .into()
}

async fn call(handler: &Handler, body: Bytes) -> from_function::Response {
    let bytes = handler.handle(body).await.expect("the batch succeeds");
    FromFunction::decode(bytes)
        .unwrap()
        .response
        .expect("a response")
}

fn all_states(
    received: &[(&'static str, Option<pb::TypedValue>)],
) -> Vec<(&'static str, Option<pb::TypedValue>)> {
    let mut state: Vec<_> = [
        "seen",
        "name",
        "profile_v2",
        "last_ping",
        "blob",
        "untouched",
    ]
    .into_iter()
    .map(|name| (name, None))
    .collect();
    for (name, value) in received {
        state.iter_mut().find(|(n, _)| n == name).unwrap().1 = value.clone();
    }
    state
}

fn mutations(response: from_function::Response) -> Vec<PersistedValueMutation> {
    match response {
        from_function::Response::InvocationResult(result) => result.state_mutations,
        other => panic!("expected an invocation result, got {other:?}"),
    }
}

async fn mutations_of(
    handler: &Handler,
    state: Vec<(&str, Option<pb::TypedValue>)>,
    args: Vec<pb::TypedValue>,
) -> Vec<PersistedValueMutation> {
    mutations(call(handler, request(&ACCOUNT, state, args)).await)
}

mod functions;
mod state;
