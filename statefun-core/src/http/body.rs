//! Reading a request body within the limit, and reading what is left of a rejected body so
//! that the keep-alive connection stays usable.

use std::fmt;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt as _};

use super::{Rejection, RequestHead, rejection::check_headers};

/// A request answered with an error status before it reached the dispatcher, and whether
/// its body was read to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejected {
    /// Why it was rejected.
    pub(crate) reason: Rejection,
    /// Whether its body was read to the end: if not, the answer must close the connection
    /// (a client would otherwise send its next request on a connection the server drops).
    pub(crate) drained: bool,
}

/// How much of a body over the limit is read and thrown away, so that the client (which
/// sends the whole body before it reads the answer) sees the 413 instead of a broken pipe.
const DISCARD_MAX: usize = 64 * 1024 * 1024;

/// How much of a rejected body is read and thrown away at most: the body limit plus
/// 64 MiB. Past that the answer closes the connection instead.
pub(crate) fn discard_budget(limit: usize) -> usize {
    limit.saturating_add(DISCARD_MAX)
}

/// Reads and throws away the rest of a rejected body (`read` bytes of it are gone
/// already), up to `budget` bytes in all ([`discard_budget`]); whether it reached the end.
pub(crate) async fn discard<S, E>(body: &mut S, mut read: usize, budget: usize) -> bool
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    while read <= budget {
        match body.next().await {
            Some(Ok(chunk)) => read += chunk.len(),
            Some(Err(_)) => return false,
            None => return true,
        }
    }
    false
}

/// Checks the headers of a request ([`check_headers`]) and reads its body within `limit`
/// bytes ([`read_body`]): the body, or why the request is rejected. A body rejected for its
/// headers is read and thrown away all the same ([`discard`]).
///
/// `body` is the framework's stream of body chunks; a chunk that fails to arrive is
/// answered 400 with the error's text.
pub(crate) async fn receive<S, E>(
    head: &RequestHead<'_>,
    mut body: S,
    limit: usize,
) -> Result<Bytes, Rejected>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: fmt::Display,
{
    match check_headers(head, limit) {
        Ok(hint) => read_body(body, limit, hint).await,
        Err(reason) => {
            // Read the body anyway (within the budget), so the connection stays usable.
            let drained = discard(&mut body, 0, discard_budget(limit)).await;
            Err(Rejected { reason, drained })
        }
    }
}

/// Reads a whole body of at most `limit` bytes from a stream of chunks; `hint` is its
/// declared length, if any ([`check_headers`]). A body that arrives
/// in one chunk is kept as is, without a copy.
///
/// A body over the limit is [`Rejection::TooLarge`], and what is left of it is read and
/// thrown away ([`discard`]); a chunk that fails to arrive is [`Rejection::Unreadable`] with
/// the error's text.
pub(crate) async fn read_body<S, E>(
    mut body: S,
    limit: usize,
    hint: Option<usize>,
) -> Result<Bytes, Rejected>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: fmt::Display,
{
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Rejected {
            reason: Rejection::Unreadable(e.to_string()),
            drained: false,
        })?;
        total += chunk.len();
        if total > limit {
            let drained = discard(&mut body, total, discard_budget(limit)).await;
            return Err(Rejected {
                reason: Rejection::TooLarge { limit },
                drained,
            });
        }
        if let Some(buf) = &mut rest {
            buf.extend_from_slice(&chunk);
        } else if let Some(head) = first.take() {
            let mut buf = BytesMut::with_capacity(hint.unwrap_or(0).min(limit).max(total));
            buf.extend_from_slice(&head);
            buf.extend_from_slice(&chunk);
            rest = Some(buf);
        } else {
            first = Some(chunk);
        }
    }
    Ok(match rest {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}
