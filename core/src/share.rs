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
#[cfg(feature = "engine")]
use crate::sim::Simulator;
#[cfg(feature = "engine")]
use crate::trace::Trace;

/// The version written into links; older versions are refused with a message.
pub const VERSION: u32 = 1;
/// Fragments longer than this are refused before decoding.
pub const MAX_FRAGMENT: usize = 64 * 1024;
/// An edited scenario is put in a link only if the link stays under this.
pub const MAX_LINK_WITH_EDITS: usize = 8 * 1024;
/// The most session events a link carries (the oldest are dropped beyond).
pub const MAX_EVENTS: usize = 300;

/// One thing that happened in a session, at its virtual time. Replaying the
/// events on the same world gives the same traces, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    Request {
        url: String,
        at_us: u64,
    },
    Change {
        change: Change,
        at_us: u64,
    },
    /// The resolver's cache was emptied.
    FlushDns,
    Console {
        sql: String,
        at_us: u64,
    },
    /// Time passed with nothing asked of the world, up to `at_us`.
    Wait {
        at_us: u64,
    },
}

impl Event {
    /// When it happened (session µs); `None` for the resolver's cache emptied.
    pub fn at_us(&self) -> Option<u64> {
        match self {
            Event::Request { at_us, .. }
            | Event::Change { at_us, .. }
            | Event::Console { at_us, .. }
            | Event::Wait { at_us } => Some(*at_us),
            Event::FlushDns => None,
        }
    }
}

/// The longest session a link may hold, µs: a year of simulated time.
pub const MAX_SESSION_US: u64 = 365 * 24 * 3600 * 1_000_000;

/// What a link reproduces: a world, what happened in it, and a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub v: u32,
    /// The redundant design rather than the single server.
    pub redundant: bool,
    /// The secured design (the redundant one with HTTPS); older links lack it.
    #[serde(default)]
    pub secured: bool,
    /// The design with a pair of balancers (the secured one plus `lb-02`);
    /// older links lack it.
    #[serde(default)]
    pub scaled: bool,
    /// The session's events, in order; the last request is the one shown.
    #[serde(default)]
    pub events: Vec<Event>,
    /// The selected step (0-based).
    #[serde(default)]
    pub step: usize,
    /// The world the session started from, when the learner edited it and
    /// it is small enough.
    #[serde(default)]
    pub scenario: Option<Scenario>,
}

/// A session's link with its step left open: the page fills in the step
/// the learner is at, without a JSON codec of its own (issue 15: serde_json
/// and the scenario's JSON code weighed tens of KB gzip in the page's
/// module). `fragment(step)` equals [`Share::encode`] of the same link at
/// that step, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShareLink {
    /// The link's JSON up to the step's value.
    before_step: String,
    /// The link's JSON after the step's value.
    after_step: String,
}

impl ShareLink {
    /// The fragment (without `#`) of the link at `step`.
    pub fn fragment(&self, step: usize) -> String {
        let json = format!("{}{step}{}", self.before_step, self.after_step);
        format!("s={}", URL_SAFE_NO_PAD.encode(json))
    }
}

impl Share {
    /// A link for a session that started from `baseline` (edits included
    /// only when they fit; the second value says whether they were left out).
    pub fn new(baseline: &Scenario, events: &[Event], step: usize) -> (Share, bool) {
        let design = seed::Design::of(baseline);
        let redundant = matches!(baseline.topology, Topology::Redundant(_));
        let seed = design.stack();
        let skip = events.len().saturating_sub(MAX_EVENTS);
        let mut share = Share {
            v: VERSION,
            redundant,
            secured: design == seed::Design::Secured,
            scaled: design == seed::Design::ScaledUp,
            events: events[skip..].to_vec(),
            step,
            scenario: None,
        };
        let mut left_out = false;
        if *baseline != seed {
            share.scenario = Some(baseline.clone());
            if share.encode().len() > MAX_LINK_WITH_EDITS {
                share.scenario = None;
                left_out = true;
            }
        }
        (share, left_out)
    }

    /// The address of the last request (what the address bar shows).
    pub fn url(&self) -> Option<&str> {
        self.events.iter().rev().find_map(|e| match e {
            Event::Request { url, .. } => Some(url.as_str()),
            _ => None,
        })
    }

    /// The link with its step left open (see [`ShareLink`]).
    pub fn link(&self) -> ShareLink {
        // JSON writes `step` once, as a number after `"step":` (a quote
        // inside a string is escaped, so no string can hold that key), and
        // no other field is named `step`: the value `usize::MAX` marks it.
        let mut share = self.clone();
        share.step = usize::MAX;
        let json = serde_json::to_string(&share).unwrap_or_default();
        let key = "\"step\":";
        let mark = format!("{key}{}", usize::MAX);
        match json.find(&mark) {
            Some(at) => ShareLink {
                before_step: json[..at + key.len()].to_string(),
                after_step: json[at + mark.len()..].to_string(),
            },
            None => ShareLink::default(),
        }
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
        if share.events.len() > MAX_EVENTS {
            return Err("The link holds too many events.".into());
        }
        if share
            .events
            .iter()
            .any(|e| e.at_us().is_some_and(|t| t > MAX_SESSION_US))
        {
            return Err(
                "The link's times are out of range (a session lasts at most a year).".into(),
            );
        }
        for e in &share.events {
            let too_long = match e {
                Event::Request { url, .. } => url.len() > crate::browser::input::MAX_INPUT,
                Event::Console { sql, .. } => sql.len() > crate::server::db::CONSOLE_MAX_LEN,
                _ => false,
            };
            if too_long {
                return Err("The link holds an address or a statement that is too long.".into());
            }
        }
        Ok(share)
    }

    /// The world the link starts from.
    pub fn baseline(&self) -> Scenario {
        match &self.scenario {
            Some(s) => s.clone(),
            None if self.scaled => seed::scaled_stack(),
            None if self.secured => seed::secured_stack(),
            None if self.redundant => seed::redundant_stack(),
            None => seed::simple_stack(),
        }
    }

    /// Rebuilds the session: the world, then every event in order. Returns
    /// the simulator and the trace of the last request (the one to show).
    #[cfg(feature = "engine")]
    pub fn replay(&self) -> Result<(Simulator, Option<Trace>), String> {
        let mut sim = Simulator::new(self.baseline()).map_err(|e| e.to_string())?;
        let mut last = None;
        for e in &self.events {
            match e {
                Event::Request { url, at_us } => last = Some(sim.request(url, *at_us)),
                Event::Change { change, at_us } => sim.apply(*change, *at_us),
                Event::FlushDns => sim.flush_dns_cache(),
                Event::Console { sql, at_us } => {
                    sim.console(sql, *at_us);
                }
                Event::Wait { at_us } => sim.wait(*at_us),
            }
        }
        Ok((sim, last))
    }

    /// The latest moment any event but a request names (a request's end
    /// is its trace's): where the session's clock goes on from.
    pub fn waited_until_us(&self) -> u64 {
        self.events
            .iter()
            .filter(|e| !matches!(e, Event::Request { .. }))
            .filter_map(Event::at_us)
            .max()
            .unwrap_or(0)
    }
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    use super::*;
    use crate::scenario::Fault;

    fn session() -> Vec<Event> {
        vec![
            Event::Request {
                url: "http://www.foobar.com/".into(),
                at_us: 0,
            },
            Event::Change {
                change: Fault::AppStopped.change(),
                at_us: 1_000_000,
            },
            Event::Request {
                url: "http://www.foobar.com/about".into(),
                at_us: 2_000_000,
            },
        ]
    }

    #[test]
    fn a_links_open_step_fills_in_as_encode_writes_it() {
        let mut edited = Scenario::default();
        edited.seed += 1;
        let mut events = session();
        // A string holding the key's text does not confuse the split.
        events.push(Event::Request {
            url: "http://www.foobar.com/?\"step\":18446744073709551615".into(),
            at_us: 3_000_000,
        });
        for (baseline, events) in [
            (Scenario::default(), session()),
            (Scenario::default(), Vec::new()),
            (edited, events),
            (seed::Design::Secured.stack(), session()),
        ] {
            let (share, _) = Share::new(&baseline, &events, 0);
            let link = share.link();
            for step in [0, 1, 9, 10, 123, usize::MAX] {
                let at = Share {
                    step,
                    ..share.clone()
                };
                assert_eq!(link.fragment(step), at.encode(), "step {step}");
                assert_eq!(
                    Share::decode(&link.fragment(step)).map(|s| s.step),
                    Ok(step)
                );
            }
        }
    }

    #[test]
    fn a_link_replays_the_session_exactly() {
        let mut live = Simulator::new(Scenario::default()).unwrap();
        live.request("http://www.foobar.com/", 0);
        live.apply(Fault::AppStopped.change(), 1_000_000);
        let shown = live.request("http://www.foobar.com/about", 2_000_000);

        let (share, left_out) = Share::new(&Scenario::default(), &session(), 7);
        assert!(!left_out && share.scenario.is_none());
        let back = Share::decode(&format!("#{}", share.encode())).unwrap();
        assert_eq!(back, share);
        assert_eq!(back.url(), Some("http://www.foobar.com/about"));
        let (_, trace) = back.replay().unwrap();
        assert_eq!(
            trace.unwrap(),
            shown,
            "same world, same events: the same trace"
        );
    }

    #[test]
    fn edits_travel_when_small() {
        let mut s = Scenario::default();
        s.data.settings[0].value = "Renamed".into();
        let (share, left_out) = Share::new(&s, &[], 0);
        assert!(!left_out);
        let (sim, _) = Share::decode(&share.encode()).unwrap().replay().unwrap();
        assert_eq!(sim.scenario().data.settings[0].value, "Renamed");
        s.data.posts[0].body = "x".repeat(20_000);
        let (share, left_out) = Share::new(&s, &[], 0);
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
        let wrong_version = URL_SAFE_NO_PAD.encode(br#"{"v":99,"redundant":false}"#);
        assert!(Share::decode(&format!("s={wrong_version}"))
            .unwrap_err()
            .contains("version"));
    }
}
