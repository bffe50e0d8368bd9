//! Reading request bodies in the framework-free HTTP layer: within the limit, in one piece
//! when it came in one, and what is left of a rejected body read and thrown away within a
//! budget, so that the connection stays usable.

use bytes::Bytes;
use futures_util::stream;

use crate::http::{
    Answer, Rejection, RequestHead,
    body::{Rejected, discard, discard_budget, read_body, receive},
};

type Chunks = stream::Iter<std::vec::IntoIter<Result<Bytes, String>>>;

fn chunks(parts: &[&'static [u8]]) -> Chunks {
    stream::iter(
        parts
            .iter()
            .map(|p| Ok(Bytes::from_static(p)))
            .collect::<Vec<_>>(),
    )
}

fn failing_after(parts: &[&'static [u8]]) -> Chunks {
    let mut items: Vec<Result<Bytes, String>> =
        parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
    items.push(Err("connection reset".to_owned()));
    stream::iter(items)
}

#[test]
fn the_discard_budget_is_the_limit_and_64_mib() {
    assert_eq!(discard_budget(0), 64 * 1024 * 1024);
    assert_eq!(discard_budget(10), 10 + 64 * 1024 * 1024);
    assert_eq!(discard_budget(usize::MAX), usize::MAX);
}

#[tokio::test]
async fn discard_reads_to_the_end_within_the_budget_only() {
    assert!(discard(&mut chunks(&[b"abc", b"de"]), 0, 5).await);
    assert!(discard(&mut chunks(&[]), 0, 0).await);
    // Bytes read before count against the budget.
    assert!(!discard(&mut chunks(&[b"abc", b"de"]), 2, 5).await);
    assert!(!discard(&mut chunks(&[b"abcdef"]), 0, 5).await);
    assert!(!discard(&mut chunks(&[]), 6, 5).await);
    assert!(!discard(&mut failing_after(&[b"ab"]), 0, 100).await);
}

#[tokio::test]
async fn a_body_in_one_chunk_is_kept_without_a_copy() {
    let chunk = Bytes::from_static(b"hello");
    let body = read_body(stream::iter(vec![Ok::<_, String>(chunk.clone())]), 5, None)
        .await
        .unwrap();
    assert_eq!(body, chunk);
    assert_eq!(body.as_ptr(), chunk.as_ptr());
}

#[tokio::test]
async fn a_body_in_chunks_is_joined_up_to_the_limit() {
    for hint in [None, Some(0), Some(5), Some(1000)] {
        let body = read_body(chunks(&[b"he", b"l", b"lo"]), 5, hint)
            .await
            .unwrap();
        assert_eq!(body, Bytes::from_static(b"hello"), "{hint:?}");
    }
    assert_eq!(read_body(chunks(&[]), 5, None).await.unwrap(), Bytes::new());
}

#[tokio::test]
async fn a_body_over_the_limit_is_too_large_and_read_to_the_end() {
    let rejected = read_body(chunks(&[b"hel", b"lo!", b"more"]), 5, None)
        .await
        .unwrap_err();
    assert_eq!(
        rejected,
        Rejected {
            reason: Rejection::TooLarge { limit: 5 },
            drained: true,
        }
    );
    let answer = Answer::rejected(rejected);
    assert_eq!(answer.status(), 413);
    assert!(!answer.close(), "drained: the connection stays usable");
}

#[tokio::test]
async fn a_body_that_fails_to_arrive_is_unreadable_and_closes_the_connection() {
    let rejected = read_body(failing_after(&[b"he"]), 5, None)
        .await
        .unwrap_err();
    assert_eq!(
        rejected,
        Rejected {
            reason: Rejection::Unreadable("connection reset".to_owned()),
            drained: false,
        }
    );
    let answer = Answer::rejected(rejected);
    assert_eq!(answer.status(), 400);
    assert!(answer.close());
}

#[tokio::test]
async fn receive_checks_the_headers_then_reads() {
    let octets = RequestHead::new("POST").with_content_type(&b"application/octet-stream"[..]);
    let body = receive(
        &octets.with_content_length(&b"5"[..]),
        chunks(&[b"hello"]),
        5,
    )
    .await
    .unwrap();
    assert_eq!(body, Bytes::from_static(b"hello"));
    // Refused for its headers, and read to the end all the same.
    let text = RequestHead::new("POST").with_content_type(&b"text/plain"[..]);
    let rejected = receive(&text, chunks(&[b"hello"]), 5).await.unwrap_err();
    assert_eq!(
        rejected,
        Rejected {
            reason: Rejection::ContentType("text/plain".to_owned()),
            drained: true,
        }
    );
    let rejected = receive(&octets, failing_after(&[]), 5).await.unwrap_err();
    assert!(!rejected.drained);
}
