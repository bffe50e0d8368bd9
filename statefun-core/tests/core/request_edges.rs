//! Protocol edge cases of issue 14, through `Handler::handle` on real protobuf bytes: a state
//! sent twice, a caller with an empty id, and the missing-state negotiation of a state without
//! expiration.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use prost::Message as _;
use statefun_core::{
    BoxError, Context, Error, Function, Functions, Handler, Message, RequestError, TypeName,
    proto::reqreply::{self as pb, from_function},
};
use statefun_test_support::{
    answer::{invocation_result, missing_states},
    request::{Batch, address, typed},
};

const ECHO: TypeName = TypeName::from_static("test/echo");

statefun_test_support::state! {
    /// `seen` (int, no expiration), `ttl` (string, expires 5 s after write).
    struct Cells2 {
        seen: i32,
        ttl: String => statefun_core::Expiration::AfterWrite(Duration::from_secs(5)),
    }
}

/// Counts `seen`; replies to the caller when the message is `reply`.
struct Echo {
    invocations: Arc<AtomicUsize>,
}

impl Function for Echo {
    type State = Cells2;
    fn type_name(&self) -> TypeName {
        ECHO
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut Cells2,
        msg: Message,
    ) -> Result<(), BoxError> {
        self.invocations.fetch_add(1, Ordering::SeqCst);
        state.seen.update(|n| Some(n.unwrap_or(0) + 1));
        if msg.as_str()? == "reply" {
            ctx.reply("pong")?;
        }
        Ok(())
    }
}

fn handler() -> (Handler, Arc<AtomicUsize>) {
    let invocations = Arc::new(AtomicUsize::new(0));
    let handler = Handler::new(Functions::new().with(Echo {
        invocations: invocations.clone(),
    }));
    (handler, invocations)
}

/// A request for `test/echo/me` with `state` and one string message from `caller` per
/// message.
fn request(state: States<'_>, messages: &[&str], caller: Option<pb::Address>) -> Bytes {
    Batch::to("test/echo", "me")
        .states(state)
        .texts_from(caller, messages)
        .bytes()
}

/// The states of a request: name and value.
type States<'a> = Vec<(&'a str, Option<pb::TypedValue>)>;

fn full_state() -> States<'static> {
    vec![("seen", Some(typed(&41))), ("ttl", None)]
}

// ---------------------------------------------------------------- a state sent twice

#[tokio::test]
async fn a_state_sent_twice_is_a_bad_request_naming_it_and_runs_nothing() {
    let (handler, invocations) = handler();
    let cases: &[(States<'_>, &str)] = &[
        // The example of issue 14: `seen` = 41, then `seen` = 1.
        (
            vec![
                ("seen", Some(typed(&41))),
                ("ttl", None),
                ("seen", Some(typed(&1))),
            ],
            "seen",
        ),
        (
            vec![
                ("seen", Some(typed(&41))),
                ("seen", Some(typed(&41))),
                ("ttl", None),
            ],
            "seen",
        ),
        (vec![("ttl", None), ("seen", None), ("ttl", None)], "ttl"),
        // A state the function does not declare counts too.
        (
            vec![
                ("other", None),
                ("seen", Some(typed(&1))),
                ("ttl", None),
                ("other", None),
            ],
            "other",
        ),
        // Found before the negotiation of missing state.
        (
            vec![("seen", Some(typed(&1))), ("seen", Some(typed(&2)))],
            "seen",
        ),
    ];
    for (state, name) in cases {
        let error = handler
            .handle(request(state.clone(), &["hi"], None))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest(RequestError::DuplicateState(n)) if n == name),
            "{error:?}"
        );
        assert!(error.is_bad_request(), "{error:?}");
        assert!(
            error
                .to_string()
                .contains(&format!("state `{name}` appears more than once")),
            "{error}"
        );
    }
    assert_eq!(
        invocations.load(Ordering::SeqCst),
        0,
        "no user code may run"
    );
}

#[tokio::test]
async fn many_states_are_checked_for_duplicates_too() {
    let (handler, invocations) = handler();
    let names: Vec<String> = (0..40).map(|i| format!("extra_{i}")).collect();
    let mut state: States<'_> = full_state();
    state.extend(names.iter().map(|n| (n.as_str(), None)));
    handler
        .handle(request(state.clone(), &["hi"], None))
        .await
        .expect("40 distinct extra states are fine");
    state.push(("extra_17", None));
    let error = handler
        .handle(request(state, &["hi"], None))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(RequestError::DuplicateState(n)) if n == "extra_17"),
        "{error:?}"
    );
    assert_eq!(invocations.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------- callers with an empty id

#[tokio::test]
async fn a_caller_with_an_empty_id_is_accepted_but_cannot_be_replied_to() {
    let (handler, _) = handler();
    let caller = Some(address("test/caller", ""));
    // Not replying: served.
    handler
        .handle(request(full_state(), &["hi"], caller.clone()))
        .await
        .expect("a caller with an empty id is a caller");
    // Replying: the function's `ctx.reply(..)?` fails the batch with the refusal.
    let error = handler
        .handle(request(full_state(), &["reply"], caller))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::FunctionFailed { .. }), "{error:?}");
    assert!(!error.is_bad_request());
    let Error::FunctionFailed { source, .. } = &error else {
        unreachable!()
    };
    assert_eq!(
        source.to_string(),
        "cannot reply to the caller: cannot send to `test/caller` with an empty id: a message goes to one instance of a function type, named by a non-empty id"
    );
    // With an id, the reply goes out.
    let answer = handler
        .handle(request(
            full_state(),
            &["reply"],
            Some(address("test/caller", "c")),
        ))
        .await
        .unwrap();
    let result = invocation_result(&answer);
    assert_eq!(result.outgoing_messages.len(), 1);
    assert_eq!(
        result.outgoing_messages[0].target,
        Some(address("test/caller", "c"))
    );
}

// ---------------------------------------------------------------- no expiration

#[tokio::test]
async fn a_state_without_expiration_is_registered_without_an_expiration_spec() {
    let (handler, _) = handler();
    let answer = handler
        .handle(request(vec![], &["hi"], None))
        .await
        .unwrap();
    let missing = missing_states(&answer);
    let [seen, ttl] = &missing[..] else {
        panic!("{missing:?}");
    };
    assert_eq!(seen.state_name, "seen");
    assert_eq!(seen.expiration_spec, None, "absent on the wire: mode NONE");
    assert_eq!(ttl.state_name, "ttl");
    let ttl_expiration = ttl.expiration_spec.expect("a TTL is sent");
    assert_eq!(
        ttl_expiration.mode(),
        from_function::expiration_spec::ExpireMode::AfterWrite
    );
    assert_eq!(ttl_expiration.expire_after_millis, 5000);
    // The bytes: `seen`'s PersistedValueSpec is name (field 1) and typename (field 3) only.
    let seen_bytes = seen.encode_to_vec();
    let mut expected = vec![0x0a, 4];
    expected.extend_from_slice(b"seen");
    expected.extend_from_slice(&[0x1a, 21]);
    expected.extend_from_slice(b"io.statefun.types/int");
    assert_eq!(seen_bytes, expected);
    assert!(
        answer
            .windows(seen_bytes.len())
            .any(|w| w == seen_bytes.as_slice()),
        "the response holds `seen`'s spec as is"
    );
}

/// A known field with another wire type than declared is skipped as an unknown field, as
/// protobuf-java (the runtime's parser) skips it: the `a-greeter` vector with field 100 as
/// a varint appended is answered as the vector itself; field 0 and a key beyond 32 bits are
/// still refused.
#[tokio::test]
async fn a_known_field_of_another_wire_type_is_skipped_as_protobuf_java_skips_it() {
    let handler = Handler::new(statefun_test_support::conformance_functions::functions());
    let vector = statefun_test_support::conformance::vector("a-greeter");
    let expected = handler
        .handle(Bytes::from(vector.request.clone()))
        .await
        .unwrap();
    let mut mistyped = vector.request.clone();
    mistyped.extend_from_slice(&[0xa0, 0x06, 0x01]);
    let answer = handler.handle(Bytes::from(mistyped)).await.unwrap();
    assert_eq!(answer, expected);
    for refused in [&[0x00, 0x01][..], &[0x80, 0x80, 0x80, 0x80, 0x10, 0x01]] {
        let mut bytes = vector.request.clone();
        bytes.extend_from_slice(refused);
        let error = handler.handle(Bytes::from(bytes)).await.unwrap_err();
        assert!(matches!(error, Error::MalformedRequest(_)), "{error:?}");
    }
}
