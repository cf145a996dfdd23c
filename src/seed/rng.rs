//! A tiny deterministic PRNG (SplitMix64) for generated data sets. Seeded data must be the same
//! on every machine and engine so benchmark figures compare like with like, and test data does
//! not justify a `rand` dependency. Not for anything secret: ids and tokens use the OS generator.

/// SplitMix64 (Steele, Lea & Flood 2014): one 64-bit state, full period, good enough statistics
/// for synthetic data.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// An independent stream for one item (a client): item k's data then does not depend on
    /// how many items come before it, so `--clients 10` is a prefix of `--clients 1000`.
    pub fn stream(seed: u64, item: u64) -> Self {
        let mut mixer = SplitMix64::new(seed ^ item.wrapping_mul(0xD1B5_4A32_D192_ED03));
        SplitMix64::new(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in 0..n (0 when n is 0). Multiply-shift rather than modulo: no bias worth
    /// speaking of and no division.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in lo..=hi (lo when hi < lo).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + self.below(span) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller); `1 - unit()` keeps the logarithm away from 0.
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A multiplicative wobble: `exp(sigma · N(0,1))`, median 1. Mineral levels vary by
    /// factors, not by amounts.
    pub fn lognormal(&mut self, sigma: f64) -> f64 {
        (sigma * self.normal()).exp()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        // The reference output of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn streams_differ_and_are_stable() {
        let first: Vec<u64> = (0..4)
            .map(|i| SplitMix64::stream(7, i).next_u64())
            .collect();
        let again: Vec<u64> = (0..4)
            .map(|i| SplitMix64::stream(7, i).next_u64())
            .collect();
        assert_eq!(first, again);
        let distinct: std::collections::BTreeSet<_> = first.iter().collect();
        assert_eq!(distinct.len(), 4);
    }

    #[test]
    fn ranges_hold() {
        let mut rng = SplitMix64::new(1);
        let mut seen = [false; 5];
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            let r = rng.range(3, 7);
            assert!((3..=7).contains(&r));
            seen[(r - 3) as usize] = true;
            assert!(rng.normal().is_finite());
            assert!(rng.lognormal(0.3) > 0.0);
        }
        assert!(seen.iter().all(|s| *s), "every value of the range appears");
        assert_eq!(rng.range(5, 5), 5);
        assert_eq!(rng.below(0), 0);
        assert!(rng.pick::<u8>(&[]).is_none());
    }

    #[test]
    fn chance_is_roughly_right() {
        let mut rng = SplitMix64::new(9);
        let hits = (0..100_000).filter(|_| rng.chance(0.7)).count();
        assert!((68_000..72_000).contains(&hits), "{hits}");
    }
}
