//! `statefun::lambda` on the events Lambda hands over: every conformance vector as a
//! function URL event with its body base64-encoded (as Lambda encodes binary bodies), the
//! same through an API Gateway REST event, and the error answers of `statefun_core::http`
//! (405, 415, 400, 500, 504). The whole way through the Lambda Runtime API and a function
//! URL is the E2E suite's `lambda` scenario (`E2E_LAMBDA=1 tests/e2e/run.sh lambda`).
#![cfg(feature = "lambda")]

use std::time::Duration;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use lambda_http::{Body, Request};
use serde_json::json;
use statefun::lambda::Endpoint;
use statefun_test_support::{
    conformance, conformance_functions,
    greeter::{greeting, seen_in},
    http_table,
};

/// A function URL event (API Gateway HTTP API payload 2.0) for `method` with `body`,
/// base64-encoded, and `content_type`, if any.
fn function_url_event(method: &str, content_type: Option<&str>, body: &[u8]) -> Request {
    let mut headers = json!({ "host": "abc.lambda-url.eu-west-1.on.aws" });
    if let Some(content_type) = content_type {
        headers["content-type"] = json!(content_type);
    }
    let event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/statefun",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": "abc.lambda-url.eu-west-1.on.aws",
            "domainPrefix": "abc",
            "http": {
                "method": method,
                "path": "/statefun",
                "protocol": "HTTP/1.1",
                "sourceIp": "10.0.0.1",
                "userAgent": "statefun-runtime"
            },
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "11/Jan/2026:11:45:34 +0000",
            "timeEpoch": 1_768_131_934_837_u64
        },
        "body": STANDARD.encode(body),
        "isBase64Encoded": true
    });
    lambda_http::request::from_str(&event.to_string()).expect("a function URL event")
}

/// An API Gateway REST API (payload 1.0) event POSTing `body`, base64-encoded.
fn rest_api_event(body: &[u8]) -> Request {
    let event = json!({
        "resource": "/{proxy+}",
        "path": "/statefun",
        "httpMethod": "POST",
        "headers": {
            "Host": "abc.execute-api.eu-west-1.amazonaws.com",
            "Content-Type": "application/octet-stream"
        },
        "multiValueHeaders": {},
        "queryStringParameters": null,
        "pathParameters": { "proxy": "statefun" },
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "r1",
            "stage": "prod",
            "requestId": "id",
            "identity": { "sourceIp": "10.0.0.1" },
            "resourcePath": "/{proxy+}",
            "httpMethod": "POST",
            "apiId": "abc"
        },
        "body": STANDARD.encode(body),
        "isBase64Encoded": true
    });
    lambda_http::request::from_str(&event.to_string()).expect("a REST API event")
}

/// The status, `Content-Type` and body of an answer; a 200 must be a binary body (which
/// `lambda_http` sends base64-encoded), an error a text.
fn parts(response: lambda_http::Response<Body>) -> (u16, String, Vec<u8>) {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = match (status, response.into_body()) {
        (200, Body::Binary(bytes)) => bytes,
        (200, other) => panic!("a 200 answer must be binary, got {other:?}"),
        (_, Body::Text(text)) => text.into_bytes(),
        (status, other) => panic!("a {status} answer must be a text, got {other:?}"),
    };
    (status, content_type, body)
}

fn octet_stream(body: &[u8]) -> Request {
    function_url_event("POST", Some("application/octet-stream"), body)
}

#[tokio::test]
async fn every_conformance_vector_is_answered_from_a_base64_function_url_event() {
    let endpoint = Endpoint::new(conformance_functions::functions());
    for name in conformance::all_vector_names() {
        let vector = conformance::vector(&name);
        let (status, content_type, body) =
            parts(endpoint.answer(octet_stream(&vector.request)).await);
        if vector.python_status == 200 {
            assert_eq!(
                (status, content_type.as_str()),
                (200, "application/octet-stream"),
                "vector {name}: {}",
                String::from_utf8_lossy(&body)
            );
            conformance::assert_same_answer(&name, &body, &vector.python_response);
        } else {
            let text = String::from_utf8(body).unwrap();
            assert_eq!(status, 404, "vector {name}: {text}");
            assert!(text.starts_with("no function `demo/nope`"), "{text}");
        }
    }
}

#[tokio::test]
async fn an_api_gateway_rest_event_is_answered_alike() {
    let endpoint = Endpoint::new(conformance_functions::functions());
    let vector = conformance::vector("d-effects");
    let (status, _, body) = parts(endpoint.answer(rest_api_event(&vector.request)).await);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    conformance::assert_same_answer("d-effects", &body, &vector.python_response);
}

#[tokio::test]
async fn errors_are_answered_with_the_status_and_text_of_the_http_table() {
    let endpoint = Endpoint::new(http_table::functions());
    let valid = greeting("ann", Some(1), &["hi"]);

    let answer = endpoint.answer(octet_stream(&valid)).await;
    assert_eq!(seen_in(&parts(answer).2), 2);

    let answer = endpoint
        .answer(function_url_event("POST", None, &valid))
        .await;
    assert_eq!(parts(answer).0, 200, "no Content-Type is fine");

    let answer = endpoint.answer(function_url_event("GET", None, b"")).await;
    assert_eq!(answer.headers()["allow"], "POST");
    let (status, content_type, body) = parts(answer);
    assert_eq!(
        (status, content_type.as_str()),
        (405, "text/plain; charset=utf-8")
    );
    assert_eq!(body, b"a StateFun endpoint answers POST requests only");

    let answer = endpoint
        .answer(function_url_event("POST", Some("application/json"), &valid))
        .await;
    let (status, _, body) = parts(answer);
    assert_eq!(status, 415);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "expected Content-Type application/octet-stream, got `application/json`"
    );

    let (status, _, body) = parts(endpoint.answer(octet_stream(b"")).await);
    assert_eq!(status, 400);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("the request body is empty")
    );

    let panicking = greeting("ivan", Some(1), &["hi", "panic"]);
    let (status, _, body) = parts(endpoint.answer(octet_stream(&panicking)).await);
    assert_eq!(status, 500);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "function demo/greeter (id `ivan`) panicked: asked to panic"
    );
}

#[tokio::test]
async fn a_batch_over_the_time_limit_is_answered_504() {
    let endpoint = Endpoint::new(http_table::functions()).with_timeout(Duration::from_millis(200));
    let sleeper = statefun_test_support::request::Batch::to("demo/sleeper", "zzz")
        .text("hi")
        .encode();
    let (status, _, body) = parts(endpoint.answer(octet_stream(&sleeper)).await);
    assert_eq!(status, 504);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .starts_with("function demo/sleeper (id `zzz`) did not finish within 200ms"),
    );
}
