//! The registry, `Functions`: the checks `try_with` applies to the state specs of a
//! hand-written `State` (the derive checks its own at compile time), and what it reports
//! about the functions registered.

use std::time::Duration;

use statefun_core::{
    BoxError, Cells, Context, Expiration, Function, Functions, Message, MessageTypes, Mutations,
    RegistryError, SpecError, State, StateError, StateField, TypeName, Value, ValueSpec,
};

/// A hand-written state named `$name` whose specs are `$specs`.
macro_rules! state_with_specs {
    ($name:ident, $specs:expr) => {
        struct $name;

        impl State for $name {
            fn specs() -> Vec<ValueSpec> {
                $specs
            }
            fn from_cells(_: &mut Cells<'_>) -> Result<Self, StateError> {
                Ok(Self)
            }
            fn write_mutations(&self, _: &mut Mutations<'_>) -> Result<(), StateError> {
                Ok(())
            }
        }
    };
}

/// A function of state `S` named `test/hand-written`.
struct HandWritten<S>(std::marker::PhantomData<fn() -> S>);

const HAND_WRITTEN: TypeName = TypeName::from_static("test/hand-written");

impl<S: State + 'static> Function for HandWritten<S> {
    type State = S;
    fn type_name(&self) -> TypeName {
        HAND_WRITTEN
    }
    async fn invoke(&self, _: &mut Context, _: &mut S, _: Message) -> Result<(), BoxError> {
        Ok(())
    }
}

fn register<S: State + 'static>() -> Result<Functions, RegistryError> {
    Functions::new().try_with(HandWritten::<S>(std::marker::PhantomData))
}

fn int_spec(name: &'static str, expiration: Expiration) -> ValueSpec {
    // As the derive makes it, unchecked: the registry checks it.
    <Value<i32> as StateField>::spec(name, expiration)
}

/// The spec error `try_with` reports, after checking it names the function.
fn spec_error(result: Result<Functions, RegistryError>) -> SpecError {
    match result {
        Err(RegistryError::InvalidSpec { type_name, source }) => {
            assert_eq!(type_name, HAND_WRITTEN);
            source
        }
        Err(other) => panic!("expected InvalidSpec, got {other:?}"),
        Ok(functions) => panic!("registered: {functions:?}"),
    }
}

#[test]
fn registration_rejects_invalid_state_names() {
    state_with_specs!(
        DigitFirst,
        vec![
            int_spec("seen", Expiration::Never),
            int_spec("1st", Expiration::Never)
        ]
    );
    assert_eq!(
        spec_error(register::<DigitFirst>()),
        SpecError::InvalidName("1st".into())
    );
    state_with_specs!(Dashed, vec![int_spec("last-seen", Expiration::Never)]);
    assert_eq!(
        spec_error(register::<Dashed>()),
        SpecError::InvalidName("last-seen".into())
    );
    state_with_specs!(Empty, vec![int_spec("", Expiration::Never)]);
    assert_eq!(
        spec_error(register::<Empty>()),
        SpecError::InvalidName(String::new())
    );
}

#[test]
fn registration_rejects_duplicate_state_names() {
    // Reachable without the hidden constructor: `ValueSpec::new` checks one spec at a time.
    state_with_specs!(
        Twice,
        vec![
            ValueSpec::new::<i32>("seen").unwrap(),
            ValueSpec::new::<String>("note").unwrap(),
            ValueSpec::new::<String>("seen").unwrap(),
        ]
    );
    let error = spec_error(register::<Twice>());
    assert_eq!(error, SpecError::DuplicateName("seen".into()));
    assert!(error.to_string().contains("`seen`"), "{error}");
}

#[test]
fn registration_rejects_expirations_under_one_millisecond() {
    state_with_specs!(
        AfterCall,
        vec![int_spec(
            "seen",
            Expiration::AfterCall(Duration::from_micros(999))
        )]
    );
    assert_eq!(
        spec_error(register::<AfterCall>()),
        SpecError::ZeroExpiration("seen".into())
    );
    state_with_specs!(
        AfterWrite,
        vec![int_spec("seen", Expiration::AfterWrite(Duration::ZERO))]
    );
    assert_eq!(
        spec_error(register::<AfterWrite>()),
        SpecError::ZeroExpiration("seen".into())
    );
}

#[test]
fn valid_specs_are_registered_and_reported_in_order() {
    state_with_specs!(
        Valid,
        vec![
            int_spec("seen", Expiration::AfterCall(Duration::from_millis(1))),
            int_spec("_total_2", Expiration::Never),
            int_spec("last", Expiration::AfterWrite(Duration::from_secs(60))),
        ]
    );
    let functions = register::<Valid>().expect("valid specs");
    let specs = functions.specs(&HAND_WRITTEN).expect("registered");
    let names: Vec<_> = specs.iter().map(ValueSpec::name).collect();
    assert_eq!(names, ["seen", "_total_2", "last"]);
    assert_eq!(
        specs[2].expiration(),
        Expiration::AfterWrite(Duration::from_secs(60))
    );
    assert_eq!(
        format!("{:?}", specs[2]),
        "ValueSpec { name: \"last\", type_name: \"io.statefun.types/int\", expiration: AfterWrite(60s) }"
    );
    assert!(
        functions
            .specs(&TypeName::from_static("test/other"))
            .is_none()
    );

    state_with_specs!(Stateless, Vec::new());
    let functions = register::<Stateless>().expect("no specs");
    assert_eq!(functions.specs(&HAND_WRITTEN), Some(&[][..]));
}

/// A stateless function of any typename.
struct Named(&'static str);

impl Function for Named {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static(self.0)
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        Ok(())
    }
}

#[test]
fn module_yaml_is_one_document_per_namespace_in_order() {
    let functions = Functions::new()
        .with(Named("shop/cart"))
        .with(Named("demo/greeter"))
        .with(Named("shop/stock"));
    let endpoint = |namespace: &str| {
        format!(
            "kind: io.statefun.endpoints.v2/http\nspec:\n  functions: {namespace}/*\n  urlPathTemplate: http://functions:8000/statefun\n  transport:\n    type: io.statefun.transports.v1/async\n"
        )
    };
    assert_eq!(
        functions.module_yaml("http://functions:8000/statefun"),
        format!("{}---\n{}", endpoint("demo"), endpoint("shop"))
    );
    assert_eq!(Functions::new().module_yaml("http://x/statefun"), "");
    // Debug lists the typenames.
    assert_eq!(
        format!("{functions:?}"),
        r#"{"demo/greeter", "shop/cart", "shop/stock"}"#
    );
}

#[test]
fn a_hand_written_function_accepts_any_typename_unless_it_says_otherwise() {
    struct Picky;
    impl Function for Picky {
        type State = ();
        fn type_name(&self) -> TypeName {
            TypeName::from_static("demo/picky")
        }
        fn message_types(&self) -> MessageTypes {
            MessageTypes::Only(vec![TypeName::from_static("io.statefun.types/int")])
        }
        async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
            Ok(())
        }
    }
    let functions = Functions::new().with(Named("demo/any")).with(Picky);
    assert_eq!(
        functions.message_types(&TypeName::from_static("demo/any")),
        Some(&MessageTypes::Any)
    );
    assert_eq!(
        functions.message_types(&TypeName::from_static("demo/picky")),
        Some(&MessageTypes::Only(vec![TypeName::from_static(
            "io.statefun.types/int"
        )]))
    );
}
