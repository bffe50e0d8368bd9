//! The `io.statefun.types/*` decoders on arbitrary bytes against the reference decoding:
//! every check of `statefun_fuzz::wrappers::check`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    statefun_fuzz::wrappers::check(data);
});
