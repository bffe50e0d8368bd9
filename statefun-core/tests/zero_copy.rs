//! Zero-copy: a message's value and a raw state value are views into the request body the
//! dispatcher was given, not copies.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use prost::Message as _;
use statefun_core::{
    BoxError, Cells, CodecError, Context, Function, Functions, Handler, Message, Mutations, State,
    StateError, Type, TypeName, Value, ValueSpec,
    proto::reqreply::{self as pb, ToFunction, to_function},
};

/// Raw bytes kept as received.
struct Blob(Bytes);

impl Type for Blob {
    fn type_name() -> TypeName {
        TypeName::from_static("demo/bytes")
    }
    fn encode(&self) -> Result<Bytes, CodecError> {
        Ok(self.0.clone())
    }
    fn decode(bytes: Bytes) -> Result<Self, CodecError> {
        Ok(Blob(bytes))
    }
}

struct BlobState {
    blob: Value<Blob>,
}

impl State for BlobState {
    fn specs() -> Vec<ValueSpec> {
        vec![ValueSpec::new::<Blob>("blob").unwrap()]
    }
    fn from_cells(cells: &mut Cells<'_>) -> Result<Self, StateError> {
        Ok(BlobState {
            blob: cells.next_value()?,
        })
    }
    fn write_mutations(&self, out: &mut Mutations<'_>) -> Result<(), StateError> {
        out.write(&self.blob)
    }
}

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
    let body: Bytes = ToFunction {
        request: Some(to_function::Request::Invocation(
            to_function::InvocationBatchRequest {
                target: Some(pb::Address {
                    namespace: "demo".into(),
                    r#type: "reader".into(),
                    id: "x".into(),
                }),
                state: vec![to_function::PersistedValue {
                    state_name: "blob".into(),
                    state_value: Some(pb::TypedValue {
                        typename: "demo/bytes".into(),
                        has_value: true,
                        value: blob.clone().into(),
                    }),
                }],
                invocations: vec![to_function::Invocation {
                    caller: None,
                    argument: Some(pb::TypedValue {
                        typename: "io.statefun.types/string".into(),
                        has_value: true,
                        value: Type::encode(&argument).unwrap(),
                    }),
                }],
            },
        )),
    }
    .encode_to_vec()
    .into();
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
