//! The database as the learner sees it: what a write step says, and the
//! error the application gets when the database is down.

#![cfg(not(target_arch = "wasm32"))]

use stackscope_core::server::db::result_heading;
use stackscope_core::trace::SqlQuery;
use stackscope_core::{Fault, Payload, Scenario, Simulator, Step};

fn sql_steps(steps: &[Step]) -> Vec<(&Step, &SqlQuery)> {
    steps
        .iter()
        .filter_map(|s| match &s.payload {
            Payload::Sql(q) => Some((s, q)),
            _ => None,
        })
        .collect()
}

/// The UPDATE's panel said "1 row changed." above "Result: 0 rows".
#[test]
fn a_write_says_the_same_count_in_its_step_and_its_result() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    for (url, n) in [
        ("http://www.foobar.com/posts/hello-world", 1),
        ("http://www.foobar.com/posts/no-such-post", 0),
    ] {
        let t = sim.request(url, 0);
        let steps = sql_steps(&t.steps);
        let (step, q) = steps
            .iter()
            .find(|(_, q)| q.sql.starts_with("UPDATE"))
            .expect("the view is counted");
        let count = format!("{n} row{} changed", if n == 1 { "" } else { "s" });
        assert_eq!(q.rows_changed, n);
        assert_eq!(result_heading(q), format!("Result: {count}"));
        assert!(step.explanation.contains(&count), "{}", step.explanation);
        // The answer that comes back says it too.
        let i = t.steps.iter().position(|s| std::ptr::eq(s, *step)).unwrap();
        assert!(t.steps[i + 1].explanation.contains(&count));
        // A read's heading counts the rows it returned.
        let (_, read) = steps
            .iter()
            .find(|(_, q)| q.sql.contains("p.slug = ?"))
            .unwrap();
        assert_eq!(
            result_heading(read),
            format!("Result: {n} row{}", if n == 1 { "" } else { "s" })
        );
    }
}

fn down_text(s: Scenario, url: &str) -> String {
    let mut sim = Simulator::new(s).unwrap();
    let t = sim.request(url, 0);
    t.steps
        .iter()
        .find(|s| s.title == "Can't connect to the database")
        .map(|s| s.explanation.clone())
        .expect("a connection failure")
}

/// `localhost` means the Unix socket to a MySQL client: the error is
/// 2002 through the socket, not a TCP refusal on port 3306.
#[test]
fn a_stopped_database_on_the_same_machine_fails_on_its_socket() {
    let mut s = Scenario::default();
    Fault::DatabaseStopped.apply(&mut s);
    let e = down_text(s, "http://www.foobar.com/");
    assert!(
        e.contains("Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)"),
        "{e}"
    );
    assert!(!e.contains("3306:") && !e.contains("(111"), "{e}");
}

/// In the redundant design the application reaches db-01 over TCP.
#[test]
fn a_stopped_primary_refuses_the_tcp_connection() {
    let mut s = stackscope_core::seed::redundant_stack();
    Fault::DatabaseStopped.apply(&mut s);
    let e = down_text(s, "http://www.foobar.com/posts/hello-world");
    assert!(e.contains("db-01:3306"), "{e}");
    assert!(
        e.contains("ERROR 2002 (HY000): Can't connect to server on 'db-01' (115)"),
        "{e}"
    );
    assert!(!e.contains("socket '"), "{e}");
}

/// The editors hold rows to the columns' MySQL types, so a row SQLite would
/// take and MySQL would refuse never gets in.
#[test]
fn rows_are_held_to_the_mysql_column_types() {
    use stackscope_core::edit::{self, Edit};
    use stackscope_core::scenario::{Post, User};
    let s = Scenario::default();
    let post = |title: String, id: i64| Edit::PutPost {
        post: Post {
            id,
            slug: "new".into(),
            title,
            body: "Body".into(),
            author_id: 1,
            published: "2026-06-01".into(),
        },
    };
    assert!(edit::apply(&s, &post("😀".repeat(500), 9)).is_ok());
    let e = edit::apply(&s, &post("é".repeat(501), 9)).unwrap_err();
    assert!(e.contains("500"), "{e}");
    let e = edit::apply(&s, &post("T".into(), i64::from(i32::MAX) + 1)).unwrap_err();
    assert!(e.contains("INT"), "{e}");
    let user = |bio: &str| Edit::PutUser {
        user: User {
            id: 3,
            name: "N".into(),
            bio: bio.into(),
        },
    };
    assert!(edit::apply(&s, &user("a\0b")).unwrap_err().contains("NUL"));
    let mut bad = s.clone();
    bad.data.posts[0].published = "2026-01-10T00:00".into();
    assert!(Simulator::new(bad).is_err());
}

/// A NUL in a search term is refused before any query: SQLite's LIKE would
/// stop at it, MySQL's would not.
#[test]
fn a_search_with_a_nul_is_a_bad_request() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let t = sim.request("http://www.foobar.com/search?q=a%00", 0);
    assert!(t.page.html.contains("NUL"), "{}", t.page.html);
    assert!(!sql_steps(&t.steps)
        .iter()
        .any(|(_, q)| q.sql.contains("LIKE")));
}

#[test]
fn the_console_says_when_a_statement_is_not_mysql() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    for (sql, word) in [
        ("PRAGMA table_info(posts)", "PRAGMA"),
        ("SELECT slug || '!' FROM posts", "CONCAT"),
        ("SELECT \"title\" FROM posts", "backticks"),
        ("SELECT key FROM settings", "reserved"),
        ("SELECT title FROM posts WHERE id = ?1", "?1"),
        (
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)",
            "AUTO_INCREMENT",
        ),
    ] {
        let r = sim.console(sql, 0);
        let n = r.not_mysql.unwrap_or_default();
        assert!(n.starts_with("Not MySQL") && n.contains(word), "{sql}: {n}");
    }
    for sql in [
        "SELECT id, slug, title FROM posts ORDER BY published DESC",
        "SELECT `key`, value FROM settings WHERE `key` = 'it''s -- not a comment'",
        "UPDATE posts SET views = views + 1 WHERE slug = 'hello-world'",
    ] {
        assert_eq!(sim.console(sql, 0).not_mysql, None, "{sql}");
    }
    // A CREATE changes no rows (not the last INSERT's count).
    assert_eq!(
        sim.console("CREATE TABLE tags (id INTEGER PRIMARY KEY)", 0)
            .changed,
        0
    );
}

/// The modelled MySQL compares text in binary (`utf8mb4_nopad_bin`), and
/// SQLite's LIKE is made case-sensitive to match: a search sees case.
#[test]
fn search_is_case_sensitive_as_on_the_modelled_server() {
    let mut sim = Simulator::new(Scenario::default()).unwrap();
    let n = |sim: &mut Simulator, q: &str| {
        let t = sim.request(&format!("http://www.foobar.com/search?q={q}"), 0);
        sql_steps(&t.steps)
            .iter()
            .find(|(_, q)| q.sql.contains("LIKE"))
            .map(|(_, q)| q.rows.len())
            .unwrap()
    };
    assert_eq!(n(&mut sim, "Nginx"), 2);
    assert_eq!(n(&mut sim, "nginx"), 0);
    // LIKE's wildcards are taken literally.
    assert_eq!(n(&mut sim, "%25"), 0);
    assert_eq!(n(&mut sim, "_"), 0);
}
