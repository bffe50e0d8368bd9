//! Compile-time checks of the macros: `tests/ui/pass` must compile and run,
//! `tests/ui/fail` must fail with the reviewed `.stderr`. Regenerate snapshots with
//! `TRYBUILD=overwrite cargo test --test ui`, then read every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
