//! Compile-time checks of the macros: `tests/ui/pass` must compile and run,
//! `tests/ui/fail` must fail with the reviewed `.stderr`. Regenerate snapshots with
//! `TRYBUILD=overwrite cargo test -p statefun-macros --test ui`, then read every changed
//! `.stderr`.
//!
//! Here in the macros' crate, not the facade's: trybuild builds its cases in a project of its
//! own with the features of the crate under test, and the facade's tests run with every
//! feature (actix-web, axum, Lambda, TLS, ...), which the cases need none of. They use the
//! facade without features (this crate's dev-dependency), so trybuild builds only what
//! the macros' generated code needs.
//!
//! Two cases are generated from the shared state-name table
//! (`test-support/src/state_names.txt`): `pass/state_names.rs` declares every accepted name,
//! `fail/state_names_rejected.rs` every rejected one. `state_name_cases_match_the_table`
//! fails when they drift from the table; `STATEFUN_BLESS=1` rewrites them.

#[path = "../../test-support/src/state_names.rs"]
mod state_names;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

const GENERATED: &str = "// Generated from test-support/src/state_names.txt by statefun-macros/tests/ui.rs: do not edit.\n";

/// One `Value<i32>` field per name, renamed to it.
fn state_struct(names: &[String]) -> String {
    let mut out = String::from("#[derive(StateSpec)]\nstruct Names {\n");
    for (i, name) in names.iter().enumerate() {
        out.push_str(&format!(
            "    #[state(name = {name:?})]\n    field_{i}: Value<i32>,\n"
        ));
    }
    out.push_str("}\n");
    out
}

fn accepted_case() -> String {
    let names = state_names::accepted();
    format!(
        "{GENERATED}\nuse statefun::{{State, StateSpec, Value}};\n\n{}\nfn main() {{\n    let names: Vec<String> = Names::specs().iter().map(|s| s.name().to_owned()).collect();\n    assert_eq!(names, {names:?});\n}}\n",
        state_struct(&names)
    )
}

/// Every rejected name, and a function using the struct: one error per name, none at the use.
fn rejected_case() -> String {
    format!(
        "{GENERATED}\nuse statefun::{{StateSpec, Value}};\n\n{}\n#[statefun::function(typename = \"demo/names\")]\nfn names(_ctx: &mut statefun::Context, _state: &mut Names, _msg: statefun::Message) {{}}\n\nfn main() {{\n    let _ = statefun::Functions::new().with(names);\n}}\n",
        state_struct(&state_names::rejected())
    )
}

#[test]
fn state_name_cases_match_the_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    for (path, expected) in [
        (root.join("pass/state_names.rs"), accepted_case()),
        (root.join("fail/state_names_rejected.rs"), rejected_case()),
    ] {
        if std::env::var_os("STATEFUN_BLESS").is_some() {
            std::fs::write(&path, &expected).unwrap();
            continue;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} differs from what test-support/src/state_names.txt generates; run `STATEFUN_BLESS=1 cargo test -p statefun-macros --test ui state_name_cases` and review the trybuild snapshot",
            path.display()
        );
    }
}
