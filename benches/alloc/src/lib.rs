//! A counting global allocator for the benchmarks: how many allocations a piece of code
//! makes, how many bytes, and the largest single one.
//!
//! The benchmark binary installs it (`#[global_allocator] static A: Counting = Counting;`)
//! and wraps the code to measure in [`measure`]. Counting costs two relaxed atomic adds per
//! allocation, so timings taken with it installed stay comparable.
//!
//! This is the only crate of the workspace with `unsafe` code: implementing
//! [`GlobalAlloc`] requires it, and it only forwards to [`System`].

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed},
};

/// The system allocator, counting while [`measure`] runs.
pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static COUNT: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static LARGEST: AtomicU64 = AtomicU64::new(0);

fn record(size: usize) {
    if ON.load(Relaxed) {
        COUNT.fetch_add(1, Relaxed);
        BYTES.fetch_add(size as u64, Relaxed);
        LARGEST.fetch_max(size as u64, Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters are atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A reallocation counts as one allocation of the new size (it may copy).
        record(new_size);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// What the allocator saw while [`measure`] ran.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allocations {
    /// Allocations and reallocations.
    pub count: u64,
    /// Bytes requested by them, in total.
    pub bytes: u64,
    /// The largest single request, in bytes.
    pub largest: u64,
}

/// Runs `f` and returns what it allocated (on any thread; run it alone). Without
/// [`Counting`] installed as the global allocator, the counts are zero.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Allocations) {
    COUNT.store(0, Relaxed);
    BYTES.store(0, Relaxed);
    LARGEST.store(0, Relaxed);
    ON.store(true, Relaxed);
    let out = f();
    ON.store(false, Relaxed);
    let allocations = Allocations {
        count: COUNT.load(Relaxed),
        bytes: BYTES.load(Relaxed),
        largest: LARGEST.load(Relaxed),
    };
    (out, allocations)
}
