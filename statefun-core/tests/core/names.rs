//! The small value types of the API: cancellation tokens, typenames and addresses, as a
//! caller compares, converts and prints them.

use statefun_core::CancellationToken;

#[test]
fn a_token_equals_exactly_its_text() {
    const REMINDER: CancellationToken = CancellationToken::from_static("reminder");
    let owned = CancellationToken::new(String::from("reminder")).unwrap();
    assert_eq!(REMINDER, owned);
    for token in [&REMINDER, &owned] {
        assert!(*token == *"reminder");
        assert!(*token == "reminder");
        assert!(*token != *"reminder-2");
        assert!(*token != "remind");
        assert!(*token != "");
    }
}

#[test]
fn a_typename_equals_exactly_its_text_and_prints_as_it() {
    let greeter = statefun_core::TypeName::from_static("demo/greeter");
    assert!(greeter == *"demo/greeter");
    assert!(greeter == "demo/greeter");
    assert!(greeter != *"demo/greeter2");
    assert!(greeter != "demo/greete");
    assert!(greeter != "");
    assert_eq!(greeter.to_string(), "demo/greeter");
    assert_eq!(format!("{greeter:?}"), "\"demo/greeter\"");
}
