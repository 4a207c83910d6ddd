//! The session the app's worker runs: commands in, replies out, and the same
//! traces as driving the simulator directly; every message survives the wire.

use stackscope_core::scenario::{Fault, ProcessState};
use stackscope_core::session::{
    wire, Command, Note, Origin, Refusal, Reply, Session, Show, Update,
};
use stackscope_core::{seed, Change, Outcome, Scenario, Simulator};

const HOME: &str = "http://www.foobar.com/";

fn update(reply: Reply) -> Update {
    match reply {
        Reply::Update(u) => *u,
        other => panic!("expected an update, got {other:?}"),
    }
}

/// Sends a command, checks that its reply reads back from the wire unchanged.
fn send(s: &mut Session, c: Command) -> Reply {
    let c2: Command = wire::decode_or_panic(&wire::encode(&c));
    assert_eq!(c, c2);
    let reply = s.handle(c);
    let back: Reply = wire::decode_or_panic(&wire::encode(&reply));
    assert_eq!(reply, back, "the reply changed on the wire");
    reply
}

#[test]
fn requests_and_faults_give_the_simulators_traces() {
    let mut s = Session::new();
    let start = update(send(&mut s, Command::Start));
    assert_eq!(start.world, Some(Scenario::default()));
    assert!(start.trace.is_none());

    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let first = update(send(&mut s, Command::Request { input: HOME.into() }));
    assert_eq!(
        first.world, None,
        "a request leaves the world as the page has it"
    );
    let (trace, show) = first.trace.unwrap();
    assert_eq!(show, Show::Start);
    assert_eq!(trace, sim.request(HOME, 0));

    let stop = Fault::AppStopped.change();
    let broken = update(send(
        &mut s,
        Command::Apply {
            changes: vec![stop],
            rerun: None,
        },
    ));
    let (trace2, show) = broken.trace.unwrap();
    assert_eq!(show, Show::End, "a changed world shows the symptom at once");
    let at = trace.started_at_us + trace.total_us() + 1_000_000;
    sim.apply(stop, at);
    assert_eq!(trace2, sim.request(HOME, at));
    assert!(matches!(
        trace2.outcome,
        Outcome::Response { status: 502, .. }
    ));
    assert_eq!(broken.note, Note::Clear);
    assert_eq!(broken.world.unwrap().server.app, ProcessState::Stopped);

    // The deep link replays the same session.
    let mut other = Session::new();
    let opened = update(send(
        &mut other,
        Command::OpenLink {
            fragment: broken.share.fragment(3),
        },
    ));
    assert!(opened.from_link);
    assert_eq!(opened.trace, Some((trace2, Show::Step(3))));
}

#[test]
fn a_dns_fault_empties_the_cache_and_says_so() {
    let mut s = Session::new();
    send(&mut s, Command::Request { input: HOME.into() });
    let u = update(send(
        &mut s,
        Command::Apply {
            changes: vec![Change::DnsRecordMissing],
            rerun: None,
        },
    ));
    assert!(matches!(u.note, Note::Set(_)));
    let (trace, _) = u.trace.unwrap();
    assert!(
        matches!(trace.outcome, Outcome::BrowserError { .. }),
        "{:?}",
        trace.outcome
    );
}

#[test]
fn before_any_request_a_fault_reruns_the_typed_address() {
    let mut s = Session::new();
    let u = update(send(
        &mut s,
        Command::Apply {
            changes: vec![Fault::NginxStopped.change()],
            rerun: Some(HOME.into()),
        },
    ));
    assert_eq!(
        u.trace.map(|(t, show)| (t.input, show)),
        Some((HOME.into(), Show::End))
    );
    let none = update(send(
        &mut Session::new(),
        Command::Apply {
            changes: vec![Change::Restore],
            rerun: None,
        },
    ));
    assert!(none.trace.is_none());
}

#[test]
fn the_database_refuses_what_the_page_could_not_check() {
    let mut s = Session::new();
    send(&mut s, Command::Start);
    let mut bad = Scenario::default();
    bad.data
        .statements
        .push("INSERT INTO nowhere VALUES (1)".into());
    let u = update(send(
        &mut s,
        Command::Replace {
            scenario: Box::new(bad),
            faults: vec![],
            origin: Origin::Import,
        },
    ));
    assert!(
        matches!(u.refused, Some(Refusal::Edit(_))),
        "{:?}",
        u.refused
    );
    assert_eq!(u.replaced, None);
    assert_eq!(
        u.world, None,
        "the old world stays, so it is not sent again"
    );
    assert_eq!(*s.world(), Scenario::default());
}

#[test]
fn console_writes_and_browsing_stay_in_step() {
    let mut s = Session::new();
    send(&mut s, Command::Request { input: HOME.into() });
    let b = update(send(
        &mut s,
        Command::Browse {
            table: "users".into(),
        },
    ));
    let before = b.browse.unwrap().1.rows.len();
    let u = update(send(
        &mut s,
        Command::Console {
            sql: "INSERT INTO users (id, name, bio) VALUES (99, 'Zoe', 'hi')".into(),
        },
    ));
    assert!(u.console.unwrap().wrote);
    assert_eq!(u.replaced, Some(Origin::Edit));
    assert_eq!(u.browse.unwrap().1.rows.len(), before + 1);
    assert!(u.trace.is_some(), "a write requests the page again");
    // Browsing a table that is not offered is ignored.
    let none = update(send(
        &mut s,
        Command::Browse {
            table: "sqlite_master".into(),
        },
    ));
    assert_eq!(none.browse.map(|b| b.0), Some("users".into()));
}

#[test]
fn the_design_switch_keeps_edits_and_the_address() {
    let mut s = Session::new();
    send(&mut s, Command::Request { input: HOME.into() });
    let u = update(send(
        &mut s,
        Command::SetDesign(stackscope_core::seed::Design::Redundant),
    ));
    assert_eq!(
        u.world.map(|w| w.topology),
        Some(seed::redundant_stack().topology)
    );
    assert_eq!(u.trace.map(|(t, _)| t.input), Some(HOME.into()));
    let again = update(send(
        &mut s,
        Command::SetDesign(stackscope_core::seed::Design::Redundant),
    ));
    assert!(
        again.trace.is_none(),
        "switching to the design in use does nothing"
    );
}

#[test]
fn the_design_switch_moves_proxy_pass_with_the_application() {
    use stackscope_core::scenario::{LocationAction, UPSTREAM};
    use stackscope_core::seed::Design;
    let upstreams = |w: &Scenario| -> Vec<String> {
        w.server
            .nginx_config
            .locations
            .iter()
            .filter_map(|l| match &l.action {
                LocationAction::Proxy { upstream } => Some(upstream.clone()),
                _ => None,
            })
            .collect()
    };
    let mut s = Session::new();
    send(&mut s, Command::Request { input: HOME.into() });
    // To the split tiers: Nginx proxies to the group; the page answers.
    let u = update(send(&mut s, Command::SetDesign(Design::ScaledUp)));
    let w = u.world.expect("the new world");
    assert!(!upstreams(&w).is_empty());
    assert!(upstreams(&w).iter().all(|u| u == UPSTREAM));
    let (t, _) = u.trace.expect("the address again");
    assert!(
        t.steps
            .iter()
            .any(|s| s.title.starts_with("Proxy to app-0")),
        "{:?}",
        t.steps.iter().map(|s| &s.title).collect::<Vec<_>>()
    );
    assert!(t.input.starts_with("https://"), "{}", t.input);
    // And back: the local address again, and still a page, over http://
    // (nothing listens on 443 without the secured designs).
    let back = update(send(&mut s, Command::SetDesign(Design::OneServer)));
    let (t, _) = back.trace.clone().expect("the address again");
    assert_eq!(t.input, HOME);
    assert!(matches!(
        t.outcome,
        stackscope_core::Outcome::Response { status: 200, .. }
    ));
    let w = back.world.expect("the one-server world");
    assert!(upstreams(&w).iter().all(|u| u == &w.server.app_listen));
    let (t, _) = update(send(&mut s, Command::Request { input: HOME.into() }))
        .trace
        .expect("a trace");
    assert!(matches!(
        t.outcome,
        stackscope_core::Outcome::Response { status: 200, .. }
    ));
}

#[test]
fn streams_sweeps_and_costs_come_back_whole() {
    let mut s = Session::new();
    let spec = stackscope_core::stream::StreamSpec {
        urls: vec![HOME.into()],
        start_us: 0,
        every_us: 500_000,
        count: 4,
    };
    match send(
        &mut s,
        Command::Stream {
            tag: 7,
            scenario: Box::new(Scenario::default()),
            spec,
            events: vec![],
        },
    ) {
        Reply::Stream { tag, result } => {
            assert_eq!(tag, 7);
            assert_eq!(result.unwrap().points.len(), 4);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(send(&mut s, Command::Sweep), Reply::Sweep(Ok(rows)) if !rows.is_empty()));
    let mix = stackscope_core::load::LoadSpec::default().mix;
    match send(&mut s, Command::RouteCosts { mix: mix.clone() }) {
        Reply::RouteCosts(Ok(c)) => assert_eq!(c.len(), mix.len()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_stacks_json_is_written_and_read_by_the_session() {
    use stackscope_core::stored::JsonForm;
    let mut s = Session::new();
    update(send(&mut s, Command::Start));
    let edited = Scenario {
        seed: 9,
        ..Scenario::default()
    };
    // Written in either form…
    let Reply::Json { form, text } = send(
        &mut s,
        Command::Encode {
            scenario: Box::new(edited.clone()),
            form: JsonForm::Stored,
        },
    ) else {
        panic!("JSON");
    };
    assert_eq!(form, JsonForm::Stored);
    assert!(text.starts_with("{\"version\":1,"), "{text}");
    let Reply::Json { text: file, .. } = send(
        &mut s,
        Command::Encode {
            scenario: Box::new(Scenario {
                seed: 10,
                ..edited.clone()
            }),
            form: JsonForm::Export,
        },
    ) else {
        panic!("JSON");
    };
    // …and read back as the session's world: the stored copy, then a file.
    for (text, origin, seed) in [(text, Origin::Stored, 9), (file, Origin::Import, 10)] {
        let u = update(send(&mut s, Command::Load { text, origin }));
        assert_eq!(u.replaced, Some(origin));
        assert_eq!(u.refused, None);
        assert_eq!(u.world.map(|w| w.seed), Some(seed));
    }
    // Unreadable text is refused, with why, and the world stays.
    for (text, origin, why) in [
        (
            "{\"version\": 7, \"scenario\": {}}",
            Origin::Stored,
            "version 7",
        ),
        (
            "{\"seed\": \"twelve\"}",
            Origin::Import,
            "not a Stackscope scenario",
        ),
        ("[", Origin::Import, "not JSON"),
    ] {
        let u = update(send(
            &mut s,
            Command::Load {
                text: text.into(),
                origin,
            },
        ));
        assert_eq!(u.replaced, None);
        assert!(u.world.is_none());
        match u.refused {
            Some(Refusal::Unreadable { origin: o, message }) => {
                assert_eq!(o, origin);
                assert!(message.contains(why), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod any_text {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever is stored or imported, the session reads it or refuses
        /// it, and a refusal leaves the world as it was.
        #[test]
        fn a_load_reads_or_refuses(text in prop_oneof![
            any::<String>(),
            "\\{\"version\": ?[0-9]{1,3}, ?\"scenario\": ?\\{[a-z\": ,0-9\\[\\]{}]{0,40}",
            Just(stackscope_core::stored::write(&Scenario::default(), stackscope_core::stored::JsonForm::Export)),
        ], stored in any::<bool>()) {
            let mut s = Session::new();
            update(s.handle(Command::Start));
            let origin = if stored { Origin::Stored } else { Origin::Import };
            let u = update(s.handle(Command::Load { text, origin }));
            match (&u.replaced, &u.refused) {
                (Some(o), None) => prop_assert_eq!(*o, origin),
                (None, Some(Refusal::Unreadable { .. } | Refusal::Edit(_))) => {
                    prop_assert!(u.world.is_none())
                }
                other => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
