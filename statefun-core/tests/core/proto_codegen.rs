//! The protocol's Rust code is generated from `proto/` and checked in, so that building the
//! SDK never needs `protoc`. This test regenerates it (with protox, pure Rust) and fails on
//! any difference. Run with `STATEFUN_BLESS=1` to rewrite the checked-in files.

use std::{fs, path::Path};

#[test]
fn checked_in_protocol_code_matches_the_protos() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let proto_dir = manifest.join("../proto");
    let checked_in = manifest.join("src/proto/generated");
    let files = [
        "request-reply.proto",
        "types.proto",
        "kafka-egress.proto",
        "kinesis-egress.proto",
        "dead-letter.proto",
    ];

    let descriptors = protox::compile(files, [&proto_dir]).expect("the protos compile");
    let out = tempfile::tempdir().unwrap();
    prost_build::Config::new()
        .bytes(["."])
        .out_dir(out.path())
        .compile_fds(descriptors)
        .expect("prost generates code");

    let bless = std::env::var_os("STATEFUN_BLESS").is_some();
    let mut generated: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    generated.sort();
    assert!(!generated.is_empty());
    for name in generated {
        let fresh = fs::read_to_string(out.path().join(&name)).unwrap();
        let target = checked_in.join(&name);
        if bless {
            fs::write(&target, &fresh).unwrap();
            continue;
        }
        let current = fs::read_to_string(&target).unwrap_or_else(|_| {
            panic!(
                "{} is not checked in; run with STATEFUN_BLESS=1",
                target.display()
            )
        });
        assert!(
            current == fresh,
            "{} is stale: the protos changed; run `STATEFUN_BLESS=1 cargo test -p statefun-core --test proto_codegen`",
            target.display()
        );
    }
}
