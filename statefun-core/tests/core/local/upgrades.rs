//! A function that adds a state between two runs against the same runtime.

use super::*;

#[tokio::test]
async fn a_state_added_between_two_runs_is_registered_and_old_state_kept() {
    let v1: Arc<dyn Transport> = Arc::new(Handler::new(Functions::new().with(CounterV1)));
    let endpoint = Swappable(Arc::new(Mutex::new(v1)));
    let mut rt = LocalRuntime::empty().with_namespace_transport("test", endpoint.clone());
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.registered_states(&COUNTER), ["count"]);
    assert_eq!(count(&rt, "a"), Some(2));

    *endpoint.0.lock().unwrap() = Arc::new(Handler::new(Functions::new().with(Counter)));
    let before = rt.batches().len();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let new_batches = &rt.batches()[before..];
    assert_eq!(new_batches.len(), 2);
    assert!(new_batches[0].incomplete, "v2 asks for its new states");
    assert_eq!(new_batches[0].states, ["count"]);
    assert_eq!(new_batches[1].states, ["count", "recent", "touched"]);
    assert_eq!(
        count(&rt, "a"),
        Some(3),
        "the old state survived the redeploy"
    );
}
