//! The differential suite: our `Handler` and the official Python SDK (`apache-flink-statefun`
//! 3.3.0, its `RequestReplyHandler` in one `driver.py` process) answer the same structure-aware
//! mutations of the conformance requests, serving the same functions. Every difference must
//! match a row of the table of deliberate differences in docs/conformance.md; any other fails
//! the test and its request is saved under tests/differential/regressions/, which every later
//! run replays first. See tests/differential/README.md.

mod checks;
mod functions;
mod mutate;
mod outcome;
mod request;
mod table;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::Instant,
};

use statefun::Handler;
use statefun_test_support::conformance;

use mutate::Rng;
use outcome::Python;
use request::Request;
use table::{Case, Table};

/// The CI run: this many mutated requests from this seed (`STATEFUN_DIFF_CASES`,
/// `STATEFUN_DIFF_SEED` change them; tests/differential/run.sh passes them on).
const CASES: usize = 3000;
const SEED: u64 = 0x5EED_0014;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// The requests to mutate: every conformance vector.
fn bases() -> Vec<(String, Vec<u8>)> {
    conformance::all_vector_names()
        .into_iter()
        .map(|name| {
            let request = conformance::vector(&name).request;
            (name, request)
        })
        .collect()
}

/// Our functions answer every vector as the Python SDK did when the vectors were recorded:
/// the suite compares like with like. Needs no Python.
#[test]
fn our_functions_answer_every_vector_as_recorded() {
    let runtime = runtime();
    let handler = Handler::new(functions::functions());
    for name in conformance::all_vector_names() {
        let vector = conformance::vector(&name);
        let ours = outcome::ours(&runtime, &handler, &vector.request);
        if vector.python_status == 200 {
            assert_eq!(ours.status, 200, "{name}: {}", ours.describe());
            conformance::assert_same_answer(
                &name,
                &runtime
                    .block_on(handler.handle(vector.request.clone().into()))
                    .unwrap(),
                &vector.python_response,
            );
        } else {
            assert_eq!(ours.kind, "UnknownFunction", "{name}");
        }
    }
}

/// The table of deliberate differences parses, and every row names a known check.
#[test]
fn the_table_of_deliberate_differences_is_well_formed() {
    let table = Table::load(&root());
    assert!(table.rows.len() >= 5, "{} rows", table.rows.len());
}

/// A row accepts a difference only when its check confirms the row's reason: invented
/// differences with the right pair of answers but the wrong request are refused.
#[test]
fn the_table_accepts_only_what_its_checks_confirm() {
    let table = Table::load(&root());
    let outcome = |status: u16, kind: &str, detail: &str| outcome::Outcome {
        status,
        answer: (status == 200).then(|| serde_json::json!({ "empty": true })),
        kind: kind.to_owned(),
        detail: detail.to_owned(),
    };
    let explain = |request: &[u8], python: &outcome::Outcome, ours: &outcome::Outcome| {
        table
            .explain(&Case {
                request,
                python,
                ours,
            })
            .map(str::to_owned)
    };
    let greeter = conformance::vector("a-greeter").request;
    let effects = conformance::vector("d-effects").request;
    let unknown = conformance::vector("x-unknown-function").request;
    let ok = outcome(200, "", "");

    let duplicate = outcome(400, "InvalidRequest/DuplicateState", "");
    assert_eq!(explain(&greeter, &ok, &duplicate), None);
    let mut twice = Request::from_bytes(&greeter);
    twice.states.push(twice.states[0].clone());
    assert_eq!(
        explain(&twice.encode(), &ok, &duplicate).as_deref(),
        Some("duplicate-state")
    );

    let mismatch = outcome(500, "FunctionFailed/MessageError::TypeMismatch", "");
    assert_eq!(explain(&greeter, &ok, &mismatch), None);
    let mut int_argument = Request::from_bytes(&greeter);
    int_argument.invocations[0]
        .argument
        .as_mut()
        .unwrap()
        .typename = "io.statefun.types/int".into();
    assert_eq!(
        explain(&int_argument.encode(), &ok, &mismatch).as_deref(),
        Some("strict-typing")
    );

    let state = |name: &str| {
        outcome(
            500,
            "State/Decode",
            &format!("state `{name}` could not be decoded"),
        )
    };
    assert_eq!(
        explain(&effects, &ok, &state("seen")),
        None,
        "Python reads `seen`"
    );
    assert_eq!(
        explain(&effects, &ok, &state("scratch")).as_deref(),
        Some("eager-state-decoding")
    );

    let key_error = outcome(500, "KeyError", "");
    let not_found = outcome(404, "UnknownFunction", "");
    assert_eq!(explain(&greeter, &key_error, &not_found), None);
    assert_eq!(
        explain(&unknown, &key_error, &not_found).as_deref(),
        Some("unknown-function")
    );
    // Two successes that differ are never accepted without their row's check.
    let other = outcome::Outcome {
        answer: Some(serde_json::json!({ "other": true })),
        ..ok.clone()
    };
    assert_eq!(explain(&greeter, &ok, &other), None);
}

/// The differential run. Ignored by `cargo test`: it needs the Python SDK, which
/// tests/differential/run.sh installs (in a venv, from PyPI) before running it; `.ci/run`
/// does so.
#[test]
#[ignore = "needs the Python SDK: run tests/differential/run.sh"]
fn differential_against_the_python_sdk() {
    let python = std::env::var_os("STATEFUN_DIFF_PYTHON").map(PathBuf::from).expect(
        "STATEFUN_DIFF_PYTHON is not set: run tests/differential/run.sh, which installs the Python SDK and sets it",
    );
    let cases = env_number("STATEFUN_DIFF_CASES").unwrap_or(CASES as u64) as usize;
    let seed = env_number("STATEFUN_DIFF_SEED").unwrap_or(SEED);
    let report = run(&python, seed, cases);
    println!("{}", report.summary);
    assert!(report.unexplained.is_empty(), "{}", report.failure);
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    Some(
        match text.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => text.parse(),
        }
        .unwrap_or_else(|e| panic!("{name}={text}: {e}")),
    )
}

struct Report {
    summary: String,
    failure: String,
    unexplained: Vec<PathBuf>,
}

fn run(python: &Path, seed: u64, cases: usize) -> Report {
    let started = Instant::now();
    let table = Table::load(&root());
    let runtime = runtime();
    let handler = Handler::new(functions::functions());
    let mut driver = Python::start(python, &root().join("tests/differential/driver.py"));
    let regressions_dir = root().join("tests/differential/regressions");

    // The inputs: the vectors as recorded, every saved regression, then the mutations.
    let bases = bases();
    let mut inputs: Vec<(String, Vec<u8>)> = bases
        .iter()
        .map(|(name, bytes)| (format!("vector {name}"), bytes.clone()))
        .collect();
    for path in regression_files(&regressions_dir) {
        let bytes = std::fs::read(&path).unwrap();
        inputs.push((format!("regression {}", path.display()), bytes));
    }
    let fixed = inputs.len();
    let mut rng = Rng::new(seed);
    for _ in 0..cases {
        // The 1 MiB vector is slow to send back and forth: one time in 50.
        let base = loop {
            let base = rng.pick(&bases);
            if base.0 != "e-large-state" || rng.chance(2) {
                break base;
            }
        };
        let mut request = Request::from_bytes(&base.1);
        let done = mutate::mutate(&mut rng, &mut request);
        inputs.push((format!("{}: {}", base.0, done.join(", ")), request.encode()));
    }

    let mut same = 0;
    let mut by_row: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_status: BTreeMap<(u16, u16), usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let mut unexplained_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut failure = String::new();
    for (what, bytes) in &inputs {
        let theirs = driver.answer(bytes);
        let ours = outcome::ours(&runtime, &handler, bytes);
        *by_status.entry((theirs.status, ours.status)).or_default() += 1;
        if theirs.same_as(&ours) {
            same += 1;
            continue;
        }
        let case = Case {
            request: bytes,
            python: &theirs,
            ours: &ours,
        };
        match table.explain(&case) {
            Some(row) => *by_row.entry(row.to_owned()).or_default() += 1,
            None => {
                let kinds = format!(
                    "python {} {} / ours {} {}",
                    theirs.status, theirs.kind, ours.status, ours.kind
                );
                let first_of_its_kind = !unexplained_kinds.contains_key(&kinds);
                *unexplained_kinds.entry(kinds).or_default() += 1;
                let path = save(&regressions_dir, bytes);
                // One example of each pair of answers.
                if first_of_its_kind {
                    failure.push_str(&format!(
                        "\n{what}\n  python: {}\n  ours:   {}\n  saved:  {}\n",
                        theirs.describe(),
                        ours.describe(),
                        path.display()
                    ));
                }
                if !unexplained.contains(&path) {
                    unexplained.push(path);
                }
            }
        }
    }
    let elapsed = started.elapsed();
    let mut summary = format!(
        "differential: seed {seed:#x}, {} inputs ({fixed} vectors and regressions, {cases} mutations) in {:.1} s: {same} answered alike, {} differences explained by the table, {} unexplained",
        inputs.len(),
        elapsed.as_secs_f64(),
        by_row.values().sum::<usize>(),
        unexplained.len(),
    );
    summary.push_str("\n  status pairs (python, ours):");
    for ((theirs, ours), n) in &by_status {
        summary.push_str(&format!(" ({theirs}, {ours}) {n};"));
    }
    summary.push_str("\n  rows:");
    for row in &table.rows {
        summary.push_str(&format!(
            "\n    {:<28} {}",
            row.id,
            by_row.get(&row.id).copied().unwrap_or(0)
        ));
    }
    for (kinds, n) in &unexplained_kinds {
        failure.push_str(&format!("\n  unexplained {n}: {kinds}"));
    }
    let failure = format!(
        "{} differences match no row of the table in docs/conformance.md; their requests are saved under {} (replayed by every run: fix the difference, or add a row with its reason){failure}",
        unexplained.len(),
        regressions_dir.display()
    );
    Report {
        summary,
        failure,
        unexplained,
    }
}

fn regression_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "bin"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Saves a request under its content hash; returns the path.
fn save(dir: &Path, bytes: &[u8]) -> PathBuf {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("{hash:016x}.bin"));
    std::fs::write(&path, bytes).unwrap();
    path
}
