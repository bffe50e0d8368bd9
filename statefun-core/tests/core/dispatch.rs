//! The dispatcher: negotiation, mutation rules, batches, side-effect order and every
//! error case, through `Handler::handle` on real protobuf bytes.

use std::{sync::Arc, sync::Mutex, time::Duration};

use bytes::Bytes;
use from_function::{expiration_spec::ExpireMode, persisted_value_mutation::MutationType};
use statefun_core::{
    Address, BoxError, CancellationToken, Context, ContextError, Error, Function, Functions,
    Handler, Message, OutgoingMessage, RegistryError, RequestError, StateError, TokenError,
    TypeName,
    proto::reqreply::{self as pb, from_function},
};
use statefun_test_support::{
    answer::{invocation_result, response},
    request::{Batch, string, typed},
};

const COUNTER: TypeName = TypeName::from_static("test/counter");

statefun_test_support::state! {
    /// Two cells: `count` (int, expires 1 s after call) and `note` (string).
    #[derive(Debug)]
    struct Counter {
        count: i32 => statefun_core::Expiration::AfterCall(Duration::from_secs(1)),
        note: String,
    }
}

/// Interprets string commands: `inc`, `set-note:<x>`, `clear-note`, `read`, `fail`,
/// `panic`, `send`, `delay:<token>`, `cancel:<token>`, `caller`.
struct Commands {
    seen_callers: Arc<Mutex<Vec<Option<String>>>>,
    invocations: Arc<Mutex<usize>>,
}

impl Function for Commands {
    type State = Counter;
    fn type_name(&self) -> TypeName {
        COUNTER
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut Counter,
        msg: Message,
    ) -> Result<(), BoxError> {
        *self.invocations.lock().unwrap() += 1;
        let command = msg.as_string()?;
        let target = || Address::new(TypeName::from_static("test/other"), "x");
        match command.split_once(':').unwrap_or((&command, "")) {
            ("inc", _) => state.count.update(|n| Some(n.unwrap_or(0) + 1)),
            ("set-note", note) => state.note.set(note.to_owned()),
            ("clear-note", _) => state.note.clear(),
            ("read", _) => {
                let _ = state.count.get();
                let _ = state.note.get();
            }
            ("fail", _) => return Err("asked to fail".into()),
            ("panic", _) => panic!("asked to panic"),
            ("send", _) => ctx.send(target(), "m")?,
            ("delay", token) => ctx.send_after_with_token(
                Duration::from_millis(1500),
                CancellationToken::new(token)?,
                OutgoingMessage::new(target(), token)?,
            ),
            ("delay-untokened", _) => {
                ctx.send_after(Duration::from_secs(2), OutgoingMessage::new(target(), "d")?)
            }
            ("cancel", token) => ctx.cancel_delayed(CancellationToken::new(token)?),
            ("caller", _) => self
                .seen_callers
                .lock()
                .unwrap()
                .push(ctx.caller().map(ToString::to_string)),
            (other, _) => return Err(format!("unknown command {other}").into()),
        }
        Ok(())
    }
}

struct Fixture {
    handler: Handler,
    callers: Arc<Mutex<Vec<Option<String>>>>,
    invocations: Arc<Mutex<usize>>,
}

fn fixture() -> Fixture {
    let callers = Arc::new(Mutex::new(Vec::new()));
    let invocations = Arc::new(Mutex::new(0));
    let handler = Handler::new(Functions::new().with(Commands {
        seen_callers: callers.clone(),
        invocations: invocations.clone(),
    }));
    Fixture {
        handler,
        callers,
        invocations,
    }
}

/// The states of a request: name and value.
type States<'a> = Vec<(&'a str, Option<pb::TypedValue>)>;

/// A request for `test/counter/me` with `states` and one string message from `caller` per
/// command.
fn request(states: States<'_>, commands: &[&str], caller: Option<pb::Address>) -> Bytes {
    Batch::to("test/counter", "me")
        .states(states)
        .texts_from(caller, commands)
        .bytes()
}

fn full_state(count: Option<i32>, note: Option<&str>) -> States<'static> {
    vec![
        ("count", count.map(|c| typed(&c))),
        ("note", note.map(string)),
    ]
}

async fn answer(f: &Fixture, body: Bytes) -> from_function::Response {
    response(&f.handler.handle(body).await.expect("a FromFunction"))
}

async fn result(f: &Fixture, body: Bytes) -> from_function::InvocationResponse {
    invocation_result(&f.handler.handle(body).await.expect("a FromFunction"))
}

async fn error(f: &Fixture, body: Bytes) -> Error {
    f.handler.handle(body).await.unwrap_err()
}

fn mutations(r: &from_function::InvocationResponse) -> Vec<(String, MutationType, Option<i32>)> {
    r.state_mutations
        .iter()
        .map(|m| {
            let value = m.state_value.as_ref().and_then(|v| {
                (v.typename == "io.statefun.types/int")
                    .then(|| <i32 as statefun_core::Type>::decode(v.value.clone()).unwrap())
            });
            (m.state_name.clone(), m.mutation_type(), value)
        })
        .collect()
}

// ---- negotiation ----

#[tokio::test]
async fn all_state_missing_lists_every_spec_in_order_and_runs_nothing() {
    let f = fixture();
    let from_function::Response::IncompleteInvocationContext(ctx) =
        answer(&f, request(vec![], &["inc"], None)).await
    else {
        panic!("expected IncompleteInvocationContext");
    };
    let names: Vec<_> = ctx
        .missing_values
        .iter()
        .map(|s| s.state_name.as_str())
        .collect();
    assert_eq!(names, ["count", "note"]);
    let count = &ctx.missing_values[0];
    assert_eq!(count.type_typename, "io.statefun.types/int");
    let exp = count.expiration_spec.unwrap();
    assert_eq!(exp.mode(), ExpireMode::AfterInvoke);
    assert_eq!(exp.expire_after_millis, 1000);
    let note = &ctx.missing_values[1];
    assert_eq!(note.type_typename, "io.statefun.types/string");
    assert_eq!(
        note.expiration_spec, None,
        "no expiration is the protocol's default"
    );
    assert_eq!(*f.invocations.lock().unwrap(), 0, "no user code may run");
}

#[tokio::test]
async fn some_state_missing_lists_only_the_missing() {
    let f = fixture();
    let body = request(vec![("count", Some(typed(&1)))], &["inc"], None);
    let from_function::Response::IncompleteInvocationContext(ctx) = answer(&f, body).await else {
        panic!("expected IncompleteInvocationContext");
    };
    let names: Vec<_> = ctx
        .missing_values
        .iter()
        .map(|s| s.state_name.as_str())
        .collect();
    assert_eq!(names, ["note"]);
    assert_eq!(*f.invocations.lock().unwrap(), 0);
}

#[tokio::test]
async fn present_but_empty_is_not_missing_and_extra_state_is_ignored() {
    let f = fixture();
    let mut states = full_state(None, None);
    states.push(("retired", Some(typed(&true))));
    let r = result(&f, request(states, &["inc"], None)).await;
    assert_eq!(
        mutations(&r),
        [("count".into(), MutationType::Modify, Some(1))]
    );
}

// ---- mutation rules ----

#[tokio::test]
async fn a_batch_of_three_increments_is_one_modify_with_three() {
    let f = fixture();
    let r = result(
        &f,
        request(full_state(None, None), &["inc", "inc", "inc"], None),
    )
    .await;
    assert_eq!(
        mutations(&r),
        [("count".into(), MutationType::Modify, Some(3))]
    );
    let value = r.state_mutations[0].state_value.as_ref().unwrap();
    assert_eq!(value.typename, "io.statefun.types/int");
    assert!(value.has_value);
}

#[tokio::test]
async fn states_are_found_by_name_in_any_order_among_unknown_ones() {
    let f = fixture();
    let mut states = full_state(Some(5), Some("n"));
    states.reverse();
    states.insert(1, ("other", Some(typed(&9))));
    let r = result(&f, request(states, &["inc", "set-note:m"], None)).await;
    assert_eq!(
        mutations(&r),
        [
            ("count".into(), MutationType::Modify, Some(6)),
            ("note".into(), MutationType::Modify, None),
        ]
    );
    assert_eq!(
        &r.state_mutations[1].state_value.as_ref().unwrap().value[..],
        b"\x0a\x01m"
    );
}

#[tokio::test]
async fn reads_alone_change_nothing() {
    let f = fixture();
    let r = result(&f, request(full_state(Some(5), Some("n")), &["read"], None)).await;
    assert!(r.state_mutations.is_empty());
}

#[tokio::test]
async fn set_then_delete_is_delete_and_delete_then_set_is_modify() {
    let f = fixture();
    let r = result(
        &f,
        request(full_state(None, None), &["set-note:x", "clear-note"], None),
    )
    .await;
    assert_eq!(mutations(&r), [("note".into(), MutationType::Delete, None)]);
    assert!(r.state_mutations[0].state_value.is_none());

    let r = result(
        &f,
        request(
            full_state(None, Some("old")),
            &["clear-note", "set-note:new"],
            None,
        ),
    )
    .await;
    assert_eq!(r.state_mutations.len(), 1);
    let m = &r.state_mutations[0];
    assert_eq!(m.mutation_type(), MutationType::Modify);
    let value = m.state_value.as_ref().unwrap();
    assert_eq!(value.typename, "io.statefun.types/string");
    assert_eq!(
        <String as statefun_core::Type>::decode(value.value.clone()).unwrap(),
        "new"
    );
}

#[tokio::test]
async fn the_last_value_of_a_batch_is_sent_once() {
    let f = fixture();
    let r = result(
        &f,
        request(
            full_state(Some(10), None),
            &["inc", "set-note:a", "inc", "set-note:b"],
            None,
        ),
    )
    .await;
    assert_eq!(r.state_mutations.len(), 2);
    assert_eq!(
        mutations(&r)[0],
        ("count".into(), MutationType::Modify, Some(12))
    );
    let note = r.state_mutations[1].state_value.as_ref().unwrap();
    assert_eq!(
        <String as statefun_core::Type>::decode(note.value.clone()).unwrap(),
        "b"
    );
}

#[tokio::test]
async fn state_of_the_wrong_type_is_a_clear_error() {
    let f = fixture();
    let states = vec![("count", Some(typed(&1i64))), ("note", None)];
    let err = error(&f, request(states, &["inc"], None)).await;
    let Error::State {
        source:
            StateError::TypeMismatch {
                state,
                expected,
                actual,
            },
        ..
    } = &err
    else {
        panic!("expected a state type mismatch, got {err:?}");
    };
    assert_eq!(
        (state.as_str(), expected.as_str(), actual.as_str()),
        ("count", "io.statefun.types/int", "io.statefun.types/long")
    );
    assert!(err.to_string().contains("test/counter"), "{err}");
    assert_eq!(*f.invocations.lock().unwrap(), 0);
}

#[tokio::test]
async fn undecodable_state_is_a_clear_error() {
    let f = fixture();
    let broken = pb::TypedValue {
        typename: "io.statefun.types/int".into(),
        has_value: true,
        value: Bytes::from_static(&[0x0d, 0x01]), // truncated sfixed32
    };
    let states = vec![("count", Some(broken)), ("note", None)];
    let err = error(&f, request(states, &["inc"], None)).await;
    assert!(
        matches!(
            err,
            Error::State {
                source: StateError::Decode { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

// ---- context ----

#[tokio::test]
async fn an_invalid_caller_anywhere_in_the_batch_fails_it_before_any_user_code_runs() {
    let f = fixture();
    let invalid = pb::Address {
        namespace: "demo".into(),
        r#type: String::new(),
        id: "bob".into(),
    };
    let request = Batch::to("test/counter", "me")
        .states(full_state(None, None))
        .text("inc")
        .invocation(Some(invalid), Some(string("inc")))
        .bytes();
    let err = error(&f, request).await;
    assert!(
        matches!(
            &err,
            Error::InvalidRequest(RequestError::InvalidCaller { index: 1, .. })
        ),
        "{err:?}"
    );
    assert!(err.is_bad_request());
    assert_eq!(
        *f.invocations.lock().unwrap(),
        0,
        "no invocation ran, not even the valid first one"
    );
}

#[tokio::test]
async fn a_caller_with_an_empty_or_slashed_typename_part_is_refused() {
    let f = fixture();
    // Only all three parts empty is "no caller". And `a/b` + `c` would read as the
    // typename `a/b/c`: a part holds no `/`.
    for (namespace, r#type) in [
        ("", "c"),
        ("a", ""),
        ("", ""),
        ("a/b", "c/d"),
        ("a/b", "c"),
        ("a", "c/d"),
        ("/", "/"),
    ] {
        let caller = pb::Address {
            namespace: namespace.into(),
            r#type: r#type.into(),
            id: "bob".into(),
        };
        let err = error(
            &f,
            request(full_state(None, None), &["caller"], Some(caller)),
        )
        .await;
        assert!(
            matches!(
                &err,
                Error::InvalidRequest(RequestError::InvalidCaller { index: 0, .. })
            ),
            "{namespace:?} {type:?}: {err:?}"
        );
    }
    assert_eq!(*f.invocations.lock().unwrap(), 0);
}

#[tokio::test]
async fn caller_none_and_some() {
    let f = fixture();
    result(&f, request(full_state(None, None), &["caller"], None)).await;
    let empty = pb::Address::default();
    result(
        &f,
        request(full_state(None, None), &["caller"], Some(empty)),
    )
    .await;
    let bob = pb::Address {
        namespace: "demo".into(),
        r#type: "caller".into(),
        id: "bob".into(),
    };
    result(&f, request(full_state(None, None), &["caller"], Some(bob))).await;
    assert_eq!(
        *f.callers.lock().unwrap(),
        [None, None, Some("demo/caller/bob".to_owned())]
    );
}

#[tokio::test]
async fn delayed_messages_and_cancellations_keep_call_order() {
    let f = fixture();
    let r = result(
        &f,
        request(
            full_state(None, None),
            &[
                "delay:t1",
                "cancel:t0",
                "send",
                "delay-untokened",
                "cancel:t1",
                "send",
            ],
            None,
        ),
    )
    .await;
    let delayed: Vec<_> = r
        .delayed_invocations
        .iter()
        .map(|d| {
            (
                d.is_cancellation_request,
                d.cancellation_token.as_str(),
                d.delay_in_ms,
            )
        })
        .collect();
    assert_eq!(
        delayed,
        [
            (false, "t1", 1500),
            (true, "t0", 0),
            (false, "", 2000),
            (true, "t1", 0)
        ]
    );
    assert!(r.delayed_invocations[1].target.is_none());
    let target = r.delayed_invocations[0].target.as_ref().unwrap();
    assert_eq!(
        (
            target.namespace.as_str(),
            target.r#type.as_str(),
            target.id.as_str()
        ),
        ("test", "other", "x")
    );
    assert_eq!(r.outgoing_messages.len(), 2);
}

/// A type whose encoding always fails, as a serde impl can.
struct Unencodable;

impl statefun_core::Type for Unencodable {
    fn type_name() -> TypeName {
        TypeName::from_static("demo/unencodable")
    }
    fn encode(&self) -> Result<Bytes, statefun_core::CodecError> {
        Err(statefun_core::CodecError::Custom("cannot encode".into()))
    }
    fn decode(_: Bytes) -> Result<Self, statefun_core::CodecError> {
        Ok(Unencodable)
    }
}

#[test]
fn reply_goes_to_the_caller_of_the_current_message() {
    let mut ctx = Context::new(Address::new(COUNTER, "me"));
    assert!(matches!(ctx.reply("hi"), Err(ContextError::NoCaller)));
    assert!(ctx.sent().is_empty());

    let bob = Address::new(COUNTER, "bob");
    let mut ctx = ctx.with_caller(Some(bob.clone()));
    ctx.reply("hi").unwrap();
    ctx.reply(&7i32).unwrap();
    assert_eq!(
        ctx.sent(),
        [
            OutgoingMessage::new(bob.clone(), "hi").unwrap(),
            OutgoingMessage::new(bob, &7i32).unwrap()
        ]
    );
    let error = ctx.reply(&Unencodable).unwrap_err();
    assert!(matches!(error, ContextError::Encode(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the reply could not be encoded: cannot encode"
    );
    assert_eq!(ctx.sent().len(), 2);
}

#[test]
fn empty_tokens_are_rejected() {
    assert_eq!(CancellationToken::new(""), Err(TokenError::Empty));
    assert_eq!(
        CancellationToken::try_from(String::new()),
        Err(TokenError::Empty)
    );
    assert_eq!(CancellationToken::try_from(""), Err(TokenError::Empty));
    let token = CancellationToken::try_from("t").unwrap();
    assert_eq!((token.as_str(), token.to_string()), ("t", "t".to_owned()));
    assert_eq!(format!("{token:?}"), "\"t\"");
}

// ---- errors ----

#[tokio::test]
async fn malformed_and_empty_bodies() {
    let f = fixture();
    let err = error(&f, Bytes::new()).await;
    assert!(matches!(err, Error::EmptyBody), "{err:?}");
    assert!(err.is_bad_request());
    let err = error(&f, Bytes::from_static(&[0xff, 0xff, 0xff])).await;
    assert!(matches!(err, Error::MalformedRequest(_)), "{err:?}");
    let mut truncated = request(full_state(None, None), &["inc"], None).to_vec();
    truncated.truncate(truncated.len() - 3);
    let err = error(&f, truncated.into()).await;
    assert!(matches!(err, Error::MalformedRequest(_)), "{err:?}");
}

#[tokio::test]
async fn missing_invocation_target_and_invocations() {
    let f = fixture();
    // A valid protobuf with an unknown field only: no `invocation`.
    let err = error(&f, Bytes::from_static(&[0x08, 0x01])).await;
    assert!(
        matches!(err, Error::InvalidRequest(RequestError::MissingInvocation)),
        "{err:?}"
    );

    let no_target = Batch::with_target(None).bytes();
    let err = error(&f, no_target).await;
    assert!(
        matches!(err, Error::InvalidRequest(RequestError::MissingTarget)),
        "{err:?}"
    );

    let err = error(&f, request(full_state(None, None), &[], None)).await;
    assert!(
        matches!(err, Error::InvalidRequest(RequestError::NoInvocations)),
        "{err:?}"
    );
}

#[tokio::test]
async fn unknown_function_names_the_registered_ones() {
    let f = fixture();
    let body = Batch::to("test/nope", "x").invocation(None, None).bytes();
    let err = error(&f, body).await;
    let message = err.to_string();
    assert!(
        message.contains("test/nope") && message.contains("test/counter"),
        "{message}"
    );
}

#[tokio::test]
async fn a_user_error_mid_batch_fails_the_whole_batch() {
    let f = fixture();
    let err = error(
        &f,
        request(
            full_state(None, None),
            &["inc", "send", "fail", "inc"],
            None,
        ),
    )
    .await;
    let Error::FunctionFailed { address, source } = &err else {
        panic!("expected FunctionFailed, got {err:?}");
    };
    assert_eq!(*address, Address::new(COUNTER, "me"));
    assert_eq!(source.to_string(), "asked to fail");
    assert_eq!(
        *f.invocations.lock().unwrap(),
        3,
        "the batch stops at the failure"
    );
}

#[tokio::test]
async fn a_user_panic_mid_batch_fails_the_batch_and_the_handler_keeps_serving() {
    let f = fixture();
    let err = error(
        &f,
        request(full_state(None, None), &["inc", "panic", "inc"], None),
    )
    .await;
    let Error::FunctionPanicked { address, message } = &err else {
        panic!("expected FunctionPanicked, got {err:?}");
    };
    assert_eq!(*address, Address::new(COUNTER, "me"));
    assert_eq!(message, "asked to panic");
    assert_eq!(
        err.to_string(),
        "function test/counter (id `me`) panicked: asked to panic"
    );
    let r = result(&f, request(full_state(Some(1), None), &["inc"], None)).await;
    assert_eq!(
        mutations(&r),
        [("count".into(), MutationType::Modify, Some(2))]
    );
}

#[test]
fn duplicate_typenames_are_an_error_naming_it() {
    let make = || Commands {
        seen_callers: Default::default(),
        invocations: Default::default(),
    };
    let err = Functions::new().with(make()).try_with(make()).unwrap_err();
    assert_eq!(err, RegistryError::Duplicate(COUNTER));
    assert!(err.to_string().contains("test/counter"));
}

#[test]
fn module_yaml_groups_functions_by_namespace() {
    let functions = Functions::new().with(Commands {
        seen_callers: Default::default(),
        invocations: Default::default(),
    });
    let yaml = functions.module_yaml("http://localhost:8000/statefun");
    assert!(
        yaml.contains("kind: io.statefun.endpoints.v2/http"),
        "{yaml}"
    );
    assert!(yaml.contains("functions: test/*"), "{yaml}");
    assert!(
        yaml.contains("urlPathTemplate: http://localhost:8000/statefun"),
        "{yaml}"
    );
}

// ---- routing ----

/// Records the typename it was registered under when invoked.
struct Recorder {
    type_name: TypeName,
    ran: Arc<Mutex<Vec<String>>>,
}

impl Function for Recorder {
    type State = ();
    fn type_name(&self) -> TypeName {
        self.type_name.clone()
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        self.ran.lock().unwrap().push(self.type_name.to_string());
        Ok(())
    }
}

#[tokio::test]
async fn a_request_reaches_the_function_of_its_namespace_and_name() {
    // Few functions are scanned and many are hashed: both ways.
    for extra in [0, 20] {
        let ran = Arc::new(Mutex::new(Vec::new()));
        let names: Vec<String> = ["a/greeter", "b/greeter", "a/other"]
            .into_iter()
            .map(str::to_owned)
            .chain((0..extra).map(|i| format!("filler/f{i}")))
            .collect();
        let mut functions = Functions::new();
        for name in &names {
            functions = functions.with(Recorder {
                type_name: TypeName::new(name.clone()).unwrap(),
                ran: ran.clone(),
            });
        }
        let handler = Handler::new(functions);
        for target in ["b/greeter", "a/other", "a/greeter"] {
            handler
                .handle(Batch::to(target, "x").text("hi").bytes())
                .await
                .unwrap();
        }
        assert_eq!(
            *ran.lock().unwrap(),
            ["b/greeter", "a/other", "a/greeter"],
            "with {} functions",
            names.len()
        );
        let error = handler
            .handle(Batch::to("b/other", "x").text("hi").bytes())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::UnknownFunction { .. }), "{error:?}");
    }
}
