//! The checklist's progress, kept in `localStorage` under a versioned key
//! like the editors' data: the facts the learner has shown, the figures the
//! self-check questions quote, and each question's first answer. Corrupt or
//! old-version data is reported and replaced by a fresh start; nothing else
//! in storage is touched.

use super::catalog::{Lesson, LESSONS};
use super::observe::{Fact, LoadRun};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The `localStorage` key; a new format gets a new key and version.
pub const KEY: &str = "stackscope.lessons.v1";
/// The envelope's version.
pub const VERSION: u64 = 1;

/// What the learner has demonstrated so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Every fact seen at least once.
    pub seen: BTreeSet<Fact>,
    /// Figures from the learner's runs that a question quotes
    /// (`single_deploy_failed`, `overload_rate`, …).
    pub figures: BTreeMap<String, f64>,
    /// Each lesson's self-check: was the first answer right?
    pub answers: BTreeMap<String, bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    version: u64,
    progress: Progress,
}

impl Progress {
    /// True once every fact the lesson needs has been seen.
    pub fn done(&self, lesson: &Lesson) -> bool {
        lesson.needs.iter().all(|f| self.seen.contains(f))
    }

    /// How many checklist items have ticked.
    pub fn ticked(&self) -> usize {
        LESSONS.iter().filter(|l| self.done(l)).count()
    }

    /// Adds what the screen shows now; true if anything is new.
    pub fn see(&mut self, facts: &[Fact], figures: &[(&str, f64)]) -> bool {
        let mut changed = false;
        for f in facts {
            changed |= self.seen.insert(*f);
        }
        for (k, v) in figures {
            if self.figures.get(*k) != Some(v) {
                self.figures.insert((*k).to_string(), *v);
                changed = true;
            }
        }
        changed
    }

    /// A finished load run: one server overloaded, or more servers that
    /// answered (within 1% errors) at least the load one server could not.
    pub fn load_run(&mut self, run: &LoadRun) -> bool {
        let mut changed = false;
        if run.servers == 1 && run.overloaded() {
            changed |= self.seen.insert(Fact::OneServerOverloaded);
            let least = self.figures.get("overload_rate").copied();
            // The lowest load that overloaded one server is the one to beat.
            if least.is_none_or(|r| run.rate_per_s < r) {
                self.figures.insert("overload_rate".into(), run.rate_per_s);
                self.figures
                    .insert("overload_errors".into(), run.error_rate);
                self.figures
                    .insert("overload_cores".into(), f64::from(run.cores));
                changed = true;
            }
        }
        if let Some(rate) = self.figures.get("overload_rate").copied() {
            if run.servers > 1 && run.error_rate <= 0.01 && run.rate_per_s >= rate {
                changed |= self.seen.insert(Fact::ScaledOutSameLoad);
                self.figures
                    .insert("scaled_servers".into(), f64::from(run.servers));
                self.figures.insert("scaled_errors".into(), run.error_rate);
            }
        }
        changed
    }

    /// The first answer to a lesson's question is the one kept.
    pub fn answer(&mut self, lesson: &str, right: bool) {
        self.answers.entry(lesson.to_string()).or_insert(right);
    }

    /// The stored form.
    pub fn encode(&self) -> String {
        serde_json::to_string(&Envelope {
            version: VERSION,
            progress: self.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads what was stored under [`KEY`]; an error says why it was not
    /// kept (the caller starts afresh and says so).
    pub fn decode(raw: &str) -> Result<Progress, String> {
        let value: serde_json::Value = serde_json::from_str(raw).map_err(|_| {
            "Your saved lesson progress was unreadable, so it starts afresh.".to_string()
        })?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(VERSION) => serde_json::from_value::<Envelope>(value)
                .map(|e| e.progress)
                .map_err(|_| {
                    "Your saved lesson progress was damaged, so it starts afresh.".to_string()
                }),
            Some(v) => Err(format!(
                "Your saved lesson progress is from another version of Stackscope (format {v}), so it starts afresh."
            )),
            None => Err("Your saved lesson progress was not in a format Stackscope knows, so it starts afresh.".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_damage() {
        let mut p = Progress::default();
        p.see(&[Fact::SawHandshake, Fact::SawHttpRequest], &[("x", 2.0)]);
        p.answer("http", true);
        p.answer("http", false);
        assert_eq!(Progress::decode(&p.encode()), Ok(p.clone()));
        assert!(p.done(crate::lessons::catalog::by_id("http").unwrap().1));
        assert!(p.answers["http"], "the first answer is kept");
        for bad in [
            "",
            "{",
            "[]",
            r#"{"version":2,"progress":{}}"#,
            r#"{"version":1,"progress":{"seen":["NoSuchFact"],"figures":{},"answers":{}}}"#,
            r#"{"version":1}"#,
        ] {
            let e = Progress::decode(bad).unwrap_err();
            assert!(e.contains("starts afresh"), "{bad}: {e}");
        }
        assert!(Progress::decode(r#"{"version":2,"progress":{}}"#)
            .unwrap_err()
            .contains("format 2"));
    }

    #[test]
    fn scaling_out_needs_a_load_one_server_could_not_take() {
        let run = |servers, rate_per_s, error_rate| LoadRun {
            servers,
            cores: 2,
            rate_per_s,
            error_rate,
            app_busy: 0.5,
        };
        let mut p = Progress::default();
        assert!(
            !p.load_run(&run(4, 3000.0, 0.0)),
            "nothing to compare with yet"
        );
        assert!(p.load_run(&run(1, 3000.0, 0.2)));
        assert!(p.seen.contains(&Fact::OneServerOverloaded));
        p.load_run(&run(4, 2000.0, 0.0));
        assert!(
            !p.seen.contains(&Fact::ScaledOutSameLoad),
            "a lighter load proves nothing"
        );
        p.load_run(&run(4, 3000.0, 0.02));
        assert!(!p.seen.contains(&Fact::ScaledOutSameLoad), "still failing");
        p.load_run(&run(4, 3000.0, 0.0));
        assert!(p.seen.contains(&Fact::ScaledOutSameLoad));
        assert_eq!(p.figures["scaled_servers"], 4.0);
    }
}
