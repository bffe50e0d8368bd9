//! The `statefun-local` command: its help, version, exit statuses, summary and state dump,
//! run as a user runs it, against our function service on a loopback port.

use std::{
    ffi::OsStr,
    io::Write,
    path::PathBuf,
    process::{Command, Output, Stdio},
};

use serde_json::{Value as Json, json};

use crate::service;

/// The command with `args`, its stdout and stderr captured.
fn command<S: AsRef<OsStr>>(args: &[S]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_statefun-local"));
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs the command with `args`, `stdin` as its input.
pub fn statefun_local<S: AsRef<OsStr>>(args: &[S], stdin: impl AsRef<[u8]>) -> Output {
    let mut child = command(args).stdin(Stdio::piped()).spawn().unwrap();
    // A command that exits before reading closes the pipe: that is not the test's concern.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_ref());
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

/// A fresh directory for one test's files.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("statefun-local-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A module.yaml for a freshly started service.
fn module_yaml(test: &str) -> PathBuf {
    let url = service::start_service();
    let path = scratch(test).join("module.yaml");
    std::fs::write(&path, service::functions().module_yaml(&url)).unwrap();
    path
}

pub fn json_lines(stdout: &[u8]) -> Vec<Json> {
    text(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The output line of a greeting, caused by input line `line`.
fn greeting(line: usize, value: &str, key: &str) -> Json {
    json!({"egress": "demo/greetings", "topic": "greetings", "key": key, "text": value, "line": line})
}

#[test]
fn help_describes_the_arguments_and_the_formats() {
    for flag in ["--help", "-h"] {
        let output = statefun_local(&[flag], "");
        assert_eq!(output.status.code(), Some(0), "{flag}");
        assert_eq!(text(&output.stderr), "", "{flag}");
        let help = text(&output.stdout);
        for expected in [
            "Runs a StateFun application from its module.yaml, without a Flink cluster",
            "Usage: statefun-local [OPTIONS] <MODULE_YAML> < input.jsonl",
            "--dump-state",
            "--endpoint <[FUNCTIONS=]URL>",
            "--check",
            "--expected <FILE>",
            r#"{"topic": "add-to-cart", "key": "1", "value": "#,
            "--version",
            r#"{"advance_ms": 5000}"#,
            "Exit status: 0 when every line succeeded (and the check and the comparison passed), 1",
        ] {
            assert!(
                help.contains(expected),
                "{flag}: no {expected:?} in\n{help}"
            );
        }
    }
}

#[test]
fn version_prints_the_package_version() {
    for flag in ["--version", "-V"] {
        let output = statefun_local(&[flag], "");
        assert_eq!(output.status.code(), Some(0), "{flag}");
        assert_eq!(
            text(&output.stdout),
            format!("statefun-local {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn usage_errors_exit_with_status_2() {
    let cases: [&[&str]; 3] = [&[], &["--bogus", "module.yaml"], &["a.yaml", "b.yaml"]];
    for args in cases {
        let output = statefun_local(args, "");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&output.stdout), "", "{args:?}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.starts_with("error: ")
                && stderr.contains("Usage: statefun-local [OPTIONS] <MODULE_YAML>"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_module_yaml_that_cannot_be_used_exits_with_status_2() {
    let dir = scratch("bad-module");
    let missing = dir.join("missing.yaml");
    let not_yaml = dir.join("not-yaml.yaml");
    std::fs::write(&not_yaml, "kind: [unclosed\n").unwrap();
    let no_endpoint = dir.join("no-endpoint.yaml");
    std::fs::write(
        &no_endpoint,
        "kind: io.statefun.kafka.v1/egress\nspec:\n  id: demo/greetings\n",
    )
    .unwrap();
    let message =
        r#"{"target": "demo/greeter/bob", "typename": "io.statefun.types/string", "value": "bob"}"#;
    for (path, problem) in [
        (&missing, "No such file or directory"),
        (&not_yaml, "not valid YAML"),
        (&dir, ""),
        (
            &no_endpoint,
            "no `io.statefun.endpoints.v2/http` endpoint, so no function to call",
        ),
    ] {
        let output = statefun_local(&[path], message);
        assert_eq!(output.status.code(), Some(2), "{path:?}");
        assert_eq!(text(&output.stdout), "", "{path:?}");
        let stderr = text(&output.stderr);
        let expected = format!("error: {}: {problem}", path.display());
        assert!(stderr.starts_with(&expected), "{path:?}: {stderr}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_run_where_a_line_fails_prints_the_error_and_exits_with_status_1() {
    let module = module_yaml("failing-run");
    let input = [
        &br#"{"target": "demo/greeter/bob", "typename": "io.statefun.types/string", "value": "bob"}"#[..],
        br#"{"target": "demo/greeter/bob", "typename": "io.statefun.types/int", "value": 7}"#,
        b"",
        b"not json",
        b"\"caf\xe9\"",
        br#"{"advance_ms": 1000}"#,
    ]
    .join(&b'\n');
    let output = statefun_local(&[&module], input);
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0], greeting(1, "hello bob #1", "bob"));
    assert_eq!(lines[1]["line"], 2);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(
        error.contains("demo/greeter/bob")
            && error.contains("500")
            && error.contains("io.statefun.types/int"),
        "{error}"
    );
    assert_eq!(lines[2]["line"], 4, "blank lines count");
    let error = lines[2]["error"].as_str().unwrap();
    assert!(error.starts_with("not JSON: "), "{error}");
    assert_eq!(
        lines[3],
        json!({"line": 5, "error": "not UTF-8: invalid utf-8 sequence of 1 bytes from index 4"})
    );
    assert_eq!(
        lines[4],
        greeting(6, "hello reminder #2", "reminder"),
        "the run went on after the failures"
    );
    // Batches: negotiation and bob's first message, the failed one, the reminder.
    assert_eq!(
        text(&output.stderr),
        "lines read: 6, messages delivered: 2, batches: 4, egress records: 2, failures: 3\n"
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

#[test]
fn a_successful_run_exits_with_status_0_and_sums_up_on_stderr() {
    let module = module_yaml("successful-run");
    let input = r#"{"target": "demo/greeter/alice", "typename": "io.statefun.types/string", "value": "alice"}
{"target": "demo/greeter/alice", "typename": "io.statefun.types/string", "value": "alice"}
{"advance_ms": 1000}
"#;
    let output = statefun_local(&[&module], input);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        json_lines(&output.stdout),
        [
            greeting(1, "hello alice #1", "alice"),
            greeting(2, "hello alice #2", "alice"),
            greeting(3, "hello reminder #3", "reminder"),
            greeting(3, "hello reminder #4", "reminder"),
        ]
    );
    // Batches: negotiation, the two messages, then each reminder on its own.
    assert_eq!(
        text(&output.stderr),
        "lines read: 3, messages delivered: 4, batches: 5, egress records: 4, failures: 0\n"
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

#[test]
fn dump_state_prints_every_state_value_at_the_end() {
    let module = module_yaml("dump-state");
    let input = r#"{"target": "demo/notes/n1", "typename": "io.statefun.types/string", "value": "hi"}
{"target": "demo/greeter/bob", "typename": "io.statefun.types/string", "value": "bob"}
"#;
    let output = statefun_local(&[module.as_os_str(), "--dump-state".as_ref()], input);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let (egress, states) = stdout.split_once('\n').unwrap();
    assert_eq!(
        serde_json::from_str::<Json>(egress).unwrap(),
        greeting(2, "hello bob #1", "bob")
    );
    // Addresses in order, then states in their declaration order; an int, a JSON value,
    // UTF-8 bytes and other bytes.
    assert_eq!(
        states,
        r#"{"address":"demo/greeter/bob","state":"seen","typename":"io.statefun.types/int","value":1}
{"address":"demo/notes/n1","state":"note","typename":"demo/Note","value":{"length":2,"text":"hi"}}
{"address":"demo/notes/n1","state":"label","typename":"demo/bytes","value":"last: hi"}
{"address":"demo/notes/n1","state":"checksum","typename":"demo/bytes","value":{"base64":"/wI="}}
"#
    );

    // Without the option, a run of a function that sends nothing prints nothing.
    let output = statefun_local(&[&module], input.lines().next().unwrap());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "");
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

#[test]
fn primitive_values_go_in_and_come_out_as_json_values() {
    let module = module_yaml("primitives");
    // A long beyond f64's exact integers, a float and a double that JSON writes exactly.
    let input = r#"{"target": "demo/primitives/p", "typename": "io.statefun.types/int", "value": -7}
{"target": "demo/primitives/p", "typename": "io.statefun.types/long", "value": 9007199254740993}
{"target": "demo/primitives/p", "typename": "io.statefun.types/float", "value": 1.5}
{"target": "demo/primitives/p", "typename": "io.statefun.types/double", "value": 0.1}
{"target": "demo/primitives/p", "typename": "io.statefun.types/bool", "value": true}
{"target": "demo/primitives/p", "typename": "io.statefun.types/string", "value": "hé"}
"#;
    let output = statefun_local(&[module.as_os_str(), "--dump-state".as_ref()], input);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let state = |name: &str, type_name: &str, value: Json| json!({"address": "demo/primitives/p", "state": name, "typename": type_name, "value": value});
    assert_eq!(
        json_lines(&output.stdout),
        [
            state("int", "io.statefun.types/int", json!(-7)),
            state("long", "io.statefun.types/long", json!(9007199254740993i64)),
            state("float", "io.statefun.types/float", json!(1.5)),
            state("double", "io.statefun.types/double", json!(0.1)),
            state("flag", "io.statefun.types/bool", json!(true)),
            state("text", "io.statefun.types/string", json!("hé")),
        ]
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

/// Linux: `/dev/full` and the error texts.
#[cfg(target_os = "linux")]
#[test]
fn unreadable_stdin_or_unwritable_stdout_ends_the_run_with_status_1() {
    let module = module_yaml("io-failures");
    let message =
        r#"{"target": "demo/greeter/bob", "typename": "io.statefun.types/string", "value": "bob"}"#;

    // A directory as stdin: every read fails.
    let stdin = std::fs::File::open(module.parent().unwrap()).unwrap();
    let output = command(&[&module]).stdin(stdin).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "");
    assert_eq!(
        text(&output.stderr),
        "stdin: Is a directory (os error 21)\n\
         lines read: 0, messages delivered: 0, batches: 0, egress records: 0, failures: 0\n"
    );

    // A full device as stdout: the first egress record cannot be written.
    let input = module.with_file_name("input.jsonl");
    std::fs::write(&input, format!("{message}\n{message}\n")).unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = command(&[&module])
        .stdin(std::fs::File::open(&input).unwrap())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "stdout: No space left on device (os error 28)\n\
         lines read: 1, messages delivered: 1, batches: 2, egress records: 1, failures: 0\n"
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

/// `--check` from a terminal checks the module and ends: nobody is typing input. The
/// terminal here is a pseudo-terminal holding one line and an end of input, so a command that
/// read it anyway would count the line instead of hanging.
#[cfg(unix)]
#[test]
fn check_with_a_terminal_as_stdin_reads_no_input() {
    use rustix::{
        fs::{Mode, OFlags},
        pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt},
    };

    let module = module_yaml("check-terminal");
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&controller).unwrap();
    unlockpt(&controller).unwrap();
    let terminal_path = ptsname(&controller, Vec::new()).unwrap();
    let terminal = rustix::fs::open(
        terminal_path.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY,
        Mode::empty(),
    )
    .unwrap();
    // A line, then Ctrl-D: what a user typing would send, end of input included.
    let mut typing = std::fs::File::from(controller);
    typing
        .write_all(b"{\"target\": \"demo/greeter/ann\", \"typename\": \"io.statefun.types/string\", \"value\": \"ann\"}\n\x04")
        .unwrap();

    let output = command(&["--check", module.to_str().unwrap()])
        .stdin(terminal)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "");
    assert_eq!(
        text(&output.stderr),
        "lines read: 0, messages delivered: 0, batches: 0, egress records: 0, failures: 0, mismatches: 0\n"
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}
