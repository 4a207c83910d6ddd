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

/// Natural logarithm of a positive, finite `x`, in plain arithmetic.
///
/// `f64::ln` is a hardware-assisted libm call natively but a slower software
/// routine in wasm, and the two may differ in the last bit. This one is the
/// same everywhere (so runs are identical natively and in the browser) and
/// accurate to about 1e-12: x = m·2^e with m in [√½, √2), and
/// ln m = 2·atanh(s) with s = (m − 1)/(m + 1), |s| < 0.172, by its series.
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = s
        * (2.0
            + s2 * (2.0 / 3.0
                + s2 * (0.4
                    + s2 * (2.0 / 7.0
                        + s2 * (2.0 / 9.0 + s2 * (2.0 / 11.0 + s2 * (2.0 / 13.0)))))));
    e as f64 * std::f64::consts::LN_2 + series
}

impl Rng {
    /// A uniform value in (0, 1]: never 0, and always a normal number.
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// An exponential draw with this mean (0 for a mean of 0 or less).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        if mean <= 0.0 {
            return 0.0;
        }
        -ln(self.unit()) * mean
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

    #[test]
    fn ln_matches_the_standard_library() {
        let mut x = 1.0 / (1u64 << 53) as f64;
        while x <= 1.0 {
            for k in [1.0, 1.1, 1.3, 1.414, 1.5, 1.7, 1.9] {
                let v = (x * k).min(1.0);
                let err = (ln(v) - v.ln()).abs();
                assert!(
                    err <= 1e-12 * v.ln().abs().max(1.0),
                    "ln({v}): {} vs {}",
                    ln(v),
                    v.ln()
                );
            }
            x *= 2.0;
        }
        assert_eq!(ln(1.0), 0.0);
    }
}
