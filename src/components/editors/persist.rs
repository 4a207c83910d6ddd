//! Saving the edited scenario in the browser (`localStorage`), and the JSON
//! files of export and import.
//!
//! Stored data is an envelope `{ "version": 1, "scenario": … }` under a
//! versioned key. Anything unreadable is reported, never silently dropped:
//! the caller offers the raw text as a download.

use serde::Serialize;
use stackscope_core::{validate, Scenario, ScenarioError};

/// The `localStorage` key; a new format gets a new key and version.
pub const KEY: &str = "stackscope.scenario.v1";
/// The envelope's version.
pub const VERSION: u64 = 1;
/// The largest file the importer reads.
pub const MAX_IMPORT_BYTES: f64 = 2_000_000.0;

#[derive(Serialize)]
struct Envelope<'a> {
    version: u64,
    scenario: &'a Scenario,
}

/// The stored form of a scenario.
pub fn encode(scenario: &Scenario) -> String {
    serde_json::to_string(&Envelope {
        version: VERSION,
        scenario,
    })
    .unwrap_or_default()
}

/// A scenario as an exported file (plain scenario JSON, readable by
/// `Simulator::from_json`).
pub fn export(scenario: &Scenario) -> String {
    serde_json::to_string_pretty(scenario).unwrap_or_default()
}

/// Checks a scenario the way the simulator will, and returns it. (Only the
/// console's saved statements are left to the server's database, which
/// reports a failure as an editor error.)
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

#[cfg(target_arch = "wasm32")]
use crate::storage::local as storage;

/// The raw text stored under [`KEY`], if any.
#[cfg(target_arch = "wasm32")]
pub fn load_raw() -> Option<String> {
    storage()?.get_item(KEY).ok().flatten()
}

/// Stores a scenario; the message says why it could not be saved.
#[cfg(target_arch = "wasm32")]
pub fn save(scenario: &Scenario) -> Result<(), String> {
    storage()
        .ok_or_else(|| "This browser does not let the page save data.".to_string())?
        .set_item(KEY, &encode(scenario))
        .map_err(|_| {
            "The browser refused to save the stack (storage full or disabled); export it to keep it."
                .to_string()
        })
}

/// Forgets the stored scenario.
#[cfg(target_arch = "wasm32")]
pub fn remove() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn load_raw() -> Option<String> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
pub fn save(_: &Scenario) -> Result<(), String> {
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn remove() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_scenario_round_trips() {
        let s = Scenario::default();
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        assert_eq!(import(&export(&s)).unwrap(), s);
        assert_eq!(import(&encode(&s)).unwrap(), s);
    }

    #[test]
    fn bad_stored_data_gives_messages() {
        assert!(decode("{oops").unwrap_err().contains("not valid JSON"));
        assert!(decode(r#"{"version":0,"scenario":{}}"#)
            .unwrap_err()
            .contains("version 0"));
        assert!(decode("[1,2]").unwrap_err().contains("format"));
        assert!(decode(r#"{"version":1,"scenario":{"seed":1}}"#)
            .unwrap_err()
            .contains("could not be loaded"));
        assert!(import("42")
            .unwrap_err()
            .contains("not a Stackscope scenario"));
        assert!(import("nope").unwrap_err().contains("not JSON"));
    }
}
