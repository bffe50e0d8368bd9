//! The dispatcher on structured `ToFunction` requests (registered and unknown functions,
//! declared and unknown states, well-typed and garbled values, commands that use every
//! feature): every invariant of `statefun_fuzz::check`, plus the model's expectations.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|request: statefun_fuzz::Request| {
    let (body, expected) = request.encode();
    statefun_fuzz::write_seed(&body);
    statefun_fuzz::check(&body, Some(&expected));
});
