//! `#[derive(StateSpec)]`: the specs it derives, the negotiation and the mutations they make.

use super::*;

#[test]
fn derived_specs_are_in_declaration_order() {
    let specs = Account::specs();
    let summary: Vec<_> = specs
        .iter()
        .map(|s| (s.name(), s.type_name().as_str(), s.expiration()))
        .collect();
    assert_eq!(
        summary,
        [
            ("seen", "io.statefun.types/int", Expiration::Never),
            (
                "name",
                "io.statefun.types/string",
                Expiration::AfterCall(Duration::from_secs(600))
            ),
            (
                "profile_v2",
                "demo/Profile",
                Expiration::AfterWrite(Duration::from_secs(5400))
            ),
            (
                "last_ping",
                "type.googleapis.com/demo.v1.Ping",
                Expiration::AfterCall(Duration::from_millis(1500))
            ),
            ("blob", "demo/bytes", Expiration::Never),
            ("untouched", "io.statefun.types/bool", Expiration::Never),
        ]
    );
}

#[tokio::test]
async fn negotiation_lists_exactly_the_derived_specs() {
    let handler = Handler::new(Functions::new().with(account));
    let response = call(
        &handler,
        request(
            &ACCOUNT,
            vec![("seen", None)],
            vec![typed(&"bob".to_owned())],
        ),
    )
    .await;
    let from_function::Response::IncompleteInvocationContext(missing) = response else {
        panic!("expected negotiation, got {response:?}");
    };
    let missing: Vec<_> = missing
        .missing_values
        .iter()
        .map(|spec| {
            let expiration = spec.expiration_spec.unwrap_or_default();
            (
                spec.state_name.as_str(),
                spec.type_typename.as_str(),
                ExpireMode::try_from(expiration.mode).unwrap(),
                expiration.expire_after_millis,
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            (
                "name",
                "io.statefun.types/string",
                ExpireMode::AfterInvoke,
                600_000
            ),
            (
                "profile_v2",
                "demo/Profile",
                ExpireMode::AfterWrite,
                5_400_000
            ),
            (
                "last_ping",
                "type.googleapis.com/demo.v1.Ping",
                ExpireMode::AfterInvoke,
                1_500
            ),
            ("blob", "demo/bytes", ExpireMode::None, 0),
            ("untouched", "io.statefun.types/bool", ExpireMode::None, 0),
        ]
    );
}

#[tokio::test]
async fn reads_writes_and_deletes_become_mutations() {
    let handler = Handler::new(Functions::new().with(account));
    let state = all_states(&[
        ("seen", Some(typed(&41))),
        ("name", Some(typed(&"old".to_owned()))),
        (
            "profile_v2",
            Some(typed(&Profile {
                name: "alice".into(),
                visits: 2,
            })),
        ),
        ("blob", Some(typed(&Blob(Bytes::from_static(b">"))))),
        ("untouched", Some(typed(&true))),
    ]);
    let args = vec![
        typed(&"bob".to_owned()),
        typed(&Ping {
            from: "carol".into(),
        }),
        typed(&"dave".to_owned()),
    ];
    let mutations = mutations(call(&handler, request(&ACCOUNT, state, args)).await);

    let decoded: Vec<_> = mutations
        .iter()
        .map(|m| {
            (
                m.state_name.as_str(),
                MutationType::try_from(m.mutation_type).unwrap(),
                m.state_value.as_ref().map(|v| v.typename.as_str()),
            )
        })
        .collect();
    assert_eq!(
        decoded,
        [
            ("seen", MutationType::Modify, Some("io.statefun.types/int")),
            (
                "name",
                MutationType::Modify,
                Some("io.statefun.types/string")
            ),
            ("profile_v2", MutationType::Modify, Some("demo/Profile")),
            (
                "last_ping",
                MutationType::Modify,
                Some("type.googleapis.com/demo.v1.Ping")
            ),
            ("blob", MutationType::Modify, Some("demo/bytes")),
        ],
        "`untouched` was only read, so it has no mutation"
    );
    let value = |i: usize| mutations[i].state_value.clone().unwrap().value;
    assert_eq!(decode::<i32>(value(0)).unwrap(), 44);
    assert_eq!(decode::<String>(value(1)).unwrap(), "dave");
    assert_eq!(
        decode::<Profile>(value(2)).unwrap(),
        Profile {
            name: "alice".into(),
            visits: 4
        }
    );
    assert_eq!(decode::<Ping>(value(3)).unwrap().from, "carol");
    assert_eq!(
        decode::<Blob>(value(4)).unwrap(),
        Blob(Bytes::from_static(b">bobdave"))
    );

    // Clearing becomes a DELETE without a value.
    let state = all_states(&[
        ("name", Some(typed(&"old".to_owned()))),
        ("blob", Some(typed(&Blob(Bytes::from_static(b"x"))))),
    ]);
    let mutations = mutations_of(&handler, state, vec![typed(&"forget".to_owned())]).await;
    let decoded: Vec<_> = mutations
        .iter()
        .map(|m| {
            (
                m.state_name.as_str(),
                MutationType::try_from(m.mutation_type).unwrap(),
                m.state_value.is_some(),
            )
        })
        .collect();
    assert_eq!(
        decoded,
        [
            ("seen", MutationType::Modify, true),
            ("name", MutationType::Delete, false),
            ("blob", MutationType::Delete, false),
        ]
    );
}

#[test]
fn derived_types_round_trip() {
    let profile = Profile {
        name: "alice".into(),
        visits: 3,
    };
    assert_eq!(Profile::type_name(), "demo/Profile");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&profile.encode().unwrap()).unwrap(),
        serde_json::json!({"name": "alice", "visits": 3})
    );
    assert_eq!(
        decode::<Profile>(profile.encode().unwrap()).unwrap(),
        profile
    );

    let ping = Ping { from: "bob".into() };
    assert_eq!(Ping::type_name(), "type.googleapis.com/demo.v1.Ping");
    assert_eq!(decode::<Ping>(Type::encode(&ping).unwrap()).unwrap(), ping);

    let blob = Blob(Bytes::from_static(b"\x00\x01"));
    assert_eq!(blob.encode().unwrap(), Bytes::from_static(b"\x00\x01"));
    assert_eq!(decode::<Blob>(blob.encode().unwrap()).unwrap(), blob);
    assert!(decode::<Profile>(Bytes::from_static(b"not json")).is_err());
}
