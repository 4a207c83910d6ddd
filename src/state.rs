//! The app's single reducer: the simulator, the current trace and the playback cursor.

use std::cell::RefCell;
use std::rc::Rc;

use stackscope_core::{Component, Outcome, Scenario, Simulator, Trace};
use yew::Reducible;

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
        let (sim, init_error) = match Simulator::new(Scenario::default()) {
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
        }
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
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SetInput(text) => s.input = text,
            Action::Run(input) => {
                let trace = {
                    let mut sim = s.sim.borrow_mut();
                    match sim.as_mut() {
                        Some(sim) => sim.request(&input, s.next_at_us),
                        None => return self,
                    }
                };
                s.next_at_us = trace.started_at_us + trace.total_us() + GAP_BETWEEN_REQUESTS_US;
                s.input = input;
                s.cursor = 0;
                s.run += 1;
                s.playing = s.autoplay && !s.reduced_motion && trace.steps.len() > 1;
                s.trace = Some(TraceRef(Rc::new(trace)));
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
        }
        Rc::new(s)
    }
}
