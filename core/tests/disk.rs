//! A failed disk on the single server (issue 12.1): the machine goes down,
//! and its repair, a new disk loaded from the last backup, brings the site
//! back without what was written since: the console's changes and the
//! views counted. Each case checks the traces and the counts.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use stackscope_core::sim::DiskRestore;
use stackscope_core::{seed, Change, Fault, Outcome, Scenario, Simulator, Trace};

const NEW_POST: &str = "http://www.foobar.com/posts/after-the-dump";

fn status(t: &Trace) -> String {
    match &t.outcome {
        Outcome::Response { status, .. } => status.to_string(),
        Outcome::BrowserError { code, .. } => code.to_string(),
        Outcome::InvalidInput { .. } => "invalid".into(),
    }
}

/// A world with a post written in the console and two post pages read
/// (two views counted), all after the dump.
fn written() -> Simulator {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let r = sim.console(
        "INSERT INTO posts (id, slug, title, body, author_id, published) VALUES (9, 'after-the-dump', 'After the dump', 'Written today.', 1, '2026-01-02')",
        0,
    );
    assert!(r.wrote, "{:?}", r.error);
    assert_eq!(status(&sim.request(NEW_POST, 1_000_000)), "200");
    assert_eq!(
        status(&sim.request("http://www.foobar.com/posts/hello-world", 2_000_000)),
        "200"
    );
    sim
}

#[test]
fn a_failed_disk_takes_the_server_down() {
    let mut sim = written();
    sim.apply(Fault::DiskFailed.change(), 3_000_000);
    let t = sim.request("http://www.foobar.com/", 4_000_000);
    assert_eq!(status(&t), "ERR_CONNECTION_TIMED_OUT");
    assert!(t
        .steps
        .iter()
        .any(|s| s.explanation.contains("The server's only disk has failed")));
    // Nothing of it answers, static files included.
    assert_eq!(
        status(&sim.request("http://www.foobar.com/static/style.css", 200_000_000)),
        "ERR_CONNECTION_TIMED_OUT"
    );
    assert!(Fault::DiskFailed.applies_to(&Scenario::default().topology));
    assert!(!Fault::DiskFailed.applies_to(&seed::redundant_stack().topology));
}

#[test]
fn the_repair_loads_the_last_backup_and_loses_what_came_after() {
    let mut sim = written();
    assert_eq!(sim.scenario().data.statements.len(), 1);
    sim.apply(Change::Disk(true), 3_000_000);
    sim.apply(Change::Disk(false), 4_000_000);
    assert_eq!(
        sim.take_restored(),
        Some(DiskRestore {
            lost_statements: 1,
            lost_views: 2,
        })
    );
    // Said once.
    assert_eq!(sim.take_restored(), None);
    // The site answers again, without the post written after the dump…
    assert_eq!(status(&sim.request(NEW_POST, 5_000_000)), "404");
    assert_eq!(
        status(&sim.request("http://www.foobar.com/", 6_000_000)),
        "200"
    );
    // …which is gone from the world it exports too.
    assert!(sim.scenario().data.statements.is_empty());
    assert!(sim.original().data.statements.is_empty());
    // The world now answers like a fresh one.
    let at = 50_000_000;
    sim.flush_dns_cache();
    let got =
        stackscope_core::render::text(&sim.request("http://www.foobar.com/posts/hello-world", at));
    let fresh = stackscope_core::render::text(
        &Simulator::new(Scenario::default())
            .unwrap()
            .request("http://www.foobar.com/posts/hello-world", at),
    );
    assert_eq!(got, fresh);
}

#[test]
fn restore_everything_is_the_same_repair_and_a_healthy_disk_loses_nothing() {
    let mut sim = written();
    sim.apply(Change::Disk(true), 3_000_000);
    sim.apply(Change::Restore, 4_000_000);
    assert_eq!(sim.take_restored().map(|r| r.lost_statements), Some(1));
    assert_eq!(status(&sim.request(NEW_POST, 5_000_000)), "404");
    // Restore with a healthy disk keeps the data.
    let mut sim = written();
    sim.apply(Change::Restore, 4_000_000);
    sim.apply(Change::Disk(false), 4_500_000);
    assert_eq!(sim.take_restored(), None);
    assert_eq!(status(&sim.request(NEW_POST, 5_000_000)), "200");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_session_says_what_the_backup_did_not_bring_back() {
    use stackscope_core::session::{Command, Note, Reply, Session};
    let mut s = Session::new();
    s.handle(Command::Start);
    s.handle(Command::Console {
        sql: "INSERT INTO users (id, name, bio) VALUES (99, 'Zoe', 'hi')".into(),
    });
    s.handle(Command::Request {
        input: "http://www.foobar.com/".into(),
    });
    for (change, expect) in [(Change::Disk(true), None), (Change::Disk(false), Some(()))] {
        let Reply::Update(u) = s.handle(Command::Apply {
            changes: vec![change],
            rerun: None,
        }) else {
            panic!("an update");
        };
        match (expect, &u.note) {
            (None, Note::Set(n)) => panic!("no note expected, got {n}"),
            (Some(()), Note::Set(n)) => assert!(
                n.starts_with("A new disk, the system reinstalled and the database loaded from last night's dump")
                    && n.contains("Lost with the old disk: 1 change typed in the console and 0 post views counted"),
                "{n}"
            ),
            (Some(()), other) => panic!("a note expected, got {other:?}"),
            _ => {}
        }
    }
    // "Restore everything" with a failed disk: the note says what was lost,
    // and the record still says the resolver's cache was emptied.
    s.handle(Command::Apply {
        changes: vec![Change::Disk(true)],
        rerun: None,
    });
    let Reply::Update(u) = s.handle(Command::Apply {
        changes: vec![Change::Restore],
        rerun: None,
    }) else {
        panic!("an update");
    };
    assert!(matches!(&u.note, Note::Set(n) if n.contains("Lost with the old disk")));
    use stackscope_core::share::Event;
    let events = &u.share.events;
    let restore = events
        .iter()
        .rposition(|e| {
            matches!(
                e,
                Event::Change {
                    change: Change::Restore,
                    ..
                }
            )
        })
        .unwrap();
    assert_eq!(events.get(restore + 1), Some(&Event::FlushDns));
}
