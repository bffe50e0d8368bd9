//! Early answers (before the body is read) keep a keep-alive connection usable.

use std::{
    io::{Read as _, Write as _},
    net::{SocketAddr, TcpStream},
    time::Duration,
};

use super::{LIMIT, PATH};
use crate::greeter::greeting;

/// Reads one HTTP/1.1 response (with a `Content-Length`) from `stream`: its status and
/// whether the server announced `Connection: close`.
fn read_response(stream: &mut TcpStream) -> Option<(u16, bool)> {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1];
    while !buffer.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buffer.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&buffer).to_ascii_lowercase();
    let status = head.get(9..12)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    Some((status, head.contains("connection: close")))
}

fn head_of_valid(length: usize) -> String {
    format!(
        "POST /statefun HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// A request whose body arrives after the headers (as from a client that writes them
/// separately) and is answered before it is read (415, 405, 413, 404) must not break the
/// connection: the next request on it is answered, and nothing forced it closed.
///
/// # Panics
///
/// At the first case whose answer or next request fails.
pub fn early_answers_keep_the_connection_usable(addr: SocketAddr) {
    let valid = greeting("kim", Some(1), &["hi"]);
    let head = |method: &str, path: &str, headers: &str, length: usize| {
        format!("{method} {path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: {length}\r\n\r\n")
    };
    let big = greeting("kim", None, &[&"x".repeat(LIMIT)]);
    let json = "Content-Type: application/json\r\n";
    let cases: [(&str, String, &[u8], u16); 5] = [
        (
            "wrong content type",
            head("POST", PATH, json, valid.len()),
            &valid,
            415,
        ),
        (
            "compressed body",
            head("POST", PATH, "Content-Encoding: gzip\r\n", valid.len()),
            &valid,
            415,
        ),
        ("PUT", head("PUT", PATH, "", valid.len()), &valid, 405),
        (
            "over the limit",
            head("POST", PATH, "", big.len()),
            &big,
            413,
        ),
        (
            "another path",
            head("POST", "/x", "", valid.len()),
            &valid,
            404,
        ),
    ];
    for (case, head, body, status) in cases {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        // The server may have answered and closed already: then writing fails, or the
        // answer says `Connection: close`.
        let _ = stream.write_all(body);
        let (got, close) = read_response(&mut stream).expect(case);
        assert_eq!(got, status, "{case}");
        // The whole body was read before the answer: nothing forces the connection closed.
        assert!(!close, "{case}: answered with `Connection: close`");
        let sent = stream
            .write_all(head_of_valid(valid.len()).as_bytes())
            .and_then(|()| stream.write_all(&valid));
        let answer = sent.ok().and_then(|()| read_response(&mut stream));
        assert_eq!(
            answer.map(|a| a.0),
            Some(200),
            "{case}: the next request on the connection was not answered"
        );
    }
}
