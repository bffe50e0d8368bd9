//! Graceful shutdown: the requests in flight of a server, whether it is stopping, and the
//! signals that stop it.

use std::{
    pin::pin,
    sync::Arc,
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
};

use futures_util::future::select;
use tokio::sync::Notify;

/// The state of one server that its graceful stop needs: whether it is stopping (the
/// readiness probe answers 503 from then on) and how many StateFun requests are in flight.
#[derive(Debug, Default)]
pub(crate) struct Drain {
    stopping: AtomicBool,
    in_flight: AtomicUsize,
    idle: Notify,
}

impl Drain {
    /// Whether a graceful stop has started.
    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// Starts the graceful stop.
    pub(crate) fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// One more request in flight, until the guard is dropped.
    pub(crate) fn enter(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(Arc::clone(self))
    }

    /// How many requests are in flight.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Resolves once no request is in flight.
    pub(crate) async fn idle(&self) {
        loop {
            let mut notified = pin!(self.idle.notified());
            notified.as_mut().enable();
            if self.in_flight() == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// A request in flight: counted until dropped.
pub(crate) struct InFlight(Arc<Drain>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 && self.0.stopping() {
            self.0.idle.notify_waiters();
        }
    }
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere than Unix).
pub(crate) async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                let int = pin!(tokio::signal::ctrl_c());
                let term = pin!(term.recv());
                select(int, term).await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
