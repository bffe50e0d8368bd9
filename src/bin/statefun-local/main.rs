//! `statefun-local`: run a StateFun application from its module.yaml, without a Flink
//! cluster, against its function services over HTTP.
//!
//! ```text
//! statefun-local [OPTIONS] MODULE_YAML < input.jsonl
//! statefun-local --help
//! ```
//!
//! The `--help` text (`FORMATS` below) is the reference of the input and output lines,
//! the options and the exit status; README.md, "Testing your functions", shows a run.

mod check;
mod expected;
mod input;
mod output;

use std::{
    io::{self, BufRead, IsTerminal, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use clap::{CommandFactory, Parser, error::ErrorKind};
use serde_json::{Value as Json, json};
use statefun::{
    TypeName,
    local::{LocalError, LocalRuntime},
    module::Module,
    remote,
};

use input::Input;

const FORMATS: &str = r#"Input (stdin), one JSON object per line:
  {"topic": "add-to-cart", "key": "1", "value": {"userId": "1", "itemId": "socks", "quantity": 3}}
      a Kafka record, routed as the module's Kafka ingresses route it: to every target of
      every ingress that reads the topic, at the id of the key, typed as the ingress's
      valueType; the value bytes are "value" (its JSON text), "text" (UTF-8 as it is) or
      "base64"
  {"stream": "orders", "partition_key": "1", "text": "..."}
      a Kinesis record, likewise
  {"target": "demo/greeter/alice", "typename": "io.statefun.types/string", "value": "bob"}
      a message to one address: primitive typenames take a JSON scalar, any other
      typename sends the JSON value as its bytes
  {"advance_ms": 5000}
      moves the virtual clock, firing the delayed messages that fall due

Output (stdout), one JSON object per line: after each input line, its egress records
  {"topic": "receipts", "key": "1", "value": {...}, "egress": "com.example/receipts", "line": 3}
(Kafka; Kinesis records have "stream", "partition_key", "explicit_hash_key"; other
egress messages "typename" and "value"; record values as in the input), then the line's
failure, if any ({"line": N, "error": ...}); with --dump-state, at the end, every state
value ({"address": ..., "state": ..., "typename": ..., "value": ...}). A function that
sends to an egress the module does not declare fails its line, as it would fail the job.
The last line on stderr sums the run up.

--check prints, one line each, where the module.yaml and the service disagree: an
ingress target no endpoint serves or the service lacks, an ingress valueType its target
does not take, a function no endpoint serves; with input, it also runs it and prints each
egress the functions send to that the module does not declare (once per egress; the
other failures of the run are only counted: run without --check to see them).

Exit status: 0 when every line succeeded (and the check and the comparison passed), 1
when a line failed, the check found a mismatch or the egress differs from --expected, 2
on a usage error, an unusable module.yaml or an unreachable catalog."#;

/// Runs a StateFun application from its module.yaml, without a Flink cluster.
///
/// Sends the records and messages read on stdin to the function services of a
/// module.yaml's HTTP endpoints, routed by its ingresses, with state, batching and delayed
/// messages as the StateFun runtime would; prints the egress records.
#[derive(Debug, Parser)]
#[command(
    name = "statefun-local",
    version,
    override_usage = "statefun-local [OPTIONS] <MODULE_YAML> < input.jsonl",
    after_help = FORMATS
)]
struct Cli {
    /// The application's module.yaml: its HTTP endpoints serve the functions, its ingresses route the input records, its egresses are the ones functions may send to
    #[arg(value_name = "MODULE_YAML")]
    module_yaml: PathBuf,
    /// Call URL instead of the URL the module names: for every endpoint, or for the one whose `functions` is FUNCTIONS (e.g. `com.example/*=http://127.0.0.1:1108/`); repeatable
    #[arg(long, value_name = "[FUNCTIONS=]URL")]
    endpoint: Vec<String>,
    /// Check the module.yaml against the functions the service serves (its catalog) and print each mismatch; with input, also run it
    #[arg(long)]
    check: bool,
    /// Where --check reads the service's catalog (default: `/catalog` at each endpoint's host); repeatable
    #[arg(long, value_name = "URL", requires = "check")]
    catalog: Vec<String>,
    /// Compare the egress records with this JSON-lines file, as a multiset, on the fields it uses; print the differences on stderr
    #[arg(long, value_name = "FILE")]
    expected: Option<PathBuf>,
    /// At the end, print every state value of every address as JSON lines on stdout
    #[arg(long)]
    dump_state: bool,
}

/// What the command itself counted; the runtime counts messages and batches.
#[derive(Debug, Default)]
struct Counts {
    lines: usize,
    egress: usize,
    failures: usize,
    mismatches: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let usage = |problem: String| -> ! { Cli::command().error(ErrorKind::Io, problem).exit() };
    let module = load(&cli.module_yaml, &cli.endpoint).unwrap_or_else(|p| usage(p));
    let expected = cli.expected.as_deref().map(|path| {
        std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| expected::read(&text))
            .unwrap_or_else(|e| usage(format!("{}: {e}", path.display())))
    });
    let mut counts = Counts::default();
    let mut out = io::stdout().lock();
    let label = cli.module_yaml.display().to_string();
    if cli.check {
        let urls = if cli.catalog.is_empty() {
            check::catalog_urls(&module)
        } else {
            cli.catalog.clone()
        };
        let catalogs: Vec<_> = urls
            .iter()
            .map(|url| check::fetch(url))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|p| usage(p));
        for mismatch in check::mismatches(&module, &catalogs) {
            counts.mismatches += 1;
            let _ = writeln!(out, "{label}: {mismatch}");
        }
    }
    let mut runtime = remote::runtime_for(module);
    let mut produced = Vec::new();
    let run_input = !cli.check || !io::stdin().is_terminal();
    let mut result = Ok(());
    if run_input {
        let mut printer = Printer {
            out: &mut out,
            check: cli.check,
            label: &label,
            reported_egresses: Vec::new(),
            produced: &mut produced,
        };
        result = run(&mut runtime, io::stdin().lock(), &mut printer, &mut counts);
    }
    if result.is_ok() && cli.dump_state {
        result = dump_state(&runtime, &mut out);
    }
    let mut differences = 0;
    if let Some(expected) = &expected {
        for difference in expected::compare(&produced, expected) {
            differences += 1;
            eprintln!("expected: {difference}");
        }
    }
    if let Err(problem) = &result {
        eprintln!("{problem}");
    }
    let totals = runtime.totals();
    eprintln!(
        "lines read: {}, messages delivered: {}, batches: {}, egress records: {}, failures: {}{}{}",
        counts.lines,
        totals.invocations,
        totals.requests,
        counts.egress,
        counts.failures,
        if cli.check {
            format!(", mismatches: {}", counts.mismatches)
        } else {
            String::new()
        },
        if expected.is_some() {
            format!(", differences from the expected egress: {differences}")
        } else {
            String::new()
        },
    );
    if result.is_err() || counts.failures > 0 || counts.mismatches > 0 || differences > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The module.yaml at `path` with the `--endpoint` overrides, or why there is none.
fn load(path: &Path, overrides: &[String]) -> Result<Module, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut module = Module::read(path).map_err(|e| match e {
        // The I/O error names the path already.
        statefun::module::ModuleError::Io { .. } => e.to_string(),
        e => at(&e),
    })?;
    // Without an endpoint every line would fail: most likely the wrong file, or one the
    // function service has not written yet.
    if module.endpoints().is_empty() {
        return Err(at(
            &"no `io.statefun.endpoints.v2/http` endpoint, so no function to call",
        ));
    }
    for value in overrides {
        module = match value.split_once('=') {
            Some((pattern, url)) if !pattern.contains(':') => {
                module.with_endpoint_url_for(pattern, url).ok_or_else(|| {
                    at(&format!(
                        "--endpoint {value}: no endpoint has `functions: {pattern}`"
                    ))
                })?
            }
            _ => module.with_endpoint_url(value),
        };
    }
    Ok(module)
}

/// Where the output of each input line goes.
struct Printer<'a, W: Write> {
    out: &'a mut W,
    check: bool,
    label: &'a str,
    /// Under --check, the undeclared egresses reported so far (each once).
    reported_egresses: Vec<TypeName>,
    produced: &'a mut Vec<Json>,
}

impl<W: Write> Printer<'_, W> {
    fn print(&mut self, value: &Json) -> Result<(), String> {
        writeln!(self.out, "{value}").map_err(|e| format!("stdout: {e}"))
    }

    /// A failed input line: a JSON line. Under --check, only a send to an undeclared
    /// egress is printed, once per egress, as a mismatch of the module: the other failures
    /// follow from the mismatches already printed, or from the functions themselves.
    fn failure(&mut self, line: usize, error: &Failure, counts: &mut Counts) -> Result<(), String> {
        if !self.check {
            counts.failures += 1;
            return self.print(&json!({ "line": line, "error": error.to_string() }));
        }
        let Failure::Run(LocalError::UndeclaredEgress { egress, .. }) = error else {
            counts.failures += 1;
            return Ok(());
        };
        if self.reported_egresses.contains(egress) {
            return Ok(());
        }
        self.reported_egresses.push(egress.clone());
        counts.mismatches += 1;
        writeln!(self.out, "{}: input line {line}: {error}", self.label)
            .map_err(|e| format!("stdout: {e}"))
    }
}

/// Why an input line failed.
enum Failure {
    Input(String),
    Run(LocalError),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Input(problem) => f.write_str(problem),
            Self::Run(error) => write!(f, "{error}"),
        }
    }
}

/// Handles every line of `input`; an `Err` is an I/O failure that ends the run (a failed
/// line is counted, not returned).
fn run<W: Write>(
    runtime: &mut LocalRuntime,
    input: impl BufRead,
    printer: &mut Printer<'_, W>,
    counts: &mut Counts,
) -> Result<(), String> {
    for line in input.split(b'\n') {
        // Read as bytes: a line that is not UTF-8 fails alone, the run goes on.
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        counts.lines += 1;
        let result = match String::from_utf8(line) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => handle_line(runtime, &line),
            Err(e) => Err(Failure::Input(format!("not UTF-8: {}", e.utf8_error()))),
        };
        for (egress, record) in runtime.take_all_egress() {
            counts.egress += 1;
            let value = output::egress(counts.lines, &egress, record);
            if !printer.check {
                printer.print(&value)?;
            }
            printer.produced.push(value);
        }
        if let Err(error) = result {
            printer.failure(counts.lines, &error, counts)?;
        }
    }
    Ok(())
}

fn handle_line(runtime: &mut LocalRuntime, line: &str) -> Result<(), Failure> {
    match input::parse(line).map_err(Failure::Input)? {
        Input::Advance(ms) => {
            return block_on(runtime.advance(Duration::from_millis(ms)))
                .map(drop)
                .map_err(Failure::Run);
        }
        Input::Record(record) => {
            runtime
                .ingest(&record)
                .map_err(|e| Failure::Input(e.to_string()))?;
        }
        Input::Message(message) => runtime.send_message(message),
    }
    block_on(runtime.run_until_quiescent())
        .map(drop)
        .map_err(Failure::Run)
}

/// Prints every state value as a JSON line.
fn dump_state(runtime: &LocalRuntime, out: &mut impl Write) -> Result<(), String> {
    for entry in runtime.states() {
        let value = json!({
            "address": entry.address.to_string(),
            "state": entry.name,
            "typename": entry.type_name,
            "value": output::decode(entry.type_name, entry.value.clone()),
        });
        writeln!(out, "{value}").map_err(|e| format!("stdout: {e}"))?;
    }
    Ok(())
}

/// The local runtime's futures only wait on HTTP calls answered by another thread, so a
/// minimal executor that parks the current thread suffices.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}
