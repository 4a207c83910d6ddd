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
    let before = b.browse.unwrap().1.open().unwrap().rows.len();
    let u = update(send(
        &mut s,
        Command::Console {
            sql: "INSERT INTO users (id, name, bio) VALUES (99, 'Zoe', 'hi')".into(),
        },
    ));
    assert!(u.console.unwrap().open().unwrap().wrote);
    assert_eq!(u.replaced, Some(Origin::Edit));
    assert_eq!(u.browse.unwrap().1.open().unwrap().rows.len(), before + 1);
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
        Reply::Stream { tag, seen, result } => {
            assert_eq!(tag, 7);
            let result = result.open().unwrap().unwrap();
            assert_eq!(result.points.len(), 4);
            // What the lessons keep: the same counts.
            assert_eq!(seen.unwrap(), result.seen());
            assert_eq!(result.seen().sent, 4);
        }
        other => panic!("{other:?}"),
    }
    match send(&mut s, Command::Sweep) {
        Reply::Sweep { seen, rows } => {
            let rows = rows.open().unwrap().unwrap();
            assert!(!rows.is_empty());
            // What the lessons keep: the one-server design's stopping parts.
            let seen = seen.unwrap();
            assert_eq!(seen, stackscope_core::stream::SweepSeen::of(&rows));
            assert!(seen
                .stops_one_server
                .contains(&"A web server powered off".to_string()));
        }
        other => panic!("{other:?}"),
    }
    let mix = stackscope_core::load::LoadSpec::default().mix;
    match send(&mut s, Command::RouteCosts { mix: mix.clone() }) {
        Reply::RouteCosts(c) => assert_eq!(c.open().unwrap().unwrap().len(), mix.len()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_edit_is_checked_by_the_session_and_answered_with_its_tag() {
    use stackscope_core::edit::Edit;
    use stackscope_core::session::EditOutcome;
    let mut s = Session::new();
    update(send(&mut s, Command::Start));
    update(send(&mut s, Command::Request { input: HOME.into() }));
    let base = Box::new(s.world().clone());
    // Refused: the learner's message, and the world is as it was.
    let u = update(send(
        &mut s,
        Command::Edit {
            tag: 7,
            base: base.clone(),
            edit: Edit::SetUpstream {
                upstream: "not an address".into(),
            },
            faults: vec![],
        },
    ));
    let Some(EditOutcome {
        tag: 7,
        refused: Some(message),
    }) = u.edit
    else {
        panic!("{:?}", u.edit)
    };
    assert!(!message.is_empty());
    assert_eq!(u.replaced, None);
    assert!(u.world.is_none() && u.trace.is_none());
    assert_eq!(s.world(), &*base);
    // Accepted: the world is the edited one, with the faults put back, and
    // the last address is requested again.
    let u = update(send(
        &mut s,
        Command::Edit {
            tag: 8,
            base: base.clone(),
            edit: Edit::SetUpstream {
                upstream: "127.0.0.1:9000".into(),
            },
            faults: vec![Change::AppPower(0, false)],
        },
    ));
    assert_eq!(
        u.edit,
        Some(EditOutcome {
            tag: 8,
            refused: None
        })
    );
    assert_eq!(u.replaced, Some(Origin::Edit));
    let world = u.world.expect("the new world");
    let mut expected = stackscope_core::edit::apply(
        &base,
        &Edit::SetUpstream {
            upstream: "127.0.0.1:9000".into(),
        },
    )
    .unwrap();
    Change::AppPower(0, false).apply_to(&mut expected);
    assert_eq!(world, expected);
    assert!(u.trace.is_some());
}

fn load(reply: Reply) -> (u32, stackscope_core::load::job::LoadReport) {
    match reply {
        Reply::Load { tag, report } => (tag, report.open().expect("a report")),
        other => panic!("expected a load report, got {other:?}"),
    }
}

/// Starts the load job `tag`: its first report.
fn start(
    s: &mut Session,
    tag: u32,
    job: stackscope_core::load::job::LoadJob,
) -> stackscope_core::load::job::LoadReport {
    let job = stackscope_core::session::wire::Packed::new(&job);
    let (back, report) = load(send(s, Command::LoadStart { tag, job }));
    assert_eq!(back, tag);
    report
}

/// A slice of the load job `tag`: its report.
fn step(s: &mut Session, tag: u32, events: u32) -> stackscope_core::load::job::LoadReport {
    let (back, report) = load(send(s, Command::LoadStep { tag, events }));
    assert_eq!(back, tag);
    report
}

#[test]
fn a_load_job_runs_in_slices_between_other_commands() {
    use stackscope_core::load::job::{KneeJob, LoadJob, LoadReport};
    use stackscope_core::load::{knee, simulate, LoadSpec};
    let mut s = Session::new();
    let spec = LoadSpec {
        rate_per_s: 2_000.0,
        duration_s: 5.0,
        ..LoadSpec::default()
    };
    let job = |knee| LoadJob {
        spec: spec.clone(),
        knee,
    };
    // Started: its first report, before any event.
    let first = start(&mut s, 1, job(None));
    assert_eq!(
        first,
        LoadReport::Progress {
            progress: 0.0,
            label: "Simulating".into(),
            events: 0,
        }
    );
    // A slice, then a trace in between: the job goes on where it was.
    let r = step(&mut s, 1, 5_000);
    let LoadReport::Progress { progress, .. } = r else {
        panic!("{r:?}")
    };
    assert!(progress > 0.0 && progress < 1.0, "{progress}");
    let u = update(send(&mut s, Command::Request { input: HOME.into() }));
    assert!(u.trace.is_some());
    let done = loop {
        let r = step(&mut s, 1, 5_000);
        if r.is_final() {
            break r;
        }
    };
    let expected = simulate(&seed::simple_stack(), &spec).unwrap();
    assert_eq!(done, LoadReport::Ran(Box::new(expected)));
    // Over: a step of it is answered "cancelled".
    let r = step(&mut s, 1, 1);
    assert_eq!(r, LoadReport::Cancelled);

    // A knee, replaced by a run before it ends: the knee's steps are over.
    let knee3 = || {
        job(Some(KneeJob {
            points: 3,
            duration_s: 1.0,
        }))
    };
    start(&mut s, 2, knee3());
    step(&mut s, 2, 100);
    start(&mut s, 3, job(None));
    let r = step(&mut s, 2, 100);
    assert_eq!(r, LoadReport::Cancelled);
    // Cancelling another job's tag leaves this one alone; its own ends it.
    load(send(&mut s, Command::LoadCancel { tag: 2 }));
    let r = step(&mut s, 3, 100);
    assert!(!r.is_final(), "{r:?}");
    let (tag, r) = load(send(&mut s, Command::LoadCancel { tag: 3 }));
    assert_eq!((tag, r), (3, LoadReport::Cancelled));
    let r = step(&mut s, 3, 100);
    assert_eq!(r, LoadReport::Cancelled);

    // A knee to its end equals the core's.
    start(&mut s, 4, knee3());
    let curve = loop {
        let r = step(&mut s, 4, 50_000);
        match r {
            LoadReport::Knee(curve) => break curve,
            LoadReport::Progress { .. } => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        curve.points,
        knee(&seed::simple_stack(), &spec, 3, 1.0).unwrap()
    );

    // An invalid spec is refused with its reason, and nothing runs.
    let bad = LoadJob {
        spec: LoadSpec {
            servers: 0,
            ..spec.clone()
        },
        knee: None,
    };
    let r = start(&mut s, 5, bad);
    let LoadReport::Failed(reason) = r else {
        panic!("{r:?}")
    };
    assert!(!reason.is_empty());
    let r = step(&mut s, 5, 1);
    assert_eq!(r, LoadReport::Cancelled);
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

    /// One of the load panel's commands, with values a message could hold.
    fn load_command() -> impl Strategy<Value = Command> {
        use stackscope_core::load::job::{KneeJob, LoadJob};
        use stackscope_core::load::LoadSpec;
        let rate = prop_oneof![
            Just(f64::NAN),
            Just(-1.0),
            Just(f64::INFINITY),
            0.1f64..3_000.0
        ];
        let duration = prop_oneof![Just(0.0), Just(f64::NAN), Just(1e9), 0.01f64..1.0];
        let knee = proptest::option::of(
            (
                0u32..50,
                prop_oneof![Just(f64::NAN), Just(-1.0), 0.01f64..0.3],
            )
                .prop_map(|(points, duration_s)| KneeJob { points, duration_s }),
        );
        let start = (0u32..4, rate, duration, 0u32..70, 0u32..10, knee).prop_map(
            |(tag, rate_per_s, duration_s, cores, servers, knee)| Command::LoadStart {
                tag,
                job: stackscope_core::session::wire::Packed::new(&LoadJob {
                    spec: LoadSpec {
                        rate_per_s,
                        duration_s,
                        cores,
                        servers,
                        ..LoadSpec::default()
                    },
                    knee,
                }),
            },
        );
        prop_oneof![
            1 => start,
            4 => (0u32..4, 0u32..3_000).prop_map(|(tag, events)| Command::LoadStep { tag, events }),
            1 => (0u32..4).prop_map(|tag| Command::LoadCancel { tag }),
        ]
    }

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

        /// Any sequence of the load panel's commands: a report for the
        /// command's own tag each time, progress within 0..=1 and never
        /// going back, and a job that is over stays over.
        #[test]
        fn load_commands_report_and_never_panic(commands in proptest::collection::vec(load_command(), 1..24)) {
            use stackscope_core::load::job::LoadReport;
            let mut s = Session::new();
            // Per tag: the last progress, or None once over.
            let mut live: std::collections::HashMap<u32, Option<f64>> = Default::default();
            for c in commands {
                let asked = match &c {
                    Command::LoadStart { tag, .. } | Command::LoadStep { tag, .. } | Command::LoadCancel { tag } => *tag,
                    _ => unreachable!(),
                };
                let starts = matches!(c, Command::LoadStart { .. });
                let Reply::Load { tag, report } = s.handle(c) else {
                    panic!("not a load report")
                };
                let report = report.open().expect("a report");
                prop_assert_eq!(tag, asked);
                if starts {
                    // A new job replaces every other.
                    live.clear();
                }
                match report {
                    LoadReport::Progress { progress, .. } => {
                        prop_assert!((0.0..=1.0).contains(&progress), "{}", progress);
                        let before = live.get(&tag).copied().flatten().unwrap_or(0.0);
                        prop_assert!(starts || live.get(&tag).is_some_and(|p| p.is_some()), "progress of a job that was over");
                        prop_assert!(progress >= before || starts, "{} after {}", progress, before);
                        live.insert(tag, Some(progress));
                    }
                    _ => {
                        live.insert(tag, None);
                    }
                }
            }
        }
    }
}

#[test]
fn a_packed_value_reads_back_and_other_bytes_are_refused() {
    use stackscope_core::load::job::LoadReport;
    use stackscope_core::session::wire::{self, Packed};
    let report = LoadReport::Failed("too many requests".into());
    let packed = Packed::new(&report);
    assert_eq!(packed.open(), Ok(report.clone()));
    // Inside a message it is its bytes, length first (postcard's bytes).
    let reply = Reply::Load {
        tag: 7,
        report: packed.clone(),
    };
    let back: Reply = wire::decode_or_panic(&wire::encode(&reply));
    assert_eq!(back, reply);
    assert_eq!(
        format!("{packed:?}"),
        format!("Packed({} bytes)", packed.len())
    );
    // A value packed as one type does not open as another.
    let wrong: Packed<Vec<String>> = wire::decode_or_panic(&wire::encode(&Packed::new(&u64::MAX)));
    let e = wrong.open().unwrap_err();
    assert!(e.starts_with("a packed message did not decode"), "{e}");
}
