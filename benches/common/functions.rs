//! The functions the benchmarks run, shared by `benches/handler.rs` and the load-test
//! servers in `benches/load/`.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use statefun::{BoxError, Bytes, Context, Message, StateSpec, Value};

/// State of `demo/greeter`: how often the instance was greeted.
#[derive(StateSpec)]
pub struct Seen {
    seen: Value<i32>,
}

/// `demo/greeter`, as in the conformance vectors and the official SDKs' READMEs: read the
/// argument as a string, `seen = (seen or 0) + 1`.
#[statefun::function(typename = "demo/greeter")]
pub async fn greeter(_ctx: &mut Context, state: &mut Seen, msg: Message) -> Result<(), BoxError> {
    let name = msg.as_str()?;
    std::hint::black_box(name);
    state.seen.update(|seen| Some(seen.unwrap_or(0) + 1));
    Ok(())
}

/// Raw bytes under the typename `demo/bytes`: a view into the request body, never a copy.
#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
pub struct Blob(pub Bytes);

/// State of `demo/reader`: a blob it only reads, and a counter it writes.
#[derive(StateSpec)]
pub struct Blobs {
    blob: Value<Blob>,
    seen: Value<i32>,
}

/// Where the last `demo/reader` invocation found its argument's bytes and its state's
/// bytes (addresses), so that the benchmark can check that both point into the request
/// body.
pub static LAST_ARGUMENT_AT: AtomicUsize = AtomicUsize::new(0);
/// See [`LAST_ARGUMENT_AT`].
pub static LAST_STATE_AT: AtomicUsize = AtomicUsize::new(0);

/// `demo/reader`: decodes its `demo/bytes` argument, reads the `blob` state (both of the
/// benchmark's value size), and counts invocations in `seen`. The blob is not written back,
/// so the answer stays small and the cost measured is the request's.
#[statefun::function(typename = "demo/reader")]
pub async fn reader(_ctx: &mut Context, state: &mut Blobs, msg: Message) -> Result<(), BoxError> {
    let argument: Blob = msg.decode()?;
    LAST_ARGUMENT_AT.store(argument.0.as_ptr() as usize, Relaxed);
    let held = state.blob.get().map_or(&[][..], |blob| &blob.0[..]);
    LAST_STATE_AT.store(held.as_ptr() as usize, Relaxed);
    let total = argument.0.len() + held.len();
    std::hint::black_box(total);
    state.seen.update(|seen| Some(seen.unwrap_or(0) + 1));
    Ok(())
}
