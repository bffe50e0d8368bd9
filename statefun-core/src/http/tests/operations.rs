//! The operational paths' defaults, texts and conflicts, which every server shares.

use crate::http::{Operation, PathConflict, check_operational_paths};

const ALL: [Operation; 4] = [
    Operation::Metrics,
    Operation::Health,
    Operation::Ready,
    Operation::Catalog,
];

#[test]
fn each_operation_has_its_default_path_and_says_what_it_answers() {
    let named: Vec<_> = ALL.map(|o| (o.default_path(), o.what())).into();
    assert_eq!(
        named,
        [
            ("/metrics", "the metrics"),
            ("/health", "the liveness"),
            ("/ready", "the readiness"),
            ("/catalog", "the catalog of the functions"),
        ]
    );
    assert_eq!(
        Operation::Catalog.wrong_method_text("/cat", "/fn"),
        "`/cat` answers GET with the catalog of the functions; StateFun requests go to POST `/fn`"
    );
}

#[test]
fn distinct_paths_beside_the_function_path_are_served() {
    let defaults = ALL.map(Operation::default_path);
    assert_eq!(check_operational_paths("/statefun", &defaults), Ok(()));
    assert_eq!(check_operational_paths("/statefun", &[]), Ok(()));
}

#[test]
fn the_function_path_among_them_is_a_conflict_named_first() {
    let conflict = check_operational_paths("/ready", &["/health", "/ready", "/health"]);
    assert_eq!(conflict, Err(PathConflict::FunctionPath("/ready".into())));
    assert!(
        conflict
            .unwrap_err()
            .to_string()
            .starts_with("the function path `/ready` is also an operational path"),
    );
}

#[test]
fn a_path_given_twice_is_a_conflict() {
    for paths in [["/a", "/a", "/b"], ["/a", "/b", "/a"], ["/b", "/a", "/a"]] {
        assert_eq!(
            check_operational_paths("/fn", &paths),
            Err(PathConflict::SharedPath("/a".into())),
            "{paths:?}"
        );
    }
    assert_eq!(
        PathConflict::SharedPath("/a".into()).to_string(),
        "`/a` is given to two operational paths (metrics, health, readiness or catalog); give each its own"
    );
}
