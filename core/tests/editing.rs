//! Editing the stack: the SQL console's bounds, edits reflected in traces,
//! hostile content rendered as text, and property tests over untrusted input.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use stackscope_core::edit::{self, Edit, RecordInput};
use stackscope_core::scenario::Post;
use stackscope_core::server::db::{CONSOLE_MAX_ROWS, CONSOLE_MAX_STEPS};
use stackscope_core::{Scenario, Simulator};

#[test]
fn a_runaway_query_is_stopped_with_a_message() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let r = sim.console(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
        0,
    );
    let e = r.error.expect("stopped");
    assert!(e.contains(&CONSOLE_MAX_STEPS.to_string()), "{e}");
    // The console still works afterwards.
    let ok = sim.console("SELECT count(*) FROM posts", 0);
    assert_eq!(ok.rows, vec![vec!["3".to_string()]]);
}

#[test]
fn too_many_rows_are_cut_off() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let r = sim.console(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 1000) SELECT x FROM n",
        0,
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(r.truncated);
    assert_eq!(r.rows.len(), CONSOLE_MAX_ROWS);
}

#[test]
fn console_errors_and_forbidden_statements_are_reported() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    assert!(sim
        .console("SELEC nope", 0)
        .error
        .unwrap()
        .contains("syntax"));
    assert!(sim
        .console("ATTACH 'x.db' AS x", 0)
        .error
        .unwrap()
        .contains("ATTACH"));
    assert!(sim.console("SELECT 1; SELECT 2", 0).error.is_some());
}

#[test]
fn a_console_write_shows_in_the_next_trace_and_is_kept_with_the_scenario() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let r = sim.console(
        "UPDATE posts SET title = 'Edited by hand' WHERE slug = 'hello-world'",
        0,
    );
    assert!(r.wrote && r.changed == 1, "{r:?}");
    let t = sim.request("http://www.foobar.com/posts/hello-world", 1_000_000);
    assert!(t.page.html.contains("Edited by hand"));
    // Rebuilt from the scenario (a reload, an export), the edit is still there.
    let json = serde_json::to_string(sim.scenario()).unwrap();
    let mut again = Simulator::from_json(&json).unwrap();
    let t = again.request("http://www.foobar.com/posts/hello-world", 0);
    assert!(t.page.html.contains("Edited by hand"));
    // A read is not kept.
    let before = sim.scenario().data.statements.len();
    sim.console("SELECT * FROM users", 2_000_000);
    assert_eq!(sim.scenario().data.statements.len(), before);
}

#[test]
fn hostile_post_bodies_render_as_text() {
    let s = Scenario::default();
    let s = edit::apply(
        &s,
        &Edit::PutPost {
            post: Post {
                id: 9,
                slug: "xss".into(),
                title: "<img src=x onerror=alert(1)>".into(),
                body: "<script>alert(1)</script>".into(),
                author_id: 1,
                published: "2026-06-01".into(),
            },
        },
    )
    .unwrap();
    let mut sim = Simulator::new(s).unwrap();
    let html = sim.request("http://www.foobar.com/posts/xss", 0).page.html;
    assert!(!html.contains("<script>") && !html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let home = sim.request("http://www.foobar.com/", 1_000_000).page.html;
    assert!(home.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn an_injection_attempt_is_just_a_search_term() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let t = sim.request("http://www.foobar.com/search?q=' OR '1'='1", 0);
    assert!(t.page.html.contains("0 results"));
    let sql = t
        .steps
        .iter()
        .find_map(|s| match &s.payload {
            stackscope_core::Payload::Sql(q) if q.sql.contains("LIKE") => Some(q.clone()),
            _ => None,
        })
        .unwrap();
    // Bound twice (title and body): `?` placeholders, as MySQL takes them.
    assert_eq!(sql.params, vec!["'%'' OR ''1''=''1%'".to_string(); 2]);
    assert!(sql.rows.is_empty());
}

#[test]
fn edits_are_reflected_in_the_next_trace() {
    let s = Scenario::default();
    // DNS: www now points straight at another address.
    let s1 = edit::apply(&s, &Edit::DeleteRecord { index: 1 }).unwrap();
    let s1 = edit::apply(
        &s1,
        &Edit::PutRecord {
            index: None,
            record: RecordInput {
                name: "www".into(),
                kind: "A".into(),
                ttl: "60".into(),
                value: "203.0.113.80".into(),
            },
        },
    )
    .unwrap();
    let t = Simulator::new(s1)
        .unwrap()
        .request("http://www.foobar.com/", 0);
    assert!(t.page.title.contains("Welcome to nginx"));
    // Nginx: a new exact location answers before the proxy.
    let s2 = edit::apply(
        &s,
        &Edit::PutLocation {
            index: None,
            modifier: "=".into(),
            pattern: "/about".into(),
            action: "return".into(),
            argument: "410 Gone for good".into(),
        },
    )
    .unwrap();
    let t = Simulator::new(s2)
        .unwrap()
        .request("http://www.foobar.com/about", 0);
    assert!(matches!(
        t.outcome,
        stackscope_core::Outcome::Response { status: 410, .. }
    ));
    // The upstream moved: nothing listens there, 502.
    let s3 = edit::apply(
        &s,
        &Edit::SetUpstream {
            upstream: "127.0.0.1:9000".into(),
        },
    )
    .unwrap();
    let t = Simulator::new(s3)
        .unwrap()
        .request("http://www.foobar.com/", 0);
    assert!(matches!(
        t.outcome,
        stackscope_core::Outcome::Response { status: 502, .. }
    ));
}

proptest! {
    #[test]
    fn arbitrary_sql_never_panics(sql in prop_oneof![
        any::<String>(),
        "(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|WITH|PRAGMA) [ -~]{0,60}",
    ]) {
        let mut sim = Simulator::new(Scenario::default()).unwrap();
        let r = sim.console(&sql, 0);
        prop_assert!(r.rows.len() <= CONSOLE_MAX_ROWS);
        // The site still answers (maybe with a 500 if the learner broke a table).
        let t = sim.request("http://www.foobar.com/", 1_000_000);
        prop_assert!(!t.steps.is_empty());
        // What was kept replays: the scenario still builds (or says why not).
        let _ = Simulator::new(sim.scenario().clone());
    }

    #[test]
    fn arbitrary_editor_input_never_panics(
        name in "[ -~]{0,20}", kind in "(A|AAAA|CNAME|[ -~]{0,4})", ttl in "[0-9a-z]{0,11}", value in "[ -~]{0,40}",
        modifier in "(=|\\^~|~|~\\*|[ -~]{0,2})", pattern in "[ -~]{0,20}", action in "(static|proxy|return|[a-z]{0,5})", argument in "[ -~]{0,30}",
        index in proptest::option::of(0usize..8),
        text in any::<String>(),
    ) {
        let s = Scenario::default();
        let edits = [
            Edit::PutRecord { index, record: RecordInput { name, kind, ttl, value } },
            Edit::DeleteRecord { index: index.unwrap_or(99) },
            Edit::PutLocation { index, modifier, pattern, action, argument },
            Edit::MoveLocationUp { index: index.unwrap_or(0) },
            Edit::SetUpstream { upstream: text.clone() },
            Edit::PutPost { post: Post { id: 1, slug: text.clone(), title: text.clone(), body: text.clone(), author_id: 1, published: text.clone() } },
        ];
        for e in &edits {
            if let Ok(next) = edit::apply(&s, e) {
                let mut sim = Simulator::new(next).expect("an accepted edit builds");
                prop_assert!(!sim.request("http://www.foobar.com/", 0).steps.is_empty());
            }
        }
    }
}

#[test]
fn a_second_post_with_a_used_slug_is_refused_without_a_database() {
    let s = Scenario::default();
    let taken = s.data.posts[0].clone();
    let copy = Post {
        id: 999,
        ..taken.clone()
    };
    let err = edit::apply(&s, &Edit::PutPost { post: copy }).unwrap_err();
    assert!(
        err.contains(&format!("two posts have the slug \"{}\"", taken.slug)),
        "{err}"
    );
    // Editing the post itself keeps its slug.
    assert!(edit::apply(&s, &Edit::PutPost { post: taken }).is_ok());
}
