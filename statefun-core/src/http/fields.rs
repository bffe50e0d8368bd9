//! [`RequestFields`]: the request the pipeline is running on this thread, for a log
//! subscriber that writes its fields only on the lines it writes.

use std::{
    cell::RefCell,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use crate::names::{Address, TypeName};

thread_local! {
    static CURRENT: RefCell<Option<RequestFields>> = const { RefCell::new(None) };
}

/// The fields of the request the pipeline is running on this thread: the target's
/// function and id and the batch size once the request is read, the body size, and the
/// status and latency on the event that ends the request. They are those of the
/// `statefun.request` span ([`REQUEST_SPAN`](super::REQUEST_SPAN)), for a subscriber that
/// turns that span off and adds them to the lines it writes instead, as
/// `statefun::logging` does: a subscriber such as tracing-subscriber's `fmt` formats a
/// span's fields on every request, whether or not a line is written, where these cost
/// nothing until one is.
///
/// The pipeline sets them only when the span is disabled and a subscriber is installed
/// (`tracing::level_filters::LevelFilter::current()` is not `OFF`): while the batch runs
/// (every event of your function, every span it opens), while the
/// [`Observe`](super::Observe) is told, and while the event that ends the request is
/// written. Everywhere else, and when the span is enabled, there are none.
///
/// ```
/// use statefun::http::RequestFields;
///
/// // Outside a request (here), there are none.
/// assert!(RequestFields::with_current(|fields| fields.is_none()));
/// ```
#[derive(Debug, Clone)]
pub struct RequestFields {
    serial: u64,
    target: Option<Address>,
    batch_size: Option<usize>,
    bytes: Option<usize>,
    status: Option<u16>,
    latency: Option<Duration>,
}

impl RequestFields {
    /// Calls `f` with the fields of the request running on this thread, if any.
    pub fn with_current<R>(f: impl FnOnce(Option<&RequestFields>) -> R) -> R {
        CURRENT.with(|current| match current.try_borrow() {
            Ok(fields) => f(fields.as_ref()),
            Err(_) => f(None),
        })
    }

    /// A number of its own for each request (in this process): a subscriber that keeps
    /// something per request (a span of its own) tells them apart by it.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The target's function, once the request is read (none when it names no
    /// registered function).
    pub fn function(&self) -> Option<&TypeName> {
        self.target.as_ref().map(Address::type_name)
    }

    /// The target's id, with [`RequestFields::function`].
    pub fn id(&self) -> Option<&str> {
        self.target.as_ref().map(Address::id)
    }

    /// The number of invocations in the batch, with [`RequestFields::function`].
    pub fn batch_size(&self) -> Option<usize> {
        self.batch_size
    }

    /// The size of the request body in bytes, once it is read.
    pub fn bytes(&self) -> Option<usize> {
        self.bytes
    }

    /// The status of the answer, on the event that ends the request.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The time from the start of the request to its answer, on the event that ends it.
    pub fn latency(&self) -> Option<Duration> {
        self.latency
    }

    /// The fields of a new request: none known yet.
    pub(crate) fn start() -> Self {
        static SERIAL: AtomicU64 = AtomicU64::new(1);
        Self {
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
            target: None,
            batch_size: None,
            bytes: None,
            status: None,
            latency: None,
        }
    }

    pub(crate) fn received(&mut self, bytes: usize) {
        self.bytes = Some(bytes);
    }

    pub(crate) fn routed(&mut self, target: Option<&Address>, batch_size: usize) {
        if let Some(target) = target {
            self.target = Some(target.clone());
            self.batch_size = Some(batch_size);
        }
    }

    pub(crate) fn answered(&mut self, status: u16, latency: Duration) {
        self.status = Some(status);
        self.latency = Some(latency);
    }

    /// Runs `f` with these as the thread's current fields.
    pub(crate) fn in_scope<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let guard = Installed::new(std::mem::replace(self, Self::placeholder()));
        let output = f();
        *self = guard.restore();
        output
    }

    /// What a request's fields are replaced with while they are installed.
    fn placeholder() -> Self {
        Self {
            serial: 0,
            target: None,
            batch_size: None,
            bytes: None,
            status: None,
            latency: None,
        }
    }
}

/// Fields installed as the thread's current ones (or kept aside, if the thread's are being
/// read at that moment), the previous ones put back when it is restored or dropped: a panic
/// unwinding through a poll must not leave them behind.
struct Installed {
    previous: Option<Result<Option<RequestFields>, RequestFields>>,
}

impl Installed {
    fn new(fields: RequestFields) -> Self {
        let previous = CURRENT.with(|current| match current.try_borrow_mut() {
            Ok(mut slot) => Ok(slot.replace(fields)),
            Err(_) => Err(fields),
        });
        Self {
            previous: Some(previous),
        }
    }

    /// Puts the previous fields back and returns those installed.
    fn restore(mut self) -> RequestFields {
        self.swap_back().unwrap_or_else(RequestFields::placeholder)
    }

    fn swap_back(&mut self) -> Option<RequestFields> {
        match self.previous.take()? {
            Ok(previous) => CURRENT.with(|current| match current.try_borrow_mut() {
                Ok(mut slot) => std::mem::replace(&mut *slot, previous),
                Err(_) => None,
            }),
            Err(kept) => Some(kept),
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        self.swap_back();
    }
}
