//! What a batch's state changes become: one mutation per changed cell, carrying its last value.

use super::*;

#[tokio::test]
async fn a_batch_of_three_increments_is_one_modify_with_three() {
    let f = fixture();
    let r = result(
        &f,
        request(full_state(None, None), &["inc", "inc", "inc"], None),
    )
    .await;
    assert_eq!(
        mutations(&r),
        [("count".into(), MutationType::Modify, Some(3))]
    );
    let value = r.state_mutations[0].state_value.as_ref().unwrap();
    assert_eq!(value.typename, "io.statefun.types/int");
    assert!(value.has_value);
}

#[tokio::test]
async fn reads_alone_change_nothing() {
    let f = fixture();
    let r = result(&f, request(full_state(Some(5), Some("n")), &["read"], None)).await;
    assert!(r.state_mutations.is_empty());
}

#[tokio::test]
async fn set_then_delete_is_delete_and_delete_then_set_is_modify() {
    let f = fixture();
    let r = result(
        &f,
        request(full_state(None, None), &["set-note:x", "clear-note"], None),
    )
    .await;
    assert_eq!(mutations(&r), [("note".into(), MutationType::Delete, None)]);
    assert!(r.state_mutations[0].state_value.is_none());

    let r = result(
        &f,
        request(
            full_state(None, Some("old")),
            &["clear-note", "set-note:new"],
            None,
        ),
    )
    .await;
    assert_eq!(r.state_mutations.len(), 1);
    let m = &r.state_mutations[0];
    assert_eq!(m.mutation_type(), MutationType::Modify);
    let value = m.state_value.as_ref().unwrap();
    assert_eq!(value.typename, "io.statefun.types/string");
    assert_eq!(
        <String as statefun_core::Type>::decode(value.value.clone()).unwrap(),
        "new"
    );
}

#[tokio::test]
async fn the_last_value_of_a_batch_is_sent_once() {
    let f = fixture();
    let r = result(
        &f,
        request(
            full_state(Some(10), None),
            &["inc", "set-note:a", "inc", "set-note:b"],
            None,
        ),
    )
    .await;
    assert_eq!(r.state_mutations.len(), 2);
    assert_eq!(
        mutations(&r)[0],
        ("count".into(), MutationType::Modify, Some(12))
    );
    let note = r.state_mutations[1].state_value.as_ref().unwrap();
    assert_eq!(
        <String as statefun_core::Type>::decode(note.value.clone()).unwrap(),
        "b"
    );
}

#[tokio::test]
async fn state_of_the_wrong_type_is_a_clear_error() {
    let f = fixture();
    let states = vec![("count", Some(typed(&1i64))), ("note", None)];
    let err = error(&f, request(states, &["inc"], None)).await;
    let Error::State {
        source:
            StateError::TypeMismatch {
                state,
                expected,
                actual,
            },
        ..
    } = &err
    else {
        panic!("expected a state type mismatch, got {err:?}");
    };
    assert_eq!(
        (state.as_str(), expected.as_str(), actual.as_str()),
        ("count", "io.statefun.types/int", "io.statefun.types/long")
    );
    assert!(err.to_string().contains("test/counter"), "{err}");
    assert_eq!(*f.invocations.lock().unwrap(), 0);
}

#[tokio::test]
async fn undecodable_state_is_a_clear_error() {
    let f = fixture();
    let broken = pb::TypedValue {
        typename: "io.statefun.types/int".into(),
        has_value: true,
        value: Bytes::from_static(&[0x0d, 0x01]), // truncated sfixed32
    };
    let states = vec![("count", Some(broken)), ("note", None)];
    let err = error(&f, request(states, &["inc"], None)).await;
    assert!(
        matches!(
            err,
            Error::State {
                source: StateError::Decode { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

// ---- context ----
