//! A small deterministic generator of event sequences (a linear congruential one), shared by the checks that make up their inputs.

pub struct Gen(pub u64);

impl Gen {
    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}
