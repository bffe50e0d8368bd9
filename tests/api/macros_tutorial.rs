//! The mini-tutorial's greeter, written with the macros, answers the conformance vectors
//! for `demo/greeter` as the official Python SDK did (compared field by field, as
//! `tests/conformance/README.md` prescribes).

use prost::Message as _;
use serde_json::{Value as Json, json};
use statefun::{
    Context, Functions, Handler, Message, StateSpec, Value, proto::reqreply::FromFunction,
};
use statefun_test_support::conformance;

#[derive(StateSpec)]
struct Greeter {
    seen: Value<i32>,
}

/// Reads the caller's name and counts the greetings.
#[statefun::function(typename = "demo/greeter")]
async fn greet(_ctx: &mut Context, state: &mut Greeter, msg: Message) -> anyhow::Result<()> {
    let _name = msg.as_str()?;
    let seen = state.seen.get().copied().unwrap_or(0) + 1;
    state.seen.set(seen);
    Ok(())
}

/// The canonical form (`conformance::canonical`) of an answer that sets `seen` to `count`
/// and sends nothing.
fn seen(count: i32) -> Json {
    json!({
        "state_mutations": [{
            "state_name": "seen",
            "mutation_type": 1,
            "value": {
                "typename": "io.statefun.types/int",
                "has_value": true,
                "value": { "int": count },
            },
        }],
        "outgoing_messages": [],
        "delayed_invocations": [],
        "outgoing_egresses": [],
    })
}

#[tokio::test]
async fn greeter_answers_the_conformance_vectors_like_the_python_sdk() {
    let handler = Handler::new(Functions::new().with(greet));
    let missing_seen = json!({
        "missing_values": [{
            "state_name": "seen",
            "type_typename": "io.statefun.types/int",
            "mode": 0,
            "expire_after_millis": 0,
        }],
    });
    for (name, expected) in [
        ("a-greeter", seen(42)),
        ("b-greeter-batch100", seen(141)),
        ("c-greeter-missing-state", missing_seen),
        ("h-greeter-empty-state", seen(1)),
    ] {
        let vector = conformance::vector(name);
        let ours = handler
            .handle(vector.request.into())
            .await
            .expect("the greeter answers");
        conformance::assert_same_answer(name, &ours, &vector.python_response);
        let ours = conformance::canonical(&FromFunction::decode(ours).unwrap());
        assert_eq!(ours, expected, "{name}");
    }
}
