//! How the dispatcher's cost grows with the work (issue 16, item 4), in process:
//!
//! - registered functions, 1 → 1000: the lookup of the target;
//! - state values per function, 1 → 64: every value is decoded, one is written;
//! - argument and state size, 10 B → 32 MiB: the time and the allocations stay the same
//!   (the values are views into the body, never copies), so memory is the body plus a
//!   constant;
//! - invocations per batch, 1 → 10,000.
//!
//! For each row: the median time per request over 11 rounds of about 20 ms, the time per
//! unit of the varied quantity, and the allocations of one request (count, bytes, largest)
//! from the counting allocator. Rows that prost alone can do too (batches, sizes) also show
//! prost alone, alternating with ours, and the median of the per-round ratios.
//!
//! ```sh
//! cargo bench --bench scaling           # prints the table, writes target/bench-results/scaling.md
//! ```

use std::{fmt::Write as _, hint::black_box, time::Instant};

use prost::Message as _;
use statefun::{
    BoxError, Bytes, Cells, Context, Function, Functions, Handler, Message, Mutations, State,
    StateError, TypeName, Value, ValueSpec,
    proto::reqreply::{self as pb, ToFunction, to_function},
};
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

/// `N` int states `s0` … `s{N-1}`; the function increments `s0`.
struct Counters<const N: usize>(Vec<Value<i32>>);

impl<const N: usize> State for Counters<N> {
    fn specs() -> Vec<ValueSpec> {
        (0..N)
            .map(|i| ValueSpec::new::<i32>(format!("s{i}")).expect("a valid state name"))
            .collect()
    }
    fn from_cells(cells: &mut Cells<'_>) -> Result<Self, StateError> {
        (0..N)
            .map(|_| cells.next_value())
            .collect::<Result<_, _>>()
            .map(Self)
    }
    fn write_mutations(&self, out: &mut Mutations<'_>) -> Result<(), StateError> {
        self.0.iter().try_for_each(|value| out.write(value))
    }
}

/// A greeter under any typename, with `N` states.
struct Greeter<const N: usize>(TypeName);

impl<const N: usize> Function for Greeter<N> {
    type State = Counters<N>;
    fn type_name(&self) -> TypeName {
        self.0.clone()
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut Counters<N>,
        msg: Message,
    ) -> Result<(), BoxError> {
        black_box(msg.as_str()?);
        state.0[0].update(|seen| Some(seen.unwrap_or(0) + 1));
        Ok(())
    }
}

/// A request to `demo/f{target}` with `states` int states and one string argument.
fn counting_request(target: usize, states: usize) -> Bytes {
    ToFunction {
        request: Some(to_function::Request::Invocation(
            to_function::InvocationBatchRequest {
                target: Some(pb::Address {
                    namespace: "demo".into(),
                    r#type: format!("f{target}"),
                    id: "alice".into(),
                }),
                state: (0..states)
                    .map(|i| to_function::PersistedValue {
                        state_name: format!("s{i}"),
                        state_value: Some(pb::TypedValue {
                            typename: "io.statefun.types/int".into(),
                            has_value: true,
                            value: requests::int(41),
                        }),
                    })
                    .collect(),
                invocations: vec![to_function::Invocation {
                    caller: None,
                    argument: Some(pb::TypedValue {
                        typename: "io.statefun.types/string".into(),
                        has_value: true,
                        value: Bytes::from_static(b"\x0a\x05alice"),
                    }),
                }],
            },
        )),
    }
    .encode_to_vec()
    .into()
}

fn functions_with<const N: usize>(count: usize) -> Handler {
    let functions = (0..count).fold(Functions::new(), |functions, i| {
        let name = TypeName::new(format!("demo/f{i}")).expect("a typename");
        functions.with(Greeter::<N>(name))
    });
    Handler::new(functions)
}

struct Row {
    what: String,
    units: f64,
    unit: &'static str,
    ours: f64,
    prost: Option<(f64, f64)>,
    body: usize,
    alloc: Allocations,
}

/// Ours (and prost alone when `with_prost`) on `body`: 11 alternating rounds of ~20 ms.
fn measure_row(
    what: String,
    units: f64,
    unit: &'static str,
    handler: &Handler,
    body: &Bytes,
    with_prost: bool,
) -> Row {
    let ours_once = || {
        drop(black_box(
            run_now(handler.handle(body.clone())).expect("an answer"),
        ))
    };
    let prost_once = || drop(black_box(requests::prost_alone(body)));
    let start = Instant::now();
    ours_once();
    let iterations = (0.02 / start.elapsed().as_secs_f64().max(1e-7)).clamp(1.0, 1e6) as u32;
    let (mut ours, mut limit, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..11 {
        if !with_prost {
            ours.push(time_chunk(iterations, ours_once));
            continue;
        }
        let (o, l) = if round % 2 == 0 {
            (
                time_chunk(iterations, ours_once),
                time_chunk(iterations, prost_once),
            )
        } else {
            let l = time_chunk(iterations, prost_once);
            (time_chunk(iterations, ours_once), l)
        };
        ours.push(o);
        limit.push(l);
        ratios.push(o / l);
    }
    let (_, alloc) = measure(ours_once);
    Row {
        what,
        units,
        unit,
        ours: median(ours),
        prost: with_prost.then(|| (median(limit), median(ratios))),
        body: body.len(),
        alloc,
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
    let t = t * 1e9;
    if t >= 1e6 {
        format!("{:.2} ms", t / 1e6)
    } else if t >= 1e3 {
        format!("{:.2} µs", t / 1e3)
    } else {
        format!("{t:.1} ns")
    }
}

fn main() {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let mut rows = Vec::new();

    for count in [1, 10, 16, 17, 100, 1000] {
        let handler = functions_with::<1>(count);
        // The last registered, so that a scan would have to look at every one.
        let body = counting_request(count - 1, 1);
        rows.push(measure_row(
            format!("{count} registered functions"),
            1.0,
            "request",
            &handler,
            &body,
            false,
        ));
    }

    macro_rules! states {
        ($($n:literal),*) => {$(
            let handler = functions_with::<$n>(1);
            let body = counting_request(0, $n);
            rows.push(measure_row(format!("{} state values", $n), $n as f64, "state value", &handler, &body, false));
        )*};
    }
    states!(1, 4, 16, 64);

    let handler = Handler::new(
        Functions::new()
            .with(functions::greeter)
            .with(functions::reader),
    );
    for size in [10, 1024, 64 * 1024, 1024 * 1024, 32 * 1024 * 1024] {
        let body = requests::reader(size);
        rows.push(measure_row(
            format!(
                "{} state + {} argument",
                bytes(size as u64),
                bytes(size as u64)
            ),
            1.0,
            "request",
            &handler,
            &body,
            true,
        ));
    }
    for batch in [1, 10, 100, 1000, 10_000] {
        let body = requests::greeter(batch);
        rows.push(measure_row(
            format!("batch of {batch}"),
            batch as f64,
            "invocation",
            &handler,
            &body,
            true,
        ));
    }

    let mut md = String::from(
        "| work | body | statefun / request | per unit | prost alone / request | ratio | allocations (count, bytes, largest) |\n|---|---:|---:|---:|---:|---:|---|\n",
    );
    for r in &rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} / {} | {} | {} | {}, {}, {} |",
            r.what,
            bytes(r.body as u64),
            ns(r.ours),
            ns(r.ours / r.units),
            r.unit,
            r.prost.map_or("".into(), |(t, _)| ns(t)),
            r.prost
                .map_or("".into(), |(_, ratio)| format!("{ratio:.2}×")),
            r.alloc.count,
            bytes(r.alloc.bytes),
            bytes(r.alloc.largest),
        );
    }
    println!("\n{md}");
    let dir = std::env::var("STATEFUN_BENCH_OUT")
        .unwrap_or_else(|_| format!("{}/target/bench-results", env!("CARGO_MANIFEST_DIR")));
    std::fs::create_dir_all(&dir).expect("the results folder");
    std::fs::write(format!("{dir}/scaling.md"), &md).expect("write the table");
    println!("written to {dir}/scaling.md");
}
