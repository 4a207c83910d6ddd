//! Monitoring: the agents' readings and the alert rule on runs with incidents.
//! (`tests/conformance` checks `stub_status` against nginx and the rule's
//! every evaluation against promtool.)

#![cfg(not(target_arch = "wasm32"))]

use stackscope_core::load::Incident;
use stackscope_core::monitor::{self, agent, AlertRule, MonitorSpec, State, EVAL_S};
use stackscope_core::seed;

fn run(spec: &MonitorSpec) -> monitor::Dashboard {
    monitor::run(&seed::simple_stack(), spec).expect("a valid spec")
}

fn bad_release() -> Option<Incident> {
    Some(Incident::BadRelease {
        at_s: 120.0,
        for_s: 300.0,
        share: 0.3,
    })
}

#[test]
fn one_server_whose_application_stops_pages_someone_75_s_later() {
    // The default: web-01's application stops at 3:00 for 2 minutes.
    let d = run(&MonitorSpec::default());
    assert_eq!(d.alert_times(), (Some(195), Some(255), Some(360)));
    // Pages are 8 in 10 requests at 40 a second: about 3,840 fail in 120 s.
    assert!((3_600..4_100).contains(&d.failed), "{}", d.failed);
    // The first reading after the stop: about 80% of the answers are 5xx.
    let s = &d.agents[0].scrapes[13];
    assert_eq!(s.at_s, 195);
    assert!(s.error_share.unwrap() > 0.7, "{s:?}");
    let text = d.explain().join(" ");
    assert!(text.contains("fired at 4:15, 75 s after"), "{text}");
    assert!(d.out_of_rotation.is_none() && d.replica_lag_s.is_none());
}

#[test]
fn behind_the_balancer_visitors_barely_notice_but_the_failing_checks_page_someone() {
    let d = run(&MonitorSpec {
        servers: 2,
        ..MonitorSpec::default()
    });
    // inter 2 s, fall 2: the checks at 3:00 and 3:02 fail; back at 5:02.
    assert_eq!(d.out_of_rotation, Some((182.0, 302.0)));
    assert!(d.failed < 100, "{}", d.failed);
    // The balancer checks web-01 every 2 s while it is down, 3:00 to 5:00:
    // 60 checks answered 502, logged like any request.
    assert_eq!(d.failed_checks, 60);
    // Those keep the site's 5xx share above 1% (about 30 of 2,400 answers a
    // minute): the rule fires as on one server, on the checks, not visitors.
    assert_eq!(d.alert_times().1, Some(255));
    // web-01 takes no visitor while out, only the checks; web-02 takes all.
    let (w1, w2) = (&d.agents[0].scrapes, &d.agents[1].scrapes);
    for k in 14..=20 {
        assert!(w1[k].qps <= 0.6, "{:?}", w1[k]);
        assert_eq!(w1[k].qps * 15.0, w1[k].checks as f64);
        assert!(!w1[k].in_rotation);
        assert!(w2[k].qps > 30.0, "{:?}", w2[k]);
    }
    let text = d.explain().join(" ");
    assert!(text.contains("answered 60 of those checks 502"), "{text}");
    assert!(
        text.contains("web-02 took every visitor's request"),
        "{text}"
    );
    assert_eq!(d.replica_lag_s, Some(1.5));
}

#[test]
fn with_web_02_stopped_the_sentences_name_web_02() {
    let d = run(&MonitorSpec {
        servers: 2,
        incident: Some(Incident::AppDown {
            server: 1,
            at_s: 180.0,
            for_s: 120.0,
        }),
        ..MonitorSpec::default()
    });
    let text = d.explain().join(" ");
    assert!(text.contains("The application on web-02 stopped"), "{text}");
    assert!(
        text.contains("web-01 took every visitor's request"),
        "{text}"
    );
}

#[test]
fn a_bad_release_fires_on_both_designs() {
    for servers in [1, 2] {
        let d = run(&MonitorSpec {
            servers,
            incident: bad_release(),
            ..MonitorSpec::default()
        });
        // Pending at the first evaluation after 2:00, firing 1 min later,
        // resolved once the 1-minute window is clear of the release.
        assert_eq!(
            d.alert_times(),
            (Some(135), Some(195), Some(480)),
            "{servers}"
        );
        // 30% of the pages, which are 80% of the requests.
        let peak = d.peak_share();
        assert!((0.2..0.28).contains(&peak), "{peak}");
    }
}

#[test]
fn a_quiet_run_never_pends() {
    let d = run(&MonitorSpec {
        incident: None,
        ..MonitorSpec::default()
    });
    assert!(d.evaluations.iter().all(|e| e.state == State::Inactive));
    assert_eq!(d.failed, 0);
    assert!(d.explain()[0].starts_with("Nothing went wrong"));
}

#[test]
fn a_rule_without_for_fires_at_once_and_a_high_threshold_never() {
    let at_once = run(&MonitorSpec {
        rule: AlertRule {
            for_s: 0,
            ..AlertRule::default()
        },
        ..MonitorSpec::default()
    });
    assert_eq!(at_once.alert_times().1, Some(195));
    let high = run(&MonitorSpec {
        incident: bad_release(),
        rule: AlertRule {
            threshold: 0.5,
            ..AlertRule::default()
        },
        ..MonitorSpec::default()
    });
    assert_eq!(high.alert_times(), (None, None, None));
}

#[test]
fn stub_status_read_twice_gives_the_qps() {
    let d = run(&MonitorSpec::default());
    let scrapes = &d.agents[0].scrapes;
    assert_eq!(scrapes.len(), 41);
    for w in scrapes.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert_eq!(b.at_s - a.at_s, EVAL_S);
        let qps = agent::qps_between(&a.status, &b.status, f64::from(EVAL_S));
        assert!((qps - b.qps).abs() < 1e-9, "{a:?} {b:?}");
        assert_eq!(b.status.accepts, b.status.requests);
        assert!(b.status.active >= 1 && b.status.writing == b.status.active);
    }
    let (a, b, qps) = d.qps_example().unwrap();
    assert!((30.0..50.0).contains(&qps), "{qps}");
    assert_eq!(b.at_s, a.at_s + EVAL_S);
}

#[test]
fn bad_specs_are_refused_with_a_reason() {
    let cases = [
        MonitorSpec {
            servers: 3,
            ..MonitorSpec::default()
        },
        MonitorSpec {
            rate_per_s: -1.0,
            ..MonitorSpec::default()
        },
        MonitorSpec {
            minutes: 1,
            ..MonitorSpec::default()
        },
        MonitorSpec {
            incident: Some(Incident::AppDown {
                server: 1,
                at_s: 10.0,
                for_s: 10.0,
            }),
            ..MonitorSpec::default()
        },
        MonitorSpec {
            incident: Some(Incident::AppDown {
                server: 0,
                at_s: 900.0,
                for_s: 10.0,
            }),
            ..MonitorSpec::default()
        },
        MonitorSpec {
            rule: AlertRule {
                window_s: 20,
                ..AlertRule::default()
            },
            ..MonitorSpec::default()
        },
    ];
    for spec in cases {
        let e = monitor::run(&seed::simple_stack(), &spec).unwrap_err();
        assert!(!e.is_empty());
    }
}

#[test]
fn counting_per_server_changes_nothing_else() {
    let spec = MonitorSpec::default().load_spec(Some(monitor::health_of(&seed::simple_stack())));
    let costs = stackscope_core::load::route_costs(&seed::simple_stack(), &spec.mix).unwrap();
    let run = |per_server| {
        let mut sim = stackscope_core::load::LoadSim::with_costs(
            stackscope_core::load::LoadSpec {
                per_server,
                ..spec.clone()
            },
            costs.clone(),
        );
        while !sim.step(1 << 16) {}
        sim.result()
    };
    let (with, without) = (run(true), run(false));
    assert_eq!(with.intervals, without.intervals);
    assert_eq!(with.arrivals, without.arrivals);
    assert!(without.per_server.is_empty() && with.per_server.len() == 1);
}

#[test]
fn the_balancers_agent_counts_what_visitors_got_and_not_its_own_checks() {
    let d = run(&MonitorSpec {
        servers: 2,
        ..MonitorSpec::default()
    });
    let b = d
        .balancer
        .as_ref()
        .expect("two servers: an agent on the balancer");
    assert_eq!(b.host, "lb-01");
    assert_eq!(b.reads.len(), d.agents[0].scrapes.len());
    let last = &b.reads.last().unwrap().stat;
    // The frontend's requests are the servers' visitors, none of the checks.
    let visitors: u64 = last.servers.iter().map(|s| s.requests).sum();
    assert_eq!(last.requests, visitors);
    let logged_5xx: u64 = d
        .agents
        .iter()
        .map(|a| a.scrapes.last().unwrap().errors_5xx)
        .sum();
    assert_eq!(
        last.hrsp_5xx + d.failed_checks,
        logged_5xx,
        "the access logs hold the checks' 502s too"
    );
    assert!(last.hrsp_5xx < 100, "{}", last.hrsp_5xx);
    // web-01 out of rotation 3:02 to 5:02: DOWN in the reads between, after `fall` failed checks.
    let at = |s: u32| &b.reads.iter().find(|r| r.at_s == s).unwrap().stat.servers[0];
    assert!(at(180).up && !at(195).up && !at(300).up && at(315).up);
    assert_eq!(
        (at(195).chkfail, at(195).chkdown, at(195).check_code),
        (2, 1, 502)
    );
    assert_eq!(at(315).check_code, 200);
    // Its QPS is the site's, read from the frontend.
    let (r1, r2) = (&b.reads[4], &b.reads[5]);
    assert!(
        (r2.qps_since(r1) - 40.0).abs() < 8.0,
        "{}",
        r2.qps_since(r1)
    );
    let text = d.explain().join(" ");
    assert!(
        text.contains("HAProxy's show stat") && text.contains("chkfail 2, chkdown 1"),
        "{text}"
    );
    // One server: no balancer, no agent on it.
    assert!(run(&MonitorSpec::default()).balancer.is_none());
}
