//! A tiny seeded random number generator (SplitMix64) for modelled jitter and IDs.

/// Deterministic generator: the same seed always yields the same sequence.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The generator of one request: it depends only on the world's seed
    /// and the virtual time the request starts, never on what came before,
    /// so a world that was broken and repaired draws the same numbers as a
    /// fresh one.
    pub fn for_request(seed: u64, at_us: u64) -> Self {
        let mut mix = Rng(seed ^ at_us.rotate_left(29));
        Rng(mix.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// `base` varied by up to ±`pct` percent.
    pub fn jitter(&mut self, base: u64, pct: u8) -> u64 {
        let pct = u64::from(pct.min(50));
        if pct == 0 || base == 0 {
            return base;
        }
        let spread = base.saturating_mul(pct) / 100;
        let delta = self.below(spread.saturating_mul(2).saturating_add(1));
        base.saturating_sub(spread).saturating_add(delta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn jitter_stays_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            let v = r.jitter(1000, 10);
            assert!((900..=1100).contains(&v), "{v}");
        }
        assert_eq!(r.jitter(1000, 0), 1000);
        assert!(r.jitter(u64::MAX, 50) >= u64::MAX / 2);
    }
}
