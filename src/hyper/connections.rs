//! The open connections of a server, told to stop: gracefully (each closes once it has
//! answered what it is reading), or at once. A connection reads one atomic when its task is
//! polled, so watching costs next to nothing per request; the stop wakes each connection
//! through the waker it registered.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU8, AtomicU64, Ordering},
    },
    task::{Context, Poll, Waker},
};

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::{net::TcpStream, sync::Notify};

use super::service::Service;

/// A connection as a server serves it.
type Connection = http1::Connection<TokioIo<TcpStream>, Service>;

/// Serving: keep the connections open.
const SERVING: u8 = 0;
/// Close each connection once it has answered the request it is reading.
const GRACEFUL: u8 = 1;
/// Close every connection now.
const ABORT: u8 = 2;

/// The open connections of one server.
#[derive(Debug, Default)]
pub(crate) struct Connections {
    state: AtomicU8,
    next_id: AtomicU64,
    /// The waker of each open connection, by id.
    open: Mutex<HashMap<u64, Waker>>,
    /// Notified when the last connection closes.
    closed: Notify,
}

impl Connections {
    /// Closes every connection once it has answered the request it is reading, and idle
    /// connections at once; resolves when all are closed.
    pub(crate) async fn close_gracefully(&self) {
        self.tell(GRACEFUL);
        loop {
            let mut closed = std::pin::pin!(self.closed.notified());
            closed.as_mut().enable();
            if self.lock().is_empty() {
                return;
            }
            closed.await;
        }
    }

    /// Closes every connection now, whatever it is doing.
    pub(crate) fn abort(&self) {
        self.tell(ABORT);
    }

    fn tell(&self, state: u8) {
        // Stored before the wakers are taken: a connection that registers after this lock
        // reads the new state when it is polled next.
        self.state.fetch_max(state, Ordering::SeqCst);
        for waker in self.lock().values() {
            waker.wake_by_ref();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Waker>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `connection`, watched: it ends as the server tells it. It counts as open from now
    /// on, before its task first runs.
    pub(crate) fn watch(self: &Arc<Self>, connection: Connection) -> Watched {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, Waker::noop().clone());
        Watched {
            connection: Box::pin(connection),
            connections: Arc::clone(self),
            id,
            registered: None,
            graceful: false,
        }
    }
}

/// A connection and how it is told to stop.
pub(crate) struct Watched {
    connection: Pin<Box<Connection>>,
    connections: Arc<Connections>,
    id: u64,
    /// The waker registered with [`Connections`], if any yet.
    registered: Option<Waker>,
    /// Whether the graceful close has been started.
    graceful: bool,
}

impl Future for Watched {
    type Output = hyper::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if !this
            .registered
            .as_ref()
            .is_some_and(|waker| waker.will_wake(cx.waker()))
        {
            let waker = cx.waker().clone();
            this.connections.lock().insert(this.id, waker.clone());
            this.registered = Some(waker);
        }
        match this.connections.state.load(Ordering::SeqCst) {
            SERVING => {}
            GRACEFUL if !this.graceful => {
                this.graceful = true;
                this.connection.as_mut().graceful_shutdown();
            }
            GRACEFUL => {}
            _ => return Poll::Ready(Ok(())),
        }
        this.connection.as_mut().poll(cx)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let mut open = self.connections.lock();
        open.remove(&self.id);
        if open.is_empty() {
            self.connections.closed.notify_waiters();
        }
    }
}
