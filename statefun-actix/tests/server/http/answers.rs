//! Each row of the HTTP behaviour table, one test each: statuses, headers and texts.

use super::*;

// ---------------------------------------------------------------- the table

#[test]
fn every_conformance_vector_is_answered_over_http_as_by_the_python_sdk() {
    let url = start(Endpoint::new(conformance_functions::functions()));
    conformance_functions::assert_answers_over_http(&url);
}

#[test]
fn valid_post_is_answered_200_octet_stream() {
    let answer = post(url(), &greet("alice", Some(41)));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "application/octet-stream");
    assert_eq!(seen_in(&answer.body), 42);
}

#[test]
fn missing_content_type_is_accepted() {
    let answer = post_with(url(), &greet("bob", None), &[]);
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(seen_in(&answer.body), 1);
}

#[test]
fn content_type_parameters_and_case_are_accepted() {
    let answer = post_with(
        url(),
        &greet("carol", Some(1)),
        &[("content-type", "Application/Octet-Stream; charset=binary")],
    );
    assert_eq!(answer.status, 200);
}

#[test]
fn missing_state_asks_for_it_with_200() {
    let answer = post(url(), &request("demo/greeter", "dave", vec![]));
    assert_eq!(answer.status, 200);
    assert_eq!(missing_states(&answer.body)[0].state_name, "seen");
}

#[test]
fn other_methods_are_405() {
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(url())
            .body(())
            .unwrap();
        let answer = read(agent().run(request).unwrap());
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.headers.get("allow").unwrap(), "POST", "{method}");
        assert!(
            answer.text().contains("POST"),
            "{method}: {}",
            answer.text()
        );
    }
}

#[test]
fn other_content_types_are_415() {
    for content_type in ["application/json", "text/plain", "application/x-protobuf"] {
        let answer = post_with(
            url(),
            &greet("erin", None),
            &[("content-type", content_type)],
        );
        assert_eq!(answer.status, 415, "{content_type}");
        assert!(answer.content_type.starts_with("text/plain"));
        assert!(answer.text().contains(content_type), "{}", answer.text());
        assert!(answer.text().contains("application/octet-stream"));
    }
}

#[test]
fn compressed_request_bodies_are_415() {
    let answer = post_with(url(), &greet("erin", None), &[("content-encoding", "gzip")]);
    assert_eq!(answer.status, 415);
    assert!(answer.text().contains("gzip"), "{}", answer.text());
}

#[test]
fn identity_content_encoding_is_accepted_in_any_case() {
    for encoding in ["identity", "IDENTITY"] {
        let answer = post_with(
            url(),
            &greet("erin", Some(2)),
            &[
                ("content-type", "application/octet-stream"),
                ("content-encoding", encoding),
            ],
        );
        assert_eq!(answer.status, 200, "{encoding}: {}", answer.text());
        assert_eq!(seen_in(&answer.body), 3, "{encoding}");
    }
}

#[test]
fn empty_body_is_400_saying_so() {
    let answer = post(url(), b"");
    assert_eq!(answer.status, 400);
    assert!(answer.content_type.starts_with("text/plain"));
    assert!(answer.text().contains("empty"), "{}", answer.text());
}

#[test]
fn malformed_body_is_400_saying_why() {
    let answer = post(url(), b"\xff\xff\xff\xff not protobuf");
    assert_eq!(answer.status, 400);
    assert!(
        answer.text().contains("not a valid protobuf"),
        "{}",
        answer.text()
    );
}

#[test]
fn protocol_invalid_requests_are_400() {
    let no_invocation = ToFunction { request: None }.encode_to_vec();
    let no_target = Batch::with_target(None).invocation(None, None).encode();
    let no_invocations = Batch::to("demo/greeter", "x").encode();
    for (body, says) in [
        (no_invocation, "invocation"),
        (no_target, "target"),
        (no_invocations, "no invocations"),
    ] {
        // `ToFunction { request: None }` encodes to nothing: still "empty" for the server.
        let answer = post(url(), &body);
        assert_eq!(answer.status, 400, "{says}: {}", answer.text());
        assert!(
            answer.text().contains(says) || answer.text().contains("empty"),
            "{says}: {}",
            answer.text()
        );
    }
    // A non-empty ToFunction without an invocation (unknown field 1 only).
    let answer = post(url(), &[0x08, 0x01]);
    assert_eq!(answer.status, 400);
    assert!(
        answer.text().contains("no `invocation`"),
        "{}",
        answer.text()
    );
}

#[test]
fn unknown_function_is_404_naming_it_and_the_registered_ones() {
    let answer = post(url(), &request("shop/nowhere", "x", vec![]));
    assert_eq!(answer.status, 404);
    let text = answer.text();
    assert!(text.contains("shop/nowhere"), "{text}");
    for registered in ["demo/greeter", "demo/fail", "demo/panic", "demo/sizer"] {
        assert!(text.contains(registered), "{text}");
    }
}

#[test]
fn user_error_is_500_with_typename_id_and_error() {
    let answer = post(url(), &request("demo/fail", "frank", vec![]));
    assert_eq!(answer.status, 500);
    let text = answer.text();
    assert!(text.contains("demo/fail"), "{text}");
    assert!(text.contains("frank"), "{text}");
    assert!(text.contains("the cart is on fire"), "{text}");
}

#[test]
fn undecodable_state_is_500() {
    let bad = TypedValue {
        typename: "io.statefun.types/int".into(),
        has_value: true,
        value: Bytes::from_static(b"\x0d\x01"),
    };
    let answer = post(
        url(),
        &request("demo/greeter", "gina", vec![("seen", Some(bad))]),
    );
    assert_eq!(answer.status, 500);
    assert!(answer.text().contains("gina"), "{}", answer.text());
}

#[test]
fn panic_is_500_and_the_server_keeps_serving() {
    for round in 0..3 {
        let answer = post(url(), &request("demo/panic", "hank", vec![]));
        assert_eq!(answer.status, 500);
        let text = answer.text();
        assert!(text.contains("demo/panic"), "{text}");
        assert!(text.contains("hank"), "{text}");
        assert!(text.contains("boom at the cart"), "{text}");

        let answer = post(url(), &greet("ivan", Some(round)));
        assert_eq!(answer.status, 200);
        assert_eq!(seen_in(&answer.body), round + 1);
    }
}

/// A request for `demo/fragile/x` with `note` holding `note` (absent if `None`) and one
/// string message, `message`.
fn fragile_request(note: Option<&[u8]>, message: &str) -> Vec<u8> {
    let note = note.map(|bytes| TypedValue {
        typename: "demo/fragile-note".into(),
        has_value: true,
        value: Bytes::copy_from_slice(bytes),
    });
    Batch::to("demo/fragile", "x")
        .state("note", note)
        .text(message)
        .encode()
}

#[test]
fn a_panicking_state_codec_is_500_naming_the_function_and_the_server_keeps_serving() {
    for (note, message, panic) in [
        (
            Some(&b"panic-on-decode"[..]),
            "fine",
            "the codec panicked on decode",
        ),
        (None, "panic-on-encode", "the codec panicked on encode"),
    ] {
        let answer = post(url(), &fragile_request(note, message));
        assert_eq!(answer.status, 500, "{}", answer.text());
        let text = answer.text();
        assert!(
            text.starts_with("function demo/fragile (id `x`) panicked: "),
            "the dispatcher, not the adapter's backstop, reports it: {text}"
        );
        assert!(text.contains(panic), "{text}");

        let answer = post(url(), &fragile_request(Some(b"ok"), "fine"));
        assert_eq!(answer.status, 200, "{}", answer.text());
    }
}

#[test]
fn body_over_the_configured_limit_is_413() {
    let url = start(Endpoint::new(functions()).with_body_limit(1024));
    let small = greet("jane", Some(1));
    assert_eq!(post(&url, &small).status, 200);

    let big = request(
        "demo/sizer",
        "jane",
        vec![
            ("blob", Some(typed(&Blob(vec![7; 2000].into())))),
            ("size", None),
        ],
    );
    let answer = post(&url, &big);
    assert_eq!(answer.status, 413);
    assert!(answer.text().contains("1024"), "{}", answer.text());
    // The connection was not left in a bad state for the next request.
    assert_eq!(post(&url, &small).status, 200);
}

#[test]
fn body_over_the_default_limit_of_32_mib_is_413() {
    let blob = Blob(vec![1; 32 << 20].into());
    let body = request(
        "demo/sizer",
        "kate",
        vec![("blob", Some(typed(&blob))), ("size", None)],
    );
    assert!(body.len() > statefun_actix::DEFAULT_BODY_LIMIT);
    let answer = post(url(), &body);
    assert_eq!(answer.status, 413);
    assert!(answer.text().contains("33554432"), "{}", answer.text());
}

#[test]
fn body_of_exactly_the_limit_is_accepted() {
    let small = greet("liam", Some(1));
    let url = start(Endpoint::new(functions()).with_body_limit(small.len()));
    assert_eq!(post(&url, &small).status, 200);
}

#[test]
fn chunked_body_over_the_limit_is_413() {
    // No Content-Length: the limit is enforced while reading.
    let url = start(Endpoint::new(functions()).with_body_limit(1024));
    let big = request(
        "demo/sizer",
        "mia",
        vec![
            ("blob", Some(typed(&Blob(vec![7; 4000].into())))),
            ("size", None),
        ],
    );
    let answer = read(
        agent()
            .post(&url)
            .send(ureq::SendBody::from_owned_reader(std::io::Cursor::new(big)))
            .unwrap(),
    );
    assert_eq!(answer.status, 413);
}

#[test]
fn chunked_body_is_read_whole() {
    let body = request(
        "demo/sizer",
        "noah",
        vec![
            ("blob", Some(typed(&Blob(vec![7; 300_000].into())))),
            ("size", None),
        ],
    );
    let answer = read(
        agent()
            .post(url())
            .send(ureq::SendBody::from_owned_reader(std::io::Cursor::new(
                body,
            )))
            .unwrap(),
    );
    assert_eq!(answer.status, 200);
    let mutations = mutations(&answer.body);
    assert_eq!(mutations[0].0, "size");
    assert_eq!(
        <i64 as Type>::decode(mutations[0].1.clone()).unwrap(),
        300_000
    );
}
