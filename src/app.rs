//! The root component: owns the reducer, the playback timer and the page layout.

use gloo::timers::callback::Timeout;
use stackscope_core::load::LoadSpec;
use stackscope_core::session::{Command, Reply};
use yew::prelude::*;

use crate::backend::Connect;

use crate::components::{
    announcer::Announcer,
    checklist::Checklist,
    component_info::ComponentInfo,
    controls::Controls,
    diagram::Diagram,
    inspector::Inspector,
    lesson_card::LessonCard,
    presets::Presets,
    preview::Preview,
    reason_badge::ReasonBadge,
    shortcuts::{Legend, LessonsButton, Shortcuts},
    step_list::StepList,
    topology::TopologySwitch,
    url_bar::UrlBar,
    waterfall::Waterfall,
};
use crate::faults::{self, Demo};
use crate::lessons::LessonMsg;
use crate::stable::use_stable;
use crate::state::{Action, Speed, State};

/// Options of the app; the page mounts it with the defaults.
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct AppProps {
    /// Start playback after each new trace (never when reduced motion is preferred).
    /// Tests turn it off to drive the steps themselves.
    #[prop_or(true)]
    pub autoplay: bool,
    /// An address to request as soon as the app starts (a deep link).
    #[prop_or_default]
    pub initial_url: Option<AttrValue>,
    /// The step (0-based) to show first when `initial_url` is set.
    #[prop_or_default]
    pub initial_step: usize,
    /// The page's URL fragment at start: a deep link (`#s=…`) to open.
    #[prop_or_default]
    pub link: Option<AttrValue>,
    /// Where the simulated server runs: a Web Worker (the app), or on the
    /// page's thread (tests, `Connect::in_process`).
    #[prop_or_else(Connect::worker)]
    pub connect: Connect,
    /// Render the diagram first and the rest a frame at a time after it
    /// (`LAST_STAGE`), and a new trace's lists a frame after its journey
    /// (`crate::later`), so that no task is long. Tests render all at once.
    #[prop_or(true)]
    pub defer_panels: bool,
    /// On this browser's first visit (nothing under [`VISITED_KEY`]), request
    /// the first example at start when there is no deep link or initial
    /// address: it plays by itself (unless reduced motion is asked for).
    /// Tests turn it off to start from an empty page.
    #[prop_or(true)]
    pub first_request: bool,
    /// Mount the second module's panels in this module, at once (the
    /// browser tests: their page has no second module).
    #[prop_or_default]
    pub panels_here: Option<crate::panels::host::MountHere>,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            autoplay: true,
            initial_url: None,
            initial_step: 0,
            link: None,
            connect: Connect::worker(),
            defer_panels: true,
            first_request: true,
            panels_here: None,
        }
    }
}

/// True when the learner asked the system for reduced motion (never outside a browser).
fn prefers_reduced_motion() -> bool {
    if !cfg!(target_arch = "wasm32") {
        return false;
    }
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// The `localStorage` key that remembers this browser has been here
/// (versioned like the editors' `stackscope.scenario.v1`).
pub const VISITED_KEY: &str = "stackscope.visited.v1";

/// True when this browser opened the page before (never outside a browser).
fn visited_before() -> bool {
    crate::storage::get(VISITED_KEY).is_some()
}

/// Remembers that this browser has seen the page (storage may be refused: then every visit is a first).
fn remember_visit() {
    crate::storage::set(VISITED_KEY, "1");
}

/// How long after the page's last stage a first visit's request is sent, ms.
const FIRST_REQUEST_DELAY_MS: u32 = 400;

/// The page renders in stages, one a frame, so that no start-up task is
/// long: 0 the address bar, the playback controls, the diagram and the
/// inspector, 1 the diagram's fault toggles, the key legend and the design
/// switch, 2 the steps, preview and waterfall,
/// 3 the checklist, 4 the second module's panels (the availability sweep,
/// the downtime panel, the maintenance window, the load panel, the deploy
/// pipeline, monitoring, the backups and the editors, loaded when the
/// learner nears them: `crate::panels`), 5 the stored stack's loader
/// (`components::editors::stored`).
const LAST_STAGE: u8 = 5;

/// What the status line says of clicks made while the server starts.
fn queued(clicks: u32) -> String {
    match clicks {
        0 => String::new(),
        1 => " 1 click queued.".into(),
        n => format!(" {n} clicks queued (they run in order)."),
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let autoplay = props.autoplay;
    // `#lesson=…` / `#present` open a lesson; any other fragment is a deep link.
    let lesson_fragment = props.link.clone().filter(|l| crate::lessons::is_link(l));
    // A fragment without `=` names a place in the page (a lesson's "Go to
    // the sweep ↓" leaves `#sweep-panel` in the address), not a link.
    let link = props.link.clone().filter(|l| {
        l.len() > 1
            && l.as_bytes().contains(&b'=')
            && lesson_fragment.is_none()
            && !crate::panels::ToPanels::is_link(l)
    });
    let first_step = if props.initial_url.is_some() {
        props.initial_step
    } else {
        0
    };
    let state = {
        let from_link = link.is_some();
        // `#monitor=…`, `#window=…` and the other panels' links open their
        // panel with its settings (the panel, in the second module, reads it).
        let fragment = props.link.clone();
        use_reducer(move || {
            let mut s = State::new(autoplay, prefers_reduced_motion());
            s.first_step = first_step;
            s.from_link = from_link;
            if let Some(f) = fragment.as_deref() {
                s.panels = s.panels.with(|p| {
                    p.keep_link(f);
                });
            }
            s
        })
    };

    let lessons = crate::lessons::hook::use_lessons(&state, lesson_fragment);

    // The line to the simulated server, opened by the first command (after
    // the first paint); replies become actions.
    let send = {
        let dispatcher = state.dispatcher();
        let connect = props.connect.clone();
        use_memo((), move |_| {
            connect.lazily(Callback::from(move |reply: Reply| {
                dispatcher.dispatch(Action::Reply(Box::new(reply)))
            }))
        })
    };

    // Every action: those that need the server are sent (and, while it
    // starts, counted, so that the page says the click is queued).
    // The learner has asked for a trace (the first visit's own request is then not needed).
    let acted = use_mut_ref(|| false);
    let act = {
        let state = state.clone();
        let send = send.clone();
        let acted = acted.clone();
        Callback::from(move |action: Action| match state.command(&action) {
            Some(command) => {
                if action.asks_for_a_trace() {
                    *acted.borrow_mut() = true;
                }
                state.dispatch(Action::Sent(Box::new(action)));
                send(command);
            }
            None => state.dispatch(action),
        })
    };

    // A first visit's own request, waiting for the page's last stage.
    let first = use_mut_ref(|| false);
    // At start: wake the server, then open the deep link or the first address,
    // and measure the load panel's routes.
    {
        let act = act.clone();
        let send = send.clone();
        let initial = props.initial_url.clone();
        let first_request = props.first_request;
        let first = first.clone();
        use_effect_with((), move |_| {
            send(Command::Start);
            if let Some(link) = link {
                act.emit(Action::OpenLink(link.to_string()));
            } else if let Some(url) = initial {
                act.emit(Action::Run(url.to_string()));
            } else if first_request && !visited_before() {
                // Sent once the page is complete (the stages below).
                *first.borrow_mut() = true;
            }
            remember_visit();
            send(Command::RouteCosts {
                mix: LoadSpec::default().mix,
            });
        });
    }

    // The rest of the page: after the diagram's first paint, a stage a frame.
    let stage = use_state(|| if props.defer_panels { 0u8 } else { LAST_STAGE });
    {
        let stage = stage.clone();
        let (first, acted, send) = (first.clone(), acted.clone(), send.clone());
        let input = state.input.clone();
        use_effect_with(*stage, move |now| {
            let now = *now;
            // A first visit: once the page is complete and has settled, the
            // first example is requested and plays by itself (its rendering
            // stays out of the start-up's frames), unless the learner has
            // already asked for something. Not a click: never counted as queued.
            if now == LAST_STAGE && std::mem::take(&mut *first.borrow_mut()) {
                Timeout::new(FIRST_REQUEST_DELAY_MS, move || {
                    if !*acted.borrow() {
                        send(Command::Request { input });
                    }
                })
                .forget();
            }
            let frame =
                (now < LAST_STAGE).then(|| crate::later::after_paint(move || stage.set(now + 1)));
            move || drop(frame)
        });
    }

    // Playback: one step every (900 ms / speed) while playing. The timeout is
    // re-armed whenever the cursor moves, and dropped (cancelled) on pause.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (state.playing, state.cursor, state.run, state.speed),
            move |(playing, _, _, speed): &(bool, usize, u64, Speed)| {
                let timer = playing.then(|| {
                    Timeout::new(speed.step_ms(), move || dispatcher.dispatch(Action::Tick))
                });
                move || drop(timer)
            },
        );
    }

    // The deep link to what is on screen. It is offered as a link rather than
    // written into the page's address, so that a plain reload still opens the
    // learner's saved stack.
    let share = state.share();

    let d = act.clone();
    let on_lesson = {
        let l = lessons.dispatcher();
        Callback::from(move |m: LessonMsg| l.dispatch(m))
    };
    let journey = crate::journey::use_journey(d.clone(), on_lesson);
    let on_lesson = journey.lesson.clone();
    let on_load_run = {
        let l = on_lesson.clone();
        Callback::from(move |run| l.emit(LessonMsg::Load(run)))
    };
    let on_day_count = {
        let l = on_lesson.clone();
        Callback::from(move |(chosen, peak): (u64, u64)| {
            if chosen < peak {
                l.emit(LessonMsg::Observe(
                    vec![crate::lessons::Fact::QuietHourFewerFailures],
                    vec![
                        ("quiet_failed", chosen as f64),
                        ("peak_failed", peak as f64),
                    ],
                ));
            }
        })
    };
    // The panels below the journey get callbacks that keep their identity,
    // so a playback tick does not draw them again.
    let on_checklist = on_lesson.clone();
    // The second module's panels: the load panel drives its job on the
    // server itself (start, a slice per reply, cancel): its commands are
    // sent as they come, not actions the page queues; a finished run is the
    // lessons'.
    let on_panels = use_stable({
        let (send, d) = (send.clone(), d.clone());
        Callback::from(move |m: crate::panels::FromPanels| match m {
            crate::panels::FromPanels::LoadRun(run) => on_load_run.emit(run),
            crate::panels::FromPanels::Monitor(spec) => d.emit(Action::RunMonitor(spec)),
            crate::panels::FromPanels::Pipeline(spec) => d.emit(Action::RunPipeline(spec)),
            crate::panels::FromPanels::Sweep => d.emit(Action::RunSweep),
            crate::panels::FromPanels::Demo(tag) => {
                if let Some(demo) = Demo::from_tag(tag) {
                    d.emit(Action::RunDemo(demo))
                }
            }
            crate::panels::FromPanels::RunDay => d.emit(Action::RunDay),
            crate::panels::FromPanels::DayCount(chosen, peak) => on_day_count.emit((chosen, peak)),
            crate::panels::FromPanels::Editor(ask) => d.emit(ask.action()),
            crate::panels::FromPanels::Backups(ask) => d.emit(ask.action()),
            other => {
                if let Some(command) = other.command() {
                    send(command)
                }
            }
        })
    });
    let on_editors = journey.act.clone();
    let standby = state
        .standby_shown()
        .map(|(on, name)| (on, AttrValue::from(name)));
    let lesson_card = lessons.lesson().map(|(index, lesson, screen)| {
        html! {
            <LessonCard
                index={index}
                screen={screen}
                progress={lessons.progress.clone()}
                question={crate::lessons::quiz::for_lesson(lesson.id, &state, &lessons.progress)}
                picked={lessons.picked}
                presenter={lessons.presenter}
                design={stackscope_core::seed::Design::of(&state.world)}
                on_msg={on_lesson.clone()}
                on_action={d.clone()}
            />
        }
    });

    let to_panels = crate::panels::editors::use_to_panels(&state, *stage >= 4);

    let trace = state.trace.clone();
    // The lists below the journey: a new trace's one a frame after its
    // journey (the steps, the layers, the preview, then the waterfall).
    let [(steps, steps_cursor, _), (layers, layers_cursor, _), (previewed, _, previewed_end), (waterfall, waterfall_cursor, _)] =
        crate::later::use_frames_later(
            state.run,
            (trace.clone(), state.cursor, state.at_end()),
            props.defer_panels,
        );
    let count = state.step_count();
    let current = trace
        .as_ref()
        .and_then(|t| t.steps.get(state.cursor))
        .cloned();

    html! {
        <>
            <main id="main">
            <section class="address" aria-label="Address bar">
                <UrlBar
                    value={AttrValue::from(state.input.clone())}
                    error={state.input_error().map(|e| AttrValue::from(e.to_string()))}
                    on_input={journey.on_input.clone()}
                    on_submit={journey.on_run.clone()}
                />
                <Presets on_pick={journey.on_run.clone()} />
            </section>
            if let Some(err) = &state.link_error {
                <p id="link-error" class="init-error" role="alert">{ format!("✕ {err}") }</p>
            }
            if let Some(err) = &state.init_error {
                <p class="init-error" role="alert">
                    { format!("✕ The simulation could not start: {err}") }
                </p>
            }
            <div class="layout">
                <section class="stage" aria-labelledby="diagram-title">
                    <h2 id="diagram-title">{ "The journey" }</h2>
                    if !state.ready {
                        // Beside the title, over the stage's corner: its going
                        // away moves nothing.
                        <p id="server-status" class="server-status" role="status">
                            { "Starting the simulated server…" }
                            { queued(state.queued) }
                        </p>
                    }
                    // What to do, in one sentence, and the one obvious first action
                    // (Play); an open lesson takes its place.
                    if let Some(card) = lesson_card {
                        { card }
                    } else {
                    <p id="intro" class="intro">
                        // One sentence before and after the first trace: a
                        // shorter second one wrapped differently and moved
                        // everything below it (a layout shift of 0.23 at
                        // 640x1136 while a first visit started to play).
                        <span>
                            { "Press " }<strong>{ "Go" }</strong>
                            { " to send the request, then " }<strong>{ "▶ Play" }</strong>
                            { " to watch it travel hop by hop." }
                        </span>
                        <LessonsButton on_msg={on_lesson.clone()} />
                    </p>
                    }
                    // Before the diagram: on screen with it (and the third Tab stop from the address).
                    <Controls
                        playing={state.playing}
                        cursor={state.cursor}
                        count={count}
                        speed={state.speed}
                        on_toggle={journey.on_toggle.clone()}
                        on_back={journey.on_back.clone()}
                        on_forward={journey.on_forward.clone()}
                        on_restart={journey.on_restart.clone()}
                        on_seek={journey.on_seek.clone()}
                        on_speed={journey.on_speed.clone()}
                    />
                    <Shortcuts on_key={journey.on_key.clone()} />
                    <ReasonBadge trace={trace.clone()} />
                    <Diagram
                        trace={trace.clone()}
                        cursor={state.cursor}
                        speed={state.speed}
                        world={state.world.clone()}
                        on_select={journey.on_select.clone()}
                        on_fault={journey.on_fault.clone()}
                        controls={*stage >= 1}
                    />
                    if *stage >= 1 {
                        // Below the diagram: drawn a frame later, they move nothing.
                        <Legend presenter={lessons.presenter} on_presenter={journey.on_presenter.clone()} />
                        if let Some(c) = state.info {
                            <ComponentInfo component={c} on_close={journey.on_close_info.clone()} />
                        }
                        <TopologySwitch
                            design={state.design_shown()}
                            broken={!faults::active(&state.world).is_empty()}
                            note={state.world_note.clone().map(AttrValue::from)}
                            on_switch={journey.on_switch.clone()}
                            on_restore={journey.on_restore.clone()}
                            standby={standby}
                            on_standby={journey.on_standby.clone()}
                        />
                        if let Some((hash, left_out)) = &share {
                            <p class="share">
                                <a id="share-link" href={hash.clone()}>{ "Link to this step" }</a>
                                { " — it replays this session: the same world, requests and faults" }
                                { if *left_out { " (your edits are too large for a link: use Export)" } else { "" } }
                            </p>
                        }
                        <Announcer cursor={state.cursor} count={count} step={current.clone()} />
                    }
                </section>
                // The inspector's column: it stays in view (sticky) while the
                // stage and the steps scroll past, and never over the panels below.
                // In the first frame (and so in index.html's static one): its
                // paragraph is the page's largest text, which browsers then
                // count as the largest contentful paint at once, not a stage
                // later (Lighthouse desktop: LCP 832 ms, the stage's frame).
                <div class="inspector-col">
                    <Inspector cursor={state.cursor} step={current} />
                </div>
                if *stage >= 2 {
                    <StepList trace={steps} cursor={steps_cursor} on_seek={journey.on_seek.clone()} />
                    <crate::components::layers_view::LayersView trace={layers} cursor={layers_cursor} on_seek={journey.on_seek.clone()} />
                    <Preview trace={previewed} at_end={previewed_end} />
                    <Waterfall trace={waterfall} cursor={waterfall_cursor} />
                }
            </div>
            if *stage >= 3 {
                <Checklist
                    progress={lessons.progress.clone()}
                    open={lessons.open.map(|(i, _)| i)}
                    notice={lessons.notice.clone().map(AttrValue::from)}
                    on_msg={on_checklist}
                />
            }
            if *stage >= 4 {
                // The page's second module (`crate::panels`): the panels
                // below the checklist.
                <crate::panels::host::Host message={to_panels} on_message={on_panels}
                    eager={state.panels.linked() || crate::panels::is_anchor(props.link.as_deref())}
                    here={props.panels_here.clone()} />
            }
            if *stage >= LAST_STAGE {
            <crate::components::editors::stored::StoredStack
                world={state.world.clone()}
                editor={state.editor.clone()}
                skip_stored={state.from_link}
                on_action={on_editors}
            />
            }
            </main>
        </>
    }
}
