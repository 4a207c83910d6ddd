//! The simulator: runs one request through every hop and records the trace.
//!
//! It owns the state that outlives a request (the resolver's cache, the warm
//! database, the random sequence) and threads a [`Ctx`] through the hops.
//! Hops are called in order; each appends its steps to the timeline.

use crate::browser;
use crate::dns::resolver::{Resolution, Resolver};
use crate::error::ScenarioError;
use crate::rng::Rng;
use crate::scenario::Scenario;
use crate::server::db::Db;
use crate::server::nginx::Router;
use crate::trace::{Component, Outcome, Page, Payload, Phase, Span, Status, Step, Trace};
use crate::{net, server, validate};

/// The virtual clock and the steps recorded so far in one request.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub scenario: &'a Scenario,
    pub rng: &'a mut Rng,
    /// µs since the request began.
    pub now: u64,
    /// The session time the request began at, µs.
    pub started_at_us: u64,
    pub steps: Vec<Step>,
    pub spans: Vec<Span>,
}

/// A step to record; `at_us` is taken from the clock.
pub struct StepSpec {
    pub from: Component,
    pub to: Component,
    pub phase: Phase,
    pub status: Status,
    pub duration_us: u64,
    pub title: String,
    pub explanation: String,
    pub payload: Payload,
}

impl Ctx<'_> {
    /// Records a step starting now and advances the clock by its duration.
    pub fn step(&mut self, spec: StepSpec) {
        self.steps.push(Step {
            at_us: self.now,
            duration_us: spec.duration_us,
            from: spec.from,
            to: spec.to,
            phase: spec.phase,
            status: spec.status,
            title: spec.title,
            explanation: spec.explanation,
            payload: spec.payload,
        });
        self.now = self.now.saturating_add(spec.duration_us);
    }

    /// A one-way network delay with the scenario's jitter.
    pub fn net(&mut self, base_us: u64) -> u64 {
        self.rng.jitter(base_us, self.scenario.latency.jitter_pct)
    }

    /// The absolute session time now, µs (for TTLs).
    pub fn session_now(&self) -> u64 {
        self.started_at_us.saturating_add(self.now)
    }

    pub fn span(&mut self, component: Component, label: &str, start_us: u64) {
        self.spans.push(Span {
            component,
            label: label.to_string(),
            start_us,
            end_us: self.now,
        });
    }
}

/// Shorthand for building a [`StepSpec`].
#[allow(clippy::too_many_arguments)]
pub fn spec(
    from: Component,
    to: Component,
    phase: Phase,
    status: Status,
    duration_us: u64,
    title: impl Into<String>,
    explanation: impl Into<String>,
    payload: Payload,
) -> StepSpec {
    StepSpec {
        from,
        to,
        phase,
        status,
        duration_us,
        title: title.into(),
        explanation: explanation.into(),
        payload,
    }
}

/// How a request ended, before the browser turns it into a page.
pub enum Ending {
    /// The browser received this HTTP response.
    Response {
        status: u16,
        reason: String,
        content_type: String,
        body: String,
    },
    /// The browser gave up with a Chromium error code.
    BrowserError { code: &'static str, detail: String },
}

/// The simulated world and the state that persists between requests.
pub struct Simulator {
    scenario: Scenario,
    resolver: Resolver,
    db: Db,
    router: Router,
    rng: Rng,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("scenario", &self.scenario)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Builds the world: validates the scenario and loads the database.
    pub fn new(scenario: Scenario) -> Result<Self, ScenarioError> {
        validate::scenario(&scenario)?;
        let db = Db::open(&scenario.data)?;
        Ok(Simulator {
            rng: Rng::new(scenario.seed),
            router: Router::new(&scenario.server.nginx_config),
            scenario,
            resolver: Resolver::default(),
            db,
        })
    }

    /// Builds the world from a scenario as JSON (e.g. an imported file).
    pub fn from_json(json: &str) -> Result<Self, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_str(json).map_err(|e| ScenarioError::BadJson {
                detail: e.to_string(),
            })?;
        Self::new(scenario)
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Forgets everything the resolver has cached.
    pub fn flush_dns_cache(&mut self) {
        self.resolver = Resolver::default();
    }

    /// Runs one request for what the user typed, at session time `at_us`.
    pub fn request(&mut self, input: &str, at_us: u64) -> Trace {
        let mut ctx = Ctx {
            scenario: &self.scenario,
            rng: &mut self.rng,
            now: 0,
            started_at_us: at_us,
            steps: Vec::new(),
            spans: Vec::new(),
        };
        let (outcome, page) = run(&mut ctx, &mut self.resolver, &self.db, &self.router, input);
        Trace {
            input: input.to_string(),
            started_at_us: at_us,
            steps: ctx.steps,
            outcome,
            page,
            spans: ctx.spans,
        }
    }
}

fn run(
    ctx: &mut Ctx,
    resolver: &mut Resolver,
    db: &Db,
    router: &Router,
    input: &str,
) -> (Outcome, Page) {
    let target = match browser::input::parse(ctx, input) {
        Ok(t) => t,
        Err(reason) => {
            let page = browser::pages::invalid_input(input, &reason);
            return (Outcome::InvalidInput { reason }, page);
        }
    };
    let ip = match target.ip {
        Some(ip) => {
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Dns,
                Status::Ok,
                0,
                "No DNS lookup needed",
                format!("The address already is an IP address ({ip}), so the browser skips DNS and connects straight to it."),
                Payload::None,
            ));
            ip
        }
        None => match resolver.resolve(ctx, &target.host) {
            Resolution::Address { ip, .. } => ip,
            Resolution::NxDomain => {
                return browser::finish(
                    ctx,
                    &target,
                    Ending::BrowserError {
                        code: "DNS_PROBE_FINISHED_NXDOMAIN",
                        detail: format!("{}’s server IP address could not be found.", target.host),
                    },
                )
            }
            Resolution::NoAddress => {
                return browser::finish(
                    ctx,
                    &target,
                    Ending::BrowserError {
                        code: "DNS_PROBE_FINISHED_NO_INTERNET",
                        detail: format!(
                            "{} exists in DNS but has no IPv4 address (A record).",
                            target.host
                        ),
                    },
                )
            }
            Resolution::Failed { reason } => {
                return browser::finish(
                    ctx,
                    &target,
                    Ending::BrowserError {
                        code: "ERR_NAME_NOT_RESOLVED",
                        detail: reason,
                    },
                )
            }
        },
    };
    let ending = match net::tcp::connect(ctx, &target, ip) {
        net::tcp::Connected::Ours => server::handle(ctx, db, router, &target),
        net::tcp::Connected::Other(host) => server::other_host(ctx, &target, ip, host),
        net::tcp::Connected::Failed(ending) => ending,
    };
    browser::finish(ctx, &target, ending)
}
