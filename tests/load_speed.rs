//! In-browser measurement of the load simulation (the core compiled to wasm,
//! in headless Chromium): a million simulated requests. It reports figures
//! and asserts nothing about speed; the native benchmark is criterion's.

#![cfg(target_arch = "wasm32")]

use stackscope_core::load::{route_costs, simulate, LoadSpec};
use stackscope_core::Scenario;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

mod common;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

#[wasm_bindgen_test]
fn a_million_requests_in_the_browser() {
    let build = common::build_name();
    let scenario = Scenario::default();
    // A million requests in a release build; a debug build (the plain test
    // run) does a tenth of that, to keep the suite quick.
    let spec = LoadSpec {
        rate_per_s: 20_000.0,
        duration_s: if cfg!(debug_assertions) { 5.0 } else { 50.0 },
        servers: 16,
        cores: 2,
        db_connections: 32,
        ..Default::default()
    };

    let start = now_ms();
    let costs = route_costs(&scenario, &spec.mix).expect("seed scenario");
    let costs_ms = now_ms() - start;
    assert_eq!(costs.len(), 3);
    let start = now_ms();
    route_costs(&scenario, &spec.mix).expect("seed scenario");
    let again_ms = now_ms() - start;

    let start = now_ms();
    let r = simulate(&scenario, &spec).expect("valid spec");
    let ms = now_ms() - start;
    console_log!(
        "wasm ({build}) in the browser: {} simulated requests in {ms:.0} ms ({:.2} µs per request; p99 {:?} µs, app {:.0}% busy); measuring the route costs alone: {costs_ms:.1} ms the first time, {again_ms:.1} ms again",
        r.arrivals,
        ms * 1000.0 / r.arrivals as f64,
        r.p99_us,
        r.app_utilisation * 100.0
    );
    let expected = spec.rate_per_s * spec.duration_s;
    assert!(
        (r.arrivals as f64 - expected).abs() < expected * 0.01,
        "{}",
        r.arrivals
    );
}
