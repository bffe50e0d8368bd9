//! The wire protocol: prost types generated from the `.proto` files in the repository's
//! `proto/` folder (checked in; a test regenerates them and fails on any difference).
//!
//! Byte fields are [`bytes::Bytes`], so values taken from a request body are views into it,
//! never copies.

#![allow(missing_docs, clippy::all, rust_2018_idioms)]

/// `io.statefun.sdk.reqreply`: `ToFunction`, `FromFunction` and their parts.
pub mod reqreply {
    include!("proto/generated/io.statefun.sdk.reqreply.rs");
}

/// `io.statefun.sdk.types`: the wrappers whose encodings are the primitive types' bytes.
pub mod types {
    include!("proto/generated/io.statefun.sdk.types.rs");
}

/// `io.statefun.sdk.egress`: Kafka and Kinesis egress records.
pub mod egress {
    include!("proto/generated/io.statefun.sdk.egress.rs");
}

/// `statefun.rs`: the dead letter, this SDK's record of a message set aside
/// (`statefun::DeadLetter` is its API).
pub mod dead_letter {
    include!("proto/generated/statefun.rs.rs");
}
