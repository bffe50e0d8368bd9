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
