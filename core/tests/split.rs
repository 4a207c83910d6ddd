//! The split tiers (the scaled-up design): the web servers run Nginx only
//! and proxy to the application machines `app-01` and `app-02` as nginx's
//! upstream group. Each case breaks an application machine and checks
//! which one answered, what the browser got and how long it took.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use stackscope_core::scenario::{ProcessState, Topology, UPSTREAM};
use stackscope_core::seed;
use stackscope_core::{Change, Component, Simulator, Step, Trace};

const URL: &str = "https://www.foobar.com/";

fn scaled() -> Simulator {
    Simulator::new(seed::scaled_stack()).expect("the scaled-up design is valid")
}

fn status(t: &Trace) -> String {
    t.outcome.short()
}

/// Nginx's attempts on the application machines, in order: the machine's
/// index and the step's title (`Some(0) Proxy to app-01 (…)`).
fn app_steps(t: &Trace) -> Vec<String> {
    t.steps
        .iter()
        .filter(|s| s.from == Component::Nginx && s.to == Component::App)
        .map(|s| format!("{:?} {}", s.app_node, s.title))
        .collect()
}

fn step<'t>(t: &'t Trace, title: &str) -> Option<&'t Step> {
    t.steps.iter().find(|s| s.title.contains(title))
}

fn total_ms(t: &Trace) -> u64 {
    t.total_us() / 1000
}

#[test]
fn the_web_servers_proxy_to_the_application_machines_in_turn() {
    let s = seed::scaled_stack();
    let Topology::Redundant(c) = &s.topology else {
        panic!("the scaled-up design has a cluster");
    };
    let names: Vec<&str> = c.app_tier.iter().map(|a| a.hostname.as_str()).collect();
    assert_eq!(names, ["app-01", "app-02"]);
    // Nginx's config names the upstream group, not a local port.
    assert!(s.server.nginx_config.locations.iter().any(|l| matches!(
        &l.action,
        stackscope_core::scenario::LocationAction::Proxy { upstream } if upstream == UPSTREAM
    )));
    let mut sim = scaled();
    // web-01, web-02, web-01: each web server's Nginx takes its own turns.
    let a = sim.request(URL, 0);
    let b = sim.request(URL, 1_000_000);
    let c2 = sim.request(URL, 2_000_000);
    assert_eq!(status(&a), "200");
    assert_eq!(app_steps(&a), ["Some(0) Proxy to app-01 (10.0.0.31:8000)"]);
    assert_eq!(app_steps(&b), ["Some(0) Proxy to app-01 (10.0.0.31:8000)"]);
    assert_eq!(app_steps(&c2), ["Some(1) Proxy to app-02 (10.0.0.32:8000)"]);
    // The database hears from the application machine, through its firewall.
    let q = a
        .steps
        .iter()
        .find(|s| s.title.starts_with("SQL:"))
        .expect("a query");
    assert_eq!(q.app_node, Some(0));
    // Every step at the application names its machine; none elsewhere.
    for s in &a.steps {
        assert_eq!(
            s.app_node.is_some(),
            s.from == Component::App || s.to == Component::App,
            "{}",
            s.title
        );
    }
}

#[test]
fn a_powered_off_application_machine_costs_three_seconds_once() {
    let mut sim = scaled();
    let warm = sim.request(URL, 0);
    sim.apply(Change::AppPower(1, false), 500_000);
    // web-02's turn goes to app-01: untouched.
    let b = sim.request(URL, 1_000_000);
    assert_eq!(app_steps(&b), ["Some(0) Proxy to app-01 (10.0.0.31:8000)"]);
    // web-01's turn is app-02's: no ARP answer for 3 s, then app-01.
    let t = sim.request(URL, 2_000_000);
    assert_eq!(status(&t), "200");
    assert_eq!(
        app_steps(&t),
        [
            "Some(1) app-02 does not take the connection",
            "Some(0) Proxy to app-01 (10.0.0.31:8000)"
        ]
    );
    let fail = step(&t, "app-02 does not take").unwrap();
    assert_eq!(fail.duration_us, 3_000_000);
    assert!(fail.explanation.contains("No route to host"));
    assert!(fail.explanation.contains("skips app-02 for the next 10 s"));
    assert!(
        total_ms(&t) >= total_ms(&warm) - 150 + 3_000,
        "{}",
        total_ms(&t)
    );
    // web-02's Nginx learns on its own: its first turn for app-02 pays too.
    let other = sim.request(URL, 4_000_000);
    assert_eq!(app_steps(&other).len(), 2, "{:?}", app_steps(&other));
    // Within fail_timeout (10 s) neither tries app-02 again.
    let later = sim.request(URL, 8_000_000);
    let again = sim.request(URL, 9_000_000);
    for t in [&later, &again] {
        assert_eq!(status(t), "200");
        assert_eq!(
            app_steps(t),
            ["Some(0) Proxy to app-01 (10.0.0.31:8000)"],
            "{:?}",
            app_steps(t)
        );
    }
    // The balancer's health checks still pass: Nginx answers through app-01.
    assert!(later.steps.iter().all(|s| !s.title.contains("503")));
}

#[test]
fn a_stopped_application_is_refused_at_once_and_the_other_answers() {
    let mut sim = scaled();
    sim.apply(Change::App(Some(0), ProcessState::Stopped), 0);
    let t = sim.request(URL, 100_000);
    assert_eq!(status(&t), "200");
    let fail = step(&t, "app-01 does not take").expect("app-01 refused");
    assert!(fail
        .explanation
        .contains("nothing listens on 10.0.0.31:8000"));
    assert!(
        fail.duration_us < 1_000,
        "a refusal is one round trip on the LAN"
    );
    let answered = step(&t, "Proxy to app-02").expect("app-02 took it");
    assert!(answered.explanation.contains("the next one"));
}

#[test]
fn a_hung_application_costs_the_read_timeout_then_the_next_answers() {
    let mut sim = scaled();
    sim.apply(Change::App(Some(0), ProcessState::Hung), 0);
    let t = sim.request(URL, 100_000);
    // A GET is idempotent: after 60 s Nginx sends it to app-02.
    assert_eq!(status(&t), "200");
    let hung = step(&t, "app-01 never answers").expect("app-01 hung");
    assert_eq!(hung.duration_us, 60_000_000);
    assert!(hung
        .explanation
        .contains("passes the request to another server"));
    assert!(total_ms(&t) > 60_000);
}

#[test]
fn with_both_machines_off_nginx_answers_502_then_no_live_upstreams() {
    let mut sim = scaled();
    sim.apply(Change::AppPower(0, false), 0);
    sim.apply(Change::AppPower(1, false), 0);
    let t = sim.request(URL, 100_000);
    assert_eq!(status(&t), "502");
    assert_eq!(app_steps(&t).len(), 2, "{:?}", app_steps(&t));
    // web-02's Nginx has not failed yet: it tries both too.
    let u = sim.request(URL, 7_000_000);
    // By now the balancer's health checks (GET /health through Nginx to the
    // application) have failed twice on both web servers: nowhere to send it.
    assert_eq!(status(&u), "503", "{:?}", app_steps(&u));
}

#[test]
fn within_fail_timeout_a_failed_group_is_not_tried() {
    let mut sim = scaled();
    sim.apply(Change::AppPower(0, false), 0);
    sim.apply(Change::AppPower(1, false), 0);
    // web-01 tries both (3 s each): both sit out 10 s from ~6.1 s.
    let first = sim.request(URL, 100_000);
    assert_eq!(status(&first), "502");
    assert!(first.steps.iter().any(|s| s.node == Some(0)));
    // Both come back; the balancer's checks pass again by 10 s.
    sim.apply(Change::AppPower(0, true), 6_500_000);
    sim.apply(Change::AppPower(1, true), 6_500_000);
    let a = sim.request(URL, 10_500_000);
    let b = sim.request(URL, 11_000_000);
    let (via_web01, via_web02) = if a.steps.iter().any(|s| s.node == Some(0)) {
        (a, b)
    } else {
        (b, a)
    };
    // web-02 never saw a failure: it answers.
    assert_eq!(status(&via_web02), "200");
    // web-01's Nginx still counts both failed: nginx's "no live upstreams".
    assert_eq!(status(&via_web01), "502");
    assert!(step(&via_web01, "No live upstreams").is_some());
    assert!(app_steps(&via_web01).is_empty());
    // After fail_timeout, it tries them again.
    let r1 = sim.request(URL, 30_000_000);
    let r2 = sim.request(URL, 31_000_000);
    assert_eq!((status(&r1), status(&r2)), ("200".into(), "200".into()));
}

#[test]
fn a_local_upstream_in_the_split_design_is_refused_and_app_servers_elsewhere_is_invalid() {
    use stackscope_core::scenario::LocationAction;
    let mut s = seed::scaled_stack();
    for l in &mut s.server.nginx_config.locations {
        if let LocationAction::Proxy { upstream } = &mut l.action {
            *upstream = "127.0.0.1:8000".into();
        }
    }
    let mut sim = Simulator::new(s).unwrap();
    let t = sim.request(URL, 0);
    assert_eq!(status(&t), "502");
    let refused = step(&t, "Upstream refused").unwrap();
    assert!(refused.explanation.contains("machines of its own"));
    // The one-server design has no upstream group: nginx would not start.
    let mut one = seed::simple_stack();
    for l in &mut one.server.nginx_config.locations {
        if let LocationAction::Proxy { upstream } = &mut l.action {
            *upstream = UPSTREAM.into();
        }
    }
    let Err(err) = Simulator::new(one) else {
        panic!("refused")
    };
    let err = err.to_string();
    assert!(err.contains("host not found in upstream"), "{err}");
}

#[test]
fn a_link_replays_an_application_machine_failure() {
    use stackscope_core::share::{Event, Share};
    let events = [
        Event::Request {
            url: URL.into(),
            at_us: 0,
        },
        Event::Change {
            change: Change::AppPower(1, false),
            at_us: 500_000,
        },
        Event::Request {
            url: URL.into(),
            at_us: 1_000_000,
        },
        Event::Request {
            url: URL.into(),
            at_us: 2_000_000,
        },
    ];
    let (share, left_out) = Share::new(&seed::scaled_stack(), &events, 0);
    assert!(!left_out);
    assert!(share.scaled && share.scenario.is_none());
    let back = Share::decode(&share.encode()).unwrap();
    let (_, trace) = back.replay().unwrap();
    let t = trace.expect("the last request's trace");
    // The third request: web-01's turn is app-02's, which is off.
    assert_eq!(status(&t), "200");
    assert_eq!(
        app_steps(&t),
        [
            "Some(1) app-02 does not take the connection",
            "Some(0) Proxy to app-01 (10.0.0.31:8000)"
        ]
    );
}
