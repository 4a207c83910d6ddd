//! The load simulation against queueing theory, and its determinism.

#![cfg(not(target_arch = "wasm32"))]

use stackscope_core::load::{self, knee, route_costs, LoadSim, LoadSpec, RouteCost};
use stackscope_core::Scenario;

/// One dynamic route on one server with `cores` workers: an M/M/c queue
/// (no connection limit, no timeout, 10 intervals).
fn queue_spec(cores: u32, rate: f64, seconds: f64, seed: u64) -> LoadSpec {
    LoadSpec {
        seed,
        rate_per_s: rate,
        burst: None,
        mix: vec![("queue".into(), 1)],
        duration_s: seconds,
        servers: 1,
        cores,
        max_connections: 1_000_000,
        db_connections: 1,
        timeout_us: 1_000_000_000,
        intervals: 10,
        scaling: None,
        autoscale: None,
        ..LoadSpec::default()
    }
}

fn textbook(cores: u32, rate: f64, service_us: f64, seconds: f64, seed: u64) -> load::LoadResult {
    run_queue(queue_spec(cores, rate, seconds, seed), service_us)
}

fn close(got: f64, want: f64, tolerance: f64, what: &str) {
    let err = (got - want).abs() / want;
    assert!(
        err <= tolerance,
        "{what}: got {got:.4}, want {want:.4} (error {:.1}% > {:.0}%)",
        err * 100.0,
        tolerance * 100.0
    );
}

#[test]
fn mm1_sojourn_time_matches_theory() {
    // λ = 800/s, service 1 ms (μ = 1000/s): ρ = 0.8, sojourn ~ Exp(μ − λ = 200/s).
    let r = textbook(1, 800.0, 1000.0, 300.0, 7);
    close(r.app_utilisation, 0.8, 0.03, "utilisation = λ·S");
    close(
        r.p50_us.unwrap() as f64,
        2f64.ln() / 200.0 * 1e6,
        0.10,
        "p50",
    );
    close(
        r.p99_us.unwrap() as f64,
        100f64.ln() / 200.0 * 1e6,
        0.10,
        "p99",
    );
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let top = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    top / (sum + top)
}

#[test]
fn mmc_sojourn_time_matches_erlang_c() {
    // c = 4 workers, service 4 ms (μ = 250/s), λ = 800/s: a = 3.2, ρ = 0.8.
    let (c, mu, lambda) = (4u32, 250.0, 800.0);
    let r = textbook(c, lambda, 4000.0, 300.0, 11);
    close(
        r.app_utilisation,
        lambda / (f64::from(c) * mu),
        0.03,
        "utilisation = λ·S/c",
    );
    let pw = erlang_c(c, lambda / mu);
    let theta = f64::from(c) * mu - lambda;
    // P(T > t) for T = Wq + S.
    let tail = |t: f64| {
        (1.0 - pw) * (-mu * t).exp()
            + pw * (theta * (-mu * t).exp() - mu * (-theta * t).exp()) / (theta - mu)
    };
    let quantile = |q: f64| {
        let (mut lo, mut hi) = (0.0, 10.0);
        for _ in 0..200 {
            let mid = (lo + hi) / 2.0;
            if tail(mid) > 1.0 - q {
                lo = mid
            } else {
                hi = mid
            }
        }
        lo * 1e6
    };
    close(r.p50_us.unwrap() as f64, quantile(0.5), 0.10, "p50");
    close(r.p99_us.unwrap() as f64, quantile(0.99), 0.10, "p99");
}

#[test]
fn same_seed_same_result_other_seed_other_result() {
    let a = textbook(2, 900.0, 1500.0, 20.0, 3);
    let b = textbook(2, 900.0, 1500.0, 20.0, 3);
    let c = textbook(2, 900.0, 1500.0, 20.0, 4);
    assert_eq!(a, b);
    assert_ne!(a.completed, 0);
    assert_ne!(a, c);
}

#[test]
fn costs_come_from_the_pipeline() {
    let costs = route_costs(&Scenario::default(), &LoadSpec::default().mix).unwrap();
    let home = &costs[0];
    let post = &costs[1];
    let css = &costs[2];
    assert!(css.is_static && css.app_us == 0.0 && css.db_us == 0.0);
    assert!(!home.is_static && home.queries == 2 && home.app_us > 0.0 && home.db_us > 0.0);
    assert_eq!(post.queries, 3, "settings, the view-count write, the post");
    assert!(css.nginx_us > 0.0);
}

#[test]
fn past_capacity_the_queue_grows_and_requests_fail() {
    let s = Scenario::default();
    let probe = LoadSim::new(&s, LoadSpec::default()).unwrap();
    let capacity = probe.capacity_per_s();
    assert!(capacity > 100.0 && capacity < 100_000.0, "{capacity}");
    let mut spec = LoadSpec {
        rate_per_s: capacity * 0.5,
        duration_s: 20.0,
        ..Default::default()
    };
    let calm = load::simulate(&s, &spec).unwrap();
    spec.rate_per_s = capacity * 1.5;
    let busy = load::simulate(&s, &spec).unwrap();
    assert!(calm.error_rate() == 0.0, "{}", calm.error_rate());
    assert!(calm.app_utilisation < 0.6);
    assert!(busy.app_utilisation > 0.97, "{}", busy.app_utilisation);
    assert!(busy.error_rate() > 0.05, "{}", busy.error_rate());
    assert!(busy.p99_us.unwrap() > 10 * calm.p99_us.unwrap());
    assert!(busy.explain().contains("saturated"), "{}", busy.explain());
    assert!(
        calm.explain().contains("Below capacity"),
        "{}",
        calm.explain()
    );
    // Horizontal scaling: four servers take the same load comfortably.
    spec.servers = 4;
    let scaled = load::simulate(&s, &spec).unwrap();
    assert!(scaled.error_rate() < 0.001 && scaled.app_utilisation < 0.5);
}

#[test]
fn the_knee_curve_rises_past_capacity() {
    let s = Scenario::default();
    let points = knee(&s, &LoadSpec::default(), 8, 5.0).unwrap();
    assert_eq!(points.len(), 8);
    let first = points.first().unwrap().p99_us.unwrap();
    let last = points.last().unwrap().p99_us.unwrap();
    assert!(last > 20 * first, "{first} → {last}");
    assert!(points.windows(2).all(|w| w[1].rate_per_s > w[0].rate_per_s));
}

#[test]
fn bad_specs_are_explained() {
    let s = Scenario::default();
    for edit in [
        |l: &mut LoadSpec| l.rate_per_s = f64::NAN,
        |l: &mut LoadSpec| l.rate_per_s = -1.0,
        |l: &mut LoadSpec| l.cores = 0,
        |l: &mut LoadSpec| l.mix.clear(),
        |l: &mut LoadSpec| l.duration_s = 1e9,
        |l: &mut LoadSpec| l.rate_per_s = 1e9,
    ] {
        let mut spec = LoadSpec::default();
        edit(&mut spec);
        let e = LoadSim::new(&s, spec).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}

/// A run of one dynamic route with `cores` workers of `service_us` each:
/// the workers can answer at most `cores / service` requests per second.
fn overloaded(cores: u32, service_us: f64, rate: f64, seconds: f64) -> load::LoadResult {
    let spec = LoadSpec {
        max_connections: 1024,
        timeout_us: 10_000_000,
        intervals: 20,
        ..queue_spec(cores, rate, seconds, 5)
    };
    run_queue(spec, service_us)
}

#[test]
fn no_interval_answers_more_than_the_workers_can() {
    // 2 workers × 1 ms: at most 2000 answers/s. Offered 6000/s for 10 s, so
    // about 1024 requests are still queued when arrivals stop.
    let r = overloaded(2, 1000.0, 6000.0, 10.0);
    let can = 2000.0;
    for i in &r.intervals {
        // Exponential service times: a 0.5 s interval may beat the mean a little.
        assert!(
            i.throughput <= can * 1.1,
            "interval at {} s answered {:.0}/s, the workers can do {can:.0}/s",
            i.start_s,
            i.throughput
        );
    }
    // What was still queued at the end is answered after it, and said so.
    assert!(r.drain.answered > 900, "{:?}", r.drain);
    assert!(
        r.drain.until_s > 10.0 && r.drain.until_s < 11.0,
        "{:?}",
        r.drain
    );
    let in_run: u64 = r.intervals.iter().map(|i| i.completed).sum();
    assert_eq!(in_run + r.drain.answered, r.completed);
    let t504: u64 = r.intervals.iter().map(|i| i.timed_out_504).sum();
    assert_eq!(t504 + r.drain.timed_out_504, r.timed_out_504);
}

#[test]
fn the_last_interval_of_an_overloaded_stack_is_like_the_others() {
    let s = Scenario::default();
    let probe = LoadSim::new(&s, LoadSpec::default()).unwrap();
    let spec = LoadSpec {
        rate_per_s: probe.capacity_per_s() * 3.0,
        ..Default::default()
    };
    let r = load::simulate(&s, &spec).unwrap();
    let n = r.intervals.len();
    let steady = r.intervals[1..n - 1]
        .iter()
        .map(|i| i.throughput)
        .fold(0.0f64, f64::max);
    let last = r.intervals[n - 1].throughput;
    assert!(
        last <= steady * 1.05,
        "last {last:.0}/s, at most {steady:.0}/s before"
    );
    assert!(r.drain.answered > 0);
    // Each page takes a worker for its CPU time and its queries: no interval
    // answers more pages than the workers can. (Static files take no worker,
    // so the total may be higher while they are a large share of what gets in.)
    let (mut weight, mut busy_us) = (0.0, 0.0);
    for c in r.costs.iter().filter(|c| !c.is_static) {
        weight += f64::from(c.weight);
        busy_us += f64::from(c.weight) * (c.app_us + c.db_us);
    }
    let pages_per_s = f64::from(spec.servers * spec.cores) * 1e6 / (busy_us / weight);
    let len_s = spec.duration_s / n as f64;
    for i in &r.intervals {
        let pages = (i.completed - i.completed_static) as f64 / len_s;
        assert!(
            pages <= pages_per_s * 1.1,
            "interval at {} s answered {pages:.0} pages/s, the workers can do {pages_per_s:.0}/s",
            i.start_s
        );
    }
}

#[test]
fn the_limit_that_answers_503_is_in_the_config_shown() {
    let spec = LoadSpec {
        max_connections: 64,
        timeout_us: 1_500_000,
        ..Default::default()
    };
    let cfg = spec.nginx_config();
    assert!(
        cfg.contains("limit_conn_zone $server_name zone=per_server:1m;"),
        "{cfg}"
    );
    assert!(cfg.contains("    limit_conn per_server 64;\n"), "{cfg}");
    assert!(cfg.contains("proxy_read_timeout 1500ms;"), "{cfg}");
    // The explanation names it, with nginx's own status line.
    let s = Scenario::default();
    let probe = LoadSim::new(&s, spec.clone()).unwrap();
    let r = load::simulate(
        &s,
        &LoadSpec {
            rate_per_s: probe.capacity_per_s() * 2.0,
            duration_s: 5.0,
            ..spec
        },
    )
    .unwrap();
    assert!(r.rejected_503 > 0);
    let e = r.explain();
    assert!(
        e.contains(&format!(
            "{} were turned away by Nginx's limit_conn (503 Service Temporarily Unavailable: 64 requests already in progress on their server)",
            r.rejected_503
        )),
        "{e}"
    );
}

// That the config shown passes real nginx's `nginx -t` is checked by the
// conformance suite (tests/conformance, "nginx -t accepts the load panel's settings").

/// Runs `spec` on one route that only costs the application `service_us`.
fn run_queue(spec: LoadSpec, service_us: f64) -> load::LoadResult {
    let costs = vec![RouteCost {
        url: "queue".into(),
        weight: 1,
        is_static: false,
        nginx_us: 0.0,
        app_us: service_us,
        db_us: 0.0,
        queries: 0,
        lb_us: 450.0,
    }];
    let mut sim = LoadSim::with_costs(spec, costs);
    while !sim.step(100_000) {}
    sim.result()
}

/// Vertical and horizontal scaling, told apart: the same cores give the
/// same throughput, but not the same latency, price, failure or change.
#[test]
fn one_big_server_and_four_small_ones_differ() {
    let spec = |servers, cores| LoadSpec {
        servers,
        cores,
        ..queue_spec(cores, 3_000.0, 10.0, 9)
    };
    // 8 cores of 1 ms each: 8,000 requests/s at most, 3,000 offered.
    let big = run_queue(spec(1, 8), 1_000.0);
    let four = run_queue(spec(4, 2), 1_000.0);
    close(
        big.completed as f64,
        four.completed as f64,
        0.02,
        "same throughput",
    );
    // The balancer's 450 µs is on every request of the four.
    let (b50, f50) = (big.p50_us.unwrap(), four.p50_us.unwrap());
    assert!(f50 >= b50 + 300, "p50 {b50} µs against {f50} µs");
    let big_text = big.scaling_sentences().join(" ");
    let four_text = four.scaling_sentences().join(" ");
    assert!(
        big_text.starts_with("One machine of 8 cores costs about $160 a month ($20 a core;"),
        "{big_text}"
    );
    assert!(big_text.contains("single point of failure"), "{big_text}");
    assert!(
        four_text.starts_with(
            "4 machines of 2 cores and a load balancer cost about $200 a month ($25 a core;"
        ),
        "{four_text}"
    );
    assert!(four_text.contains("+450 µs"), "{four_text}");
}

#[test]
fn a_resize_refuses_connections_and_scaling_out_does_not() {
    use stackscope_core::load::{Change, Scaling};
    let base = LoadSpec {
        max_connections: 1024,
        timeout_us: 10_000_000,
        ..queue_spec(2, 1_000.0, 30.0, 3)
    };
    let resize = LoadSpec {
        scaling: Some(Scaling {
            at_s: 10.0,
            change: Change::Resize { cores: 8 },
            takes_s: 5.0,
        }),
        ..base.clone()
    };
    let out = LoadSpec {
        scaling: Some(Scaling {
            at_s: 10.0,
            change: Change::AddServers { servers: 3 },
            takes_s: 5.0,
        }),
        ..base
    };
    // 2 cores of 1 ms: 2,000 requests/s; 1,000 offered.
    let up = run_queue(resize, 1_000.0);
    let across = run_queue(out, 1_000.0);
    // 5 s of 1,000 requests/s refused, give or take chance.
    close(up.refused as f64, 5_000.0, 0.05, "refused while resizing");
    assert_eq!(across.refused, 0);
    assert_eq!(across.failed(), 0);
    assert!(up.error_rate() > 0.15, "{}", up.error_rate());
    // The stopped seconds show in the series: nothing answered from 10 to 15 s.
    let quiet = up
        .intervals
        .iter()
        .filter(|i| i.start_s >= 10.5 && i.start_s < 14.5);
    assert!(quiet.clone().count() > 0 && quiet.clone().all(|i| i.completed == 0 && i.refused > 0));
    let text = up.scaling_sentences().join(" ");
    assert!(text.contains("Resizing to 8 cores at 10 s meant stopping the server: for 5 s no connection was accepted"), "{text}");
    let text = across.scaling_sentences().join(" ");
    assert!(
        text.contains("3 servers added at 10 s took 5 s to boot and served from 15 s"),
        "{text}"
    );
    // After the resize, 8 workers: utilisation falls from about 1/2 to 1/8.
    let late = up.intervals.last().unwrap().app_utilisation;
    assert!(late < 0.2, "{late}");
}

#[test]
fn past_the_largest_machine_only_servers_add_capacity() {
    let e = LoadSpec {
        cores: 65,
        ..LoadSpec::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "between 1 and 64 cores per server: the largest machine on offer has 64; past it, only more servers add capacity"
    );
    use stackscope_core::load::{Change, Scaling};
    let never = LoadSpec {
        scaling: Some(Scaling {
            at_s: 40.0,
            change: Change::AddServers { servers: 1 },
            takes_s: 5.0,
        }),
        ..LoadSpec::default()
    };
    assert_eq!(
        never.validate().unwrap_err().to_string(),
        "a scaling change happens during the run"
    );
}

#[test]
fn a_surge_saturates_for_its_length_and_the_explanation_says_when() {
    use stackscope_core::load::Burst;
    let spec = LoadSpec {
        burst: Some(Burst {
            factor: 4.0,
            every_s: 60.0,
            length_s: 10.0,
            start_s: 10.0,
        }),
        max_connections: 1024,
        timeout_us: 10_000_000,
        intervals: 30,
        ..queue_spec(2, 1_000.0, 30.0, 4)
    };
    // 2 cores of 1 ms: 2,000 requests/s; 1,000 offered, 4,000 from 10 s to 20 s.
    let r = run_queue(spec, 1_000.0);
    assert!(r.app_utilisation < 0.97, "{}", r.app_utilisation);
    assert!(r.error_rate() > 0.05, "{}", r.error_rate());
    let text = r.explain();
    assert!(
        text.contains("Below capacity on average, but not all the time: from 10 s to 2"),
        "{text}"
    );
    assert!(!text.contains("queues stay short"), "{text}");
    // Before the surge, nothing failed.
    assert!(r.intervals[..10]
        .iter()
        .all(|i| i.rejected_503 + i.timed_out_504 == 0));
}

#[test]
fn autoscaling_adds_servers_after_its_window_and_their_boot() {
    use stackscope_core::load::{Autoscale, Burst};
    let rule = Autoscale {
        threshold: 0.8,
        window_s: 5.0,
        boot_s: 20.0,
        max_servers: 4,
    };
    let spec = LoadSpec {
        burst: Some(Burst {
            factor: 3.0,
            every_s: 120.0,
            length_s: 60.0,
            start_s: 10.0,
        }),
        max_connections: 1024,
        timeout_us: 10_000_000,
        intervals: 60,
        autoscale: Some(rule),
        ..queue_spec(2, 1_000.0, 60.0, 6)
    };
    // 2,000 requests/s of capacity; 3,000 offered from 10 s: one server cannot.
    let r = run_queue(spec.clone(), 1_000.0);
    assert!(!r.added.is_empty(), "{:?}", r.added);
    let first = r.added[0];
    // Saturated from about 10 s: the rule fires once the window has passed.
    assert!((15.0..=17.5).contains(&first.decided_s), "{first:?}");
    let up = first.serving_s.unwrap();
    assert!((up - first.decided_s - 20.0).abs() < 1e-9, "{first:?}");
    // Until the new server is up, requests fail; afterwards two servers (4,000/s) hold.
    let late: u64 = r
        .intervals
        .iter()
        .filter(|i| i.start_s > up + 12.0)
        .map(|i| i.rejected_503 + i.timed_out_504)
        .sum();
    assert_eq!(late, 0, "{:?}", r.added);
    let text = r.scaling_sentences().join(" ");
    assert!(
        text.contains("The autoscaling rule (workers above 80% busy for 5 s) added"),
        "{text}"
    );
    assert!(text.contains("that is the lag of autoscaling"), "{text}");
    // Bad rules say why they can never fire.
    let never = |a: Autoscale| {
        LoadSpec {
            autoscale: Some(a),
            ..spec.clone()
        }
        .validate()
        .unwrap_err()
        .to_string()
    };
    assert!(never(Autoscale {
        threshold: 1.2,
        ..rule
    })
    .contains("can never fire"));
    assert!(never(Autoscale {
        window_s: 60.0,
        ..rule
    })
    .contains("can never fire"));
    assert!(never(Autoscale {
        max_servers: 1,
        ..rule
    })
    .contains("can never fire"));
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use stackscope_core::load::{Autoscale, Burst, Change, HealthChecks, Incident, Scaling};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Any spec is refused with a message or runs to the end, and every
        /// request that arrived is answered or counted as failed once.
        #[test]
        fn any_spec_runs_or_is_refused_and_every_request_is_counted(
            rate in -10.0f64..3_000.0,
            servers in 0u32..6,
            cores in 0u32..70,
            duration in -1.0f64..8.0,
            burst in proptest::option::of((0.5f64..6.0, 0.1f64..4.0, 0.0f64..3.0, -1.0f64..5.0)),
            scale in proptest::option::of((-1.0f64..9.0, any::<bool>(), 0u32..70, -1.0f64..6.0)),
            auto in proptest::option::of((-0.2f64..1.3, -1.0f64..9.0, 0.0f64..4.0, 0u32..8)),
            incident in proptest::option::of((any::<bool>(), 0u32..7, -1.0f64..9.0, -1.0f64..9.0, -0.2f64..1.2)),
            health in proptest::option::of((0u64..3_000_000, 0u32..12, 0u32..12)),
            per_server in any::<bool>(),
        ) {
            let spec = LoadSpec {
                rate_per_s: rate,
                servers,
                cores,
                duration_s: duration,
                max_connections: 256,
                timeout_us: 2_000_000,
                burst: burst.map(|(factor, every_s, length_s, start_s)| Burst { factor, every_s, length_s, start_s }),
                scaling: scale.map(|(at_s, up, n, takes_s)| Scaling {
                    at_s,
                    change: if up { Change::Resize { cores: n } } else { Change::AddServers { servers: n } },
                    takes_s,
                }),
                autoscale: auto.map(|(threshold, window_s, boot_s, max_servers)| Autoscale { threshold, window_s, boot_s, max_servers }),
                incident: incident.map(|(down, server, at_s, for_s, share)| if down {
                    Incident::AppDown { server, at_s, for_s }
                } else {
                    Incident::BadRelease { at_s, for_s, share }
                }),
                health: health.map(|(inter_us, fall, rise)| HealthChecks { inter_us, fall, rise }),
                per_server,
                ..queue_spec(1, 1.0, 1.0, 11)
            };
            match spec.validate() {
                Err(e) => prop_assert!(!e.to_string().is_empty()),
                Ok(()) => {
                    let r = run_queue(spec.clone(), 500.0);
                    prop_assert_eq!(r.arrivals, r.completed + r.failed());
                    if spec.per_server {
                        // Every arrival reached one server's Nginx, or was refused.
                        let taken: u64 = r.per_server.iter().flatten().map(|i| i.requests).sum();
                        prop_assert_eq!(taken + r.refused, r.arrivals);
                        for i in r.per_server.iter().flatten() {
                            prop_assert!(i.busy >= 0.0 && i.busy <= 1.0);
                        }
                    }
                    prop_assert!(r.error_rate() >= 0.0 && r.error_rate() <= 1.0);
                    prop_assert!(r.app_utilisation >= 0.0 && r.app_utilisation <= 1.0);
                    prop_assert!(!r.explain().is_empty());
                }
            }
        }
    }
}

/// The CPU an agent reads follows the utilisation law (U = X·S, per core):
/// a worker waiting for the database is busy but not computing, so with
/// half of each request in the database the workers are about twice as
/// busy as the CPU.
#[test]
fn cpu_is_the_cores_computing_not_the_workers_waiting() {
    let (rate, cores) = (400.0, 4);
    let (nginx_us, app_us, db_us) = (200.0, 2_000.0, 2_000.0);
    let spec = LoadSpec {
        per_server: true,
        db_connections: 64,
        ..queue_spec(cores, rate, 60.0, 11)
    };
    let costs = vec![RouteCost {
        url: "queue".into(),
        weight: 1,
        is_static: false,
        nginx_us,
        app_us,
        db_us,
        queries: 1,
        lb_us: 450.0,
    }];
    let mut sim = LoadSim::with_costs(spec, costs);
    while !sim.step(100_000) {}
    let r = sim.result();
    let ivs = &r.per_server[0];
    let mean =
        |f: fn(&load::ServerInterval) -> f64| ivs.iter().map(f).sum::<f64>() / ivs.len() as f64;
    let per_core = |us: f64| rate * us / 1e6 / f64::from(cores);
    close(mean(|i| i.cpu), per_core(nginx_us + app_us), 0.1, "CPU");
    close(
        mean(|i| i.busy),
        per_core(app_us + db_us),
        0.1,
        "workers busy",
    );
    assert!(ivs.iter().all(|i| (0.0..=1.0).contains(&i.cpu)));
}
