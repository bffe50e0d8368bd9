//! Scenario 9 (dead-letters) through the local runtime: the exactly-once workload with the
//! poison of `tests/e2e/expected/dead-letters.txt` among it (the records `Poison.java` writes
//! to Kafka in the real run, read from that file so that both runtimes get the same bytes),
//! served with the scenario's dead-letter policy. It must give exactly the file's dead
//! letters (target, typename, value, reason, caller; a non-empty error; keyed by the target)
//! and exactly the good workload's counts and discards; without the policy the run fails at
//! the first poison, where the real runtime's job starts its restart loop.

use std::{collections::BTreeMap, time::Duration};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use prost::Message as _;
use statefun::{
    Address, BoxError, Bytes, Handler, OutgoingMessage, TypeName,
    local::{EgressRecord, LocalRuntime},
};

use super::{CMD, Replicas, e2e_functions, runtime};
use crate::{
    messages::{COMMANDS, Command, Commands, Kind, Report, Reported},
    workload::{self, Expected, Workload, instance_id},
};

/// One poison record of the file, and the dead letter it must give (rendered as
/// `DeadLetterCheck.java` renders one).
struct Poison {
    after: i32,
    typename: &'static str,
    key: String,
    value: Bytes,
    letter: String,
}

/// `tests/e2e/expected/dead-letters.txt`: the workload's discard topic and the poison.
fn read_poison(workload: &Workload) -> (String, Vec<Poison>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/e2e/expected/dead-letters.txt"
    );
    let text = std::fs::read_to_string(path).expect("tests/e2e/expected/dead-letters.txt");
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<&str> = lines.by_ref().take(4).collect();
    assert_eq!(
        header[..3],
        [
            format!("seed {}", workload.seed),
            format!("instances {}", workload.instances),
            format!("messages {}", workload.messages),
        ],
        "dead-letters.txt is for another workload than exactly-once.txt"
    );
    let discards = header[3].strip_prefix("discards ").expect("discards TOPIC");
    let field = |line: &str, name: &str| -> String {
        let start = line.find(&format!(" {name}=")).expect(name) + name.len() + 2;
        line[start..]
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let poison = lines
        .map(|line| {
            let (record, letter) = line.split_once(" => ").expect("RECORD => LETTER");
            Poison {
                after: field(record, "after").parse().expect("after=INDEX"),
                typename: match field(record, "topic").as_str() {
                    "notes" => "e2e/Note",
                    _ => COMMANDS,
                },
                key: field(record, "key"),
                value: STANDARD.decode(field(record, "value")).unwrap().into(),
                letter: letter.to_owned(),
            }
        })
        .collect();
    (discards.to_owned(), poison)
}

/// A record of the dead-letter topic as `DeadLetterCheck.java` renders it from its JSON, with
/// what is wrong about it appended.
fn render(key: &str, json: &[u8]) -> String {
    let j: serde_json::Value = serde_json::from_slice(json).expect("a dead letter's JSON");
    let address = |a: &serde_json::Value| {
        format!(
            "{}/{}/{}",
            a["namespace"].as_str().unwrap(),
            a["type"].as_str().unwrap(),
            a["id"].as_str().unwrap()
        )
    };
    let target = address(&j["target"]);
    let caller = if j["caller"].is_null() {
        "-".to_owned()
    } else {
        address(&j["caller"])
    };
    let mut line = format!(
        "target={target} typename={} reason={} caller={caller} value={}",
        j["typename"].as_str().unwrap(),
        j["reason"].as_str().unwrap(),
        j["value"].as_str().unwrap()
    );
    if key != target {
        line += &format!(" WRONG-KEY={key}");
    }
    if j["has_value"] != serde_json::Value::Bool(true) {
        line += " NO-VALUE";
    }
    if j["error"].as_str().unwrap_or_default().is_empty() {
        line += " EMPTY-ERROR";
    }
    line
}

/// The workload with the poison after the messages they follow: 50 messages at a time, 50 ms
/// of virtual time after each 50, as `feed` does.
async fn feed_with_poison(
    runtime: &mut LocalRuntime,
    workload: &Workload,
    poison: &[Poison],
) -> Result<(), BoxError> {
    let commands = TypeName::new(COMMANDS)?;
    let mut next = 0;
    for index in 0..workload.messages {
        let m = workload.message(index);
        let target = Address::new(CMD, instance_id(m.target));
        runtime.send_message(OutgoingMessage::raw(
            target,
            &commands,
            m.commands.encode_to_vec().into(),
        )?);
        while let Some(p) = poison.get(next).filter(|p| p.after == index) {
            let typename = TypeName::new(p.typename)?;
            let target = Address::new(CMD, p.key.clone());
            runtime.send_message(OutgoingMessage::raw(target, &typename, p.value.clone())?);
            next += 1;
        }
        if (index + 1) % 50 == 0 {
            runtime.advance(Duration::from_millis(50)).await?;
        }
    }
    runtime.advance(Duration::from_secs(1)).await?;
    Ok(())
}

#[tokio::test]
async fn dead_letters_are_those_of_the_real_runtime() -> Result<(), BoxError> {
    const REPORTS: &str = "dl-reports";
    let expected = Expected::read();
    let (discard_topic, poison) = read_poison(&expected.workload(""));
    let workload = expected.workload(&discard_topic);
    let totals = workload.totals();
    let replicas = Replicas::serving(|| {
        Handler::new(
            e2e_functions::functions().with_dead_letters(e2e_functions::dead_letter_policy()),
        )
    });
    let mut runtime = runtime(&replicas);
    feed_with_poison(&mut runtime, &workload, &poison).await?;
    assert_eq!(runtime.pending_delayed(), 0);
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
        runtime.send_message(OutgoingMessage::raw(
            target,
            &typename,
            report.encode_to_vec().into(),
        )?);
    }
    runtime.run_until_quiescent().await?;

    let mut letters: BTreeMap<String, i32> = BTreeMap::new();
    let mut discards = 0;
    let mut actual = vec![None; workload.instances as usize];
    for (egress, record) in runtime.take_all_egress() {
        let EgressRecord::Kafka(r) = &record else {
            panic!("not a Kafka record: {record:?}");
        };
        match (egress.as_str(), r.topic.as_str()) {
            ("e2e/dead-letters", e2e_functions::DEAD_LETTER_TOPIC) => {
                assert!(record.dead_letter().is_some(), "a dead letter");
                *letters.entry(render(&r.key, &r.value)).or_default() += 1;
            }
            ("e2e/kafka", topic) if topic == discard_topic => discards += 1,
            ("e2e/kafka", REPORTS) => {
                let reported = Reported::decode(r.value.clone())?;
                actual[workload::index(&reported.id)] = Some(reported.actual);
            }
            other => panic!("a record to an unexpected egress and topic {other:?}"),
        }
    }
    let mut want: BTreeMap<String, i32> = BTreeMap::new();
    for p in &poison {
        *want.entry(p.letter.clone()).or_default() += 1;
    }
    assert_eq!(
        letters, want,
        "the dead letters differ from tests/e2e/expected/dead-letters.txt"
    );
    assert_eq!(discards, totals.discards, "discard records (exactly once)");
    let counts: Vec<Option<i64>> = totals.expected.iter().copied().map(Some).collect();
    assert_eq!(actual, counts, "counts differ from exactly-once.txt");
    let requests = runtime.totals().requests;

    // Without the policy: the first poison fails its batch, and so the run.
    let control_replicas = Replicas::new();
    let mut control = super::runtime(&control_replicas);
    let failure = feed_with_poison(&mut control, &workload, &poison)
        .await
        .expect_err("the default policy fails the batch of the first poison");
    assert!(failure.to_string().contains("e2e/cmd"), "{failure}");

    println!(
        "[local] dead-letters: {} ingress messages and {} poison records; {} dead letters, all as in \
         expected/dead-letters.txt; {} increments counted exactly once, {discards} discards; {requests} \
         requests; without the policy the run fails at the first poison: {failure}",
        workload.messages,
        poison.len(),
        want.values().sum::<i32>(),
        totals.increments,
    );
    Ok(())
}
