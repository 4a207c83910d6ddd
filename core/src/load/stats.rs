//! Fixed-size statistics: log-bucketed latency histograms and per-interval series.
//!
//! Memory does not grow with the number of requests: every request lands in
//! a bin of a histogram, never in a list.

use serde::{Deserialize, Serialize};

/// Sub-bins per power of two: relative error under 1/16 ≈ 6 %.
const SUB: u32 = 16;
/// Powers of two covered, from 1 µs up to about 2³⁰ µs (18 minutes).
const POWERS: u32 = 31;
/// Number of bins.
pub const BINS: usize = (SUB * POWERS) as usize + 1;

/// A latency histogram in µs with bounded relative error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    bins: Vec<u32>,
    count: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            bins: vec![0; BINS],
            count: 0,
        }
    }
}

fn bin_of(us: u64) -> usize {
    if us < u64::from(SUB) {
        return us as usize;
    }
    let power = 63 - us.leading_zeros(); // us >= 16, so power >= 4
    let shift = power - SUB.trailing_zeros();
    let sub = ((us >> shift) as u32) - SUB; // 0..SUB
    let index = (power - SUB.trailing_zeros() + 1) * SUB + sub;
    (index as usize).min(BINS - 1)
}

/// The smallest value that falls in `bin` (its lower edge).
fn lower_edge(bin: usize) -> u64 {
    let bin = bin as u32;
    if bin < SUB {
        return u64::from(bin);
    }
    let group = bin / SUB; // >= 1
    let sub = bin % SUB;
    let shift = group - 1;
    u64::from(SUB + sub) << shift
}

impl Histogram {
    pub fn record(&mut self, us: u64) {
        self.bins[bin_of(us)] += 1;
        self.count += 1;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.count += other.count;
    }

    /// The value below which a share `q` (0..=1) of the samples fall: the
    /// midpoint of the bin that holds it. `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (i, &n) in self.bins.iter().enumerate() {
            seen += u64::from(n);
            if seen >= rank {
                let lo = lower_edge(i);
                let hi = if i + 1 < BINS { lower_edge(i + 1) } else { lo };
                return Some(lo + (hi.saturating_sub(lo)) / 2);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_monotonic_and_tight() {
        let mut last = 0;
        for us in [
            0u64,
            1,
            15,
            16,
            17,
            31,
            32,
            100,
            1000,
            123_456,
            10_000_000,
            u64::MAX / 4,
        ] {
            let b = bin_of(us);
            assert!(b >= last, "{us}");
            last = b;
            let lo = lower_edge(b);
            assert!(lo <= us || b == BINS - 1, "{us} below its bin edge {lo}");
            if b + 1 < BINS {
                assert!(us < lower_edge(b + 1), "{us}");
                assert!((lower_edge(b + 1) - lo) as f64 <= (us.max(16) as f64) / 15.0);
            }
        }
    }

    #[test]
    fn quantiles_of_a_uniform_sample() {
        let mut h = Histogram::default();
        for us in 1..=10_000u64 {
            h.record(us);
        }
        let p50 = h.quantile(0.5).unwrap() as f64;
        let p99 = h.quantile(0.99).unwrap() as f64;
        assert!((p50 - 5000.0).abs() / 5000.0 < 0.07, "{p50}");
        assert!((p99 - 9900.0).abs() / 9900.0 < 0.07, "{p99}");
        assert_eq!(Histogram::default().quantile(0.5), None);
    }
}
