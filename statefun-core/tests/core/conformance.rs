//! Every conformance vector, answered by functions written by hand against the core API
//! (no macros, `statefun_test_support::conformance_functions`), compared field by field
//! with the official Python SDK's answer.

use bytes::Bytes;
use statefun_core::{Error, Handler};
use statefun_test_support::{conformance, conformance_functions};

#[tokio::test]
async fn every_vector_matches_the_python_sdk() {
    let handler = Handler::new(conformance_functions::functions());
    let names = conformance::all_vector_names();
    assert!(
        names.len() >= 9,
        "expected the nine vectors, found {names:?}"
    );
    for name in names {
        let vector = conformance::vector(&name);
        let answer = handler.handle(Bytes::from(vector.request.clone())).await;
        if vector.python_status == 200 {
            let ours = answer.unwrap_or_else(|e| panic!("vector {name}: {e}"));
            conformance::assert_same_answer(&name, &ours, &vector.python_response);
            assert_no_expiration_spec_without_ttl(&name, &ours);
        } else {
            match answer {
                Err(Error::UnknownFunction {
                    type_name,
                    registered,
                }) => {
                    assert_eq!(name, "x-unknown-function");
                    assert_eq!(type_name, "demo/nope");
                    assert_eq!(registered.len(), 5);
                }
                other => panic!("vector {name}: expected UnknownFunction, got {other:?}"),
            }
        }
    }
}

/// Where the Python SDK's answer differs: it writes an empty `expiration_spec` for a state
/// without expiration, we write none (the protocol's default). The comparison treats both as
/// mode NONE; this checks that ours is absent.
fn assert_no_expiration_spec_without_ttl(vector: &str, ours: &[u8]) {
    use prost::Message as _;
    use statefun_core::proto::reqreply::{FromFunction, from_function::Response};
    let answer = FromFunction::decode(ours).unwrap();
    if let Some(Response::IncompleteInvocationContext(context)) = answer.response {
        for spec in context.missing_values {
            if let Some(expiration) = spec.expiration_spec {
                assert_ne!(
                    expiration.mode, 0,
                    "vector {vector}: state `{}` has no expiration, yet we sent an expiration_spec",
                    spec.state_name
                );
            }
        }
    }
}
