//! What a test's own threads log, captured as text: one process-wide subscriber (installed
//! by the first capture) that writes an event only on a thread that captures, into that
//! thread's [`Capture`]. Tests of one binary run on threads of their own, so each sees only
//! its own lines, and no test runs without a subscriber (tracing's callsite interest and
//! level hint are process-wide: a scoped subscriber raced the tests of other threads).
//!
//! Lines are tracing-subscriber's text format without time or colours, spans as
//! `name{fields}:` before the event, and a line for each span created (`new`) and entered
//! (`enter`).

use std::{
    cell::RefCell,
    io::{self, Write},
    sync::{Arc, Mutex, Once},
};

use tracing_subscriber::{
    Layer as _, filter::filter_fn, fmt::format::FmtSpan, layer::SubscriberExt as _,
    util::SubscriberInitExt as _,
};

thread_local! {
    static SINK: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// The lines logged on the threads that capture into it.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

/// Captures this thread's events into a [`Capture`] until dropped.
pub struct Guard(Option<Capture>);

impl Drop for Guard {
    fn drop(&mut self) {
        SINK.with(|sink| *sink.borrow_mut() = self.0.take());
    }
}

impl Capture {
    /// An empty capture; installs the process-wide subscriber on first use.
    pub fn new() -> Self {
        install();
        Self::default()
    }

    /// Captures what this thread logs until the guard is dropped.
    pub fn on_this_thread(&self) -> Guard {
        Guard(SINK.with(|sink| sink.borrow_mut().replace(self.clone())))
    }

    /// Captures what this thread logs from now on: for the threads of a server under test
    /// (a worker's start hook, or an actix-web app factory, which runs on each worker).
    pub fn attach_this_thread(&self) {
        SINK.with(|sink| *sink.borrow_mut() = Some(self.clone()));
    }

    /// A runtime of two worker threads that capture what they log here: for a server under
    /// test, whose requests run on its workers.
    pub fn runtime(&self) -> tokio::runtime::Runtime {
        let capture = self.clone();
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .on_thread_start(move || capture.attach_this_thread())
            .enable_all()
            .build()
            .unwrap()
    }

    /// The lines captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Forgets the lines captured so far.
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

fn capturing() -> bool {
    SINK.with(|sink| sink.borrow().is_some())
}

/// Writes to the capture of the thread it is made on.
struct ThreadSink(Option<Capture>);

impl Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(capture) = &self.0 {
            capture.0.lock().unwrap().extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(|| ThreadSink(SINK.with(|sink| sink.borrow().clone())))
            .with_ansi(false)
            .without_time()
            .with_span_events(FmtSpan::NEW | FmtSpan::ENTER)
            .with_filter(filter_fn(|_| capturing()));
        tracing_subscriber::registry().with(layer).init();
    });
}
