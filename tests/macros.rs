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

#[test]
fn derived_specs_are_in_declaration_order() {
    let specs = Account::specs();
    let summary: Vec<_> = specs
        .iter()
        .map(|s| (s.name(), s.type_name().as_str(), s.expiration()))
        .collect();
    assert_eq!(
        summary,
        [
            ("seen", "io.statefun.types/int", Expiration::Never),
            (
                "name",
                "io.statefun.types/string",
                Expiration::AfterCall(Duration::from_secs(600))
            ),
            (
                "profile_v2",
                "demo/Profile",
                Expiration::AfterWrite(Duration::from_secs(5400))
            ),
            (
                "last_ping",
                "type.googleapis.com/demo.v1.Ping",
                Expiration::AfterCall(Duration::from_millis(1500))
            ),
            ("blob", "demo/bytes", Expiration::Never),
            ("untouched", "io.statefun.types/bool", Expiration::Never),
        ]
    );
}

#[tokio::test]
async fn negotiation_lists_exactly_the_derived_specs() {
    let handler = Handler::new(Functions::new().with(account));
    let response = call(
        &handler,
        request(
            &ACCOUNT,
            vec![("seen", None)],
            vec![typed(&"bob".to_owned())],
        ),
    )
    .await;
    let from_function::Response::IncompleteInvocationContext(missing) = response else {
        panic!("expected negotiation, got {response:?}");
    };
    let missing: Vec<_> = missing
        .missing_values
        .iter()
        .map(|spec| {
            let expiration = spec.expiration_spec.unwrap_or_default();
            (
                spec.state_name.as_str(),
                spec.type_typename.as_str(),
                ExpireMode::try_from(expiration.mode).unwrap(),
                expiration.expire_after_millis,
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            (
                "name",
                "io.statefun.types/string",
                ExpireMode::AfterInvoke,
                600_000
            ),
            (
                "profile_v2",
                "demo/Profile",
                ExpireMode::AfterWrite,
                5_400_000
            ),
            (
                "last_ping",
                "type.googleapis.com/demo.v1.Ping",
                ExpireMode::AfterInvoke,
                1_500
            ),
            ("blob", "demo/bytes", ExpireMode::None, 0),
            ("untouched", "io.statefun.types/bool", ExpireMode::None, 0),
        ]
    );
}

#[tokio::test]
async fn reads_writes_and_deletes_become_mutations() {
    let handler = Handler::new(Functions::new().with(account));
    let state = all_states(&[
        ("seen", Some(typed(&41))),
        ("name", Some(typed(&"old".to_owned()))),
        (
            "profile_v2",
            Some(typed(&Profile {
                name: "alice".into(),
                visits: 2,
            })),
        ),
        ("blob", Some(typed(&Blob(Bytes::from_static(b">"))))),
        ("untouched", Some(typed(&true))),
    ]);
    let args = vec![
        typed(&"bob".to_owned()),
        typed(&Ping {
            from: "carol".into(),
        }),
        typed(&"dave".to_owned()),
    ];
    let mutations = mutations(call(&handler, request(&ACCOUNT, state, args)).await);

    let decoded: Vec<_> = mutations
        .iter()
        .map(|m| {
            (
                m.state_name.as_str(),
                MutationType::try_from(m.mutation_type).unwrap(),
                m.state_value.as_ref().map(|v| v.typename.as_str()),
            )
        })
        .collect();
    assert_eq!(
        decoded,
        [
            ("seen", MutationType::Modify, Some("io.statefun.types/int")),
            (
                "name",
                MutationType::Modify,
                Some("io.statefun.types/string")
            ),
            ("profile_v2", MutationType::Modify, Some("demo/Profile")),
            (
                "last_ping",
                MutationType::Modify,
                Some("type.googleapis.com/demo.v1.Ping")
            ),
            ("blob", MutationType::Modify, Some("demo/bytes")),
        ],
        "`untouched` was only read, so it has no mutation"
    );
    let value = |i: usize| mutations[i].state_value.clone().unwrap().value;
    assert_eq!(decode::<i32>(value(0)).unwrap(), 44);
    assert_eq!(decode::<String>(value(1)).unwrap(), "dave");
    assert_eq!(
        decode::<Profile>(value(2)).unwrap(),
        Profile {
            name: "alice".into(),
            visits: 4
        }
    );
    assert_eq!(decode::<Ping>(value(3)).unwrap().from, "carol");
    assert_eq!(
        decode::<Blob>(value(4)).unwrap(),
        Blob(Bytes::from_static(b">bobdave"))
    );

    // Clearing becomes a DELETE without a value.
    let state = all_states(&[
        ("name", Some(typed(&"old".to_owned()))),
        ("blob", Some(typed(&Blob(Bytes::from_static(b"x"))))),
    ]);
    let mutations = mutations_of(&handler, state, vec![typed(&"forget".to_owned())]).await;
    let decoded: Vec<_> = mutations
        .iter()
        .map(|m| {
            (
                m.state_name.as_str(),
                MutationType::try_from(m.mutation_type).unwrap(),
                m.state_value.is_some(),
            )
        })
        .collect();
    assert_eq!(
        decoded,
        [
            ("seen", MutationType::Modify, true),
            ("name", MutationType::Delete, false),
            ("blob", MutationType::Delete, false),
        ]
    );
}

async fn mutations_of(
    handler: &Handler,
    state: Vec<(&str, Option<pb::TypedValue>)>,
    args: Vec<pb::TypedValue>,
) -> Vec<PersistedValueMutation> {
    mutations(call(handler, request(&ACCOUNT, state, args)).await)
}

#[derive(StateSpec)]
struct Counter {
    count: Value<i64>,
}

#[statefun::function(typename = "demo/sync")]
fn sync_counter(_ctx: &mut Context, state: &mut Counter, _msg: Message) {
    state.count.update(|n| Some(n.unwrap_or(0) + 1));
}

#[statefun::function(typename = "demo/async")]
async fn async_counter(_ctx: &mut Context, state: &mut Counter, _msg: Message) {
    tokio::task::yield_now().await;
    state.count.update(|n| Some(n.unwrap_or(0) + 10));
}

/// Replies to the caller; has no state.
#[statefun::function(typename = "demo/echo")]
pub(crate) async fn echo(ctx: &mut Context, msg: Message) -> anyhow::Result<()> {
    let text = msg.as_string()?;
    let sink = Address::new(TypeName::from_static("demo/sink"), ctx.self_address().id());
    ctx.send(sink, text.as_str())?;
    Ok(())
}

#[statefun::function(typename = "demo/stateless-sync")]
fn stateless_sync(_ctx: &mut Context, _msg: Message) -> Result<(), std::io::Error> {
    Ok(())
}

#[tokio::test]
async fn sync_and_async_functions_run_their_batches_in_order() {
    let handler = Handler::new(Functions::new().with(sync_counter).with(async_counter));
    let arg = || typed(&"x".to_owned());
    for (target, expected) in [("demo/sync", 3), ("demo/async", 30)] {
        let target = TypeName::new(target.to_owned()).unwrap();
        let response = call(
            &handler,
            request(&target, vec![("count", None)], vec![arg(), arg(), arg()]),
        )
        .await;
        let mutations = mutations(response);
        assert_eq!(mutations.len(), 1);
        let value = mutations[0].state_value.clone().unwrap().value;
        assert_eq!(decode::<i64>(value).unwrap(), expected, "{target}");
    }
}

#[tokio::test]
async fn stateless_functions_need_no_state_and_send_messages() {
    assert!(<echo as Function>::State::specs().is_empty());
    let handler = Handler::new(Functions::new().with(echo).with(stateless_sync));
    let echo_name = TypeName::from_static("demo/echo");
    let response = call(
        &handler,
        request(&echo_name, vec![], vec![typed(&"hi".to_owned())]),
    )
    .await;
    let from_function::Response::InvocationResult(result) = response else {
        panic!("expected a result");
    };
    assert!(result.state_mutations.is_empty());
    assert_eq!(result.outgoing_messages.len(), 1);
    let sent = &result.outgoing_messages[0];
    assert_eq!(sent.target.as_ref().unwrap().id, "alice");
    assert_eq!(
        decode::<String>(sent.argument.clone().unwrap().value).unwrap(),
        "hi"
    );

    let response = call(
        &handler,
        request(&stateless_sync::TYPE_NAME, vec![], vec![typed(&1)]),
    )
    .await;
    assert!(matches!(
        response,
        from_function::Response::InvocationResult(_)
    ));
}

#[derive(Debug, thiserror::Error)]
enum GreetError {
    #[error("nobody to greet")]
    Nobody,
}

#[statefun::function(typename = "demo/fails-thiserror")]
fn fails_thiserror(_ctx: &mut Context, _msg: Message) -> Result<(), GreetError> {
    Err(GreetError::Nobody)
}

#[statefun::function(typename = "demo/fails-anyhow")]
async fn fails_anyhow(_ctx: &mut Context, _msg: Message) -> anyhow::Result<()> {
    anyhow::bail!("anyhow says no")
}

#[statefun::function(typename = "demo/fails-boxed")]
async fn fails_boxed(
    _ctx: &mut Context,
    _msg: Message,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Err("boxed says no".into())
}

#[tokio::test]
async fn every_common_error_type_fails_the_batch_with_its_message() {
    let handler = Handler::new(
        Functions::new()
            .with(fails_thiserror)
            .with(fails_anyhow)
            .with(fails_boxed),
    );
    for (target, message) in [
        (fails_thiserror::TYPE_NAME, "nobody to greet"),
        (fails_anyhow::TYPE_NAME, "anyhow says no"),
        (fails_boxed::TYPE_NAME, "boxed says no"),
    ] {
        let error = handler
            .handle(request(&target, vec![], vec![typed(&1)]))
            .await
            .expect_err("the function fails");
        let statefun::Error::FunctionFailed { address, source } = &error else {
            panic!("expected FunctionFailed, got {error:?}");
        };
        assert_eq!(address.type_name(), &target);
        assert_eq!(source.to_string(), message);
        assert!(error.to_string().contains(message), "{error}");
    }
}

#[tokio::test]
async fn the_original_function_is_callable_directly() {
    let mut ctx = Context::new(Address::new(ACCOUNT, "alice"));
    let mut state = Account::default();
    account::call(&mut ctx, &mut state, Message::new("bob"))
        .await
        .unwrap();
    assert_eq!(state.seen.get(), Some(&1));
    assert_eq!(state.name.get().map(String::as_str), Some("bob"));

    let mut counter = Counter {
        count: Value::default(),
    };
    sync_counter::call(&mut ctx, &mut counter, Message::new(&1));
    assert_eq!(counter.count.get(), Some(&1));

    echo::call(&mut ctx, Message::new("hello")).await.unwrap();
    assert_eq!(ctx.sent().len(), 1);
    assert!(fails_thiserror::call(&mut ctx, Message::new(&1)).is_err());
}

#[test]
fn generated_items() {
    assert_eq!(account::TYPE_NAME, "demo/account");
    assert_eq!(Function::type_name(&account), account::TYPE_NAME);
    // The unit struct is `Copy + Default + Debug`.
    let copy = echo;
    let _ = (echo, copy, <echo as Default>::default());
    assert_eq!(format!("{echo:?}"), "echo");
}

#[test]
fn two_functions_with_one_typename_are_an_error_naming_it() {
    #[statefun::function(typename = "demo/account")]
    fn impostor(_ctx: &mut Context, _msg: Message) {}

    let error = Functions::new()
        .with(account)
        .try_with(impostor)
        .expect_err("duplicate typename");
    assert_eq!(error, RegistryError::Duplicate(ACCOUNT));
    assert!(error.to_string().contains("demo/account"), "{error}");
}

#[test]
fn derived_types_round_trip() {
    let profile = Profile {
        name: "alice".into(),
        visits: 3,
    };
    assert_eq!(Profile::type_name(), "demo/Profile");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&profile.encode().unwrap()).unwrap(),
        serde_json::json!({"name": "alice", "visits": 3})
    );
    assert_eq!(
        decode::<Profile>(profile.encode().unwrap()).unwrap(),
        profile
    );

    let ping = Ping { from: "bob".into() };
    assert_eq!(Ping::type_name(), "type.googleapis.com/demo.v1.Ping");
    assert_eq!(decode::<Ping>(Type::encode(&ping).unwrap()).unwrap(), ping);

    let blob = Blob(Bytes::from_static(b"\x00\x01"));
    assert_eq!(blob.encode().unwrap(), Bytes::from_static(b"\x00\x01"));
    assert_eq!(decode::<Blob>(blob.encode().unwrap()).unwrap(), blob);
    assert!(decode::<Profile>(Bytes::from_static(b"not json")).is_err());
}
