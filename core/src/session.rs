//! A learner's session as messages: commands in, updates out (what the app's Web Worker runs).
//!
//! The app's page never holds a [`Simulator`]: it sends a [`Command`] and
//! redraws from the [`Reply`]. A [`Session`] owns the simulator, the
//! session's virtual clock and the record of everything that happened (for
//! deep links), so the order of commands alone decides every trace: the same
//! commands give the same replies, in a worker, in a test or natively.

use serde::{Deserialize, Serialize};

#[cfg(feature = "engine")]
pub use self::engine::Session;
use crate::load::RouteCost;
use crate::mistake::MistakeRun;
use crate::scenario::{Change, Scenario};
use crate::server::db::ConsoleResult;
use crate::share::ShareLink;
use crate::stream::{Event as StreamEvent, StreamResult, StreamSpec, SweepRow, SweepSeen};
use crate::trace::Trace;

/// How commands and replies cross between the page and its worker: JSON
/// text (the types use serde attributes, such as skipped fields, that a
/// non-self-describing format like bincode cannot read back).
pub mod wire {
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    /// A message as bytes: postcard, a compact binary form of serde's data
    /// model (the protocol's types always serialise; none skips a field,
    /// which postcard, having no field names, could not tell).
    pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
        postcard::to_allocvec(message).unwrap_or_default()
    }

    /// A message from the other side. Both sides are the same build, so a
    /// message that does not read back is a bug, not input: it panics, and
    /// the page's panic panel reports it.
    pub fn decode_or_panic<T: DeserializeOwned>(bytes: &[u8]) -> T {
        match postcard::from_bytes(bytes) {
            Ok(m) => m,
            Err(e) => panic!("a message between the page and its worker did not decode: {e}"),
        }
    }

    /// A value carried inside a message as its own postcard bytes.
    ///
    /// The page's first module only relays these (the load panel's jobs and
    /// reports, the routes' costs): written as bytes, they need no decoder
    /// there, and only the side that opens them (the worker, or the page's
    /// second module, `panels/`) links the code that reads the value.
    pub struct Packed<T> {
        bytes: Vec<u8>,
        kind: std::marker::PhantomData<fn() -> T>,
    }

    impl<T: Serialize> Packed<T> {
        /// The value's bytes.
        pub fn new(value: &T) -> Self {
            Packed {
                bytes: encode(value),
                kind: std::marker::PhantomData,
            }
        }
    }

    impl<T: DeserializeOwned> Packed<T> {
        /// The value back. Both sides are one build, so this fails only on
        /// bytes that were never a `T`: the message says so.
        pub fn open(&self) -> Result<T, String> {
            postcard::from_bytes(&self.bytes)
                .map_err(|e| format!("a packed message did not decode: {e}"))
        }
    }

    impl<T> Packed<T> {
        /// How many bytes it takes.
        pub fn len(&self) -> usize {
            self.bytes.len()
        }

        /// Never true for a packed value (postcard writes at least a byte).
        pub fn is_empty(&self) -> bool {
            self.bytes.is_empty()
        }
    }

    impl<T> Clone for Packed<T> {
        fn clone(&self) -> Self {
            Packed {
                bytes: self.bytes.clone(),
                kind: std::marker::PhantomData,
            }
        }
    }

    impl<T> PartialEq for Packed<T> {
        fn eq(&self, other: &Self) -> bool {
            self.bytes == other.bytes
        }
    }

    impl<T> std::fmt::Debug for Packed<T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "Packed({} bytes)", self.bytes.len())
        }
    }

    impl<T> Serialize for Packed<T> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.bytes)
        }
    }

    impl<'de, T> serde::Deserialize<'de> for Packed<T> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Bytes;
            impl<'de> serde::de::Visitor<'de> for Bytes {
                type Value = Vec<u8>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                    Ok(v.to_vec())
                }
                fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                    Ok(v)
                }
            }
            Ok(Packed {
                bytes: d.deserialize_byte_buf(Bytes)?,
                kind: std::marker::PhantomData,
            })
        }
    }
}

/// Virtual time left between two requests of one session, µs.
pub const GAP_BETWEEN_REQUESTS_US: u64 = 1_000_000;

/// The tables the data editor browses.
pub const TABLES: [&str; 3] = ["users", "posts", "settings"];

/// Where a replacement world came from (decides what the page saves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Origin {
    /// Nothing replaced yet.
    #[default]
    None,
    /// An accepted edit (zone, Nginx, rows) or a console write.
    Edit,
    /// Loaded from the browser's storage at start.
    Stored,
    /// An imported file.
    Import,
    /// "Reset to the seed stack".
    Reset,
}

/// What the page asks of the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// The first message: replies with the world, which says the server is up.
    Start,
    /// Request what the learner typed, now.
    Request { input: String },
    /// Change the running world now, then request the last address again
    /// (or `rerun`, the address bar's text, before any request) and show the
    /// end of its trace.
    Apply {
        changes: Vec<Change>,
        rerun: Option<String>,
    },
    /// Build the same site (with the learner's edits) the other way.
    SetDesign(crate::seed::Design),
    /// Make this world the session's; `faults` are injected again into it.
    Replace {
        scenario: Box<Scenario>,
        faults: Vec<Change>,
        origin: Origin,
    },
    /// One statement of the SQL console.
    Console { sql: String },
    /// Every row of one of [`TABLES`]; kept up to date after later edits.
    Browse { table: String },
    /// A deep link's fragment (`#s=…`).
    OpenLink { fragment: String },
    /// A stream of requests in a world of its own (the downtime panel);
    /// `tag` comes back with the result.
    Stream {
        tag: u32,
        scenario: Box<Scenario>,
        spec: StreamSpec,
        events: Vec<StreamEvent>,
    },
    /// Several streams, each in a world of its own, answered together
    /// (the maintenance window compares two deploys).
    Streams { tag: u32, runs: Vec<StreamJob> },
    /// The availability matrix of both designs.
    Sweep,
    /// What each route of a request mix costs (the load panel's input).
    RouteCosts { mix: Vec<(String, u32)> },
    /// The monitoring dashboard of a run with an incident (the seed's site).
    Monitor {
        spec: wire::Packed<crate::monitor::MonitorSpec>,
    },
    /// A release built, tested and rolled out (the seed's site).
    Pipeline {
        spec: wire::Packed<crate::pipeline::PipelineSpec>,
    },
    /// A mistaken statement replicated, then a restore from the dump (in
    /// the world, when it is the redundant design).
    Mistake { statement: String },
    /// Let this much time pass in the running world (its scheduled backups
    /// run meanwhile).
    Wait { minutes: u32 },
    /// The running world's backups follow this schedule from now on.
    Schedule(crate::scenario::BackupSchedule),
    /// Read a stack's JSON (`Origin::Stored`: the copy in the browser's
    /// storage; otherwise an imported file) and make it the session's world,
    /// with no faults. Unreadable text is refused with
    /// [`Refusal::Unreadable`].
    Load { text: String, origin: Origin },
    /// Write this stack in a JSON form: replies [`Reply::Json`].
    Encode {
        scenario: Box<Scenario>,
        form: crate::stored::JsonForm,
    },
    /// Start a load run or a knee curve (the load panel's); `tag` names it
    /// in every [`Reply::Load`]. It replaces any job still running. The
    /// first slice waits for a [`Command::LoadStep`].
    LoadStart {
        tag: u32,
        job: wire::Packed<crate::load::job::LoadJob>,
    },
    /// Advance the job `tag` by up to `events` simulated events (the
    /// worker slices by its own clock instead). Replies its progress, or
    /// the result once it is done.
    LoadStep { tag: u32, events: u32 },
    /// Drop the job `tag`, if it is still the one running.
    LoadCancel { tag: u32 },
    /// One edit of an editor's form, checked here (`edit::apply`, with the
    /// learner's message) against `base`, the world as built (the page
    /// removes the faults it can repair; `faults` are put back after). The
    /// outcome comes back in [`Update::edit`] with `tag`; an accepted edit
    /// replaces the world as [`Command::Replace`] does (`Origin::Edit`).
    Edit {
        tag: u32,
        base: Box<Scenario>,
        edit: crate::edit::Edit,
        faults: Vec<Change>,
    },
}

/// What became of a [`Command::Edit`]: accepted, or why not (the form shows
/// it and keeps what was typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditOutcome {
    pub tag: u32,
    pub refused: Option<String>,
}

/// One stream of [`Command::Streams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamJob {
    pub scenario: Scenario,
    pub spec: StreamSpec,
    pub events: Vec<StreamEvent>,
}

/// How the page should show a new trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Show {
    /// From its first step (a new request; playback may start).
    Start,
    /// At its last step (the world changed: the symptom at once).
    End,
    /// At this step (a deep link).
    Step(usize),
}

/// A change of the note shown about the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Note {
    Keep,
    Clear,
    Set(String),
}

/// A command the session refused, with the learner's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The world could not be built (the design switch).
    Design(String),
    /// An edit, import or stored stack was refused when the database loaded it.
    Edit(String),
    /// A deep link could not be opened (the defaults stay).
    Link(String),
    /// The stored stack or an imported file could not be read.
    Unreadable { origin: Origin, message: String },
}

/// The session after a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Update {
    /// The running world (faults included), when it differs from the last
    /// one sent (and always after `Start`): most replies carry only a trace,
    /// and the page keeps the world it has.
    pub world: Option<Scenario>,
    /// The deep link to the session (its step is the page's to set), and
    /// whether the learner's edits were too large to include.
    pub share: ShareLink,
    pub share_left_out: bool,
    /// A new trace, and where to show it.
    pub trace: Option<(Trace, Show)>,
    pub note: Note,
    pub refused: Option<Refusal>,
    /// The world was replaced (or its data written by the console).
    pub replaced: Option<Origin>,
    /// The console's result, when the command was a statement.
    /// (Packed: the page relays it to the editors, which open it.)
    pub console: Option<wire::Packed<ConsoleResult>>,
    /// The browsed table, refreshed (packed too).
    pub browse: Option<(String, wire::Packed<ConsoleResult>)>,
    /// The session now comes from a deep link.
    pub from_link: bool,
    /// What the running world's backups hold, on its clock.
    pub backups: crate::backup::BackupStatus,
    /// The outcome of an editor's edit, when the command was one.
    pub edit: Option<EditOutcome>,
    /// Who can connect to what in the world sent with it (with `world`,
    /// computed here so the page draws the firewall editor's tables without
    /// reading the rules).
    /// Packed: only the editors (the page's second module) open it.
    pub firewalls: Option<wire::Packed<crate::firewall::view::Firewalls>>,
}

/// What the session answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Update(Box<Update>),
    /// A stream, packed (only the downtime panel, in the page's second
    /// module, reads it), and what the lessons read of it.
    Stream {
        tag: u32,
        seen: Result<crate::stream::StreamSeen, String>,
        result: wire::Packed<Result<StreamResult, String>>,
    },
    /// The results of [`Command::Streams`], in its order, packed (only
    /// the maintenance window, in the page's second module, reads them).
    Streams {
        tag: u32,
        results: wire::Packed<Vec<Result<StreamResult, String>>>,
    },
    /// The rows, packed (only the sweep panel, in the page's second
    /// module, reads them), and what the lessons read of them.
    Sweep {
        seen: Result<SweepSeen, String>,
        rows: wire::Packed<Result<Vec<SweepRow>, String>>,
    },
    /// Packed: only the load panel (the page's second module) reads them.
    RouteCosts(wire::Packed<Result<Vec<RouteCost>, String>>),
    /// The dashboard, packed (only the monitoring panel, in the page's
    /// second module, reads it), and what the lessons read of it.
    Monitor {
        seen: Result<crate::monitor::Seen, String>,
        dashboard: wire::Packed<Result<Box<crate::monitor::Dashboard>, String>>,
    },
    /// The deploy, packed (only the pipeline panel, in the page's second
    /// module, reads it), and what the lessons read of it.
    Pipeline {
        seen: Result<crate::pipeline::Seen, String>,
        result: wire::Packed<Result<Box<crate::pipeline::PipelineResult>, String>>,
    },
    /// The mistaken statement's run, packed (only the backup panel, in the
    /// page's second module, reads it), and what the lessons read of it.
    Mistake {
        seen: Result<crate::mistake::MistakeSeen, String>,
        run: wire::Packed<Result<Box<MistakeRun>, String>>,
    },
    /// A stack in the JSON form [`Command::Encode`] asked for.
    Json {
        form: crate::stored::JsonForm,
        text: String,
    },
    /// Where the load job `tag` is ([`Command::LoadStart`]). Packed: only
    /// the load panel (the page's second module) reads it.
    Load {
        tag: u32,
        report: wire::Packed<crate::load::job::LoadReport>,
    },
}

#[cfg(feature = "engine")]
mod engine {
    //! The session itself: it needs the simulator (the `engine` feature).

    use super::*;
    use crate::load;
    use crate::seed;
    use crate::share::{Event, Share};
    use crate::sim::{DiskRestore, Simulator};
    use crate::stream;

    /// What a new disk and the last backup brought back, and what they did
    /// not: the recovery point, in this session's own writes.
    fn disk_note(r: DiskRestore) -> String {
        let plural = |n: u64, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        format!(
            "A new disk, the system reinstalled and the database loaded from the last finished dump, begun at {}{}. Recovery point: {} before the disk failed at {}. Lost with the old disk: {} typed in the console and {} since the dump. The backup panel times such a recovery (RTO).",
            crate::backup::day_clock(r.dump_began_s),
            if r.initial { " (the data as this session began)" } else { "" },
            crate::backup::hours_minutes(r.failed_at_s - r.dump_began_s),
            crate::backup::day_clock(r.failed_at_s),
            plural(r.lost_statements as u64, "change", "changes"),
            plural(r.lost_views, "post view counted", "post views counted"),
        )
    }

    /// One learner's session: the simulator, its clock and its record.
    pub struct Session {
        sim: Simulator,
        /// Virtual time of the next request, µs since the session began.
        next_at_us: u64,
        /// The world the simulator was built from, and everything since:
        /// together they replay the session exactly (deep links).
        baseline: Scenario,
        log: Vec<Event>,
        /// The address of the last request (what a rerun requests).
        last_input: Option<String>,
        /// The table the data editor shows.
        browsing: Option<String>,
        /// The world the page was last sent (`Update::world`).
        sent: Option<Scenario>,
        /// The load panel's job, by its tag, and the route costs it is
        /// measured with (the seed's, as [`Command::RouteCosts`] answers).
        load: Option<(u32, load::job::Work)>,
        load_costs: Option<Vec<load::RouteCost>>,
    }

    impl Default for Session {
        fn default() -> Self {
            Session::new()
        }
    }

    impl Session {
        /// A session on the seed stack (one server).
        pub fn new() -> Session {
            let world = seed::simple_stack();
            let sim = Simulator::new(world.clone()).expect("the seed stack is valid");
            Session {
                sim,
                next_at_us: 0,
                baseline: world,
                log: Vec::new(),
                last_input: None,
                browsing: None,
                sent: None,
                load: None,
                load_costs: None,
            }
        }

        /// Starts the load job `tag` (replacing any other): its first
        /// progress, or why it cannot run.
        fn load_start(&mut self, tag: u32, job: load::job::LoadJob) -> load::job::LoadReport {
            use load::job::{LoadReport, Work};
            self.load = None;
            if self.load_costs.is_none() {
                match load::route_costs(&seed::simple_stack(), &load::LoadSpec::default().mix) {
                    Ok(costs) => self.load_costs = Some(costs),
                    Err(e) => return LoadReport::Failed(e.to_string()),
                }
            }
            let costs = self.load_costs.as_deref().unwrap_or_default();
            match Work::new(costs, job) {
                Ok(work) => {
                    let first = work.progress();
                    self.load = Some((tag, work));
                    first
                }
                Err(e) => LoadReport::Failed(e.to_string()),
            }
        }

        /// Advances the load job `tag` by up to `events` events: its final
        /// report once it is over (or when `tag` is not the job running:
        /// [`LoadReport::Cancelled`](load::job::LoadReport::Cancelled)),
        /// `None` while it goes on.
        pub fn load_step(&mut self, tag: u32, events: usize) -> Option<load::job::LoadReport> {
            let Some((t, work)) = self.load.as_mut() else {
                return Some(load::job::LoadReport::Cancelled);
            };
            if *t != tag {
                return Some(load::job::LoadReport::Cancelled);
            }
            let done = work.advance(events.max(1));
            if done.is_some() {
                self.load = None;
            }
            done
        }

        /// Where the load job `tag` is.
        pub fn load_progress(&self, tag: u32) -> load::job::LoadReport {
            match &self.load {
                Some((t, work)) if *t == tag => work.progress(),
                _ => load::job::LoadReport::Cancelled,
            }
        }

        /// Carries out one command.
        pub fn handle(&mut self, command: Command) -> Reply {
            let mut u = Changes::default();
            match command {
                Command::Start => self.sent = None,
                Command::Request { input } => u.trace = Some((self.request(input), Show::Start)),
                Command::Apply { changes, rerun } => {
                    self.apply(&changes, &mut u);
                    if let Some(input) = self.last_input.clone().or(rerun) {
                        u.trace = Some((self.request(input), Show::End));
                    }
                }
                Command::SetDesign(design) => self.set_design(design, &mut u),
                Command::Replace {
                    scenario,
                    faults,
                    origin,
                } => self.replace(*scenario, &faults, origin, &mut u),
                Command::Console { sql } => self.console(&sql, &mut u),
                Command::Browse { table } => {
                    if TABLES.contains(&table.as_str()) {
                        self.browsing = Some(table);
                    }
                    u.browse = self.browse();
                }
                Command::OpenLink { fragment } => self.open_link(&fragment, &mut u),
                Command::Stream {
                    tag,
                    scenario,
                    spec,
                    events,
                } => {
                    let result = stream::run(&scenario, &spec, &events).map_err(|e| e.to_string());
                    return Reply::Stream {
                        tag,
                        seen: result
                            .as_ref()
                            .map(StreamResult::seen)
                            .map_err(Clone::clone),
                        result: wire::Packed::new(&result),
                    };
                }
                Command::Streams { tag, runs } => {
                    let results: Vec<Result<StreamResult, String>> = runs
                        .iter()
                        .map(|j| {
                            stream::run(&j.scenario, &j.spec, &j.events).map_err(|e| e.to_string())
                        })
                        .collect();
                    return Reply::Streams {
                        tag,
                        results: wire::Packed::new(&results),
                    };
                }
                Command::Sweep => {
                    let worlds: Vec<Scenario> =
                        seed::Design::ALL.iter().map(|d| d.stack()).collect();
                    let rows = stream::sweep(&worlds).map_err(|e| e.to_string());
                    return Reply::Sweep {
                        seen: rows.as_deref().map(SweepSeen::of).map_err(Clone::clone),
                        rows: wire::Packed::new(&rows),
                    };
                }
                Command::RouteCosts { mix } => {
                    let costs = load::route_costs(&seed::simple_stack(), &mix);
                    return Reply::RouteCosts(wire::Packed::new(&costs.map_err(|e| e.to_string())));
                }
                Command::Monitor { spec } => {
                    let d = spec
                        .open()
                        .and_then(|spec| crate::monitor::run(&seed::simple_stack(), &spec))
                        .map(Box::new);
                    return Reply::Monitor {
                        seen: d.as_ref().map(|d| d.seen()).map_err(Clone::clone),
                        dashboard: wire::Packed::new(&d),
                    };
                }
                Command::Mistake { statement } => {
                    let spec = crate::mistake::MistakeSpec { statement };
                    let r = crate::mistake::run(self.sim.scenario(), &spec).map(Box::new);
                    return Reply::Mistake {
                        seen: r.as_ref().map(|m| m.seen()).map_err(Clone::clone),
                        run: wire::Packed::new(&r),
                    };
                }
                Command::Pipeline { spec } => {
                    let r = spec.open().and_then(|spec| {
                        crate::pipeline::run(&seed::simple_stack(), &spec)
                            .map(Box::new)
                            .map_err(|e| e.to_string())
                    });
                    return Reply::Pipeline {
                        seen: r.as_ref().map(|p| p.seen()).map_err(Clone::clone),
                        result: wire::Packed::new(&r),
                    };
                }
                Command::Wait { minutes } => self.wait(minutes),
                Command::Schedule(schedule) => self.schedule(schedule, &mut u),
                Command::Load { text, origin } => {
                    let read = match origin {
                        Origin::Stored => crate::stored::decode(&text),
                        _ => crate::stored::import(&text),
                    };
                    match read {
                        Ok(scenario) => self.replace(scenario, &[], origin, &mut u),
                        Err(message) => u.refused = Some(Refusal::Unreadable { origin, message }),
                    }
                }
                Command::Encode { scenario, form } => {
                    return Reply::Json {
                        form,
                        text: crate::stored::write(&scenario, form),
                    };
                }
                Command::Edit {
                    tag,
                    base,
                    edit,
                    faults,
                } => {
                    let refused = match crate::edit::apply(&base, &edit) {
                        Ok(world) => {
                            self.replace(world, &faults, Origin::Edit, &mut u);
                            None
                        }
                        Err(message) => Some(message),
                    };
                    u.edit = Some(EditOutcome { tag, refused });
                }
                Command::LoadStart { tag, job } => {
                    let report = match job.open() {
                        Ok(job) => self.load_start(tag, job),
                        Err(e) => load::job::LoadReport::Failed(e),
                    };
                    return Reply::Load {
                        tag,
                        report: wire::Packed::new(&report),
                    };
                }
                Command::LoadStep { tag, events } => {
                    let report = self
                        .load_step(tag, events as usize)
                        .unwrap_or_else(|| self.load_progress(tag));
                    return Reply::Load {
                        tag,
                        report: wire::Packed::new(&report),
                    };
                }
                Command::LoadCancel { tag } => {
                    if self.load.as_ref().is_some_and(|(t, _)| *t == tag) {
                        self.load = None;
                    }
                    return Reply::Load {
                        tag,
                        report: wire::Packed::new(&load::job::LoadReport::Cancelled),
                    };
                }
            }
            let (share, share_left_out) = Share::new(&self.baseline, &self.log, 0);
            // The world's own processes (the backups among them) run up to
            // the session's clock, so the status below is of now.
            self.sim.wait(self.next_at_us);
            let now = self.sim.scenario();
            let world = (self.sent.as_ref() != Some(now)).then(|| now.clone());
            if let Some(w) = &world {
                self.sent = Some(w.clone());
            }
            let firewalls = world
                .as_ref()
                .and_then(crate::firewall::view::firewalls)
                .map(|f| wire::Packed::new(&f));
            Reply::Update(Box::new(Update {
                world,
                share: share.link(),
                share_left_out,
                trace: u.trace,
                note: u.note,
                refused: u.refused,
                replaced: u.replaced,
                console: u.console.map(|c| wire::Packed::new(&c)),
                browse: u.browse.map(|(t, rows)| (t, wire::Packed::new(&rows))),
                from_link: u.from_link,
                backups: self.sim.backup_status(self.next_at_us),
                edit: u.edit,
                firewalls,
            }))
        }

        /// The world as it is now.
        pub fn world(&self) -> &Scenario {
            self.sim.scenario()
        }

        fn request(&mut self, input: String) -> Trace {
            let trace = self.sim.request(&input, self.next_at_us);
            self.log.push(Event::Request {
                url: input.clone(),
                at_us: self.next_at_us,
            });
            self.next_at_us = trace
                .started_at_us
                .saturating_add(trace.total_us())
                .saturating_add(GAP_BETWEEN_REQUESTS_US)
                .min(crate::share::MAX_SESSION_US);
            self.last_input = Some(input);
            trace
        }

        /// The longest wait asked for at once: past the next dump of the
        /// longest schedule (a week), from wherever the clock is.
        const MAX_WAIT_MIN: u32 = crate::backup::MAX_EVERY_MIN as u32 + 2;

        /// Time passes in the running world: nothing is requested, the
        /// schedule's dumps run.
        fn wait(&mut self, minutes: u32) {
            let us = u64::from(minutes.min(Self::MAX_WAIT_MIN)) * 60_000_000;
            // A session lasts at most MAX_SESSION_US (what a link may hold).
            self.next_at_us = self
                .next_at_us
                .saturating_add(us)
                .min(crate::share::MAX_SESSION_US);
            // The world is advanced to it before the reply (`handle`).
            self.log.push(Event::Wait {
                at_us: self.next_at_us,
            });
        }

        fn schedule(&mut self, schedule: crate::scenario::BackupSchedule, u: &mut Changes) {
            if let Err(e) = crate::backup::check_schedule(&schedule) {
                u.refused = Some(Refusal::Edit(e));
                return;
            }
            let change = Change::Backups(schedule);
            self.sim.apply(change, self.next_at_us);
            self.log.push(Event::Change {
                change,
                at_us: self.next_at_us,
            });
        }

        /// The last address again, shown at its end; nothing before the first request.
        fn rerun(&mut self) -> Option<(Trace, Show)> {
            let input = self.last_input.clone()?;
            Some((self.request(input), Show::End))
        }

        fn apply(&mut self, changes: &[Change], u: &mut Changes) {
            let at = self.next_at_us;
            for c in changes {
                self.sim.apply(*c, at);
                self.log.push(Event::Change {
                    change: *c,
                    at_us: at,
                });
            }
            let dns = changes.iter().any(|c| c.touches_dns());
            if dns {
                // The simulator emptied the resolver's cache; the record says so.
                self.log.push(Event::FlushDns);
            }
            u.note = if let Some(r) = self.sim.take_restored() {
                // The rows came back from the dump: the data editor's too.
                u.browse = self.browse();
                Note::Set(disk_note(r))
            } else if dns {
                Note::Set(
                    "The resolver's cache was emptied so the DNS change shows at once \
                     (a real resolver would keep its cached answer until the TTL runs out)."
                        .into(),
                )
            } else {
                Note::Clear
            };
        }

        /// Starts the record again from a freshly built world.
        fn rebuild(&mut self, world: Scenario) -> Result<(), String> {
            self.sim = Simulator::new(world.clone()).map_err(|e| e.to_string())?;
            self.baseline = world;
            self.log.clear();
            // A new record: its clock starts again (as a link of it would).
            self.next_at_us = 0;
            Ok(())
        }

        fn set_design(&mut self, design: seed::Design, u: &mut Changes) {
            if design == seed::Design::of(self.world()) {
                return;
            }
            let world = design.adopt(self.sim.original());
            if let Err(e) = self.rebuild(world) {
                u.refused = Some(Refusal::Design(e));
                return;
            }
            u.note = Note::Clear;
            if let Some(input) = self.last_input.clone() {
                // The secured designs serve the site over HTTPS: the address
                // the learner was on is asked for as https:// (plain http://
                // still works, and shows the 301 to https://). The others
                // have nothing on port 443: back to http://.
                let https = matches!(design, seed::Design::Secured | seed::Design::ScaledUp);
                let input = match (
                    input.strip_prefix("http://"),
                    input.strip_prefix("https://"),
                ) {
                    (Some(rest), _) if https => format!("https://{rest}"),
                    (_, Some(rest)) if !https => format!("http://{rest}"),
                    _ => input,
                };
                u.trace = Some((self.request(input), Show::Start));
            }
        }

        fn replace(
            &mut self,
            scenario: Scenario,
            faults: &[Change],
            origin: Origin,
            u: &mut Changes,
        ) {
            if let Err(e) = self.rebuild(scenario) {
                u.refused = Some(Refusal::Edit(e));
                return;
            }
            for c in faults {
                self.sim.apply(*c, self.next_at_us);
                self.log.push(Event::Change {
                    change: *c,
                    at_us: self.next_at_us,
                });
            }
            u.note = Note::Clear;
            u.replaced = Some(origin);
            u.browse = self.browse();
            u.trace = self.rerun();
        }

        fn console(&mut self, sql: &str, u: &mut Changes) {
            let at = self.next_at_us;
            let result = self.sim.console(sql, at);
            if result.wrote {
                self.log.push(Event::Console {
                    sql: sql.to_string(),
                    at_us: at,
                });
                u.replaced = Some(Origin::Edit);
                u.browse = self.browse();
                u.trace = self.rerun();
            }
            u.console = Some(result);
        }

        fn browse(&mut self) -> Option<(String, ConsoleResult)> {
            let table = self.browsing.clone()?;
            let result = self
                .sim
                .console(&format!("SELECT * FROM {table}"), self.next_at_us);
            Some((table, result))
        }

        fn open_link(&mut self, fragment: &str, u: &mut Changes) {
            let opened = Share::decode(fragment).and_then(|share| {
                let (sim, trace) = share.replay()?;
                Ok((share, sim, trace))
            });
            match opened {
                Ok((share, sim, trace)) => {
                    self.sim = sim;
                    self.baseline = share.baseline();
                    self.log = share.events.clone();
                    self.browsing = None;
                    u.from_link = true;
                    u.note = Note::Clear;
                    // The clock goes on from the link's last moment.
                    self.next_at_us = share.waited_until_us();
                    if let Some(trace) = trace {
                        self.next_at_us = self.next_at_us.max(
                            trace
                                .started_at_us
                                .saturating_add(trace.total_us())
                                .saturating_add(GAP_BETWEEN_REQUESTS_US),
                        );
                        self.last_input = Some(trace.input.clone());
                        u.trace = Some((trace, Show::Step(share.step)));
                    }
                }
                Err(message) => {
                    u.refused = Some(Refusal::Link(format!(
                        "{message} The default stack is shown instead."
                    )))
                }
            }
        }
    }

    /// What one command changed, gathered before the reply is built.
    struct Changes {
        trace: Option<(Trace, Show)>,
        note: Note,
        refused: Option<Refusal>,
        replaced: Option<Origin>,
        console: Option<ConsoleResult>,
        browse: Option<(String, ConsoleResult)>,
        from_link: bool,
        edit: Option<EditOutcome>,
    }

    impl Default for Changes {
        fn default() -> Self {
            Changes {
                trace: None,
                note: Note::Keep,
                refused: None,
                replaced: None,
                console: None,
                browse: None,
                from_link: false,
                edit: None,
            }
        }
    }
}
