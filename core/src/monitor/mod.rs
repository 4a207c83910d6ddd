//! Monitoring: an agent on each web server, a dashboard and an alert rule.
//!
//! The secured-and-monitored design puts a monitoring agent on every
//! server. Here each agent reads its server's Nginx and how busy its application is every
//! [`promql::EVAL_S`] seconds ([`agent`]) during a run of the load engine
//! with something going wrong in it (an application that stops, a bad
//! release: [`crate::load::Incident`]), and the monitoring service
//! evaluates one alert rule over what the agents sent ([`promql`]). The
//! numbers are the load engine's, whose costs the simulator measured by
//! tracing one request of each kind.
//!
//! "How would you monitor your web server's QPS?" is answered by the run
//! itself: `stub_status` read twice, 15 s apart, and the difference.

pub mod agent;
pub mod balancer;
pub mod promql;

use serde::{Deserialize, Serialize};

use crate::load::{HealthChecks, Incident};
use crate::scenario::{Scenario, Topology};

pub use agent::{Scrape, StubStatus};
pub use promql::{AlertRule, Evaluation, State, EVAL_S};

/// What to watch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorSpec {
    pub seed: u64,
    /// 1: the single server; 2: two web servers behind the balancer, whose
    /// health checks take a failing one out of rotation.
    pub servers: u32,
    /// Visitors' requests per second, for the whole site.
    pub rate_per_s: f64,
    /// How long the dashboard covers, minutes.
    pub minutes: u32,
    pub incident: Option<Incident>,
    pub rule: AlertRule,
}

impl Default for MonitorSpec {
    fn default() -> Self {
        MonitorSpec {
            seed: 7,
            servers: 1,
            rate_per_s: 40.0,
            minutes: 10,
            incident: Some(Incident::AppDown {
                server: 0,
                at_s: 180.0,
                for_s: 120.0,
            }),
            rule: AlertRule::default(),
        }
    }
}

/// One agent's readings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    /// The server it runs on (`web-01`…).
    pub host: String,
    pub scrapes: Vec<Scrape>,
}

/// The dashboard: every agent's readings, the rule at every evaluation,
/// and when things happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub spec: MonitorSpec,
    pub agents: Vec<Agent>,
    pub evaluations: Vec<Evaluation>,
    /// When the balancer's health checks took the stopped server out of
    /// rotation and put it back, seconds.
    pub out_of_rotation: Option<(f64, f64)>,
    /// The health checks in force (two servers).
    pub health: Option<HealthChecks>,
    /// The replica's delay behind the primary (two servers): the
    /// database agent's `Seconds_Behind_Master`, modelled as constant.
    pub replica_lag_s: Option<f64>,
    /// Visitors' requests answered in the time shown, and those of them
    /// that failed (any 5xx).
    pub failed: u64,
    pub requests: u64,
    /// The balancer's health checks answered 502 (in the access logs too).
    #[serde(default)]
    pub failed_checks: u64,
    /// The balancer's agent (two servers): HAProxy's `show stat`, read
    /// every 15 s.
    #[serde(default)]
    pub balancer: Option<balancer::BalancerAgent>,
    /// [`Dashboard::explain`], written where the dashboard is computed (the
    /// worker), so the page only shows it.
    pub notes: Vec<String>,
}

/// `3:15` for 195 seconds.
pub fn clock(s: f64) -> String {
    let s = s.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

impl MonitorSpec {
    /// Why this cannot be watched, in a learner's words.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=2).contains(&self.servers) {
            return Err("watch one server, or two behind the balancer".into());
        }
        if !(self.rate_per_s.is_finite() && self.rate_per_s > 0.0 && self.rate_per_s <= 2000.0) {
            return Err("the traffic is more than 0 and at most 2,000 requests a second".into());
        }
        if !(2..=60).contains(&self.minutes) {
            return Err("the dashboard covers 2 to 60 minutes".into());
        }
        self.rule.check()?;
        self.load_spec(None).validate().map_err(|e| e.to_string())
    }

    /// The load engine's run behind the dashboard: one interval per reading.
    pub fn load_spec(&self, health: Option<HealthChecks>) -> crate::load::LoadSpec {
        let duration_s = f64::from(self.minutes * 60);
        crate::load::LoadSpec {
            seed: self.seed,
            rate_per_s: self.rate_per_s,
            duration_s,
            servers: self.servers,
            intervals: (self.minutes * 60) / EVAL_S,
            incident: self.incident,
            health: if self.servers > 1 { health } else { None },
            per_server: true,
            ..crate::load::LoadSpec::default()
        }
    }
}

/// This world's cluster, or the seed's redundant design's when it has one server.
fn cluster_of(world: &Scenario) -> crate::scenario::Cluster {
    if let Topology::Redundant(c) = &world.topology {
        return c.clone();
    }
    match crate::seed::redundant_stack().topology {
        Topology::Redundant(c) => c,
        Topology::Single => unreachable!("the redundant seed has a cluster"),
    }
}

/// The balancer's health checks of this world (the seed's redundant
/// design's when the world has one server).
pub fn health_of(world: &Scenario) -> HealthChecks {
    let lb = cluster_of(world).lb;
    HealthChecks {
        inter_us: lb.health_check_interval_us,
        fall: lb.fall,
        rise: lb.rise,
    }
}

/// Runs the load engine with the spec's incident and builds the dashboard.
#[cfg(feature = "engine")]
pub fn run(world: &Scenario, spec: &MonitorSpec) -> Result<Dashboard, String> {
    spec.check()?;
    let health = health_of(world);
    let load = spec.load_spec(Some(health));
    let costs = crate::load::route_costs(world, &load.mix).map_err(|e| e.to_string())?;
    let cluster = cluster_of(world);
    let hosts: Vec<String> = cluster.web.iter().map(|w| w.hostname.clone()).collect();
    Ok(dashboard(
        spec,
        &load,
        costs,
        cluster.replication_lag_us as f64 / 1e6,
        &hosts,
        &cluster.lb.hostname,
    ))
}

/// One counter the agents send: `nginx_http_responses_total{instance, class}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub instance: String,
    /// `2xx` (every answer that is not a 5xx) or `5xx`.
    pub class: &'static str,
    pub samples: Vec<promql::Sample>,
}

/// The access log's counters as the monitoring service stores them: per
/// agent, the answers that were 5xx and the others.
pub fn counter_series(agents: &[Agent]) -> Vec<Series> {
    let mut out = Vec::new();
    for a in agents {
        for (class, f) in [
            (
                "2xx",
                (|s: &Scrape| s.responses - s.errors_5xx) as fn(&Scrape) -> u64,
            ),
            ("5xx", |s: &Scrape| s.errors_5xx),
        ] {
            out.push(Series {
                instance: a.host.clone(),
                class,
                samples: a.scrapes.iter().map(|s| (s.at_s, f(s) as f64)).collect(),
            });
        }
    }
    out
}

/// The balancer's health checks that server `k` received in each interval
/// (`step_s` long): one every `inter` from `inter` on, failed while its
/// application is down.
fn checks_of(
    load: &crate::load::LoadSpec,
    k: usize,
    intervals: usize,
    step_s: u32,
) -> Vec<agent::Checks> {
    let Some(h) = load.health.filter(|_| load.servers > 1) else {
        return Vec::new();
    };
    let inter = h.inter_us.max(1);
    let step = u64::from(step_s) * 1_000_000;
    let down = match load.incident {
        Some(Incident::AppDown {
            server,
            at_s,
            for_s,
        }) if server as usize == k => {
            let at = (at_s * 1e6) as u64;
            Some(at..at + (for_s * 1e6) as u64)
        }
        _ => None,
    };
    (0..intervals as u64)
        .map(|i| {
            let (from, to) = (i * step, (i + 1) * step);
            let mut c = agent::Checks::default();
            let mut t = from.div_ceil(inter).max(1) * inter;
            while t < to {
                c.sent += 1;
                if down.as_ref().is_some_and(|d| d.contains(&t)) {
                    c.failed += 1;
                }
                t += inter;
            }
            c
        })
        .collect()
}

/// The dashboard from the run with given route costs, the replica's lag,
/// the web servers' names and the balancer's.
pub fn dashboard(
    spec: &MonitorSpec,
    load: &crate::load::LoadSpec,
    costs: Vec<crate::load::RouteCost>,
    lag_s: f64,
    hosts: &[String],
    lb: &str,
) -> Dashboard {
    let mut sim = crate::load::LoadSim::with_costs(load.clone(), costs);
    while !sim.step(1 << 16) {}
    let result = sim.result();
    let agents: Vec<Agent> = result
        .per_server
        .iter()
        .enumerate()
        .map(|(k, ivs)| Agent {
            host: hosts
                .get(k)
                .cloned()
                .unwrap_or_else(|| format!("web-{:02}", k + 1)),
            scrapes: agent::readings(ivs, &checks_of(load, k, ivs.len(), EVAL_S), EVAL_S),
        })
        .collect();
    // Behind the balancer (two servers), with its health checks' `fall`.
    let balancer = load
        .health
        .filter(|_| load.servers > 1)
        .map(|h| balancer::BalancerAgent {
            host: lb.to_string(),
            reads: balancer::reads(
                &result.per_server,
                &agents.iter().map(|a| a.host.clone()).collect::<Vec<_>>(),
                h.fall,
                EVAL_S,
            ),
        });
    let failed_checks: u64 = (0..result.per_server.len())
        .flat_map(|k| checks_of(load, k, result.per_server[k].len(), EVAL_S))
        .map(|c| c.failed)
        .sum();
    let visitors = result.per_server.iter().flatten();
    let failed: u64 = visitors
        .clone()
        .map(crate::load::ServerInterval::errors_5xx)
        .sum::<u64>()
        + result.refused;
    let requests: u64 = visitors.map(|i| i.ok).sum::<u64>() + failed;
    let series = counter_series(&agents);
    let family = |class: &str| -> Vec<Vec<promql::Sample>> {
        series
            .iter()
            .filter(|s| s.class == class)
            .map(|s| s.samples.clone())
            .collect()
    };
    let (errors, others) = (family("5xx"), family("2xx"));
    let until = spec.minutes * 60;
    let evaluations = promql::evaluate(&spec.rule, &errors, &others, until);
    let out_of_rotation = crate::load::rotation_gap(load.health, load.incident)
        .map(|(a, b)| (a as f64 / 1e9, b as f64 / 1e9));
    let mut d = Dashboard {
        spec: spec.clone(),
        agents,
        evaluations,
        out_of_rotation,
        health: load.health,
        replica_lag_s: (spec.servers > 1).then_some(lag_s),
        failed,
        requests,
        failed_checks,
        balancer,
        notes: Vec::new(),
    };
    d.notes = d.explain();
    d
}

/// What the lessons read of a dashboard: when the alert changed state,
/// whether the balancer took the server out, the incident's span and the
/// rule. The page's first module keeps only this; the dashboard itself goes,
/// packed, to the panel that draws it (`session::Reply::Monitor`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    /// When the alert first became pending, fired, and was resolved (s).
    pub pending: Option<u32>,
    pub fired: Option<u32>,
    pub resolved: Option<u32>,
    /// The balancer's health checks took the stopped server out.
    pub out_of_rotation: bool,
    /// When the incident started and ended (s).
    pub incident: Option<(f64, f64)>,
    pub rule: AlertRule,
}

impl Dashboard {
    /// What the lessons read of it.
    pub fn seen(&self) -> Seen {
        let (pending, fired, resolved) = self.alert_times();
        Seen {
            pending,
            fired,
            resolved,
            out_of_rotation: self.out_of_rotation.is_some(),
            incident: self.incident_window(),
            rule: self.spec.rule,
        }
    }

    /// When the alert first became pending, fired, and was resolved after
    /// firing (seconds).
    pub fn alert_times(&self) -> (Option<u32>, Option<u32>, Option<u32>) {
        let at = |st: State| {
            self.evaluations
                .iter()
                .find(|e| e.state == st)
                .map(|e| e.at_s)
        };
        let fired = at(State::Firing);
        let resolved = fired.and_then(|f| {
            self.evaluations
                .iter()
                .find(|e| e.at_s > f && e.state != State::Firing)
                .map(|e| e.at_s)
        });
        (at(State::Pending), fired, resolved)
    }

    /// The highest 5xx share the rule saw.
    pub fn peak_share(&self) -> f64 {
        self.evaluations
            .iter()
            .filter_map(|e| e.share)
            .fold(0.0, f64::max)
    }

    /// When the incident started and ended, seconds.
    pub fn incident_window(&self) -> Option<(f64, f64)> {
        match self.spec.incident? {
            Incident::AppDown { at_s, for_s, .. } | Incident::BadRelease { at_s, for_s, .. } => {
                Some((at_s, at_s + for_s))
            }
        }
    }

    /// The host of agent `k` (`web-01`…).
    fn host(&self, k: usize) -> String {
        self.agents
            .get(k)
            .map_or_else(|| format!("web-{:02}", k + 1), |a| a.host.clone())
    }

    /// What happened, computed from the run, in a few sentences.
    pub fn explain(&self) -> Vec<String> {
        let mut out = Vec::new();
        let rule = &self.spec.rule;
        let (pending, fired, resolved) = self.alert_times();
        let share = |x: f64| format!("{:.1}%", x * 100.0);
        let Some((from, to)) = self.incident_window() else {
            out.push(format!(
                "Nothing went wrong: {} visitors' requests, {} failed; the 5xx share stayed at {} at most.",
                self.requests,
                self.failed,
                share(self.peak_share())
            ));
            return out;
        };
        let down = match self.spec.incident {
            Some(Incident::AppDown { server, .. }) => Some(server as usize),
            _ => None,
        };
        let what = match (self.spec.incident, down) {
            (_, Some(k)) => format!(
                "The application on {} stopped at {} and came back at {}",
                self.host(k),
                clock(from),
                clock(to)
            ),
            (Some(Incident::BadRelease { share: s, .. }), _) => format!(
                "A release that fails {} of the pages ran from {} to {}",
                share(s),
                clock(from),
                clock(to)
            ),
            _ => String::new(),
        };
        out.push(format!(
            "{what}: {} of the {} visitors' requests answered in the {} minutes shown failed.",
            self.failed, self.requests, self.spec.minutes
        ));
        let per_server = match (self.out_of_rotation, down) {
            (Some((out_s, back_s)), Some(k)) => {
                out.push(format!(
                    "The balancer's health checks took {} out of rotation at {} ({:.0} s after it stopped) and put it back at {}: in between, {} took every visitor's request.",
                    self.host(k),
                    clock(out_s),
                    out_s - from,
                    clock(back_s),
                    self.host(1 - k.min(1))
                ));
                format!(
                    " The per-server view shows it: {} took no visitor's request while it was out of rotation.",
                    self.host(k)
                )
            }
            _ => String::new(),
        };
        if let (Some(k), true) = (down, self.failed_checks > 0) {
            out.push(format!(
                "The balancer kept checking {} every {} s meanwhile: its Nginx answered {} of those checks 502 and logged them like any request, so most of the 5xx in the access logs were the balancer's checks, not visitors.",
                self.host(k),
                self.health.map_or(0, |h| h.inter_us / 1_000_000),
                self.failed_checks
            ));
        }
        if let Some(last) = self.balancer.as_ref().and_then(|b| b.reads.last()) {
            let st = &last.stat;
            let checks = match down.and_then(|k| st.servers.get(k)) {
                Some(sv) if self.failed_checks > 0 => format!(
                    " None of the health checks' 502s is among them: HAProxy's checks are its own requests, counted only in {}'s check fields (chkfail {}, chkdown {}).",
                    sv.name, sv.chkfail, sv.chkdown
                ),
                _ => String::new(),
            };
            out.push(format!(
                "The balancer's agent reads HAProxy's show stat every 15 s: its frontend counted {} visitors' requests, {} of them 5xx, which is what visitors got.{checks}",
                st.requests, st.hrsp_5xx
            ));
        }
        match (pending, fired) {
            (p, Some(f)) => out.push(format!(
                "The rule ({} of 5xx over {}) fired at {}, {:.0} s after the incident began: pending at {} (the first evaluation whose window held the errors), it fired once that had lasted {} ('for').{}",
                share(rule.threshold),
                promql::duration(rule.window_s),
                clock(f64::from(f)),
                f64::from(f) - from,
                clock(f64::from(p.unwrap_or(f))),
                promql::duration(rule.for_s),
                match resolved {
                    Some(r) => format!(" It was resolved at {}.", clock(f64::from(r))),
                    None => " It was still firing at the end.".into(),
                }
            )),
            (Some(p), None) => out.push(format!(
                "The rule became pending at {} (the share reached {}), but the errors stopped before it had held for {}: it never fired.{per_server}",
                clock(f64::from(p)),
                share(self.peak_share()),
                promql::duration(rule.for_s),
            )),
            (None, None) => out.push(format!(
                "The 5xx share never went above {} (at most {}): the rule stayed quiet.{per_server}",
                share(rule.threshold),
                share(self.peak_share()),
            )),
        }
        out
    }

    /// Two consecutive readings of `stub_status` on the first agent, 15 s
    /// apart, with traffic between them: the last pair before the
    /// incident (the middle of the run without one), and the QPS as the
    /// agent computes it.
    pub fn qps_example(&self) -> Option<(&Scrape, &Scrape, f64)> {
        let scrapes = &self.agents.first()?.scrapes;
        let before = self
            .incident_window()
            .map(|(from, _)| scrapes.iter().filter(|s| f64::from(s.at_s) <= from).count());
        let k = before
            .filter(|&n| n >= 2)
            .map_or(scrapes.len() / 2, |n| n - 1)
            .max(1);
        let (a, b) = (scrapes.get(k - 1)?, scrapes.get(k)?);
        let qps = agent::qps_between(&a.status, &b.status, f64::from(b.at_s - a.at_s));
        Some((a, b, qps))
    }
}
