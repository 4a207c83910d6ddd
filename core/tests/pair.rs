//! The balancer pair (the scaled-up design): two load balancers share
//! 8.8.8.8 by VRRP. Each case powers machines off and on at set times and
//! checks who answered, when, and with what the browser saw.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use stackscope_core::net::vrrp::master_down_interval_us;
use stackscope_core::seed::{self, Design};
use stackscope_core::{Change, Payload, Simulator, Trace};

const URL: &str = "https://www.foobar.com/";

fn scaled() -> Simulator {
    Simulator::new(seed::scaled_stack()).expect("the scaled-up design is valid")
}

fn status(t: &Trace) -> String {
    t.outcome.short()
}

/// The first step whose title holds `title`.
fn step<'t>(t: &'t Trace, title: &str) -> Option<&'t stackscope_core::Step> {
    t.steps.iter().find(|s| s.title.contains(title))
}

/// `status balancer total-ms`, e.g. `200 lb-01 312`.
fn summary(t: &Trace) -> String {
    format!(
        "{} {} {}",
        status(t),
        t.balancer.as_deref().unwrap_or("-"),
        t.total_us() / 1000
    )
}

#[test]
fn the_scaled_design_is_the_secured_one_with_a_second_balancer() {
    let s = seed::scaled_stack();
    assert_eq!(Design::of(&s), Design::ScaledUp);
    assert_eq!(Design::ScaledUp.id(), "scaled");
    let mut sim = scaled();
    let t = sim.request(URL, 0);
    assert_eq!(status(&t), "200");
    assert_eq!(t.balancer.as_deref(), Some("lb-01"));
    let syn = step(&t, "TCP SYN to").expect("a SYN step");
    assert!(syn
        .explanation
        .contains("shared by two load balancers (VRRP); lb-01 holds it now"));
    // The secured design's balancer answers alone, and names no pair.
    let mut secured = Simulator::new(seed::secured_stack()).unwrap();
    assert_eq!(secured.request(URL, 0).balancer, None);
}

#[test]
fn losing_the_active_balancer_delays_requests_until_the_standby_takes_over() {
    let mut sim = scaled();
    let warm = sim.request(URL, 0).total_us();
    sim.apply(Change::LbPower(false), 5_400_000);
    // The last advert left at 5 s; lb-02 takes 8.8.8.8 at 5 + 3.609375 s.
    assert_eq!(master_down_interval_us(1_000_000, 100), 3_609_375);
    let t = sim.request(URL, 6_000_000);
    assert_eq!(status(&t), "200");
    assert_eq!(t.balancer.as_deref(), Some("lb-02"));
    let wait = step(&t, "is changing hands").expect("a step says the SYNs went unanswered");
    // The SYN leaves after DNS (cached: well under a second) at 6.0x s;
    // its retransmissions at +1 and +2 s (7.0x, 8.0x) still find nobody,
    // the one at +3 s (9.0x) reaches lb-02.
    assert_eq!(wait.duration_us, 3_000_000);
    assert!(
        wait.explanation.contains("lb-01 went dark at 5.4 s"),
        "{}",
        wait.explanation
    );
    assert!(wait
        .explanation
        .contains("lb-02 takes the address over at 8.609 s"));
    assert!(t.total_us() >= warm + 3_000_000 - 200_000);
    // The adverts behind it, after the SYNs: lb-01's last (at 5 s, about a
    // second before the first SYN) and lb-02's first as Master (8.609 s).
    let Payload::Tcp { segments } = &wait.payload else {
        panic!("{:?}", wait.payload)
    };
    let at = segments
        .iter()
        .position(|l| l.starts_with("Meanwhile, between the two balancers (VRRP"))
        .expect("the adverts are told apart from the segments");
    assert!(segments[..at].iter().all(|l| l.contains("[SYN]")));
    let (last, first) = (&segments[at + 1], &segments[at + 2]);
    assert!(last.starts_with("−1.0"), "{last}");
    assert!(last.contains("  lb-01 10.0.0.2 → 224.0.0.18 VRRPv3 Advertisement, vrid 51, prio 150, intvl 100cs, addrs: 8.8.8.8 (the last one lb-01 sent before it went dark); bytes 45 00 00 20 "), "{last}");
    assert!(first.starts_with("+2.597 s"), "{first}");
    assert!(first.contains("  lb-02 10.0.0.3 → 224.0.0.18 VRRPv3 Advertisement, vrid 51, prio 100, intvl 100cs, addrs: 8.8.8.8 (lb-02's first as Master, with a gratuitous ARP for 8.8.8.8); bytes "), "{first}");
    assert_eq!(segments.len(), at + 3);
    // After the takeover, lb-02 answers at once.
    let after = sim.request(URL, 10_000_000);
    assert_eq!(status(&after), "200");
    assert_eq!(after.balancer.as_deref(), Some("lb-02"));
    assert!(!after
        .steps
        .iter()
        .any(|s| s.title.contains("changing hands")));
}

#[test]
fn the_active_takes_the_address_back_when_it_returns() {
    let mut sim = scaled();
    sim.apply(Change::LbPower(false), 1_000_000);
    sim.apply(Change::LbPower(true), 20_000_000);
    // lb-01 preempts after its own Master_Down_Interval (priority 150):
    // 3.414062 s, and lb-02 serves until then: no request is lost.
    assert_eq!(
        sim.request(URL, 21_000_000).balancer.as_deref(),
        Some("lb-02")
    );
    assert_eq!(
        sim.request(URL, 23_500_000).balancer.as_deref(),
        Some("lb-01")
    );
}

#[test]
fn both_balancers_off_is_a_timeout_and_a_standby_failure_alone_changes_nothing() {
    let mut sim = scaled();
    sim.apply(Change::StandbyLbPower(false), 1_000_000);
    assert_eq!(
        summary(&sim.request(URL, 2_000_000))
            .split(' ')
            .take(2)
            .collect::<Vec<_>>(),
        ["200", "lb-01"]
    );
    sim.apply(Change::LbPower(false), 3_000_000);
    let t = sim.request(URL, 4_000_000);
    assert_eq!(status(&t), "ERR_CONNECTION_TIMED_OUT");
    assert_eq!(t.balancer, None);
    assert!(t.steps.iter().any(|s| s
        .explanation
        .contains("Both load balancers are powered off (lb-01 and lb-02)")));
    // Restore: the world as built, the active holding the address at once.
    sim.apply(Change::Restore, 5_000_000);
    let t = sim.request(URL, 5_000_000);
    assert_eq!(status(&t), "200");
    assert_eq!(t.balancer.as_deref(), Some("lb-01"));
}

#[test]
fn the_secured_designs_lone_balancer_stays_a_single_point_of_failure() {
    let mut sim = Simulator::new(seed::secured_stack()).unwrap();
    sim.apply(Change::LbPower(false), 5_400_000);
    let t = sim.request(URL, 6_000_000);
    assert_eq!(status(&t), "ERR_CONNECTION_TIMED_OUT");
    let t = sim.request(URL, 30_000_000);
    assert_eq!(status(&t), "ERR_CONNECTION_TIMED_OUT");
}

#[test]
fn layers_measure_the_round_trip_from_the_answered_syn() {
    let mut sim = scaled();
    sim.apply(Change::LbPower(false), 5_400_000);
    let t = sim.request(URL, 6_000_000);
    let tcp = stackscope_core::layers::of(&t)
        .into_iter()
        .find(|l| l.key == "tcp")
        .unwrap();
    assert!(
        tcp.summary
            .starts_with("The three-way handshake [SYN] ×4 [SYN, ACK] [ACK] cost one round trip ("),
        "{}",
        tcp.summary
    );
    let ms: f64 = tcp
        .summary
        .split("trip (")
        .nth(1)
        .unwrap()
        .split(" ms")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(ms < 100.0, "{ms}");
}

#[test]
fn a_standby_the_web_servers_firewalls_do_not_know_gets_503s_after_the_failover() {
    use stackscope_core::scenario::LB_INSIDE_IP;
    use stackscope_core::Topology;
    // The web servers' firewalls as in the secured design: HTTP from lb-01's
    // private address only. Fine until lb-02 takes over.
    let mut s = seed::scaled_stack();
    if let Topology::Redundant(c) = &mut s.topology {
        for f in c
            .firewalls
            .iter_mut()
            .filter(|f| f.host.starts_with("web-"))
        {
            f.rules = stackscope_core::firewall::web_rules(LB_INSIDE_IP);
        }
    }
    let mut sim = Simulator::new(s).unwrap();
    assert_eq!(status(&sim.request(URL, 0)), "200");
    sim.apply(Change::LbPower(false), 5_400_000);
    let t = sim.request(URL, 10_000_000);
    assert_eq!(t.balancer.as_deref(), Some("lb-02"));
    assert_eq!(status(&t), "503");
    assert!(
        t.steps
            .iter()
            .any(|s| matches!(&s.payload, Payload::Tcp { segments }
            if segments.iter().any(|g| g.starts_with("10.0.0.3 → 10.0.0.1")))),
        "lb-02 connects from its own address"
    );
}

#[test]
fn a_link_replays_the_failover_in_the_pair_design() {
    use stackscope_core::share::{Event, Share};
    let events = [
        Event::Request {
            url: URL.into(),
            at_us: 0,
        },
        Event::Change {
            change: Change::LbPower(false),
            at_us: 5_400_000,
        },
        Event::Request {
            url: URL.into(),
            at_us: 6_000_000,
        },
    ];
    let (share, left_out) = Share::new(&seed::scaled_stack(), &events, 0);
    assert!(!left_out);
    // The design travels as a flag, not as the whole world.
    assert!(share.scaled && share.scenario.is_none());
    let back = Share::decode(&share.encode()).unwrap();
    assert_eq!(back.baseline(), seed::scaled_stack());
    let (_, trace) = back.replay().unwrap();
    let t = trace.unwrap();
    assert_eq!(
        summary(&t).split(' ').take(2).collect::<Vec<_>>(),
        ["200", "lb-02"]
    );
    assert!(t
        .steps
        .iter()
        .any(|s| s.title.contains("is changing hands")));
}
