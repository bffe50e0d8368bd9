//! In-process benchmarks of the dispatcher (`Handler::handle`) on real request bytes,
//! each beside its limit: decoding the same `ToFunction` and encoding the same
//! `FromFunction` with prost alone.
//!
//! - `greeter/{statefun,prost}/N`: `demo/greeter` (one int state), batches of 1, 10, 100
//!   and 1000 invocations;
//! - `reader/{statefun,prost}/S`: `demo/reader`, one invocation whose `demo/bytes`
//!   argument and `blob` state are S bytes each (0 B, 1 KiB, 1 MiB).
//!
//! After criterion, a summary measures each pair again side by side (alternating, median
//! of per-round ratios), counts the allocations of one request with a counting global
//! allocator, checks that the function's argument and state bytes point into the request
//! body, and writes `target/bench-results/handler.{md,json}` (see docs/benchmarks.md).
//!
//! ```sh
//! cargo bench --bench handler
//! ```

use std::{
    fmt::Write as _,
    hint::black_box,
    sync::atomic::Ordering::Relaxed,
    time::{Duration, Instant},
};

use criterion::{BenchmarkId, Criterion, Throughput};
use statefun::{Bytes, Functions, Handler};
use statefun_bench_alloc::{Allocations, Counting, measure};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[allow(dead_code)]
#[path = "common/functions.rs"]
mod functions;
#[allow(dead_code)]
#[path = "common/requests.rs"]
mod requests;
#[allow(dead_code)]
#[path = "common/timing.rs"]
mod timing;

use timing::{median, run_now, time_chunk};

const BATCHES: [usize; 4] = [1, 10, 100, 1000];
const SIZES: [usize; 3] = [0, 1024, 1024 * 1024];

fn handler() -> Handler {
    Handler::new(
        Functions::new()
            .with(functions::greeter)
            .with(functions::reader),
    )
}

/// Ours: the whole dispatcher, bytes in, bytes out.
fn statefun(handler: &Handler, body: &Bytes) -> Bytes {
    run_now(handler.handle(body.clone())).expect("the handler answers")
}

/// The limit: the same greeter with prost alone.
fn prost_alone(body: &Bytes) -> Bytes {
    requests::prost_alone(body)
}

struct Case {
    group: &'static str,
    label: String,
    invocations: usize,
    body: Bytes,
}

fn cases() -> Vec<Case> {
    let greeters = BATCHES.map(|n| Case {
        group: "greeter",
        label: n.to_string(),
        invocations: n,
        body: requests::greeter(n),
    });
    let readers = SIZES.map(|size| Case {
        group: "reader",
        label: match size {
            0 => "0 B".to_owned(),
            s if s < 1024 * 1024 => format!("{} KiB", s / 1024),
            s => format!("{} MiB", s / (1024 * 1024)),
        },
        invocations: 1,
        body: requests::reader(size),
    });
    greeters.into_iter().chain(readers).collect()
}

/// Both sides give the same, correct answer, and the greeter requests are the conformance
/// vectors' bytes where those are at hand.
fn check(handler: &Handler, case: &Case) {
    let ours = requests::answered_seen(&statefun(handler, &case.body)).expect("our answer");
    let limit = requests::answered_seen(&prost_alone(&case.body)).expect("prost's answer");
    let expected = requests::SEEN + case.invocations as i32;
    assert_eq!(
        (ours, limit),
        (expected, expected),
        "{} {}",
        case.group,
        case.label
    );
    let vector = match (case.group, case.invocations) {
        ("greeter", 1) => "a-greeter",
        ("greeter", 100) => "b-greeter-batch100",
        _ => return,
    };
    let path = format!(
        "{}/tests/conformance/vectors/{vector}/request.bin",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(bytes, case.body, "the {vector} request bytes");
}

fn criterion_benches(c: &mut Criterion, handler: &Handler, cases: &[Case]) {
    for group_name in ["greeter", "reader"] {
        let mut group = c.benchmark_group(group_name);
        for case in cases.iter().filter(|c| c.group == group_name) {
            group.throughput(if group_name == "greeter" {
                Throughput::Elements(case.invocations as u64)
            } else {
                Throughput::Bytes(case.body.len() as u64)
            });
            group.bench_with_input(
                BenchmarkId::new("statefun", &case.label),
                &case.body,
                |b, body| b.iter(|| statefun(handler, body)),
            );
            group.bench_with_input(
                BenchmarkId::new("prost", &case.label),
                &case.body,
                |b, body| b.iter(|| prost_alone(body)),
            );
        }
        group.finish();
    }
}

struct Row {
    group: &'static str,
    label: String,
    invocations: usize,
    body_bytes: usize,
    ours_ns: f64,
    prost_ns: f64,
    ratio: f64,
    ours_alloc: Allocations,
    prost_alloc: Allocations,
    zero_copy: Option<bool>,
}

/// Ours and the limit side by side: 21 rounds of ~20 ms each, alternating.
fn side_by_side(handler: &Handler, case: &Case) -> Row {
    let once = Instant::now();
    black_box(statefun(handler, &case.body));
    let iterations = (0.02 / once.elapsed().as_secs_f64().max(1e-7)).clamp(1.0, 1e6) as u32;
    let (mut ours, mut limit, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..21 {
        let run_ours = || {
            time_chunk(iterations, || {
                drop(black_box(statefun(handler, &case.body)))
            })
        };
        let run_limit = || time_chunk(iterations, || drop(black_box(prost_alone(&case.body))));
        let (o, l) = if round % 2 == 0 {
            (run_ours(), run_limit())
        } else {
            let l = run_limit();
            (run_ours(), l)
        };
        ours.push(o);
        limit.push(l);
        ratios.push(o / l);
    }

    let (_, ours_alloc) = measure(|| statefun(handler, &case.body));
    let (_, prost_alloc) = measure(|| prost_alone(&case.body));
    let zero_copy = (case.group == "reader" && case.body.len() > 1024).then(|| {
        functions::LAST_ARGUMENT_AT.store(0, Relaxed);
        functions::LAST_STATE_AT.store(0, Relaxed);
        statefun(handler, &case.body);
        let body = case.body.as_ptr_range();
        let inside = |at: usize| (body.start as usize..body.end as usize).contains(&at);
        inside(functions::LAST_ARGUMENT_AT.load(Relaxed))
            && inside(functions::LAST_STATE_AT.load(Relaxed))
    });
    Row {
        group: case.group,
        label: case.label.clone(),
        invocations: case.invocations,
        body_bytes: case.body.len(),
        ours_ns: median(ours) * 1e9,
        prost_ns: median(limit) * 1e9,
        ratio: median(ratios),
        ours_alloc,
        prost_alloc,
        zero_copy,
    }
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
        n if n >= 10 * 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

fn ns(t: f64) -> String {
    if t >= 1e6 {
        format!("{:.2} ms", t / 1e6)
    } else if t >= 1e3 {
        format!("{:.2} µs", t / 1e3)
    } else {
        format!("{t:.0} ns")
    }
}

fn summary(handler: &Handler, cases: &[Case]) -> std::io::Result<()> {
    let rows: Vec<Row> = cases.iter().map(|c| side_by_side(handler, c)).collect();
    let mut md = String::new();
    md.push_str("| request | body | statefun / request | statefun / invocation | prost alone / request | ratio | statefun allocations (count, bytes, largest) | prost alone allocations |\n");
    md.push_str("|---|---:|---:|---:|---:|---:|---|---|\n");
    for r in &rows {
        let what = match r.group {
            "greeter" => format!("greeter, batch {}", r.label),
            _ => format!("reader, {} state + {} argument", r.label, r.label),
        };
        let a = |x: Allocations| format!("{}, {}, {}", x.count, bytes(x.bytes), bytes(x.largest));
        let _ = writeln!(
            md,
            "| {what} | {} | {} | {} | {} | {:.2}× | {} | {} |",
            bytes(r.body_bytes as u64),
            ns(r.ours_ns),
            ns(r.ours_ns / r.invocations as f64),
            ns(r.prost_ns),
            r.ratio,
            a(r.ours_alloc),
            a(r.prost_alloc),
        );
    }
    for r in rows.iter().filter_map(|r| Some((r, r.zero_copy?))) {
        let _ = writeln!(
            md,
            "\nreader {}: the argument's and the state's bytes the function saw {} inside the request body (no copy).",
            r.0.label,
            if r.1 { "lie" } else { "do NOT lie" }
        );
    }
    println!("\n{md}");

    let json: Vec<_> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "group": r.group, "case": r.label, "invocations": r.invocations,
                "body_bytes": r.body_bytes, "statefun_ns": r.ours_ns, "prost_ns": r.prost_ns,
                "ratio": r.ratio,
                "statefun_allocations": [r.ours_alloc.count, r.ours_alloc.bytes, r.ours_alloc.largest],
                "prost_allocations": [r.prost_alloc.count, r.prost_alloc.bytes, r.prost_alloc.largest],
                "zero_copy": r.zero_copy,
            })
        })
        .collect();
    let dir = std::env::var("STATEFUN_BENCH_OUT")
        .unwrap_or_else(|_| format!("{}/target/bench-results", env!("CARGO_MANIFEST_DIR")));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(format!("{dir}/handler.md"), &md)?;
    std::fs::write(
        format!("{dir}/handler.json"),
        serde_json::to_string_pretty(&json)?,
    )?;
    println!("written to {dir}/handler.{{md,json}}");
    Ok(())
}

/// `STATEFUN_BENCH_LOOP=SIDE:GROUP/CASE:N` (e.g. `statefun:greeter/100:10000`, `prost:…`):
/// answers that one request N times and exits, for a profiler (perf, callgrind: the
/// difference between two values of N gives the instructions per request).
fn profile_loop(handler: &Handler, cases: &[Case], spec: &str) {
    let mut parts = spec.split(':');
    let (Some(side), Some(case), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("STATEFUN_BENCH_LOOP={spec}: write SIDE:GROUP/CASE:N");
    };
    let n: u64 = n.parse().expect("N is a number");
    let case = cases
        .iter()
        .find(|c| format!("{}/{}", c.group, c.label.replace(' ', "")) == case)
        .unwrap_or_else(|| panic!("no case {case}"));
    for _ in 0..n {
        match side {
            "statefun" => drop(black_box(statefun(handler, black_box(&case.body)))),
            "prost" => drop(black_box(prost_alone(black_box(&case.body)))),
            _ => panic!("SIDE is statefun or prost"),
        }
    }
}

fn main() {
    let handler = handler();
    let cases = cases();
    for case in &cases {
        check(&handler, case);
    }
    if let Ok(spec) = std::env::var("STATEFUN_BENCH_LOOP") {
        profile_loop(&handler, &cases, &spec);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--test" || a == "--list");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    criterion_benches(&mut c, &handler, &cases);
    c.final_summary();
    if !quick && std::env::var_os("STATEFUN_BENCH_NO_SUMMARY").is_none() {
        summary(&handler, &cases).expect("write the summary");
    }
}
