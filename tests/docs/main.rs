//! The docs are true: the README's tutorial builds and passes as a crate of its own
//! (`readme`), the examples serve and behave as their docs say (`examples`), and the
//! README's feature table is Cargo.toml's (`features`). One binary; a module per concept.

#[cfg(feature = "actix")]
mod examples;
mod features;
mod readme;
