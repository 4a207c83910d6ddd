//! The maintenance window's two deploys: the downtime panel's own streams (one server, and a rolling deploy), run once and laid over any day.

use stackscope_core::session::StreamJob;
use stackscope_core::stream::StreamResult;

use crate::faults::Demo;

/// The tag of the maintenance window's [`Command::Streams`](stackscope_core::session::Command::Streams).
pub const TAG: u32 = 1;

/// The deploys compared, in the order of their results.
pub const DEPLOYS: [Demo; 2] = [Demo::SingleDeploy, Demo::RollingDeploy];

/// When each deploy begins in its stream, µs (the downtime panel's 2 s).
pub fn deploy_us(demo: Demo) -> u64 {
    demo.events(&demo.scenario()).first().map_or(0, |e| e.at_us)
}

/// The streams to run, exactly as the downtime panel runs them.
pub fn jobs() -> Vec<StreamJob> {
    DEPLOYS
        .iter()
        .map(|d| {
            let scenario = d.scenario();
            StreamJob {
                events: d.events(&scenario),
                spec: d.spec(),
                scenario,
            }
        })
        .collect()
}

/// Both deploys, as the server ran them.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRuns {
    pub single: StreamResult,
    pub rolling: StreamResult,
}

impl DayRuns {
    /// The server's answer, or why it could not run.
    pub fn from_results(results: Vec<Result<StreamResult, String>>) -> Result<DayRuns, String> {
        let mut it = results.into_iter();
        match (it.next(), it.next()) {
            (Some(single), Some(rolling)) => Ok(DayRuns {
                single: single?,
                rolling: rolling?,
            }),
            _ => Err("the server sent back fewer streams than asked for".into()),
        }
    }
}

/// What a maintenance-window link sets: `#window=03:00`, optionally with
/// `&peak=40&peak-at=20:00&trough=2&trough-at=04:00`. Each value is kept as
/// text, for the form's fields; the form checks them as it checks typing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowLink {
    pub at: String,
    pub peak: Option<String>,
    pub peak_at: Option<String>,
    pub trough: Option<String>,
    pub trough_at: Option<String>,
}

/// True for a fragment the maintenance window reads.
pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with("#window=")
}

/// Reads `#window=03:00&peak=…`; parts it does not know are ignored.
pub fn parse_link(fragment: &str) -> Option<WindowLink> {
    if !is_link(fragment) {
        return None;
    }
    let mut link = WindowLink::default();
    for (k, v) in fragment_pairs(fragment) {
        match k {
            "window" => link.at = v,
            "peak" => link.peak = Some(v),
            "peak-at" => link.peak_at = Some(v),
            "trough" => link.trough = Some(v),
            "trough-at" => link.trough_at = Some(v),
            _ => {}
        }
    }
    Some(link)
}

/// The `key=value` parts of a fragment (`#window=03%3A00&peak=40`), a
/// `%3A` read back as the `:` of a time; a part without `=` has an empty value.
pub fn fragment_pairs(fragment: &str) -> impl Iterator<Item = (&str, String)> {
    fragment.trim_start_matches('#').split('&').map(|part| {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        (k, v.replace("%3A", ":").replace("%3a", ":"))
    })
}

/// The link to these settings.
pub fn link(at: &str, peak: &str, peak_at: &str, trough: &str, trough_at: &str) -> String {
    format!("#window={at}&peak={peak}&peak-at={peak_at}&trough={trough}&trough-at={trough_at}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_read_back() {
        let l = parse_link(&link("03:00", "40", "20:00", "2", "04:00")).unwrap();
        assert_eq!(l.at, "03:00");
        assert_eq!(l.peak.as_deref(), Some("40"));
        assert_eq!(l.trough_at.as_deref(), Some("04:00"));
        assert_eq!(parse_link("#window=03%3A30").unwrap().at, "03:30");
        assert_eq!(parse_link("#lesson=1.1"), None);
    }
}
