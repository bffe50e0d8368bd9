//! [`Observe`]: what watches every request an endpoint answers (the metrics, or your own).

use std::time::Duration;

use super::Answer;
use crate::{message::DeadLetterReason, names::TypeName};

/// What watches every request an [`Endpoint`](super::Endpoint) answers: implement it to
/// count, time or trace requests your own way, and attach it with
/// [`Endpoint::with_observer`](super::Endpoint::with_observer). The Prometheus metrics of
/// the `metrics` feature are one (`statefun::metrics::Metrics::observer`).
///
/// Every method has an empty default. They are called on the request's task, so keep them
/// cheap: an observer that blocks delays the answer.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use statefun::http::{Endpoint, Observe, Report};
///
/// #[derive(Default)]
/// struct Failures(AtomicUsize);
///
/// impl Observe for Failures {
///     fn answered(&self, report: &Report<'_>) {
///         if report.status() >= 500 {
///             self.0.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// let endpoint = Endpoint::new(statefun::Functions::new()).with_observer(Failures::default());
/// # let _ = endpoint;
/// ```
pub trait Observe: Send + Sync + 'static {
    /// A request's body was read and the request is about to be dispatched.
    fn dispatching(&self) {}

    /// A dispatched request was answered.
    fn answered(&self, report: &Report<'_>) {
        let _ = report;
    }

    /// A dispatched request was dropped before it was answered (its client went away, or
    /// the server is stopping).
    fn abandoned(&self) {}

    /// A request was answered without being dispatched: a method, header or body the
    /// endpoint refuses ([`Rejection`](super::Rejection)), or a path it does not serve.
    fn rejected(&self, status: u16) {
        let _ = status;
    }
}

/// What became of one dispatched request, for an [`Observe`].
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    pub(crate) function: Option<&'a TypeName>,
    pub(crate) batch_size: usize,
    pub(crate) negotiation: bool,
    pub(crate) panicked: bool,
    pub(crate) status: u16,
    pub(crate) body_bytes: usize,
    pub(crate) elapsed: Duration,
    pub(crate) dead_letters: &'a [DeadLetterReason],
}

impl<'a> Report<'a> {
    /// The report of an answer to a request for `function` (if any) of `body_bytes`:
    /// nothing dispatched, no time elapsed.
    pub(crate) fn of(function: Option<&'a TypeName>, answer: &Answer, body_bytes: usize) -> Self {
        Self {
            function,
            batch_size: 0,
            negotiation: false,
            panicked: false,
            status: answer.status(),
            body_bytes,
            elapsed: Duration::ZERO,
            dead_letters: &[],
        }
    }

    /// Why each message the batch set aside as a dead letter failed, in batch order
    /// ([`DeadLetters`](crate::DeadLetters)); empty when none was.
    pub fn dead_letters(&self) -> &[DeadLetterReason] {
        self.dead_letters
    }

    /// The registered function the request went to; `None` when it named none (or was no
    /// valid request).
    pub fn function(&self) -> Option<&TypeName> {
        self.function
    }

    /// The number of invocations in the request's batch (0 when it did not run).
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Whether the answer asks the runtime for missing state instead of carrying the
    /// batch's effects.
    pub fn negotiation(&self) -> bool {
        self.negotiation
    }

    /// Whether a panic was caught on the way: in the function, its codecs, or the SDK.
    pub fn panicked(&self) -> bool {
        self.panicked
    }

    /// The status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The size of the request body.
    pub fn body_bytes(&self) -> usize {
        self.body_bytes
    }

    /// The time from the body read to the answer.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}
