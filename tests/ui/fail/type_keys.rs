#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, name = "demo/Profile")]
struct Unknown {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "Profile")]
struct BadTypeName {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Wrapper")]
struct Wrapper<T> {
    inner: T,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(jsno, typename = "demo/Typo")]
struct Typo {
    name: String,
}

fn main() {}
