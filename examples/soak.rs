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

fn typed<T: Type>(value: &T) -> pb::TypedValue {
    pb::TypedValue {
        typename: T::type_name().to_string(),
        has_value: true,
        value: value.encode().unwrap(),
    }
}

fn batch(
    function: &str,
    id: &str,
    seen: Option<Option<pb::TypedValue>>,
    texts: &[&str],
) -> Vec<u8> {
    let (namespace, name) = function.split_once('/').unwrap();
    ToFunction {
        request: Some(to_function::Request::Invocation(
            to_function::InvocationBatchRequest {
                target: Some(pb::Address {
                    namespace: namespace.into(),
                    r#type: name.into(),
                    id: id.into(),
                }),
                state: seen
                    .into_iter()
                    .map(|value| to_function::PersistedValue {
                        state_name: "seen".into(),
                        state_value: value,
                    })
                    .collect(),
                invocations: texts
                    .iter()
                    .map(|t| to_function::Invocation {
                        caller: None,
                        argument: Some(typed(&t.to_string())),
                    })
                    .collect(),
            },
        )),
    }
    .encode_to_vec()
}

/// The kinds of request, their weight out of 1000, and what each must be answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Valid,
    Batch10,
    Negotiation,
    Malformed,
    Empty,
    UnknownFunction,
    WrongStateType,
    UserError,
    UserPanic,
    WrongContentType,
    WrongMethod,
    OverLimit,
    Timeout,
}

const MIX: [(Kind, u32); 13] = [
    (Kind::Valid, 600),
    (Kind::Batch10, 100),
    (Kind::Negotiation, 100),
    (Kind::Malformed, 30),
    (Kind::Empty, 20),
    (Kind::UnknownFunction, 30),
    (Kind::WrongStateType, 30),
    (Kind::UserError, 30),
    (Kind::UserPanic, 20),
    (Kind::WrongContentType, 15),
    (Kind::WrongMethod, 15),
    (Kind::OverLimit, 9),
    (Kind::Timeout, 1),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A kind from `mix`, by weight.
    fn kind(&mut self, mix: &[(Kind, u32)]) -> Kind {
        let total: u32 = mix.iter().map(|m| m.1).sum();
        let mut pick = (self.next() % u64::from(total)) as u32;
        for &(kind, weight) in mix {
            if pick < weight {
                return kind;
            }
            pick -= weight;
        }
        unreachable!("the pick is below the total weight")
    }
}

/// Sends one request of `kind`; `Err` says what was unexpected about the answer.
fn exchange(agent: &ureq::Agent, url: &str, kind: Kind, rng: &mut Rng) -> Result<(), String> {
    let id = format!("user-{}", rng.next() % 1000);
    let seen = (rng.next() % 1_000_000) as i32;
    let octet = ("content-type", "application/octet-stream");
    let (method, content_type, body, status, says): (&str, _, Vec<u8>, u16, &str) = match kind {
        Kind::Valid => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(Some(typed(&seen))), &["hi"]),
            200,
            "",
        ),
        Kind::Batch10 => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(Some(typed(&seen))), &["hi"; 10]),
            200,
            "",
        ),
        Kind::Negotiation => (
            "POST",
            octet,
            batch("demo/greeter", &id, None, &["hi"]),
            200,
            "",
        ),
        Kind::Malformed => {
            let mut junk = vec![0u8; 1 + (rng.next() % 300) as usize];
            junk.iter_mut().for_each(|b| *b = rng.next() as u8);
            junk[0] = 0xff; // field 31, wire type 7: never valid protobuf
            ("POST", octet, junk, 400, "not a valid protobuf")
        }
        Kind::Empty => ("POST", octet, vec![], 400, "empty"),
        Kind::UnknownFunction => (
            "POST",
            octet,
            batch("shop/nowhere", &id, None, &["hi"]),
            404,
            "shop/nowhere",
        ),
        Kind::WrongStateType => (
            "POST",
            octet,
            batch(
                "demo/greeter",
                &id,
                Some(Some(typed(&"x".to_string()))),
                &["hi"],
            ),
            500,
            "holds a `io.statefun.types/string`",
        ),
        Kind::UserError => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(None), &["hi", "fail"]),
            500,
            "asked to fail",
        ),
        Kind::UserPanic => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(None), &["hi", "panic"]),
            500,
            "panicked: asked to panic",
        ),
        Kind::WrongContentType => (
            "POST",
            ("content-type", "application/json"),
            batch("demo/greeter", &id, Some(None), &["hi"]),
            415,
            "application/json",
        ),
        Kind::WrongMethod => ("GET", octet, vec![], 405, "POST"),
        Kind::OverLimit => {
            let big = "x".repeat(BODY_LIMIT + 1024);
            (
                "POST",
                octet,
                batch("demo/greeter", &id, Some(None), &[&big]),
                413,
                "limit",
            )
        }
        Kind::Timeout => (
            "POST",
            octet,
            batch("demo/sleeper", &id, None, &["hi"]),
            504,
            "did not finish",
        ),
    };
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header(content_type.0, content_type.1)
        .body(body)
        .unwrap();
    let mut response = agent.run(request).map_err(|e| format!("no answer: {e}"))?;
    let got = response.status().as_u16();
    let answer = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| format!("body: {e}"))?;
    if got != status {
        return Err(format!(
            "status {got}, expected {status}: {}",
            String::from_utf8_lossy(&answer)
        ));
    }
    if status != 200 {
        let text = String::from_utf8_lossy(&answer);
        return if text.contains(says) {
            Ok(())
        } else {
            Err(format!("body without {says:?}: {text}"))
        };
    }
    let answer =
        FromFunction::decode(&answer[..]).map_err(|e| format!("not a FromFunction: {e}"))?;
    match (kind, answer.response) {
        (
            Kind::Negotiation,
            Some(from_function::Response::IncompleteInvocationContext(missing)),
        ) => {
            let names: Vec<_> = missing
                .missing_values
                .iter()
                .map(|s| s.state_name.as_str())
                .collect();
            if names == ["seen"] {
                Ok(())
            } else {
                Err(format!("missing {names:?}"))
            }
        }
        (Kind::Valid | Kind::Batch10, Some(from_function::Response::InvocationResult(result))) => {
            let expected = seen + if kind == Kind::Valid { 1 } else { 10 };
            let got = match &result.state_mutations[..] {
                [m] if m.state_name == "seen" => m
                    .state_value
                    .clone()
                    .and_then(|v| <i32 as Type>::decode(v.value).ok()),
                _ => None,
            };
            if got == Some(expected) {
                Ok(())
            } else {
                Err(format!("seen {got:?}, expected {expected}"))
            }
        }
        (_, other) => Err(format!("unexpected answer {other:?}")),
    }
}

// ---------------------------------------------------------------- the driver

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Kills the service when the driver ends; if the driver is killed instead, the service
/// sees its stdin close and exits.
struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[derive(Default)]
struct Tally {
    by_kind: BTreeMap<Kind, (u64, u64)>,
    examples: Vec<String>,
}

fn drive() -> ExitCode {
    let seconds = env("SOAK_SECONDS", 180);
    let warmup = env("SOAK_WARMUP", 30);
    let clients = env("SOAK_CLIENTS", 4);
    let sample = env("SOAK_SAMPLE", 5).max(1);
    // SOAK_KINDS=Valid,Timeout: only these kinds (for finding what a problem comes from).
    let mix: Vec<(Kind, u32)> = match std::env::var("SOAK_KINDS") {
        Ok(kinds) => MIX
            .into_iter()
            .filter(|(k, _)| kinds.split(',').any(|n| n.trim() == format!("{k:?}")))
            .collect(),
        Err(_) => MIX.to_vec(),
    };
    assert!(!mix.is_empty(), "SOAK_KINDS names no kind of {MIX:?}");

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["serve", &port.to_string()])
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "off".to_owned()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the service");
    let pid = child.id();
    let _service = Service(child);
    let url = format!("http://127.0.0.1:{port}/statefun");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let started = Instant::now();
    while agent.get(&url).call().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the service did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "soak: service pid {pid} on {url}; {clients} clients, {warmup} s warm-up, {seconds} s measured"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    // The first half of the warm-up sends only bodies over the limit (if the mix has them):
    // the allocator's footprint for those large buffers settles within seconds alone, but
    // takes minutes at their share of the mix.
    let big_first = Arc::new(AtomicBool::new(mix.iter().any(|m| m.0 == Kind::OverLimit)));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (stop, measuring, big_first, tally, url, mix) = (
                stop.clone(),
                measuring.clone(),
                big_first.clone(),
                tally.clone(),
                url.clone(),
                mix.clone(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(10)))
                    .build()
                    .into();
                let mut rng =
                    Rng(0x9e37_79b9_7f4a_7c15 ^ (c + 1).wrapping_mul(0x1234_5678_9abc_def1));
                let mut local: BTreeMap<Kind, (u64, u64)> = BTreeMap::new();
                let mut examples = Vec::new();
                let mut was_measuring = false;
                let mut previous = None;
                while !stop.load(Ordering::Relaxed) {
                    let now_measuring = measuring.load(Ordering::Relaxed);
                    if now_measuring && !was_measuring {
                        local.clear(); // count the measured period only
                        was_measuring = true;
                    }
                    let kind = if big_first.load(Ordering::Relaxed) {
                        Kind::OverLimit
                    } else {
                        rng.kind(&mix)
                    };
                    let outcome = exchange(&agent, &url, kind, &mut rng);
                    let after = previous.replace(kind);
                    let entry = local.entry(kind).or_default();
                    entry.0 += 1;
                    if let Err(why) = outcome {
                        entry.1 += 1;
                        if examples.len() < 5 {
                            examples.push(format!("{kind:?} (after {after:?}): {why}"));
                        }
                    }
                }
                let mut tally = tally.lock().unwrap();
                for (kind, (n, bad)) in local {
                    let entry = tally.by_kind.entry(kind).or_default();
                    entry.0 += n;
                    entry.1 += bad;
                }
                tally.examples.extend(examples);
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(warmup / 2));
    big_first.store(false, Ordering::Relaxed);
    std::thread::sleep(Duration::from_secs(warmup - warmup / 2));
    measuring.store(true, Ordering::Relaxed);
    let measured_from = Instant::now();
    let mut samples = vec![(0u64, rss_kib(pid).unwrap_or(0))];
    while measured_from.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(
            Duration::from_secs(sample)
                .min(Duration::from_secs(seconds).saturating_sub(measured_from.elapsed())),
        );
        samples.push((measured_from.elapsed().as_secs(), rss_kib(pid).unwrap_or(0)));
    }
    stop.store(true, Ordering::Relaxed);
    for thread in threads {
        thread.join().unwrap();
    }
    let elapsed = measured_from.elapsed().as_secs_f64();
    let alive = rss_kib(pid).is_some();

    let tally = tally.lock().unwrap();
    let total: u64 = tally.by_kind.values().map(|v| v.0).sum();
    let unexpected: u64 = tally.by_kind.values().map(|v| v.1).sum();
    // Start and end are medians of three samples: RSS moves by a few hundred KiB as the
    // allocator takes and returns memory, which is noise at this size.
    let median3 = |s: &[(u64, u64)]| {
        let mut v: Vec<u64> = s.iter().map(|s| s.1).collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    let start = median3(&samples[..samples.len().min(3)]);
    let end = median3(&samples[samples.len().saturating_sub(3)..]);
    let max = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let growth = if start > 0 {
        (end as f64 - start as f64) / start as f64 * 100.0
    } else {
        f64::NAN
    };

    println!(
        "## Soak: {seconds} s after {warmup} s warm-up, {clients} clients ({})",
        std::env::consts::ARCH
    );
    println!();
    println!("| kind | requests | unexpected answers |");
    println!("|---|---:|---:|");
    for (kind, (n, bad)) in &tally.by_kind {
        println!("| {kind:?} | {n} | {bad} |");
    }
    println!("| **total** | **{total}** | **{unexpected}** |");
    println!();
    println!(
        "- throughput: {:.0} requests/s over {elapsed:.0} s",
        total as f64 / elapsed
    );
    println!(
        "- service RSS (median of the first and of the last three samples): {start} KiB after warm-up, {end} KiB at the end ({growth:+.1}%), max {max} KiB"
    );
    println!(
        "- RSS samples (s: KiB): {}",
        samples
            .iter()
            .map(|(t, r)| format!("{t}: {r}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "- service alive at the end: {}",
        if alive { "yes" } else { "NO" }
    );
    for example in &tally.examples {
        println!("- unexpected: {example}");
    }
    if unexpected == 0 && alive && growth < 10.0 {
        println!("\nresult: PASS (zero unexpected answers, RSS growth under 10%)");
        ExitCode::SUCCESS
    } else {
        println!("\nresult: FAIL");
        ExitCode::FAILURE
    }
}

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
