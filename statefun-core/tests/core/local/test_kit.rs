//! The local runtime as a test kit: functions that live elsewhere captured or stubbed, the
//! virtual clock the functions read, state given before a test, and failures on purpose
//! (redelivery, crash and restore, reordering) drawn from a seed.

use std::{
    collections::HashSet,
    sync::atomic::{AtomicUsize, Ordering},
    time::UNIX_EPOCH,
};

use proptest::prelude::*;
use statefun_core::{
    AddressOf, TypedFunction,
    local::{Faults, SentMessage},
};

use super::*;

const OTHER: TypeName = TypeName::from_static("showcase.fns/some-other-fn");
const MESSAGING: TypeName = TypeName::from_static("showcase.fns/messaging");

/// As the Go showcase's messaging function: tells a function served elsewhere, and reminds
/// itself ten minutes later, on every call.
struct Messaging;

impl Function for Messaging {
    type State = ();
    fn type_name(&self) -> TypeName {
        MESSAGING
    }
    async fn invoke(&self, ctx: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
        let text = msg.as_string()?;
        ctx.send(Address::new(OTHER, "x"), &format!("seen: {text}"))?;
        ctx.send_after(
            Duration::from_secs(600),
            OutgoingMessage::new(ctx.self_address().clone(), "reminder")?,
        );
        Ok(())
    }
}

#[tokio::test]
async fn a_function_served_elsewhere_is_captured_and_the_delayed_message_fires() {
    let mut rt = LocalRuntime::new(Functions::new().with(Messaging))
        .with_captured("showcase.fns/some-other-fn");
    rt.send(at(MESSAGING, "m"), "hello").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let sent = rt.take_sent(&OTHER);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].value_as::<String>().unwrap(), "seen: hello");
    assert_eq!(sent[0].caller, Some(at(MESSAGING, "m")));
    assert!(
        sent[0].value_as::<i32>().is_err(),
        "another type is an error"
    );
    assert_eq!(rt.pending_delayed(), 1);
    rt.advance(Duration::from_secs(599)).await.unwrap();
    assert!(rt.take_sent(&OTHER).is_empty(), "not due yet");
    rt.advance(Duration::from_secs(1)).await.unwrap();
    let fired = rt.take_sent(&OTHER);
    assert_eq!(
        fired
            .iter()
            .map(|m| m.value_as::<String>().unwrap())
            .collect::<Vec<_>>(),
        ["seen: reminder"]
    );
    assert_eq!(rt.now(), Duration::from_secs(600));
    // Without the stand-in, the message to the other function fails the run, as before.
    let mut bare = LocalRuntime::new(Functions::new().with(Messaging));
    bare.send(at(MESSAGING, "m"), "hello").unwrap();
    assert!(matches!(
        bare.run_until_quiescent().await,
        Err(LocalError::NoEndpoint(_))
    ));
}

#[tokio::test]
async fn a_stub_answers_as_the_other_service_would() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    // The other function answers every message with "ack" to its caller.
    let mut rt = LocalRuntime::new(Functions::new().with(Counter)).with_stub(
        PINGER,
        move |message: &SentMessage| {
            seen.fetch_add(1, Ordering::SeqCst);
            vec![OutgoingMessage::new(message.caller.clone().unwrap(), "inc").unwrap()]
        },
    );
    rt.send(at(COUNTER, "c"), "ping").unwrap();
    rt.run_until_quiescent().await.unwrap();
    // ping -> stub -> inc back to the counter.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(count(&rt, "c"), Some(1));
    assert_eq!(
        rt.take_sent(&PINGER).len(),
        1,
        "a stub's calls are kept too"
    );
    // A loop through a stub is a loop: the request limit catches it.
    let mut looping = LocalRuntime::new(Functions::new().with(Counter))
        .with_max_requests(20)
        .with_stub(PINGER, |message: &SentMessage| {
            vec![OutgoingMessage::new(message.caller.clone().unwrap(), "ping").unwrap()]
        });
    looping.send(at(COUNTER, "c"), "ping").unwrap();
    assert!(matches!(
        looping.run_until_quiescent().await,
        Err(LocalError::RequestLimit(20))
    ));
}

#[tokio::test]
async fn a_stand_in_s_batch_counts_as_a_request() {
    let mut rt = LocalRuntime::new(Functions::new().with(Counter)).with_captured("test/pinger");
    rt.send(at(COUNTER, "c"), "ping").unwrap();
    // The counter's two (its state specs negotiated first), then the stand-in's.
    assert_eq!(rt.run_until_quiescent().await.unwrap().requests, 3);
}

statefun_test_support::state! {
    struct LastVisit {
        at_ms: i64,
    }
}

/// Greets with the time since the last visit, by the clock the runtime gives it.
struct Welcome;

impl Function for Welcome {
    type State = LastVisit;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("test/welcome")
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut LastVisit,
        _: Message,
    ) -> Result<(), BoxError> {
        let now = ctx.now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
        let text = match state.at_ms.get() {
            Some(last) => format!("it has been {} ms since your last visit", now - last),
            None => "welcome".to_owned(),
        };
        state.at_ms.set(now);
        ctx.send_egress(statefun_core::EgressMessage::new(EGRESS, &text));
        Ok(())
    }
}

impl TypedFunction for Welcome {
    const TYPE_NAME: TypeName = TypeName::from_static("test/welcome");
    type Message = Message;
}

#[tokio::test]
async fn a_greeting_that_depends_on_elapsed_time_is_exact_on_the_virtual_clock() {
    let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let mut rt = LocalRuntime::new(Functions::new().with(Welcome)).with_start_time(start);
    let ann = AddressOf::<Welcome>::new("ann");
    rt.send(ann.address().clone(), "hi").unwrap();
    rt.advance(Duration::from_millis(1500)).await.unwrap();
    rt.send(ann.address().clone(), "hi").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let texts: Vec<String> = rt
        .take_egress(&EGRESS)
        .iter()
        .map(|r| r.decode::<String>().unwrap().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["welcome", "it has been 1500 ms since your last visit"]
    );
    assert_eq!(rt.time(), start + Duration::from_millis(1500));
    assert_eq!(
        rt.state::<i64>(ann.address(), "at_ms").unwrap(),
        Some(1_800_000_001_500)
    );
}

#[tokio::test]
async fn a_test_starts_from_given_state() {
    let mut rt = LocalRuntime::new(Functions::new().with(Welcome))
        .with_start_time(UNIX_EPOCH + Duration::from_secs(100));
    let ann = AddressOf::<Welcome>::new("ann");
    rt.given_state(&ann, |state| state.at_ms.set(99_000))
        .unwrap();
    assert_eq!(
        rt.state::<i64>(ann.address(), "at_ms").unwrap(),
        Some(99_000)
    );
    rt.send(ann.address().clone(), "hi").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let text = rt.take_egress(&EGRESS)[0]
        .decode::<String>()
        .unwrap()
        .unwrap();
    assert_eq!(text, "it has been 1000 ms since your last visit");
    // Unset fields are left unset; a given state can also clear a value.
    rt.given_state(&ann, |state| state.at_ms.clear()).unwrap();
    assert_eq!(rt.state::<i64>(ann.address(), "at_ms").unwrap(), None);
}

/// Counts every invocation in an external counter (not idempotent), or records each
/// message's id in an external set (idempotent); and counts in its state either way.
struct Charge {
    counted: Arc<AtomicUsize>,
    ids: Arc<Mutex<HashSet<String>>>,
}

statefun_test_support::state! {
    struct Charged {
        times: i32,
    }
}

impl Function for Charge {
    type State = Charged;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("test/charge")
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut Charged,
        msg: Message,
    ) -> Result<(), BoxError> {
        let id = msg.as_string()?;
        self.counted.fetch_add(1, Ordering::SeqCst);
        self.ids.lock().unwrap().insert(id);
        state.times.update(|n| Some(n.unwrap_or(0) + 1));
        Ok(())
    }
}

/// Sends `n` charges to two accounts through `rt`; returns the external count, the external
/// set's size and the sum of the counts in state.
pub(super) async fn charge(faults: Option<Faults>, n: usize) -> (usize, usize, i32) {
    let counted = Arc::new(AtomicUsize::new(0));
    let ids = Arc::new(Mutex::new(HashSet::new()));
    let function = Charge {
        counted: counted.clone(),
        ids: ids.clone(),
    };
    let mut rt = LocalRuntime::new(Functions::new().with(function));
    if let Some(faults) = faults {
        rt = rt.with_faults(faults);
    }
    let account = |i: usize| {
        at(
            TypeName::from_static("test/charge"),
            if i.is_multiple_of(2) { "a" } else { "b" },
        )
    };
    for i in 0..n {
        rt.send(account(i), format!("charge-{i}").as_str()).unwrap();
        if i % 3 == 2 {
            rt.run_until_quiescent().await.unwrap();
        }
    }
    rt.run_until_quiescent().await.unwrap();
    let in_state = ["a", "b"]
        .iter()
        .map(|id| {
            rt.state::<i32>(&at(TypeName::from_static("test/charge"), id), "times")
                .unwrap()
                .unwrap_or(0)
        })
        .sum();
    let distinct = ids.lock().unwrap().len();
    (counted.load(Ordering::SeqCst), distinct, in_state)
}

#[tokio::test]
async fn a_side_effect_that_is_not_idempotent_fails_a_seeded_run_and_its_seed_reproduces_it() {
    // Plainly, every count is right.
    assert_eq!(charge(None, 30).await, (30, 30, 30));
    // Some seed among the first few delivers twice or replays: the external count is off.
    let mut failing = None;
    for seed in 0..20 {
        let (counted, _, _) = charge(Some(Faults::seeded(seed)), 30).await;
        if counted != 30 {
            failing = Some((seed, counted));
            break;
        }
    }
    let (seed, counted) = failing.expect("a seed under which the external counter is off");
    // The same seed, the same run.
    assert_eq!(charge(Some(Faults::seeded(seed)), 30).await.0, counted);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the seed, what goes through the runtime is exact, and so is an idempotent
    /// side effect: each message's id is recorded once.
    #[test]
    fn an_idempotent_function_passes_under_any_seed(seed in any::<u64>()) {
        let (counted, distinct, in_state) =
            futures_util::FutureExt::now_or_never(charge(Some(Faults::seeded(seed)), 30)).unwrap();
        prop_assert_eq!(distinct, 30);
        prop_assert_eq!(in_state, 30);
        prop_assert!(counted >= 30);
    }
}

statefun_test_support::state! {
    pub(super) struct Log {
        received: String,
    }
}

/// Records the messages it receives, in order, in its state.
pub(super) struct Recorder;

impl Function for Recorder {
    type State = Log;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("test/recorder")
    }
    async fn invoke(&self, _: &mut Context, state: &mut Log, msg: Message) -> Result<(), BoxError> {
        let text = msg.as_string()?;
        state
            .received
            .update(|log| Some(format!("{}{text},", log.unwrap_or_default())));
        Ok(())
    }
}

/// Forwards each message to the recorder `r`.
pub(super) struct Relay(pub(super) &'static str);

impl Function for Relay {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::new(self.0).unwrap()
    }
    async fn invoke(&self, ctx: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
        ctx.send(
            at(TypeName::from_static("test/recorder"), "r"),
            msg.as_str()?,
        )?;
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Reordering keeps what one sender sends to one address in order, and interleaves the
    /// senders.
    #[test]
    fn messages_from_one_sender_keep_their_order(seed in any::<u64>()) {
        let functions = Functions::new().with(Recorder).with(Relay("test/left")).with(Relay("test/right"));
        let mut rt = LocalRuntime::new(functions)
            .with_faults(Faults::seeded(seed).with_redelivery(0.0).with_crashes(0.0));
        for i in 0..10 {
            rt.send(at(TypeName::from_static("test/left"), "l"), format!("l{i}").as_str()).unwrap();
            rt.send(at(TypeName::from_static("test/right"), "r"), format!("r{i}").as_str()).unwrap();
        }
        futures_util::FutureExt::now_or_never(rt.run_until_quiescent()).unwrap().unwrap();
        let log = rt.state::<String>(&at(TypeName::from_static("test/recorder"), "r"), "received").unwrap().unwrap();
        for side in ["l", "r"] {
            let order: Vec<usize> = log
                .split(',')
                .filter_map(|entry| entry.strip_prefix(side)?.parse().ok())
                .collect();
            prop_assert_eq!(order, (0..10).collect::<Vec<_>>());
        }
    }
}

#[tokio::test]
async fn reordering_interleaves_senders_differently_for_some_seeds() {
    let mut logs = HashSet::new();
    for seed in 0..10 {
        let functions = Functions::new()
            .with(Recorder)
            .with(Relay("test/left"))
            .with(Relay("test/right"));
        let mut rt = LocalRuntime::new(functions)
            .with_faults(Faults::seeded(seed).with_redelivery(0.0).with_crashes(0.0));
        assert_eq!(rt.seed(), Some(seed));
        for i in 0..5 {
            rt.send(
                at(TypeName::from_static("test/left"), "l"),
                format!("l{i}").as_str(),
            )
            .unwrap();
            rt.send(
                at(TypeName::from_static("test/right"), "r"),
                format!("r{i}").as_str(),
            )
            .unwrap();
        }
        rt.run_until_quiescent().await.unwrap();
        logs.insert(
            rt.state::<String>(&at(TypeName::from_static("test/recorder"), "r"), "received")
                .unwrap(),
        );
    }
    assert!(logs.len() > 1, "{logs:?}");
}

#[tokio::test]
async fn a_restore_rolls_back_state_timers_and_uncommitted_egress_and_reads_the_input_again() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let checkpoint = rt.snapshot();
    assert!(format!("{checkpoint:?}").contains("input: 1"));
    rt.send(at(COUNTER, "a"), "later:t").unwrap();
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_secs(5)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(2));
    rt.restore(&checkpoint);
    assert_eq!(count(&rt, "a"), Some(1));
    assert_eq!(rt.now(), Duration::ZERO);
    assert!(
        rt.take_egress(&EGRESS).is_empty(),
        "the egress after the checkpoint is dropped"
    );
    assert_eq!(rt.pending_delayed(), 0);
    // The two messages after the checkpoint are read again: the timer is set again.
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.pending_delayed(), 1);
    assert_eq!(rt.take_egress(&EGRESS).len(), 2);
}
