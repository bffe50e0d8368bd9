//! A test that needs a process of its own (it signals the process, installs the process's
//! log subscriber or reads variables set for it): its parent test runs this test binary
//! again with only that test, which is `#[ignore]`d so that it runs nowhere else.

use std::process::{Command, Output};

/// This test binary, set to run only the ignored test `name` of `module` (the caller's
/// `module_path!()`), its output not captured: add variables to it, then [`passes`].
pub fn child_test(module: &str, name: &str) -> Command {
    let test = format!(
        "{}::{name}",
        module.split_once("::").map_or(module, |(_, path)| path)
    );
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args([test.as_str(), "--exact", "--ignored", "--nocapture"]);
    command
}

/// Runs `command` (a [`child_test`]) and fails with its output unless its one test ran and
/// passed; the output, for what the parent checks besides.
pub fn passes(command: &mut Command) -> Output {
    let test = command.get_args().next().unwrap_or_default().to_owned();
    let test = test.to_string_lossy();
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{test} failed in its child process:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let ran = String::from_utf8_lossy(&output.stdout);
    assert!(ran.contains("1 passed"), "{test} did not run:\n{ran}");
    output
}

/// Sends the signal `name` (`TERM`, `INT`, …) to this process, as `kill -TERM <pid>` does.
pub fn signal_self(name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} failed");
}
