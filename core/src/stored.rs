//! The JSON forms of a stack: the copy kept in the browser's storage, the
//! exported file, and what an import reads.
//!
//! The simulated server writes and reads them ([`Command::Encode`] and
//! [`Command::Load`]); the page only moves the text between them and the
//! browser. Its WebAssembly module has no JSON codec: serde_json and the
//! scenario's JSON code weighed about 55 KB gzip there (issue 15).
//!
//! Stored data is an envelope `{ "version": 1, "scenario": … }` under a
//! versioned key. Anything unreadable is reported, never silently dropped:
//! the page offers the raw text as a download.
//!
//! [`Command::Encode`]: crate::session::Command::Encode
//! [`Command::Load`]: crate::session::Command::Load

use serde::{Deserialize, Serialize};

/// The `localStorage` key; a new format gets a new key and version.
pub const KEY: &str = "stackscope.scenario.v1";
/// The envelope's version.
pub const VERSION: u64 = 1;
/// The largest file the importer reads.
pub const MAX_IMPORT_BYTES: f64 = 2_000_000.0;

/// Which JSON form of a stack to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JsonForm {
    /// The envelope kept in the browser's storage (compact).
    Stored,
    /// The exported file: the scenario itself, indented, readable by
    /// `Simulator::from_json`.
    Export,
}

#[cfg(feature = "engine")]
pub use engine::{decode, import, write};

#[cfg(feature = "engine")]
mod engine {
    use super::*;
    use crate::scenario::Scenario;
    use crate::{validate, ScenarioError};

    #[derive(Serialize)]
    struct Envelope<'a> {
        version: u64,
        scenario: &'a Scenario,
    }

    /// The stack in the given form.
    pub fn write(scenario: &Scenario, form: JsonForm) -> String {
        match form {
            JsonForm::Stored => serde_json::to_string(&Envelope {
                version: VERSION,
                scenario,
            }),
            JsonForm::Export => serde_json::to_string_pretty(scenario),
        }
        .unwrap_or_default()
    }

    /// Checks a scenario the way the simulator will, and returns it. (Only
    /// the console's saved statements are left to the server's database,
    /// which reports a failure as an editor error.)
    fn validated(json: &str) -> Result<Scenario, String> {
        serde_json::from_str::<Scenario>(json)
            .map_err(|e| ScenarioError::BadJson {
                detail: e.to_string(),
            })
            .and_then(|s| validate::scenario(&s).map(|()| s))
            .map_err(|e| capitalise(&e.to_string()))
    }

    fn capitalise(s: &str) -> String {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }

    /// Reads what was stored under [`KEY`].
    pub fn decode(raw: &str) -> Result<Scenario, String> {
        let value: serde_json::Value = serde_json::from_str(raw)
            .map_err(|e| format!("The saved stack is not valid JSON ({e})."))?;
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        match (version, value.get("scenario")) {
            (Some(VERSION), Some(scenario)) => validated(&scenario.to_string())
                .map_err(|e| format!("The saved stack could not be loaded: {e}")),
            (Some(v), _) => Err(format!(
                "The saved stack is in format version {v}; this version of Stackscope reads version {VERSION}."
            )),
            (None, _) => Err("The saved stack is not in a format Stackscope knows.".into()),
        }
    }

    /// Reads an imported file: a scenario as exported, or a stored envelope.
    pub fn import(text: &str) -> Result<Scenario, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("This file is not JSON: {e}."))?;
        if !value.is_object() {
            return Err(
                "This file is JSON, but not a Stackscope scenario (expected an object).".into(),
            );
        }
        if let (Some(_), Some(scenario)) = (value.get("version"), value.get("scenario")) {
            return decode(text).or_else(|_| validated(&scenario.to_string()));
        }
        validated(text)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::seed::Design;

        #[test]
        fn every_form_reads_back_as_the_same_stack() {
            for design in [
                Design::OneServer,
                Design::Redundant,
                Design::Secured,
                Design::ScaledUp,
            ] {
                let s = design.stack();
                let stored = write(&s, JsonForm::Stored);
                assert!(
                    stored.starts_with("{\"version\":1,\"scenario\":{"),
                    "{stored}"
                );
                assert_eq!(decode(&stored), Ok(s.clone()));
                assert_eq!(import(&stored), Ok(s.clone()));
                let exported = write(&s, JsonForm::Export);
                assert!(exported.contains("\n  \""), "indented");
                assert_eq!(import(&exported), Ok(s.clone()));
                // The simulator reads the exported file as it is.
                assert_eq!(serde_json::from_str::<Scenario>(&exported).ok(), Some(s));
            }
        }

        #[test]
        fn unreadable_data_says_why() {
            let cases = [
                (
                    decode("{\"version\":1,\"scenario\":{oops"),
                    "not valid JSON",
                ),
                (decode("{\"version\": 7, \"scenario\": {}}"), "version 7"),
                (decode("[1, 2]"), "not in a format Stackscope knows"),
                (
                    import("{\"seed\": \"twelve\"}"),
                    "This is not a Stackscope scenario",
                ),
                (import("[]"), "not a Stackscope scenario"),
                (import("twelve"), "not JSON"),
            ];
            for (got, want) in cases {
                let e = got.unwrap_err();
                assert!(e.contains(want), "{e} (wanted {want})");
            }
            // A stored envelope of another version still imports when its
            // scenario is readable.
            let s = crate::Scenario::default();
            let other = format!(
                "{{\"version\":7,\"scenario\":{}}}",
                serde_json::to_string(&s).unwrap()
            );
            assert_eq!(import(&other), Ok(s));
        }
    }
}
