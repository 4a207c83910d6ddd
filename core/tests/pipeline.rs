//! Containers and the deploy pipeline: version skew, health-checked rollouts
//! and the automatic rollback of a release that cannot start on a server.

#![cfg(not(target_arch = "wasm32"))]

use stackscope_core::pipeline::{self, PipelineResult, PipelineSpec, Rollout};
use stackscope_core::scenario::Release;
use stackscope_core::{seed, Simulator};

fn run(release: Release, rollout: Rollout, redundant: bool) -> PipelineResult {
    pipeline::run(
        &seed::simple_stack(),
        &PipelineSpec {
            release,
            rollout,
            redundant,
        },
    )
    .expect("the seed's site deploys")
}

fn versions(r: &PipelineResult) -> Vec<Option<&str>> {
    r.stream
        .points
        .iter()
        .map(|p| p.version.as_deref())
        .collect()
}

#[test]
fn every_answer_names_its_release_in_a_header_and_the_footer() {
    let mut sim = Simulator::new(seed::simple_stack()).unwrap();
    let t = sim.request("http://www.foobar.com/", 1_000);
    let page = &t.page;
    assert!(page.html.contains("(foobar/app:v1)"), "{}", page.html);
    let mut sim = Simulator::new(seed::simple_stack()).unwrap();
    sim.apply(stackscope_core::Change::Deploy(None, Release::V2), 0);
    let t = sim.request("http://www.foobar.com/", 1_000);
    assert!(t.page.html.contains("(foobar/app:v2)"));
}

#[test]
fn the_pipeline_rolls_a_good_release_out_with_no_failure_and_a_window_of_skew() {
    let r = run(Release::V2, Rollout::Pipeline, true);
    assert!(r.tests.iter().all(|t| t.passed), "{:?}", r.tests);
    assert_eq!(
        r.stream.failed,
        0,
        "{:?}",
        r.stream.points.iter().filter(|p| !p.ok).collect::<Vec<_>>()
    );
    assert!(!r.rolled_back);
    let v = versions(&r);
    assert!(v.contains(&Some("v1")) && v.contains(&Some("v2")));
    assert_eq!(*v.last().unwrap(), Some("v2"));
    // Both answered for a while: web-02 still on v1 while web-01 runs v2.
    let (from, to) = r.skew_us.expect("a rolling deploy has skew");
    assert!(to > from + 3_000_000, "{from} {to}");
    // Each server drained, pulled, swapped, checked and put back.
    let labels: Vec<&str> = r.stream.events.iter().map(|e| e.label.as_str()).collect();
    for h in ["web-01", "web-02"] {
        assert!(
            labels.contains(&format!("Drain {h}: no new requests").as_str()),
            "{labels:?}"
        );
        assert!(
            labels.contains(&format!("Put {h} back in rotation").as_str()),
            "{labels:?}"
        );
    }
    assert!(
        r.notes.iter().any(|n| n.contains("schema")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_release_that_cannot_start_is_rolled_back_on_the_first_server_and_fails_no_request() {
    let r = run(Release::V3, Rollout::Pipeline, true);
    // Its tests pass: the test environment has the setting it needs.
    assert!(r.tests.iter().all(|t| t.passed), "{:?}", r.tests);
    assert!(r.rolled_back);
    assert_eq!(r.stream.failed, 0);
    // v3 never answered anyone, and web-02 was never touched.
    assert!(!versions(&r).contains(&Some("v3")));
    assert!(
        r.stream.events.iter().all(|e| !e.label.contains("web-02")),
        "{:?}",
        r.stream.events
    );
    assert!(r
        .stages
        .iter()
        .any(|s| !s.ok && s.what.contains("fails its health checks for 10 s")));
    assert_eq!(r.skew_us, None);
}

#[test]
fn by_hand_the_same_release_takes_the_site_down() {
    let r = run(Release::V3, Rollout::ByHand, true);
    assert!(!r.rolled_back);
    // Every request after the containers exited fails, to the end.
    let first_fail = r.stream.points.iter().position(|p| !p.ok).unwrap();
    assert!(r.stream.points[first_fail..].iter().all(|p| !p.ok));
    assert!(r.stream.failed > 100, "{}", r.stream.failed);
    assert!(r
        .notes
        .iter()
        .any(|n| n.contains("nothing rolled them back")));
    // A good release by hand: both servers restart at once, the site blinks.
    let good = run(Release::V2, Rollout::ByHand, true);
    assert!(good.stream.failed > 0);
    assert_eq!(*versions(&good).last().unwrap(), Some("v2"));
}

#[test]
fn on_one_server_even_the_pipeline_cannot_avoid_downtime() {
    let good = run(Release::V2, Rollout::Pipeline, false);
    assert!(
        good.stream.failed > 0 && good.stream.outage_us >= 1_800_000,
        "{:?}",
        good.stream.outage_us
    );
    assert_eq!(good.skew_us, None);
    let bad = run(Release::V3, Rollout::Pipeline, false);
    assert!(bad.rolled_back);
    // Down from the swap until v1 is back: the start, the checks' 10 s, the start again.
    assert!(
        bad.stream.outage_us >= 13_000_000,
        "{}",
        bad.stream.outage_us
    );
    assert_eq!(*versions(&bad).last().unwrap(), Some("v1"));
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use stackscope_core::Change;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any deploys, each its own container start or exit, then v1 back
        /// everywhere (each server's own repair), leave a world whose next
        /// request is the trace a fresh world gives: the release is all a
        /// deploy changes.
        #[test]
        fn any_deploys_then_v1_again_leave_a_world_like_a_fresh_one(
            redundant in any::<bool>(),
            deploys in proptest::collection::vec((proptest::option::of(0u8..2), proptest::sample::select(Release::ALL.to_vec())), 0..8),
        ) {
            let world = if redundant { seed::redundant_stack() } else { seed::simple_stack() };
            let mut sim = Simulator::new(world.clone()).unwrap();
            let mut t = 0u64;
            for (node, release) in &deploys {
                let node = if redundant { node.or(Some(0)) } else { None };
                sim.apply(Change::Deploy(node, *release), t);
                let _ = sim.request("http://www.foobar.com/", t + 500_000);
                t += 3_000_000;
            }
            let nodes: Vec<Option<u8>> = if redundant { vec![Some(0), Some(1)] } else { vec![None] };
            for n in nodes {
                if let Some(r) = Change::Deploy(n, Release::V3).repair() {
                    sim.apply(r, t);
                }
            }
            let at = t + 200_000_000;
            sim.flush_dns_cache();
            let got = stackscope_core::render::text(&sim.request("http://www.foobar.com/", at));
            let fresh = stackscope_core::render::text(&Simulator::new(world.clone()).unwrap().request("http://www.foobar.com/", at));
            if got != fresh {
                // The balancer's round-robin turn is the other state that
                // requests move (as in properties.rs): a fresh world that
                // has served one request before.
                let mut turned = Simulator::new(world).unwrap();
                turned.request("http://www.foobar.com/static/style.css", at - 10_000_000);
                turned.flush_dns_cache();
                let fresh_turned = stackscope_core::render::text(&turned.request("http://www.foobar.com/", at));
                prop_assert_eq!(got, fresh_turned);
            }
        }
    }
}
