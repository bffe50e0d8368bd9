//! The client: one request over real HTTP (with or without `Content-Length`, or raw bytes
//! on a new connection), and the answer as received.

use std::{
    io::{Read as _, Write as _},
    net::{SocketAddr, TcpStream},
    sync::OnceLock,
    time::Duration,
};

/// An answer as received.
pub struct Answer {
    /// `None`: the connection was closed without an answer.
    pub status: Option<u16>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Allow` header, if any.
    pub allow: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// One client for the whole table: its keep-alive connection is reused after every
/// answer, so a row that leaves a connection unusable fails the request after it.
fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .max_idle_connections_per_host(1)
            .build()
            .into()
    })
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    let value = response.headers().get(name)?;
    Some(value.to_str().ok()?.to_owned())
}

fn receive(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    Answer {
        status: Some(response.status().as_u16()),
        content_type: header(&response, "content-type"),
        allow: header(&response, "allow"),
        body: response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .expect("the answer's body arrives"),
    }
}

/// Sends one request with `body` (with its `Content-Length`) and reads the answer.
pub fn send(url: &str, method: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = agent()
        .run(request.body(body).unwrap())
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    receive(response)
}

/// POSTs `body` chunked (no `Content-Length`), with `Content-Type: application/octet-stream`.
pub(super) fn send_chunked(url: &str, body: Vec<u8>) -> Answer {
    let response = agent()
        .post(url)
        .header("content-type", "application/octet-stream")
        .send(ureq::SendBody::from_owned_reader(std::io::Cursor::new(
            body,
        )))
        .unwrap_or_else(|e| panic!("POST {url} (chunked): {e}"));
    receive(response)
}

/// Writes `bytes` on a new connection, half-closes it, reads the answer until EOF or an
/// error.
pub(super) fn raw(addr: SocketAddr, bytes: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // The server may answer and close before it has read everything (a header over its
    // limit): then writing fails, and the answer is still there to read.
    let _ = stream
        .write_all(bytes)
        .and_then(|()| stream.shutdown(std::net::Shutdown::Write));
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n");
    let status = std::str::from_utf8(&answer)
        .ok()
        .and_then(|s| s.strip_prefix("HTTP/1.1 "))
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok());
    Answer {
        status,
        content_type: None,
        allow: None,
        body: head_end.map_or(answer.clone(), |end| answer[end + 4..].to_vec()),
    }
}
