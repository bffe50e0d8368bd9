//! `Module::route` and `LocalRuntime::ingest`: a record becomes one message per target of
//! every ingress route reading its topic, at the id of its key, typed as the route says.

use bytes::Bytes;
use statefun_core::{
    local::LocalRuntime,
    module::{IngressRecord, Module, RouteError},
};

use super::{any_of, shop};

#[test]
fn a_kafka_record_goes_to_every_target_at_the_id_of_its_key() {
    let messages = shop()
        .route(&IngressRecord::kafka("orders", "u1", &b"{}"[..]))
        .unwrap();
    let sent: Vec<(String, &str, &Bytes)> = messages
        .iter()
        .map(|m| (m.target().to_string(), m.type_name(), m.raw_value()))
        .collect();
    assert_eq!(
        sent,
        [
            (
                "shop/cart/u1".into(),
                "shop/Order",
                &Bytes::from_static(b"{}")
            ),
            (
                "shop/audit/u1".into(),
                "shop/Order",
                &Bytes::from_static(b"{}")
            ),
        ]
    );
    // Two ingresses reading one topic both deliver.
    let twice = format!(
        "{}---\nkind: io.statefun.kafka.v1/ingress\nspec:\n  id: shop/again\n  topics:\n    - topic: restocks\n      valueType: shop/Restock\n      targets: [shop/log]\n",
        super::SHOP
    );
    let messages = Module::parse(&twice)
        .unwrap()
        .route(&IngressRecord::kafka("restocks", "socks", Bytes::new()))
        .unwrap();
    let targets: Vec<String> = messages.iter().map(|m| m.target().to_string()).collect();
    assert_eq!(targets, ["shop/stock/socks", "shop/log/socks"]);
}

#[test]
fn a_kinesis_record_is_routed_by_its_partition_key_and_only_by_kinesis_ingresses() {
    let module = Module::parse(
        "kind: io.statefun.kinesis.v1/ingress\nspec:\n  id: a/in\n  streams:\n    - stream: orders\n      valueType: a/Order\n      targets: [a/cart]\n",
    )
    .unwrap();
    let messages = module
        .route(&IngressRecord::kinesis("orders", "p1", Bytes::new()))
        .unwrap();
    assert_eq!(messages[0].target().to_string(), "a/cart/p1");
    assert_eq!(
        module
            .route(&IngressRecord::kafka("orders", "p1", Bytes::new()))
            .unwrap_err()
            .to_string(),
        "no Kafka ingress of the module reads topic `orders` (they read: nothing)"
    );
}

#[test]
fn an_unread_topic_or_an_empty_key_is_an_error() {
    assert_eq!(
        shop()
            .route(&IngressRecord::kafka("order", "u1", Bytes::new()))
            .unwrap_err(),
        RouteError::NoIngress {
            kind: "Kafka",
            noun: "topic",
            source_name: "order".into(),
            read: vec!["orders".into(), "restocks".into()],
        }
    );
    assert_eq!(
        shop()
            .route(&IngressRecord::kafka("orders", "", Bytes::new()))
            .unwrap_err()
            .to_string(),
        "the record of topic `orders` has an empty key: the key is the id of the instance it goes to"
    );
}

#[tokio::test]
async fn the_local_runtime_ingests_records_and_checks_egresses_against_the_module() {
    let functions = any_of(&["shop/cart", "shop/audit", "shop/stock"]);
    let mut runtime = LocalRuntime::new(functions).with_module(shop());
    assert_eq!(runtime.module(), Some(&shop()));
    let sent = runtime
        .ingest(&IngressRecord::kafka("orders", "u1", Bytes::new()))
        .unwrap();
    assert_eq!(sent, 2);
    let report = runtime.run_until_quiescent().await.unwrap();
    assert_eq!(report.invocations, 2);

    // Without a module nothing is routed.
    let mut bare = LocalRuntime::new(any_of(&["shop/cart"]));
    assert!(matches!(
        bare.ingest(&IngressRecord::kafka("orders", "u1", Bytes::new())),
        Err(RouteError::NoIngress { .. })
    ));
}
