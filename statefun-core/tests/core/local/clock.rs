//! The virtual clock: state expiration, what `advance` reports, and the captured egress.

use super::*;

#[tokio::test]
async fn state_expires_after_write_and_after_call_on_the_virtual_clock() {
    let mut rt = runtime();
    let a = at(COUNTER, "a");
    rt.send(a.clone(), "recent").unwrap();
    rt.send(a.clone(), "touch").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_millis(600)).await.unwrap();
    // A call (that writes nothing) keeps `touched` alive but not `recent`.
    rt.send(a.clone(), "noop").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_millis(600)).await.unwrap();
    assert_eq!(
        rt.state::<i32>(&a, "recent").unwrap(),
        None,
        "1.2 s after its write"
    );
    assert_eq!(
        rt.state::<bool>(&a, "touched").unwrap(),
        Some(true),
        "0.6 s after the last call"
    );
    rt.advance(Duration::from_millis(400)).await.unwrap();
    assert_eq!(
        rt.state::<bool>(&a, "touched").unwrap(),
        None,
        "1 s after the last call"
    );
}

#[tokio::test]
async fn egress_is_captured_with_kafka_records_decoded() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let records = rt.take_egress(&EGRESS);
    assert_eq!(records.len(), 2);
    let EgressRecord::Kafka(kafka) = &records[0] else {
        panic!("expected a Kafka record, got {:?}", records[0]);
    };
    assert_eq!((kafka.topic.as_str(), kafka.key.as_str()), ("counts", "a"));
    assert_eq!(&kafka.value[..], b"1");
    assert_eq!(records[1].decode::<i32>().unwrap().unwrap(), 1);
    assert!(rt.take_egress(&EGRESS).is_empty(), "taken");

    // All at once, with their egress.
    rt.send(at(COUNTER, "b"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let all = rt.take_all_egress();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|(egress, _)| *egress == EGRESS));
    assert!(matches!(&all[0].1, EgressRecord::Kafka(kafka) if kafka.key == "b"));
    assert!(rt.take_all_egress().is_empty(), "taken");
}

#[tokio::test]
async fn an_expired_value_is_dropped_before_the_next_call() {
    let mut rt = runtime();
    let a = at(COUNTER, "a");
    rt.send(a.clone(), "touch").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_millis(1500)).await.unwrap();
    // The call comes 1.5 s after the last one: `touched` expired and is not sent, so the
    // call does not keep it alive.
    rt.send(a.clone(), "noop").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.state::<bool>(&a, "touched").unwrap(), None);
    assert_eq!(rt.states().count(), 0);
}

#[tokio::test]
async fn advance_reports_the_requests_and_invocations_of_what_it_fired() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "d"), "later:x").unwrap();
    rt.send(at(COUNTER, "e"), "later:y").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let report = rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!((report.requests, report.invocations), (2, 2));
    assert_eq!((count(&rt, "d"), count(&rt, "e")), (Some(1), Some(1)));
}

#[tokio::test]
async fn a_generic_egress_record_decodes_only_as_its_own_type() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let records = rt.take_egress(&EGRESS);
    assert_eq!(records[1].decode::<i32>().unwrap().unwrap(), 0);
    assert!(records[1].decode::<String>().is_none());
    assert!(records[1].decode::<i64>().is_none());
    assert!(
        records[0].decode::<i32>().is_none(),
        "a Kafka record is not a generic value"
    );
}

#[tokio::test]
async fn debug_shows_the_clock_the_instances_and_the_pending_timers() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "later:t").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(
        format!("{rt:?}"),
        "LocalRuntime { now: 0ns, instances: 1, pending_timers: 1, .. }"
    );
    rt.advance(Duration::from_secs(3)).await.unwrap();
    assert_eq!(
        format!("{rt:?}"),
        "LocalRuntime { now: 3s, instances: 1, pending_timers: 0, .. }"
    );
}
