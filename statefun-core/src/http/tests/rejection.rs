//! What the framework-free HTTP layer refuses before the dispatcher, and the texts of the
//! answers it makes without one (unserved path, timeout, a panic that escaped).

use std::time::Duration;

use crate::http::{
    Answer, Rejection, RequestHead,
    rejection::{check_headers, check_method},
};
use statefun_test_support::request::Batch;

const LIMIT: usize = 100;

/// The header checks on a request with these three headers.
fn check(
    content_type: Option<&[u8]>,
    content_encoding: Option<&[u8]>,
    content_length: Option<&[u8]>,
    limit: usize,
) -> Result<Option<usize>, Rejection> {
    let head = RequestHead::new("POST")
        .with_content_type(content_type)
        .with_content_encoding(content_encoding)
        .with_content_length(content_length);
    check_headers(&head, limit)
}

#[test]
fn only_post_is_answered() {
    assert_eq!(check_method("POST"), Ok(()));
    for method in ["GET", "PUT", "post", ""] {
        assert_eq!(check_method(method), Err(Rejection::Method), "{method}");
    }
}

#[test]
fn the_content_type_is_octet_stream_whatever_its_case_and_parameters() {
    for value in [
        &b"application/octet-stream"[..],
        b"Application/Octet-Stream",
        b"application/octet-stream; charset=binary",
        b"  application/octet-stream  ;x=y",
    ] {
        assert_eq!(check(Some(value), None, None, LIMIT), Ok(None));
    }
    for value in [
        &b"application/json"[..],
        b"application/octet-streams",
        b"octet-stream",
        b"",
        b"\xff",
    ] {
        assert_eq!(
            check(Some(value), None, None, LIMIT),
            Err(Rejection::ContentType(
                String::from_utf8_lossy(value).into_owned()
            ))
        );
    }
}

#[test]
fn only_the_identity_encoding_is_accepted() {
    for value in [&b"identity"[..], b"IDENTITY"] {
        assert_eq!(check(None, Some(value), None, LIMIT), Ok(None));
    }
    for value in [&b"gzip"[..], b"identity, gzip", b""] {
        assert_eq!(
            check(None, Some(value), None, LIMIT),
            Err(Rejection::ContentEncoding(
                String::from_utf8_lossy(value).into_owned()
            ))
        );
    }
}

#[test]
fn the_declared_length_is_checked_against_the_limit_and_kept_as_a_hint() {
    assert_eq!(check(None, None, Some(b"0"), LIMIT), Ok(Some(0)));
    assert_eq!(check(None, None, Some(b"100"), LIMIT), Ok(Some(100)));
    assert_eq!(
        check(None, None, Some(b"101"), LIMIT),
        Err(Rejection::TooLarge { limit: LIMIT })
    );
    // Not a number: no hint; the body is read within the limit all the same.
    for value in [&b"ten"[..], b"-1", b"", b"\xff"] {
        assert_eq!(check(None, None, Some(value), LIMIT), Ok(None));
    }
}

#[test]
fn the_headers_are_checked_type_then_encoding_then_length() {
    let all_wrong = check(Some(b"text/plain"), Some(b"gzip"), Some(b"1000"), LIMIT);
    assert_eq!(all_wrong, Err(Rejection::ContentType("text/plain".into())));
    let two_wrong = check(None, Some(b"gzip"), Some(b"1000"), LIMIT);
    assert_eq!(two_wrong, Err(Rejection::ContentEncoding("gzip".into())));
}

#[test]
fn an_unserved_path_names_the_served_one_and_the_url_to_configure() {
    let answer = Answer::unserved_path("/", "/statefun", Some(("https", "fns:8443")));
    assert_eq!(answer.status(), 404);
    assert_eq!(
        answer.error_text().unwrap(),
        "no StateFun endpoint at `/`: this service answers POST requests at `/statefun`; set `urlPathTemplate: https://fns:8443/statefun` in module.yaml (with the host name the StateFun cluster reaches this service by)"
    );
    // A pattern, or no origin: no URL to suggest.
    for answer in [
        Answer::unserved_path("/x", "/functions/{name}", Some(("http", "fns"))),
        Answer::unserved_path("/x", "/functions/{name}", None),
    ] {
        assert_eq!(
            answer.error_text().unwrap(),
            "no StateFun endpoint at `/x`: this service answers POST requests at `/functions/{name}`"
        );
    }
    assert!(
        !Answer::unserved_path("/x", "/statefun", None)
            .error_text()
            .unwrap()
            .contains("urlPathTemplate")
    );
}

#[test]
fn a_timeout_names_the_function_and_id_when_the_request_says_them() {
    let request = Batch::to("demo/slow", "b").text("hi").encode();
    let answer = Answer::timed_out(&request, Duration::from_millis(50));
    assert_eq!(answer.status(), 504);
    assert_eq!(
        answer.error_text().unwrap(),
        "function demo/slow (id `b`) did not finish within 50ms; the batch was abandoned and none of its effects were sent (the limit is the endpoint's time limit, or the platform's deadline for the request if that comes first)"
    );
    let answer = Answer::timed_out(b"\xff", Duration::from_secs(2));
    assert_eq!(
        answer.error_text().unwrap(),
        "the request was not answered within 2s; it was abandoned (the limit is the endpoint's time limit, or the platform's deadline for the request if that comes first)"
    );
}

#[test]
fn a_panic_that_escaped_is_a_500_with_its_message() {
    let payload: Box<dyn std::any::Any + Send> = Box::new("index out of bounds");
    let answer = Answer::panicked(&*payload);
    assert_eq!(answer.status(), 500);
    assert_eq!(
        answer.error_text().unwrap(),
        "the SDK panicked: index out of bounds"
    );
}

#[test]
fn each_rejection_says_what_was_wrong() {
    let texts = [
        (
            Rejection::Method,
            "a StateFun endpoint answers POST requests only",
        ),
        (
            Rejection::ContentType("text/plain".into()),
            "expected Content-Type application/octet-stream, got `text/plain`",
        ),
        (
            Rejection::ContentEncoding("gzip".into()),
            "request bodies with Content-Encoding `gzip` are not supported",
        ),
        (
            Rejection::TooLarge { limit: 10 },
            "the request body is longer than the limit of 10 bytes; raise the endpoint's body limit (keep it at least the runtime's `payload_max_bytes`)",
        ),
        (
            Rejection::Unreadable("reset".into()),
            "could not read the request body: reset",
        ),
    ];
    for (rejection, text) in texts {
        assert_eq!(rejection.to_string(), text);
        assert_eq!(Answer::rejection(&rejection).error_text(), Some(text));
    }
}
