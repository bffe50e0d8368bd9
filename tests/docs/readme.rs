//! The README's tutorial is a real crate: its code blocks marked `<!-- tutorial: FILE -->`,
//! written out in order as a standalone crate (its own workspace, outside ours, depending on
//! this clone by path as the README says), build and pass their tests. So the README cannot
//! drift from the code.
//!
//! The crate is written to `target/readme-tutorial` with this workspace's `Cargo.lock`, so it
//! resolves the same versions offline; its first build compiles its dependencies once.

use std::{collections::BTreeMap, path::Path, process::Command};

/// The tutorial's files: the marked blocks, concatenated per file in README order.
fn tutorial_files(readme: &str) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(file) = line
            .strip_prefix("<!-- tutorial: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "the marker for {file} must be followed by a code block, got {fence:?}"
        );
        let text = files.entry(file.to_owned()).or_default();
        if !text.is_empty() {
            text.push('\n');
        }
        for line in lines.by_ref().take_while(|line| *line != "```") {
            text.push_str(line);
            text.push('\n');
        }
    }
    files
}

#[test]
fn readme_tutorial_builds_and_passes_its_tests_as_a_standalone_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut files = tutorial_files(&readme);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["Cargo.toml", "module.yaml", "src/main.rs"],
        "the tutorial's files"
    );

    let dependency = r#"path = "../statefun-rs""#;
    let manifest = files.get_mut("Cargo.toml").unwrap();
    assert!(
        manifest.contains(dependency),
        "the tutorial depends on a clone by path: {manifest}"
    );
    *manifest = manifest.replace(
        dependency,
        &format!("path = {:?}", root.display().to_string()),
    );
    // Its own workspace: it is a user's crate, not a member of ours.
    manifest.push_str("\n[workspace]\n");

    let dir = root.join("target/readme-tutorial");
    for (file, text) in &files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["test", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the README's tutorial does not build or its tests fail (in {}):\n{stdout}\n{stderr}",
        dir.display()
    );
    assert!(
        stdout.contains("test result: ok. 3 passed"),
        "the tutorial's three tests ran:\n{stdout}\n{stderr}"
    );
    assert!(
        !stderr.contains("warning"),
        "the tutorial builds without warnings:\n{stderr}"
    );
}
