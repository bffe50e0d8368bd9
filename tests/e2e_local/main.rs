//! The end-to-end scenarios through `statefun::local::LocalRuntime`: the same functions
//! (`examples/e2e_functions.rs`), the same inputs and, where the local runtime can express
//! it, the same induced failures as `tests/e2e/run.sh` runs against the real StateFun
//! runtime; the egress must be exactly what the real runtime gives
//! (`tests/e2e/expected/features.txt` and `tests/e2e/expected/exactly-once.txt`). That is
//! what makes a test written against the local runtime trustworthy. `tests/e2e/README.md`
//! ("The local runtime") says what it cannot reproduce.
//!
//! The function service is three in-process replicas taken in turn (as nginx does), one of
//! which is replaced by a fresh one mid-run (a crashed or redeployed replica). The real
//! scenario's Flink failure (restart from the last completed checkpoint) is the local
//! runtime's `snapshot` at the checkpoint and `restore` at the failure: state, delayed
//! messages and the egress not committed go back, and the input since is read again, with
//! the same replicas (the service outlives a Flink restart); what the run emitted after the
//! checkpoint is dropped, as the exactly-once Kafka egress aborts it.

#![cfg(feature = "actix")] // the example serves with `statefun::serve`

mod dead_letters;
#[path = "../../examples/e2e_functions.rs"]
#[allow(dead_code)] // its `main`
mod e2e_functions;
mod java_random;
mod messages;
mod render;
mod workload;

use std::{
    future::Future,
    ops::Range,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use prost::Message as _;
use statefun::{
    Address, BoxError, Bytes, Handler, OutgoingMessage, TypeName,
    local::{EgressRecord, LocalRuntime, Transport},
};

use messages::{COMMANDS, Command, Commands, Kind, Report, Reported};
use workload::{Expected, Workload, instance_id};

const CMD: TypeName = TypeName::from_static("e2e/cmd");
const REPLICAS: usize = 3;

/// Three in-process replicas of the function service, taken in turn.
struct Replicas {
    make: fn() -> Handler,
    handlers: Mutex<Vec<Handler>>,
    next: AtomicUsize,
    served: [AtomicUsize; REPLICAS],
    restarts: AtomicUsize,
}

impl Replicas {
    fn new() -> Arc<Self> {
        Self::serving(replica)
    }

    /// Replicas each serving what `make` gives (also when one is replaced).
    fn serving(make: fn() -> Handler) -> Arc<Self> {
        Arc::new(Self {
            make,
            handlers: Mutex::new((0..REPLICAS).map(|_| make()).collect()),
            next: AtomicUsize::new(0),
            served: Default::default(),
            restarts: AtomicUsize::new(0),
        })
    }

    /// Replica `i` goes away and a fresh process takes its place.
    fn restart(&self, i: usize) {
        self.handlers.lock().unwrap()[i] = (self.make)();
        self.restarts.fetch_add(1, Ordering::Relaxed);
    }

    fn served(&self) -> String {
        let counts: Vec<String> = self
            .served
            .iter()
            .enumerate()
            .map(|(i, n)| format!("r{}={}", i + 1, n.load(Ordering::Relaxed)))
            .collect();
        counts.join(" ")
    }
}

fn replica() -> Handler {
    Handler::new(e2e_functions::functions())
}

/// The runtime's one endpoint for `e2e/*` (module.yaml's `urlPathTemplate`).
struct Pool(Arc<Replicas>);

impl Transport for Pool {
    fn call(
        &self,
        _: &Address,
        request: Bytes,
    ) -> Pin<Box<dyn Future<Output = Result<Bytes, BoxError>> + Send + '_>> {
        let i = self.0.next.fetch_add(1, Ordering::Relaxed) % REPLICAS;
        self.0.served[i].fetch_add(1, Ordering::Relaxed);
        let handler = self.0.handlers.lock().unwrap()[i].clone();
        Box::pin(async move { handler.handle(request).await.map_err(BoxError::from) })
    }
}

fn runtime(replicas: &Arc<Replicas>) -> LocalRuntime {
    LocalRuntime::empty().with_namespace_transport("e2e", Pool(replicas.clone()))
}

fn render_all(records: &[(TypeName, EgressRecord)]) -> Vec<String> {
    records.iter().map(|(e, r)| render::line(e, r)).collect()
}

fn expected_lines(file: &str) -> Vec<String> {
    let path = format!("{}/tests/e2e/expected/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Scenario 1: the six ingress messages of `FeaturesSource.java` (the Kafka scenario writes
/// the same ones to its topics), then the virtual clock past the delayed `check` (3.5 s).
#[tokio::test]
async fn features_give_the_egress_of_the_real_runtime() -> Result<(), BoxError> {
    let replicas = Replicas::new();
    let mut runtime = runtime(&replicas);
    let greeter = TypeName::from_static("e2e/greeter");
    let keeper = TypeName::from_static("e2e/keeper");
    let greet = TypeName::from_static("e2e/Greet");
    let json = |name: &str| Bytes::from(format!(r#"{{"name":"{name}"}}"#));
    for (id, name) in [("alice", "Alice"), ("bob", "Bob"), ("alice", "Alice")] {
        let target = Address::new(greeter.clone(), id);
        runtime.send_message(OutgoingMessage::raw(target, &greet, json(name))?);
    }
    for command in ["put", "cancel", "delete"] {
        runtime.send(Address::new(keeper.clone(), "k1"), command)?;
    }
    runtime.run_until_quiescent().await?;
    runtime.advance(Duration::from_millis(3600)).await?;
    let mut actual = render_all(&runtime.take_all_egress());
    // Nothing more may come (the cancelled message, a duplicate): the real run waits 1.5 s.
    runtime.advance(Duration::from_secs(10)).await?;
    actual.extend(render_all(&runtime.take_all_egress()));
    assert_eq!(runtime.pending_delayed(), 0);

    let mut expected = expected_lines("features.txt");
    // The runtime orders records per emitting address only; so does the real run's check.
    actual.sort();
    expected.sort();
    assert_eq!(
        actual, expected,
        "the egress differs from tests/e2e/expected/features.txt"
    );
    println!(
        "[local] features: {} egress records, all as in expected/features.txt; requests per replica: {}",
        actual.len(),
        replicas.served()
    );
    Ok(())
}

/// Ingress messages `range` of the workload, 50 at a time, 50 ms of virtual time after each
/// 50 (about the rate the real job takes them at), so delayed messages interleave.
async fn feed(
    runtime: &mut LocalRuntime,
    workload: &Workload,
    range: Range<i32>,
    mut at: impl FnMut(i32),
) -> Result<(), BoxError> {
    const CHUNK: i32 = 50;
    let mut i = range.start;
    while i < range.end {
        let end = (i + CHUNK).min(range.end);
        for index in i..end {
            at(index);
            let m = workload.message(index);
            let target = Address::new(CMD, instance_id(m.target));
            let commands = Bytes::from(m.commands.encode_to_vec());
            let typename = TypeName::new(COMMANDS)?;
            runtime.send_message(OutgoingMessage::raw(target, &typename, commands)?);
        }
        runtime.advance(Duration::from_millis(50)).await?;
        i = end;
    }
    Ok(())
}

/// Scenario 2 as the Kafka scenario runs it: the workload of `Workload.java` (seed 7, 10,000
/// messages, 64 instances), discards and reports to Kafka topics, a replica killed at 15 %
/// and another at 60 %, and a failure at 50 % that rewinds to the checkpoint at 25 %.
#[tokio::test]
async fn exactly_once_counts_are_those_of_the_real_runtime() -> Result<(), BoxError> {
    const DISCARDS: &str = "eo-discards";
    const REPORTS: &str = "eo-reports";
    let expected = Expected::read();
    let workload = expected.workload(DISCARDS);
    let totals = workload.totals();
    assert_eq!(
        totals,
        expected.totals(),
        "the Rust port of Workload.java does not draw what Java draws"
    );
    let n = workload.messages;
    let (checkpoint, failure) = (n / 4, n / 2);
    let replicas = Replicas::new();

    // The run: what it emits before the checkpoint is committed; at the failure it goes back
    // to the checkpoint (`restore`), dropping what it emitted since (the aborted Kafka
    // transaction) and reading the input since again, as the real job does after a restore.
    let mut restored = runtime(&replicas);
    feed(&mut restored, &workload, 0..checkpoint, |i| {
        if i == n * 15 / 100 {
            replicas.restart(0);
        }
    })
    .await?;
    let mut committed = restored.take_all_egress();
    let at_checkpoint = restored.snapshot();
    feed(&mut restored, &workload, checkpoint..failure, |_| {}).await?;
    let aborted = restored.take_all_egress().len();
    restored.restore(&at_checkpoint);
    feed(&mut restored, &workload, failure..n, |i| {
        if i == n * 60 / 100 {
            replicas.restart(1);
        }
    })
    .await?;
    restored.advance(Duration::from_secs(1)).await?;
    assert_eq!(restored.pending_delayed(), 0);
    for i in 0..workload.instances {
        let report = Commands {
            commands: vec![Command {
                kind: Some(Kind::Report(Report {
                    expected: totals.expected[i as usize],
                    round: 1,
                    topic: REPORTS.to_owned(),
                })),
            }],
        };
        let target = Address::new(CMD, instance_id(i));
        let typename = TypeName::new(COMMANDS)?;
        restored.send_message(OutgoingMessage::raw(
            target,
            &typename,
            report.encode_to_vec().into(),
        )?);
    }
    restored.run_until_quiescent().await?;
    committed.extend(restored.take_all_egress());

    let mut discards = 0u64;
    let mut actual = vec![None; workload.instances as usize];
    for (egress, record) in &committed {
        assert_eq!(
            egress.as_str(),
            "e2e/kafka",
            "only Kafka records are expected"
        );
        let EgressRecord::Kafka(r) = record else {
            panic!("not a Kafka record: {record:?}");
        };
        match r.topic.as_str() {
            DISCARDS => {
                assert_eq!(
                    r.value,
                    r.key.as_bytes(),
                    "a discard's key and value are its id"
                );
                discards += 1;
            }
            REPORTS => {
                let reported = Reported::decode(r.value.clone())?;
                assert_eq!(reported.id, r.key, "a report's key is its instance id");
                let i = workload::index(&reported.id);
                assert!(actual[i].is_none(), "{} reported twice", reported.id);
                actual[i] = Some(reported.actual);
            }
            other => panic!("a record to an unexpected topic {other}"),
        }
    }
    assert_eq!(discards, totals.discards, "discard records (exactly once)");
    let wrong: Vec<String> = (0..workload.instances)
        .filter(|&i| actual[i as usize] != Some(totals.expected[i as usize]))
        .map(|i| {
            let want = totals.expected[i as usize];
            match actual[i as usize] {
                Some(got) if got > want => {
                    format!(
                        "DUPLICATION: {} counted {got}, expected {want}",
                        instance_id(i)
                    )
                }
                Some(got) => format!("LOSS: {} counted {got}, expected {want}", instance_id(i)),
                None => format!("LOSS: {} did not report", instance_id(i)),
            }
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "counts differ from tests/e2e/expected/exactly-once.txt:\n{}",
        wrong.join("\n")
    );
    println!(
        "[local] exactly-once: {} ingress messages, {} increments counted exactly once, {} discards; \
         failure at message {failure} rewound to the checkpoint at {checkpoint} ({aborted} records aborted); \
         {} replica restarts; requests per replica: {}",
        workload.messages,
        totals.increments,
        discards,
        replicas.restarts.load(Ordering::Relaxed),
        replicas.served()
    );
    Ok(())
}
