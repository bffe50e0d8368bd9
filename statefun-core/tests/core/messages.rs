//! `MessageTypes`: which typenames a function's message parameter accepts, and how the
//! error for another typename names them.

use statefun_core::{Message, MessageError, MessageTypes, Messages, TypeName};

const STRING: TypeName = TypeName::from_static("io.statefun.types/string");
const INT: TypeName = TypeName::from_static("io.statefun.types/int");

#[test]
fn any_accepts_every_typename_and_only_its_own() {
    assert!(MessageTypes::Any.accepts("demo/anything"));
    let only = MessageTypes::Only(vec![STRING, INT]);
    assert!(only.accepts("io.statefun.types/string"));
    assert!(only.accepts("io.statefun.types/int"));
    assert!(!only.accepts("io.statefun.types/long"));
    assert!(!only.accepts("io.statefun.types/strin"));
    assert!(!MessageTypes::Only(Vec::new()).accepts("io.statefun.types/int"));
}

#[test]
fn the_accepted_typenames_read_as_a_list() {
    assert_eq!(MessageTypes::Any.to_string(), "any type");
    assert_eq!(
        MessageTypes::Only(vec![STRING]).to_string(),
        "`io.statefun.types/string`"
    );
    assert_eq!(
        MessageTypes::Only(vec![STRING, INT, STRING]).to_string(),
        "`io.statefun.types/string`, `io.statefun.types/int`, `io.statefun.types/string`"
    );
}

#[test]
fn a_type_takes_its_own_messages_and_names_itself_for_others() {
    assert_eq!(
        <i32 as Messages>::message_types(),
        MessageTypes::Only(vec![INT])
    );
    assert_eq!(
        <i32 as Messages>::from_message(Message::new(&5i32)).unwrap(),
        5
    );
    let error = <i32 as Messages>::from_message(Message::new("five")).unwrap_err();
    assert!(
        matches!(&error, MessageError::Unexpected { type_name, accepted }
            if type_name == "io.statefun.types/string" && *accepted == MessageTypes::Only(vec![INT])),
        "{error:?}"
    );
    assert_eq!(<Message as Messages>::message_types(), MessageTypes::Any);
}
