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
