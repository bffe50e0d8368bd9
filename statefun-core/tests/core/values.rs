//! Values as a function builds and reads them beyond the primitives' golden bytes
//! (`codec.rs`): the raw codec's byte holders, messages, and egress records.

use bytes::Bytes;
use statefun_core::codec::raw::RawBytes;

#[test]
fn raw_bytes_of_a_vec_are_the_same_bytes_both_ways() {
    let held = vec![0u8, 1, 2, 0xff];
    assert_eq!(held.to_bytes(), Bytes::from_static(&[0, 1, 2, 0xff]));
    assert_eq!(
        <Vec<u8> as RawBytes>::from_bytes(Bytes::from_static(b"\x00abc")),
        b"\x00abc".to_vec()
    );
    let shared = Bytes::from_static(b"shared");
    assert_eq!(shared.to_bytes(), shared);
    assert_eq!(<Bytes as RawBytes>::from_bytes(shared.clone()), shared);
}
