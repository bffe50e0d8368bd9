//! Zero-copy: a message's value and a raw state value are views into the request body the
//! dispatcher was given, not copies.

use std::sync::{Arc, Mutex};

use statefun_core::{BoxError, Context, Function, Functions, Handler, Message, TypeName};
use statefun_test_support::{
    blob::{Blob, BlobState},
    request::{Batch, string, typed},
};

/// Where the bytes a function saw lie in memory.
type Seen = Arc<Mutex<Vec<(usize, usize)>>>;

struct Reader(Seen);

impl Function for Reader {
    type State = BlobState;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/reader")
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut BlobState,
        msg: Message,
    ) -> Result<(), BoxError> {
        let span = |bytes: &[u8]| (bytes.as_ptr() as usize, bytes.len());
        let mut seen = self.0.lock().unwrap();
        seen.push(span(msg.raw_value()));
        seen.push(span(msg.as_str()?.as_bytes()));
        seen.push(span(&state.blob.get().ok_or("no blob")?.0));
        Ok(())
    }
}

#[tokio::test]
async fn argument_and_state_bytes_lie_inside_the_request_body() {
    let argument = "a".repeat(4096);
    let blob = vec![7u8; 8192];
    let body = Batch::to("demo/reader", "x")
        .state("blob", Some(typed(&Blob(blob.clone().into()))))
        .message(string(&argument))
        .bytes();
    let seen = Seen::default();
    let handler = Handler::new(Functions::new().with(Reader(seen.clone())));
    handler.handle(body.clone()).await.unwrap();

    let (start, end) = (body.as_ptr() as usize, body.as_ptr() as usize + body.len());
    let seen = seen.lock().unwrap();
    let lengths: Vec<usize> = seen.iter().map(|&(_, len)| len).collect();
    assert_eq!(lengths, [argument.len() + 3, argument.len(), blob.len()]);
    for &(at, len) in seen.iter() {
        assert!(
            start <= at && at + len <= end,
            "{len} bytes at {at:#x} are not inside the body at {start:#x}..{end:#x}: a copy"
        );
    }
}
