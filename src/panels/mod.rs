//! The page's second module: panels drawn by a WebAssembly module of their own, imported on demand.
//!
//! The page's first module (`stackscope_bg.wasm`) paints the journey; the
//! downtime panel, the backup panel, the availability sweep, the load panel, the maintenance window, the deploy
//! pipeline, the monitoring dashboard and the editors, far below it, are drawn by a
//! second one (`panels_bg.wasm`, the `panels/` crate), imported when the
//! learner comes near them (or a `#monitor=`, `#pipeline=`, `#window=`,
//! `#backup=` or `#mistake=` link opens one of them), so
//! the first module never carries their code (their charts, their forms,
//! the decoders of their reports). What must happen at start stays in the
//! first: the stack kept in this browser is loaded (and saved after each
//! change) by `components::editors::stored`.
//! The two modules share no memory: they talk in postcard bytes, as the
//! page talks to its worker.
//!
//! ```text
//!  first module (App, State)                 second module (panels/)
//!  ─────────────────────────                 ───────────────────────
//!  Host ── ToPanels (what the panels show) ──► Root ─► Sweep, Downtime, Window, Load, Pipeline, Monitor, Backups, Editors
//!  Host ◄── FromPanels (what they ask for) ─── Root ◄─ its callbacks
//! ```
//!
//! The worker's replies for the panels come packed ([`Packed`]): the first
//! module keeps and relays their bytes and never links their decoders; the
//! second opens them. [`host`] is the first module's side, [`root`] the
//! second's; each module links only its own.

pub mod backups;
pub mod editors;
pub mod host;
pub mod root;

use serde::{Deserialize, Serialize};
use stackscope_core::load::job::{LoadJob, LoadReport};
use stackscope_core::load::RouteCost;
use stackscope_core::monitor::{Dashboard, MonitorSpec};
use stackscope_core::pipeline::{PipelineResult, PipelineSpec};
use stackscope_core::session::wire::Packed;
use stackscope_core::session::Command;
use stackscope_core::stream::{StreamResult, SweepRow};

/// The routes' costs, packed.
pub type CostsBytes = Packed<Result<Vec<RouteCost>, String>>;
/// A monitoring dashboard, packed.
pub type DashboardBytes = Packed<Result<Box<Dashboard>, String>>;
/// The availability sweep's rows, packed.
pub type SweepBytes = Packed<Result<Vec<SweepRow>, String>>;
/// A deploy of the pipeline panel, packed.
pub type PipelineBytes = Packed<Result<Box<PipelineResult>, String>>;
/// A stream of the downtime panel, packed.
pub type DemoBytes = Packed<Result<StreamResult, String>>;
/// The maintenance window's two deploys (`maintenance::DEPLOYS`), packed.
pub type DayBytes = Packed<Vec<Result<StreamResult, String>>>;

/// What the panels show: the state the first module holds for them, sent
/// whole whenever it changes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ToPanels {
    /// The downtime panel's last stream, once run: its demo's tag
    /// (`faults::Demo::tag`) and the stream.
    pub demo: Option<(u32, DemoBytes)>,
    /// What each route costs (the load panel's input), once measured.
    pub costs: Option<CostsBytes>,
    /// The server's last report on a load job: its tag and where it is.
    pub load: Option<(u32, Packed<LoadReport>)>,
    /// The monitoring dashboard, once run, and whether one is being run.
    pub monitor: Option<DashboardBytes>,
    pub monitor_running: bool,
    /// The fragment the page was opened with, when it is a `#monitor=…` link.
    pub monitor_link: Option<String>,
    /// The last deploy of the pipeline panel, and whether one is running.
    pub pipeline: Option<PipelineBytes>,
    pub pipeline_running: bool,
    /// The fragment the page was opened with, when it is a `#pipeline=…` link.
    pub pipeline_link: Option<String>,
    /// The last availability sweep, once run.
    pub sweep: Option<SweepBytes>,
    /// The maintenance window's deploys, once run, and whether they are
    /// being run.
    pub day: Option<DayBytes>,
    pub day_running: bool,
    /// The fragment the page was opened with, when it is a `#window=…` link.
    pub window_link: Option<String>,
    /// What the running world's backups hold, on its clock.
    pub backups: Option<stackscope_core::backup::BackupStatus>,
    /// The mistaken statement's last run, and whether one is running.
    pub mistake: Option<backups::MistakeBytes>,
    pub mistake_running: bool,
    /// The fragment the page was opened with, when it is a `#backup=…` or
    /// a `#mistake=…` link.
    pub backup_link: Option<String>,
    pub mistake_link: Option<String>,
    /// What the editors show (the running world, the server's answers).
    pub editors: Option<editors::EditorsBytes>,
}

/// The element ids of the second module's panels that a fragment can name
/// (a lesson's "Go to…" links to some: `lessons::catalog::Place::link`).
pub const ANCHORS: [&str; 10] = [
    "sweep-panel",
    "deploy-panel",
    "load-panel",
    "day-panel",
    "pipeline-panel",
    "monitor-panel",
    "backup-panel",
    "mistake",
    "editors",
    "firewall-editor",
];

/// The anchor (one of [`ANCHORS`]) a page's fragment names, if any.
pub fn anchor(fragment: Option<&str>) -> Option<&'static str> {
    let id = fragment?.strip_prefix('#')?;
    ANCHORS.into_iter().find(|a| *a == id)
}

/// The page's fragment names one of the second module's panels' anchors:
/// a page opened there (a reload after a lesson's "Go to…") loads the
/// module at once, and its root scrolls there once drawn.
pub fn is_anchor(fragment: Option<&str>) -> bool {
    anchor(fragment).is_some()
}

impl ToPanels {
    /// Keeps a link that opens one of the panels (`#monitor=…`,
    /// `#pipeline=…`, `#window=…`, `#backup=…`, `#mistake=…`) for the panel
    /// that reads it; false, keeping nothing, for any other fragment.
    pub fn keep_link(&mut self, fragment: &str) -> bool {
        let Some(slot) = self.slot(fragment) else {
            return false;
        };
        *slot = Some(fragment.to_string());
        true
    }

    /// Whether a fragment is one of the panels' links (which
    /// [`ToPanels::keep_link`] keeps).
    pub fn is_link(fragment: &str) -> bool {
        Self::default().slot(fragment).is_some()
    }

    /// Where the panel that reads `fragment` finds it, if one does.
    fn slot(&mut self, fragment: &str) -> Option<&mut Option<String>> {
        use crate::components::{backup_panel, mistake_run, monitor_panel, pipeline_panel};
        Some(if monitor_panel::is_link(fragment) {
            &mut self.monitor_link
        } else if pipeline_panel::is_link(fragment) {
            &mut self.pipeline_link
        } else if crate::maintenance::is_link(fragment) {
            &mut self.window_link
        } else if backup_panel::is_link(fragment) {
            &mut self.backup_link
        } else if mistake_run::is_link(fragment) {
            &mut self.mistake_link
        } else {
            return None;
        })
    }

    /// A link opens one of the panels: the module loads at once.
    pub fn linked(&self) -> bool {
        self.monitor_link.is_some()
            || self.pipeline_link.is_some()
            || self.window_link.is_some()
            || self.backup_link.is_some()
            || self.mistake_link.is_some()
    }
}

/// What the panels ask of the first module: commands for the simulated
/// server (it sends them), and what the lessons listen for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromPanels {
    LoadStart {
        tag: u32,
        job: Packed<LoadJob>,
    },
    LoadStep {
        tag: u32,
        events: u32,
    },
    LoadCancel {
        tag: u32,
    },
    /// A load run finished (the lessons' checklist listens).
    LoadRun(crate::lessons::LoadRun),
    /// Run the monitoring dashboard (an action of the page's: queued while
    /// the server starts, like a click).
    Monitor(Packed<MonitorSpec>),
    /// Deploy a release with the pipeline panel (an action too).
    Pipeline(Packed<PipelineSpec>),
    /// Run the availability sweep (an action too).
    Sweep,
    /// Run one of the downtime panel's streams, by its demo's tag (an action too).
    Demo(u32),
    /// Run the maintenance window's two deploys (an action too).
    RunDay,
    /// The maintenance window counted a day: the one-server deploy's failed
    /// requests at the chosen time and at the peak (the lessons listen).
    DayCount(u64, u64),
    /// What an editor asks for (an action of the page's).
    Editor(editors::EditorAsk),
    /// What the backup panel asks for (an action of the page's).
    Backups(backups::BackupAsk),
}

impl FromPanels {
    /// The server's command it asks for, if it is one.
    pub fn command(self) -> Option<Command> {
        match self {
            FromPanels::LoadStart { tag, job } => Some(Command::LoadStart { tag, job }),
            FromPanels::LoadStep { tag, events } => Some(Command::LoadStep { tag, events }),
            FromPanels::LoadCancel { tag } => Some(Command::LoadCancel { tag }),
            FromPanels::LoadRun(_)
            | FromPanels::Monitor(_)
            | FromPanels::Pipeline(_)
            | FromPanels::Sweep
            | FromPanels::Demo(_)
            | FromPanels::RunDay
            | FromPanels::DayCount(..)
            | FromPanels::Editor(_)
            | FromPanels::Backups(_) => None,
        }
    }

    /// The message for a command a panel sends (the load panel's three).
    pub fn of_command(command: Command) -> Option<FromPanels> {
        match command {
            Command::LoadStart { tag, job } => Some(FromPanels::LoadStart { tag, job }),
            Command::LoadStep { tag, events } => Some(FromPanels::LoadStep { tag, events }),
            Command::LoadCancel { tag } => Some(FromPanels::LoadCancel { tag }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ToPanels;

    #[test]
    fn each_panels_link_is_kept_for_its_panel_and_nothing_else_is() {
        let kept = |f: &str| {
            let mut p = ToPanels::default();
            let yes = p.keep_link(f);
            assert_eq!(ToPanels::is_link(f), yes, "{f}");
            let slots = [
                &p.monitor_link,
                &p.pipeline_link,
                &p.window_link,
                &p.backup_link,
                &p.mistake_link,
            ]
            .map(|s| s.as_deref() == Some(f));
            (yes, slots, p.linked())
        };
        let t = true;
        let f = false;
        assert_eq!(kept("#monitor=rate%3E0.05"), (t, [t, f, f, f, f], t));
        assert_eq!(kept("#pipeline=v2"), (t, [f, t, f, f, f], t));
        assert_eq!(kept("#window=03:00"), (t, [f, f, t, f, f], t));
        assert_eq!(
            kept("#backup=02:00&every=24&fail=18:00"),
            (t, [f, f, f, t, f], t)
        );
        assert_eq!(
            kept("#mistake=DELETE%20FROM%20posts"),
            (t, [f, f, f, f, t], t)
        );
        // A session's deep link, a lesson, a place in the page: no panel's.
        for other in ["#s=abc", "#lesson=3.1", "#mistake", "#backup-panel"] {
            assert_eq!(kept(other), (f, [f; 5], f), "{other}");
        }
    }
}
