//! The wrapper decoders (`io.statefun.types/*` values) against the reference decoding on
//! arbitrary bytes: prost's own decoding of the wrapper messages, with a mistyped field 1
//! skipped as the Java and Python protobuf runtimes do (`tests/support/wrapper_reference.rs`,
//! shared with the property tests of `statefun-core/tests/wrapper_decoding.rs`).
//!
//! Checked on every input, for each of the six primitive types: our decoder and the
//! reference both refuse the bytes or both decode the same value (floats bit for bit);
//! where no field 1 is mistyped, prost's plain decoding of the wrapper agrees too; the
//! borrowing `Message::as_str` agrees with the owned `String` decoder.

use bytes::Bytes;
use prost::{Message as _, encoding::WireType};
use statefun::{Message, Type, proto::types as wrappers};

#[path = "../../tests/support/wrapper_reference.rs"]
mod wrapper_reference;

/// Every check on `data`; a disagreement panics (a crash for libFuzzer).
pub fn check(data: &[u8]) {
    let bytes = Bytes::copy_from_slice(data);
    let mut outcomes = Vec::new();
    macro_rules! check {
        ($ty:ty, $wrapper:ty, $wire:expr, |$v:ident| $key:expr) => {{
            let ours = <$ty as Type>::decode(bytes.clone()).ok().map(|$v| $key);
            let reference = wrapper_reference::decode::<$wrapper>(data, $wire).map(|w| {
                let $v = w.value;
                $key
            });
            assert_eq!(ours, reference, "{} on {:02x?}", stringify!($ty), data);
            let mistyped = wrapper_reference::has_mistyped_field_1(data, $wire);
            if !mistyped {
                let prost = <$wrapper>::decode(data).ok().map(|w| {
                    let $v = w.value;
                    $key
                });
                assert_eq!(ours, prost, "{} (prost) on {:02x?}", stringify!($ty), data);
            }
            outcomes.push(match (ours.is_some(), mistyped) {
                (true, false) => "ok",
                (true, true) => "ok, mistyped field 1 skipped",
                (false, _) => "refused",
            });
        }};
    }
    check!(i32, wrappers::IntWrapper, WireType::ThirtyTwoBit, |v| v);
    check!(i64, wrappers::LongWrapper, WireType::SixtyFourBit, |v| v);
    check!(f32, wrappers::FloatWrapper, WireType::ThirtyTwoBit, |v| v
        .to_bits());
    check!(f64, wrappers::DoubleWrapper, WireType::SixtyFourBit, |v| v
        .to_bits());
    check!(bool, wrappers::BooleanWrapper, WireType::Varint, |v| v);
    check!(
        String,
        wrappers::StringWrapper,
        WireType::LengthDelimited,
        |v| v
    );
    let owned = <String as Type>::decode(bytes.clone()).ok();
    let message = Message::from_raw(&String::type_name(), bytes);
    assert_eq!(
        message.as_str().ok(),
        owned.as_deref(),
        "as_str on {data:02x?}"
    );

    if crate::stats_enabled() {
        for (name, outcome) in ["int", "long", "float", "double", "bool", "string"]
            .iter()
            .zip(outcomes)
        {
            crate::count(format!("{name}: {outcome}"));
        }
    }
}
