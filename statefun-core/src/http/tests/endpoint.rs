//! The endpoint's settings, which paths it answers, the time a batch may take (its limit and
//! the platform's deadline, whichever comes first), and what its observer is told.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use statefun_test_support::request::{Batch, string};

use crate::{
    dispatch::Functions,
    function::{BoxError, Context, Function},
    http::{Endpoint, Observe, Report, RequestHead},
    message::Message,
    names::TypeName,
};

/// `demo/sleeper`: waits as many milliseconds as its message says, then panics on `panic`.
struct Sleeper;

impl Function for Sleeper {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/sleeper")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
        let text = msg.as_str()?;
        if text == "panic" {
            panic!("asked to panic");
        }
        tokio::time::sleep(Duration::from_millis(text.parse()?)).await;
        Ok(())
    }
}

fn endpoint() -> Endpoint {
    Endpoint::new(Functions::new().with(Sleeper))
}

/// A batch of `demo/sleeper` messages.
fn request(messages: &[&str]) -> Bytes {
    messages
        .iter()
        .fold(Batch::to("demo/sleeper", "a"), |batch, text| {
            batch.message(string(text))
        })
        .bytes()
}

fn run<T>(work: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(work)
}

/// The status `endpoint` answers `body` with, under `head`.
fn status(endpoint: &Endpoint, head: RequestHead<'_>, body: Bytes) -> u16 {
    run(async {
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(body)]);
        endpoint.answer(head, body).await.status()
    })
}

#[test]
fn settings_are_read_back_and_shown_by_debug() {
    let plain = endpoint();
    assert_eq!(plain.path(), "/statefun");
    assert!(!plain.any_path());
    assert!(plain.observer().is_none());
    let set = endpoint()
        .with_path("/fns")
        .with_any_path(true)
        .with_body_limit(1234)
        .with_timeout(Duration::from_secs(7))
        .with_observer(Seen::default());
    assert_eq!(set.path(), "/fns");
    assert!(set.any_path());
    assert_eq!(set.body_limit(), 1234);
    assert_eq!(set.timeout(), Some(Duration::from_secs(7)));
    assert!(set.observer().is_some());
    assert_eq!(set.functions().type_names().len(), 1);
    assert_eq!(set.handler().functions().type_names().len(), 1);
    let shown = format!("{set:?}");
    for part in [
        "path: \"/fns\"",
        "any_path: true",
        "body_limit: 1234",
        "timeout: Some(7s)",
        "observer: true",
        "demo/sleeper",
    ] {
        assert!(shown.contains(part), "{part} missing from {shown}");
    }
    assert!(format!("{plain:?}").contains("observer: false"));
}

#[test]
fn its_path_is_answered_and_others_only_when_every_path_is() {
    let endpoint = endpoint().with_path("/fns");
    assert!(endpoint.answers_path("/fns"));
    assert!(!endpoint.answers_path("/statefun"));
    assert!(!endpoint.answers_path("/fns/"));
    let any = endpoint.with_any_path(true);
    assert!(any.answers_path("/statefun"));
    assert!(any.answers_path("/"));
}

#[test]
fn a_deadline_sooner_than_the_limit_ends_the_batch() {
    let head = RequestHead::new("POST").with_deadline(Instant::now() + Duration::from_millis(50));
    assert!(head.deadline().is_some());
    let limited = endpoint().with_timeout(Duration::from_secs(30));
    assert_eq!(status(&limited, head, request(&["2000"])), 504);
}

#[test]
fn a_deadline_alone_ends_the_batch() {
    let head = RequestHead::new("POST").with_deadline(Instant::now() + Duration::from_millis(50));
    let unlimited = endpoint().with_timeout(None);
    assert_eq!(status(&unlimited, head, request(&["2000"])), 504);
}

#[test]
fn a_limit_sooner_than_the_deadline_ends_the_batch() {
    let head = RequestHead::new("POST").with_deadline(Instant::now() + Duration::from_secs(30));
    let limited = endpoint().with_timeout(Duration::from_millis(50));
    assert_eq!(status(&limited, head, request(&["2000"])), 504);
}

#[test]
fn a_batch_within_the_limit_and_the_deadline_is_answered() {
    let head = RequestHead::new("POST").with_deadline(Instant::now() + Duration::from_secs(30));
    let limited = endpoint().with_timeout(Duration::from_secs(30));
    assert_eq!(status(&limited, head, request(&["20"])), 200);
    let unlimited = endpoint().with_timeout(None);
    let head = RequestHead::new("POST");
    assert_eq!(status(&unlimited, head, request(&["20", "20"])), 200);
}

/// What an observer was told, and the time each answered report gave.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>, Arc<Mutex<Vec<Duration>>>);

impl Seen {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
    fn take_elapsed(&self) -> Vec<Duration> {
        std::mem::take(&mut *self.1.lock().unwrap())
    }
}

impl Observe for Seen {
    fn dispatching(&self) {
        self.0.lock().unwrap().push("dispatching".into());
    }
    fn answered(&self, report: &Report<'_>) {
        self.1.lock().unwrap().push(report.elapsed());
        self.0.lock().unwrap().push(format!(
            "answered {} {:?} batch {} bytes {} panicked {} negotiation {} dead letters {}",
            report.status(),
            report.function().map(|f| f.as_str().to_owned()),
            report.batch_size(),
            report.body_bytes(),
            report.panicked(),
            report.negotiation(),
            report.dead_letters().len(),
        ));
    }
    fn abandoned(&self) {
        self.0.lock().unwrap().push("abandoned".into());
    }
    fn rejected(&self, status: u16) {
        self.0.lock().unwrap().push(format!("rejected {status}"));
    }
}

#[test]
fn the_observer_is_told_what_each_request_became() {
    let seen = Seen::default();
    let endpoint = endpoint().with_observer(seen.clone());
    let body = request(&["10", "5"]);
    let bytes = body.len();
    assert_eq!(status(&endpoint, RequestHead::new("POST"), body), 200);
    assert_eq!(
        seen.take(),
        [
            "dispatching".to_owned(),
            format!(
                "answered 200 Some(\"demo/sleeper\") batch 2 bytes {bytes} panicked false \
                 negotiation false dead letters 0"
            ),
        ]
    );
    // The batch slept 15 ms in all.
    let elapsed = seen.take_elapsed();
    assert!(elapsed[0] >= Duration::from_millis(15), "{elapsed:?}");

    let body = request(&["panic"]);
    let bytes = body.len();
    assert_eq!(status(&endpoint, RequestHead::new("POST"), body), 500);
    assert_eq!(
        seen.take(),
        [
            "dispatching".to_owned(),
            format!(
                "answered 500 Some(\"demo/sleeper\") batch 1 bytes {bytes} panicked true \
                 negotiation false dead letters 0"
            ),
        ]
    );

    assert_eq!(
        status(&endpoint, RequestHead::new("GET"), request(&["1"])),
        405
    );
    assert_eq!(seen.take(), ["rejected 405"]);
}

#[test]
fn a_request_dropped_before_its_answer_is_abandoned() {
    let seen = Seen::default();
    let endpoint = endpoint().with_observer(seen.clone());
    run(async {
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(request(&["5000"]))]);
        let answer = endpoint.answer(RequestHead::new("POST"), body);
        // Polled until the batch waits on its timer, then dropped, as a server drops the
        // request of a client that hung up.
        let unanswered = tokio::time::timeout(Duration::from_millis(30), answer)
            .await
            .is_err();
        assert!(unanswered);
    });
    assert_eq!(seen.take(), ["dispatching", "abandoned"]);
}

#[test]
fn an_unserved_path_keeps_the_connection_unless_its_body_is_too_long_to_read_away() {
    let endpoint = endpoint().with_body_limit(8);
    let mebibyte = Bytes::from(vec![0; 1 << 20]);
    let unserved = |chunks: usize| {
        let body = futures_util::stream::iter(
            (0..chunks).map(|_| Ok::<_, std::io::Error>(mebibyte.clone())),
        );
        run(endpoint.unserved("POST", "/elsewhere", None, body))
    };
    let small = unserved(1);
    assert_eq!((small.status(), small.close()), (404, false));
    // Past the discard budget (the limit and 64 MiB more), the rest is left unread.
    let long = unserved(65);
    assert_eq!((long.status(), long.close()), (404, true));
}
