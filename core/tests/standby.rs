//! Active-passive in the running world (issue 12.6): `Change::Standby`
//! makes web-02 HAProxy's `backup`. It serves nothing while web-01 is up;
//! when web-01 loses power, requests fail until the balancer's health
//! checks mark it down (fall × interval), then web-02 takes them all.
//! Active-active loses no request at all. The switch is an edit of the
//! design: "Restore everything" keeps it.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use stackscope_core::seed::{redundant_stack, simple_stack};
use stackscope_core::{Change, Outcome, Simulator, Topology, Trace};

const HOME: &str = "http://www.foobar.com/";

/// The web server that answered (0-based), or `None` when none did.
fn served_by(t: &Trace) -> Option<u8> {
    match &t.outcome {
        Outcome::Response { status: 200, .. } => t.steps.iter().rev().find_map(|s| s.node),
        _ => None,
    }
}

/// One request a second from `from_s` for `n` seconds: who answered each.
fn second_by_second(sim: &mut Simulator, from_s: u64, n: u64) -> Vec<Option<u8>> {
    (from_s..from_s + n)
        .map(|s| served_by(&sim.request(HOME, s * 1_000_000)))
        .collect()
}

#[test]
fn a_standby_serves_nothing_until_the_active_is_found_down() {
    let mut sim = Simulator::new(redundant_stack()).unwrap();
    sim.apply(Change::Standby(true), 0);
    let Topology::Redundant(c) = &sim.scenario().topology else {
        panic!("the redundant design");
    };
    assert_eq!(
        c.web.iter().map(|w| w.backup).collect::<Vec<_>>(),
        [false, true]
    );
    // Up: everything goes to web-01.
    assert_eq!(second_by_second(&mut sim, 1, 4), vec![Some(0); 4]);
    // web-01 off at 10 s: no answer until the checks (every 2 s, fall 2)
    // mark it down; then web-02 has them all.
    sim.apply(Change::ServerPower(Some(0), false), 10_000_000);
    let after = second_by_second(&mut sim, 10, 60);
    let first_served = after.iter().position(|s| s.is_some()).unwrap();
    // The checks at 12 s and 14 s fail (fall 2): the requests of 10 s to
    // 13 s find nobody, and from 14 s web-02 serves.
    assert_eq!(first_served, 4, "{after:?}");
    assert!(
        after[first_served..].iter().all(|s| *s == Some(1)),
        "{after:?}"
    );
}

#[test]
fn active_active_loses_nothing_to_the_same_failure_and_shares_the_load() {
    let mut sim = Simulator::new(redundant_stack()).unwrap();
    let up = second_by_second(&mut sim, 1, 4);
    assert!(up.contains(&Some(0)) && up.contains(&Some(1)), "{up:?}");
    sim.apply(Change::ServerPower(Some(0), false), 10_000_000);
    // The balancer redispatches a request web-01 does not take.
    let after = second_by_second(&mut sim, 10, 60);
    assert!(after.iter().all(|s| *s == Some(1)), "{after:?}");
}

#[test]
fn the_switch_is_kept_by_a_restore_and_undone_by_itself() {
    let mut sim = Simulator::new(redundant_stack()).unwrap();
    sim.apply(Change::Standby(true), 0);
    sim.apply(Change::ServerPower(Some(0), false), 1_000_000);
    sim.apply(Change::Restore, 2_000_000);
    let standby = |sim: &Simulator| match &sim.scenario().topology {
        Topology::Redundant(c) => c.web.iter().map(|w| w.backup).collect::<Vec<_>>(),
        Topology::Single => Vec::new(),
    };
    assert_eq!(standby(&sim), [false, true]);
    assert_eq!(second_by_second(&mut sim, 100, 3), vec![Some(0); 3]);
    sim.apply(Change::Standby(false), 200_000_000);
    assert_eq!(standby(&sim), [false, false]);
    let both = second_by_second(&mut sim, 201, 4);
    assert!(
        both.contains(&Some(0)) && both.contains(&Some(1)),
        "{both:?}"
    );
    // The one server has no standby to make.
    let mut one = Simulator::new(simple_stack()).unwrap();
    one.apply(Change::Standby(true), 0);
    assert_eq!(*one.scenario(), simple_stack());
}

#[test]
fn a_link_replays_the_standby() {
    use stackscope_core::share::{Event, Share};
    let events = vec![
        Event::Change {
            change: Change::Standby(true),
            at_us: 0,
        },
        Event::Request {
            url: HOME.into(),
            at_us: 1_000_000,
        },
    ];
    let (share, _) = Share::new(&redundant_stack(), &events, 0);
    let back = Share::decode(&format!("#{}", share.encode())).unwrap();
    let (sim, trace) = back.replay().unwrap();
    assert_eq!(served_by(&trace.unwrap()), Some(0));
    let Topology::Redundant(c) = &sim.scenario().topology else {
        panic!("the redundant design");
    };
    assert!(c.web[1].backup);
}
