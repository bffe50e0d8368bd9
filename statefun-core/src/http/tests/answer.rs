//! `http::Answer`: the status, headers and body the framework-free HTTP layer answers each
//! outcome with. The SDK's integrations copy it into their responses; their own tests
//! (the behaviour table of `statefun-actix`) see the same answers over a socket.

use bytes::Bytes;

use crate::{
    dispatch::{Error, RequestError},
    http::{Answer, OCTET_STREAM, Rejection, TEXT_PLAIN},
    names::{Address, TypeName},
};

const GREETER: TypeName = TypeName::from_static("demo/greeter");

#[test]
fn a_from_function_is_a_200_of_bytes() {
    let answer = Answer::from_result(Ok(Bytes::from_static(b"\x01\x02")));
    assert_eq!(answer.status(), 200);
    assert!(answer.is_success());
    assert_eq!(answer.content_type(), OCTET_STREAM);
    assert_eq!(answer.allow(), None);
    assert!(!answer.close());
    assert_eq!(answer.error_text(), None);
    assert_eq!(answer.body(), &Bytes::from_static(b"\x01\x02"));
    assert_eq!(answer.into_body(), Bytes::from_static(b"\x01\x02"));
}

#[test]
fn errors_are_404_for_an_unknown_function_400_for_the_caller_and_500_for_the_function() {
    let cases = [
        (
            Error::UnknownFunction {
                type_name: GREETER,
                registered: Vec::new(),
            },
            404,
        ),
        (Error::EmptyBody, 400),
        (Error::InvalidRequest(RequestError::MissingTarget), 400),
        (
            Error::FunctionFailed {
                address: Address::new(GREETER, "bob"),
                source: "no".into(),
            },
            500,
        ),
        (
            Error::FunctionPanicked {
                address: Address::new(GREETER, "bob"),
                message: "boom".into(),
            },
            500,
        ),
    ];
    for (error, status) in cases {
        let text = error.to_string();
        let answer = Answer::from_result(Err(error));
        assert_eq!(answer.status(), status, "{text}");
        assert!(!answer.is_success());
        assert_eq!(answer.content_type(), TEXT_PLAIN);
        let body = answer.error_text().expect("an error has a text");
        assert!(body.starts_with(&text), "{body:?} vs {text:?}");
        assert_eq!(answer.body().as_ref(), body.as_bytes());
    }
}

#[test]
fn close_is_kept_as_set() {
    let answer = Answer::from_result(Err(Error::EmptyBody));
    assert!(answer.clone().with_close(true).close());
    assert!(!answer.with_close(false).close());
}

#[test]
fn rejections_have_their_status_and_only_405_an_allow() {
    let cases = [
        (Rejection::Method, 405),
        (Rejection::ContentType("text/plain".into()), 415),
        (Rejection::ContentEncoding("gzip".into()), 415),
        (Rejection::TooLarge { limit: 10 }, 413),
        (Rejection::Unreadable("reset".into()), 400),
    ];
    for (rejection, status) in cases {
        assert_eq!(rejection.status(), status, "{rejection}");
        let text = rejection.to_string();
        let answer = Answer::rejection(&rejection);
        assert_eq!(answer.status(), status);
        assert_eq!(answer.content_type(), TEXT_PLAIN);
        assert_eq!(answer.allow(), (status == 405).then_some("POST"));
        assert_eq!(answer.error_text(), Some(text.as_str()));
        assert!(!answer.close());
    }
}

/// An error whose message leaves its cause out.
#[derive(Debug, thiserror::Error)]
#[error("could not look it up")]
struct Outer(#[source] std::io::Error);

#[test]
fn the_text_adds_the_causes_the_message_leaves_out_once() {
    let error = Error::FunctionFailed {
        address: Address::new(GREETER, "bob"),
        source: Box::new(Outer(std::io::Error::other("disk on fire"))),
    };
    let message = error.to_string();
    assert!(!message.contains("disk on fire"), "{message}");
    let answer = Answer::from_error(&error);
    let text = answer.error_text().unwrap();
    assert_eq!(text.matches("could not look it up").count(), 1, "{text}");
    assert!(text.ends_with(": disk on fire"), "{text}");
}
