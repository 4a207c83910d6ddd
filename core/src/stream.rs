//! Streams of requests over virtual time: deploys, failovers and the SPOF sweep.
//!
//! Every point of a stream is a full trace computed by the pipeline; a stream
//! only schedules changes to the world between requests and summarises.

use serde::{Deserialize, Serialize};

#[cfg(feature = "engine")]
use crate::error::ScenarioError;
use crate::scenario::{Change, ProcessState, Scenario, Topology};
#[cfg(feature = "engine")]
use crate::sim::Simulator;
#[cfg(feature = "engine")]
use crate::trace::{Outcome, Status, Trace};

/// Requests sent at a steady pace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSpec {
    /// Sent in turn, round and round.
    pub urls: Vec<String>,
    pub start_us: u64,
    pub every_us: u64,
    pub count: u32,
}

/// A change to the world at a moment of the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at_us: u64,
    pub change: Change,
    /// What an operator would call it ("restart the application on web-01").
    pub label: String,
}

/// One request of a stream, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub at_us: u64,
    pub url: String,
    pub ok: bool,
    /// `200`, `502`, or the browser's error code.
    pub status: String,
    /// From typing the address to the rendered page.
    pub latency_us: u64,
    /// The web server that served it, when one did.
    pub server: Option<String>,
    /// Why it failed (or was slow): the first failed step's title, which
    /// names the cause rather than the symptom.
    pub reason: Option<String>,
}

/// A whole stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamResult {
    pub points: Vec<Point>,
    pub events: Vec<Event>,
    pub failed: usize,
    /// From the first failed request to the end of the last one's slot, µs.
    pub outage_us: u64,
}

impl StreamResult {
    pub fn succeeded(&self) -> usize {
        self.points.len() - self.failed
    }

    /// The share of requests that succeeded, 0.0 to 1.0.
    pub fn availability(&self) -> f64 {
        if self.points.is_empty() {
            return 1.0;
        }
        self.succeeded() as f64 / self.points.len() as f64
    }
}

#[cfg(feature = "engine")]
fn summarise(trace: &Trace, scenario: &Scenario, url: &str, at_us: u64) -> Point {
    let status = match &trace.outcome {
        Outcome::Response { status, .. } => status.to_string(),
        Outcome::BrowserError { code, .. } => code.clone(),
        Outcome::InvalidInput { .. } => "invalid".to_string(),
    };
    let server = trace
        .steps
        .iter()
        .rev()
        .find_map(|s| s.node)
        .and_then(|n| match &scenario.topology {
            Topology::Redundant(c) => c.web.get(usize::from(n)).map(|w| w.hostname.clone()),
            Topology::Single => None,
        })
        .or_else(|| match (&scenario.topology, &trace.outcome) {
            (Topology::Single, Outcome::Response { .. }) => Some(scenario.server.hostname.clone()),
            _ => None,
        });
    let reason = trace
        .steps
        .iter()
        .find(|s| s.status == Status::Fail)
        .map(|s| s.title.clone());
    Point {
        at_us,
        url: url.to_string(),
        ok: trace.succeeded(),
        status,
        latency_us: trace.total_us(),
        server,
        reason,
    }
}

/// Runs a stream against a fresh world built from `scenario`, applying each
/// event just before the first request at or after its time.
#[cfg(feature = "engine")]
pub fn run(
    scenario: &Scenario,
    spec: &StreamSpec,
    events: &[Event],
) -> Result<StreamResult, ScenarioError> {
    let mut sim = Simulator::new(scenario.clone())?;
    let mut events: Vec<Event> = events.to_vec();
    events.sort_by_key(|e| e.at_us);
    let mut next = 0;
    let mut points = Vec::with_capacity(spec.count as usize);
    let urls: Vec<&str> = if spec.urls.is_empty() {
        vec!["http://www.foobar.com/"]
    } else {
        spec.urls.iter().map(String::as_str).collect()
    };
    for i in 0..u64::from(spec.count) {
        let at = spec
            .start_us
            .saturating_add(i.saturating_mul(spec.every_us));
        while let Some(e) = events.get(next).filter(|e| e.at_us <= at) {
            sim.apply(e.change, e.at_us);
            next += 1;
        }
        let url = urls[(i as usize) % urls.len()];
        let trace = sim.request(url, at);
        points.push(summarise(&trace, sim.scenario(), url, at));
    }
    let failed: Vec<&Point> = points.iter().filter(|p| !p.ok).collect();
    let outage_us = match (failed.first(), failed.last()) {
        (Some(a), Some(b)) => b.at_us - a.at_us + spec.every_us,
        _ => 0,
    };
    Ok(StreamResult {
        failed: failed.len(),
        points,
        events,
        outage_us,
    })
}

/// Deploying to the single server: the application restarts (and Nginx too,
/// if asked) for `restart_us`.
pub fn single_deploy(at_us: u64, restart_us: u64, with_nginx: bool) -> Vec<Event> {
    let mut v = vec![Event {
        at_us,
        change: Change::App(None, ProcessState::Restarting),
        label: "Deploy: restart the application server".into(),
    }];
    if with_nginx {
        v.push(Event {
            at_us,
            change: Change::Nginx(None, ProcessState::Restarting),
            label: "Deploy: restart Nginx".into(),
        });
        v.push(Event {
            at_us: at_us + restart_us / 4,
            change: Change::Nginx(None, ProcessState::Running),
            label: "Nginx is back".into(),
        });
    }
    v.push(Event {
        at_us: at_us + restart_us,
        change: Change::App(None, ProcessState::Running),
        label: "The application server is back".into(),
    });
    v
}

/// A rolling deploy behind the load balancer: one server at a time is
/// drained, restarted, and put back once its health checks pass again.
/// Without `drain`, servers are restarted while still in rotation.
pub fn rolling_deploy(scenario: &Scenario, at_us: u64, restart_us: u64, drain: bool) -> Vec<Event> {
    let Topology::Redundant(c) = &scenario.topology else {
        return single_deploy(at_us, restart_us, false);
    };
    let drain_us = if drain { 500_000 } else { 0 };
    // Enough passed checks to be marked healthy again, plus one interval of slack.
    let settle_us = u64::from(c.lb.rise.max(1) + 1) * c.lb.health_check_interval_us;
    let mut v = Vec::new();
    let mut t = at_us;
    for (i, w) in c.web.iter().enumerate() {
        let node = i as u8;
        if drain {
            v.push(Event {
                at_us: t,
                change: Change::Rotation(node, false),
                label: format!("Drain {}: no new requests", w.hostname),
            });
        }
        v.push(Event {
            at_us: t + drain_us,
            change: Change::App(Some(node), ProcessState::Restarting),
            label: format!("Restart the application on {}", w.hostname),
        });
        v.push(Event {
            at_us: t + drain_us + restart_us,
            change: Change::App(Some(node), ProcessState::Running),
            label: format!("{} is running the new version", w.hostname),
        });
        t += drain_us + restart_us + settle_us;
        if drain {
            v.push(Event {
                at_us: t,
                change: Change::Rotation(node, true),
                label: format!("Put {} back in rotation", w.hostname),
            });
        }
        t += 500_000;
    }
    v
}

/// The request mix of the sweep: pages, a write, a search and a static file.
pub const SWEEP_URLS: [&str; 5] = [
    "http://www.foobar.com/",
    "http://www.foobar.com/posts/hello-world",
    "http://www.foobar.com/static/style.css",
    "http://www.foobar.com/about",
    "http://www.foobar.com/search?q=nginx",
];

/// One row of the availability matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    pub failure: String,
    /// Share of the mix that succeeded on the single server (`None`: no such part).
    pub single: Option<f64>,
    pub redundant: Option<f64>,
    /// The failed requests, for each topology: `"status url"`.
    pub single_failures: Vec<String>,
    pub redundant_failures: Vec<String>,
}

/// The failures the sweep injects: (name, change on the single server, change on the redundant design).
pub fn sweep_failures() -> Vec<(&'static str, Option<Change>, Option<Change>)> {
    use ProcessState::Stopped;
    vec![
        (
            "DNS records deleted",
            Some(Change::DnsRecordMissing),
            Some(Change::DnsRecordMissing),
        ),
        (
            "Load balancer powered off",
            None,
            Some(Change::LbPower(false)),
        ),
        (
            "A web server powered off",
            Some(Change::ServerPower(None, false)),
            Some(Change::ServerPower(Some(0), false)),
        ),
        (
            "Nginx stopped on a web server",
            Some(Change::Nginx(None, Stopped)),
            Some(Change::Nginx(Some(0), Stopped)),
        ),
        (
            "Application stopped on a web server",
            Some(Change::App(None, Stopped)),
            Some(Change::App(Some(0), Stopped)),
        ),
        (
            "Primary database stopped",
            Some(Change::Database(Stopped)),
            Some(Change::Database(Stopped)),
        ),
        (
            "Replica database stopped",
            None,
            Some(Change::Replica(Stopped)),
        ),
    ]
}

/// The stream each failure is measured with: the mix, 20 requests over 30 s
/// from the moment of the failure (so detection and failover time count).
pub fn sweep_spec() -> StreamSpec {
    StreamSpec {
        urls: SWEEP_URLS.iter().map(|s| s.to_string()).collect(),
        start_us: 1_000_000,
        every_us: 1_500_000,
        count: 20,
    }
}

#[cfg(feature = "engine")]
fn measure(
    scenario: &Scenario,
    change: Option<Change>,
) -> Result<(Option<f64>, Vec<String>), ScenarioError> {
    let Some(change) = change else {
        return Ok((None, Vec::new()));
    };
    let spec = sweep_spec();
    let events = [Event {
        at_us: spec.start_us,
        change,
        label: String::new(),
    }];
    let r = run(scenario, &spec, &events)?;
    let failures = r
        .points
        .iter()
        .filter(|p| !p.ok)
        .map(|p| format!("{} {}", p.status, p.url))
        .collect();
    Ok((Some(r.availability()), failures))
}

/// Fails each component in turn, on both designs, and measures what share of
/// the request mix still succeeds.
#[cfg(feature = "engine")]
pub fn sweep(single: &Scenario, redundant: &Scenario) -> Result<Vec<SweepRow>, ScenarioError> {
    sweep_failures()
        .into_iter()
        .map(|(name, s, r)| {
            let (single_share, single_failures) = measure(single, s)?;
            let (redundant_share, redundant_failures) = measure(redundant, r)?;
            Ok(SweepRow {
                failure: name.to_string(),
                single: single_share,
                redundant: redundant_share,
                single_failures,
                redundant_failures,
            })
        })
        .collect()
}
