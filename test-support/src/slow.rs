//! `demo/slow`: a function that takes as long as it is told, for timeouts, in-flight
//! gauges and graceful shutdown.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use statefun_core::{BoxError, Context, Function, Message, TypeName};

/// `demo/slow`: sleeps for the number of milliseconds it is sent (an
/// `io.statefun.types/long`), after setting its flag: the test knows the batch is in flight.
#[derive(Default)]
pub struct Slow(pub Arc<AtomicBool>);

impl Function for Slow {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/slow")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
        self.0.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(msg.as_i64()? as u64)).await;
        Ok(())
    }
}

/// Blocks until a [`Slow`] with this flag runs: its batch is in flight. Fails the test if
/// that takes 10 s.
pub fn until_running(in_flight: &AtomicBool) {
    let started = Instant::now();
    while !in_flight.load(Ordering::SeqCst) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the slow batch never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
