//! Criterion benchmarks of the request pipeline.

#![cfg_attr(target_arch = "wasm32", allow(unused))]

#[cfg(not(target_arch = "wasm32"))]
use criterion::{criterion_group, criterion_main, Criterion};
#[cfg(not(target_arch = "wasm32"))]
use stackscope_core::{Scenario, Simulator};

/// Criterion has no wasm32 timer; the browser measurement is `tests/pipeline_speed.rs`.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn home_page(c: &mut Criterion) {
    // Warm: the database is open and the resolver's cache holds the answer, so
    // this measures one full trace of the home page (DNS cache hit, TCP, HTTP,
    // Nginx, application, two SQL queries, rendering).
    let mut sim = Simulator::new(Scenario::default()).expect("the seed scenario is valid");
    let mut t = 0u64;
    let _ = sim.request("http://www.foobar.com/", t);
    c.bench_function("home page trace, warm", |b| {
        b.iter(|| {
            t += 1_000;
            sim.request("http://www.foobar.com/", t)
        })
    });
    // Cold DNS: the resolver walks root → com. → foobar.com every time.
    c.bench_function("home page trace, cold DNS", |b| {
        b.iter(|| {
            sim.flush_dns_cache();
            sim.request("http://www.foobar.com/", t)
        })
    });
}

#[cfg(not(target_arch = "wasm32"))]
criterion_group!(benches, home_page);
#[cfg(not(target_arch = "wasm32"))]
criterion_main!(benches);
