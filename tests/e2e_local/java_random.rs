//! `java.util.SplittableRandom`, bit for bit: the Java driver draws the exactly-once workload
//! with it, so the local runtime gets the very same messages.

/// Java's `SplittableRandom(long seed)`, for `next_int(bound)` (its `nextInt(int)`).
pub struct SplittableRandom {
    seed: u64,
}

/// The gamma of `new SplittableRandom(seed)`.
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl SplittableRandom {
    pub fn new(seed: i64) -> Self {
        Self { seed: seed as u64 }
    }

    fn next_seed(&mut self) -> u64 {
        self.seed = self.seed.wrapping_add(GOLDEN_GAMMA);
        self.seed
    }

    /// `nextInt()`: Java's `mix32` of the next seed.
    fn next_i32(&mut self) -> i32 {
        let mut z = self.next_seed();
        z = (z ^ (z >> 33)).wrapping_mul(0x62a9_d9ed_7997_05f5);
        ((z ^ (z >> 28)).wrapping_mul(0xcb24_d0a5_c88c_35b3) >> 32) as u32 as i32
    }

    /// `nextInt(bound)`: uniform in `0..bound`, with Java's rejection loop (so the number of
    /// draws, and every later value, match).
    pub fn next_int(&mut self, bound: i32) -> i32 {
        assert!(bound > 0);
        let mut r = self.next_i32();
        let m = bound - 1;
        if bound & m == 0 {
            return r & m;
        }
        let mut u = ((r as u32) >> 1) as i32;
        loop {
            r = u % bound;
            if u.wrapping_add(m).wrapping_sub(r) >= 0 {
                return r;
            }
            u = ((self.next_i32() as u32) >> 1) as i32;
        }
    }
}

#[test]
fn draws_what_java_draws() {
    // Printed by Java 17's SplittableRandom for these seeds and bounds.
    let mut r = SplittableRandom::new(42);
    let draws: Vec<i32> = [100, 100, 100, 100, 100, 64, 1 << 30]
        .into_iter()
        .map(|bound| r.next_int(bound))
        .collect();
    assert_eq!(draws, [31, 56, 81, 72, 81, 15, 190_917_712]);
    let mut r = SplittableRandom::new(7 * 1_000_003 + 5);
    let draws: Vec<i32> = [64, 4, 3, 100, 250]
        .into_iter()
        .map(|bound| r.next_int(bound))
        .collect();
    assert_eq!(draws, [22, 3, 0, 76, 130]);
}
