//! A bounded soak test: minutes of mixed load on loopback against a greeter-like service
//! in a child process, checking every answer and sampling the service's RSS.
//!
//! ```text
//! scripts/soak.sh                                  # 3 minutes, release build
//! SOAK_SECONDS=600 scripts/soak.sh
//! cargo run --release --example soak               # the same, without the script
//! ```
//!
//! The service (`soak serve PORT`, started by the driver) hosts `demo/greeter` (counts in
//! `seen`; fails on "fail", panics on "panic") and `demo/sleeper` (never returns), with a
//! 64 KiB body limit and a 200 ms time limit. The driver sends, from `SOAK_CLIENTS` threads
//! with keep-alive connections, a fixed mix: valid requests (single and batches of 10),
//! negotiations (missing state) and errors of every kind (malformed, empty, unknown
//! function, wrong state type, user error, user panic, wrong content type, wrong method,
//! body over the limit, timeout). Any answer other than the expected one is counted as
//! unexpected.
//!
//! Environment: `SOAK_SECONDS` (measured time after warm-up, default 180),
//! `SOAK_WARMUP` (default 30; its first half sends only the bodies over the limit, whose
//! large buffers otherwise take minutes to reach the allocator's steady state), `SOAK_CLIENTS` (default 4), `SOAK_SAMPLE` (RSS sampling
//! period in seconds, default 5; start and end RSS are medians of three samples), `SOAK_KINDS` (only these kinds, comma-separated, e.g.
//! `Valid,Timeout`: to find what a problem comes from). Exits 1 on any unexpected answer or an RSS growth of 10%
//! or more between the end of warm-up and the end.

use std::{
    collections::BTreeMap,
    net::TcpListener,
    process::{Child, Command, ExitCode, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use prost::Message as _;
use statefun::{
    BoxError, Context, Functions, Message, StateSpec, Type, Value,
    actix::Endpoint,
    proto::reqreply::{self as pb, FromFunction, ToFunction, from_function, to_function},
};

// ---------------------------------------------------------------- the service

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

#[statefun::function(typename = "demo/greeter")]
async fn greeter(_ctx: &mut Context, state: &mut Seen, msg: Message) -> Result<(), BoxError> {
    match msg.as_str()? {
        "fail" => return Err("asked to fail".into()),
        "panic" => panic!("asked to panic"),
        _ => {}
    }
    state.seen.update(|n| Some(n.unwrap_or(0) + 1));
    Ok(())
}

#[statefun::function(typename = "demo/sleeper")]
async fn sleeper(_ctx: &mut Context, _msg: Message) {
    std::future::pending::<()>().await;
}

const BODY_LIMIT: usize = 64 * 1024;
const TIME_LIMIT: Duration = Duration::from_millis(200);

fn serve(port: u16) -> std::io::Result<()> {
    // Deliberate panics are part of the load: keep stderr quiet.
    std::panic::set_hook(Box::new(|_| {}));
    // Stop when the driver goes away, however it ends: it holds our stdin.
    std::thread::spawn(|| {
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
        std::process::exit(0);
    });
    // Deliberate failures are part of the load: the driver sets `RUST_LOG=off` unless told
    // otherwise.
    statefun::logging::init();
    let functions = Functions::new().with(greeter).with(sleeper);
    let endpoint = Endpoint::new(functions)
        .with_body_limit(BODY_LIMIT)
        .with_timeout(TIME_LIMIT);
    actix_web::rt::System::new().block_on(endpoint.serve(("127.0.0.1", port)))
}

// ---------------------------------------------------------------- requests

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => {
            let port = args
                .get(2)
                .and_then(|p| p.parse().ok())
                .expect("soak serve PORT");
            match serve(port) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("soak serve: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        None | Some("drive") => drive(),
        Some(other) => {
            eprintln!("usage: soak [drive | serve PORT] (got {other})");
            ExitCode::FAILURE
        }
    }
}

mod client;
mod drive;

use client::*;
use drive::*;
