//! [`Snapshot`]: everything the local runtime holds at one point, and the restore from it,
//! as the StateFun runtime restores a checkpoint after a crash.

use bytes::Bytes;

use super::metadata::Queued;
use std::{collections::VecDeque, time::Duration};

use super::{EgressRecord, LocalRuntime, runtime::Timer, store::Store};
use crate::{
    names::{Address, TypeName},
    proto::reqreply as pb,
};

/// The local runtime at one point: every instance's state, the messages waiting, the
/// delayed messages, the virtual clock and the egress records not taken yet, and how far
/// the input had come. [`LocalRuntime::restore`] goes back to it.
#[derive(Clone)]
pub struct Snapshot {
    pub(super) store: Store,
    pub(super) ready: VecDeque<(Address, Vec<Queued>)>,
    pub(super) timers: Vec<Timer>,
    pub(super) now: Duration,
    pub(super) egress: Vec<(TypeName, EgressRecord)>,
    /// How many input messages ([`LocalRuntime::send`] and the like) had been sent.
    pub(super) input: usize,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("now", &self.now)
            .field("instances", &self.store.instances.len())
            .field("input", &self.input)
            .finish_non_exhaustive()
    }
}

impl LocalRuntime {
    /// Everything the runtime holds now, to [`restore`](LocalRuntime::restore) later: a
    /// checkpoint.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            store: self.store.clone(),
            ready: self.ready.clone(),
            timers: self.timers.clone(),
            now: self.now,
            egress: self.egress.clone(),
            input: self.input.len(),
        }
    }

    /// Goes back to `snapshot` as the StateFun runtime restores a checkpoint after a crash:
    /// state, waiting and delayed messages, the virtual clock and the egress records not
    /// taken yet are as they were (an exactly-once egress drops what it had not committed),
    /// and every input message sent since is sent again, in order, as the ingresses read
    /// their records again from the checkpoint's offsets. What the functions did outside
    /// the runtime in between (an email sent, a counter elsewhere) is not undone: a test of
    /// such a function shows whether doing it twice is harmless. Run with
    /// [`run_until_quiescent`](LocalRuntime::run_until_quiescent).
    ///
    /// ```
    /// use statefun::{BoxError, Context, Functions, StateSpec, Value, local::LocalRuntime};
    ///
    /// #[derive(StateSpec)]
    /// struct Count {
    ///     n: Value<i32>,
    /// }
    ///
    /// #[statefun::function(typename = "demo/counter")]
    /// fn counter(_: &mut Context, state: &mut Count, _: String) {
    ///     state.n.update(|n| Some(n.unwrap_or(0) + 1));
    /// }
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(counter));
    /// let a = counter::address("a");
    /// runtime.send(a.clone(), "one")?;
    /// runtime.run_until_quiescent().await?;
    /// let checkpoint = runtime.snapshot();
    /// runtime.send(a.clone(), "two")?;
    /// runtime.run_until_quiescent().await?;
    /// // A crash: back to the checkpoint, and "two" is read again.
    /// runtime.restore(&checkpoint);
    /// assert_eq!(runtime.state::<i32>(&a, "n")?, Some(1));
    /// runtime.run_until_quiescent().await?;
    /// assert_eq!(runtime.state::<i32>(&a, "n")?, Some(2));
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn restore(&mut self, snapshot: &Snapshot) {
        self.store = snapshot.store.clone();
        self.ready = snapshot.ready.clone();
        self.timers = snapshot.timers.clone();
        self.now = snapshot.now;
        self.egress = snapshot.egress.clone();
        let again: Vec<(Address, pb::TypedValue)> =
            self.input[snapshot.input.min(self.input.len())..].to_vec();
        self.input.truncate(snapshot.input);
        for (target, argument) in again {
            self.input.push((target.clone(), argument.clone()));
            self.deliver(target, None, argument, Bytes::new());
        }
    }
}
