//! The timing helpers the in-process benchmarks share: a future run to completion without
//! a runtime, the time per call over a chunk of calls, the median.

use std::{
    pin::pin,
    task::{Poll, Waker},
    time::Instant,
};

/// Polls a future that never waits (the benchmark's functions do not) to completion.
pub fn run_now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the handler waited"),
    }
}

/// Time per call of `f`, over `iterations` calls.
pub fn time_chunk(iterations: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_secs_f64() / f64::from(iterations)
}

/// The median of `values` (the upper one of an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
