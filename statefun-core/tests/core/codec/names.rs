//! The rules for typenames, state names and expirations.

use super::*;

#[test]
fn typename_table() {
    let accepted = [
        "demo/greeter",
        "io.statefun.types/int",
        "a/b",
        "type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord",
        "ns/name with spaces",
    ];
    for s in accepted {
        let t: TypeName = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(t.as_str(), s);
        assert_eq!(format!("{}/{}", t.namespace(), t.name()), s);
    }
    type Check = fn(&TypeNameError) -> bool;
    let rejected: [(&str, Check); 6] = [
        ("", |e| matches!(e, TypeNameError::Empty)),
        ("greeter", |e| matches!(e, TypeNameError::MissingSlash(_))),
        ("/greeter", |e| {
            matches!(e, TypeNameError::EmptyNamespace(_))
        }),
        ("demo/", |e| matches!(e, TypeNameError::EmptyName(_))),
        ("a/b/c", |e| matches!(e, TypeNameError::TooManySlashes(_))),
        ("/", |e| matches!(e, TypeNameError::EmptyNamespace(_))),
    ];
    for (s, check) in rejected {
        let err = s.parse::<TypeName>().expect_err(s);
        assert!(check(&err), "{s}: unexpected {err:?}");
        assert!(err.to_string().contains("namespace/name"), "{err}");
    }
}

#[test]
fn state_names_follow_the_shared_table() {
    assert!(state_names::accepted().contains(&"lastSeen".to_owned()));
    for name in state_names::accepted() {
        assert!(is_valid_state_name(&name), "{name}");
        let spec = ValueSpec::new::<i32>(name.clone()).expect(&name);
        assert_eq!(spec.name(), name);
    }
    for name in state_names::rejected() {
        assert!(!is_valid_state_name(&name), "{name:?}");
        assert_eq!(
            ValueSpec::new::<i32>(name.clone()).unwrap_err(),
            SpecError::InvalidName(name.clone()),
            "{name:?}"
        );
    }
}

#[test]
fn expiration_must_be_at_least_one_millisecond() {
    use std::time::Duration;
    let spec = ValueSpec::new::<i32>("a").unwrap();
    assert!(matches!(
        spec.clone().expire_after_call(Duration::ZERO),
        Err(SpecError::ZeroExpiration(_))
    ));
    assert!(matches!(
        spec.clone().expire_after_write(Duration::from_micros(999)),
        Err(SpecError::ZeroExpiration(_))
    ));
    assert!(spec.expire_after_write(Duration::from_millis(1)).is_ok());
}
