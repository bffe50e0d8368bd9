//! The soak test's client: the requests it sends (a mix of valid and broken ones) and one exchange over a raw connection.

use super::*;

pub(crate) fn typed<T: Type>(value: &T) -> pb::TypedValue {
    pb::TypedValue {
        typename: T::type_name().to_string(),
        has_value: true,
        value: value.encode().unwrap(),
    }
}

pub(crate) fn batch(
    function: &str,
    id: &str,
    seen: Option<Option<pb::TypedValue>>,
    texts: &[&str],
) -> Vec<u8> {
    let (namespace, name) = function.split_once('/').unwrap();
    ToFunction {
        request: Some(to_function::Request::Invocation(
            to_function::InvocationBatchRequest {
                target: Some(pb::Address {
                    namespace: namespace.into(),
                    r#type: name.into(),
                    id: id.into(),
                }),
                state: seen
                    .into_iter()
                    .map(|value| to_function::PersistedValue {
                        state_name: "seen".into(),
                        state_value: value,
                    })
                    .collect(),
                invocations: texts
                    .iter()
                    .map(|t| to_function::Invocation {
                        caller: None,
                        argument: Some(typed(&t.to_string())),
                    })
                    .collect(),
            },
        )),
    }
    .encode_to_vec()
}

/// The kinds of request, their weight out of 1000, and what each must be answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Valid,
    Batch10,
    Negotiation,
    Malformed,
    Empty,
    UnknownFunction,
    WrongStateType,
    UserError,
    UserPanic,
    WrongContentType,
    WrongMethod,
    OverLimit,
    Timeout,
}

pub(crate) const MIX: [(Kind, u32); 13] = [
    (Kind::Valid, 600),
    (Kind::Batch10, 100),
    (Kind::Negotiation, 100),
    (Kind::Malformed, 30),
    (Kind::Empty, 20),
    (Kind::UnknownFunction, 30),
    (Kind::WrongStateType, 30),
    (Kind::UserError, 30),
    (Kind::UserPanic, 20),
    (Kind::WrongContentType, 15),
    (Kind::WrongMethod, 15),
    (Kind::OverLimit, 9),
    (Kind::Timeout, 1),
];

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A kind from `mix`, by weight.
    pub(crate) fn kind(&mut self, mix: &[(Kind, u32)]) -> Kind {
        let total: u32 = mix.iter().map(|m| m.1).sum();
        let mut pick = (self.next() % u64::from(total)) as u32;
        for &(kind, weight) in mix {
            if pick < weight {
                return kind;
            }
            pick -= weight;
        }
        unreachable!("the pick is below the total weight")
    }
}

/// Sends one request of `kind`; `Err` says what was unexpected about the answer.
pub(crate) fn exchange(
    agent: &ureq::Agent,
    url: &str,
    kind: Kind,
    rng: &mut Rng,
) -> Result<(), String> {
    let id = format!("user-{}", rng.next() % 1000);
    let seen = (rng.next() % 1_000_000) as i32;
    let octet = ("content-type", "application/octet-stream");
    let (method, content_type, body, status, says): (&str, _, Vec<u8>, u16, &str) = match kind {
        Kind::Valid => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(Some(typed(&seen))), &["hi"]),
            200,
            "",
        ),
        Kind::Batch10 => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(Some(typed(&seen))), &["hi"; 10]),
            200,
            "",
        ),
        Kind::Negotiation => (
            "POST",
            octet,
            batch("demo/greeter", &id, None, &["hi"]),
            200,
            "",
        ),
        Kind::Malformed => {
            let mut junk = vec![0u8; 1 + (rng.next() % 300) as usize];
            junk.iter_mut().for_each(|b| *b = rng.next() as u8);
            junk[0] = 0xff; // field 31, wire type 7: never valid protobuf
            ("POST", octet, junk, 400, "not a valid protobuf")
        }
        Kind::Empty => ("POST", octet, vec![], 400, "empty"),
        Kind::UnknownFunction => (
            "POST",
            octet,
            batch("shop/nowhere", &id, None, &["hi"]),
            404,
            "shop/nowhere",
        ),
        Kind::WrongStateType => (
            "POST",
            octet,
            batch(
                "demo/greeter",
                &id,
                Some(Some(typed(&"x".to_string()))),
                &["hi"],
            ),
            500,
            "holds a `io.statefun.types/string`",
        ),
        Kind::UserError => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(None), &["hi", "fail"]),
            500,
            "asked to fail",
        ),
        Kind::UserPanic => (
            "POST",
            octet,
            batch("demo/greeter", &id, Some(None), &["hi", "panic"]),
            500,
            "panicked: asked to panic",
        ),
        Kind::WrongContentType => (
            "POST",
            ("content-type", "application/json"),
            batch("demo/greeter", &id, Some(None), &["hi"]),
            415,
            "application/json",
        ),
        Kind::WrongMethod => ("GET", octet, vec![], 405, "POST"),
        Kind::OverLimit => {
            let big = "x".repeat(BODY_LIMIT + 1024);
            (
                "POST",
                octet,
                batch("demo/greeter", &id, Some(None), &[&big]),
                413,
                "limit",
            )
        }
        Kind::Timeout => (
            "POST",
            octet,
            batch("demo/sleeper", &id, None, &["hi"]),
            504,
            "did not finish",
        ),
    };
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header(content_type.0, content_type.1)
        .body(body)
        .unwrap();
    let mut response = agent.run(request).map_err(|e| format!("no answer: {e}"))?;
    let got = response.status().as_u16();
    let answer = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| format!("body: {e}"))?;
    if got != status {
        return Err(format!(
            "status {got}, expected {status}: {}",
            String::from_utf8_lossy(&answer)
        ));
    }
    if status != 200 {
        let text = String::from_utf8_lossy(&answer);
        return if text.contains(says) {
            Ok(())
        } else {
            Err(format!("body without {says:?}: {text}"))
        };
    }
    let answer =
        FromFunction::decode(&answer[..]).map_err(|e| format!("not a FromFunction: {e}"))?;
    match (kind, answer.response) {
        (
            Kind::Negotiation,
            Some(from_function::Response::IncompleteInvocationContext(missing)),
        ) => {
            let names: Vec<_> = missing
                .missing_values
                .iter()
                .map(|s| s.state_name.as_str())
                .collect();
            if names == ["seen"] {
                Ok(())
            } else {
                Err(format!("missing {names:?}"))
            }
        }
        (Kind::Valid | Kind::Batch10, Some(from_function::Response::InvocationResult(result))) => {
            let expected = seen + if kind == Kind::Valid { 1 } else { 10 };
            let got = match &result.state_mutations[..] {
                [m] if m.state_name == "seen" => m
                    .state_value
                    .clone()
                    .and_then(|v| <i32 as Type>::decode(v.value).ok()),
                _ => None,
            };
            if got == Some(expected) {
                Ok(())
            } else {
                Err(format!("seen {got:?}, expected {expected}"))
            }
        }
        (_, other) => Err(format!("unexpected answer {other:?}")),
    }
}

// ---------------------------------------------------------------- the driver
