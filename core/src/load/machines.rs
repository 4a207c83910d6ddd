//! The machines on offer: sizes up to a largest one, a modelled monthly price for each, and what a design costs.
//!
//! Prices are modelled, not quoted: a core costs the same up to 8 cores and
//! more beyond (16: +10%, 32: +25%, 64: +50%), as bigger servers need
//! bigger sockets, more memory channels and often two CPUs. Cloud prices
//! within one instance family are close to linear per core; the ceiling
//! (the largest machine) holds everywhere.

use serde::{Deserialize, Serialize};

/// One machine size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub cores: u32,
    /// Modelled price, US dollars a month.
    pub monthly_usd: f64,
}

const fn machine(cores: u32, per_core_usd: f64) -> Machine {
    Machine {
        cores,
        monthly_usd: cores as f64 * per_core_usd,
    }
}

/// Every size on offer, smallest first.
pub const MACHINES: [Machine; 7] = [
    machine(1, 20.0),
    machine(2, 20.0),
    machine(4, 20.0),
    machine(8, 20.0),
    machine(16, 22.0),
    machine(32, 25.0),
    machine(64, 30.0),
];

/// The largest machine: vertical scaling stops here.
pub const LARGEST: Machine = MACHINES[MACHINES.len() - 1];

/// The load balancer's machine (2 cores), in front of two servers or more.
pub const BALANCER: Machine = MACHINES[1];

/// The machine a server of `cores` cores needs: the smallest with at least
/// that many, or none past the largest.
pub fn for_cores(cores: u32) -> Option<Machine> {
    MACHINES.iter().copied().find(|m| m.cores >= cores)
}

/// What `servers` servers of `cores` cores cost a month (with a balancer
/// when there are two or more), or none past the largest machine.
pub fn monthly_usd(servers: u32, cores: u32) -> Option<f64> {
    let m = for_cores(cores)?;
    let lb = if servers > 1 {
        BALANCER.monthly_usd
    } else {
        0.0
    };
    Some(f64::from(servers) * m.monthly_usd + lb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_costs_more_on_a_big_machine() {
        let per_core = |m: &Machine| m.monthly_usd / f64::from(m.cores);
        for w in MACHINES.windows(2) {
            assert!(w[0].cores < w[1].cores);
            assert!(per_core(&w[0]) <= per_core(&w[1]));
        }
        assert_eq!(LARGEST.cores, 64);
        assert_eq!(for_cores(3).map(|m| m.cores), Some(4));
        assert_eq!(for_cores(65), None);
        // 8 cores: one machine, or four of 2 and a balancer.
        assert_eq!(monthly_usd(1, 8), Some(160.0));
        assert_eq!(monthly_usd(4, 2), Some(200.0));
        assert_eq!(monthly_usd(1, 64), Some(1920.0));
        assert_eq!(monthly_usd(32, 2), Some(1320.0));
    }
}
