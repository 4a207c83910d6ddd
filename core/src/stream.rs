//! Streams of requests over virtual time: deploys, failovers and the SPOF sweep.
//!
//! Every point of a stream is a full trace computed by the pipeline; a stream
//! only schedules changes to the world between requests and summarises.

use serde::{Deserialize, Serialize};

#[cfg(feature = "engine")]
use crate::error::ScenarioError;
use crate::scenario::{Change, Fault, ProcessState, Scenario, Topology};
use crate::seed::Design;
#[cfg(feature = "engine")]
use crate::sim::Simulator;
#[cfg(feature = "engine")]
use crate::trace::{Outcome, Payload, Status, Trace};

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
    /// The SQL statement of that failed step, when it was a query (e.g. the
    /// post page's `UPDATE posts SET views = views + 1 …`, a write).
    pub sql: Option<String>,
    /// The application's release that answered (its `X-App-Version`).
    #[serde(default)]
    pub version: Option<String>,
}

/// What the world did by itself during a stream, seen between requests: the
/// load balancer's health checks and the replica's promotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// When it happened (a health check's time; the promotion's time).
    pub at_us: u64,
    pub what: Noticed,
    /// In words ("The load balancer marks web-01 down: 2 failed health checks in a row").
    pub label: String,
}

/// The kinds of [`Observed`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Noticed {
    /// The load balancer took this web server out of rotation.
    ServerDown(u8),
    /// The load balancer sends this web server requests again.
    ServerUp(u8),
    /// The replica became the primary.
    ReplicaPromoted,
    /// The other balancer of a pair took the public address over (VRRP).
    AddressMoved,
}

/// A whole stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamResult {
    pub points: Vec<Point>,
    pub events: Vec<Event>,
    /// What the load balancer and the databases did on their own, in time order.
    pub observed: Vec<Observed>,
    pub failed: usize,
    /// From the first failed request to the last, µs. Not an outage:
    /// successes may be interleaved with the failures.
    pub failure_span_us: u64,
    /// The most requests that failed in a row.
    pub longest_run: usize,
    /// The outage: the longest time during which no request succeeded, µs,
    /// from the first failure of the longest run of consecutive failures to
    /// the next request (or the end of the stream). Zero when no two requests
    /// in a row failed: each failure then had a success just before and just
    /// after it (at the stream's pace), so the site was never fully down.
    pub outage_us: u64,
    /// When that outage began.
    pub outage_start_us: Option<u64>,
}

/// What the lessons read of a stream: how many requests were sent and how
/// many failed. The page's first module keeps only this; the stream goes,
/// packed, to the downtime panel that draws it (`session::Reply::Stream`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSeen {
    pub sent: u64,
    pub failed: u64,
}

impl StreamResult {
    /// What the lessons read of it.
    pub fn seen(&self) -> StreamSeen {
        StreamSeen {
            sent: self.points.len() as u64,
            failed: self.failed as u64,
        }
    }

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

/// The `X-App-Version` of the response that reached the browser, when the
/// application answered.
#[cfg(feature = "engine")]
pub(crate) fn version_of(trace: &Trace) -> Option<String> {
    let text = trace.steps.iter().rev().find_map(|s| match &s.payload {
        Payload::Http { text } if text.starts_with("HTTP/") => Some(text),
        _ => None,
    })?;
    crate::http::parse_response(text)
        .ok()?
        .header(crate::server::app::VERSION_HEADER)
        .map(str::to_string)
}

#[cfg(feature = "engine")]
pub(crate) fn summarise(trace: &Trace, scenario: &Scenario, url: &str, at_us: u64) -> Point {
    let status = trace.outcome.short();
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
    let failed_step = trace.steps.iter().find(|s| s.status == Status::Fail);
    let reason = failed_step.map(|s| s.title.clone());
    let sql = failed_step.and_then(|s| match &s.payload {
        Payload::Sql(q) => Some(q.sql.clone()),
        _ => None,
    });
    Point {
        at_us,
        url: url.to_string(),
        ok: trace.succeeded(),
        status,
        latency_us: trace.total_us(),
        server,
        reason,
        sql,
        version: version_of(trace),
    }
}

/// The failures' span, the longest run of consecutive failures and the
/// outage (see [`StreamResult`]), from the points of a stream.
#[cfg(feature = "engine")]
fn outage(points: &[Point], every_us: u64) -> (u64, usize, u64, Option<u64>) {
    let first = points.iter().position(|p| !p.ok);
    let last = points.iter().rposition(|p| !p.ok);
    let span = match (first, last) {
        (Some(a), Some(b)) => points[b].at_us.saturating_sub(points[a].at_us),
        _ => 0,
    };
    // The longest run of failures: (length, index of its first point).
    let (mut best, mut best_at, mut run) = (0usize, 0usize, 0usize);
    for (i, p) in points.iter().enumerate() {
        if p.ok {
            run = 0;
            continue;
        }
        run += 1;
        if run > best {
            best = run;
            best_at = i + 1 - run;
        }
    }
    if best < 2 {
        return (span, best, 0, None);
    }
    let start = points[best_at].at_us;
    let end = points.get(best_at + best).map_or(
        points[best_at + best - 1].at_us.saturating_add(every_us),
        |p| p.at_us,
    );
    (span, best, end.saturating_sub(start), Some(start))
}

/// Compares what the load balancer believes and whether the replica is
/// promoted with what was seen before, and records the changes. It looks
/// after each change and each request: a server marked down and up again
/// between two looks is not seen (at the demos' and the sweep's pace, a
/// health-check interval always holds a look).
#[cfg(feature = "engine")]
struct Watch {
    lb: Vec<(String, bool)>,
    promoted: bool,
    /// When the primary stopped (the promotion is due `promote_after_us` later).
    primary_down_since: Option<u64>,
    /// Which balancer of a pair held the public address (`None` inside: nobody).
    vip: Option<Option<String>>,
}

#[cfg(feature = "engine")]
impl Watch {
    fn new(sim: &Simulator) -> Self {
        Watch {
            lb: sim.lb_view(),
            promoted: sim.replica_promoted(),
            primary_down_since: None,
            vip: sim.vip_holder(0).map(|(h, _)| h),
        }
    }

    /// After a change applied at `at_us`.
    fn applied(&mut self, sim: &Simulator, at_us: u64) {
        if let Topology::Redundant(c) = &sim.scenario().topology {
            let down = c.db_primary.state != ProcessState::Running;
            match (down, self.primary_down_since) {
                (true, None) => self.primary_down_since = Some(at_us),
                (false, _) if !sim.replica_promoted() => self.primary_down_since = None,
                _ => {}
            }
        }
    }

    /// After a request at `at_us`: what changed since the last look.
    fn look(&mut self, sim: &Simulator, at_us: u64, out: &mut Vec<Observed>) {
        let Topology::Redundant(c) = &sim.scenario().topology else {
            return;
        };
        let now = sim.lb_view();
        let changed_at = sim.lb_changed_at();
        for (i, ((host, up), (_, was))) in now.iter().zip(&self.lb).enumerate() {
            if up == was {
                continue;
            }
            let node = i as u8;
            let (what, label) = if *up {
                (
                    Noticed::ServerUp(node),
                    format!(
                        "The load balancer sends {host} requests again: {} passed health checks in a row",
                        c.lb.rise
                    ),
                )
            } else {
                (
                    Noticed::ServerDown(node),
                    format!(
                        "The load balancer takes {host} out of rotation: {} failed health checks in a row",
                        c.lb.fall
                    ),
                )
            };
            out.push(Observed {
                at_us: changed_at.get(i).copied().unwrap_or(at_us).min(at_us),
                what,
                label,
            });
        }
        self.lb = now;
        if let Some((holder, since)) = sim.vip_holder(at_us) {
            if self.vip.as_ref() != Some(&holder) {
                if let Some(host) = &holder {
                    let label = match c.pair.as_ref() {
                        Some(p) if *host == p.hostname => format!(
                            "{host} takes {} over: it heard no VRRP advert from {} for {:.3} s",
                            c.lb.ip,
                            c.lb.hostname,
                            crate::net::vrrp::master_down_interval_us(
                                p.advert_interval_us,
                                p.priority_standby
                            ) as f64
                                / 1e6
                        ),
                        _ => format!("{host} holds {} again (VRRP, the higher priority)", c.lb.ip),
                    };
                    out.push(Observed {
                        at_us: since.min(at_us),
                        what: Noticed::AddressMoved,
                        label,
                    });
                }
            }
            self.vip = Some(holder);
        }
        let promoted = sim.replica_promoted();
        if promoted && !self.promoted {
            let at = self
                .primary_down_since
                .map_or(at_us, |since| since.saturating_add(c.promote_after_us))
                .min(at_us);
            out.push(Observed {
                at_us: at,
                what: Noticed::ReplicaPromoted,
                label: format!(
                    "{} is promoted to primary, {:.1} s after {} stopped: writes work again",
                    c.db_replica.hostname,
                    c.promote_after_us as f64 / 1e6,
                    c.db_primary.hostname
                ),
            });
        }
        self.promoted = promoted;
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
    let mut watch = Watch::new(&sim);
    let mut observed = Vec::new();
    for i in 0..u64::from(spec.count) {
        let at = spec
            .start_us
            .saturating_add(i.saturating_mul(spec.every_us));
        while let Some(e) = events.get(next).filter(|e| e.at_us <= at) {
            sim.apply(e.change, e.at_us);
            watch.applied(&sim, e.at_us);
            watch.look(&sim, e.at_us, &mut observed);
            next += 1;
        }
        let url = urls[(i as usize) % urls.len()];
        let trace = sim.request(url, at);
        watch.look(&sim, at, &mut observed);
        points.push(summarise(&trace, sim.scenario(), url, at));
    }
    Ok(from_points(points, events, observed, spec))
}

/// A stream's result from its points, its changes and what the world did.
#[cfg(feature = "engine")]
pub(crate) fn from_points(
    points: Vec<Point>,
    events: Vec<Event>,
    mut observed: Vec<Observed>,
    spec: &StreamSpec,
) -> StreamResult {
    observed.sort_by_key(|o| o.at_us);
    let (failure_span_us, longest_run, outage_us, outage_start_us) = outage(&points, spec.every_us);
    StreamResult {
        failed: points.iter().filter(|p| !p.ok).count(),
        points,
        events,
        observed,
        failure_span_us,
        longest_run,
        outage_us,
        outage_start_us,
    }
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
    "http://www.foobar.com/search?q=Nginx",
];

/// One design's cell of a sweep row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepCell {
    pub design: Design,
    /// Share of the mix that succeeded (`None`: the design has no such part).
    pub share: Option<f64>,
    /// The failed requests: `"status url"`.
    pub failures: Vec<String>,
    /// What the failure did to the design (`None`: no such part).
    pub effect: Option<Effect>,
    /// The slowest request of the stream, µs: a failover can delay
    /// requests without losing any.
    pub slowest_us: u64,
    /// What the design did by itself after the failure (health checks, the
    /// replica's promotion, a balancer taking the address over).
    pub observed: Vec<Observed>,
}

/// What the lessons read of a sweep: the failures that stop the one-server
/// design. The page's first module keeps only this; the rows go, packed,
/// to the panel that draws them (`session::Reply::Sweep`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepSeen {
    pub stops_one_server: Vec<String>,
}

impl SweepSeen {
    pub fn of(rows: &[SweepRow]) -> Self {
        SweepSeen {
            stops_one_server: spofs(rows, Design::OneServer)
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }
}

/// The failures that stop the service in `design`: its single points of
/// failure, as the sweep measured them.
pub fn spofs(rows: &[SweepRow], design: Design) -> Vec<&str> {
    rows.iter()
        .filter(|r| r.effect(design).is_some_and(Effect::is_spof))
        .map(|r| r.failure.as_str())
        .collect()
}

/// One row of the availability matrix: one failure, every design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    pub failure: String,
    pub cells: Vec<SweepCell>,
}

impl SweepRow {
    pub fn cell(&self, design: Design) -> Option<&SweepCell> {
        self.cells.iter().find(|c| c.design == design)
    }

    /// The share that succeeded in a design (`None`: no such part, or the
    /// design was not swept).
    pub fn share(&self, design: Design) -> Option<f64> {
        self.cell(design).and_then(|c| c.share)
    }

    pub fn effect(&self, design: Design) -> Option<&Effect> {
        self.cell(design).and_then(|c| c.effect.as_ref())
    }
}

/// What failing one part did to a design, computed from its stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Every request succeeded.
    Survived,
    /// Requests failed until the design noticed the failure and worked
    /// around it, then every page succeeded again: detection (or failover)
    /// time, not a single point of failure.
    Detected {
        /// Requests lost before it was worked around, of `sent`.
        lost: usize,
        sent: usize,
        /// From the failure to the moment it was worked around, µs: the
        /// health check that took the server out of rotation, or the
        /// replica's promotion; without either, the first request after the
        /// last failure (the stream's pace bounds it).
        after_us: u64,
        /// What worked around it: the health check that took a server out
        /// of rotation, or the replica's promotion.
        how: Option<Observed>,
    },
    /// Requests still failed when the stream ended, long after the failure:
    /// the part's failure stops the service, a single point of failure.
    Stops {
        /// The pages that failed until the end (paths).
        down: Vec<String>,
        /// The pages that still worked (paths), e.g. static files.
        still_ok: Vec<String>,
    },
}

/// True when a SQL statement changes data (so it needs the primary).
pub fn is_write(sql: &str) -> bool {
    let first = sql.split_whitespace().next().unwrap_or("");
    ["INSERT", "UPDATE", "DELETE", "REPLACE"]
        .iter()
        .any(|k| first.eq_ignore_ascii_case(k))
}

fn path_of(url: &str) -> String {
    url.find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| url[i + 3 + j..].to_string()))
        .unwrap_or_else(|| url.to_string())
}

impl Effect {
    /// Classifies a stream whose failure was injected at `failed_at_us`.
    pub fn of(r: &StreamResult, failed_at_us: u64) -> Effect {
        let Some(last) = r.points.iter().rposition(|p| !p.ok) else {
            return Effect::Survived;
        };
        let after = &r.points[last + 1..];
        let mut urls: Vec<&str> = Vec::new();
        for p in &r.points {
            if !urls.contains(&p.url.as_str()) {
                urls.push(&p.url);
            }
        }
        // Recovered: every page of the mix succeeded after the last failure.
        let recovered = urls.iter().all(|u| after.iter().any(|p| p.url == *u));
        if !recovered {
            let mut down: Vec<String> = Vec::new();
            let mut still_ok: Vec<String> = Vec::new();
            for u in &urls {
                let tail_failed = r.points[..=last]
                    .iter()
                    .rev()
                    .find(|p| p.url == *u)
                    .is_some_and(|p| !p.ok)
                    && !after.iter().any(|p| p.url == *u);
                let path = path_of(u);
                if tail_failed {
                    down.push(path);
                } else if r.points.iter().filter(|p| p.url == *u).all(|p| p.ok) {
                    still_ok.push(path);
                }
            }
            return Effect::Stops { down, still_ok };
        }
        let last_failure_us = r.points[last].at_us;
        // What worked around it: the first health check marking a server
        // down, or the promotion, after the last lost request.
        let fix = r.observed.iter().find(|o| {
            o.at_us >= failed_at_us
                && o.at_us > last_failure_us
                && matches!(
                    o.what,
                    Noticed::ServerDown(_) | Noticed::ReplicaPromoted | Noticed::AddressMoved
                )
        });
        let (after_us, how) = match fix {
            Some(o) => (o.at_us - failed_at_us, Some(o.clone())),
            None => (
                after
                    .first()
                    .map_or(0, |p| p.at_us.saturating_sub(failed_at_us)),
                None,
            ),
        };
        Effect::Detected {
            lost: r.failed,
            sent: r.points.len(),
            after_us,
            how,
        }
    }

    /// A single point of failure: its failure stops the service.
    pub fn is_spof(&self) -> bool {
        matches!(self, Effect::Stops { .. })
    }
}

/// The failures the sweep injects, each named for the matrix and injected
/// as the diagram's fault of that name: a design without the part
/// ([`Fault::applies_to`]) gets no cell, and a web server's fault hits the
/// single server in the one-server design and `web-01` elsewhere.
pub fn sweep_failures() -> [(&'static str, Fault); 9] {
    [
        ("DNS records deleted", Fault::DnsRecordMissing),
        ("Load balancer powered off", Fault::LoadBalancerOff),
        ("Standby load balancer powered off", Fault::StandbyLbOff),
        ("A web server powered off", Fault::ServerPoweredOff),
        ("Nginx stopped on a web server", Fault::NginxStopped),
        ("Application stopped on a web server", Fault::AppStopped),
        ("An application machine powered off", Fault::AppMachineOff),
        ("Primary database stopped", Fault::DatabaseStopped),
        ("Replica database stopped", Fault::ReplicaStopped),
    ]
}

/// The stream each failure is measured with: the mix, 20 requests over 30 s
/// from the moment of the failure (so detection and failover time count),
/// over HTTPS where the design serves it.
pub fn sweep_spec(https: bool) -> StreamSpec {
    StreamSpec {
        urls: SWEEP_URLS
            .iter()
            .map(|s| match s.strip_prefix("http://") {
                Some(rest) if https => format!("https://{rest}"),
                _ => s.to_string(),
            })
            .collect(),
        start_us: 1_000_000,
        every_us: 1_500_000,
        count: 20,
    }
}

#[cfg(feature = "engine")]
fn measure(
    scenario: &Scenario,
    design: Design,
    change: Option<Change>,
) -> Result<SweepCell, ScenarioError> {
    let Some(change) = change else {
        return Ok(SweepCell {
            design,
            share: None,
            failures: Vec::new(),
            effect: None,
            slowest_us: 0,
            observed: Vec::new(),
        });
    };
    let https = matches!(&scenario.topology, Topology::Redundant(c) if c.lb.https.is_some());
    let spec = sweep_spec(https);
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
    Ok(SweepCell {
        design,
        share: Some(r.availability()),
        failures,
        effect: Some(Effect::of(&r, spec.start_us)),
        slowest_us: r.points.iter().map(|p| p.latency_us).max().unwrap_or(0),
        observed: r.observed.clone(),
    })
}

/// Fails each part in turn, in every world given (one per design), and
/// measures what share of the request mix still succeeds, and whether the
/// service stopped or only lost (or delayed) requests until the failure
/// was worked around.
#[cfg(feature = "engine")]
pub fn sweep(worlds: &[Scenario]) -> Result<Vec<SweepRow>, ScenarioError> {
    sweep_failures()
        .into_iter()
        .map(|(name, fault)| {
            let cells = worlds
                .iter()
                .map(|w| {
                    let change = fault.applies_to(&w.topology).then(|| fault.change());
                    measure(w, Design::of(w), change)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SweepRow {
                failure: name.to_string(),
                cells,
            })
        })
        .collect()
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    use super::*;

    fn points(pattern: &str) -> Vec<Point> {
        pattern
            .chars()
            .enumerate()
            .map(|(i, c)| Point {
                at_us: i as u64 * 100,
                url: "http://www.foobar.com/".into(),
                ok: c == '.',
                status: if c == '.' { "200" } else { "502" }.into(),
                latency_us: 1,
                server: None,
                reason: None,
                sql: None,
                version: None,
            })
            .collect()
    }

    #[test]
    fn an_outage_is_time_with_no_success() {
        // (span first→last failure, longest run, outage, its start)
        assert_eq!(outage(&points("....."), 100), (0, 0, 0, None));
        // Failures between successes: spread over 400 µs, no outage.
        assert_eq!(outage(&points(".X.X.X."), 100), (400, 1, 0, None));
        // Three in a row: no success from the first (100) to the next request (400).
        assert_eq!(outage(&points(".XXX.X."), 100), (400, 3, 300, Some(100)));
        // A run at the end lasts to the end of the last request's slot.
        assert_eq!(outage(&points("..XX"), 100), (100, 2, 200, Some(200)));
        assert_eq!(outage(&[], 100), (0, 0, 0, None));
        assert!(is_write("update posts SET views = 1") && !is_write("SELECT 1"));
    }
}
