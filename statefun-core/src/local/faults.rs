//! [`Faults`]: the failures the StateFun runtime has in production, on purpose and
//! reproducibly, in the local runtime: batches delivered again, crashes restored from a
//! checkpoint, messages from different senders in another order.

use super::metadata::Queued;
use super::{LocalRuntime, RunReport, Snapshot};

/// Failures on purpose, drawn from a seed, so that a function that is right only when
/// nothing fails (an external side effect that is not idempotent, an order it silently
/// depends on) fails its local test as it would fail in production, and the failing run is
/// reproduced by its seed. [`LocalRuntime::with_faults`] turns them on; each is what the
/// StateFun runtime does:
///
/// - **Redelivery**: a batch is sent, its answer dropped (a timeout, a broken connection),
///   and the batch sent again; the runtime retries any failed or timed-out request.
/// - **Crashes**: the runtime takes checkpoints ([`LocalRuntime::snapshot`]) at points the
///   seed chooses, and now and then crashes and restores the last one
///   ([`LocalRuntime::restore`]): state, delayed messages and the egress not yet committed
///   go back, and the input since is read again.
/// - **Reordering**: messages from *different* senders reach an address in an order the
///   seed chooses, and waiting batches of different addresses run in any order. What one
///   sender sends to one address keeps its order: the runtime routes each sender's messages
///   to a target through one keyed stream, in order, and interleaves different senders'
///   (each sender's operator sends on its own channel) in arrival order.
///
/// A deterministic function whose effects all go through the runtime passes under any
/// seed: the runtime applies each answer once.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use statefun::{Context, Functions, local::{Faults, LocalRuntime}};
///
/// /// Not idempotent: it counts every invocation in a shared counter outside the runtime.
/// static CHARGED: Mutex<u32> = Mutex::new(0);
///
/// #[statefun::function(typename = "demo/charge")]
/// fn charge(_: &mut Context, _: String) {
///     *CHARGED.lock().unwrap() += 1;
/// }
///
/// # futures_util::FutureExt::now_or_never(async {
/// // Seed 7 delivers a batch twice in this run: the counter says 2 for one message.
/// let mut runtime = LocalRuntime::new(Functions::new().with(charge)).with_faults(Faults::seeded(7));
/// for _ in 0..20 {
///     runtime.send(charge::address("a"), "charge")?;
///     runtime.run_until_quiescent().await?;
/// }
/// assert!(*CHARGED.lock().unwrap() > 20, "charged more often than asked");
/// # Ok::<(), statefun::BoxError>(())
/// # }).unwrap()?;
/// # Ok::<(), statefun::BoxError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Faults {
    seed: u64,
    rng: fastrand::Rng,
    redelivery: f64,
    checkpoint: f64,
    crash: f64,
    reorder: bool,
    /// Crashes left in this run: a bound, so that every run ends.
    crashes_left: u32,
}

/// The seed `STATEFUN_SEED` says, or a new random one when it is unset.
fn seed_from(variable: Option<String>) -> u64 {
    match variable {
        Some(seed) => seed
            .parse()
            .unwrap_or_else(|_| panic!("STATEFUN_SEED={seed} is not a number")),
        None => fastrand::u64(..),
    }
}

/// The most crashes in one [`LocalRuntime::run_until_quiescent`] (`advance` runs one for
/// each delayed message it fires).
const CRASHES_PER_RUN: u32 = 3;

impl Faults {
    /// Every fault on, drawn from `seed`: 20 % of the batches delivered twice, a
    /// checkpoint before 30 % of the requests and a crash before 5 % (at most three per
    /// run), messages from different senders reordered.
    pub fn seeded(seed: u64) -> Self {
        Self {
            seed,
            rng: fastrand::Rng::with_seed(seed),
            redelivery: 0.2,
            checkpoint: 0.3,
            crash: 0.05,
            reorder: true,
            crashes_left: CRASHES_PER_RUN,
        }
    }

    /// [`Faults::seeded`] with the seed of the `STATEFUN_SEED` environment variable, or a
    /// new random one: run a test under many seeds, and rerun a failure with the seed it
    /// printed.
    ///
    /// # Panics
    ///
    /// If `STATEFUN_SEED` is set but is not a number.
    pub fn from_env() -> Self {
        Self::seeded(seed_from(std::env::var("STATEFUN_SEED").ok()))
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Delivers a batch twice with probability `probability` (0 turns it off).
    pub fn with_redelivery(mut self, probability: f64) -> Self {
        self.redelivery = probability;
        self
    }

    /// Crashes before a request with probability `probability` (0 turns it off).
    pub fn with_crashes(mut self, probability: f64) -> Self {
        self.crash = probability;
        self
    }

    /// Reorders messages from different senders, or not.
    pub fn with_reordering(mut self, reorder: bool) -> Self {
        self.reorder = reorder;
        self
    }

    fn chance(&mut self, probability: f64) -> bool {
        probability > 0.0 && self.rng.f64() < probability
    }

    /// Where a message from `invocation`'s sender joins `pending`: at the end, or, when
    /// reordering, anywhere after that sender's last waiting message.
    pub(super) fn pending_position(&mut self, pending: &[Queued], invocation: &Queued) -> usize {
        if !self.reorder {
            return pending.len();
        }
        let after = pending
            .iter()
            .rposition(|waiting| waiting.invocation.caller == invocation.invocation.caller)
            .map_or(0, |last| last + 1);
        self.rng.usize(after..=pending.len())
    }
}

impl LocalRuntime {
    /// Runs with `faults` ([`Faults`]), and prints their seed on stderr, which a test
    /// harness shows when the test fails: `STATEFUN_SEED=<seed>` with
    /// [`Faults::from_env`] reruns the same faults. The first checkpoint is the runtime as
    /// it is now.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        eprintln!(
            "statefun local runtime: faults seeded with {0} (STATEFUN_SEED={0} reproduces them)",
            faults.seed
        );
        self.checkpoint = Some(self.snapshot());
        self.faults = Some(faults);
        self
    }

    /// The faults' seed, when they are on.
    pub fn seed(&self) -> Option<u64> {
        self.faults.as_ref().map(Faults::seed)
    }

    /// Before a run: a fresh bound on its crashes.
    pub(super) fn faults_start_run(&mut self) {
        if let Some(faults) = &mut self.faults {
            faults.crashes_left = CRASHES_PER_RUN;
        }
    }

    /// Before a request: maybe a checkpoint, maybe a crash and its restore.
    pub(super) fn faults_before_request(&mut self, report: &mut RunReport) {
        let Some(faults) = &mut self.faults else {
            return;
        };
        if faults.chance(faults.checkpoint) {
            self.checkpoint = Some(self.snapshot());
            return;
        }
        let faults = self.faults.as_mut().expect("checked above");
        if faults.crashes_left > 0 && faults.chance(faults.crash) {
            faults.crashes_left -= 1;
            report.crashes += 1;
            let checkpoint: Snapshot = self.checkpoint.clone().expect("taken when faults began");
            self.restore(&checkpoint);
        }
    }

    /// Whether the next batch is delivered twice (its first answer dropped).
    pub(super) fn faults_redeliver(&mut self) -> bool {
        self.faults
            .as_mut()
            .is_some_and(|faults| faults.chance(faults.redelivery))
    }

    /// Which waiting batch runs next: the first, or one the seed picks.
    pub(super) fn faults_next_ready(&mut self) -> usize {
        match &mut self.faults {
            Some(faults) if faults.reorder && self.ready.len() > 1 => {
                faults.rng.usize(..self.ready.len())
            }
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::seed_from;

    #[test]
    fn the_seed_is_the_variables_or_a_new_one() {
        assert_eq!(seed_from(Some("12".into())), 12);
        assert_ne!(seed_from(None), seed_from(None));
    }

    #[test]
    #[should_panic(expected = "STATEFUN_SEED=twelve is not a number")]
    fn a_seed_that_is_no_number_is_refused() {
        seed_from(Some("twelve".into()));
    }
}
