use statefun::{Address, OutgoingMessage, TypeName};

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Cart")]
struct Cart {
    items: Vec<String>,
}

fn main() {
    let to = Address::new(TypeName::from_static("demo/cart"), "alice");
    // JSON encoding can fail: `try_new(..)?` is the constructor for it.
    let _ = OutgoingMessage::new(to, &Cart { items: vec![] });
}
