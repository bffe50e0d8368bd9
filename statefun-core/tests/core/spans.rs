//! The dispatcher's span: each batch runs in the `DEBUG` span `statefun.batch` naming the
//! function, the id and the batch size, entered while the batch runs.

use statefun_core::{Bytes, Functions, Handler};
use statefun_test_support::{
    greeter::{Greeter, greeting},
    trace::Capture,
};

#[test]
fn a_batch_runs_in_a_span_when_a_subscriber_listens() {
    let handler = Handler::new(Functions::new().with(Greeter));
    let log = Capture::new();
    let body = Bytes::from(greeting("a", Some(1), &["hi", "hi"]));
    let answer = {
        let _capturing = log.on_this_thread();
        futures_util::FutureExt::now_or_never(handler.handle(body))
    };
    assert!(matches!(answer, Some(Ok(_))), "{answer:?}");
    let text = log.text();
    let batch = "statefun.batch{function=demo/greeter id=a batch_size=2}";
    assert!(
        text.contains(&format!("{batch}: statefun_core::dispatch::handler: new")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{batch}: statefun_core::dispatch::handler: enter")),
        "{text}"
    );
}

#[test]
fn a_dead_letter_is_one_warn_line_naming_function_id_typename_and_reason() {
    use statefun_core::{DeadLetters, TypeName};
    use statefun_test_support::request::{Batch, typed};
    let functions = Functions::new()
        .with(Greeter)
        .with_dead_letters(DeadLetters::egress(TypeName::from_static("demo/dlq")));
    let handler = Handler::new(functions);
    let log = Capture::new();
    let body = Batch::to("demo/greeter", "a")
        .state("seen", Some(typed(&1i32)))
        .message(typed(&5i64))
        .text("hi")
        .bytes();
    let answer = {
        let _capturing = log.on_this_thread();
        futures_util::FutureExt::now_or_never(handler.handle(body))
    };
    assert!(matches!(answer, Some(Ok(_))), "{answer:?}");
    let warnings: Vec<String> = log
        .text()
        .lines()
        .filter(|line| line.contains("WARN"))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    for field in [
        "message set aside as a dead letter",
        "function=demo/greeter",
        "id=\"a\"",
        "typename=\"io.statefun.types/long\"",
        "reason=\"unaccepted_type\"",
        "error=\"the message is a `io.statefun.types/long`, not a `io.statefun.types/string`",
    ] {
        assert!(warnings[0].contains(field), "no {field} in {}", warnings[0]);
    }
}
