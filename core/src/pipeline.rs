//! Containers and automation: a deploy pipeline that builds the release's
//! image, runs its tests, then rolls it out one web server at a time, each
//! drained, its container replaced and its health checked before it takes
//! requests again; a server that keeps failing its checks is rolled back and
//! the rollout stops there. Against it, the same release deployed by hand:
//! every container replaced at once, nothing checked.
//!
//! What the pipeline decides, it decides from the simulated world: its tests
//! are requests traced in a world of their own, and its health checks are
//! the balancer's own test (`GET /health` answered: [`check_passes`]) run
//! against the server as it is at that moment. Visitors' requests flow all
//! along (a stream), each answer naming the release that served it (the
//! application's `X-App-Version` header), so a rolling deploy's version skew
//! shows: for a while, v1 and v2 answer side by side.

use serde::{Deserialize, Serialize};

use crate::scenario::Release;
use crate::stream::StreamResult;

/// How the release reaches the servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rollout {
    /// One server at a time, drained, health-checked, rolled back on failure.
    Pipeline,
    /// Every server's container replaced at once, nothing checked.
    ByHand,
}

/// What to deploy, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineSpec {
    pub release: Release,
    pub rollout: Rollout,
    /// Two web servers behind the balancer (`true`), or the single server.
    pub redundant: bool,
}

/// Modelled times of the pipeline's steps, µs.
pub const BUILD_US: u64 = 40_000_000;
/// Pulling the image's changed layers onto a server.
pub const PULL_US: u64 = 3_000_000;
/// From `docker run` to the application listening.
pub const START_US: u64 = 2_000_000;
/// Draining: requests in progress finish before the container stops.
pub const DRAIN_US: u64 = 500_000;
/// The pipeline's health check: every second, two passes in a row to go
/// on, at most ten seconds of trying before it rolls back.
pub const CHECK_EVERY_US: u64 = 1_000_000;
pub const CHECKS_TO_PASS: u32 = 2;
pub const CHECK_TIMEOUT_US: u64 = 10_000_000;
/// After a server is back on the new release, the pipeline watches it serve
/// for this long before it drains the next one (a soak: a bug that shows
/// only under real traffic stops the rollout while most servers still run
/// the old release).
pub const SOAK_US: u64 = 10_000_000;
/// When the rollout begins in the stream of visitors' requests.
pub const ROLLOUT_AT_US: u64 = 2_000_000;
/// The stream's pace.
pub const EVERY_US: u64 = 200_000;

/// One test of the release: a request traced in the test environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCase {
    pub url: String,
    pub status: String,
    /// The release that answered (`X-App-Version`).
    pub version: Option<String>,
    pub passed: bool,
}

/// One step of the pipeline (or of the deploy by hand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// When it began on the stream's clock (build and tests come before
    /// the stream: `None`).
    pub at_us: Option<u64>,
    pub took_us: u64,
    pub what: String,
    /// The command an operator would type, when there is one.
    pub command: Option<String>,
    pub ok: bool,
}

/// The whole deploy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineResult {
    pub spec: PipelineSpec,
    pub tests: Vec<TestCase>,
    pub stages: Vec<Stage>,
    /// Visitors' requests meanwhile (each point names its release).
    pub stream: StreamResult,
    /// The rollout failed a server's health checks and was undone there.
    pub rolled_back: bool,
    /// From the first answer of the new release to the last answer of the
    /// old one after it: both answered in that time.
    pub skew_us: Option<(u64, u64)>,
    /// What happened, in sentences computed from the run.
    pub notes: Vec<String>,
}

/// What the lessons read of a deploy: the page's first module keeps only
/// this; the whole result goes, packed, to the panel that draws it
/// (`session::Reply::Pipeline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub rolled_back: bool,
    /// When both releases answered (µs), as [`PipelineResult::skew_us`].
    pub skew_us: Option<(u64, u64)>,
    /// Visitors' requests meanwhile, and those that failed.
    pub requests: usize,
    pub failed: usize,
    /// What the rollback did, in a sentence (empty without one).
    pub rollback: String,
}

impl PipelineResult {
    /// What the lessons read of it.
    pub fn seen(&self) -> Seen {
        Seen {
            rolled_back: self.rolled_back,
            skew_us: self.skew_us,
            requests: self.stream.points.len(),
            failed: self.stream.failed,
            rollback: self.notes.get(2).cloned().unwrap_or_default(),
        }
    }
}

#[cfg(feature = "engine")]
pub use self::engine::{check_passes, run};

#[cfg(feature = "engine")]
mod engine {
    use super::*;
    use crate::error::ScenarioError;
    use crate::scenario::{Change, ProcessState, Scenario, Topology};
    use crate::sim::Simulator;
    use crate::stream::{self, Event, Point, StreamSpec};

    /// The health check: the balancer's own test of a web server (`GET
    /// /health` answered), or on the single server its Nginx and
    /// application running.
    pub fn check_passes(s: &Scenario, node: Option<u8>) -> bool {
        match (&s.topology, node) {
            (Topology::Redundant(c), Some(n)) => c.web.get(usize::from(n)).is_some_and(|w| {
                crate::server::lb::check_passes(c, w, c.firewall(&w.hostname).as_ref())
            }),
            _ => {
                s.server.powered_on
                    && !s.server.disk_failed
                    && s.server.nginx == ProcessState::Running
                    && s.server.app == ProcessState::Running
            }
        }
    }

    fn host(s: &Scenario, node: Option<u8>) -> String {
        match (&s.topology, node) {
            // With split tiers a deploy replaces the application machines' containers.
            (Topology::Redundant(c), Some(n)) if c.split() => c
                .app_tier
                .get(usize::from(n))
                .map_or_else(|| format!("app-{n}"), |a| a.hostname.clone()),
            (Topology::Redundant(c), Some(n)) => c
                .web
                .get(usize::from(n))
                .map_or_else(|| format!("web-{n}"), |w| w.hostname.clone()),
            _ => s.server.hostname.clone(),
        }
    }

    fn running(s: &Scenario, node: Option<u8>) -> Release {
        match (&s.topology, node) {
            (Topology::Redundant(c), Some(n)) if c.split() => c
                .app_tier
                .get(usize::from(n))
                .map_or(Release::V1, |a| a.release),
            (Topology::Redundant(c), Some(n)) => {
                c.web.get(usize::from(n)).map_or(Release::V1, |w| w.release)
            }
            _ => s.server.release,
        }
    }

    /// The release's tests: the sweep's requests traced in a test
    /// environment of their own (one server running the release, with
    /// every setting the tests need, `CACHE_URL` included).
    fn tests(world: &Scenario, release: Release) -> Result<Vec<TestCase>, ScenarioError> {
        let mut test_env = Scenario {
            topology: Topology::Single,
            ..world.clone()
        };
        test_env.server.release = release;
        test_env.server.app = ProcessState::Running;
        let mut sim = Simulator::new(test_env)?;
        Ok(stream::SWEEP_URLS
            .iter()
            .enumerate()
            .map(|(i, url)| {
                let at = (i as u64 + 1) * 1_000_000;
                let t = sim.request(url, at);
                let p = stream::summarise(&t, sim.scenario(), url, at);
                let dynamic = !url.contains("/static/");
                let passed = p.ok && (!dynamic || p.version.as_deref() == Some(release.tag()));
                TestCase {
                    url: p.url,
                    status: p.status,
                    version: p.version,
                    passed,
                }
            })
            .collect())
    }

    /// Where the rollout stands.
    #[derive(Debug, Clone, Copy)]
    enum Phase {
        /// Drain this server (the pipeline), or replace every container (by hand).
        Begin(usize),
        /// By hand: every new container has started (or exited).
        AllStarted,
        Pull(usize),
        Swap(usize),
        Started(usize),
        /// Checking it: passes in a row, and when it gives up.
        Check {
            k: usize,
            passes: u32,
            deadline: u64,
        },
        /// Undo it: start the old release's container again.
        RollBack(usize),
        RolledBackStarted(usize),
        RollBackCheck {
            k: usize,
            passes: u32,
            deadline: u64,
        },
        Done,
    }

    struct Machine {
        spec: PipelineSpec,
        nodes: Vec<Option<u8>>,
        old: Release,
        phase: Phase,
        at: u64,
        stages: Vec<Stage>,
        events: Vec<Event>,
        rolled_back: bool,
    }

    impl Machine {
        fn change(&mut self, sim: &mut Simulator, at: u64, change: Change, label: String) {
            sim.apply(change, at);
            self.events.push(Event {
                at_us: at,
                change,
                label,
            });
        }

        fn stage(
            &mut self,
            at: u64,
            took_us: u64,
            what: String,
            command: Option<String>,
            ok: bool,
        ) {
            self.stages.push(Stage {
                at_us: Some(at),
                took_us,
                what,
                command,
                ok,
            });
        }

        /// Does everything due by `now`.
        fn advance(&mut self, sim: &mut Simulator, now: u64) {
            let gated = self.spec.rollout == Rollout::Pipeline;
            let image = self.spec.release.image();
            while self.at <= now {
                let at = self.at;
                let nodes = self.nodes.clone();
                let node = |k: usize| nodes[k];
                match self.phase {
                    Phase::Done => return,
                    Phase::Begin(_) if !gated => {
                        // By hand: every server at once.
                        for k in 0..self.nodes.len() {
                            let n = node(k);
                            let h = host(sim.scenario(), n);
                            self.change(
                                sim,
                                at,
                                Change::App(n, ProcessState::Restarting),
                                format!("{h}: docker stop app; docker run {image}"),
                            );
                        }
                        self.stage(
                            at,
                            START_US,
                            format!("Replace the container on every server with {image}"),
                            Some(format!(
                                "docker pull {image} && docker stop app && docker rm app && docker run -d --name app -p 127.0.0.1:8000:8000 {image}"
                            )),
                            true,
                        );
                        self.phase = Phase::AllStarted;
                        self.at = at + START_US;
                    }
                    Phase::AllStarted => {
                        for k in 0..self.nodes.len() {
                            let n = node(k);
                            let h = host(sim.scenario(), n);
                            let label = if self.spec.release.starts_on_a_server() {
                                format!("{h} runs {image}")
                            } else {
                                format!("{h}: the {image} container exits at start")
                            };
                            self.change(sim, at, Change::Deploy(n, self.spec.release), label);
                        }
                        self.phase = Phase::Done;
                    }
                    Phase::Begin(k) => {
                        let n = node(k);
                        let h = host(sim.scenario(), n);
                        match n {
                            Some(i) => {
                                self.change(
                                    sim,
                                    at,
                                    Change::Rotation(i, false),
                                    format!("Drain {h}: no new requests"),
                                );
                                self.stage(
                                    at,
                                    DRAIN_US,
                                    format!("Drain {h} (out of the balancer's rotation)"),
                                    Some(format!("echo \"disable server web/{h}\" | socat stdio /run/haproxy.sock")),
                                    true,
                                );
                                self.at = at + DRAIN_US;
                            }
                            None => self.at = at,
                        }
                        self.phase = Phase::Pull(k);
                    }
                    Phase::Pull(k) => {
                        let h = host(sim.scenario(), node(k));
                        self.stage(
                            at,
                            PULL_US,
                            format!("Pull {image} onto {h} (the old container still runs)"),
                            Some(format!("docker pull {image}")),
                            true,
                        );
                        self.phase = Phase::Swap(k);
                        self.at = at + PULL_US;
                    }
                    Phase::Swap(k) => {
                        let n = node(k);
                        let h = host(sim.scenario(), n);
                        self.change(
                            sim,
                            at,
                            Change::App(n, ProcessState::Restarting),
                            format!("{h}: stop the old container, start {image}"),
                        );
                        self.stage(
                            at,
                            START_US,
                            format!("Replace the container on {h}"),
                            Some(format!(
                                "docker stop app && docker rm app && docker run -d --name app -p 127.0.0.1:8000:8000 {image}"
                            )),
                            true,
                        );
                        self.phase = Phase::Started(k);
                        self.at = at + START_US;
                    }
                    Phase::Started(k) => {
                        let n = node(k);
                        let h = host(sim.scenario(), n);
                        let label = if self.spec.release.starts_on_a_server() {
                            format!("{h} runs {image}")
                        } else {
                            format!("{h}: the {image} container exits at start")
                        };
                        self.change(sim, at, Change::Deploy(n, self.spec.release), label);
                        self.phase = Phase::Check {
                            k,
                            passes: 0,
                            deadline: at + CHECK_TIMEOUT_US,
                        };
                        self.at = at + CHECK_EVERY_US;
                    }
                    Phase::Check {
                        k,
                        passes,
                        deadline,
                    } => {
                        let n = node(k);
                        let h = host(sim.scenario(), n);
                        let passes = if check_passes(sim.scenario(), n) {
                            passes + 1
                        } else {
                            0
                        };
                        if passes >= CHECKS_TO_PASS {
                            let since = at - CHECK_EVERY_US * u64::from(CHECKS_TO_PASS);
                            self.stage(
                                since,
                                at - since,
                                format!("{h} passes {CHECKS_TO_PASS} health checks in a row"),
                                Some(format!("curl -fsS http://{h}/health")),
                                true,
                            );
                            if let Some(i) = n {
                                self.change(
                                    sim,
                                    at,
                                    Change::Rotation(i, true),
                                    format!("Put {h} back in rotation"),
                                );
                            }
                            if k + 1 < self.nodes.len() {
                                self.stage(
                                    at,
                                    SOAK_US,
                                    format!("Watch {h} serve on {image} before the next server"),
                                    None,
                                    true,
                                );
                                self.phase = Phase::Begin(k + 1);
                                self.at = at + SOAK_US;
                            } else {
                                self.phase = Phase::Done;
                            }
                        } else if at >= deadline {
                            self.stage(
                                deadline - CHECK_TIMEOUT_US,
                                CHECK_TIMEOUT_US,
                                format!(
                                    "{h} fails its health checks for {} s: roll back to {}",
                                    CHECK_TIMEOUT_US / 1_000_000,
                                    self.old.image()
                                ),
                                Some(format!("curl -fsS http://{h}/health")),
                                false,
                            );
                            self.rolled_back = true;
                            self.phase = Phase::RollBack(k);
                            self.at = at;
                        } else {
                            self.phase = Phase::Check {
                                k,
                                passes,
                                deadline,
                            };
                            self.at = at + CHECK_EVERY_US;
                        }
                    }
                    Phase::RollBack(k) => {
                        let n = node(k);
                        let h = host(sim.scenario(), n);
                        let old = self.old.image();
                        self.change(
                            sim,
                            at,
                            Change::App(n, ProcessState::Restarting),
                            format!("{h}: start {old} again"),
                        );
                        self.stage(
                            at,
                            START_US,
                            format!("Roll {h} back to {old}"),
                            Some(format!("docker rm -f app && docker run -d --name app -p 127.0.0.1:8000:8000 {old}")),
                            true,
                        );
                        self.phase = Phase::RolledBackStarted(k);
                        self.at = at + START_US;
                    }
                    Phase::RolledBackStarted(k) => {
                        let n = node(k);
                        let h = host(sim.scenario(), n);
                        self.change(
                            sim,
                            at,
                            Change::Deploy(n, self.old),
                            format!("{h} runs {} again", self.old.image()),
                        );
                        self.phase = Phase::RollBackCheck {
                            k,
                            passes: 0,
                            deadline: at + CHECK_TIMEOUT_US,
                        };
                        self.at = at + CHECK_EVERY_US;
                    }
                    Phase::RollBackCheck {
                        k,
                        passes,
                        deadline,
                    } => {
                        let n = node(k);
                        let h = host(sim.scenario(), n);
                        let passes = if check_passes(sim.scenario(), n) {
                            passes + 1
                        } else {
                            0
                        };
                        if passes >= CHECKS_TO_PASS {
                            if let Some(i) = n {
                                self.change(
                                    sim,
                                    at,
                                    Change::Rotation(i, true),
                                    format!("Put {h} back in rotation on {}", self.old.image()),
                                );
                            }
                            let what = if self.nodes.len() > 1 {
                                format!(
                                    "The pipeline stops: {} never reached the other servers",
                                    self.spec.release.image()
                                )
                            } else {
                                format!("The pipeline stops: {h} runs {} again", self.old.image())
                            };
                            self.stage(at, 0, what, None, false);
                            self.phase = Phase::Done;
                        } else if at >= deadline {
                            // The old release does not start either: a person is needed.
                            self.stage(
                                deadline - CHECK_TIMEOUT_US,
                                CHECK_TIMEOUT_US,
                                format!(
                                    "{h} fails its health checks on {} too: the pipeline stops and pages someone",
                                    self.old.image()
                                ),
                                Some(format!("curl -fsS http://{h}/health")),
                                false,
                            );
                            self.phase = Phase::Done;
                        } else {
                            self.phase = Phase::RollBackCheck {
                                k,
                                passes,
                                deadline,
                            };
                            self.at = at + CHECK_EVERY_US;
                        }
                    }
                }
            }
        }
    }

    /// Builds, tests and rolls out `spec.release` on `world` (its
    /// single-server or redundant design, as the spec asks), with a visitor
    /// requesting the home page every 200 ms throughout.
    pub fn run(world: &Scenario, spec: &PipelineSpec) -> Result<PipelineResult, ScenarioError> {
        let mut world = world.clone();
        if spec.redundant != matches!(world.topology, Topology::Redundant(_)) {
            world.topology = if spec.redundant {
                crate::seed::redundant_stack().topology
            } else {
                Topology::Single
            };
        }
        let tests = tests(&world, spec.release)?;
        let mut stages = vec![
            Stage {
                at_us: None,
                took_us: BUILD_US,
                what: format!("Build the image {}", spec.release.image()),
                command: Some(format!("docker build -t {} .", spec.release.image())),
                ok: true,
            },
            Stage {
                at_us: None,
                took_us: tests.len() as u64 * 5_000_000,
                what: format!(
                    "Run the tests: {} of {} pass",
                    tests.iter().filter(|t| t.passed).count(),
                    tests.len()
                ),
                command: Some(format!(
                    "docker run --rm -e CACHE_URL=redis://test-cache {} pytest",
                    spec.release.image()
                )),
                ok: tests.iter().all(|t| t.passed),
            },
        ];
        let nodes: Vec<Option<u8>> = match &world.topology {
            Topology::Redundant(c) => (0..c.web.len() as u8).map(Some).collect(),
            Topology::Single => vec![None],
        };
        let mut sim = Simulator::new(world.clone())?;
        let old = running(&world, nodes[0]);
        let mut m = Machine {
            spec: *spec,
            nodes,
            old,
            // Tests that fail stop the pipeline before any server.
            phase: if stages[1].ok {
                Phase::Begin(0)
            } else {
                Phase::Done
            },
            at: ROLLOUT_AT_US,
            stages: Vec::new(),
            events: Vec::new(),
            rolled_back: false,
        };
        let mut points: Vec<Point> = Vec::new();
        let url = "http://www.foobar.com/";
        let mut watch_done_at: Option<u64> = None;
        let mut i = 0u64;
        loop {
            let at = i * EVERY_US;
            m.advance(&mut sim, at);
            let trace = sim.request(url, at);
            points.push(stream::summarise(&trace, sim.scenario(), url, at));
            if matches!(m.phase, Phase::Done) {
                let done = *watch_done_at.get_or_insert(at);
                // By hand nobody is watching: show a while longer.
                let tail = if spec.rollout == Rollout::ByHand {
                    20_000_000
                } else {
                    4_000_000
                };
                if at >= done + tail {
                    break;
                }
            }
            i += 1;
            if at > 120_000_000 {
                break;
            }
        }
        stages.extend(m.stages);
        let stream_spec = StreamSpec {
            urls: vec![url.to_string()],
            start_us: 0,
            every_us: EVERY_US,
            count: points.len() as u32,
        };
        let result = stream::from_points(points, m.events, Vec::new(), &stream_spec);
        let skew = skew(&result.points, old, spec.release);
        let mut out = PipelineResult {
            spec: *spec,
            tests,
            stages,
            stream: result,
            rolled_back: m.rolled_back,
            skew_us: skew,
            notes: Vec::new(),
        };
        out.notes = notes(&out, old);
        Ok(out)
    }

    /// From the first answer of `new` to the last answer of `old` after it.
    fn skew(points: &[Point], old: Release, new: Release) -> Option<(u64, u64)> {
        let first_new = points
            .iter()
            .find(|p| p.version.as_deref() == Some(new.tag()))?
            .at_us;
        let last_old = points
            .iter()
            .rev()
            .find(|p| p.at_us > first_new && p.version.as_deref() == Some(old.tag()))?
            .at_us;
        Some((first_new, last_old))
    }

    fn secs(us: u64) -> String {
        format!("{:.1} s", us as f64 / 1e6)
    }

    fn notes(r: &PipelineResult, old: Release) -> Vec<String> {
        let s = &r.stream;
        let new = r.spec.release;
        let mut out = Vec::new();
        let passed = r.tests.iter().filter(|t| t.passed).count();
        out.push(format!(
            "The tests ran {} requests against {} in a test environment: {passed} of {} passed{}.",
            r.tests.len(),
            new.image(),
            r.tests.len(),
            if new.starts_on_a_server() {
                String::new()
            } else {
                format!(
                    " (the test runner sets CACHE_URL; the servers do not, and {} needs it)",
                    new.image()
                )
            }
        ));
        out.push(format!(
            "Meanwhile a visitor asked for the home page every {}: {} of {} requests failed{}.",
            secs(EVERY_US),
            s.failed,
            s.points.len(),
            if s.outage_us > 0 {
                format!(", the site was down for {}", secs(s.outage_us))
            } else {
                String::new()
            }
        ));
        match (r.spec.rollout, r.rolled_back) {
            (Rollout::Pipeline, true) if r.spec.redundant => out.push(format!(
                "The first server failed its health checks, so the pipeline rolled it back to {} and stopped: {} never reached the others, and the drained server took no requests while it was broken.",
                old.image(),
                new.image(),
            )),
            (Rollout::Pipeline, true) => out.push(format!(
                "The server failed its health checks, so the pipeline rolled it back to {}: with one server the site was down while it tried, the checks' {} s included.",
                old.image(),
                CHECK_TIMEOUT_US / 1_000_000
            )),
            (Rollout::ByHand, _) if !new.starts_on_a_server() => out.push(format!(
                "Every container was replaced at once and every one exited at start: nothing checked them, nothing rolled them back, and the site stays down until someone notices and starts {} again.",
                old.image()
            )),
            _ => {}
        }
        if let Some((from, to)) = r.skew_us {
            out.push(format!(
                "From {} to {} both {} and {} answered (the X-App-Version header and the page's footer say which): a change to the database's schema must work with both, so a column is added in one release and the old one dropped only in the next.",
                secs(from),
                secs(to),
                old.tag(),
                new.tag()
            ));
        }
        out
    }
}
