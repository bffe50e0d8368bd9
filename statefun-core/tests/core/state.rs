//! Persisted state cells through the public API: what each `Value` accessor reads, writes
//! and marks changed.

use statefun_core::{Expiration, StateError, StateField, Value};
use statefun_test_support::{
    answer::mutations,
    request::{Batch, typed},
};

#[test]
fn get_mut_edits_the_value_in_place_and_marks_the_cell_changed() {
    let mut seen = Value::new(41);
    assert!(!seen.is_changed());
    *seen.get_mut().expect("the received value") += 1;
    assert_eq!(seen.get(), Some(&42));
    assert!(seen.is_changed());

    let mut empty = Value::<i32>::default();
    assert_eq!(empty.get_mut(), None);
    assert!(
        empty.is_changed(),
        "get_mut marks the cell changed even when empty"
    );
}

/// `seen` as `#[derive(StateSpec)]` writes it: through `StateField`.
struct Seen {
    seen: statefun_core::Value<i32>,
}

impl statefun_core::State for Seen {
    fn specs() -> Vec<statefun_core::ValueSpec> {
        vec![<Value<i32> as StateField>::spec("seen", Expiration::Never)]
    }
    fn from_cells(cells: &mut statefun_core::Cells<'_>) -> Result<Self, StateError> {
        Ok(Self {
            seen: StateField::from_cells(cells)?,
        })
    }
    fn write_mutations(&self, out: &mut statefun_core::Mutations<'_>) -> Result<(), StateError> {
        StateField::write(&self.seen, out)
    }
}

struct Counter;

impl statefun_core::Function for Counter {
    type State = Seen;
    fn type_name(&self) -> statefun_core::TypeName {
        statefun_core::TypeName::from_static("demo/counter")
    }
    async fn invoke(
        &self,
        _: &mut statefun_core::Context,
        state: &mut Seen,
        _: statefun_core::Message,
    ) -> Result<(), statefun_core::BoxError> {
        state.seen.update(|n| Some(n.unwrap_or(0) + 1));
        Ok(())
    }
}

#[tokio::test]
async fn a_state_field_reads_its_cell_and_writes_its_change() {
    let handler = statefun_core::Handler::new(statefun_core::Functions::new().with(Counter));
    let body = Batch::to("demo/counter", "a")
        .state("seen", Some(typed(&41)))
        .text("hi")
        .bytes();
    let answer = handler.handle(body).await.unwrap();
    let written = mutations(&answer);
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].0, "seen");
    assert_eq!(written[0].1, typed(&42).value);
}

#[test]
fn take_returns_the_value_and_deletes_it() {
    let mut seen = Value::new(7);
    assert_eq!(seen.take(), Some(7));
    assert_eq!(seen.get(), None);
    assert!(seen.is_changed());
    assert_eq!(seen.take(), None);
}
