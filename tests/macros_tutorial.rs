//! The mini-tutorial's greeter, written with the macros, answers the conformance vectors
//! for `demo/greeter` as the official Python SDK did (compared field by field, as
//! `shared/conformance/README.md` prescribes).

use std::path::PathBuf;

use bytes::Bytes;
use prost::Message as _;
use statefun::{
    Context, Functions, Handler, Message, StateSpec, Type, Value,
    proto::reqreply::{
        FromFunction, TypedValue,
        from_function::{ExpirationSpec, Response},
    },
};

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

fn vector(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/vectors")
        .join(name)
}

/// A typed value for comparison: primitives by decoded value, others by bytes.
fn decoded(value: &Option<TypedValue>) -> Option<(String, bool, String)> {
    value.as_ref().map(|v| {
        let shown = match v.typename.as_str() {
            "io.statefun.types/int" => <i32 as Type>::decode(v.value.clone()).unwrap().to_string(),
            "io.statefun.types/string" => <String as Type>::decode(v.value.clone()).unwrap(),
            _ => format!("{:?}", v.value),
        };
        (v.typename.clone(), v.has_value, shown)
    })
}

/// The response in the README's comparable form.
fn comparable(response: Response) -> String {
    match response {
        Response::InvocationResult(mut result) => {
            result
                .state_mutations
                .sort_by(|a, b| a.state_name.cmp(&b.state_name));
            let mutations: Vec<_> = result
                .state_mutations
                .iter()
                .map(|m| (&m.state_name, m.mutation_type, decoded(&m.state_value)))
                .collect();
            format!(
                "result: mutations {mutations:?}, messages {}, delayed {}, egress {}",
                result.outgoing_messages.len(),
                result.delayed_invocations.len(),
                result.outgoing_egresses.len()
            )
        }
        Response::IncompleteInvocationContext(mut incomplete) => {
            incomplete
                .missing_values
                .sort_by(|a, b| a.state_name.cmp(&b.state_name));
            let missing: Vec<_> = incomplete
                .missing_values
                .iter()
                .map(|spec| {
                    let expiration: ExpirationSpec = spec.expiration_spec.unwrap_or_default();
                    (
                        &spec.state_name,
                        &spec.type_typename,
                        expiration.mode,
                        expiration.expire_after_millis,
                    )
                })
                .collect();
            format!("missing: {missing:?}")
        }
    }
}

async fn answer(name: &str) -> (String, String) {
    let handler = Handler::new(Functions::new().with(greet));
    let request = Bytes::from(std::fs::read(vector(name).join("request.bin")).unwrap());
    let ours = handler.handle(request).await.expect("the greeter answers");
    let python = Bytes::from(std::fs::read(vector(name).join("python-response.bin")).unwrap());
    let decode = |bytes: Bytes| comparable(FromFunction::decode(bytes).unwrap().response.unwrap());
    (decode(ours), decode(python))
}

#[tokio::test]
async fn greeter_answers_the_conformance_vectors_like_the_python_sdk() {
    for (name, expected) in [
        (
            "a-greeter",
            r#"result: mutations [("seen", 1, Some(("io.statefun.types/int", true, "42")))], messages 0, delayed 0, egress 0"#,
        ),
        (
            "b-greeter-batch100",
            r#"result: mutations [("seen", 1, Some(("io.statefun.types/int", true, "141")))], messages 0, delayed 0, egress 0"#,
        ),
        (
            "c-greeter-missing-state",
            r#"missing: [("seen", "io.statefun.types/int", 0, 0)]"#,
        ),
        (
            "h-greeter-empty-state",
            r#"result: mutations [("seen", 1, Some(("io.statefun.types/int", true, "1")))], messages 0, delayed 0, egress 0"#,
        ),
    ] {
        let (ours, python) = answer(name).await;
        assert_eq!(ours, python, "{name}: ours vs the Python SDK's");
        assert_eq!(ours, expected, "{name}");
    }
}
