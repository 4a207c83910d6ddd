//! A replica is not a backup (`core::mistake`): a mistaken DELETE on the
//! primary reaches the replica after the replication lag; a database loaded
//! from the dump still has the rows.
#![cfg(not(target_arch = "wasm32"))]

use stackscope_core::mistake::{run, MistakeSpec};
use stackscope_core::{seed, Fault, Scenario};

#[test]
fn a_delete_replicates_and_only_the_dump_brings_the_rows_back() {
    let r = run(&seed::redundant_stack(), &MistakeSpec::default()).unwrap();
    assert_eq!(r.statement, "DELETE FROM posts");
    assert_eq!((r.before, r.changed, r.after, r.restored), (3, 3, 0, 3));
    assert_eq!(r.lag_s, 1.5);
    let listed: Vec<(f64, Option<usize>, Option<&str>)> = r
        .moments
        .iter()
        .map(|m| (m.at_s, m.posts_listed, m.read_from.as_deref()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (0.0, Some(3), Some("the replica")),
            (1.0, None, None),
            // Within the lag the replica still serves the deleted posts…
            (1.75, Some(3), Some("the replica")),
            // …then it has replayed the DELETE too.
            (2.6, Some(0), Some("the replica")),
            (3.6, Some(3), Some("the replica")),
        ]
    );
    assert!(r.moments[4].what.contains("loaded from the last dump"));
    assert!(r.dump_bytes > 500, "{}", r.dump_bytes);
}

#[test]
fn the_one_server_world_runs_in_the_redundant_design() {
    let r = run(&Scenario::default(), &MistakeSpec::default()).unwrap();
    assert_eq!((r.before, r.after, r.restored), (3, 0, 3));
}

#[test]
fn a_narrower_mistake_loses_only_its_rows() {
    let spec = MistakeSpec {
        statement: "DELETE FROM posts WHERE id = 1".into(),
    };
    let r = run(&seed::redundant_stack(), &spec).unwrap();
    assert_eq!((r.before, r.changed, r.after, r.restored), (3, 1, 2, 3));
}

#[test]
fn bad_statements_get_a_message() {
    let world = seed::redundant_stack();
    for (sql, says) in [
        ("", "type the mistaken statement"),
        ("   ", "type the mistaken statement"),
        ("DELETE FROM posts WHERE id = 999", "changed no rows"),
        ("SELECT * FROM posts", "changed no rows"),
        ("DELETE FROM nowhere", "refused"),
    ] {
        let e = run(
            &world,
            &MistakeSpec {
                statement: sql.into(),
            },
        )
        .unwrap_err();
        assert!(e.contains(says), "{sql:?}: {e}");
    }
    let mut broken = world.clone();
    Fault::DatabaseStopped.apply(&mut broken);
    let e = run(&broken, &MistakeSpec::default()).unwrap_err();
    assert!(!e.is_empty());
}

proptest::proptest! {
    // Each case builds two worlds: a few hundred cases, whatever PROPTEST_CASES says.
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

    /// Any statement gives a run or a message, never a panic; a run always
    /// shows the posts back from the dump.
    #[test]
    fn any_statement_gives_a_run_or_a_message(sql in proptest::prop_oneof![
        proptest::prelude::any::<String>(),
        "(DELETE FROM|UPDATE|INSERT INTO|DROP TABLE) (posts|users|settings)( WHERE id ?[<=>] ?[0-9]{1,2})?",
    ]) {
        match run(&seed::redundant_stack(), &MistakeSpec { statement: sql }) {
            Ok(r) => {
                proptest::prop_assert_eq!(r.before, 3);
                proptest::prop_assert_eq!(r.restored, 3);
                proptest::prop_assert!(r.changed > 0);
            }
            Err(e) => proptest::prop_assert!(!e.is_empty()),
        }
    }
}
