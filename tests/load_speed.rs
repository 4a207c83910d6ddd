//! In-browser measurement of the load simulation (the core compiled to wasm,
//! in headless Chromium): a million simulated requests, run as the worker
//! runs a job (steps of about 2 ms). It reports figures and asserts nothing
//! about speed; the native benchmark is criterion's.
//!
//! Two figures: the first run in a fresh module, which includes V8
//! compiling the engine's hot functions again with its optimising tier (a
//! learner's first run), and the fastest of three runs after it, which is
//! what criterion's warmed-up samples measure natively.

#![cfg(target_arch = "wasm32")]

use stackscope_core::load::{route_costs, simulate, LoadResult, LoadSim, LoadSpec};
use stackscope_core::Scenario as World;
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

/// A run as the worker's slices run it: steps resized to about 2 ms each.
/// Wall time (route costs included, as in criterion's `simulate`), steps.
fn in_steps(scenario: &World, spec: &LoadSpec) -> (f64, u32, LoadResult) {
    let start = now_ms();
    let mut sim = LoadSim::new(scenario, spec.clone()).expect("valid spec");
    let (mut chunk, mut steps) = (20_000usize, 0);
    loop {
        let t0 = now_ms();
        let done = sim.step(chunk);
        let dt = now_ms() - t0;
        steps += 1;
        if done {
            break;
        }
        if dt > 0.2 {
            chunk = ((chunk as f64 * (2.0 / dt).clamp(0.25, 2.0)) as usize).clamp(100, 2_000_000);
        }
    }
    (now_ms() - start, steps, sim.result())
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

    let (first_ms, steps, r) = in_steps(&scenario, &spec);
    let mut warm_ms = f64::INFINITY;
    for _ in 0..3 {
        let (ms, _, again) = in_steps(&scenario, &spec);
        assert_eq!(again, r, "the same run each time");
        warm_ms = warm_ms.min(ms);
    }
    assert_eq!(
        r,
        simulate(&scenario, &spec).expect("valid spec"),
        "in steps as in one go"
    );
    console_log!(
        "wasm ({build}) in the browser: {} simulated requests, in {steps} steps as the worker runs them: first run {first_ms:.0} ms (with V8's optimising compile), then {warm_ms:.0} ms (fastest of 3 more; {:.2} µs per request; p99 {:?} µs, app {:.0}% busy); measuring the route costs alone: {costs_ms:.1} ms the first time, {again_ms:.1} ms again",
        r.arrivals,
        warm_ms * 1000.0 / r.arrivals as f64,
        r.p99_us,
        r.app_utilisation * 100.0
    );
    // For the test command's ratio against criterion's native figure.
    console_log!("load-1M-ms first={first_ms:.1} warm={warm_ms:.1}");
    let expected = spec.rate_per_s * spec.duration_s;
    assert!(
        (r.arrivals as f64 - expected).abs() < expected * 0.01,
        "{}",
        r.arrivals
    );
}
