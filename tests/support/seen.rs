//! The greeter's state written by hand against the core API (no macros): one `int` cell,
//! `seen`. Shared by the tests of crates that cannot use the derive.
//!
//! Include with `#[path = ".../tests/support/seen.rs"] mod seen;`.

use statefun_core::{Cells, Mutations, State, StateError, Value, ValueSpec};

/// `seen: io.statefun.types/int`, never expiring.
pub struct Seen {
    pub seen: Value<i32>,
}

impl State for Seen {
    fn specs() -> Vec<ValueSpec> {
        vec![ValueSpec::new::<i32>("seen").unwrap()]
    }
    fn from_cells(cells: &mut Cells<'_>) -> Result<Self, StateError> {
        Ok(Seen {
            seen: cells.next_value()?,
        })
    }
    fn write_mutations(&self, out: &mut Mutations<'_>) -> Result<(), StateError> {
        out.write(&self.seen)
    }
}
