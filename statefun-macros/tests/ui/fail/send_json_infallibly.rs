use statefun::{EgressMessage, TypeName};

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Cart")]
struct Cart {
    items: Vec<String>,
}

fn main() {
    let egress = TypeName::from_static("demo/carts");
    // JSON encoding can fail: `try_new(..)?` is the constructor for it.
    let _ = EgressMessage::new(egress, &Cart { items: vec![] });
}
