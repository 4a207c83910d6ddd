//! The second module's side: its root component, which opens what the first module relays and draws the panels from it.

use std::cell::RefCell;
use std::rc::Rc;

use stackscope_core::load::job::LoadReport;
use stackscope_core::session::wire::Packed;
use yew::prelude::*;

use super::backups::BackupAsk;
use super::editors::{EditorView, EditorsBytes};
use super::{
    CostsBytes, DashboardBytes, DayBytes, DemoBytes, FromPanels, PipelineBytes, SweepBytes,
    ToPanels,
};
use crate::components::backup_panel::{self, BackupPanel};
use crate::components::day_field::use_into_view_when_linked_result;
use crate::components::deploy_panel::{DemoRun, DeployPanel};
use crate::components::editors::Editors;
use crate::components::load_panel::{Costs, LoadPanel, Report};
use crate::components::maintenance_window::MaintenanceWindow;
use crate::components::monitor_panel::{parse_link, Form, MonitorPanel};
use crate::components::pipeline_panel::{self, PipelinePanel};
use crate::components::sweep_panel::SweepPanel;
use crate::maintenance::{DayRuns, WindowLink};
use crate::state::Shared;
use stackscope_core::mistake::MistakeRun;
use stackscope_core::monitor::Dashboard;
use stackscope_core::pipeline::{PipelineResult, PipelineSpec};
use stackscope_core::stream::SweepRow;

/// Where the first module's messages arrive: kept until the root is there
/// to take them, then handed to it as they come.
#[derive(Clone, Default)]
pub struct Inbox(Rc<RefCell<InboxState>>);

#[derive(Default)]
struct InboxState {
    waiting: Option<ToPanels>,
    deliver: Option<Callback<ToPanels>>,
}

impl Inbox {
    /// A message from the first module.
    pub fn put(&self, message: ToPanels) {
        let deliver = self.0.borrow().deliver.clone();
        match deliver {
            Some(d) => d.emit(message),
            None => self.0.borrow_mut().waiting = Some(message),
        }
    }

    fn connect(&self, deliver: Callback<ToPanels>) {
        let waiting = {
            let mut s = self.0.borrow_mut();
            s.deliver = Some(deliver.clone());
            s.waiting.take()
        };
        if let Some(m) = waiting {
            deliver.emit(m);
        }
    }
}

impl PartialEq for Inbox {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub inbox: Inbox,
    /// To the first module.
    pub out: Callback<FromPanels>,
}

/// What the panels show, opened; each value keeps its identity while its
/// bytes stay the same, so a panel is not drawn again for nothing.
#[derive(Default, Clone, PartialEq)]
struct Opened {
    demo: Option<(u32, DemoBytes, DemoRun)>,
    costs: Option<(CostsBytes, Costs)>,
    load: Option<(u32, Packed<LoadReport>, Report)>,
    monitor: Option<(DashboardBytes, Dashboard_)>,
    monitor_running: bool,
    monitor_link: Option<Form>,
    pipeline: Option<(PipelineBytes, Pipeline_)>,
    pipeline_running: bool,
    pipeline_link: Option<PipelineSpec>,
    sweep: Option<(SweepBytes, Sweep_)>,
    day: Option<(DayBytes, Day_)>,
    day_running: bool,
    window_link: Option<WindowLink>,
    backups: Option<stackscope_core::backup::BackupStatus>,
    mistake: Option<Kept<Box<MistakeRun>>>,
    mistake_running: bool,
    backup_link: Option<backup_panel::Form>,
    mistake_link: Option<String>,
    editors: Option<(EditorsBytes, EditorView)>,
    /// The first module's first message has come (the panels read a link's
    /// settings when they mount, so they wait for it).
    received: bool,
}

/// The monitoring panel's dashboard, as its props take it.
type Dashboard_ = Shared<Result<Box<Dashboard>, String>>;
/// The pipeline panel's deploy, as its props take it.
type Pipeline_ = Shared<Result<Box<PipelineResult>, String>>;
/// The sweep panel's rows, as its props take them.
type Sweep_ = Shared<Result<Vec<SweepRow>, String>>;
/// The maintenance window's two deploys, as its props take them.
type Day_ = Shared<Result<DayRuns, String>>;

/// A panel's result as received, and opened.
type Kept<T> = (Packed<Result<T, String>>, Shared<Result<T, String>>);

/// A panel's result, opened: the value opened before while its bytes are
/// the same (so its panel is not drawn again for nothing), else opened anew.
fn reopen<T: serde::de::DeserializeOwned>(
    before: &Option<Kept<T>>,
    packed: Packed<Result<T, String>>,
) -> Kept<T> {
    reopen_with(before, packed, |p| p.open().and_then(|r| r))
}

/// [`reopen`] for a result that `open` reads from its bytes in its own way.
fn reopen_with<P: PartialEq, U>(
    before: &Option<(P, Shared<U>)>,
    packed: P,
    open: impl FnOnce(&P) -> U,
) -> (P, Shared<U>) {
    match before {
        Some((old, opened)) if *old == packed => (packed, opened.clone()),
        _ => {
            let opened = Shared::new(open(&packed));
            (packed, opened)
        }
    }
}

impl Reducible for Opened {
    type Action = ToPanels;

    fn reduce(self: Rc<Self>, m: ToPanels) -> Rc<Self> {
        let mut next = (*self).clone();
        next.costs = m.costs.map(|packed| reopen(&self.costs, packed));
        next.load = m.load.map(|(tag, packed)| match &self.load {
            Some((t, old, opened)) if *t == tag && *old == packed => (tag, packed, opened.clone()),
            _ => {
                let report = packed.open().unwrap_or_else(LoadReport::Failed);
                (tag, packed, Shared::new((tag, report)))
            }
        });
        next.monitor = m.monitor.map(|packed| reopen(&self.monitor, packed));
        next.monitor_running = m.monitor_running;
        next.pipeline = m.pipeline.map(|packed| reopen(&self.pipeline, packed));
        next.pipeline_running = m.pipeline_running;
        next.sweep = m.sweep.map(|packed| reopen(&self.sweep, packed));
        next.demo = m.demo.and_then(|(tag, packed)| match &self.demo {
            Some((t, old, run)) if *t == tag && *old == packed => Some((tag, packed, run.clone())),
            _ => {
                let demo = crate::faults::Demo::from_tag(tag)?;
                let run = DemoRun::of(demo, packed.open().and_then(|r| r));
                Some((tag, packed, run))
            }
        });
        next.day = m.day.map(|packed| {
            reopen_with(&self.day, packed, |p| {
                p.open().and_then(DayRuns::from_results)
            })
        });
        next.day_running = m.day_running;
        next.backups = m.backups;
        next.mistake = m.mistake.map(|packed| reopen(&self.mistake, packed));
        next.mistake_running = m.mistake_running;
        next.editors = m.editors.and_then(|packed| match &self.editors {
            Some((old, view)) if *old == packed => Some((packed, view.clone())),
            before => {
                let now = packed.open().ok()?;
                let view = EditorView::open(before.as_ref().map(|(_, v)| v), now);
                Some((packed, view))
            }
        });
        // The links are the page's first fragment: read once.
        if !self.received {
            next.pipeline_link = m
                .pipeline_link
                .as_deref()
                .and_then(pipeline_panel::parse_link);
            next.monitor_link = m.monitor_link.as_deref().and_then(parse_link);
            next.window_link = m
                .window_link
                .as_deref()
                .and_then(crate::maintenance::parse_link);
            next.backup_link = m.backup_link.as_deref().and_then(backup_panel::parse_link);
            next.mistake_link = m
                .mistake_link
                .as_deref()
                .and_then(crate::components::mistake_run::parse_link);
        }
        next.received = true;
        Rc::new(next)
    }
}

/// The stage at which every panel is drawn (the editors).
const LAST: u8 = 5;

/// A panel's callback: what `to` makes of its argument goes to the first
/// module. It keeps its identity, so a panel is not drawn again for it.
#[hook]
fn use_send<T: 'static>(out: &Callback<FromPanels>, to: fn(T) -> FromPanels) -> Callback<T> {
    let out = out.clone();
    use_callback((), move |t, _| out.emit(to(t)))
}

/// The panels of the second module.
#[component]
pub fn Root(props: &Props) -> Html {
    let opened = use_reducer(Opened::default);
    {
        let (inbox, dispatcher) = (props.inbox.clone(), opened.dispatcher());
        use_effect_with((), move |_| {
            inbox.connect(Callback::from(move |m| dispatcher.dispatch(m)));
        });
    }
    let send = {
        let out = props.out.clone();
        use_callback((), move |command, _| {
            if let Some(m) = FromPanels::of_command(command) {
                out.emit(m);
            }
        })
    };
    let out = &props.out;
    let on_run = use_send(out, FromPanels::LoadRun);
    let on_sweep = use_send(out, |()| FromPanels::Sweep);
    let on_demo = use_send(out, |demo: crate::faults::Demo| {
        FromPanels::Demo(demo.tag())
    });
    let on_backups = use_send(out, FromPanels::Backups);
    let on_mistake = use_send(out, |sql| FromPanels::Backups(BackupAsk::Mistake(sql)));
    let on_day_run = use_send(out, |()| FromPanels::RunDay);
    let on_day_count = use_send(out, |(chosen, peak)| FromPanels::DayCount(chosen, peak));
    let on_pipeline = use_send(out, |spec| FromPanels::Pipeline(Packed::new(&spec)));
    let on_monitor = use_send(out, |spec| FromPanels::Monitor(Packed::new(&spec)));
    let on_ask = use_send(out, FromPanels::Editor);
    // The sweep and the downtime panel first, the maintenance window and
    // the load panel a frame later, then the pipeline, then the monitoring
    // panel, then the backups, the editors last: each first
    // render (with the functions WebAssembly compiles on their first call)
    // is a task of its own, none long.
    let stage = use_state(|| 0u8);
    {
        let (stage, received) = (stage.clone(), opened.received);
        use_effect_with((*stage, received), move |&(now, received)| {
            let frame = (received && now < LAST)
                .then(|| crate::later::after_paint(move || stage.set(now + 1)));
            move || drop(frame)
        });
    }
    // A link to a panel (a lesson's "Go to…") that was followed before the
    // panels were here scrolled to its placeholder; once both are drawn,
    // the panel it names is shown.
    let hash = use_memo((), |_| {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    });
    let anchor = crate::panels::anchor(Some(hash.as_str()));
    let drawn = opened.received && *stage >= LAST;
    // The firewall editor is there once the world with firewalls is (after
    // the stored stack's round trip to the worker, on a reload).
    let firewalls = opened.editors.as_ref().is_some_and(|(_, v)| {
        v.firewalls
            .as_ref()
            .is_some_and(|f| !f.0.machines.is_empty())
    });
    let arrived = drawn && (anchor != Some("firewall-editor") || firewalls);
    use_into_view_when_linked_result(anchor.unwrap_or_default(), anchor.is_some(), arrived);
    if !opened.received {
        return html! {};
    }
    html! {
        <>
            <SweepPanel sweep={opened.sweep.as_ref().map(|(_, r)| r.clone())} on_run={on_sweep} />
            <DeployPanel demo={opened.demo.as_ref().map(|(_, _, d)| d.clone())} on_run={on_demo} />
            if *stage >= 1 {
                <MaintenanceWindow
                    runs={opened.day.as_ref().map(|(_, d)| d.clone())}
                    running={opened.day_running}
                    on_run={on_day_run}
                    link={opened.window_link.clone()}
                    on_count={on_day_count}
                />
                <LoadPanel
                    costs={opened.costs.as_ref().map(|(_, c)| c.clone())}
                    report={opened.load.as_ref().map(|(_, _, r)| r.clone())}
                    send={send}
                    on_run={on_run}
                />
            }
            if *stage >= 2 {
                <PipelinePanel
                    result={opened.pipeline.as_ref().map(|(_, p)| p.clone())}
                    running={opened.pipeline_running}
                    on_run={on_pipeline}
                    link={opened.pipeline_link}
                />
            }
            if *stage >= 3 {
                <MonitorPanel
                    dashboard={opened.monitor.as_ref().map(|(_, d)| d.clone())}
                    running={opened.monitor_running}
                    on_run={on_monitor}
                    link={opened.monitor_link.clone()}
                />
            }
            if *stage >= 4 {
                if let Some((_, view)) = &opened.editors {
                    <BackupPanel
                        world={view.world.clone()}
                        link={opened.backup_link.clone()}
                        mistake={opened.mistake.as_ref().map(|(_, m)| m.clone())}
                        mistake_running={opened.mistake_running}
                        on_mistake={on_mistake}
                        mistake_link={opened.mistake_link.clone()}
                        backups={opened.backups.clone()}
                        on_action={on_backups}
                    />
                }
            }
            if *stage >= LAST {
                if let Some((_, view)) = &opened.editors {
                    <Editors view={view.clone()} on_ask={on_ask} />
                }
            }
        </>
    }
}

/// The panels' root mounted in an element: what the first module sends is
/// put in its inbox; dropping it takes the panels off the page.
pub struct Here {
    inbox: Inbox,
    app: Option<yew::AppHandle<Root>>,
}

impl Here {
    /// Mounts the panels in `at`; what they ask for goes to `out`.
    pub fn mount(at: web_sys::Element, out: Callback<FromPanels>) -> Here {
        let inbox = Inbox::default();
        let app = yew::Renderer::<Root>::with_root_and_props(
            at,
            Props {
                inbox: inbox.clone(),
                out,
            },
        )
        .render();
        Here {
            inbox,
            app: Some(app),
        }
    }

    /// A message from the first module.
    pub fn put(&self, message: ToPanels) {
        self.inbox.put(message);
    }
}

impl Drop for Here {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// The panels in the first module itself (the browser tests' page, which
/// has no second module to import): messages still travel as postcard bytes.
struct InProcess(Here);

impl super::host::Mounted for InProcess {
    fn send(&self, message: &ToPanels) {
        let bytes = stackscope_core::session::wire::encode(message);
        self.0
            .put(stackscope_core::session::wire::decode_or_panic(&bytes));
    }
}

/// Mounts the panels in `at`, in this module; what they ask for goes to `out`.
pub fn mount_here(
    at: web_sys::Element,
    out: Callback<FromPanels>,
) -> Box<dyn super::host::Mounted> {
    use stackscope_core::session::wire;
    let out =
        Callback::from(move |m: FromPanels| out.emit(wire::decode_or_panic(&wire::encode(&m))));
    Box::new(InProcess(Here::mount(at, out)))
}
