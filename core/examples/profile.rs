//! Runs many warm home-page traces, for profilers (`valgrind --tool=callgrind`).

use stackscope_core::{Scenario, Simulator};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000);
    let mut sim = Simulator::new(Scenario::default()).expect("the seed scenario is valid");
    let mut steps = 0;
    for i in 0..n {
        steps += sim.request("http://www.foobar.com/", i * 1_000).steps.len();
    }
    println!("{n} traces, {steps} steps");
}
