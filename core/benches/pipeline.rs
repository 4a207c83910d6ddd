//! Criterion benchmarks of the request pipeline.

use criterion::{criterion_group, criterion_main, Criterion};
use stackscope_core::{Scenario, Simulator};

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

criterion_group!(benches, home_page);
criterion_main!(benches);
