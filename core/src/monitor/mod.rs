//! Monitoring: an agent on each web server, a dashboard and an alert rule.
//!
//! The secured-and-monitored design puts a monitoring agent on every
//! server. Here each agent reads its server's Nginx and CPU every
//! [`promql::EVAL_S`] seconds ([`agent`]) during a run of the load engine
//! with something going wrong in it (an application that stops, a bad
//! release: [`crate::load::Incident`]), and the monitoring service
//! evaluates one alert rule over what the agents sent ([`promql`]). The
//! numbers are the load engine's, whose costs the pipeline measured.
//!
//! "How would you monitor your web server's QPS?" is answered by the run
//! itself: `stub_status` read twice, 15 s apart, and the difference.

pub mod agent;
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
    /// Requests that failed during the run (any 5xx), and all of them.
    pub failed: u64,
    pub requests: u64,
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

/// The balancer's health checks of this world (the seed's redundant
/// design's when the world has one server).
pub fn health_of(world: &Scenario) -> HealthChecks {
    let lb = match &world.topology {
        Topology::Redundant(c) => c.lb.clone(),
        _ => match crate::seed::redundant_stack().topology {
            Topology::Redundant(c) => c.lb,
            _ => unreachable!("the redundant seed has a balancer"),
        },
    };
    HealthChecks {
        inter_us: lb.health_check_interval_us,
        fall: lb.fall,
        rise: lb.rise,
    }
}

/// The replica's lag in this world (the seed's when it has one server).
#[cfg(feature = "engine")]
fn lag_of(world: &Scenario) -> f64 {
    let lag = match &world.topology {
        Topology::Redundant(c) => c.replication_lag_us,
        _ => match crate::seed::redundant_stack().topology {
            Topology::Redundant(c) => c.replication_lag_us,
            _ => 0,
        },
    };
    lag as f64 / 1e6
}

/// Runs the load engine with the spec's incident and builds the dashboard.
#[cfg(feature = "engine")]
pub fn run(world: &Scenario, spec: &MonitorSpec) -> Result<Dashboard, String> {
    spec.check()?;
    let health = health_of(world);
    let load = spec.load_spec(Some(health));
    let costs = crate::load::route_costs(world, &load.mix).map_err(|e| e.to_string())?;
    Ok(dashboard(spec, &load, costs, lag_of(world)))
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

/// The dashboard from the run with given route costs.
pub fn dashboard(
    spec: &MonitorSpec,
    load: &crate::load::LoadSpec,
    costs: Vec<crate::load::RouteCost>,
    lag_s: f64,
) -> Dashboard {
    let mut sim = crate::load::LoadSim::with_costs(load.clone(), costs);
    while !sim.step(1 << 16) {}
    let result = sim.result();
    let agents: Vec<Agent> = result
        .per_server
        .iter()
        .enumerate()
        .map(|(k, ivs)| Agent {
            host: format!("web-{:02}", k + 1),
            scrapes: agent::readings(ivs, EVAL_S),
        })
        .collect();
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
        failed: result.failed(),
        requests: result.arrivals,
        notes: Vec::new(),
    };
    d.notes = d.explain();
    d
}

impl Dashboard {
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

    /// What happened, computed from the run, in a few sentences.
    pub fn explain(&self) -> Vec<String> {
        let mut out = Vec::new();
        let rule = &self.spec.rule;
        let (pending, fired, resolved) = self.alert_times();
        let share = |x: f64| format!("{:.1}%", x * 100.0);
        if let Some((from, to)) = self.incident_window() {
            let what = match self.spec.incident {
                Some(Incident::AppDown { server, .. }) => format!(
                    "The application on web-{:02} stopped at {} and came back at {}",
                    server + 1,
                    clock(from),
                    clock(to)
                ),
                Some(Incident::BadRelease { share: s, .. }) => format!(
                    "A release that fails {} of the pages ran from {} to {}",
                    share(s),
                    clock(from),
                    clock(to)
                ),
                None => String::new(),
            };
            out.push(format!(
                "{what}: {} of {} requests failed in the {} minutes shown.",
                self.failed, self.requests, self.spec.minutes
            ));
            if let Some((out_s, back_s)) = self.out_of_rotation {
                out.push(format!(
                    "The balancer's health checks took it out of rotation at {} ({:.0} s after it stopped) and put it back at {}: in between, web-02 took every request.",
                    clock(out_s),
                    out_s - from,
                    clock(back_s)
                ));
            }
            match (pending, fired) {
                (p, Some(f)) => {
                    out.push(format!(
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
                    ));
                }
                (Some(p), None) => out.push(format!(
                    "The rule became pending at {} (the share reached {}), but the errors stopped before it had held for {}: it never fired.{}",
                    clock(f64::from(p)),
                    share(self.peak_share()),
                    promql::duration(rule.for_s),
                    if self.out_of_rotation.is_some() {
                        " Only the per-server view shows that web-01 was out of rotation: an alert on each server's health (the balancer's DOWN) is what would page someone."
                    } else {
                        ""
                    }
                )),
                (None, None) => out.push(format!(
                    "The 5xx share never went above {} (at most {}): the rule stayed quiet.{}",
                    share(rule.threshold),
                    share(self.peak_share()),
                    if self.out_of_rotation.is_some() {
                        " Only the per-server view shows that web-01 was out of rotation: an alert on each server's health (the balancer's DOWN) is what would page someone."
                    } else {
                        ""
                    }
                )),
            }
        } else {
            out.push(format!(
                "Nothing went wrong: {} requests, {} failed; the 5xx share stayed at {} at most.",
                self.requests,
                self.failed,
                share(self.peak_share())
            ));
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
