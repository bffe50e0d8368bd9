//! Requests for paths the endpoint does not serve.

use super::*;

// ---------------------------------------------------------------- unserved paths

#[test]
fn unserved_path_is_404_naming_the_served_path_and_the_template() {
    let url = url();
    let base = url.strip_suffix("/statefun").unwrap();
    let host = base.strip_prefix("http://").unwrap();
    for path in ["/", "/functions", "/statefun/x", "/healthcheck"] {
        let answer = post(&format!("{base}{path}"), &greet("ann", None));
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.content_type, "text/plain; charset=utf-8");
        assert_eq!(
            answer.text(),
            format!(
                "no StateFun endpoint at `{path}`: this service answers POST requests at `/statefun`; set `urlPathTemplate: http://{host}/statefun` in module.yaml (with the host name the StateFun cluster reaches this service by)"
            )
        );
    }
    let get = read(agent().get(format!("{base}/stats")).call().unwrap());
    assert_eq!(get.status, 404);
    // The connection stays usable: the served path still answers.
    assert_eq!(post(url, &greet("ann", None)).status, 200);
}

#[test]
fn unserved_path_text_omits_the_template_for_a_path_pattern() {
    let url = start(Endpoint::new(functions()).with_path("/fn/{name}"));
    let base = url.split("/fn/").next().unwrap();
    let answer = post(&format!("{base}/statefun"), &greet("ann", None));
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.text(),
        "no StateFun endpoint at `/statefun`: this service answers POST requests at `/fn/{name}`"
    );
    assert_eq!(
        post(&format!("{base}/fn/greeter"), &greet("ann", None)).status,
        200
    );
}
