//! Persisted state cells through the public API: what each `Value` accessor reads, writes
//! and marks changed.

use statefun_core::Value;

#[test]
fn get_mut_edits_the_value_in_place_and_marks_the_cell_changed() {
    let mut seen = Value::received(Some(41));
    assert!(!seen.is_changed());
    *seen.get_mut().expect("the received value") += 1;
    assert_eq!(seen.get(), Some(&42));
    assert!(seen.is_changed());

    let mut empty = Value::<i32>::received(None);
    assert_eq!(empty.get_mut(), None);
    assert!(
        empty.is_changed(),
        "get_mut marks the cell changed even when empty"
    );
}
