#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
struct Named {
    bytes: Vec<u8>,
}

#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/text")]
struct Text(String);

fn main() {}
