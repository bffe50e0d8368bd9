//! Callers, replies, delayed messages and cancellations, in call order.

use super::*;

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
    // A typename with an empty id is a caller still: only all three parts empty is none.
    let nameless = pb::Address {
        namespace: "demo".into(),
        r#type: "caller".into(),
        id: String::new(),
    };
    result(
        &f,
        request(full_state(None, None), &["caller"], Some(nameless)),
    )
    .await;
    assert_eq!(
        *f.callers.lock().unwrap(),
        [
            None,
            None,
            Some("demo/caller/bob".to_owned()),
            Some("demo/caller/".to_owned())
        ]
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
