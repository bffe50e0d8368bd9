//! The exactly-once workload of `tests/e2e/harness/.../Workload.java`, drawn the same way
//! (message `i` depends only on the seed and `i`), and the committed figures it must give
//! (`tests/e2e/expected/exactly-once.txt`).

use std::collections::BTreeMap;

use crate::{
    java_random::SplittableRandom,
    messages::{Command, Commands, Discard, Increment, Kind, SendDelayed, SendNow},
};

const MAX_DEPTH: i32 = 3;
const MAX_DELAY_MS: i32 = 250;

pub struct Workload {
    pub seed: i64,
    pub instances: i32,
    pub messages: i32,
    /// The Kafka topic of every Discard command (the Kafka scenario's inputs).
    pub discard_topic: String,
}

/// One ingress message: the instance it goes to and its command tree.
pub struct Message {
    pub target: i32,
    pub commands: Commands,
}

#[derive(Default, Debug, PartialEq)]
pub struct Totals {
    pub sends: u64,
    pub delayed: u64,
    pub increments: u64,
    pub discards: u64,
    pub expected: Vec<i64>,
}

pub fn instance_id(i: i32) -> String {
    format!("n{i:03}")
}

pub fn index(id: &str) -> usize {
    id[1..]
        .parse()
        .expect("an instance id is n followed by digits")
}

impl Workload {
    pub fn message(&self, index: i32) -> Message {
        let mut rnd = SplittableRandom::new(
            self.seed
                .wrapping_mul(1_000_003)
                .wrapping_add(i64::from(index)),
        );
        let target = rnd.next_int(self.instances);
        let depth = rnd.next_int(MAX_DEPTH + 1);
        Message {
            target,
            commands: self.tree(&mut rnd, depth),
        }
    }

    fn tree(&self, rnd: &mut SplittableRandom, depth: i32) -> Commands {
        let n = 1 + rnd.next_int(3);
        let mut commands = Vec::new();
        for _ in 0..n {
            let p = rnd.next_int(100);
            let kind = if p < 45 || (depth == 0 && p < 80) {
                Kind::Increment(Increment {})
            } else if depth == 0 || p >= 90 {
                Kind::Discard(Discard {
                    topic: self.discard_topic.clone(),
                })
            } else if p < 75 {
                let target = instance_id(rnd.next_int(self.instances));
                Kind::Send(SendNow {
                    target,
                    commands: Some(self.tree(rnd, depth - 1)),
                })
            } else {
                let target = instance_id(rnd.next_int(self.instances));
                let delay_ms = i64::from(1 + rnd.next_int(MAX_DELAY_MS));
                Kind::SendDelayed(SendDelayed {
                    target,
                    delay_ms,
                    commands: Some(self.tree(rnd, depth - 1)),
                })
            };
            commands.push(Command { kind: Some(kind) });
        }
        Commands { commands }
    }

    /// What the whole workload adds to each counter, and how many of each command it has.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            expected: vec![0; self.instances as usize],
            ..Totals::default()
        };
        for i in 0..self.messages {
            let m = self.message(i);
            apply(&mut t, m.target as usize, &m.commands);
        }
        t
    }
}

fn apply(t: &mut Totals, target: usize, commands: &Commands) {
    for command in &commands.commands {
        match command.kind.as_ref().expect("every command has a kind") {
            Kind::Increment(_) => {
                t.expected[target] += 1;
                t.increments += 1;
            }
            Kind::Send(s) => {
                t.sends += 1;
                apply(t, index(&s.target), s.commands.as_ref().unwrap());
            }
            Kind::SendDelayed(s) => {
                t.delayed += 1;
                apply(t, index(&s.target), s.commands.as_ref().unwrap());
            }
            Kind::Discard(_) => t.discards += 1,
            Kind::Report(_) | Kind::Reject(_) => {}
        }
    }
}

/// `tests/e2e/expected/exactly-once.txt`: the workload's parameters, totals and counts.
pub struct Expected {
    pub values: BTreeMap<String, i64>,
}

impl Expected {
    pub fn read() -> Self {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/e2e/expected/exactly-once.txt"
        );
        let text = std::fs::read_to_string(path).expect("tests/e2e/expected/exactly-once.txt");
        let values = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (k, v) = l.split_once(' ').expect("`name value` lines");
                (k.to_owned(), v.trim().parse().expect("a number"))
            })
            .collect();
        Self { values }
    }

    pub fn get(&self, key: &str) -> i64 {
        self.values[key]
    }

    /// The workload the file was written for, with `discard_topic`.
    pub fn workload(&self, discard_topic: &str) -> Workload {
        Workload {
            seed: self.get("seed"),
            instances: self.get("instances") as i32,
            messages: self.get("messages") as i32,
            discard_topic: discard_topic.to_owned(),
        }
    }

    /// The file's totals and counts, for comparing with [`Workload::totals`].
    pub fn totals(&self) -> Totals {
        let n = self.get("instances") as i32;
        Totals {
            sends: self.get("sends") as u64,
            delayed: self.get("delayed") as u64,
            increments: self.get("increments") as u64,
            discards: self.get("discards") as u64,
            expected: (0..n).map(|i| self.get(&instance_id(i))).collect(),
        }
    }
}
