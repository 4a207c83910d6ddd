//! Deep links: the scenario, the traced URL and the selected step, in a URL fragment.
//!
//! The fragment is `#s=` followed by base64url of a small JSON document.
//! Decoding accepts anything and never panics: a malformed or hostile
//! fragment gives a short message, and the app falls back to the defaults.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::scenario::{Change, Scenario, Topology};
use crate::seed;
use crate::sim::Simulator;

/// The version written into links; older versions are refused with a message.
pub const VERSION: u32 = 1;
/// Fragments longer than this are refused before decoding.
pub const MAX_FRAGMENT: usize = 64 * 1024;
/// An edited scenario is put in a link only if the link stays under this.
pub const MAX_LINK_WITH_EDITS: usize = 8 * 1024;

/// What a link reproduces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub v: u32,
    /// The redundant design rather than the single server.
    pub redundant: bool,
    /// Faults and repairs applied, in order.
    #[serde(default)]
    pub changes: Vec<Change>,
    pub url: String,
    /// The selected step (0-based).
    #[serde(default)]
    pub step: usize,
    /// The whole scenario, when the learner edited it and it is small enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
}

impl Share {
    /// A link for `scenario` (edits included only when they fit; the second
    /// value says whether they were left out).
    pub fn new(scenario: &Scenario, changes: Vec<Change>, url: &str, step: usize) -> (Share, bool) {
        let redundant = matches!(scenario.topology, Topology::Redundant(_));
        let base = if redundant {
            seed::redundant_stack()
        } else {
            seed::simple_stack()
        };
        let mut share = Share {
            v: VERSION,
            redundant,
            changes,
            url: url.to_string(),
            step,
            scenario: None,
        };
        let mut left_out = false;
        if *scenario != base {
            share.scenario = Some(scenario.clone());
            if share.encode().len() > MAX_LINK_WITH_EDITS {
                share.scenario = None;
                left_out = true;
            }
        }
        (share, left_out)
    }

    /// The fragment, without the leading `#`.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("s={}", URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads a fragment (with or without `#`).
    pub fn decode(fragment: &str) -> Result<Share, String> {
        let f = fragment.strip_prefix('#').unwrap_or(fragment);
        if f.is_empty() {
            return Err("The link has no scenario in it.".into());
        }
        if f.len() > MAX_FRAGMENT {
            return Err("The link is too long to be a Stackscope link.".into());
        }
        let data = f
            .strip_prefix("s=")
            .ok_or("The link's fragment is not a Stackscope scenario.")?;
        let bytes = URL_SAFE_NO_PAD
            .decode(data.trim_end_matches('='))
            .map_err(|_| "The link is damaged (it is not valid base64url).".to_string())?;
        let share: Share = serde_json::from_slice(&bytes)
            .map_err(|e| format!("The link is damaged or from another version: {e}"))?;
        if share.v != VERSION {
            return Err(format!(
                "The link was made by a different version of Stackscope (format {}, this one reads {VERSION}).",
                share.v
            ));
        }
        if share.url.len() > crate::browser::input::MAX_INPUT {
            return Err("The link's address is too long.".into());
        }
        if share.changes.len() > 1000 {
            return Err("The link holds too many changes.".into());
        }
        Ok(share)
    }

    /// The world the link describes, with its changes applied at time 0.
    pub fn simulator(&self) -> Result<Simulator, String> {
        let scenario = match &self.scenario {
            Some(s) => s.clone(),
            None if self.redundant => seed::redundant_stack(),
            None => seed::simple_stack(),
        };
        let mut sim = Simulator::new(scenario).map_err(|e| e.to_string())?;
        for c in &self.changes {
            sim.apply(*c, 0);
        }
        Ok(sim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Fault, ProcessState};

    #[test]
    fn a_link_round_trips() {
        let (share, left_out) = Share::new(
            &Scenario::default(),
            vec![
                Fault::AppStopped.change(),
                Change::App(None, ProcessState::Running),
            ],
            "http://www.foobar.com/about",
            7,
        );
        assert!(!left_out && share.scenario.is_none());
        let back = Share::decode(&format!("#{}", share.encode())).unwrap();
        assert_eq!(back, share);
        assert!(back.simulator().is_ok());
    }

    #[test]
    fn edits_travel_when_small() {
        let mut s = Scenario::default();
        s.data.settings[0].value = "Renamed".into();
        let (share, left_out) = Share::new(&s, vec![], "foobar.com", 0);
        assert!(!left_out);
        let sim = Share::decode(&share.encode()).unwrap().simulator().unwrap();
        assert_eq!(sim.scenario().data.settings[0].value, "Renamed");
        s.data.posts[0].body = "x".repeat(20_000);
        let (share, left_out) = Share::new(&s, vec![], "foobar.com", 0);
        assert!(left_out && share.scenario.is_none());
    }

    #[test]
    fn hostile_fragments_give_messages() {
        for f in [
            "",
            "#",
            "#x=1",
            "#s=!!!",
            "#s=e30",
            "#s=bnVsbA",
            &format!("#s={}", "A".repeat(70_000)),
        ] {
            assert!(Share::decode(f).is_err(), "{f}");
        }
        let wrong_version = URL_SAFE_NO_PAD.encode(br#"{"v":99,"redundant":false,"url":"x"}"#);
        assert!(Share::decode(&format!("s={wrong_version}"))
            .unwrap_err()
            .contains("version"));
    }
}
