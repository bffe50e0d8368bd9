//! State negotiation: missing specs asked for, present ones found by name in any order.

use super::*;

#[tokio::test]
async fn all_state_missing_lists_every_spec_in_order_and_runs_nothing() {
    let f = fixture();
    let from_function::Response::IncompleteInvocationContext(ctx) =
        answer(&f, request(vec![], &["inc"], None)).await
    else {
        panic!("expected IncompleteInvocationContext");
    };
    let names: Vec<_> = ctx
        .missing_values
        .iter()
        .map(|s| s.state_name.as_str())
        .collect();
    assert_eq!(names, ["count", "note"]);
    let count = &ctx.missing_values[0];
    assert_eq!(count.type_typename, "io.statefun.types/int");
    let exp = count.expiration_spec.unwrap();
    assert_eq!(exp.mode(), ExpireMode::AfterInvoke);
    assert_eq!(exp.expire_after_millis, 1000);
    let note = &ctx.missing_values[1];
    assert_eq!(note.type_typename, "io.statefun.types/string");
    assert_eq!(
        note.expiration_spec, None,
        "no expiration is the protocol's default"
    );
    assert_eq!(*f.invocations.lock().unwrap(), 0, "no user code may run");
}

#[tokio::test]
async fn some_state_missing_lists_only_the_missing() {
    let f = fixture();
    let body = request(vec![("count", Some(typed(&1)))], &["inc"], None);
    let from_function::Response::IncompleteInvocationContext(ctx) = answer(&f, body).await else {
        panic!("expected IncompleteInvocationContext");
    };
    let names: Vec<_> = ctx
        .missing_values
        .iter()
        .map(|s| s.state_name.as_str())
        .collect();
    assert_eq!(names, ["note"]);
    assert_eq!(*f.invocations.lock().unwrap(), 0);
}

#[tokio::test]
async fn present_but_empty_is_not_missing_and_extra_state_is_ignored() {
    let f = fixture();
    let mut states = full_state(None, None);
    states.push(("retired", Some(typed(&true))));
    let r = result(&f, request(states, &["inc"], None)).await;
    assert_eq!(
        mutations(&r),
        [("count".into(), MutationType::Modify, Some(1))]
    );
}

// ---- mutation rules ----

#[tokio::test]
async fn states_are_found_by_name_in_any_order_among_unknown_ones() {
    let f = fixture();
    let mut states = full_state(Some(5), Some("n"));
    states.reverse();
    states.insert(1, ("other", Some(typed(&9))));
    let r = result(&f, request(states, &["inc", "set-note:m"], None)).await;
    assert_eq!(
        mutations(&r),
        [
            ("count".into(), MutationType::Modify, Some(6)),
            ("note".into(), MutationType::Modify, None),
        ]
    );
    assert_eq!(
        &r.state_mutations[1].state_value.as_ref().unwrap().value[..],
        b"\x0a\x01m"
    );
}
