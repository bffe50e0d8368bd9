//! `AddressOf<F>`, the typed address: it reads, compares, hashes and prints as the untyped
//! `Address` it wraps.

use std::{
    collections::HashSet,
    hash::{BuildHasher, RandomState},
};

use statefun_core::{
    Address, AddressOf, BoxError, Context, Function, Message, TypeName, TypedFunction,
};

struct Greeter;

impl Function for Greeter {
    type State = ();
    fn type_name(&self) -> TypeName {
        Self::TYPE_NAME
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        Ok(())
    }
}

impl TypedFunction for Greeter {
    const TYPE_NAME: TypeName = TypeName::from_static("demo/greeter");
    type Message = Message;
}

#[test]
fn a_typed_address_reads_as_its_untyped_address() {
    let bob = AddressOf::<Greeter>::new("bob");
    assert_eq!(bob.id(), "bob");
    assert_eq!(bob.address(), &Address::new(Greeter::TYPE_NAME, "bob"));
    assert_eq!(bob.type_name(), &Greeter::TYPE_NAME, "through Deref");
    assert_eq!(bob.to_string(), "demo/greeter/bob");
    assert_eq!(format!("{bob:?}"), "AddressOf(Address(demo/greeter/bob))");
    assert_eq!(
        Address::from(bob.clone()),
        Address::new(Greeter::TYPE_NAME, "bob")
    );
}

#[test]
fn typed_addresses_are_equal_and_hash_alike_exactly_when_their_ids_are_equal() {
    let bob = AddressOf::<Greeter>::new("bob");
    assert_eq!(bob, AddressOf::<Greeter>::new("bob"));
    assert_eq!(bob, bob.clone());
    assert_ne!(bob, AddressOf::<Greeter>::new("alice"));

    let set: HashSet<_> = ["bob", "alice", "bob", "carol", "alice"]
        .into_iter()
        .map(AddressOf::<Greeter>::new)
        .collect();
    assert_eq!(set.len(), 3);
    assert!(set.contains(&bob));
    assert!(!set.contains(&AddressOf::<Greeter>::new("dave")));

    // A map keyed by either finds the same entries.
    let hasher = RandomState::new();
    assert_eq!(hasher.hash_one(&bob), hasher.hash_one(bob.address()));
    assert_ne!(
        hasher.hash_one(&bob),
        hasher.hash_one(AddressOf::<Greeter>::new("alice"))
    );
}
