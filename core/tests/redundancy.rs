//! The single server's weaknesses and the redundant design: fault traces by
//! snapshot, deploy streams, failover and the SPOF sweep, all by seed.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::compare;
use stackscope_core::render;
use stackscope_core::scenario::ProcessState;
use stackscope_core::seed::redundant_stack;
use stackscope_core::stream::{self, Event, StreamSpec};
use stackscope_core::{Change, Fault, Scenario, Simulator};

/// Requests `(url, at seconds)` after applying `changes` at time 0.
fn traces(scenario: Scenario, changes: &[Change], requests: &[(&str, u64)]) -> String {
    let mut sim = Simulator::new(scenario).unwrap();
    for c in changes {
        sim.apply(*c, 0);
    }
    let mut out = String::new();
    for (url, at) in requests {
        out.push_str(&format!("=== request at {at} s\n"));
        out.push_str(&render::text(&sim.request(url, at * 1_000_000)));
    }
    out
}

#[test]
fn redundant_home_page_goes_through_the_load_balancer_in_turn() {
    compare(
        snap!("redundant_home"),
        traces(
            redundant_stack(),
            &[],
            &[("http://www.foobar.com/", 0), ("http://www.foobar.com/", 1)],
        ),
    );
}

#[test]
fn redundant_post_writes_to_the_primary_and_reads_a_lagging_replica() {
    compare(
        snap!("redundant_post"),
        traces(
            redundant_stack(),
            &[],
            &[
                ("http://www.foobar.com/posts/hello-world", 0),
                ("http://www.foobar.com/posts/hello-world", 1),
                ("http://www.foobar.com/posts/hello-world", 5),
            ],
        ),
    );
}

#[test]
fn redundant_faults() {
    // Each fault at time 0; one request just after (before the health checks
    // notice) and one well after.
    let mut out = String::new();
    for fault in Fault::ALL
        .into_iter()
        .filter(|f| f.applies_to(&redundant_stack().topology))
    {
        out.push_str(&format!("##### {}\n", fault.label()));
        out.push_str(&traces(
            redundant_stack(),
            &[fault.change()],
            &[
                ("http://www.foobar.com/posts/hello-world", 1),
                ("http://www.foobar.com/posts/hello-world", 30),
            ],
        ));
    }
    compare(snap!("redundant_faults"), out);
}

#[test]
fn secured_faults() {
    // HTTPS as built, then each of its own faults, over https:// and http://.
    let mut out = String::new();
    let secured = stackscope_core::seed::secured_stack();
    let https_faults = [
        Fault::CertificateExpired,
        Fault::CertificateWrongName,
        Fault::HttpsClosed,
    ];
    out.push_str("##### As built\n");
    out.push_str(&traces(
        secured.clone(),
        &[],
        &[
            ("https://www.foobar.com/", 1),
            ("http://www.foobar.com/about", 2),
        ],
    ));
    for fault in https_faults {
        assert!(
            fault.applies_to(&secured.topology) && !fault.applies_to(&redundant_stack().topology)
        );
        out.push_str(&format!("##### {}\n", fault.label()));
        out.push_str(&traces(
            secured.clone(),
            &[fault.change()],
            &[("https://www.foobar.com/", 1)],
        ));
    }
    compare(snap!("secured_faults"), out);
}

#[test]
fn single_server_faults_that_only_exist_in_the_redundant_design_change_nothing() {
    for fault in [Fault::LoadBalancerOff, Fault::ReplicaStopped] {
        let mut s = Scenario::default();
        fault.apply(&mut s);
        assert_eq!(s, Scenario::default());
        assert!(!fault.applies_to(&s.topology));
    }
}

fn deploy_spec() -> StreamSpec {
    StreamSpec {
        urls: vec!["http://www.foobar.com/".into()],
        start_us: 0,
        every_us: 200_000,
        count: 150,
    }
}

#[test]
fn single_server_deploy_fails_requests_for_the_restart_window() {
    let events = stream::single_deploy(2_000_000, 4_000_000, false);
    let r = stream::run(&Scenario::default(), &deploy_spec(), &events).unwrap();
    assert!(r.failed >= 1);
    // Requests every 200 ms over a 4 s restart: about 20 get a 502.
    assert!((18..=22).contains(&r.failed), "{} failed", r.failed);
    assert!(r.points.iter().filter(|p| !p.ok).all(|p| p.status == "502"));
    // Every request failed from the first failure to the end of the restart:
    // the outage (no request succeeded) is the restart window.
    assert_eq!(r.longest_run, r.failed, "the failures are consecutive");
    assert_eq!(r.outage_us, 4_000_000);
    assert_eq!(r.outage_start_us, Some(2_000_000));
    assert_eq!(r.failure_span_us, 3_800_000, "first to last failure");
}

#[test]
fn rolling_deploy_behind_the_load_balancer_fails_nothing() {
    let s = redundant_stack();
    let events = stream::rolling_deploy(&s, 2_000_000, 4_000_000, true);
    let r = stream::run(&s, &deploy_spec(), &events).unwrap();
    assert_eq!(
        r.failed,
        0,
        "{:?}",
        r.points.iter().filter(|p| !p.ok).collect::<Vec<_>>()
    );
    // Both servers took traffic, and each was restarted.
    assert!(r
        .points
        .iter()
        .any(|p| p.server.as_deref() == Some("web-01")));
    assert!(r
        .points
        .iter()
        .any(|p| p.server.as_deref() == Some("web-02")));
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e.change, Change::App(_, ProcessState::Restarting)))
            .count(),
        2
    );
    // Determinism by seed.
    assert_eq!(r, stream::run(&s, &deploy_spec(), &events).unwrap());
}

#[test]
fn restarting_without_draining_loses_requests_until_the_health_checks_notice() {
    let s = redundant_stack();
    let events = stream::rolling_deploy(&s, 2_000_000, 4_000_000, false);
    let r = stream::run(&s, &deploy_spec(), &events).unwrap();
    assert!(
        r.failed > 0,
        "the load balancer sends traffic to a restarting server until it is marked down"
    );
    // 19 requests failed, spread from 2.0 s to 15.8 s, but never two in a
    // row: the other server answered in between, so there was no outage.
    assert_eq!(r.failed, 19);
    assert_eq!(r.failure_span_us, 13_800_000);
    assert_eq!(r.longest_run, 1);
    assert_eq!(r.outage_us, 0, "the site was never fully down");
    assert_eq!(r.outage_start_us, None);
    // The health checks noticed each restart 4 s after it began (2 failed
    // checks, every 2 s), just as it finished, and put the server back after
    // 2 passed checks.
    let seen: Vec<(u64, &str)> = r
        .observed
        .iter()
        .map(|o| (o.at_us, o.label.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                6_000_000,
                "The load balancer takes web-01 out of rotation: 2 failed health checks in a row"
            ),
            (
                10_000_000,
                "The load balancer sends web-01 requests again: 2 passed health checks in a row"
            ),
            (
                16_000_000,
                "The load balancer takes web-02 out of rotation: 2 failed health checks in a row"
            ),
            (
                20_000_000,
                "The load balancer sends web-02 requests again: 2 passed health checks in a row"
            ),
        ]
    );
}

#[test]
fn a_web_server_powered_off_is_survived_with_slow_requests_until_detected() {
    let s = redundant_stack();
    let events = [Event {
        at_us: 1_000_000,
        change: Change::ServerPower(Some(0), false),
        label: "power off web-01".into(),
    }];
    let r = stream::run(&s, &deploy_spec(), &events).unwrap();
    assert_eq!(r.failed, 0);
    let slow: Vec<_> = r
        .points
        .iter()
        .filter(|p| p.latency_us > 1_000_000)
        .collect();
    assert!(
        !slow.is_empty(),
        "requests sent to web-01 before detection wait for the connect timeout"
    );
    // After fall × interval (2 × 2 s) plus one interval, none is slow any more.
    assert!(slow.iter().all(|p| p.at_us < 1_000_000 + 6_000_000));
}

#[test]
fn primary_database_failure_fails_writes_until_the_replica_is_promoted() {
    let s = redundant_stack();
    let spec = StreamSpec {
        urls: vec![
            "http://www.foobar.com/".into(),
            "http://www.foobar.com/posts/hello-world".into(),
        ],
        start_us: 0,
        every_us: 500_000,
        count: 60,
    };
    let events = [Event {
        at_us: 2_000_000,
        change: Change::Database(ProcessState::Stopped),
        label: "stop the primary".into(),
    }];
    let r = stream::run(&s, &spec, &events).unwrap();
    let failed: Vec<_> = r.points.iter().filter(|p| !p.ok).collect();
    assert!(!failed.is_empty());
    // Only the post page (it writes its view count) fails, and only until promotion (10 s).
    assert!(failed
        .iter()
        .all(|p| p.url.ends_with("hello-world") && p.status == "500"));
    assert!(failed
        .iter()
        .all(|p| p.at_us >= 2_000_000 && p.at_us < 12_000_000));
    // Reads from the replica kept the home page up throughout.
    assert!(r
        .points
        .iter()
        .filter(|p| p.url.ends_with(".com/"))
        .all(|p| p.ok));
    // The cause is in the run: the post page's view count is a write.
    assert_eq!(failed.len(), 10);
    for p in &failed {
        assert_eq!(
            p.sql.as_deref(),
            Some(stackscope_core::server::app::SQL_COUNT_VIEW),
            "{p:?}"
        );
        assert!(stream::is_write(p.sql.as_deref().unwrap()));
    }
    // The promotion, when it happened, is part of the stream.
    let promoted: Vec<_> = r
        .observed
        .iter()
        .filter(|o| o.what == stream::Noticed::ReplicaPromoted)
        .collect();
    assert_eq!(promoted.len(), 1);
    assert_eq!(promoted[0].at_us, 12_000_000);
    assert!(promoted[0].label.contains("db-02"), "{}", promoted[0].label);
    // The failing step of such a trace names the statement and why it needs the primary.
    let mut sim = Simulator::new(redundant_stack()).unwrap();
    sim.apply(Change::Database(ProcessState::Stopped), 0);
    let t = sim.request("http://www.foobar.com/posts/hello-world", 1_000_000);
    let step = t
        .steps
        .iter()
        .find(|s| s.status == stackscope_core::Status::Fail)
        .unwrap();
    assert!(
        step.explanation
            .contains("UPDATE posts SET views = views + 1 WHERE slug = ?, is a write"),
        "{}",
        step.explanation
    );
}

/// Why one database writer is still a single point of failure, in every
/// design with a replica: after the promotion the promoted replica is the
/// only writer, so its failure stops every write, and repairing the old
/// primary does not give the role back.
#[test]
fn after_a_promotion_the_promoted_replica_is_the_only_writer() {
    for design in [
        stackscope_core::seed::Design::Redundant,
        stackscope_core::seed::Design::ScaledUp,
    ] {
        let post = "http://www.foobar.com/posts/hello-world";
        let mut sim = Simulator::new(design.stack()).unwrap();
        sim.apply(Change::Database(ProcessState::Stopped), 0);
        let url = |u: &str| match design {
            stackscope_core::seed::Design::ScaledUp => u.replacen("http://", "https://", 1),
            _ => u.to_string(),
        };
        assert_eq!(sim.request(&url(post), 1_000_000).outcome.short(), "500");
        let t = sim.request(&url(post), 11_000_000);
        assert!(sim.replica_promoted(), "{design:?}");
        assert!(t.outcome.short() == "200", "{design:?}: {:?}", t.outcome);
        // The primary comes back: still the replica's writes.
        sim.apply(Change::Database(ProcessState::Running), 12_000_000);
        sim.apply(Change::Replica(ProcessState::Stopped), 13_000_000);
        let t = sim.request(&url(post), 30_000_000);
        assert_eq!(
            t.outcome.short(),
            "500",
            "{design:?}: the one writer is down"
        );
        let fail = t
            .steps
            .iter()
            .find(|s| s.status == stackscope_core::Status::Fail)
            .unwrap();
        assert!(fail.explanation.contains("db-02"), "{}", fail.explanation);
    }
}

#[test]
fn the_sweep_matrix_shows_the_single_points_of_failure() {
    use stackscope_core::seed::Design::{self, *};
    use stackscope_core::stream::{Effect, Noticed};
    let worlds: Vec<Scenario> = Design::ALL.iter().map(|d| d.stack()).collect();
    let rows = stream::sweep(&worlds).unwrap();
    let row = |name: &str| rows.iter().find(|r| r.failure == name).unwrap().clone();
    // The single server: any part down and (nearly) everything fails.
    assert_eq!(row("A web server powered off").share(OneServer), Some(0.0));
    assert_eq!(
        row("Nginx stopped on a web server").share(OneServer),
        Some(0.0)
    );
    // Static files survive the application being down: Nginx serves them.
    assert_eq!(
        row("Application stopped on a web server").share(OneServer),
        Some(0.2)
    );
    // The redundant design survives losing a web server.
    assert_eq!(row("A web server powered off").share(Redundant), Some(1.0));
    assert_eq!(
        row("Nginx stopped on a web server").share(Redundant),
        Some(1.0)
    );
    assert_eq!(row("Replica database stopped").share(Redundant), Some(1.0));
    assert_eq!(row("Replica database stopped").share(OneServer), None);
    // What stays a single point of failure: the load balancer and DNS.
    assert_eq!(row("Load balancer powered off").share(Redundant), Some(0.0));
    assert_eq!(row("DNS records deleted").share(Redundant), Some(0.0));
    assert_eq!(row("DNS records deleted").share(OneServer), Some(0.0));
    // A primary database failure: writes fail until promotion, reads go on.
    let db = row("Primary database stopped");
    let (s, r) = (db.share(OneServer).unwrap(), db.share(Redundant).unwrap());
    assert!(r > s && r < 1.0, "single {s}, redundant {r}");

    // A single point of failure is a part whose failure stops the service;
    // requests lost until the failure is noticed are detection time.
    let spofs = |d: Design| -> Vec<String> {
        rows.iter()
            .filter(|r| r.effect(d).is_some_and(Effect::is_spof))
            .map(|r| r.failure.clone())
            .collect()
    };
    assert_eq!(
        spofs(Redundant),
        ["DNS records deleted", "Load balancer powered off"]
    );
    // HTTPS and firewalls change nothing to that: the secured design's lone
    // balancer is still one.
    assert_eq!(
        spofs(Secured),
        ["DNS records deleted", "Load balancer powered off"]
    );
    // The pair leaves DNS (and the shared database writer's promotion time).
    assert_eq!(spofs(ScaledUp), ["DNS records deleted"]);
    // Split tiers: an application machine off, or its application stopped,
    // loses nothing: Nginx passes the request to the other at once
    // (proxy_next_upstream), before any health check could notice.
    let machine = row("An application machine powered off");
    assert_eq!(machine.share(ScaledUp), Some(1.0));
    assert_eq!(machine.share(Secured), None);
    assert_eq!(machine.share(OneServer), None);
    assert_eq!(
        row("Application stopped on a web server").share(ScaledUp),
        Some(1.0)
    );
    // Every part of the single server is one (static files alone are not the service).
    assert!(rows
        .iter()
        .all(|r| r.effect(OneServer).is_none_or(Effect::is_spof)));
    // The application stopped on web-01: one request lost before the health
    // checks took web-01 out of rotation, 3 s after the failure (checks at
    // 2 s and 4 s, 2 failures needed).
    match row("Application stopped on a web server").effect(Redundant) {
        Some(Effect::Detected {
            lost: 1,
            sent: 20,
            after_us: 3_000_000,
            how: Some(o),
        }) => assert_eq!(o.what, Noticed::ServerDown(0)),
        other => panic!("{other:?}"),
    }
    // The primary stopped: two post pages lost until the replica's promotion, 10 s later.
    match db.effect(Redundant) {
        Some(Effect::Detected {
            lost: 2,
            sent: 20,
            after_us: 10_000_000,
            how: Some(o),
        }) => assert_eq!(o.what, Noticed::ReplicaPromoted),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        row("A web server powered off").effect(Redundant),
        Some(&Effect::Survived)
    );
    // The pair: losing lb-01 at 1 s loses nothing; lb-02 takes 8.8.8.8
    // over at 4.609375 s (the advert at 1 s, then 3.609375 s) and the
    // requests sent meanwhile wait for the SYN retransmission that reaches it.
    let lb = row("Load balancer powered off");
    let cell = lb.cell(ScaledUp).unwrap();
    assert_eq!(cell.effect, Some(Effect::Survived));
    assert_eq!(cell.share, Some(1.0));
    assert!(
        cell.slowest_us > 3_000_000 && cell.slowest_us < 5_000_000,
        "{}",
        cell.slowest_us
    );
    let moved = cell
        .observed
        .iter()
        .find(|o| o.what == Noticed::AddressMoved)
        .unwrap();
    assert_eq!(moved.at_us, 4_609_375);
    assert!(
        moved.label.starts_with("lb-02 takes 8.8.8.8 over"),
        "{}",
        moved.label
    );
    // Its standby alone off: nothing seen.
    let standby = row("Standby load balancer powered off");
    assert_eq!(standby.effect(ScaledUp), Some(&Effect::Survived));
    assert_eq!(standby.share(Secured), None);
}

#[test]
fn dns_faults_can_be_repaired_alone() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    sim.apply(Change::App(None, ProcessState::Stopped), 0);
    sim.apply(Change::DnsRecordMissing, 0);
    assert!(!sim.request("http://www.foobar.com/", 1_000_000).succeeded());
    sim.apply(Change::DnsRestore, 2_000_000);
    sim.flush_dns_cache();
    // DNS is back, the application is still stopped: Nginx answers 502.
    let t = sim.request("http://www.foobar.com/", 3_000_000);
    assert!(matches!(
        t.outcome,
        stackscope_core::Outcome::Response { status: 502, .. }
    ));
}

#[test]
fn a_load_run_is_identical_natively_and_in_the_browser() {
    use stackscope_core::load::{simulate, LoadSpec};
    let spec = LoadSpec {
        rate_per_s: 1500.0,
        duration_s: 5.0,
        intervals: 5,
        ..Default::default()
    };
    let r = simulate(&Scenario::default(), &spec).unwrap();
    let summary = format!(
        "arrivals {} completed {} 503 {} 504 {} p50 {:?} p95 {:?} p99 {:?} app {:.6} db {:.6} max queue {}\n{}\n",
        r.arrivals,
        r.completed,
        r.rejected_503,
        r.timed_out_504,
        r.p50_us,
        r.p95_us,
        r.p99_us,
        r.app_utilisation,
        r.db_utilisation,
        r.max_app_queue,
        r.explain()
    );
    compare(snap!("load_small"), summary);
}

/// The pair made active-passive: web-02 is HAProxy's `backup`.
fn active_passive() -> Scenario {
    let mut s = redundant_stack();
    if let stackscope_core::Topology::Redundant(c) = &mut s.topology {
        c.web[1].backup = true;
    }
    s
}

#[test]
fn a_standby_takes_over_only_after_the_health_checks_and_idles_before() {
    let events = [Event {
        at_us: 2_000_000,
        change: Change::ServerPower(Some(0), false),
        label: "Power off web-01".into(),
    }];
    let passive = stream::run(&active_passive(), &deploy_spec(), &events).unwrap();
    let active = stream::run(&redundant_stack(), &deploy_spec(), &events).unwrap();
    // Before the failure, the standby took nothing; both served when active-active.
    let before = |r: &stream::StreamResult, host: &str| {
        r.points
            .iter()
            .filter(|p| p.at_us < 2_000_000 && p.server.as_deref() == Some(host))
            .count()
    };
    assert_eq!(before(&passive, "web-02"), 0);
    assert_eq!(before(&passive, "web-01"), 10);
    assert!(before(&active, "web-02") >= 4);
    // Active-passive: every request fails until the checks take web-01 out
    // (an outage); active-active loses only web-01's share (no outage).
    assert!(passive.outage_us >= 2_000_000, "{}", passive.outage_us);
    assert_eq!(active.outage_us, 0);
    let taken_over = passive
        .observed
        .iter()
        .find(|o| o.what == stream::Noticed::ServerDown(0))
        .map(|o| o.at_us)
        .unwrap();
    assert!(passive
        .points
        .iter()
        .filter(|p| p.at_us > taken_over)
        .all(|p| p.ok && p.server.as_deref() == Some("web-02")));
}
