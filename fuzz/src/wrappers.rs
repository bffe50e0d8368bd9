//! The wrapper decoders (`io.statefun.types/*` values) against the reference decoding on
//! arbitrary bytes: prost's own decoding of the wrapper messages, with a mistyped field 1
//! skipped as the Java and Python protobuf runtimes do (`statefun_test_support::wrapper_check`,
//! shared with the property tests of `statefun-core/tests/wrapper_decoding.rs`).
//!
//! Checked on every input, for each of the six primitive types: our decoder and the
//! reference both refuse the bytes or both decode the same value (floats bit for bit);
//! where no field 1 is mistyped, prost's plain decoding of the wrapper agrees too; the
//! borrowing `Message::as_str` agrees with the owned `String` decoder.

use statefun_test_support::wrapper_check;

/// Every check on `data`; a disagreement panics (a crash for libFuzzer).
pub fn check(data: &[u8]) {
    let outcomes =
        wrapper_check::check(data).unwrap_or_else(|disagreement| panic!("{disagreement}"));
    if crate::stats_enabled() {
        for (name, outcome) in outcomes {
            crate::count(format!("{name}: {outcome}"));
        }
    }
}
