//! Load: a seeded discrete-event simulation of many requests against the stack.
//!
//! One request at a time is what the pipeline traces; this module asks what
//! happens when thousands arrive each second. Each route's cost comes from
//! the pipeline itself (a traced request per route), so a static file is
//! cheap and a page with SQL is not, for the same reasons as in a trace.
//!
//! The model, stage by stage, per web server:
//! - **Nginx** takes every request (`cores` parallel, its own small CPU cost)
//!   and serves static files itself; it holds at most `max_connections`
//!   requests in progress, beyond which it answers 503: that is nginx's
//!   `limit_conn` with a per-server key (see [`LoadSpec::nginx_config`]).
//! - **Application workers** (`cores` of them: one per CPU core) take dynamic
//!   requests from a FIFO queue; a worker stays busy for the route's CPU time
//!   and while it waits for its database queries.
//! - **The database** (`db_connections` in parallel, shared by all web
//!   servers) runs the queries.
//! - A request not answered within `timeout_us` counts as a 504 (Nginx's
//!   `proxy_read_timeout`), and a worker does not start a request that has
//!   already timed out. (Real nginx times the wait between two reads from
//!   the application; here the wait counts from the request's arrival, of
//!   which waiting for a worker is nearly all.)
//!
//! Service times are exponential around the pipeline's costs; arrivals are
//! Poisson, optionally with periodic bursts. Time is virtual (ns), nothing
//! reads a clock, and results are aggregated into fixed-size histograms.

mod engine;
pub mod job;
pub mod machines;
pub mod stats;

use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
#[cfg(feature = "engine")]
use crate::scenario::Scenario;
#[cfg(feature = "engine")]
use crate::seed;
#[cfg(feature = "engine")]
use crate::sim::Simulator;
#[cfg(feature = "engine")]
use crate::trace::{Component, Outcome};

pub use engine::{app_capacity_per_s, db_capacity_per_s, rotation_gap, LoadSim};
pub use stats::Histogram;

/// Periodic bursts of extra traffic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Burst {
    /// Arrival rate during a burst, as a multiple of the base rate.
    pub factor: f64,
    /// A burst starts every `every_s` seconds…
    pub every_s: f64,
    /// …and lasts `length_s` seconds…
    pub length_s: f64,
    /// …the first at `start_s` (none before it).
    #[serde(default)]
    pub start_s: f64,
}

/// A change of capacity during a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// Vertical scaling: every server is stopped, given this many cores,
    /// and started again (a machine's size changes only while it is off).
    Resize { cores: u32 },
    /// Horizontal scaling: this many servers (of the same size) boot and
    /// join the load balancer's rotation once up.
    AddServers { servers: u32 },
}

/// When capacity changes, and how long the change takes: the restart of a
/// resize (no connections meanwhile), or the boot of added servers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    pub at_s: f64,
    pub change: Change,
    pub takes_s: f64,
}

/// An autoscaling rule: add a server when the application workers stay
/// busier than `threshold` for `window_s`; it boots for `boot_s` before it
/// takes requests. One server at a time (the next decision waits for the
/// last boot), up to `max_servers`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Autoscale {
    /// Busy share of the workers, 0 to 1.
    pub threshold: f64,
    pub window_s: f64,
    pub boot_s: f64,
    pub max_servers: u32,
}

/// One server the autoscaling rule added.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Added {
    /// When the rule fired.
    pub decided_s: f64,
    /// When it was up and in rotation (none if after the run's end).
    pub serving_s: Option<f64>,
}

/// Something going wrong during a run (the monitoring panel's incidents).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Incident {
    /// The application on web server `server` (0-based) stops at `at_s` and
    /// is started again `for_s` later. Meanwhile that server's Nginx answers
    /// its pages 502 Bad Gateway at once (its `proxy_pass` is refused), and
    /// a page the application was still working on when it stopped is
    /// answered 502 too; static files are still served.
    AppDown { server: u32, at_s: f64, for_s: f64 },
    /// A release with a bug reaches every server at `at_s` and is rolled
    /// back `for_s` later: meanwhile that share of the pages (0 to 1) fail
    /// with 500 Internal Server Error once the application has done its work.
    BadRelease { at_s: f64, for_s: f64, share: f64 },
}

/// The load balancer's health checks (several servers only), as HAProxy's
/// `check inter … fall … rise …`: a server failing `fall` checks in a row
/// is taken out of rotation, one passing `rise` in a row is put back.
/// A check asks for a page, so a server whose application is down fails it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthChecks {
    pub inter_us: u64,
    pub fall: u32,
    pub rise: u32,
}

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadSpec {
    pub seed: u64,
    /// Mean offered load, requests per second.
    pub rate_per_s: f64,
    pub burst: Option<Burst>,
    /// URLs and their weights in the mix.
    pub mix: Vec<(String, u32)>,
    /// Simulated seconds.
    pub duration_s: f64,
    /// Web servers behind the load balancer (1: the single server).
    pub servers: u32,
    /// CPU cores per web server (vertical scaling).
    pub cores: u32,
    /// Requests Nginx holds at once per server before answering 503
    /// (`limit_conn per_server N;` in [`LoadSpec::nginx_config`]).
    pub max_connections: u32,
    /// Queries the database runs in parallel.
    pub db_connections: u32,
    /// Nginx gives up on the application after this long: 504.
    pub timeout_us: u64,
    /// Number of intervals in the time series.
    pub intervals: u32,
    /// A change of capacity during the run.
    #[serde(default)]
    pub scaling: Option<Scaling>,
    /// An autoscaling rule, evaluated at each interval's end.
    #[serde(default)]
    pub autoscale: Option<Autoscale>,
    /// Something going wrong during the run.
    #[serde(default)]
    pub incident: Option<Incident>,
    /// The balancer's health checks; `None`: a server stays in rotation
    /// whatever it answers.
    #[serde(default)]
    pub health: Option<HealthChecks>,
    /// Also count every interval per web server ([`LoadResult::per_server`]):
    /// what an agent on each server sees.
    #[serde(default)]
    pub per_server: bool,
}

impl Default for LoadSpec {
    fn default() -> Self {
        LoadSpec {
            seed: 1,
            rate_per_s: 200.0,
            burst: None,
            mix: vec![
                ("http://www.foobar.com/".into(), 5),
                ("http://www.foobar.com/posts/hello-world".into(), 3),
                ("http://www.foobar.com/static/style.css".into(), 2),
            ],
            duration_s: 30.0,
            servers: 1,
            cores: 2,
            max_connections: 1024,
            db_connections: 8,
            timeout_us: 10_000_000,
            intervals: 60,
            scaling: None,
            autoscale: None,
            incident: None,
            health: None,
            per_server: false,
        }
    }
}

/// What one request of a route costs, measured from a traced request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteCost {
    pub url: String,
    pub weight: u32,
    /// Served by Nginx alone.
    pub is_static: bool,
    /// Nginx's own work, µs.
    pub nginx_us: f64,
    /// The application's CPU time (routing, rendering), µs.
    pub app_us: f64,
    /// Time spent on database queries (including the round trips), µs.
    pub db_us: f64,
    /// Number of queries.
    pub queries: u32,
    /// What crossing the load balancer adds (its own work and the hops to
    /// and from a web server), µs, measured on the redundant design.
    #[serde(default)]
    pub lb_us: f64,
}

/// Why a spec cannot be simulated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// A value out of range, in a learner's words.
    Spec(String),
    Scenario(ScenarioError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Spec(s) => write!(f, "{s}"),
            LoadError::Scenario(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// The most requests one run may simulate.
pub const MAX_REQUESTS: f64 = 20_000_000.0;

impl LoadSpec {
    pub fn validate(&self) -> Result<(), LoadError> {
        let bad = |m: &str| Err(LoadError::Spec(m.to_string()));
        if !(self.rate_per_s.is_finite() && self.rate_per_s > 0.0) {
            return bad("the load must be a positive number of requests per second");
        }
        if !(self.duration_s.is_finite() && self.duration_s > 0.0 && self.duration_s <= 3600.0) {
            return bad("the duration must be between 0 and 3600 seconds");
        }
        let peak = self.rate_per_s * self.burst.map_or(1.0, |b| b.factor.max(1.0));
        if peak * self.duration_s > MAX_REQUESTS {
            return bad("that is more than 20 million requests; shorten the run or lower the load");
        }
        if let Some(b) = self.burst {
            if !(b.factor.is_finite() && b.factor >= 1.0 && b.factor <= 100.0) {
                return bad("a burst multiplies the load by 1 to 100");
            }
            if !(b.every_s.is_finite()
                && b.length_s.is_finite()
                && b.every_s > 0.0
                && b.length_s >= 0.0
                && b.length_s <= b.every_s)
            {
                return bad("a burst must be shorter than the time between bursts");
            }
            if !(b.start_s.is_finite() && b.start_s >= 0.0) {
                return bad("the first burst starts at 0 s or later");
            }
        }
        if self.mix.is_empty() || self.mix.iter().all(|(_, w)| *w == 0) {
            return bad("the request mix is empty");
        }
        if self.mix.len() > 64 {
            return bad("the request mix has more than 64 entries");
        }
        if !(1..=64).contains(&self.servers) {
            return bad("between 1 and 64 servers");
        }
        let largest = machines::LARGEST.cores;
        if !(1..=largest).contains(&self.cores) {
            return Err(LoadError::Spec(format!(
                "between 1 and {largest} cores per server: the largest machine on offer has {largest}; past it, only more servers add capacity"
            )));
        }
        if let Some(a) = self.autoscale {
            let interval_s = self.duration_s / f64::from(self.intervals.max(1));
            if !(a.threshold.is_finite() && a.threshold > 0.0) {
                return bad("the autoscaling threshold is a busy share above 0%");
            }
            if a.threshold >= 1.0 {
                return bad("the workers are never busier than 100%: a rule with that threshold can never fire");
            }
            if !(a.window_s.is_finite() && a.window_s >= 0.0) {
                return bad("the autoscaling window is a number of seconds");
            }
            if a.window_s + interval_s > self.duration_s {
                return bad("the window is as long as the run: the rule can never fire");
            }
            if !(a.boot_s.is_finite() && (0.0..=3600.0).contains(&a.boot_s)) {
                return bad("a boot takes 0 to 3600 seconds");
            }
            if a.max_servers <= self.servers {
                return bad("the rule may add servers only up to its maximum, which is already running: it can never fire");
            }
            if a.max_servers > 64 {
                return bad("the rule may run 64 servers at most");
            }
        }
        if let Some(sc) = self.scaling {
            if !(sc.at_s.is_finite() && sc.at_s >= 0.0 && sc.at_s < self.duration_s) {
                return bad("a scaling change happens during the run");
            }
            if !(sc.takes_s.is_finite() && (0.0..=3600.0).contains(&sc.takes_s)) {
                return bad("a restart or a boot takes 0 to 3600 seconds");
            }
            match sc.change {
                Change::Resize { cores } if !(1..=largest).contains(&cores) => {
                    return Err(LoadError::Spec(format!(
                        "a server can be resized to 1 to {largest} cores: the largest machine on offer has {largest}"
                    )));
                }
                Change::AddServers { servers } if servers == 0 || self.servers + servers > 64 => {
                    return bad("scaling out adds 1 server or more, up to 64 in all");
                }
                _ => {}
            }
        }
        match self.incident {
            Some(Incident::AppDown {
                server,
                at_s,
                for_s,
            }) => {
                if server >= self.servers {
                    return bad("the application that stops must be on one of the servers");
                }
                if !(at_s.is_finite() && at_s >= 0.0 && at_s < self.duration_s) {
                    return bad("the incident starts during the run");
                }
                if !(for_s.is_finite() && for_s > 0.0 && for_s <= 3600.0) {
                    return bad("an incident lasts more than 0 and at most 3600 seconds");
                }
            }
            Some(Incident::BadRelease { at_s, for_s, share }) => {
                if !(at_s.is_finite() && at_s >= 0.0 && at_s < self.duration_s) {
                    return bad("the incident starts during the run");
                }
                if !(for_s.is_finite() && for_s > 0.0 && for_s <= 3600.0) {
                    return bad("an incident lasts more than 0 and at most 3600 seconds");
                }
                if !(share.is_finite() && share > 0.0 && share <= 1.0) {
                    return bad(
                        "a bad release fails between 0% (not included) and 100% of the pages",
                    );
                }
            }
            None => {}
        }
        if let Some(h) = self.health {
            if !(100_000..=60_000_000).contains(&h.inter_us)
                || !(1..=10).contains(&h.fall)
                || !(1..=10).contains(&h.rise)
            {
                return bad(
                    "health checks run every 0.1 to 60 s, and fall and rise are 1 to 10 checks",
                );
            }
        }
        if self.per_server && u64::from(self.servers) * u64::from(self.intervals) > 20_000 {
            return bad("counting per server keeps at most 20,000 server-intervals");
        }
        if !(1..=1_000_000).contains(&self.max_connections)
            || !(1..=10_000).contains(&self.db_connections)
        {
            return bad("connection limits must be positive");
        }
        if self.timeout_us == 0 || !(1..=1000).contains(&self.intervals) {
            return bad("the timeout and the number of intervals must be positive");
        }
        Ok(())
    }
}

/// `10s`, `1500ms`: an nginx time.
fn nginx_time(us: u64) -> String {
    if us % 1_000_000 == 0 {
        format!("{}s", us / 1_000_000)
    } else {
        format!("{}ms", us.div_ceil(1000))
    }
}

impl LoadSpec {
    /// The settings of each web server's Nginx that this simulation models,
    /// as nginx configuration (an `http`-level include: it passes `nginx -t`
    /// inside `http { }`).
    ///
    /// The limit that turns requests away is `limit_conn`, keyed on
    /// `$server_name` so one count covers every request the server is
    /// processing, as the engine counts them (static files included). From
    /// nginx's documentation of ngx_http_limit_conn_module
    /// (<https://nginx.org/en/docs/http/ngx_http_limit_conn_module.html>): a
    /// connection is counted "only if it has a request being processed by the
    /// server and the whole request header has already been read"; past the
    /// limit nginx answers `limit_conn_status`, whose default is 503 (Service
    /// Temporarily Unavailable); the documentation's own example of a limit
    /// on "the total number of connections to the virtual server" is
    /// `limit_conn_zone $server_name zone=perserver:10m;`.
    ///
    /// The 504 comes from `proxy_read_timeout`
    /// (<https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout>,
    /// default 60s; here the spec's timeout), after which nginx answers
    /// 504 (Gateway Time-out).
    pub fn nginx_config(&self) -> String {
        let max = self.max_connections;
        let timeout = nginx_time(self.timeout_us);
        [
            "# On each web server: the Nginx settings the load simulation models.".to_string(),
            "# One count for the whole server: every request in progress on it.".into(),
            "limit_conn_zone $server_name zone=per_server:1m;".into(),
            String::new(),
            "server {".into(),
            "    listen 80;".into(),
            "    server_name foobar.com www.foobar.com;".into(),
            "    root /var/www/foobar;".into(),
            String::new(),
            format!("    # At most {max} requests in progress; the next is answered"),
            "    # 503 Service Temporarily Unavailable (limit_conn_status's default).".into(),
            format!("    limit_conn per_server {max};"),
            String::new(),
            "    # Static files: Nginx serves them itself.".into(),
            "    location ^~ /static/ {".into(),
            "        try_files $uri =404;".into(),
            "    }".into(),
            String::new(),
            "    # Pages: the application, one worker per CPU core.".into(),
            "    location / {".into(),
            "        proxy_pass http://127.0.0.1:8000;".into(),
            format!(
                "        # No answer from the application within {timeout}: 504 Gateway Time-out."
            ),
            format!("        proxy_read_timeout {timeout};"),
            "    }".into(),
            "}".into(),
            String::new(),
        ]
        .join("\n")
    }
}

/// Measures each route of the mix by tracing one request through the
/// pipeline (with a warm DNS cache) and adding up where the time went.
#[cfg(feature = "engine")]
pub fn route_costs(
    scenario: &Scenario,
    mix: &[(String, u32)],
) -> Result<Vec<RouteCost>, ScenarioError> {
    let mut sim = Simulator::new(scenario.clone())?;
    let mut out = Vec::with_capacity(mix.len());
    for (i, (url, weight)) in mix.iter().enumerate() {
        let at = (i as u64 + 1) * 1_000_000;
        sim.request(url, at); // warm the DNS cache and the database
        let t = sim.request(url, at + 500_000);
        let mut c = RouteCost {
            url: url.clone(),
            weight: *weight,
            is_static: false,
            nginx_us: 0.0,
            app_us: 0.0,
            db_us: 0.0,
            queries: 0,
            lb_us: 0.0,
        };
        let mut reached_app = false;
        for s in &t.steps {
            let d = s.duration_us as f64;
            match (s.from, s.to) {
                (Component::Nginx, Component::Nginx) => c.nginx_us += d,
                (Component::App, Component::App) => {
                    reached_app = true;
                    c.app_us += d
                }
                (Component::App, Component::Database | Component::Replica) => {
                    c.db_us += d;
                    c.queries += 1;
                }
                (Component::Database | Component::Replica, Component::App) => c.db_us += d,
                _ => {}
            }
        }
        c.is_static = !reached_app && matches!(t.outcome, Outcome::Response { .. });
        out.push(c);
    }
    // The balancer's share, from the same requests on the redundant design.
    let redundant = Scenario {
        topology: seed::redundant_stack().topology,
        ..scenario.clone()
    };
    if let Ok(mut sim) = Simulator::new(redundant) {
        for (i, c) in out.iter_mut().enumerate() {
            let at = (i as u64 + 1) * 1_000_000;
            sim.request(&c.url, at);
            let t = sim.request(&c.url, at + 500_000);
            c.lb_us = t
                .steps
                .iter()
                .filter(|s| s.from == Component::LoadBalancer || s.to == Component::LoadBalancer)
                .filter(|s| s.from != Component::Browser && s.to != Component::Browser)
                .map(|s| s.duration_us as f64)
                .sum();
        }
    }
    Ok(out)
}

/// One interval of the time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub start_s: f64,
    pub arrivals: u64,
    pub completed: u64,
    /// Of `completed`, the static files Nginx answered without a worker
    /// (the rest are pages, each of which took a worker).
    pub completed_static: u64,
    pub rejected_503: u64,
    /// Connections refused while the servers were stopped for a resize.
    #[serde(default)]
    pub refused: u64,
    pub timed_out_504: u64,
    /// Requests per second answered successfully.
    pub throughput: f64,
    pub p50_us: Option<u64>,
    pub p95_us: Option<u64>,
    pub p99_us: Option<u64>,
    /// Busy share of the application workers, 0..=1.
    pub app_utilisation: f64,
    pub db_utilisation: f64,
    pub nginx_utilisation: f64,
    /// Mean number waiting for an application worker (all servers).
    pub app_queue: f64,
    pub db_queue: f64,
}

/// One interval as an agent on one web server sees it: its Nginx's counts
/// (the access log, `stub_status`) and its CPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerInterval {
    /// Requests this server's Nginx took in this interval (connections
    /// accepted: one request each from the balancer).
    pub requests: u64,
    /// Answers it gave in this interval, by class: 2xx, 500, 502, 503, 504.
    pub ok: u64,
    pub e500: u64,
    pub e502: u64,
    pub e503: u64,
    pub e504: u64,
    /// Latencies of its answers (all statuses), µs.
    pub p50_us: Option<u64>,
    pub p95_us: Option<u64>,
    pub p99_us: Option<u64>,
    /// Busy share of its application workers (one per core), 0..=1: a
    /// worker waiting for the database counts as busy.
    pub busy: f64,
    /// Requests in progress on it at the interval's end (`stub_status`'s
    /// active connections, less the agent's own).
    pub active_at_end: u32,
    /// In the balancer's rotation at the interval's end.
    pub in_rotation: bool,
    /// Its CPU, 0..=1: the share of its cores computing, Nginx's work and
    /// the workers' own (a worker waiting for the database is busy but not
    /// computing). The model lets Nginx and the application each run on
    /// every core; their sum is capped at the cores.
    pub cpu: f64,
}

impl ServerInterval {
    /// Its 5xx answers (500, 502, 503, 504).
    pub fn errors_5xx(&self) -> u64 {
        self.e500 + self.e502 + self.e503 + self.e504
    }
}

/// After the last arrival: the requests still in the system are answered
/// (or time out) while no new ones come. They are in the run's totals, not
/// in its intervals: folded into the last interval they would show more
/// answers per second than the servers can give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drain {
    /// Answered after the last arrival.
    pub answered: u64,
    /// Timed out (504) after the last arrival.
    pub timed_out_504: u64,
    /// When the last of them finished, simulated seconds (at least the
    /// duration).
    pub until_s: f64,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadResult {
    pub spec: LoadSpec,
    pub costs: Vec<RouteCost>,
    /// The run itself, from 0 to the duration; what finished later is in `drain`.
    pub intervals: Vec<Interval>,
    pub drain: Drain,
    pub arrivals: u64,
    pub completed: u64,
    pub rejected_503: u64,
    pub timed_out_504: u64,
    /// Connections refused while the servers were stopped for a resize.
    #[serde(default)]
    pub refused: u64,
    pub p50_us: Option<u64>,
    pub p95_us: Option<u64>,
    pub p99_us: Option<u64>,
    pub app_utilisation: f64,
    pub db_utilisation: f64,
    pub nginx_utilisation: f64,
    pub max_app_queue: u64,
    pub max_db_queue: u64,
    /// The servers the autoscaling rule added, in order.
    #[serde(default)]
    pub added: Vec<Added>,
    /// Answered 500 or 502 (an incident), in the run and its drain.
    #[serde(default)]
    pub errors_5xx_app: u64,
    /// With [`LoadSpec::per_server`]: each server's intervals, in order.
    #[serde(default)]
    pub per_server: Vec<Vec<ServerInterval>>,
    /// Requests per second the application workers could sustain at 100 %
    /// (from the mix's mean cost), and the same for the database.
    pub app_capacity_per_s: f64,
    pub db_capacity_per_s: f64,
}

impl LoadResult {
    /// Share of requests that failed (503 or 504).
    pub fn error_rate(&self) -> f64 {
        let failed = self.failed();
        let done = self.completed + failed;
        if done == 0 {
            0.0
        } else {
            failed as f64 / done as f64
        }
    }

    /// Requests that failed: 503, 504, refused, or (an incident) 500 and 502.
    pub fn failed(&self) -> u64 {
        self.rejected_503 + self.timed_out_504 + self.refused + self.errors_5xx_app
    }

    /// Mean time the load balancer adds to a request of this mix, µs.
    pub fn lb_us(&self) -> f64 {
        mean_lb_us(&self.costs)
    }

    /// What the design costs, its single point of failure, the balancer's
    /// hop, and what a scaling change during the run did.
    pub fn scaling_sentences(&self) -> Vec<String> {
        let s = &self.spec;
        let mut out = Vec::new();
        let cores_after = match s.scaling {
            Some(Scaling {
                change: Change::Resize { cores },
                ..
            }) => cores,
            _ => s.cores,
        };
        let servers_after = match s.scaling {
            Some(Scaling {
                change: Change::AddServers { servers },
                ..
            }) => s.servers + servers,
            _ => s.servers,
        };
        if let Some(usd) = machines::monthly_usd(servers_after, cores_after) {
            let per_core = usd / f64::from(servers_after * cores_after);
            out.push(if servers_after == 1 {
                format!(
                    "One machine of {cores_after} cores costs about ${usd:.0} a month (${per_core:.0} a core; modelled prices, dearer per core past 8). It is still a single point of failure: if it stops, the site stops, however many cores it has."
                )
            } else {
                format!(
                    "{servers_after} machines of {cores_after} cores and a load balancer cost about ${usd:.0} a month (${per_core:.0} a core; modelled prices). Losing one server leaves the others answering; each request also crosses the balancer, +{} (measured on the redundant design).",
                    fmt_us(self.lb_us().round() as u64)
                )
            });
        }
        if cores_after == machines::LARGEST.cores && servers_after == 1 {
            out.push(format!(
                "{} cores is the largest machine on offer: past it, only more servers add capacity.",
                machines::LARGEST.cores
            ));
        }
        if let Some(rule) = s.autoscale {
            let rule_text = format!(
                "workers above {:.0}% busy for {:.0} s",
                rule.threshold * 100.0,
                rule.window_s
            );
            out.push(match self.added.first() {
                None => format!("The autoscaling rule ({rule_text}) never fired."),
                Some(first) => {
                    let list = |f: &dyn Fn(&Added) -> Option<f64>| {
                        self.added
                            .iter()
                            .map(|a| f(a).map_or("after the run ended".to_string(), |t| format!("at {t:.0} s")))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let before = first.serving_s.unwrap_or(f64::INFINITY);
                    let failed_before: u64 = self
                        .intervals
                        .iter()
                        .filter(|i| i.start_s < before)
                        .map(|i| i.rejected_503 + i.timed_out_504 + i.refused)
                        .sum();
                    format!(
                        "The autoscaling rule ({rule_text}) added {} server{}: it fired {}, and each took {:.0} s to boot, so the new capacity came {}. Until the first was up, {failed_before} requests failed: that is the lag of autoscaling.",
                        self.added.len(),
                        if self.added.len() == 1 { "" } else { "s" },
                        list(&|a| Some(a.decided_s)),
                        rule.boot_s,
                        list(&|a| a.serving_s),
                    )
                }
            });
        }
        if let Some(sc) = s.scaling {
            let until = sc.at_s + sc.takes_s;
            out.push(match sc.change {
                Change::Resize { cores } => format!(
                    "Resizing to {cores} cores at {:.0} s meant stopping the server{}: for {:.0} s no connection was accepted, and {} were refused.",
                    sc.at_s,
                    if s.servers == 1 { "" } else { "s" },
                    sc.takes_s.min(s.duration_s - sc.at_s),
                    self.refused
                ),
                Change::AddServers { servers } => format!(
                    "{servers} server{} added at {:.0} s took {:.0} s to boot{}; the others kept answering meanwhile, and no connection was refused.",
                    if servers == 1 { "" } else { "s" },
                    sc.at_s,
                    sc.takes_s,
                    if until > s.duration_s {
                        " (longer than the rest of the run, so they never served)".to_string()
                    } else {
                        format!(" and served from {until:.0} s")
                    }
                ),
            });
        }
        out
    }

    /// A few sentences about what the run shows, computed from its numbers.
    pub fn explain(&self) -> String {
        let s = &self.spec;
        let mut out = Vec::new();
        let total_cores = s.servers * s.cores;
        let where_ = if s.servers == 1 {
            format!(
                "one server with {} core{}",
                s.cores,
                if s.cores == 1 { "" } else { "s" }
            )
        } else {
            format!("{} servers with {} cores each", s.servers, s.cores)
        };
        out.push(format!(
            "At {:.0} requests/s on {where_}, the application workers are {:.0}% busy and the database {:.0}%.",
            s.rate_per_s,
            self.app_utilisation * 100.0,
            self.db_utilisation * 100.0
        ));
        out.push(format!(
            "The workers ({total_cores} in all) can sustain about {:.0} requests/s of this mix; the database about {:.0}.",
            self.app_capacity_per_s, self.db_capacity_per_s
        ));
        let (bottleneck, verb) = if self.app_capacity_per_s <= self.db_capacity_per_s {
            ("the application workers", "are")
        } else {
            ("the database", "is")
        };
        let saturated = self.app_utilisation >= 0.97 || self.db_utilisation >= 0.97;
        // A surge can saturate the stack for a while within a run that is
        // below capacity on average: the intervals say when.
        let full: Vec<&Interval> = self
            .intervals
            .iter()
            .filter(|i| i.app_utilisation >= 0.97 || i.db_utilisation >= 0.97)
            .collect();
        if saturated {
            let p99 = self.p99_us.map_or("unknown".to_string(), fmt_us);
            out.push(format!(
                "That is at capacity or beyond: {bottleneck} {verb} saturated, the queue grows for as long as the load lasts (up to {} waiting), and p99 latency reaches {p99}.",
                self.max_app_queue.max(self.max_db_queue)
            ));
        } else if let (Some(first), Some(last)) = (full.first(), full.last()) {
            let len_s = s.duration_s / self.intervals.len().max(1) as f64;
            let p99 = self.p99_us.map_or("unknown".to_string(), fmt_us);
            out.push(format!(
                "Below capacity on average, but not all the time: from {:.0} s to {:.0} s {bottleneck} {verb} saturated, the queue grew (up to {} waiting) and p99 latency reached {p99}.",
                first.start_s,
                last.start_s + len_s,
                self.max_app_queue.max(self.max_db_queue)
            ));
        } else if let Some(p99) = self.p99_us {
            out.push(format!(
                "Below capacity: queues stay short and p99 latency is {}.",
                fmt_us(p99)
            ));
        }
        if self.rejected_503 + self.timed_out_504 > 0 {
            out.push(format!(
                "{:.1}% of requests failed: {} were turned away by Nginx's limit_conn (503 Service Temporarily Unavailable: {} requests already in progress on their server) and {} waited longer than proxy_read_timeout ({}) for the application (504 Gateway Time-out).",
                self.error_rate() * 100.0,
                self.rejected_503,
                s.max_connections,
                self.timed_out_504,
                nginx_time(s.timeout_us)
            ));
        }
        let saturated = saturated || !full.is_empty();
        if saturated && bottleneck == "the application workers" {
            out.push("More cores (vertical scaling) or more servers (horizontal scaling) add workers; past a point the database becomes the limit.".into());
        } else if saturated {
            out.push(
                "Adding web servers no longer helps: every server shares the one database.".into(),
            );
        }
        out.extend(self.scaling_sentences());
        out.join(" ")
    }
}

/// Mean time the load balancer adds to a request of a mix, µs (weighted).
pub fn mean_lb_us(costs: &[RouteCost]) -> f64 {
    let w: f64 = costs.iter().map(|c| f64::from(c.weight)).sum();
    if w == 0.0 {
        return 0.0;
    }
    costs
        .iter()
        .map(|c| f64::from(c.weight) * c.lb_us)
        .sum::<f64>()
        / w
}

/// "850 µs", "12.3 ms", "1.20 s".
pub fn fmt_us(us: u64) -> String {
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        format!("{:.1} ms", us as f64 / 1e3)
    } else {
        format!("{:.2} s", us as f64 / 1e6)
    }
}

/// Runs a whole simulation at once.
#[cfg(feature = "engine")]
pub fn simulate(scenario: &Scenario, spec: &LoadSpec) -> Result<LoadResult, LoadError> {
    let mut sim = LoadSim::new(scenario, spec.clone())?;
    while !sim.step(usize::MAX) {}
    Ok(sim.result())
}

/// A point of the latency-vs-load curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KneePoint {
    pub rate_per_s: f64,
    pub p50_us: Option<u64>,
    pub p99_us: Option<u64>,
    pub error_rate: f64,
    pub throughput: f64,
}

/// The offered loads of the knee curve: `points` rates from 10 % to 150 %
/// of `capacity_per_s` (2 to 40 points).
pub fn knee_rates(capacity_per_s: f64, points: u32) -> Vec<f64> {
    let points = points.clamp(2, 40);
    (0..points)
        .map(|i| {
            let share = 0.1 + 1.4 * f64::from(i) / f64::from(points - 1);
            (capacity_per_s * share).max(0.1)
        })
        .collect()
}

/// The spec of one knee point: the base spec at `rate_per_s`, for
/// `duration_s`, without bursts.
pub fn knee_spec(base: &LoadSpec, rate_per_s: f64, duration_s: f64) -> LoadSpec {
    LoadSpec {
        rate_per_s,
        duration_s,
        burst: None,
        ..base.clone()
    }
}

impl KneePoint {
    /// Summarises one finished knee run.
    pub fn from_result(r: &LoadResult) -> Self {
        KneePoint {
            rate_per_s: r.spec.rate_per_s,
            p50_us: r.p50_us,
            p99_us: r.p99_us,
            error_rate: r.error_rate(),
            // Answered while requests were arriving (the drain's answers
            // came after the duration).
            throughput: r.completed.saturating_sub(r.drain.answered) as f64 / r.spec.duration_s,
        }
    }
}

/// Latency against offered load: `points` runs from 10 % to 150 % of the
/// stack's capacity, each `duration_s` long.
#[cfg(feature = "engine")]
pub fn knee(
    scenario: &Scenario,
    spec: &LoadSpec,
    points: u32,
    duration_s: f64,
) -> Result<Vec<KneePoint>, LoadError> {
    let probe = LoadSim::new(scenario, spec.clone())?;
    knee_rates(probe.capacity_per_s(), points)
        .into_iter()
        .map(|rate| {
            Ok(KneePoint::from_result(&simulate(
                scenario,
                &knee_spec(spec, rate, duration_s),
            )?))
        })
        .collect()
}
