//! The dispatcher on arbitrary bytes: every invariant of `statefun_fuzz::check`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    statefun_fuzz::check(data, None);
});
