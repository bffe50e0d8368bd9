//! Gzip-compressed answers (feature `gzip`).

use std::io::Read as _;

use super::*;

fn large_answer_request(id: &str) -> Vec<u8> {
    let text = "all work and no play makes a cart a dull cart. ".repeat(200);
    Batch::to("demo/echo", id)
        .state("last", None)
        .text(&text)
        .encode()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn gzip_is_off_by_default() {
    let answer = post_with(
        url(),
        &large_answer_request("a"),
        &[("accept-encoding", "gzip")],
    );
    assert_eq!(answer.status, 200);
    assert!(answer.headers.get("content-encoding").is_none());
    assert_eq!(mutations(&answer.body)[0].0, "last");
}

#[test]
fn gzip_compresses_large_answers_when_accepted() {
    let url = start(Endpoint::new(functions()).with_gzip(true));
    let plain = post(&url, &large_answer_request("b"));
    assert_eq!(plain.status, 200);
    assert!(plain.headers.get("content-encoding").is_none());

    let answer = post_with(
        &url,
        &large_answer_request("b"),
        &[("accept-encoding", "deflate, gzip;q=0.8")],
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "application/octet-stream");
    assert_eq!(answer.headers.get("content-encoding").unwrap(), "gzip");
    assert!(
        answer.body.len() < plain.body.len() / 5,
        "{} vs {}",
        answer.body.len(),
        plain.body.len()
    );
    assert_eq!(gunzip(&answer.body), plain.body);

    let refused = post_with(
        &url,
        &large_answer_request("b"),
        &[("accept-encoding", "gzip;q=0")],
    );
    assert!(refused.headers.get("content-encoding").is_none());
    assert_eq!(refused.body, plain.body);

    // The other names of gzip, and any coding; not a coding that is not gzip.
    for (accepted, compressed) in [("x-gzip", true), ("*", true), ("identity, br", false)] {
        let answer = post_with(
            &url,
            &large_answer_request("b"),
            &[("accept-encoding", accepted)],
        );
        let gzipped = answer
            .headers
            .get("content-encoding")
            .is_some_and(|v| v == "gzip");
        assert_eq!(gzipped, compressed, "{accepted}");
    }

    // Small answers are not worth compressing.
    let small = post_with(&url, &greet("c", Some(1)), &[("accept-encoding", "gzip")]);
    assert!(small.headers.get("content-encoding").is_none());
    assert_eq!(seen_in(&small.body), 2);
}
