//! The probabilities of `Faults` taken at their word: 0 never, 1 always, in between
//! sometimes; and no reordering when it is off.

use statefun_core::local::Faults;

use super::{
    test_kit::{Recorder, Relay, charge},
    *,
};

/// 30 charges in batches (see `charge`): how many times the function ran.
async fn runs(faults: Faults) -> usize {
    charge(Some(faults), 30).await.0
}

#[tokio::test]
async fn a_probability_of_zero_never_redelivers_nor_crashes() {
    for seed in 0..8 {
        let faults = Faults::seeded(seed).with_redelivery(0.0).with_crashes(0.0);
        assert_eq!(runs(faults).await, 30, "seed {seed}");
    }
}

#[tokio::test]
async fn a_probability_of_one_redelivers_every_batch() {
    for seed in 0..4 {
        let faults = Faults::seeded(seed).with_redelivery(1.0).with_crashes(0.0);
        assert_eq!(runs(faults).await, 60, "seed {seed}");
    }
}

#[tokio::test]
async fn a_probability_in_between_redelivers_some_batches() {
    let mut seen = Vec::new();
    for seed in 0..4 {
        let faults = Faults::seeded(seed).with_redelivery(0.5).with_crashes(0.0);
        seen.push(runs(faults).await);
    }
    assert!(seen.iter().all(|&n| n > 30 && n < 60), "{seen:?}");
}

/// The recorder's log when `left` and `right` each relay five messages to it.
async fn relayed(faults: Option<Faults>) -> String {
    let functions = Functions::new()
        .with(Recorder)
        .with(Relay("test/left"))
        .with(Relay("test/right"));
    let mut rt = LocalRuntime::new(functions);
    if let Some(faults) = faults {
        rt = rt.with_faults(faults);
    }
    for i in 0..5 {
        for (side, id) in [("test/left", "l"), ("test/right", "r")] {
            let to = at(TypeName::new(side).unwrap(), id);
            rt.send(to, format!("{id}{i}").as_str()).unwrap();
        }
    }
    rt.run_until_quiescent().await.unwrap();
    rt.state::<String>(&at(TypeName::from_static("test/recorder"), "r"), "received")
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn without_reordering_messages_arrive_as_without_faults() {
    let plain = relayed(None).await;
    for seed in 0..8 {
        let faults = Faults::seeded(seed)
            .with_redelivery(0.0)
            .with_crashes(0.0)
            .with_reordering(false);
        assert_eq!(relayed(Some(faults)).await, plain, "seed {seed}");
    }
}

#[tokio::test]
async fn certain_crashes_are_bounded_per_run_and_lose_nothing() {
    for seed in 0..4 {
        let faults = Faults::seeded(seed).with_redelivery(0.0).with_crashes(1.0);
        let (counted, distinct, in_state) = charge(Some(faults), 30).await;
        // Each crash restores the last checkpoint and runs again what came after it; the run
        // still ends, with every charge in state exactly once.
        assert!(
            counted > 30,
            "seed {seed}: no crash replayed anything ({counted})"
        );
        assert_eq!((distinct, in_state), (30, 30), "seed {seed}");
    }
}

/// Records, in one list shared by every address, the id of each address it runs for.
struct Tally(Arc<Mutex<Vec<String>>>);

impl Function for Tally {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("test/tally")
    }
    async fn invoke(&self, ctx: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        let id = ctx.self_address().id().to_owned();
        self.0.lock().unwrap().push(id);
        Ok(())
    }
}

/// The order in which ten addresses, each sent one message before the run, ran.
async fn ran(faults: Option<Faults>) -> Vec<String> {
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut rt = LocalRuntime::new(Functions::new().with(Tally(order.clone())));
    if let Some(faults) = faults {
        rt = rt.with_faults(faults);
    }
    for id in 0..10 {
        let to = at(TypeName::from_static("test/tally"), &id.to_string());
        rt.send(to, "go").unwrap();
    }
    rt.run_until_quiescent().await.unwrap();
    order.lock().unwrap().clone()
}

#[tokio::test]
async fn reordering_runs_the_ready_addresses_in_an_order_the_seed_picks() {
    let sent: Vec<String> = (0..10).map(|id| id.to_string()).collect();
    assert_eq!(ran(None).await, sent);
    let quiet = |seed| Faults::seeded(seed).with_redelivery(0.0).with_crashes(0.0);
    let mut orders = Vec::new();
    for seed in 0..10 {
        assert_eq!(ran(Some(quiet(seed).with_reordering(false))).await, sent);
        let order = ran(Some(quiet(seed))).await;
        let mut sorted = order.clone();
        sorted.sort_by_key(|id| id.parse::<u32>().unwrap());
        assert_eq!(sorted, sent, "seed {seed}: each address runs once");
        orders.push(order);
    }
    assert!(orders.iter().any(|order| *order != sent), "{orders:?}");
}

#[tokio::test]
async fn a_redelivered_batch_counts_as_two_requests() {
    let order = Arc::new(Mutex::new(Vec::new()));
    let faults = Faults::seeded(1).with_redelivery(1.0).with_crashes(0.0);
    let mut rt = LocalRuntime::new(Functions::new().with(Tally(order.clone()))).with_faults(faults);
    rt.send(at(TypeName::from_static("test/tally"), "t"), "go")
        .unwrap();
    assert_eq!(rt.run_until_quiescent().await.unwrap().requests, 2);
    assert_eq!(*order.lock().unwrap(), ["t", "t"]);
}

/// Two runs of ten tally addresses, one message each: each run's report, then the totals.
async fn counted(faults: Faults) -> [RunReport; 3] {
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut rt = LocalRuntime::new(Functions::new().with(Tally(order))).with_faults(faults);
    let mut run = async || {
        for id in 0..10 {
            let to = at(TypeName::from_static("test/tally"), &id.to_string());
            rt.send(to, "go").unwrap();
        }
        rt.run_until_quiescent().await.unwrap()
    };
    let (first, second) = (run().await, run().await);
    [first, second, rt.totals()]
}

#[tokio::test]
async fn the_report_counts_the_crashes_at_most_three_per_run() {
    for seed in 0..4 {
        let certain = Faults::seeded(seed).with_redelivery(0.0).with_crashes(1.0);
        let [first, second, totals] = counted(certain).await;
        assert_eq!((first.crashes, second.crashes), (3, 3), "seed {seed}");
        assert_eq!(totals.crashes, 6, "seed {seed}");
        assert_eq!(totals.redeliveries, 0, "seed {seed}");
        let never = Faults::seeded(seed).with_redelivery(0.0).with_crashes(0.0);
        assert_eq!(counted(never).await[2].crashes, 0, "seed {seed}");
    }
}

#[tokio::test]
async fn the_report_counts_the_redeliveries() {
    let every = Faults::seeded(3).with_redelivery(1.0).with_crashes(0.0);
    let [first, second, totals] = counted(every).await;
    for report in [first, second] {
        assert_eq!((report.requests, report.redeliveries), (20, 10));
        assert_eq!((report.invocations, report.crashes), (10, 0));
    }
    assert_eq!(totals.requests, 40);
    assert_eq!(totals.invocations, 20);
    assert_eq!(totals.redeliveries, 20);
}
