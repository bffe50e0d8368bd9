//! `#[statefun::function]`: sync and async bodies, stateless functions, every common error type, the items it generates.

use super::*;

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
