//! Typed dispatch against the `is`/`decode` chain it replaces: two functions accepting the
//! same four message types (protobuf, JSON, `i64`, `String`), one taking a
//! `#[derive(statefun::Messages)]` enum, one taking `Message` and testing each type in
//! turn. Each request is a batch of invocations cycling through the four types, so both
//! pay for every position in the chain.
//!
//! Reported, not asserted: the median over rounds (alternating which runs first) of the
//! per-round ratio typed / chain, per batch size, and the allocations of one request.
//!
//! ```sh
//! cargo bench --bench typed_dispatch
//! ```

use std::{hint::black_box, time::Instant};

use statefun::{BoxError, Bytes, Context, Functions, Handler, Message, StateSpec, Value};
use statefun_bench_alloc::{Counting, measure};
use statefun_test_support::request::{Batch, string, typed};

#[path = "common/timing.rs"]
mod timing;

use timing::{median, run_now, time_chunk};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf, typename = "bench/Order")]
struct Order {
    #[prost(string, tag = "1")]
    item: String,
    #[prost(int32, tag = "2")]
    quantity: i32,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "bench/Note")]
struct Note {
    text: String,
}

#[derive(statefun::Messages)]
enum Command {
    Order(Order),
    Note(Note),
    Amount(i64),
    Name(String),
}

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

fn weigh(command: Command) -> usize {
    match command {
        Command::Order(order) => order.item.len() + order.quantity as usize,
        Command::Note(note) => note.text.len(),
        Command::Amount(amount) => amount as usize,
        Command::Name(name) => name.len(),
    }
}

#[statefun::function(typename = "bench/typed")]
async fn typed_fn(_ctx: &mut Context, state: &mut Seen, msg: Command) {
    black_box(weigh(msg));
    state.seen.update(|seen| Some(seen.unwrap_or(0) + 1));
}

#[statefun::function(typename = "bench/chain")]
async fn chain_fn(_ctx: &mut Context, state: &mut Seen, msg: Message) -> Result<(), BoxError> {
    let command = if msg.is::<Order>() {
        Command::Order(msg.decode()?)
    } else if msg.is::<Note>() {
        Command::Note(msg.decode()?)
    } else if msg.is::<i64>() {
        Command::Amount(msg.decode()?)
    } else if msg.is::<String>() {
        Command::Name(msg.decode()?)
    } else {
        return Err(format!("bench/chain does not accept {}", msg.type_name()).into());
    };
    black_box(weigh(command));
    state.seen.update(|seen| Some(seen.unwrap_or(0) + 1));
    Ok(())
}

fn request(function: &str, batch: usize) -> Bytes {
    let mut request = Batch::to(function, "id").state("seen", None);
    for i in 0..batch {
        request = request.message(match i % 4 {
            0 => typed(&Order {
                item: "tea".into(),
                quantity: 2,
            }),
            1 => typed(&Note {
                text: "gift wrap".into(),
            }),
            2 => typed(&(i as i64)),
            _ => string("alice"),
        });
    }
    request.bytes()
}

fn time(iterations: u32, handler: &Handler, body: &Bytes) -> f64 {
    time_chunk(iterations, || {
        drop(black_box(run_now(handler.handle(body.clone())).unwrap()))
    })
}

fn main() {
    let handler = Handler::new(Functions::new().with(typed_fn).with(chain_fn));
    println!(
        "| batch | typed ns/request | chain ns/request | typed / chain (median of 31 rounds) | allocations typed / chain |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for batch in [1, 4, 100] {
        let typed_body = request("bench/typed", batch);
        let chain_body = request("bench/chain", batch);
        let once = Instant::now();
        time(1, &handler, &chain_body);
        let iterations = (0.02 / once.elapsed().as_secs_f64().max(1e-7)).clamp(1.0, 1e6) as u32;
        let (mut typed, mut chain, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..31 {
            let (t, c) = if round % 2 == 0 {
                let t = time(iterations, &handler, &typed_body);
                (t, time(iterations, &handler, &chain_body))
            } else {
                let c = time(iterations, &handler, &chain_body);
                (time(iterations, &handler, &typed_body), c)
            };
            typed.push(t);
            chain.push(c);
            ratios.push(t / c);
        }
        let (_, typed_alloc) = measure(|| run_now(handler.handle(typed_body.clone())).unwrap());
        let (_, chain_alloc) = measure(|| run_now(handler.handle(chain_body.clone())).unwrap());
        println!(
            "| {batch} | {:.0} | {:.0} | {:.3} | {} / {} |",
            median(typed) * 1e9,
            median(chain) * 1e9,
            median(ratios),
            typed_alloc.count,
            chain_alloc.count,
        );
    }
}
