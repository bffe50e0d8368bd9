//! The defaults of the HTTP layer are the runtime's: a body the runtime may send is never
//! refused, and a batch is not abandoned before the runtime gives up on it.

use std::time::Duration;

use statefun_core::http::{DEFAULT_BODY_LIMIT, DEFAULT_PATH, DEFAULT_TIMEOUT, OCTET_STREAM};

#[test]
fn the_defaults_are_the_runtimes() {
    // `payload_max_bytes` of the runtime's module.yaml: 32 MiB unless set.
    assert_eq!(DEFAULT_BODY_LIMIT, 33_554_432);
    // `transport.call` of the runtime's module.yaml: 2 minutes unless set.
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(120));
    assert_eq!(DEFAULT_PATH, "/statefun");
    assert_eq!(OCTET_STREAM, "application/octet-stream");
}
