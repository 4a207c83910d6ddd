//! A failed disk on the single server (issue 12.1): the machine goes down,
//! and its repair, a new disk loaded from the last backup, brings the site
//! back without what was written since: the console's changes and the
//! views counted. Each case checks the traces and the counts.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use stackscope_core::sim::DiskRestore;
use stackscope_core::{seed, Change, Fault, Scenario, Simulator, Trace};

const NEW_POST: &str = "http://www.foobar.com/posts/after-the-dump";

fn status(t: &Trace) -> String {
    t.outcome.short()
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
            // Last night's dump, before the session began at 10:00…
            dump_began_s: 2 * 3600,
            initial: true,
            // …and the disk failed 3 s into it.
            failed_at_s: 10 * 3600 + 3,
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
                n.starts_with("A new disk, the system reinstalled and the database loaded from the last finished dump, begun at 02:00 (the data as this session began). Recovery point: 8 h 00 min before the disk failed at 10:00.")
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
    use stackscope_core::share::{Event, Share};
    let events = &Share::decode(&u.share.fragment(0)).unwrap().events;
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

/// Session time of a time of day (`day` 1 is the session's first).
fn at(day: u64, h: u64, min: u64) -> u64 {
    ((day - 1) * 86_400 + h * 3600 + min * 60 - 10 * 3600) * 1_000_000
}

fn insert_user(sim: &mut Simulator, id: u32, at_us: u64) {
    let r = sim.console(
        &format!("INSERT INTO users (id, name, bio) VALUES ({id}, 'u{id}', '')"),
        at_us,
    );
    assert!(r.wrote, "{:?}", r.error);
}

#[test]
fn the_nightly_dump_runs_as_the_clock_passes_it_and_sets_the_recovery_point() {
    let mut sim = written();
    let s = sim.backup_status(2_000_000);
    assert_eq!((s.now_s, s.last_s, s.next_s), (36_002, 7_200, 93_600));
    // Its clock reads whole minutes, day by day.
    use stackscope_core::backup::day_clock;
    assert_eq!(day_clock(93_659), "02:00 on day 2");
    assert_eq!(day_clock(-3_600), "23:00 the day before");
    assert_eq!(day_clock(-86_400 - 60), "23:59, 2 days before");
    assert!(s.last_is_initial);
    assert_eq!((s.unsaved_statements, s.unsaved_views), (1, 2));
    // The night passes: the 02:00 dump of day 2 holds the post and the views.
    sim.wait(at(2, 2, 1));
    let s = sim.backup_status(at(2, 2, 1));
    assert_eq!(
        (s.last_s, s.next_s, s.last_is_initial),
        (93_600, 180_000, false)
    );
    assert_eq!((s.unsaved_statements, s.unsaved_views, s.missed), (0, 0, 0));
    assert!(s.last_bytes > 500, "{}", s.last_bytes);
    // A morning's writes, then the disk fails at 11:30.
    insert_user(&mut sim, 77, at(2, 9, 0));
    assert_eq!(
        status(&sim.request("http://www.foobar.com/posts/hello-world", at(2, 9, 5))),
        "200"
    );
    sim.apply(Change::Disk(true), at(2, 11, 30));
    sim.apply(Change::Disk(false), at(2, 12, 0));
    let r = sim.take_restored().unwrap();
    assert_eq!(
        r,
        DiskRestore {
            lost_statements: 1,
            lost_views: 1,
            dump_began_s: 93_600,
            initial: false,
            failed_at_s: 86_400 + 11 * 3600 + 30 * 60,
        }
    );
    assert_eq!(r.failed_at_s - r.dump_began_s, 9 * 3600 + 30 * 60);
    // The post written on day 1 came back with the dump; the user of day 2 did not.
    assert_eq!(status(&sim.request(NEW_POST, at(2, 12, 1))), "200");
    let users = sim.console("SELECT id FROM users WHERE id = 77", at(2, 12, 2));
    assert!(users.rows.is_empty(), "{users:?}");
    // The views came back as the dump had them: hello-world's of day 2 is
    // gone; the new post's 1 and the request just made.
    let views = sim.console(
        "SELECT slug, views FROM posts WHERE views > 0 ORDER BY slug",
        at(2, 12, 3),
    );
    assert_eq!(
        views.rows,
        vec![
            vec!["after-the-dump".to_string(), "2".to_string()],
            vec!["hello-world".to_string(), "1".to_string()],
        ]
    );
}

#[test]
fn a_dump_being_written_when_the_disk_fails_is_lost_with_it() {
    let mut sim = written();
    // 02:00 on day 2, and 10 µs: the dump (tens of µs for this site) is still being written.
    let two = at(2, 2, 0);
    sim.apply(Change::Disk(true), two + 10);
    let s = sim.backup_status(two + 10);
    assert_eq!((s.last_s, s.missed, s.writing_s), (7_200, 0, None));
    assert_eq!((s.interrupted, s.last_interrupted_s), (1, Some(93_600)));
    sim.apply(Change::Disk(false), two + 60_000_000);
    let r = sim.take_restored().unwrap();
    assert!(r.initial && r.dump_began_s == 7_200, "{r:?}");
    assert_eq!(r.lost_statements, 1);
    // Looked at while it is written, it says so.
    let mut sim = written();
    sim.wait(two + 10);
    let s = sim.backup_status(two + 10);
    assert_eq!(
        (s.last_s, s.writing_s, s.next_s),
        (7_200, Some(93_600), 180_000)
    );
    // A millisecond later it had finished, and is the one loaded.
    let mut sim = written();
    sim.apply(Change::Disk(true), two + 1_000);
    sim.apply(Change::Disk(false), two + 60_000_000);
    let r = sim.take_restored().unwrap();
    assert_eq!(
        (r.dump_began_s, r.lost_statements, r.lost_views),
        (93_600, 0, 0)
    );
}

#[test]
fn no_dump_runs_while_the_database_is_down_and_an_hourly_schedule_loses_less() {
    let mut sim = written();
    sim.apply(
        Change::Database(stackscope_core::scenario::ProcessState::Stopped),
        3_000_000,
    );
    sim.wait(at(3, 3, 0));
    let s = sim.backup_status(at(3, 3, 0));
    // Both nights' dumps missed; the last good one is still the first.
    assert_eq!(
        (s.missed, s.last_missed_s, s.last_s),
        (2, Some(2 * 86_400 + 7_200), 7_200)
    );
    // Hourly from 00:15, the database running again: a new dump each hour.
    let mut sim = written();
    let hourly = stackscope_core::scenario::BackupSchedule {
        at_min: 15,
        every_min: 60,
    };
    sim.apply(Change::Backups(hourly), 3_000_000);
    assert_eq!(sim.backup_status(3_000_000).next_s, 10 * 3600 + 15 * 60);
    sim.wait(at(1, 10, 20));
    insert_user(&mut sim, 78, at(1, 10, 40));
    sim.apply(Change::Disk(true), at(1, 10, 50));
    // Restoring everything keeps the schedule (an edit, not a fault).
    sim.apply(Change::Restore, at(1, 11, 0));
    let r = sim.take_restored().unwrap();
    assert_eq!(
        (r.dump_began_s, r.lost_statements),
        (10 * 3600 + 15 * 60, 1)
    );
    assert_eq!(r.failed_at_s - r.dump_began_s, 35 * 60);
    assert_eq!(sim.scenario().backups, hourly);
    // A schedule that never runs is refused where it comes in.
    for (bad, says) in [
        (0, "never runs"),
        (30, "every 1 to 168 hours"),
        (20_000, "every 1 to 168 hours"),
    ] {
        let s = stackscope_core::scenario::BackupSchedule {
            at_min: 0,
            every_min: bad,
        };
        let e = stackscope_core::backup::check_schedule(&s).unwrap_err();
        assert!(e.contains(says), "{e}");
        let w = Scenario {
            backups: s,
            ..Scenario::default()
        };
        assert!(Simulator::new(w).unwrap_err().to_string().contains(says));
        // The simulator ignores it (a link cannot carry one in).
        sim.apply(Change::Backups(s), at(1, 11, 1));
        assert_eq!(sim.scenario().backups, hourly);
    }
}

/// The session's answer to a command that updates it.
#[cfg(not(target_arch = "wasm32"))]
fn update(
    s: &mut stackscope_core::session::Session,
    c: stackscope_core::session::Command,
) -> Box<stackscope_core::session::Update> {
    match s.handle(c) {
        stackscope_core::session::Reply::Update(u) => u,
        _ => panic!("an update"),
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_link_replays_the_wait_and_the_clock_goes_on_from_it() {
    use stackscope_core::session::{Command, Session};
    let mut s = Session::new();
    update(&mut s, Command::Start);
    update(
        &mut s,
        Command::Console {
            sql: "INSERT INTO users (id, name, bio) VALUES (99, 'Zoe', 'hi')".into(),
        },
    );
    let u = update(
        &mut s,
        Command::Wait {
            minutes: 16 * 60 + 5,
        },
    );
    assert_eq!(u.backups.now_s, 86_400 + 2 * 3600 + 5 * 60);
    assert_eq!(
        (u.backups.last_s, u.backups.unsaved_statements),
        (93_600, 0)
    );
    let bad = update(
        &mut s,
        Command::Schedule(stackscope_core::scenario::BackupSchedule {
            at_min: 0,
            every_min: 0,
        }),
    );
    assert!(bad.refused.is_some());
    let fragment = format!("#{}", u.share.fragment(0));
    let mut other = Session::new();
    update(&mut other, Command::Start);
    let opened = update(&mut other, Command::OpenLink { fragment });
    assert_eq!(opened.backups, u.backups);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn an_edit_starts_the_record_and_its_clock_again_and_links_hold_a_year_at_most() {
    use stackscope_core::session::{Command, Origin, Session};
    use stackscope_core::share::{Event, Share, MAX_SESSION_US};
    let mut s = Session::new();
    update(&mut s, Command::Start);
    let u = update(&mut s, Command::Wait { minutes: 17 * 60 });
    assert_eq!(u.backups.last_s, 93_600);
    // An edit builds the world anew: a new record, whose link replays from
    // 10:00, and so does the live clock.
    let edited = Scenario {
        seed: 2,
        ..Scenario::default()
    };
    let u = update(
        &mut s,
        Command::Replace {
            scenario: Box::new(edited),
            faults: vec![],
            origin: Origin::Edit,
        },
    );
    assert_eq!((u.backups.now_s, u.backups.last_s), (36_000, 7_200));
    assert!(Share::decode(&u.share.fragment(0))
        .unwrap()
        .events
        .is_empty());
    // Waiting saturates at a year; a link past it is refused.
    for _ in 0..60 {
        update(&mut s, Command::Wait { minutes: 10_082 });
    }
    let u = update(&mut s, Command::Wait { minutes: 1 });
    assert_eq!(
        u.backups.now_s,
        36_000 + (MAX_SESSION_US / 1_000_000) as i64
    );
    let (share, _) = Share::new(&Scenario::default(), &[Event::Wait { at_us: u64::MAX }], 0);
    let e = Share::decode(&format!("#{}", share.encode())).unwrap_err();
    assert!(e.contains("out of range"), "{e}");
}

#[test]
fn after_a_promotion_the_dumps_come_from_the_new_primary() {
    let mut sim = Simulator::new(seed::redundant_stack()).unwrap();
    sim.apply(
        Change::Database(stackscope_core::scenario::ProcessState::Stopped),
        1_000_000,
    );
    sim.wait(at(2, 2, 1));
    assert!(sim.replica_promoted());
    let s = sim.backup_status(at(2, 2, 1));
    assert_eq!((s.last_s, s.missed, s.interrupted), (93_600, 0, 0));
}
