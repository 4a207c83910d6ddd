//! The app's single reducer: the simulator, the current trace and the playback cursor.

use std::cell::RefCell;
use std::rc::Rc;

use stackscope_core::stream::{self, StreamResult, SweepRow};
use stackscope_core::{Change, Component, Outcome, Scenario, Simulator, Trace};
use yew::Reducible;

use crate::faults::{self, Demo};
use stackscope_core::share::{Event as ShareEvent, Share};

mod edits;
pub use edits::{base_of, EditorState, Origin, TABLES};

/// Virtual time left between two requests of one session, µs.
const GAP_BETWEEN_REQUESTS_US: u64 = 1_000_000;

/// Playback speed multipliers offered by the speed selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    Half,
    One,
    Two,
    Four,
}

impl Speed {
    pub const ALL: [Speed; 4] = [Speed::Half, Speed::One, Speed::Two, Speed::Four];

    /// The value used in the `<select>` (`"0.5"`, `"1"`, ...).
    pub fn value(self) -> &'static str {
        match self {
            Speed::Half => "0.5",
            Speed::One => "1",
            Speed::Two => "2",
            Speed::Four => "4",
        }
    }

    /// The label shown to the learner.
    pub fn label(self) -> &'static str {
        match self {
            Speed::Half => "0.5×",
            Speed::One => "1×",
            Speed::Two => "2×",
            Speed::Four => "4×",
        }
    }

    /// Parses a `<select>` value; unknown values fall back to 1×.
    pub fn from_value(v: &str) -> Speed {
        Speed::ALL
            .into_iter()
            .find(|s| s.value() == v)
            .unwrap_or(Speed::One)
    }

    /// Milliseconds between two steps while playing (900 ms at 1×).
    pub fn step_ms(self) -> u32 {
        match self {
            Speed::Half => 1800,
            Speed::One => 900,
            Speed::Two => 450,
            Speed::Four => 225,
        }
    }
}

/// A shared trace; two handles are equal only when they point at the same trace.
#[derive(Debug, Clone)]
pub struct TraceRef(pub Rc<Trace>);

impl PartialEq for TraceRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for TraceRef {
    type Target = Trace;
    fn deref(&self) -> &Trace {
        &self.0
    }
}

/// A shared value; two handles are equal only when they point at the same value.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}

/// One stream of the downtime panel, as computed by the core.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRun {
    pub demo: Demo,
    /// The world it ran in (for names and timings in the note).
    pub scenario: Shared<Scenario>,
    pub result: Shared<Result<StreamResult, String>>,
    /// Length of the stream, µs (for the axis).
    pub span_us: u64,
}

/// Everything the screen shows.
#[derive(Clone)]
pub struct State {
    /// One simulator for the whole session, so a second visit hits the DNS cache.
    sim: Rc<RefCell<Option<Simulator>>>,
    /// Why the simulator could not be built, if it could not.
    pub init_error: Option<String>,
    /// The text in the address bar.
    pub input: String,
    /// The latest trace, if any request ran yet.
    pub trace: Option<TraceRef>,
    /// Counts requests, so effects can tell two traces apart.
    pub run: u64,
    /// Index of the current step (0-based).
    pub cursor: usize,
    pub playing: bool,
    pub speed: Speed,
    /// The component whose explanation is open.
    pub info: Option<Component>,
    /// Start playback after each new trace.
    pub autoplay: bool,
    /// The learner prefers reduced motion: never autoplay.
    pub reduced_motion: bool,
    /// Virtual time of the next request, µs since the session began.
    next_at_us: u64,
    /// The running world as it is now (topology, faults in effect).
    pub world: Shared<Scenario>,
    /// The last note about the world (e.g. the DNS cache was flushed).
    pub world_note: Option<String>,
    /// The last stream of the downtime panel.
    pub demo: Option<DemoRun>,
    /// The availability matrix, once computed.
    pub sweep: Option<Shared<Result<Vec<SweepRow>, String>>>,
    /// The editors: console results, browsed table, accepted changes.
    pub editor: EditorState,
    /// The session was opened from a deep link (so the stored stack is not loaded).
    pub from_link: bool,
    /// The world the session's simulator was built from, and everything that
    /// happened since: together they replay the session exactly (deep links).
    baseline: Shared<Scenario>,
    log: Vec<ShareEvent>,
    /// Why the deep link could not be opened.
    pub link_error: Option<String>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("input", &self.input)
            .field("run", &self.run)
            .field("cursor", &self.cursor)
            .field("playing", &self.playing)
            .field("speed", &self.speed)
            .finish_non_exhaustive()
    }
}

impl State {
    /// Builds the session's simulator from the default scenario.
    pub fn new(autoplay: bool, reduced_motion: bool) -> State {
        let world = Scenario::default();
        let (sim, init_error) = match Simulator::new(world.clone()) {
            Ok(sim) => (Some(sim), None),
            Err(e) => (None, Some(e.to_string())),
        };
        State {
            sim: Rc::new(RefCell::new(sim)),
            init_error,
            input: stackscope_core::PRESETS[0].1.to_string(),
            trace: None,
            run: 0,
            cursor: 0,
            playing: false,
            speed: Speed::One,
            info: None,
            autoplay,
            reduced_motion,
            next_at_us: 0,
            world: Shared::new(world),
            world_note: None,
            demo: None,
            sweep: None,
            editor: EditorState::default(),
            from_link: false,
            link_error: None,
            baseline: Shared::new(Scenario::default()),
            log: Vec::new(),
        }
    }

    /// Starts the session's record again from a freshly built world.
    pub(crate) fn rebase(&mut self, baseline: Scenario) {
        self.baseline = Shared::new(baseline);
        self.log.clear();
    }

    /// Records a change applied at `at_us` (for deep links).
    pub(crate) fn log_change(&mut self, change: Change, at_us: u64) {
        self.log.push(ShareEvent::Change { change, at_us });
    }

    /// Records a statement of the console that changed data.
    pub(crate) fn log_console(&mut self, sql: &str, at_us: u64) {
        self.log.push(ShareEvent::Console {
            sql: sql.to_string(),
            at_us,
        });
    }

    /// The deep link to the current world, address and step (`#s=…`), and
    /// whether the learner's edits were too large to include.
    pub fn share(&self) -> Option<(String, bool)> {
        self.trace.as_ref()?;
        let (share, left_out) = Share::new(&self.baseline, &self.log, self.cursor);
        Some((format!("#{}", share.encode()), left_out))
    }

    /// True in the redundant design.
    pub fn redundant(&self) -> bool {
        matches!(self.world.topology, stackscope_core::Topology::Redundant(_))
    }

    /// Runs one request now and makes it the current trace.
    fn request(&mut self, input: String) -> bool {
        let trace = {
            let mut sim = self.sim.borrow_mut();
            match sim.as_mut() {
                Some(sim) => sim.request(&input, self.next_at_us),
                None => return false,
            }
        };
        self.log.push(ShareEvent::Request {
            url: input.clone(),
            at_us: self.next_at_us,
        });
        self.next_at_us = trace.started_at_us + trace.total_us() + GAP_BETWEEN_REQUESTS_US;
        self.input = input;
        self.cursor = 0;
        self.run += 1;
        self.playing = self.autoplay && !self.reduced_motion && trace.steps.len() > 1;
        self.trace = Some(TraceRef(Rc::new(trace)));
        true
    }

    /// Requests the current address again and jumps to its end, so the
    /// symptom of a changed world shows at once.
    fn rerun_to_end(&mut self) {
        let input = self
            .trace
            .as_ref()
            .map(|t| t.input.clone())
            .unwrap_or_else(|| self.input.clone());
        if self.request(input) {
            self.playing = false;
            self.cursor = self.last_index();
        }
    }

    /// Copies the simulator's world into `world`.
    fn sync_world(&mut self) {
        if let Some(sim) = self.sim.borrow().as_ref() {
            self.world = Shared::new(sim.scenario().clone());
        }
    }

    /// Applies changes to the running world at the session's virtual time.
    fn apply(&mut self, changes: &[Change]) {
        let at = self.next_at_us;
        let dns = changes.iter().any(|c| {
            matches!(
                c,
                Change::DnsRecordMissing | Change::DnsWrongIp | Change::Restore
            )
        });
        if let Some(sim) = self.sim.borrow_mut().as_mut() {
            for c in changes {
                sim.apply(*c, at);
                self.log.push(ShareEvent::Change {
                    change: *c,
                    at_us: at,
                });
            }
            if dns {
                sim.flush_dns_cache();
                self.log.push(ShareEvent::FlushDns);
            }
        }
        self.world_note = dns.then(|| {
            "The resolver's cache was emptied so the DNS change shows at once \
             (a real resolver would keep its cached answer until the TTL runs out)."
                .to_string()
        });
        self.sync_world();
    }

    /// Number of steps in the current trace.
    pub fn step_count(&self) -> usize {
        self.trace.as_ref().map_or(0, |t| t.steps.len())
    }

    /// True when the cursor is on the trace's last step.
    pub fn at_end(&self) -> bool {
        let n = self.step_count();
        n > 0 && self.cursor + 1 >= n
    }

    /// Why the typed address was rejected, if it was.
    pub fn input_error(&self) -> Option<&str> {
        match &self.trace.as_ref()?.outcome {
            Outcome::InvalidInput { reason } => Some(reason),
            _ => None,
        }
    }

    fn last_index(&self) -> usize {
        self.step_count().saturating_sub(1)
    }
}

/// Everything the learner (or the playback timer) can do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The address bar's text changed.
    SetInput(String),
    /// Run the pipeline for this address.
    Run(String),
    TogglePlay,
    Pause,
    /// The playback timer fired.
    Tick,
    StepForward,
    StepBack,
    Restart,
    /// Jump to a step index (0-based).
    Seek(usize),
    SetSpeed(Speed),
    ShowInfo(Component),
    CloseInfo,
    /// Switch between one server (`false`) and the redundant design (`true`).
    SetRedundant(bool),
    /// Inject (`on`) or repair a fault; the current address is requested again.
    SetFault {
        change: Change,
        on: bool,
    },
    /// Everything back as the world was built.
    RestoreAll,
    /// Run one stream of the downtime panel.
    RunDemo(Demo),
    /// Compute the availability matrix.
    RunSweep,
    /// Make this (already validated) scenario the session's world and
    /// request the current address again; `keep_faults` injects the faults
    /// in effect again.
    ReplaceScenario {
        scenario: Box<Scenario>,
        keep_faults: bool,
        origin: Origin,
    },
    /// Open a deep link (`#s=…`): its world, address and step.
    OpenLink(String),
    /// Run one statement in the SQL console.
    Console(String),
    /// Show every row of a table in the data editor.
    Browse(String),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SetInput(text) => s.input = text,
            Action::Run(input) => {
                if !s.request(input) {
                    return self;
                }
            }
            Action::SetRedundant(redundant) => {
                if redundant == s.redundant() {
                    return self;
                }
                // The same site (with the learner's edits), deployed the other way.
                let design = if redundant {
                    stackscope_core::seed::redundant_stack()
                } else {
                    Scenario::default()
                };
                let mut world = s
                    .sim
                    .borrow()
                    .as_ref()
                    .map(|sim| sim.original().clone())
                    .unwrap_or_else(|| design.clone());
                world.topology = design.topology;
                world.server.hostname = design.server.hostname;
                match Simulator::new(world.clone()) {
                    Ok(sim) => {
                        s.sim = Rc::new(RefCell::new(Some(sim)));
                        s.init_error = None;
                        s.rebase(world);
                    }
                    Err(e) => {
                        s.init_error = Some(e.to_string());
                        return Rc::new(s);
                    }
                }
                s.next_at_us = 0;
                s.world_note = None;
                s.info = None;
                s.sync_world();
                if s.trace.is_some() {
                    let input = s.input.clone();
                    s.request(input);
                }
            }
            Action::SetFault { change, on } => {
                if on {
                    s.apply(&[change]);
                } else if let Some(repair) = faults::repair(change) {
                    s.apply(&[repair]);
                } else {
                    // DNS edits: the zones back as built, then the other DNS fault again.
                    let mut changes = vec![Change::DnsRestore];
                    changes.extend(faults::active(&s.world).into_iter().filter(|c| {
                        *c != change && matches!(c, Change::DnsRecordMissing | Change::DnsWrongIp)
                    }));
                    s.apply(&changes);
                }
                s.rerun_to_end();
            }
            Action::RestoreAll => {
                s.apply(&[Change::Restore]);
                s.rerun_to_end();
            }
            Action::RunDemo(demo) => {
                let scenario = demo.scenario();
                let spec = demo.spec();
                let events = demo.events(&scenario);
                let result = stream::run(&scenario, &spec, &events).map_err(|e| e.to_string());
                s.demo = Some(DemoRun {
                    demo,
                    scenario: Shared::new(scenario),
                    result: Shared::new(result),
                    span_us: spec.start_us + spec.every_us * u64::from(spec.count),
                });
            }
            Action::RunSweep => {
                let rows = stream::sweep(
                    &Scenario::default(),
                    &stackscope_core::seed::redundant_stack(),
                )
                .map_err(|e| e.to_string());
                s.sweep = Some(Shared::new(rows));
            }
            Action::TogglePlay => {
                if s.playing {
                    s.playing = false;
                } else if s.step_count() > 1 {
                    if s.at_end() {
                        s.cursor = 0;
                    }
                    s.playing = true;
                }
            }
            Action::Pause => s.playing = false,
            Action::Tick => {
                if s.playing {
                    if s.at_end() {
                        s.playing = false;
                    } else {
                        s.cursor += 1;
                        if s.at_end() {
                            s.playing = false;
                        }
                    }
                }
            }
            Action::StepForward => {
                s.playing = false;
                s.cursor = (s.cursor + 1).min(s.last_index());
            }
            Action::StepBack => {
                s.playing = false;
                s.cursor = s.cursor.saturating_sub(1);
            }
            Action::Restart => {
                s.cursor = 0;
            }
            Action::Seek(i) => {
                s.playing = false;
                s.cursor = i.min(s.last_index());
            }
            Action::SetSpeed(speed) => s.speed = speed,
            Action::ShowInfo(c) => s.info = Some(c),
            Action::CloseInfo => s.info = None,
            Action::ReplaceScenario {
                scenario,
                keep_faults,
                origin,
            } => s.replace_scenario(*scenario, keep_faults, origin),
            Action::Console(sql) => s.console(&sql),
            Action::OpenLink(fragment) => {
                let opened = Share::decode(&fragment).and_then(|share| {
                    let (sim, trace) = share.replay()?;
                    Ok((share, sim, trace))
                });
                match opened {
                    Ok((share, sim, trace)) => {
                        s.sim = Rc::new(RefCell::new(Some(sim)));
                        s.init_error = None;
                        s.from_link = true;
                        s.link_error = None;
                        s.baseline = Shared::new(share.baseline());
                        s.log = share.events.clone();
                        s.sync_world();
                        if let Some(trace) = trace {
                            s.next_at_us =
                                trace.started_at_us + trace.total_us() + GAP_BETWEEN_REQUESTS_US;
                            s.input = trace.input.clone();
                            s.run += 1;
                            s.playing = false;
                            s.trace = Some(TraceRef(Rc::new(trace)));
                            s.cursor = share.step.min(s.last_index());
                        }
                    }
                    Err(message) => {
                        s.link_error =
                            Some(format!("{message} The default stack is shown instead."));
                    }
                }
            }
            Action::Browse(table) => s.browse(&table),
        }
        Rc::new(s)
    }
}
