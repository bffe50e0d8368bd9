//! Value codecs, typenames, state names and egress records: golden bytes, round trips
//! (property tests) and accept/reject tables.

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message as _;
use statefun_core::{
    EgressError, EgressMessage, Encode, InfallibleEncode, Message, SpecError, Type, TypeName,
    TypeNameError, ValueSpec, is_valid_state_name,
    proto::{egress, types as wrappers},
};
use statefun_test_support::state_names;

mod primitives;

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

mod names;
mod records;
