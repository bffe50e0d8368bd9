//! The protocol on the wire: the `ToFunction` request read in place ([`request`]), the
//! `FromFunction` answer written ([`response`]), and the conversions between their parts
//! and the SDK's own types ([`convert`]). Only this layer (and the local runtime, which
//! plays the runtime's side) knows how the protocol lays things out.

pub(crate) mod convert;
pub(crate) mod request;
pub(crate) mod response;
#[cfg(feature = "trace")]
pub(crate) mod trace;
