//! The example binaries serve real requests over HTTP and stop gracefully.

use super::*;

#[test]
fn greeter_example_answers_the_conformance_request() {
    let service = Service::start("greeter");
    let printed = service.printed();
    assert!(
        printed.contains("kind: io.statefun.endpoints.v2/http")
            && printed.contains("functions: demo/*")
            && printed.contains("urlPathTemplate: http://localhost:"),
        "module.yaml on stdout:\n{printed}"
    );

    // demo/greeter/alice with seen = 41, one message "alice".
    let vector = conformance::vector("a-greeter");
    let (status, content_type, body) = service.post(&vector.request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "application/octet-stream");

    let result = invocation_result(&body);
    assert!(result.outgoing_messages.is_empty());
    assert!(result.delayed_invocations.is_empty());
    assert!(result.outgoing_egresses.is_empty());
    let [seen] = &result.state_mutations[..] else {
        panic!("expected one mutation: {:?}", result.state_mutations);
    };
    assert_eq!(seen.state_name, "seen");
    assert_eq!(
        seen.mutation_type,
        from_function::persisted_value_mutation::MutationType::Modify as i32
    );
    let value = seen.state_value.clone().unwrap();
    assert_eq!(value.typename, "io.statefun.types/int");
    assert_eq!(<i32 as Type>::decode(value.value).unwrap(), 42);

    // The answer matches the official Python SDK's, byte for byte.
    assert_eq!(body, vector.python_response);

    // Nothing fails silently: the start, a failed batch and a wrong path are on stderr.
    let port = service
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches("/statefun");
    let started = service.logged("serving 1 function(s): demo/greeter");
    assert!(
        started.contains(&format!("listening on http://127.0.0.1:{port}/statefun")),
        "{started}"
    );
    // The same request with an int argument: the greeter reads a string, so it fails.
    let mut wrong_type = ToFunction::decode(&vector.request[..]).unwrap();
    let Some(to_function::Request::Invocation(batch)) = &mut wrong_type.request else {
        panic!("a-greeter is an invocation batch");
    };
    batch.invocations[0].argument = Some(typed(&7));
    let (status, _, _) = service.post(&wrong_type.encode_to_vec());
    assert_eq!(status, 500);
    let failed = service.logged("request failed");
    assert!(
        failed.contains("ERROR") && failed.contains("function demo/greeter (id `alice`) failed"),
        "{failed}"
    );
    let (status, _, text) = service.post_to(&format!("http://127.0.0.1:{port}/"), b"");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&text));
    service.logged("WARN");
    assert!(
        service
            .logged("no StateFun endpoint at `/`")
            .contains("WARN")
    );

    #[cfg(unix)]
    service.stop();
}

/// An example that serves `demo/greeter` some other way than `statefun::serve`: it answers
/// the conformance request `a-greeter` byte for byte as the Python SDK did, and answers
/// another path 404 with the text of `statefun::http`.
fn assert_serves_the_greeter(service: &Service) {
    let vector = conformance::vector("a-greeter");
    let (status, content_type, body) = service.post(&vector.request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "application/octet-stream");
    assert_eq!(body, vector.python_response);

    let base = service.url.trim_end_matches("/statefun");
    let (status, content_type, text) = service.post_to(&format!("{base}/nowhere"), b"");
    let text = String::from_utf8(text).unwrap();
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/plain; charset=utf-8"),
        "{text}"
    );
    assert!(
        text.starts_with(
            "no StateFun endpoint at `/nowhere`: this service answers POST requests at `/statefun`"
        ),
        "{text}"
    );
}

#[cfg(feature = "axum")]
#[test]
fn axum_greeter_example_serves_its_routes_and_stops_gracefully() {
    let service = Service::start("axum_greeter");
    assert!(
        service
            .printed()
            .contains("urlPathTemplate: http://localhost:")
    );
    assert_serves_the_greeter(&service);
    let base = service.url.trim_end_matches("/statefun").to_owned();
    let mut health = agent().get(format!("{base}/health")).call().unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.body_mut().read_to_string().unwrap(), "ok");
    #[cfg(unix)]
    service.stop();
}

#[test]
fn hyper_greeter_example_serves_with_its_probes_and_stops_gracefully() {
    let service = Service::start("hyper_greeter");
    assert_serves_the_greeter(&service);
    let answer = agent().get(&service.url).call().unwrap();
    assert_eq!(answer.status(), 405);
    assert_eq!(answer.headers()["allow"], "POST");
    let mut ready = agent()
        .get(format!("{}/ready", service.origin()))
        .call()
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.body_mut().read_to_string().unwrap(), "ready");
    service.logged("(hyper)");
    #[cfg(unix)]
    service.stop();
}

#[test]
fn own_server_example_serves_its_routes_and_stops_gracefully() {
    let service = Service::start("own_server");
    let base = service.url.trim_end_matches("/statefun").to_owned();
    let mut version = agent().get(format!("{base}/version")).call().unwrap();
    assert_eq!(version.status(), 200);
    assert_eq!(
        version.body_mut().read_to_string().unwrap(),
        env!("CARGO_PKG_VERSION")
    );

    // demo/echo/alice, called by demo/greeter/bob with "hi": the reply goes to bob.
    let request = Batch::to("demo/echo", "alice")
        .invocation(Some(address("demo/greeter", "bob")), Some(string("hi")))
        .encode();
    let (status, _, body) = service.post(&request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let result = invocation_result(&body);
    let reply = &result.outgoing_messages[0];
    assert_eq!(reply.target, Some(address("demo/greeter", "bob")));
    assert_eq!(
        <String as Type>::decode(reply.argument.clone().unwrap().value).unwrap(),
        "hi"
    );

    let (status, _, text) = service.post_to(&format!("{base}/other"), &request);
    assert_eq!(status, 404);
    assert!(
        String::from_utf8_lossy(&text).starts_with("no StateFun endpoint at `/other`"),
        "{}",
        String::from_utf8_lossy(&text)
    );

    #[cfg(unix)]
    service.stop();
}

#[test]
fn shopping_cart_example_serves_and_prints_its_egress() {
    let service = Service::start("shopping_cart");
    let printed = service.printed();
    assert!(
        printed.contains("functions: shop/*") && printed.contains("id: shop/receipts"),
        "module.yaml on stdout:\n{printed}"
    );

    // The runtime's first request for shop/stock/socks carries no state: the service asks
    // for it.
    let request = Batch::to("shop/stock", "socks")
        .message(typed(&RestockItem { quantity: 3 }))
        .encode();
    let (status, _, body) = service.post(&request);
    assert_eq!(status, 200);
    assert_eq!(missing_states(&body)[0].state_name, "stock");
}

// ------------------------------------------------------------------ the cart's behaviour
