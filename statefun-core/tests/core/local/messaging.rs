//! Routing and batching: state per address, spec negotiation, batches while a request is in flight, delayed messages and their cancellation tokens.

use super::*;

#[tokio::test]
async fn state_is_kept_per_address_across_messages() {
    let mut rt = runtime();
    for _ in 0..3 {
        rt.send(at(COUNTER, "a"), "inc").unwrap();
    }
    rt.send(at(COUNTER, "b"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(count(&rt, "a"), Some(3));
    assert_eq!(count(&rt, "b"), Some(1));
    assert_eq!(count(&rt, "c"), None);
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(count(&rt, "a"), Some(4));
}

#[tokio::test]
async fn specs_are_learned_by_negotiation_then_the_same_invocations_resent() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    let report = rt.run_until_quiescent().await.unwrap();
    assert_eq!(report.requests, 2, "one incomplete, one retried");
    let batches = rt.batches();
    assert!(batches[0].incomplete && batches[0].states.is_empty());
    assert!(!batches[1].incomplete);
    assert_eq!(batches[1].states, ["count", "recent", "touched"]);
    assert_eq!(batches[0].invocations, batches[1].invocations);
    assert_eq!(
        rt.registered_states(&COUNTER),
        ["count", "recent", "touched"]
    );
    assert_eq!(count(&rt, "a"), Some(1), "the invocation ran exactly once");
}

#[tokio::test]
async fn messages_arriving_while_in_flight_are_batched_up_to_the_maximum() {
    let mut rt = runtime().with_max_batch(2);
    for _ in 0..5 {
        rt.send(at(COUNTER, "a"), "inc").unwrap();
    }
    rt.run_until_quiescent().await.unwrap();
    let sizes: Vec<usize> = rt
        .batches()
        .iter()
        .filter(|b| !b.incomplete)
        .map(|b| b.invocations)
        .collect();
    assert_eq!(
        sizes,
        [1, 2, 2],
        "the first goes alone; the rest queue while it is in flight"
    );
    assert_eq!(count(&rt, "a"), Some(5));
}

#[tokio::test]
async fn delayed_messages_fire_on_the_virtual_clock_and_cancelled_ones_do_not() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "later:t1").unwrap();
    rt.send(at(COUNTER, "a"), "later:t2").unwrap();
    rt.send(at(COUNTER, "a"), "cancel:t2").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.pending_delayed(), 1);
    rt.advance(Duration::from_millis(1999)).await.unwrap();
    assert_eq!(count(&rt, "a"), None, "not due yet");
    rt.advance(Duration::from_millis(1)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(1), "t1 fired, t2 was cancelled");
    rt.advance(Duration::from_secs(60)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(1));
    assert_eq!(rt.now(), Duration::from_millis(62_000));
}

#[tokio::test]
async fn a_cancellation_removes_its_timer_only() {
    let mut rt = runtime();
    for command in ["later:t1", "later:t2", "later:t3", "cancel:t2"] {
        rt.send(at(COUNTER, "a"), command).unwrap();
    }
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.pending_delayed(), 2);
    rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(2), "t1 and t3 fired");
}

#[tokio::test]
async fn a_cancelled_token_can_be_used_again_at_once() {
    let mut rt = runtime();
    for command in ["later:t", "cancel:t", "later:t"] {
        rt.send(at(COUNTER, "a"), command).unwrap();
    }
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.pending_delayed(), 1);
    rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(1));
}

#[tokio::test]
async fn a_pending_token_cannot_be_reused() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "later:t").unwrap();
    rt.send(at(COUNTER, "a"), "later:t").unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err();
    assert!(matches!(err, LocalError::DuplicateToken { .. }), "{err}");
}
