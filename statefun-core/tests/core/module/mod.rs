//! A module.yaml: read (every kind, every mistake with where it is), checked against a
//! catalog of functions, and its ingresses' routing; the catalog's JSON.

mod catalog;
mod check;
mod parse;
mod route;

use statefun_core::{BoxError, Context, Function, Functions, Message, TypeName, module::Module};

/// The endpoint, Kafka ingress and Kafka egress of a small application.
const SHOP: &str = "\
# The shop's module.
kind: io.statefun.endpoints.v2/http
spec:
  functions: shop/*
  urlPathTemplate: http://shop:8000/statefun
  maxNumBatchRequests: 10
---
kind: io.statefun.kafka.v1/ingress
spec:
  id: shop/orders
  address: kafka:9092
  consumerGroupId: shop
  topics:
    - topic: orders
      valueType: shop/Order
      targets:
        - shop/cart
        - shop/audit
    - topic: restocks
      valueType: io.statefun.types/int
      targets:
        - shop/stock
---
kind: io.statefun.kafka.v1/egress
spec:
  id: shop/receipts
  address: kafka:9092
  deliverySemantic:
    type: exactly-once
    transactionTimeout: 15min
";

fn shop() -> Module {
    Module::parse(SHOP).unwrap()
}

/// A function `type_name` taking `messages` (`None`: any).
pub(super) struct Fake {
    pub(super) type_name: TypeName,
}

impl Function for Fake {
    type State = ();
    fn type_name(&self) -> TypeName {
        self.type_name.clone()
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        Ok(())
    }
}

/// Functions taking any message, by typename.
fn any_of(names: &[&'static str]) -> Functions {
    names.iter().fold(Functions::new(), |functions, name| {
        functions.with(Fake {
            type_name: TypeName::from_static(name),
        })
    })
}
