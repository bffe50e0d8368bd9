//! `Functions::module_yaml` writes the base URL it is given, `https://` and templates
//! included, as YAML that reads back to the same URL.
#![cfg(feature = "module")]

use statefun::{
    Context, Functions, Message,
    module::{FunctionPattern, Module},
};

#[statefun::function(typename = "demo/greeter")]
fn greeter(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "shop/cart")]
fn cart(_ctx: &mut Context, _msg: Message) {}

#[test]
fn https_and_templated_urls_read_back_unchanged() {
    let functions = Functions::new().with(greeter).with(cart);
    for url in [
        "https://functions:8443/statefun",
        "https://functions.example.com/fn/{function.name}",
        "https://[::1]:8443/statefun?x=1&y=2",
        "http://functions:8000/statefun",
    ] {
        let yaml = functions.module_yaml(url);
        let module = Module::parse(&yaml).unwrap_or_else(|e| panic!("{url}: {e}\n{yaml}"));
        let endpoints = module.endpoints();
        assert_eq!(endpoints.len(), 2, "{yaml}");
        for (endpoint, namespace) in endpoints.iter().zip(["demo", "shop"]) {
            assert_eq!(endpoint.url_path_template, url, "{yaml}");
            assert_eq!(
                endpoint.functions,
                FunctionPattern::Namespace(namespace.into())
            );
        }
    }
}
