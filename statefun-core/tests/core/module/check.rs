//! `Module::check`: each way a module.yaml and a service's functions disagree, one
//! mismatch each, and nothing when they agree.

use statefun_core::{
    BoxError, Context, Function, Functions, Message, MessageTypes, TypeName,
    module::{Location, Mismatch, Module},
};

use super::{SHOP, any_of, shop};

/// What `PickyStock` takes: `shop/Order` and `io.statefun.types/string`, not the ints
/// of the restocks.
fn picky_types() -> MessageTypes {
    MessageTypes::Only(vec![
        TypeName::from_static("shop/Order"),
        TypeName::from_static("io.statefun.types/string"),
    ])
}

/// `shop/stock`, taking only [`picky_types`].
struct PickyStock;

impl Function for PickyStock {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("shop/stock")
    }
    fn message_types(&self) -> MessageTypes {
        picky_types()
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        Ok(())
    }
}

fn location(line: usize) -> Location {
    Location { document: 1, line }
}

#[test]
fn a_module_that_matches_its_service_has_no_mismatch() {
    let functions = any_of(&["shop/cart", "shop/audit", "shop/stock"]);
    assert_eq!(shop().check(&functions.catalog()), []);
}

#[test]
fn an_ingress_value_type_the_target_does_not_take_is_one_mismatch() {
    let functions = any_of(&["shop/cart", "shop/audit"]).with(PickyStock);
    let mismatches = shop().check(&functions.catalog());
    assert_eq!(
        mismatches,
        [Mismatch::UnacceptedType {
            location: location(8),
            ingress: "Kafka ingress shop/orders".into(),
            source: "topic restocks".into(),
            target: TypeName::from_static("shop/stock"),
            value_type: TypeName::from_static("io.statefun.types/int"),
            accepted: picky_types(),
        }]
    );
    assert_eq!(
        mismatches[0].to_string(),
        "line 8: Kafka ingress shop/orders, topic restocks: sends io.statefun.types/int to shop/stock, which takes `shop/Order`, `io.statefun.types/string`"
    );
    assert_eq!(mismatches[0].location(), Some(location(8)));
}

#[test]
fn a_target_the_service_lacks_is_one_mismatch_naming_what_it_has() {
    // `shop/audit` is missing: the endpoint routes `shop/*` here.
    let functions = any_of(&["shop/cart", "shop/stock"]);
    let mismatches = shop().check(&functions.catalog());
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert_eq!(
        mismatches[0].to_string(),
        "line 8: Kafka ingress shop/orders, topic orders: targets shop/audit, which the endpoint at line 2 routes to this service, but the service has no such function (it has shop/cart, shop/stock)"
    );
}

#[test]
fn a_target_no_endpoint_serves_is_one_mismatch() {
    let yaml = SHOP.replace("        - shop/audit", "        - audit/log");
    let functions = any_of(&["shop/cart", "shop/stock"]);
    let mismatches = Module::parse(&yaml).unwrap().check(&functions.catalog());
    assert_eq!(
        mismatches
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "line 8: Kafka ingress shop/orders, topic orders: targets audit/log, which no endpoint of the module serves"
        ]
    );
}

#[test]
fn targets_another_service_serves_are_left_to_its_own_check() {
    // `audit/*` goes to another service: this one has no audit function, and that is fine.
    let yaml = format!(
        "{}---\nkind: io.statefun.endpoints.v2/http\nspec:\n  functions: audit/*\n  urlPathTemplate: http://audit/\n",
        SHOP.replace("        - shop/audit", "        - audit/log")
    );
    let functions = any_of(&["shop/cart", "shop/stock"]);
    assert_eq!(
        Module::parse(&yaml).unwrap().check(&functions.catalog()),
        []
    );
}

#[test]
fn a_function_no_endpoint_serves_is_one_mismatch() {
    let functions = any_of(&["shop/cart", "shop/audit", "shop/stock", "billing/invoice"]);
    let mismatches = shop().check(&functions.catalog());
    assert_eq!(
        mismatches,
        [Mismatch::UncoveredFunction {
            function: TypeName::from_static("billing/invoice")
        }]
    );
    assert_eq!(
        mismatches[0].to_string(),
        "the service's function billing/invoice is served by no endpoint of the module: add one for `billing/*` or `billing/invoice`"
    );
    assert_eq!(mismatches[0].location(), None);
}

#[test]
fn a_catalog_read_from_json_checks_the_same() {
    let functions: Functions = any_of(&["shop/cart", "shop/audit"]).with(PickyStock);
    let catalog = statefun_core::Catalog::from_json(&functions.catalog().to_json()).unwrap();
    assert_eq!(shop().check(&catalog), shop().check(&functions.catalog()));
    assert_eq!(shop().check(&catalog).len(), 1);
}

#[test]
fn where_dead_letters_go_must_exist_in_the_module() {
    use statefun_core::DeadLetters;
    let base = || any_of(&["shop/cart", "shop/audit", "shop/stock"]);
    // Declared: shop/receipts.
    let ok = base().with_dead_letters(DeadLetters::kafka(
        TypeName::from_static("shop/receipts"),
        "dead",
    ));
    assert_eq!(shop().check(&ok.catalog()), []);
    let undeclared =
        base().with_dead_letters(DeadLetters::egress(TypeName::from_static("shop/dlq")));
    let mismatches = shop().check(&undeclared.catalog());
    assert_eq!(mismatches.len(), 3, "one per function: {mismatches:?}");
    assert_eq!(
        mismatches[0].to_string(),
        "the dead letters of shop/audit go to egress shop/dlq, which the module does not declare: declare it, or the first dead letter fails the job"
    );
    assert_eq!(mismatches[0].location(), None);
    let served =
        base().with_dead_letters(DeadLetters::function(TypeName::from_static("shop/janitor")));
    assert_eq!(shop().check(&served.catalog()), [], "shop/* serves it");
    let unserved = base().with_dead_letters_for(
        &super::Fake {
            type_name: TypeName::from_static("shop/cart"),
        },
        DeadLetters::function(TypeName::from_static("ops/janitor")),
    );
    assert_eq!(
        shop()
            .check(&unserved.catalog())
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "the dead letters of shop/cart go to function ops/janitor, which no endpoint of the module serves"
        ]
    );
}
