//! `Functions::catalog`: what a service hosts, as data and as JSON.

use std::time::Duration;

use statefun_core::{
    BoxError, Catalog, Context, DeadLetters, Expiration, Function, Functions, Message,
    MessageTypes, TypeName,
};

use super::any_of;

statefun_test_support::state! {
    struct CounterState {
        count: i32,
        recent: i32 => Expiration::AfterWrite(Duration::from_secs(1)),
        touched: bool => Expiration::AfterCall(Duration::from_secs(1)),
    }
}

/// Stateful, takes any message.
struct Counter;

impl Function for Counter {
    type State = CounterState;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("test/counter")
    }
    async fn invoke(
        &self,
        _: &mut Context,
        _: &mut CounterState,
        _: Message,
    ) -> Result<(), BoxError> {
        Ok(())
    }
}

/// Stateless, takes strings only.
struct Pinger;

impl Function for Pinger {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("test/pinger")
    }
    fn message_types(&self) -> MessageTypes {
        MessageTypes::Only(vec![TypeName::from_static("io.statefun.types/string")])
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        Ok(())
    }
}

#[test]
fn the_catalog_lists_each_function_its_messages_and_its_states() {
    let catalog = Functions::new().with(Counter).with(Pinger).catalog();
    let names: Vec<&str> = catalog
        .functions
        .iter()
        .map(|f| f.type_name.as_str())
        .collect();
    assert_eq!(names, ["test/counter", "test/pinger"], "sorted by typename");
    let counter = catalog
        .function(&TypeName::from_static("test/counter"))
        .unwrap();
    assert_eq!(counter.messages, MessageTypes::Any);
    let states: Vec<(&str, &str, Expiration)> = counter
        .states
        .iter()
        .map(|s| (s.name.as_str(), s.type_name.as_str(), s.expiration))
        .collect();
    assert_eq!(
        states,
        [
            ("count", "io.statefun.types/int", Expiration::Never),
            (
                "recent",
                "io.statefun.types/int",
                Expiration::AfterWrite(Duration::from_secs(1))
            ),
            (
                "touched",
                "io.statefun.types/bool",
                Expiration::AfterCall(Duration::from_secs(1))
            ),
        ]
    );
    assert!(
        catalog
            .function(&TypeName::from_static("test/nobody"))
            .is_none()
    );
}

#[test]
fn the_json_reads_back_to_the_same_catalog() {
    let catalog = Functions::new().with(Counter).with(Pinger).catalog();
    let json = catalog.to_json();
    assert_eq!(Catalog::from_json(&json).unwrap(), catalog);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["functions"][0]["messages"], "any");
    assert_eq!(
        value["functions"][0]["states"][1]["expire_after_write_ms"],
        1000
    );
    assert_eq!(
        value["functions"][0]["states"][2]["expire_after_call_ms"],
        1000
    );
    // A list of typenames for a function that takes only some.
    let mut only = any_of(&["a/b"]).catalog();
    only.functions[0].messages = MessageTypes::Only(vec![TypeName::from_static("a/T")]);
    assert_eq!(Catalog::from_json(&only.to_json()).unwrap(), only);
    // Every dead-letter policy reads back; a catalog without one is `fail`.
    let dlq = TypeName::from_static("a/dlq");
    for policy in [
        DeadLetters::fail(),
        DeadLetters::kafka(dlq.clone(), "dead"),
        DeadLetters::kinesis(dlq.clone(), "dead"),
        DeadLetters::egress(dlq.clone()),
        DeadLetters::function(dlq.clone()),
    ] {
        let catalog = any_of(&["a/b"]).with_dead_letters(policy.clone()).catalog();
        assert_eq!(catalog.functions[0].dead_letters, policy);
        assert_eq!(Catalog::from_json(&catalog.to_json()).unwrap(), catalog);
    }
    let legacy = Catalog::from_json(
        r#"{"functions": [{"typename": "a/b", "messages": "any", "states": []}]}"#,
    )
    .unwrap();
    assert_eq!(legacy.functions[0].dead_letters, DeadLetters::fail());
    let error = Catalog::from_json(r#"{"functions": [{"typename": "a/b", "messages": "any", "states": [], "dead_letters": {"kafka": {}}}]}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "not a function catalog: a/b: `dead_letters` is not a policy"
    );
}

#[test]
fn json_that_is_no_catalog_is_an_error_saying_what_is_wrong() {
    for (json, problem) in [
        ("[", "not a function catalog: EOF"),
        ("{}", "not a function catalog: no `functions` list"),
        (
            r#"{"functions": [{"typename": 1}]}"#,
            "not a function catalog: a function's `typename` is not a string",
        ),
        (
            r#"{"functions": [{"typename": "nons"}]}"#,
            "not a function catalog: a function's `typename`: ",
        ),
        (
            r#"{"functions": [{"typename": "a/b", "messages": 3}]}"#,
            "not a function catalog: a/b: `messages` is neither \"any\" nor a list of typenames",
        ),
        (
            r#"{"functions": [{"typename": "a/b", "messages": "all"}]}"#,
            "not a function catalog: a/b: `messages` is neither \"any\" nor a list of typenames",
        ),
        (
            r#"{"functions": [{"typename": "a/b", "messages": "any"}]}"#,
            "not a function catalog: a/b: no `states` list",
        ),
        (
            r#"{"functions": [{"typename": "a/b", "messages": "any", "states": [], "dead_letters": "drop"}]}"#,
            "not a function catalog: a/b: `dead_letters` is not a policy",
        ),
        (
            r#"{"functions": [{"typename": "a/b", "messages": "any", "states": [{}]}]}"#,
            "not a function catalog: a/b: a state without a `name`",
        ),
    ] {
        let error = Catalog::from_json(json).unwrap_err().to_string();
        assert!(error.starts_with(problem), "{json}: {error}");
    }
}
