//! The Cargo features are described in one place, `Cargo.toml` (a `##` comment above each),
//! from which the crate docs take their list (`document-features`) and this test writes the
//! README's table between its `features` markers: it fails when the README differs, and
//! `STATEFUN_BLESS=1 cargo test --all-features --test docs features` rewrites it.

use std::path::Path;

const START: &str =
    "<!-- features:start (generated from Cargo.toml by tests/docs/features.rs) -->\n";
const END: &str = "<!-- features:end -->";

/// Each feature of the facade's `[features]` with its `##` description, in order, and
/// whether it is on by default.
fn features(manifest: &str) -> Vec<(String, bool, String)> {
    let section = manifest
        .split("\n[features]\n")
        .nth(1)
        .expect("Cargo.toml has a [features] section");
    let section = section.split("\n[").next().unwrap_or(section);
    let default: Vec<&str> = section
        .lines()
        .find_map(|line| line.strip_prefix("default = "))
        .map(|list| {
            list.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|name| name.trim().trim_matches('"'))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut description = String::new();
    for line in section.lines() {
        if let Some(text) = line.strip_prefix("## ") {
            if !description.is_empty() {
                description.push(' ');
            }
            description.push_str(text.trim());
        } else if let Some((name, _)) = line.split_once(" = ") {
            let name = name.trim();
            if name != "default" {
                assert!(
                    !description.is_empty(),
                    "feature `{name}` has no `##` description in Cargo.toml"
                );
                out.push((
                    name.to_owned(),
                    default.contains(&name),
                    std::mem::take(&mut description),
                ));
            }
            description.clear();
        }
    }
    out
}

fn table(features: &[(String, bool, String)]) -> String {
    let mut table = String::from("| feature | default | what it adds |\n|---|---|---|\n");
    for (name, default, description) in features {
        let default = if *default { "yes" } else { "no" };
        table.push_str(&format!("| `{name}` | {default} | {description} |\n"));
    }
    table
}

#[test]
fn the_readme_lists_the_features_as_cargo_toml_describes_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let features = features(&manifest);
    assert!(
        features
            .iter()
            .any(|(name, default, _)| name == "actix" && *default)
    );
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let start = readme
        .find(START)
        .expect("the README has the features start marker")
        + START.len();
    let end = readme
        .find(END)
        .expect("the README has the features end marker");
    let expected = format!("{}{}{}", &readme[..start], table(&features), &readme[end..]);
    if std::env::var_os("STATEFUN_BLESS").is_some() {
        std::fs::write(&readme_path, expected).unwrap();
        return;
    }
    assert!(
        readme == expected,
        "the README's feature table differs from Cargo.toml's descriptions; regenerate it with `STATEFUN_BLESS=1 cargo test --all-features --test docs features`:\n\n{}",
        table(&features)
    );
}

#[test]
fn a_feature_without_a_description_is_found() {
    let manifest = "[package]\n\n[features]\ndefault = [\"a\"]\n## The a.\na = []\nb = []\n";
    let found = std::panic::catch_unwind(|| features(manifest));
    assert!(found.is_err());
    let manifest = "[features]\ndefault = [\"a\"]\n## The a,\n## in two lines.\na = []\n## The b.\nb = [\"a\"]\n\n[dependencies]\nx = \"1\"\n";
    assert_eq!(
        features(&format!("\n{manifest}")),
        [
            ("a".to_owned(), true, "The a, in two lines.".to_owned()),
            ("b".to_owned(), false, "The b.".to_owned()),
        ]
    );
}
