//! Why a replica is not a backup, run: in the redundant design a mistaken
//! statement (by default `DELETE FROM posts`) is typed on the primary; the
//! home page, which reads from the replica, is requested before the
//! replica has replayed it and after; then a new database is loaded from
//! the last dump (taken before the mistake) and the page requested again.
//!
//! Every figure comes from the simulation: the rows the statement changed
//! are SQLite's count on the primary, the posts the page lists are the rows
//! of its `SELECT … FROM posts` step, read from the replica or the restored
//! database, and the replica replays the statement as it replays any write
//! (statement-based, [`crate::Simulator::console`], after the world's
//! replication lag).

use serde::{Deserialize, Serialize};

#[cfg(feature = "engine")]
use crate::{
    backup,
    scenario::{Scenario, Topology},
    trace::{Component, Payload, Trace},
    Simulator,
};

/// The mistake the run types unless the learner types another.
pub const DEFAULT_STATEMENT: &str = "DELETE FROM posts";

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MistakeSpec {
    /// The mistaken statement, typed in the SQL console on the primary.
    pub statement: String,
}

impl Default for MistakeSpec {
    fn default() -> Self {
        MistakeSpec {
            statement: DEFAULT_STATEMENT.into(),
        }
    }
}

/// One moment of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    /// Seconds after the run began.
    pub at_s: f64,
    /// What happened, in a few words.
    pub what: String,
    /// The posts the home page listed, when it was requested.
    pub posts_listed: Option<usize>,
    /// Where its posts were read from ("the replica", "the primary").
    pub read_from: Option<String>,
}

/// What the lessons read of a run: the page's first module keeps only
/// this; the run goes, packed, to the backup panel that draws it
/// (`session::Reply::Mistake`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistakeSeen {
    pub statement: String,
    pub changed: u64,
    pub lag_s: f64,
    pub before: usize,
    pub after: usize,
    pub restored: usize,
}

impl MistakeRun {
    /// What the lessons read of it.
    pub fn seen(&self) -> MistakeSeen {
        MistakeSeen {
            statement: self.statement.clone(),
            changed: self.changed,
            lag_s: self.lag_s,
            before: self.before,
            after: self.after,
            restored: self.restored,
        }
    }
}

/// The run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistakeRun {
    pub statement: String,
    /// Rows the statement changed on the primary.
    pub changed: u64,
    /// The world's replication lag, seconds.
    pub lag_s: f64,
    pub moments: Vec<Moment>,
    /// The dump the restore loads: its size, bytes.
    pub dump_bytes: usize,
    /// Posts listed before the mistake, after it reached the replica, and
    /// from the restored database.
    pub before: usize,
    pub after: usize,
    pub restored: usize,
}

/// The rows of the page's `SELECT … FROM posts` step and where they came from.
#[cfg(feature = "engine")]
fn posts_listed(trace: &Trace) -> Option<(usize, String)> {
    trace.steps.iter().find_map(|s| match &s.payload {
        Payload::Sql(q)
            if q.sql.contains("FROM posts") && q.sql.trim_start().starts_with("SELECT") =>
        {
            let from = match s.to {
                Component::Replica => "the replica",
                Component::Database => "the primary",
                _ => "the database",
            };
            Some((q.rows.len(), from.to_string()))
        }
        _ => None,
    })
}

#[cfg(feature = "engine")]
const HOME: &str = "http://www.foobar.com/";

/// Requests the home page and notes what it listed.
#[cfg(feature = "engine")]
fn page(
    sim: &mut Simulator,
    moments: &mut Vec<Moment>,
    at_us: u64,
    what: &str,
) -> Result<usize, String> {
    let trace = sim.request(HOME, at_us);
    let (n, from) = posts_listed(&trace).ok_or_else(|| {
        "the home page read no posts: repair the world's faults first (Restore all)".to_string()
    })?;
    moments.push(Moment {
        at_s: at_us as f64 / 1e6,
        what: what.to_string(),
        posts_listed: Some(n),
        read_from: Some(from),
    });
    Ok(n)
}

/// Runs the mistake in `world` when it is the redundant design, else in the
/// seed's redundant design. Bad input (an empty statement, one that
/// changes nothing, one the database refuses) is an error with a message.
#[cfg(feature = "engine")]
pub fn run(world: &Scenario, spec: &MistakeSpec) -> Result<MistakeRun, String> {
    let statement = spec.statement.trim();
    if statement.is_empty() {
        return Err("type the mistaken statement, for example DELETE FROM posts".into());
    }
    let base = match &world.topology {
        Topology::Redundant(_) => world.clone(),
        Topology::Single => crate::seed::redundant_stack(),
    };
    let Topology::Redundant(cluster) = &base.topology else {
        return Err("the redundant design has no replica".into());
    };
    let lag_us = cluster.replication_lag_us;
    let lag_s = lag_us as f64 / 1e6;
    let mut sim = Simulator::new(base.clone()).map_err(|e| e.to_string())?;
    let mut moments = Vec::new();
    let before = page(
        &mut sim,
        &mut moments,
        0,
        "The home page, before the mistake",
    )?;
    let mistake_us = 1_000_000;
    let result = sim.console(statement, mistake_us);
    if let Some(e) = result.error {
        return Err(format!("the database refused the statement: {e}"));
    }
    if !result.wrote || result.changed == 0 {
        return Err(format!(
            "\"{statement}\" changed no rows, so there is nothing for the replica to copy: try DELETE FROM posts"
        ));
    }
    let changed = result.changed;
    moments.push(Moment {
        at_s: mistake_us as f64 / 1e6,
        what: format!("{statement}, on the primary: {changed} rows changed"),
        posts_listed: None,
        read_from: None,
    });
    let stale_us = mistake_us + lag_us / 2;
    page(
        &mut sim,
        &mut moments,
        stale_us,
        "The home page, before the replica replays it",
    )?;
    let after_us = mistake_us + lag_us + 100_000;
    let after = page(
        &mut sim,
        &mut moments,
        after_us,
        "The home page, once the replica has replayed it",
    )?;
    // The restore: a new database from the last dump, taken before the
    // mistake. The dump is mysqldump's text of the world's rows; the new
    // database is built from those same rows (SQLite cannot read MySQL's
    // string escapes, so the text itself is not replayed).
    let dump = backup::dump(&base.data);
    let mut restored_sim = Simulator::new(base).map_err(|e| e.to_string())?;
    let restore_us = after_us + 1_000_000;
    let trace = restored_sim.request(HOME, restore_us);
    let (restored, from) =
        posts_listed(&trace).ok_or_else(|| "the restored site read no posts".to_string())?;
    moments.push(Moment {
        at_s: restore_us as f64 / 1e6,
        what: format!(
            "The home page, on a new primary and replica loaded from the last dump ({})",
            backup::bytes(dump.len() as f64)
        ),
        posts_listed: Some(restored),
        read_from: Some(from),
    });
    Ok(MistakeRun {
        statement: statement.to_string(),
        changed,
        lag_s,
        moments,
        dump_bytes: dump.len(),
        before,
        after,
        restored,
    })
}
