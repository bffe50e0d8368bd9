//! What a run reports: totals, every live value.

use super::*;

/// A report's counts, for comparing.
fn report(requests: usize, invocations: usize) -> RunReport {
    let mut report = RunReport::default();
    report.requests = requests;
    report.invocations = invocations;
    report
}

#[tokio::test]
async fn totals_count_every_run_failed_ones_included() {
    let mut rt = runtime();
    assert_eq!(rt.totals(), RunReport::default());
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    let first = rt.run_until_quiescent().await.unwrap();
    assert_eq!(
        first,
        report(3, 2),
        "negotiation, then a batch of 1, then a batch of 1"
    );
    assert_eq!(rt.totals(), first);

    rt.send(at(COUNTER, "a"), "fail").unwrap();
    rt.run_until_quiescent().await.unwrap_err();
    assert_eq!(
        rt.totals(),
        report(4, 2),
        "the failed request counts; its invocation was not delivered"
    );

    rt.send(at(COUNTER, "b"), "later:t").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!(
        rt.totals(),
        report(6, 4),
        "a run through `advance` counts once"
    );
}

#[tokio::test]
async fn states_lists_every_live_value_by_address_in_registration_order() {
    let mut rt = runtime();
    assert_eq!(rt.states().count(), 0);
    let later_ids = ["h", "g", "f", "e", "d"];
    for id in later_ids {
        rt.send(at(COUNTER, id), "inc").unwrap();
    }
    for (id, command) in [
        ("b", "inc"),
        ("b", "touch"),
        ("a", "touch"),
        ("a", "recent"),
        ("a", "inc"),
    ] {
        rt.send(at(COUNTER, id), command).unwrap();
    }
    // An instance that only ever failed has no value.
    rt.send(at(COUNTER, "c"), "fail").unwrap();
    rt.run_until_quiescent().await.unwrap_err();
    rt.run_until_quiescent().await.unwrap();

    let listed: Vec<(String, &str, &str, Bytes)> = rt
        .states()
        .map(|e| (e.address.to_string(), e.name, e.type_name, e.value.clone()))
        .collect();
    let int = |n: i32| statefun_core::Type::encode(&n).unwrap();
    let yes = statefun_core::Type::encode(&true).unwrap();
    let mut expected = vec![
        (
            "test/counter/a".to_owned(),
            "count",
            "io.statefun.types/int",
            int(1),
        ),
        (
            "test/counter/a".into(),
            "recent",
            "io.statefun.types/int",
            int(1),
        ),
        (
            "test/counter/a".into(),
            "touched",
            "io.statefun.types/bool",
            yes.clone(),
        ),
        (
            "test/counter/b".into(),
            "count",
            "io.statefun.types/int",
            int(1),
        ),
        (
            "test/counter/b".into(),
            "touched",
            "io.statefun.types/bool",
            yes,
        ),
    ];
    for id in later_ids.iter().rev() {
        expected.push((
            format!("test/counter/{id}"),
            "count",
            "io.statefun.types/int",
            int(1),
        ));
    }
    assert_eq!(listed, expected);

    rt.advance(Duration::from_secs(1)).await.unwrap();
    let names: Vec<String> = rt
        .states()
        .filter(|e| ["a", "b"].contains(&e.address.id()))
        .map(|e| format!("{}:{}", e.address, e.name))
        .collect();
    assert_eq!(
        names,
        ["test/counter/a:count", "test/counter/b:count"],
        "expired values are not listed"
    );
}

#[test]
fn the_limits_read_back_as_set() {
    let rt = LocalRuntime::empty();
    assert_eq!((rt.max_batch(), rt.max_requests()), (1000, 100_000));
    let rt = rt.with_max_batch(7).with_max_requests(42);
    assert_eq!((rt.max_batch(), rt.max_requests()), (7, 42));
    assert_eq!(
        LocalRuntime::empty().with_max_batch(0).max_batch(),
        1,
        "at least one"
    );
}
