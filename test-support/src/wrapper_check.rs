//! Our decoders of the `io.statefun.types/*` values held against the reference decoding
//! ([`wrapper_reference`](crate::wrapper_reference)) and prost's on the same bytes: the
//! property shared by the property tests of `statefun-core/tests/wrapper_decoding.rs` and the
//! fuzz target `wrapper_decoding`.

use std::fmt;

use prost::{Message as _, encoding::WireType};
use statefun_core::{Bytes, Message, Type, proto::types as wrappers};

use crate::wrapper_reference::{decode, has_mistyped_field_1};

/// What our decoder made of the bytes, for one primitive type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Decoded, as prost and the reference decode them.
    Decoded,
    /// Decoded, with a field 1 of another wire type than the declared one skipped as an
    /// unknown field (where prost refuses the bytes).
    DecodedSkippingMistypedField1,
    /// Refused, as the reference refuses them.
    Refused,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Decoded => "ok",
            Outcome::DecodedSkippingMistypedField1 => "ok, mistyped field 1 skipped",
            Outcome::Refused => "refused",
        })
    }
}

/// Checks `data` as a value of each of the six primitive types (`int`, `long`, `float`,
/// `double`, `bool`, `string`, in this order): our decoder and the reference both refuse it
/// or both decode the same value (floats bit for bit); where no field 1 is mistyped,
/// prost's plain decoding of the wrapper message agrees too; the borrowing `Message::as_str`
/// agrees with the owned `String` decoder.
///
/// Returns each type's short name with its outcome, or the first disagreement.
pub fn check(data: &[u8]) -> Result<[(&'static str, Outcome); 6], String> {
    let bytes = Bytes::copy_from_slice(data);
    macro_rules! check {
        ($name:literal, $ty:ty, $wrapper:ty, $wire:expr, |$v:ident| $key:expr) => {{
            let ours = <$ty as Type>::decode(bytes.clone()).ok().map(|$v| $key);
            let reference = decode::<$wrapper>(data, $wire).map(|w| {
                let $v = w.value;
                $key
            });
            if ours != reference {
                return Err(format!(
                    "{} on {data:02x?}: ours {ours:?}, the reference {reference:?}",
                    stringify!($ty)
                ));
            }
            let mistyped = has_mistyped_field_1(data, $wire);
            if !mistyped {
                let prost = <$wrapper>::decode(data).ok().map(|w| {
                    let $v = w.value;
                    $key
                });
                if ours != prost {
                    return Err(format!(
                        "{} (prost) on {data:02x?}: ours {ours:?}, prost {prost:?}",
                        stringify!($ty)
                    ));
                }
            }
            let outcome = match (ours.is_some(), mistyped) {
                (true, false) => Outcome::Decoded,
                (true, true) => Outcome::DecodedSkippingMistypedField1,
                (false, _) => Outcome::Refused,
            };
            ($name, outcome)
        }};
    }
    let outcomes = [
        check!(
            "int",
            i32,
            wrappers::IntWrapper,
            WireType::ThirtyTwoBit,
            |v| v
        ),
        check!(
            "long",
            i64,
            wrappers::LongWrapper,
            WireType::SixtyFourBit,
            |v| v
        ),
        check!(
            "float",
            f32,
            wrappers::FloatWrapper,
            WireType::ThirtyTwoBit,
            |v| v.to_bits()
        ),
        check!(
            "double",
            f64,
            wrappers::DoubleWrapper,
            WireType::SixtyFourBit,
            |v| v.to_bits()
        ),
        check!(
            "bool",
            bool,
            wrappers::BooleanWrapper,
            WireType::Varint,
            |v| v
        ),
        check!(
            "string",
            String,
            wrappers::StringWrapper,
            WireType::LengthDelimited,
            |v| v
        ),
    ];
    let owned = <String as Type>::decode(bytes.clone()).ok();
    let message = Message::from_raw(&String::type_name(), bytes);
    let borrowed = message.as_str().ok();
    if borrowed != owned.as_deref() {
        return Err(format!(
            "as_str on {data:02x?}: {borrowed:?}, the String decoder {owned:?}"
        ));
    }
    Ok(outcomes)
}
