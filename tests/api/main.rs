//! The SDK's API as a user's code meets it: what the macros generate and check
//! (`macros`, `macros_tutorial`, `typed_messages`), the module.yaml it prints, and the
//! public surface itself (`public_api`, which fails when it changes by accident). One
//! binary; a module per concept. The compile errors of the macros are in `statefun-macros/tests/ui.rs`
//! (trybuild).

mod macros;
mod macros_tutorial;
mod module_yaml;
mod public_api;
mod typed_messages;
