//! Requests that cannot be answered, batches that fail, and what the registry routes where.

use super::*;

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
    // A target with all three parts empty is no target either, not an invalid one.
    let empty_target = Batch::with_target(Some(pb::Address::default())).bytes();
    let err = error(&f, empty_target).await;
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

#[tokio::test]
async fn a_dispatch_says_where_it_goes_before_it_runs() {
    let f = fixture();
    let body = request(full_state(Some(1), None), &["inc", "inc", "read"], None);
    let dispatch = f.handler.dispatch(body);
    assert_eq!(
        dispatch.target().map(ToString::to_string).as_deref(),
        Some("test/counter/me")
    );
    assert_eq!(dispatch.batch_size(), 3);
    assert_eq!(
        format!("{dispatch:?}"),
        "Dispatch { target: Address(test/counter/me), batch_size: 3 }"
    );
    let dispatched = dispatch.run().await;
    let answer = dispatched.result().as_ref().unwrap().clone();
    assert_eq!(
        mutations(&invocation_result(&answer)),
        [("count".to_owned(), MutationType::Modify, Some(3))]
    );
    // A request that cannot run: no target, no batch, and the error when run.
    let dispatch = f.handler.dispatch(Bytes::new());
    assert_eq!((dispatch.target(), dispatch.batch_size()), (None, 0));
    assert_eq!(format!("{dispatch:?}"), "Dispatch(EmptyBody)");
    let dispatched = dispatch.run().await;
    assert!(matches!(dispatched.result(), Err(Error::EmptyBody)));
    assert!(!dispatched.is_negotiation());
}
