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
    }); // HTTPS in the secured design: the same page behind the balancer, with
        // the TLS 1.3 handshake (rustls on both ends) and the records read back.
    let mut secured = Simulator::new(stackscope_core::seed::secured_stack())
        .expect("the secured design is valid");
    let _ = secured.request("https://www.foobar.com/", t);
    c.bench_function("https home page trace, warm (secured design)", |b| {
        b.iter(|| {
            t += 1_000;
            secured.request("https://www.foobar.com/", t)
        })
    });
}

/// One million simulated requests: 20,000/s for 50 s on 16 two-core servers.
#[cfg(not(target_arch = "wasm32"))]
pub fn million_spec() -> stackscope_core::load::LoadSpec {
    stackscope_core::load::LoadSpec {
        rate_per_s: 20_000.0,
        duration_s: 50.0,
        servers: 16,
        cores: 2,
        db_connections: 32,
        ..Default::default()
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn load_million(c: &mut Criterion) {
    let scenario = Scenario::default();
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("1,000,000 simulated requests", |b| {
        b.iter(|| {
            let r = stackscope_core::load::simulate(&scenario, &million_spec()).unwrap();
            assert!(r.arrivals > 990_000 && r.arrivals < 1_010_000);
            r.completed
        })
    });
    group.finish();
}

#[cfg(not(target_arch = "wasm32"))]
criterion_group!(benches, home_page, load_million);
#[cfg(not(target_arch = "wasm32"))]
criterion_main!(benches);
