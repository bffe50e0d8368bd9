//! The metrics at the framework-free layer: `http::respond` and `http::reject` record on the
//! handler's metrics whatever framework calls them, and a request whose future is dropped
//! (the client went away) leaves the in-flight gauge.
#![cfg(feature = "metrics")]

use std::{future::Future, pin::pin, task::Poll, time::Duration};

use statefun_core::{
    Bytes, Functions, Handler,
    http::{self, Rejection},
    metrics::Metrics,
};
use statefun_test_support::{
    greeter::{Greeter, greeting},
    request::{Batch, typed},
    slow::Slow,
};

fn line<'a>(scrape: &'a str, prefix: &str) -> &'a str {
    scrape
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in:\n{scrape}"))
}

#[tokio::test]
async fn respond_and_reject_record_on_the_handlers_metrics() {
    let metrics = Metrics::new();
    let handler = Handler::new(Functions::new().with(Greeter).with(Slow::default()))
        .with_metrics(metrics.clone());
    assert!(handler.metrics().is_some());

    let body = Bytes::from(greeting("a", Some(1), &["hi"]));
    let answer = http::respond(&handler, body, None, tokio::time::sleep).await;
    assert_eq!(answer.status(), 200);
    // Without its state: a 200 asking for it, counted apart.
    let stateless = Bytes::from(Batch::to("demo/greeter", "a").text("hi").encode());
    let answer = http::respond(&handler, stateless, None, tokio::time::sleep).await;
    assert_eq!(answer.status(), 200);
    let slow = Bytes::from(
        Batch::to("demo/slow", "b")
            .message(typed(&10_000i64))
            .encode(),
    );
    let limit = Some(Duration::from_millis(50));
    let answer = http::respond(&handler, slow, limit, tokio::time::sleep).await;
    assert_eq!(answer.status(), 504);
    assert_eq!(http::reject(&handler, Rejection::Method).status(), 405);

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
    assert_eq!(requests("none", "4xx"), "1");
    assert_eq!(
        line(&scrape, "statefun_requests_in_flight "),
        "statefun_requests_in_flight 0"
    );

    // Without metrics, the same calls record nothing anywhere.
    let plain = Handler::new(Functions::new().with(Greeter));
    assert!(plain.metrics().is_none());
    let body = Bytes::from(greeting("a", Some(1), &["hi"]));
    assert_eq!(
        http::respond(&plain, body, None, tokio::time::sleep)
            .await
            .status(),
        200
    );
    assert_eq!(metrics.encode(), scrape);
}

#[tokio::test]
async fn a_dropped_request_leaves_the_in_flight_gauge() {
    let metrics = Metrics::new();
    let handler =
        Handler::new(Functions::new().with(Slow::default())).with_metrics(metrics.clone());
    let slow = Bytes::from(
        Batch::to("demo/slow", "b")
            .message(typed(&10_000i64))
            .encode(),
    );
    {
        let mut request = pin!(http::respond(&handler, slow, None, tokio::time::sleep));
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

#[tokio::test]
async fn the_handler_records_on_the_metrics_it_was_given() {
    let metrics = Metrics::new();
    assert_eq!(
        format!("{metrics:?}"),
        "Metrics { requests_in_flight: 0, .. }"
    );
    let handler = Handler::new(Functions::new().with(Greeter)).with_metrics(metrics.clone());
    assert!(
        format!("{handler:?}").contains("recorder: Some(Recorder { .. })"),
        "{handler:?}"
    );
    let body = Bytes::from(greeting("a", Some(1), &["hi"]));
    assert_eq!(
        http::respond(&handler, body, None, tokio::time::sleep)
            .await
            .status(),
        200
    );
    // The handler's metrics are the ones given: one encoding, the same request.
    let answered = "statefun_requests_total{function=\"demo/greeter\",outcome=\"answered\"} 1";
    assert!(metrics.encode().contains(answered));
    assert_eq!(handler.metrics().unwrap().encode(), metrics.encode());
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
