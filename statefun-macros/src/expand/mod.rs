//! Code generation from checked inputs, and the fallback items of inputs with a mistake
//! (so that their uses add no error of their own). Generated code names the runtime only
//! through `<crate>::__private` (`::statefun::__private` unless `crate = "..."` says
//! otherwise), and trait bounds are spanned at the user's tokens so that unmet bounds are
//! reported at the argument, field or return type that causes them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{DeriveInput, ItemFn, LitStr, Path, parse_quote, spanned::Spanned};

use crate::{
    ast::Function,
    attr::Codec,
    valid::{Expiration, ValidCodec, ValidFunction, ValidMessages, ValidState, ValidType},
};

mod function;
mod messages;
mod state;
mod types;

pub(crate) use function::{function, function_fallback};
pub(crate) use messages::{messages, messages_fallback};
pub(crate) use state::{state, state_fallback};
pub(crate) use types::{type_, type_fallback};
