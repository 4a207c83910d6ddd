//! Property tests: no input reachable from the app panics the pipeline.
//!
//! Cases per property come from `PROPTEST_CASES` (CI sets 10,000). For a long
//! fuzzing run: `PROPTEST_CASES=1000000 cargo test --release -p stackscope-core --test properties`.

#![cfg(not(target_arch = "wasm32"))]

use std::net::Ipv4Addr;

use proptest::prelude::*;
use stackscope_core::scenario::{
    Location, LocationAction, Modifier, ProcessState, Record, RecordData,
};
use stackscope_core::{Fault, Outcome, Scenario, Simulator};

fn assert_well_formed(t: &stackscope_core::Trace) {
    assert!(!t.steps.is_empty());
    // Steps never go back in time.
    for w in t.steps.windows(2) {
        assert!(w[1].at_us >= w[0].at_us);
    }
    assert!(!t.page.html.is_empty());
    if let Outcome::Response { status, .. } = t.outcome {
        assert!((100..600).contains(&status));
    }
    // The layers view reads any trace: application on top, link at the
    // bottom, every step it names in the trace.
    let layers = stackscope_core::layers::of(t);
    assert_eq!(layers.first().map(|l| l.layer), Some("Application"));
    assert_eq!(layers.last().map(|l| l.layer), Some("Link"));
    for l in &layers {
        assert!(l.steps.iter().all(|&i| i < t.steps.len()));
    }
}

fn any_url() -> impl Strategy<Value = String> {
    prop_oneof![
        // Anything at all.
        any::<String>(),
        // Plausible URLs with hostile parts.
        (
            prop_oneof![
                Just(""),
                Just("http://"),
                Just("https://"),
                Just("HTTP://"),
                Just("ftp://")
            ],
            prop_oneof![
                Just("www.foobar.com".to_string()),
                Just("foobar.com".to_string()),
                Just("8.8.8.8".to_string()),
                "[a-z0-9.-]{0,70}",
                "[^/?#]{0,20}",
            ],
            prop_oneof![Just(String::new()), ":[0-9]{1,6}".prop_map(|s| s)],
            "(/[a-zA-Z0-9%._~!$&'()*+,;=:@-]{0,12}){0,5}",
            prop_oneof![Just(String::new()), "\\?[ -~]{0,30}".prop_map(|s| s)],
        )
            .prop_map(|(s, h, p, path, q)| format!("{s}{h}{p}{path}{q}")),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("foobar.com".to_string()),
        Just("www.foobar.com".to_string()),
        Just("a.foobar.com".to_string()),
        Just("b.foobar.com".to_string()),
        Just("example.com".to_string()),
        "[a-z]{1,5}\\.foobar\\.com",
        "[ -~]{0,12}",
    ]
}

fn record() -> impl Strategy<Value = Record> {
    (
        name(),
        any::<u32>(),
        prop_oneof![
            any::<[u8; 4]>().prop_map(|b| RecordData::A(Ipv4Addr::from(b))),
            any::<u128>().prop_map(|b| RecordData::Aaaa(b.into())),
            name().prop_map(RecordData::Cname),
        ],
    )
        .prop_map(|(name, ttl, data)| Record { name, ttl, data })
}

fn state() -> impl Strategy<Value = ProcessState> {
    prop_oneof![
        Just(ProcessState::Running),
        Just(ProcessState::Stopped),
        Just(ProcessState::Restarting),
        Just(ProcessState::Hung),
    ]
}

fn location() -> impl Strategy<Value = Location> {
    (
        prop_oneof![
            Just(Modifier::Exact),
            Just(Modifier::Prefix),
            Just(Modifier::PrefixNoRegex),
            Just(Modifier::Regex),
            Just(Modifier::RegexCaseless),
        ],
        "[ -~]{0,12}",
        prop_oneof![
            Just(LocationAction::Static),
            "[ -~]{0,20}".prop_map(|upstream| LocationAction::Proxy { upstream }),
            (any::<u16>(), "[ -~]{0,10}")
                .prop_map(|(status, text)| LocationAction::Return { status, text }),
        ],
    )
        .prop_map(|(modifier, pattern, action)| Location {
            modifier,
            pattern,
            action,
        })
}

/// An arbitrary edit of the seed scenario, as the editors and deep links could make.
#[derive(Debug, Clone)]
enum Edit {
    Fault(usize),
    Record(Record),
    DropRecord(usize),
    Location(Location),
    Nginx(ProcessState),
    App(ProcessState),
    Db(ProcessState),
    Listen(u16),
    Seed(u64),
    Jitter(u8),
    Latency(u64),
    Post(String, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..Fault::ALL.len()).prop_map(Edit::Fault),
        record().prop_map(Edit::Record),
        any::<usize>().prop_map(Edit::DropRecord),
        location().prop_map(Edit::Location),
        state().prop_map(Edit::Nginx),
        state().prop_map(Edit::App),
        state().prop_map(Edit::Db),
        any::<u16>().prop_map(Edit::Listen),
        any::<u64>().prop_map(Edit::Seed),
        any::<u8>().prop_map(Edit::Jitter),
        any::<u64>().prop_map(Edit::Latency),
        (any::<String>(), any::<String>()).prop_map(|(a, b)| Edit::Post(a, b)),
    ]
}

fn apply(s: &mut Scenario, e: &Edit) {
    match e {
        Edit::Fault(i) => Fault::ALL[*i].apply(s),
        Edit::Record(r) => s.dns.zones[0].records.push(r.clone()),
        Edit::DropRecord(i) => {
            let n = s.dns.zones[0].records.len();
            if n > 0 {
                s.dns.zones[0].records.remove(i % n);
            }
        }
        Edit::Location(l) => s.server.nginx_config.locations.insert(0, l.clone()),
        Edit::Nginx(p) => s.server.nginx = *p,
        Edit::App(p) => s.server.app = *p,
        Edit::Db(p) => s.server.database = *p,
        Edit::Listen(p) => s.server.nginx_config.listen = *p,
        Edit::Seed(x) => s.seed = *x,
        Edit::Jitter(j) => s.latency.jitter_pct = *j,
        Edit::Latency(l) => s.latency.client_to_server_us = *l,
        Edit::Post(slug, body) => s.data.posts.push(stackscope_core::scenario::Post {
            id: 100 + s.data.posts.len() as i64,
            slug: slug.clone(),
            title: body.clone(),
            body: body.clone(),
            author_id: 1,
            published: "2026-05-05".into(),
        }),
    }
}

proptest! {
    #[test]
    fn any_typed_address_gives_a_trace_not_a_panic(input in any_url()) {
        let mut sim = Simulator::new(Scenario::default()).unwrap();
        let t = sim.request(&input, 0);
        assert_well_formed(&t);
        // Determinism: a fresh world gives the very same trace.
        let again = Simulator::new(Scenario::default()).unwrap().request(&input, 0);
        prop_assert_eq!(t, again);
    }

    #[test]
    fn any_scenario_edit_is_rejected_cleanly_or_traced(
        edits in proptest::collection::vec(edit(), 0..6),
        input in any_url(),
        at in 0u64..10_000_000_000,
    ) {
        let mut s = Scenario::default();
        for e in &edits {
            apply(&mut s, e);
        }
        // Through JSON, as a deep link or an imported file would arrive.
        let json = serde_json::to_string(&s).unwrap();
        match Simulator::from_json(&json) {
            Ok(mut sim) => {
                for u in [input.as_str(), "http://www.foobar.com/", "http://www.foobar.com/posts/hello-world"] {
                    assert_well_formed(&sim.request(u, at));
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn arbitrary_json_never_panics(json in any::<String>()) {
        let _ = Simulator::from_json(&json);
    }
}

proptest! {
    #[test]
    fn any_deep_link_gives_a_world_or_a_message(
        raw in any::<String>(),
        json in any::<String>(),
        step in any::<usize>(),
    ) {
        use base64::Engine;
        use stackscope_core::share::Share;
        let _ = Share::decode(&raw);
        // Valid base64url around arbitrary JSON-ish text.
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.as_bytes());
        if let Ok(s) = Share::decode(&format!("#s={encoded}")) {
            let _ = s.replay();
        }
        // A real link with an arbitrary step and a hostile address still decodes.
        let events = vec![stackscope_core::share::Event::Request { url: json.clone(), at_us: 0 }];
        let (share, _) = Share::new(&Scenario::default(), &events, step);
        if let Ok(back) = Share::decode(&share.encode()) {
            let (_, trace) = back.replay().unwrap();
            assert_well_formed(&trace.unwrap());
        }
    }
}

/// The cases of a slow property: `PROPTEST_CASES` up to `n`, except in the
/// long run (`scripts/proptest-long.sh` sets `STACKSCOPE_PROPTEST_LONG`),
/// where every property takes the full count.
fn capped(n: u32) -> u32 {
    let cases = ProptestConfig::default().cases;
    if std::env::var_os("STACKSCOPE_PROPTEST_LONG").is_some() {
        cases
    } else {
        cases.min(n)
    }
}

fn any_change() -> impl Strategy<Value = stackscope_core::Change> {
    use stackscope_core::Change;
    let node = proptest::option::of(0u8..4);
    prop_oneof![
        Just(Change::Restore),
        (node.clone(), any::<bool>()).prop_map(|(n, on)| Change::ServerPower(n, on)),
        (node.clone(), state()).prop_map(|(n, s)| Change::Nginx(n, s)),
        (node, state()).prop_map(|(n, s)| Change::App(n, s)),
        (0u8..4, any::<bool>()).prop_map(|(n, on)| Change::Rotation(n, on)),
        state().prop_map(Change::Database),
        state().prop_map(Change::Replica),
        any::<bool>().prop_map(Change::LbPower),
        any::<bool>().prop_map(Change::StandbyLbPower),
        (0u8..4, any::<bool>()).prop_map(|(n, on)| Change::AppPower(n, on)),
        any::<bool>().prop_map(Change::Disk),
        (0u16..2000, 0u16..12_000).prop_map(|(at_min, every_min)| Change::Backups(
            stackscope_core::scenario::BackupSchedule { at_min, every_min }
        )),
        any::<bool>().prop_map(Change::Standby),
        Just(Change::DnsRecordMissing),
        Just(Change::DnsWrongIp),
        (
            proptest::option::of(0u8..4),
            proptest::sample::select(stackscope_core::scenario::Release::ALL.to_vec())
        )
            .prop_map(|(n, r)| Change::Deploy(n, r)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: capped(2000), ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_changes_over_time_gives_traces_in_every_design(
        design in 0usize..4,
        events in proptest::collection::vec((0u64..60_000_000, any_change()), 0..12),
        every in 1u64..3_000_000,
    ) {
        use stackscope_core::stream::{self, Event, StreamSpec};
        let s = stackscope_core::seed::Design::ALL[design].stack();
        let events: Vec<Event> = events
            .into_iter()
            .map(|(at_us, change)| Event { at_us, change, label: String::new() })
            .collect();
        let spec = StreamSpec {
            urls: vec!["http://www.foobar.com/".into(), "http://www.foobar.com/posts/hello-world".into()],
            start_us: 0,
            every_us: every,
            count: 20,
        };
        let r = stream::run(&s, &spec, &events).unwrap();
        prop_assert_eq!(r.points.len(), 20);
        prop_assert_eq!(r.failed, r.points.iter().filter(|p| !p.ok).count());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: capped(2000), ..ProptestConfig::default() })]

    /// Any sequence of faults and repairs (each fault's own repair, or
    /// "Restore everything"), with requests in between, that ends with
    /// everything repaired leaves a world whose next request is the very
    /// trace a fresh world gives at that time. The resolver's cache is the
    /// one deliberate difference: a DNS change empties it (the session says
    /// so), and a fresh world's cache is empty too.
    #[test]
    fn faults_then_repairs_leave_a_world_like_a_fresh_one(
        design in 0usize..4,
        steps in proptest::collection::vec((0usize..16, any::<bool>(), 1u64..30), 0..10),
        restore_at_end in any::<bool>(),
        url in prop_oneof![
            Just("http://www.foobar.com/"),
            Just("http://www.foobar.com/static/style.css"),
            Just("http://www.foobar.com/posts/hello-world"),
        ],
    ) {
        use stackscope_core::Change;
        let world = stackscope_core::seed::Design::ALL[design].stack();
        let faults: Vec<Fault> = Fault::ALL.iter().copied().filter(|f| f.applies_to(&world.topology)).collect();
        let mut sim = Simulator::new(world.clone()).unwrap();
        let mut t = 0u64;
        let mut broken: Vec<Fault> = Vec::new();
        for (i, inject, gap_s) in steps {
            let f = faults[i % faults.len()];
            if inject {
                sim.apply(f.change(), t);
                broken.push(f);
            } else if let Some(r) = f.change().repair() {
                sim.apply(r, t);
                broken.retain(|b| b.change().repair() != Some(r));
            }
            // Requests that read only, so the data stays as seeded.
            assert_well_formed(&sim.request("http://www.foobar.com/", t + 500_000));
            t += gap_s * 1_000_000;
        }
        if restore_at_end {
            sim.apply(Change::Restore, t);
        } else {
            for f in &broken {
                if let Some(r) = f.change().repair() {
                    sim.apply(r, t);
                }
            }
        }
        // Long enough for the balancer's health checks to put every server
        // back (rise × interval), for a request stuck on a hung server to
        // time out (proxy_read_timeout) and for replication to catch up.
        let at = t + 200_000_000;
        sim.flush_dns_cache();
        let got = stackscope_core::render::text(&sim.request(url, at));
        if sim.replica_promoted() && got.contains("SQL: ") {
            // A failover is not undone by repairing the old primary: the
            // promoted replica keeps taking the writes (the old primary
            // would rejoin as its replica). That difference is real, and
            // the trace must say it.
            prop_assert!(got.contains("promoted"), "a promoted replica, not said:\n{}", got);
            return Ok(());
        }
        let fresh = stackscope_core::render::text(&Simulator::new(world.clone()).unwrap().request(url, at));
        if got != fresh {
            // The balancer's round-robin turn is the one other state that
            // history moves (not a fault's remains): compare with a fresh
            // world that has served one request before, its turn advanced.
            let mut turned = Simulator::new(world).unwrap();
            turned.request("http://www.foobar.com/static/style.css", at - 10_000_000);
            turned.flush_dns_cache();
            let fresh_turned = stackscope_core::render::text(&turned.request(url, at));
            prop_assert!(got == fresh_turned, "after the faults and repairs:\n{}\n\na fresh world:\n{}", got, fresh);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: capped(500), ..ProptestConfig::default() })]

    /// Any sequence of waits, writes, disk failures and repairs, database
    /// stops and schedules (valid or not) keeps the backups' story
    /// consistent: the last dump began before now, the next one is after
    /// now within a period, a restore's recovery point is never negative,
    /// and right after a restore nothing is unsaved.
    #[test]
    fn the_backups_clock_stays_consistent(
        ops in proptest::collection::vec((0u8..7, 0u64..30 * 3600, 0u16..2000, 0u16..12_000), 0..14),
    ) {
        use stackscope_core::scenario::{BackupSchedule, ProcessState};
        use stackscope_core::Change;
        let mut sim = Simulator::new(Scenario::default()).unwrap();
        let mut t = 0u64;
        for (i, (op, gap_s, a, b)) in ops.into_iter().enumerate() {
            t += gap_s * 1_000_000 + 1;
            match op {
                0 => sim.wait(t),
                1 => {
                    let _ = sim.console(&format!("INSERT INTO users (id, name, bio) VALUES ({}, 'p', '')", 1000 + i), t);
                }
                2 => { sim.request("http://www.foobar.com/posts/hello-world", t); }
                3 => sim.apply(Change::Disk(a % 2 == 0), t),
                4 => sim.apply(Change::Database(if a % 2 == 0 { ProcessState::Stopped } else { ProcessState::Running }), t),
                5 => sim.apply(Change::Backups(BackupSchedule { at_min: a, every_min: b }), t),
                _ => sim.apply(Change::Restore, t),
            }
            if let Some(r) = sim.take_restored() {
                prop_assert!(r.dump_began_s <= r.failed_at_s, "{:?}", r);
                let s = sim.backup_status(t);
                prop_assert_eq!((s.unsaved_statements, s.unsaved_views), (0, 0));
            }
            let s = sim.backup_status(t);
            let every = i64::from(s.schedule.every_min) * 60;
            prop_assert!(s.last_s <= s.now_s, "{:?}", s);
            prop_assert!(s.now_s < s.next_s && s.next_s - s.now_s <= every, "{:?}", s);
            prop_assert!(stackscope_core::backup::check_schedule(&s.schedule).is_ok());
        }
    }
}
