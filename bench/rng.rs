//! The benchmarks' deterministic random numbers (xorshift64*), so every run
//! generates and measures the same model.

/// xorshift64*: small, fast and the same on every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A value in `lo..hi`, with two decimals.
    pub fn value(&mut self, lo: f64, hi: f64) -> f64 {
        let x = lo + (hi - lo) * (self.next() % 10_000) as f64 / 10_000.0;
        (x * 100.0).round() / 100.0
    }

    /// One of `from`, at random.
    #[allow(dead_code)] // used by the model benchmark only
    pub fn pick(&mut self, from: &[usize]) -> usize {
        from[self.below(from.len())]
    }
}
