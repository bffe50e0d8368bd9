//! The local runtime and the `statefun-local` command driving a real function service over
//! HTTP: our own actix service (`service.rs`) on a loopback port. One test binary, so that
//! both parts share the service's functions without including its file twice.

#![cfg(all(feature = "cli", feature = "actix"))]

mod cli;
mod cli_module;
mod remote;
mod service;
