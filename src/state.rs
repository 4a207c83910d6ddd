//! The app's single reducer: what the screen shows, the playback cursor, and the commands for the simulated server.
//!
//! The simulator itself runs elsewhere (a Web Worker, see `crate::backend`):
//! [`State::command`] turns a learner's action into a [`Command`], and the
//! [`Reply`] comes back as [`Action::Reply`].

use std::rc::Rc;

use stackscope_core::mistake::MistakeSeen;
use stackscope_core::monitor::{MonitorSpec, Seen};
use stackscope_core::pipeline::{PipelineSpec, Seen as PipelineSeen};
use stackscope_core::seed::Design;
use stackscope_core::session::wire::Packed;
use stackscope_core::session::{Command, EditOutcome, Note, Refusal, Reply, Show, Update};
use stackscope_core::share::ShareLink;
use stackscope_core::stream::{StreamSeen, SweepSeen};
use stackscope_core::{Change, Component, Outcome, Scenario, Trace};
use yew::Reducible;

use crate::faults::{self, Demo};

mod edits;
pub use edits::{base_of, EditorState};
pub use stackscope_core::session::{Origin, TABLES};

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

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Shared::new(T::default())
    }
}

impl<T: Clone> Shared<T> {
    /// A new value: this one, changed by `f` (the old one stays as it was).
    pub fn with(&self, f: impl FnOnce(&mut T)) -> Self {
        let mut v = (*self.0).clone();
        f(&mut v);
        Shared::new(v)
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

/// What the lessons read of the downtime panel's last stream (the panel,
/// in the second module, draws the stream itself).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSeen {
    pub demo: Demo,
    pub seen: Result<StreamSeen, String>,
}

/// Everything the screen shows.
#[derive(Clone)]
pub struct State {
    /// The simulated server has answered (its worker is up).
    pub ready: bool,
    /// The design the learner picked, until the server has built it (so
    /// the switch shows the choice at once).
    pub design_choice: Option<Design>,
    /// Whether the learner put the last web server on standby, until the
    /// server has applied it (so the switch shows the choice at once).
    pub standby_choice: Option<bool>,
    /// The learner's clicks made before the server was up: they wait, in
    /// order, in the line to the worker (shown as queued).
    pub queued: u32,
    /// Why the world could not be built, if it could not.
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
    /// The learner has used the playback controls (play, pause, a step, a
    /// seek) since this trace arrived: the lessons count a step as shown
    /// only then, not while a trace plays by itself.
    pub by_hand: bool,
    pub speed: Speed,
    /// The component whose explanation is open.
    pub info: Option<Component>,
    /// Start playback after each new trace.
    pub autoplay: bool,
    /// The learner prefers reduced motion: never autoplay.
    pub reduced_motion: bool,
    /// The step to show when the first trace arrives (`AppProps::initial_step`).
    pub first_step: usize,
    /// The running world as it is now (topology, faults in effect).
    pub world: Shared<Scenario>,
    /// The last note about the world (e.g. the DNS cache was flushed).
    pub world_note: Option<String>,
    /// What the lessons read of the downtime panel's last stream (the
    /// panel, in the second module, gets the stream in `panels`).
    pub demo: Option<DemoSeen>,
    /// What the lessons read of the availability sweep, once computed (the
    /// panel, in the second module, gets the rows in `panels`).
    pub sweep: Option<Shared<Result<SweepSeen, String>>>,
    /// What the panels of the page's second module show (`crate::panels`):
    /// the routes' costs and the server's last word on the load panel's
    /// job, packed, relayed to them unread.
    pub panels: Shared<crate::panels::ToPanels>,
    /// The monitoring dashboard, once run, and whether one is being run.
    /// (What the lessons read of it: the dashboard itself is the panel's,
    /// in `panels`, with whether one is being run.)
    pub monitor: Option<Shared<Result<Seen, String>>>,
    /// What the lessons read of the mistaken-DELETE run (the backup panel,
    /// in the second module, draws the run itself).
    pub mistake: Option<Shared<Result<MistakeSeen, String>>>,
    /// What the lessons read of the pipeline panel's last deploy (the
    /// panel, in the second module, gets the whole result in `panels`).
    pub pipeline: Option<Shared<Result<PipelineSeen, String>>>,
    /// The editors: console results, browsed table, accepted changes.
    pub editor: EditorState,
    /// The session was opened from a deep link (so the stored stack is not loaded).
    pub from_link: bool,
    /// The deep link to the session (its step set from the cursor), and
    /// whether the learner's edits were too large to include.
    share: Option<Shared<(ShareLink, bool)>>,
    /// Why the deep link could not be opened.
    pub link_error: Option<String>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("ready", &self.ready)
            .field("queued", &self.queued)
            .field("input", &self.input)
            .field("run", &self.run)
            .field("cursor", &self.cursor)
            .field("playing", &self.playing)
            .field("speed", &self.speed)
            .finish_non_exhaustive()
    }
}

impl State {
    /// The screen before the server has answered: the seed stack, no trace.
    pub fn new(autoplay: bool, reduced_motion: bool) -> State {
        State {
            ready: false,
            queued: 0,
            design_choice: None,
            standby_choice: None,
            init_error: None,
            input: stackscope_core::PRESETS[0].1.to_string(),
            trace: None,
            run: 0,
            cursor: 0,
            playing: false,
            by_hand: false,
            speed: Speed::One,
            info: None,
            autoplay,
            reduced_motion,
            first_step: 0,
            world: Shared::new(Scenario::default()),
            world_note: None,
            demo: None,
            sweep: None,
            panels: Shared::default(),
            monitor: None,
            mistake: None,
            pipeline: None,
            editor: EditorState::default(),
            from_link: false,
            share: None,
            link_error: None,
        }
    }

    /// The deep link to the current world, address and step (`#s=…`), and
    /// whether the learner's edits were too large to include.
    pub fn share(&self) -> Option<(String, bool)> {
        self.trace.as_ref()?;
        let shared = self.share.as_ref()?;
        let (link, left_out) = &**shared;
        Some((format!("#{}", link.fragment(self.cursor)), *left_out))
    }

    /// The design the switch shows: the learner's choice until the server
    /// has built it, then the world's.
    pub fn design_shown(&self) -> Design {
        self.design_choice
            .unwrap_or_else(|| Design::of(&self.world))
    }

    /// The web server a standby switch acts on: the last of the redundant
    /// design's two or more.
    fn standby_server(&self) -> Option<&stackscope_core::scenario::WebNode> {
        match &self.world.topology {
            stackscope_core::Topology::Redundant(c) if c.web.len() > 1 => c.web.last(),
            _ => None,
        }
    }

    /// The standby switch, where there is one: whether the last web server
    /// is HAProxy's `backup` (the learner's choice until the server has
    /// applied it), and its name.
    pub fn standby_shown(&self) -> Option<(bool, String)> {
        self.standby_server()
            .map(|w| (self.standby_choice.unwrap_or(w.backup), w.hostname.clone()))
    }

    /// True in the redundant design.
    pub fn redundant(&self) -> bool {
        matches!(self.world.topology, stackscope_core::Topology::Redundant(_))
    }

    /// The address a changed world is requested again with, before any request.
    fn rerun_input(&self) -> Option<String> {
        Some(
            self.trace
                .as_ref()
                .map(|t| t.input.clone())
                .unwrap_or_else(|| self.input.clone()),
        )
    }

    /// The faults an edited world keeps: all but the DNS ones, which are
    /// edits of the zone (the new zone replaces them).
    fn kept_faults(&self) -> Vec<Change> {
        faults::active(&self.world)
            .into_iter()
            .filter(|c| !matches!(c, Change::DnsRecordMissing | Change::DnsWrongIp))
            .collect()
    }

    /// The command an action needs from the simulated server, if any
    /// (the others only change the screen: [`Reducible::reduce`]).
    pub fn command(&self, action: &Action) -> Option<Command> {
        Some(match action {
            Action::Run(input) => Command::Request {
                input: input.clone(),
            },
            Action::SetDesign(design) => {
                if *design == Design::of(&self.world) {
                    return None;
                }
                Command::SetDesign(*design)
            }
            Action::SetFault { change, on } => {
                let changes = if *on {
                    vec![*change]
                } else if let Some(repair) = faults::repair(*change) {
                    vec![repair]
                } else {
                    // DNS edits: the zones back as built, then the other DNS fault again.
                    let mut changes = vec![Change::DnsRestore];
                    changes.extend(faults::active(&self.world).into_iter().filter(|c| {
                        c != change && matches!(c, Change::DnsRecordMissing | Change::DnsWrongIp)
                    }));
                    changes
                };
                Command::Apply {
                    changes,
                    rerun: self.rerun_input(),
                }
            }
            Action::RestoreAll => Command::Apply {
                changes: vec![Change::Restore],
                rerun: self.rerun_input(),
            },
            Action::Fresh(url) => Command::Apply {
                changes: vec![Change::Restore],
                rerun: Some(url.clone()),
            },
            Action::RunDemo(demo) => {
                let scenario = demo.scenario();
                Command::Stream {
                    tag: demo.tag(),
                    spec: demo.spec(),
                    events: demo.events(&scenario),
                    scenario: Box::new(scenario),
                }
            }
            Action::RunDay => Command::Streams {
                tag: crate::maintenance::TAG,
                runs: crate::maintenance::jobs(),
            },
            Action::RunSweep => Command::Sweep,
            Action::RunMonitor(spec) => Command::Monitor { spec: spec.clone() },
            Action::RunMistake(statement) => Command::Mistake {
                statement: statement.clone(),
            },
            Action::RunPipeline(spec) => Command::Pipeline { spec: spec.clone() },
            Action::ReplaceScenario {
                scenario,
                keep_faults,
                origin,
            } => Command::Replace {
                scenario: scenario.clone(),
                faults: if *keep_faults {
                    self.kept_faults()
                } else {
                    Vec::new()
                },
                origin: *origin,
            },
            // Checked by the server; only a world with a DNS fault in effect
            // has no base to edit (the reducer says so at once).
            Action::Edit { tag, edit } => Command::Edit {
                tag: *tag,
                base: Box::new(base_of(&self.world).ok()?),
                edit: edit.clone(),
                faults: self.kept_faults(),
            },
            Action::OpenLink(fragment) => Command::OpenLink {
                fragment: fragment.clone(),
            },
            Action::Console(sql) => Command::Console { sql: sql.clone() },
            Action::Browse(table) => Command::Browse {
                table: table.clone(),
            },
            Action::Wait(minutes) => Command::Wait { minutes: *minutes },
            Action::Standby(on) => Command::Apply {
                changes: vec![Change::Standby(*on)],
                rerun: self.rerun_input(),
            },
            Action::Schedule(s) => Command::Schedule(*s),
            Action::Load { text, origin } => Command::Load {
                text: text.clone(),
                origin: *origin,
            },
            Action::Encode(scenario, form) => Command::Encode {
                scenario: scenario.clone(),
                form: *form,
            },
            _ => return None,
        })
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

    /// A new trace from the server, shown where the server says.
    fn show_trace(&mut self, trace: Trace, show: Show) {
        self.input = trace.input.clone();
        self.run += 1;
        self.by_hand = false;
        let steps = trace.steps.len();
        self.trace = Some(TraceRef(Rc::new(trace)));
        let play = self.autoplay && !self.reduced_motion && steps > 1;
        match show {
            Show::Start if self.first_step > 0 => {
                self.cursor = self.first_step.min(self.last_index());
                self.first_step = 0;
                self.playing = false;
            }
            // A changed world (`End`): its failing request is replayed from
            // its start too, so the learner sees where it breaks (with
            // reduced motion it waits at step 1).
            Show::Start | Show::End => {
                self.cursor = 0;
                self.playing = play;
            }
            Show::Step(i) => {
                self.cursor = i.min(self.last_index());
                self.playing = false;
            }
        }
    }

    /// The session after a command.
    fn update(&mut self, u: Update) {
        let Update {
            world,
            share,
            share_left_out,
            trace,
            note,
            refused,
            replaced,
            console,
            browse,
            from_link,
            backups,
            edit,
            firewalls,
        } = u;
        if let Some(outcome) = edit {
            self.editor.outcome = Some(Shared::new(outcome));
        }
        if self.panels.backups.as_ref() != Some(&backups) {
            self.panels = self.panels.with(|p| p.backups = Some(backups));
        }
        if let Some(world) = world {
            self.editor.firewalls = firewalls;
            if world.topology != self.world.topology {
                self.info = None;
            }
            if *self.world != world {
                self.world = Shared::new(world);
            }
        }
        if self.design_choice == Some(Design::of(&self.world)) {
            self.design_choice = None;
        }
        // Applied, or moot: a design without a standby ignores the change.
        let standby = self.standby_server().map(|w| w.backup);
        if standby.is_none() || standby == self.standby_choice {
            self.standby_choice = None;
        }
        self.share = Some(Shared::new((share, share_left_out)));
        match note {
            Note::Keep => {}
            Note::Clear => self.world_note = None,
            Note::Set(n) => self.world_note = Some(n),
        }
        match refused {
            Some(Refusal::Design(e)) => {
                self.init_error = Some(e);
                self.design_choice = None;
            }
            Some(Refusal::Edit(e)) => self.editor.error = Some(e),
            Some(Refusal::Unreadable { origin, message }) => {
                self.editor.unreadable = Some(Shared::new((origin, message)))
            }
            Some(Refusal::Link(e)) => {
                self.link_error = Some(e);
                // The stored stack loads instead (`Editors`).
                self.from_link = false;
            }
            None => {}
        }
        if let Some(origin) = replaced {
            self.init_error = None;
            self.editor.error = None;
            self.editor.rev += 1;
            self.editor.origin = origin;
        }
        if let Some(c) = console {
            self.editor.console = Some(c);
        }
        if let Some((table, rows)) = browse {
            self.editor.browse = Some((table, rows));
        }
        if from_link {
            self.from_link = true;
            self.link_error = None;
            self.init_error = None;
        }
        if let Some((trace, show)) = trace {
            self.show_trace(trace, show);
        }
    }

    fn reply(&mut self, reply: Reply) {
        self.ready = true;
        self.queued = 0;
        match reply {
            Reply::Update(u) => self.update(*u),
            Reply::Stream { tag, seen, result } => {
                let Some(demo) = Demo::from_tag(tag) else {
                    return;
                };
                self.demo = Some(DemoSeen { demo, seen });
                self.panels = self.panels.with(|p| p.demo = Some((tag, result)));
            }
            Reply::Streams { tag, results } => {
                if tag == crate::maintenance::TAG {
                    self.panels = self.panels.with(|p| {
                        p.day_running = false;
                        p.day = Some(results);
                    });
                }
            }
            Reply::Sweep { seen, rows } => {
                self.sweep = Some(Shared::new(seen));
                self.panels = self.panels.with(|p| p.sweep = Some(rows));
            }
            Reply::RouteCosts(costs) => self.panels = self.panels.with(|p| p.costs = Some(costs)),
            Reply::Monitor { seen, dashboard } => {
                self.monitor = Some(Shared::new(seen));
                self.panels = self.panels.with(|p| {
                    p.monitor_running = false;
                    p.monitor = Some(dashboard);
                });
            }
            Reply::Pipeline { seen, result } => {
                self.pipeline = Some(Shared::new(seen));
                self.panels = self.panels.with(|p| {
                    p.pipeline_running = false;
                    p.pipeline = Some(result);
                });
            }
            Reply::Mistake { seen, run } => {
                self.mistake = Some(Shared::new(seen));
                self.panels = self.panels.with(|p| {
                    p.mistake_running = false;
                    p.mistake = Some(run);
                });
            }
            Reply::Json { form, text } => self.editor.json = Some(Shared::new((form, text))),
            Reply::Load { tag, report } => {
                self.panels = self.panels.with(|p| p.load = Some((tag, report)))
            }
        }
    }
}

/// Everything the learner (or the playback timer, or the server) can do.
#[derive(Debug, PartialEq)]
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
    SetDesign(Design),
    /// Inject (`on`) or repair a fault; the current address is requested again.
    SetFault {
        change: Change,
        on: bool,
    },
    /// Everything back as the world was built.
    RestoreAll,
    /// Everything back as built (the DNS cache flushed too), then this
    /// address requested: a lesson's set-up.
    Fresh(String),
    /// Run one stream of the downtime panel.
    RunDemo(Demo),
    /// Run the maintenance window's two deploys.
    RunDay,
    /// Compute the availability matrix.
    RunSweep,
    /// Run the mistaken statement on the primary, then the restore (the backup panel).
    RunMistake(String),
    /// Run the monitoring dashboard.
    RunMonitor(Packed<MonitorSpec>),
    /// Build, test and roll out a release.
    RunPipeline(Packed<PipelineSpec>),
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
    /// Let time pass in the running world (its backups run).
    Wait(u32),
    /// The last web server a standby (active-passive) or serving too.
    Standby(bool),
    /// The running world's backups follow this schedule.
    Schedule(stackscope_core::scenario::BackupSchedule),
    /// Read a stack's JSON (the stored copy, or an imported file) and make
    /// it the world (the server reads it: the page has no JSON codec).
    Load {
        text: String,
        origin: Origin,
    },
    /// Have the server write this stack as JSON (to store or to export).
    Encode(Box<Scenario>, stackscope_core::stored::JsonForm),
    /// One edit of an editor's form, for the server to check and apply;
    /// its outcome comes back with `tag` (`EditorState::outcome`).
    Edit {
        tag: u32,
        edit: stackscope_core::edit::Edit,
    },
    /// The stack kept in this browser could not be read or saved (or the
    /// learner dismissed the note).
    StorageNote(Option<crate::panels::editors::StorageNote>),
    /// This action's command was sent to the server.
    Sent(Box<Action>),
    /// The server answered a command.
    Reply(Box<Reply>),
}

impl Action {
    /// The learner asked for something that shows a trace (not a table
    /// browsed, a console statement, a stream or the stored stack loading).
    pub fn asks_for_a_trace(&self) -> bool {
        match self {
            Action::Run(_)
            | Action::SetDesign(_)
            | Action::SetFault { .. }
            | Action::Standby(_)
            | Action::RestoreAll
            | Action::Fresh(_)
            | Action::OpenLink(_) => true,
            Action::Edit { .. } => true,
            Action::ReplaceScenario { origin, .. } | Action::Load { origin, .. } => {
                *origin != Origin::Stored
            }
            _ => false,
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SetInput(text) => s.input = text,
            Action::Sent(action) => {
                // Showing a table, or writing the stack's JSON, is not a
                // change the learner waits for.
                if !s.ready && !matches!(*action, Action::Browse(_) | Action::Encode(..)) {
                    s.queued += 1;
                }
                match *action {
                    Action::Run(input) | Action::Fresh(input) => s.input = input,
                    Action::SetDesign(d) => s.design_choice = Some(d),
                    Action::Standby(on) => s.standby_choice = Some(on),
                    Action::RunMonitor(_) => s.panels = s.panels.with(|p| p.monitor_running = true),
                    Action::RunMistake(_) => s.panels = s.panels.with(|p| p.mistake_running = true),
                    Action::RunPipeline(_) => {
                        s.panels = s.panels.with(|p| p.pipeline_running = true)
                    }
                    Action::RunDay => s.panels = s.panels.with(|p| p.day_running = true),
                    _ => {}
                }
            }
            Action::Reply(reply) => s.reply(*reply),
            Action::TogglePlay => {
                s.by_hand = true;
                if s.playing {
                    s.playing = false;
                } else if s.step_count() > 1 {
                    if s.at_end() {
                        s.cursor = 0;
                    }
                    s.playing = true;
                }
            }
            Action::Pause => {
                s.playing = false;
                s.by_hand = true;
            }
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
                s.by_hand = true;
                s.playing = false;
                s.cursor = (s.cursor + 1).min(s.last_index());
            }
            Action::StepBack => {
                s.by_hand = true;
                s.playing = false;
                s.cursor = s.cursor.saturating_sub(1);
            }
            Action::Restart => {
                s.by_hand = true;
                s.cursor = 0;
            }
            Action::Seek(i) => {
                s.by_hand = true;
                s.playing = false;
                s.cursor = i.min(s.last_index());
            }
            Action::SetSpeed(speed) => s.speed = speed,
            Action::ShowInfo(c) => s.info = Some(c),
            Action::CloseInfo => s.info = None,
            Action::StorageNote(note) => s.editor.storage = note,
            // Commands for the server: `State::command`, then `Sent`.
            Action::Run(_)
            | Action::SetDesign(_)
            | Action::SetFault { .. }
            | Action::RestoreAll
            | Action::Fresh(_)
            | Action::RunDemo(_)
            | Action::RunSweep
            | Action::RunMonitor(_)
            | Action::RunMistake(_)
            | Action::RunPipeline(_)
            | Action::RunDay
            | Action::ReplaceScenario { .. }
            | Action::Load { .. }
            | Action::Encode(..)
            | Action::OpenLink(_)
            | Action::Console(_)
            | Action::Browse(_)
            | Action::Wait(_)
            | Action::Standby(_)
            | Action::Schedule(_) => return self,
            // Only sent without a command when there is no world as built
            // to edit: the form says why.
            Action::Edit { tag, .. } => match base_of(&s.world) {
                Err(message) => {
                    s.editor.outcome = Some(Shared::new(EditOutcome {
                        tag,
                        refused: Some(message),
                    }))
                }
                Ok(_) => return self,
            },
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackscope_core::session::Session;

    fn reduce(s: State, a: Action) -> State {
        (*Reducible::reduce(Rc::new(s), a)).clone()
    }

    #[test]
    fn clicks_before_the_server_is_up_are_counted_and_then_run() {
        let mut session = Session::new();
        let mut s = State::new(false, false);
        let clicks = [
            Action::Run("http://www.foobar.com/about".into()),
            Action::Browse("posts".into()),
            Action::Run("http://www.foobar.com/nope".into()),
        ];
        let mut commands = vec![Command::Start];
        for a in clicks {
            commands.push(s.command(&a).expect("these need the server"));
            s = reduce(s, Action::Sent(Box::new(a)));
        }
        assert!(!s.ready);
        assert_eq!(s.queued, 2, "the table browse is not a queued click");
        assert_eq!(s.input, "http://www.foobar.com/nope");
        for c in commands {
            let reply = session.handle(c);
            s = reduce(s, Action::Reply(Box::new(reply)));
        }
        assert!(s.ready);
        assert_eq!(s.queued, 0);
        assert_eq!(s.run, 2, "both requests ran");
        assert_eq!(
            s.trace.as_ref().unwrap().input,
            "http://www.foobar.com/nope"
        );
        assert!(s.editor.browse.is_some());
    }

    #[test]
    fn a_fault_replays_its_request_from_the_start() {
        let mut session = Session::new();
        let mut s = State::new(true, false);
        let run = Action::Run("http://www.foobar.com/".into());
        let c = s.command(&run).unwrap();
        s = reduce(s, Action::Reply(Box::new(session.handle(c))));
        s = reduce(s, Action::Seek(5));
        let fault = Action::SetFault {
            change: Change::App(None, stackscope_core::scenario::ProcessState::Stopped),
            on: true,
        };
        let c = s.command(&fault).unwrap();
        s = reduce(s, Action::Reply(Box::new(session.handle(c))));
        assert_eq!(s.run, 2);
        assert_eq!(s.cursor, 0, "from step 1");
        assert!(s.playing, "animated");

        // With reduced motion: from step 1, waiting for the learner.
        let mut session = Session::new();
        let mut s = State::new(true, true);
        let c = s.command(&run).unwrap();
        s = reduce(s, Action::Reply(Box::new(session.handle(c))));
        s = reduce(s, Action::Seek(5));
        let c = s.command(&fault).unwrap();
        s = reduce(s, Action::Reply(Box::new(session.handle(c))));
        assert_eq!(s.cursor, 0);
        assert!(!s.playing);
    }

    #[test]
    fn the_standby_switch_shows_the_choice_until_the_server_applies_it() {
        let mut session = Session::new();
        let mut s = State::new(false, false);
        let send = |s: State, a: Action| -> (State, Command) {
            let c = s.command(&a).expect("needs the server");
            (reduce(s, Action::Sent(Box::new(a))), c)
        };
        let (s1, c) = send(s, Action::SetDesign(Design::Redundant));
        s = reduce(s1, Action::Reply(Box::new(session.handle(c))));
        assert_eq!(s.standby_shown(), Some((false, "web-02".into())));

        // A request is on its way when the learner picks active-passive:
        // its reply (the world still active-active) must not flip the switch back.
        let (s1, run) = send(s, Action::Run("http://www.foobar.com/".into()));
        let (s1, standby) = send(s1, Action::Standby(true));
        s = s1;
        assert_eq!(s.standby_shown(), Some((true, "web-02".into())), "at once");
        s = reduce(s, Action::Reply(Box::new(session.handle(run))));
        assert_eq!(s.standby_shown(), Some((true, "web-02".into())), "kept");
        assert_eq!(s.standby_choice, Some(true));
        s = reduce(s, Action::Reply(Box::new(session.handle(standby))));
        assert_eq!(s.standby_shown(), Some((true, "web-02".into())), "applied");
        assert_eq!(s.standby_choice, None, "the world says it now");

        // Back to one server: no switch, nothing left pending.
        let (s1, standby) = send(s, Action::Standby(false));
        let (s1, one) = send(s1, Action::SetDesign(Design::OneServer));
        s = reduce(s1, Action::Reply(Box::new(session.handle(standby))));
        s = reduce(s, Action::Reply(Box::new(session.handle(one))));
        assert_eq!(s.standby_shown(), None);
        assert_eq!(s.standby_choice, None);
    }

    #[test]
    fn screen_only_actions_need_no_server() {
        let s = State::new(false, false);
        for a in [
            Action::TogglePlay,
            Action::Seek(3),
            Action::SetInput("x".into()),
        ] {
            assert_eq!(s.command(&a), None, "{a:?}");
        }
        assert_eq!(
            s.command(&Action::SetDesign(Design::OneServer)),
            None,
            "already one server"
        );
    }
}
