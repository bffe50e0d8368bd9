//! [`state!`](crate::state!): a state struct of `Value` cells with its `State` impl, for the
//! tests of the crates that cannot use `#[derive(StateSpec)]` (the core and the adapter,
//! which the macros' crate depends on).

/// Declares a struct of [`Value`](statefun_core::Value) cells and implements
/// [`State`](statefun_core::State) for it as the derive would: one spec per field, named as
/// the field (or as the literal after `as`), never expiring unless an `Expiration` follows
/// `=>`, read and written in declaration order.
///
/// ```
/// use std::time::Duration;
/// use statefun_core::Expiration;
///
/// statefun_test_support::state! {
///     /// `count` never expires; `recent` 1 s after it is written.
///     pub struct Counters {
///         count: i32,
///         recent: i32 as "lastSeen" => Expiration::AfterWrite(Duration::from_secs(1)),
///     }
/// }
/// # use statefun_core::State;
/// assert_eq!(Counters::specs()[1].name(), "lastSeen");
/// ```
#[macro_export]
macro_rules! state {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident : $ty:ty $(as $state_name:literal)? $(=> $expiration:expr)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $(
                $(#[$field_meta])*
                pub $field: $crate::__core::Value<$ty>,
            )*
        }

        impl $crate::__core::State for $name {
            fn specs() -> ::std::vec::Vec<$crate::__core::ValueSpec> {
                ::std::vec![$(
                    $crate::__core::ValueSpec::new::<$ty>(
                        $crate::state!(@name $field $($state_name)?),
                    )
                    .unwrap()
                    .with_expiration(
                        $crate::state!(@expiration $($expiration)?),
                    )
                    .unwrap()
                ),*]
            }

            fn from_cells(
                cells: &mut $crate::__core::Cells<'_>,
            ) -> ::std::result::Result<Self, $crate::__core::StateError> {
                ::std::result::Result::Ok(Self {
                    $($field: cells.next_value()?,)*
                })
            }

            fn write_mutations(
                &self,
                out: &mut $crate::__core::Mutations<'_>,
            ) -> ::std::result::Result<(), $crate::__core::StateError> {
                $(out.write(&self.$field)?;)*
                ::std::result::Result::Ok(())
            }
        }
    };
    (@name $field:ident) => { ::std::stringify!($field) };
    (@name $field:ident $state_name:literal) => { $state_name };
    (@expiration) => { $crate::__core::Expiration::Never };
    (@expiration $expiration:expr) => { $expiration };
}
