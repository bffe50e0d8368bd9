//! The metrics at the framework-free layer: an `http::Endpoint` records every request it
//! answers on the metrics attached to it, whatever framework calls it, and a request whose
//! future is dropped (the client went away) leaves the in-flight gauge.
#![cfg(feature = "metrics")]

use std::{future::Future, pin::pin, task::Poll, time::Duration};

use futures_util::stream;
use statefun_core::{
    Bytes, Functions,
    http::{Answer, Endpoint, RequestHead},
    metrics::Metrics,
};
use statefun_test_support::{
    greeter::{Greeter, greeting},
    request::{Batch, typed},
    slow::Slow,
};

/// `body` POSTed to `endpoint`.
async fn post(endpoint: &Endpoint, body: Bytes) -> Answer {
    let body = stream::iter([Ok::<_, std::convert::Infallible>(body)]);
    endpoint.answer(RequestHead::new("POST"), body).await
}

fn line<'a>(scrape: &'a str, prefix: &str) -> &'a str {
    scrape
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in:\n{scrape}"))
}

#[tokio::test]
async fn every_answer_is_recorded_on_the_attached_metrics() {
    let metrics = Metrics::new();
    let endpoint = metrics.attach(
        Endpoint::new(Functions::new().with(Greeter).with(Slow::default()))
            .with_timeout(Duration::from_millis(50)),
    );
    assert!(endpoint.observer().is_some());

    let body = Bytes::from(greeting("a", Some(1), &["hi"]));
    assert_eq!(post(&endpoint, body).await.status(), 200);
    // Without its state: a 200 asking for it, counted apart.
    let stateless = Bytes::from(Batch::to("demo/greeter", "a").text("hi").encode());
    assert_eq!(post(&endpoint, stateless).await.status(), 200);
    let slow = Bytes::from(
        Batch::to("demo/slow", "b")
            .message(typed(&10_000i64))
            .encode(),
    );
    assert_eq!(post(&endpoint, slow).await.status(), 504);
    let get = endpoint.answer(
        RequestHead::new("GET"),
        stream::empty::<Result<Bytes, String>>(),
    );
    assert_eq!(get.await.status(), 405);
    let unserved = endpoint.unserved("POST", "/x", None, stream::empty::<Result<Bytes, String>>());
    assert_eq!(unserved.await.status(), 404);

    let scrape = metrics.encode();
    let requests = |function: &str, outcome: &str| {
        let prefix =
            format!("statefun_requests_total{{function=\"{function}\",outcome=\"{outcome}\"}} ");
        line(&scrape, &prefix)
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(requests("demo/greeter", "answered"), "1");
    assert_eq!(requests("demo/greeter", "negotiation"), "1");
    assert_eq!(requests("demo/slow", "timeout"), "1");
    assert_eq!(requests("none", "4xx"), "2");
    assert_eq!(
        line(&scrape, "statefun_requests_in_flight "),
        "statefun_requests_in_flight 0"
    );

    // Without metrics, the same calls record nothing anywhere.
    let plain = Endpoint::new(Functions::new().with(Greeter));
    assert!(plain.observer().is_none());
    let body = Bytes::from(greeting("a", Some(1), &["hi"]));
    assert_eq!(post(&plain, body).await.status(), 200);
    assert_eq!(metrics.encode(), scrape);
}

#[tokio::test]
async fn a_dropped_request_leaves_the_in_flight_gauge() {
    let metrics = Metrics::new();
    let endpoint = metrics.attach(Endpoint::new(Functions::new().with(Slow::default())));
    let slow = Bytes::from(
        Batch::to("demo/slow", "b")
            .message(typed(&10_000i64))
            .encode(),
    );
    {
        let mut request = pin!(post(&endpoint, slow));
        let pending =
            std::future::poll_fn(|cx| Poll::Ready(request.as_mut().poll(cx).is_pending())).await;
        assert!(pending);
        let scrape = metrics.encode();
        assert_eq!(
            line(&scrape, "statefun_requests_in_flight "),
            "statefun_requests_in_flight 1"
        );
    }
    let scrape = metrics.encode();
    assert_eq!(
        line(&scrape, "statefun_requests_in_flight "),
        "statefun_requests_in_flight 0"
    );
}

#[test]
fn the_metrics_print_their_in_flight_requests() {
    let metrics = Metrics::new();
    assert_eq!(
        format!("{metrics:?}"),
        "Metrics { requests_in_flight: 0, .. }"
    );
}

#[test]
fn the_metrics_can_join_a_services_own_registry() {
    let metrics = Metrics::new();
    let mut registry = prometheus_client::registry::Registry::default();
    metrics.register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    // A labelled family shows once it has a series; the gauge shows at once.
    assert!(
        text.contains("# TYPE statefun_requests_in_flight gauge\nstatefun_requests_in_flight 0\n"),
        "{text}"
    );
}

#[tokio::test]
async fn dead_letters_are_counted_by_function_and_reason() {
    use statefun_core::{DeadLetters, TypeName};
    let metrics = Metrics::new();
    let functions = Functions::new()
        .with(Greeter)
        .with_dead_letters(DeadLetters::kafka(
            TypeName::from_static("demo/dlq"),
            "dead",
        ));
    let endpoint = metrics.attach(Endpoint::new(functions));
    // An int where the greeter reads a string, twice, between good messages; a string that
    // is no string; and a message the greeter rejects for good.
    let garbage = statefun_core::proto::reqreply::TypedValue {
        typename: "io.statefun.types/string".into(),
        has_value: true,
        value: Bytes::from_static(b"\x0a\x05ab"),
    };
    let body = Batch::to("demo/greeter", "a")
        .state("seen", Some(typed(&1i32)))
        .text("hi")
        .message(typed(&5i64))
        .message(typed(&6i64))
        .message(garbage)
        .text("permanent")
        .text("again")
        .bytes();
    assert_eq!(post(&endpoint, body).await.status(), 200);
    let scrape = metrics.encode();
    let count = |reason: &str| {
        let prefix = format!(
            "statefun_dead_letters_total{{function=\"demo/greeter\",reason=\"{reason}\"}} "
        );
        line(&scrape, &prefix)
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(count("unaccepted_type"), "2");
    assert_eq!(count("undecodable"), "1");
    assert_eq!(count("rejected"), "1");
    assert_eq!(
        line(
            &scrape,
            "statefun_requests_total{function=\"demo/greeter\",outcome=\"answered\"} "
        ),
        "statefun_requests_total{function=\"demo/greeter\",outcome=\"answered\"} 1"
    );
}
