//! The root component: owns the reducer, the playback timer and the page layout.

use gloo::timers::callback::Timeout;
use stackscope_core::{Change, Component};
use yew::prelude::*;

use crate::components::{
    announcer::Announcer, component_info::ComponentInfo, controls::Controls,
    deploy_panel::DeployPanel, diagram::Diagram, header::Header, inspector::Inspector,
    presets::Presets, preview::Preview, reason_badge::ReasonBadge, step_list::StepList,
    sweep_panel::SweepPanel, topology::TopologySwitch, url_bar::UrlBar, waterfall::Waterfall,
};
use crate::faults::{self, Demo};
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
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            autoplay: true,
            initial_url: None,
            initial_step: 0,
            link: None,
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

#[component]
pub fn App(props: &AppProps) -> Html {
    let autoplay = props.autoplay;
    let initial = props
        .initial_url
        .as_ref()
        .map(|url| (url.to_string(), props.initial_step));
    let link = props.link.clone().filter(|l| l.len() > 1);
    let state = use_reducer(move || {
        let state = std::rc::Rc::new(State::new(autoplay, prefers_reduced_motion()));
        if let Some(link) = link {
            let opened = yew::Reducible::reduce(state, Action::OpenLink(link.to_string()));
            return (*opened).clone();
        }
        match initial {
            Some((url, step)) => {
                let mut state = yew::Reducible::reduce(state, Action::Run(url));
                if step > 0 {
                    state = yew::Reducible::reduce(state, Action::Seek(step));
                }
                (*state).clone()
            }
            None => (*state).clone(),
        }
    });

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

    let d = state.dispatcher();
    let on_input = {
        let d = d.clone();
        Callback::from(move |text: String| d.dispatch(Action::SetInput(text)))
    };
    let on_run = {
        let d = d.clone();
        Callback::from(move |input: String| d.dispatch(Action::Run(input)))
    };
    let on_select = {
        let d = d.clone();
        Callback::from(move |c: Component| d.dispatch(Action::ShowInfo(c)))
    };
    let on_close_info = {
        let d = d.clone();
        Callback::from(move |()| d.dispatch(Action::CloseInfo))
    };
    let on_seek = {
        let d = d.clone();
        Callback::from(move |i: usize| d.dispatch(Action::Seek(i)))
    };
    let action = |a: Action| {
        let d = d.clone();
        Callback::from(move |()| d.dispatch(a.clone()))
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |s: Speed| d.dispatch(Action::SetSpeed(s)))
    };

    let on_switch = {
        let d = d.clone();
        Callback::from(move |r: bool| d.dispatch(Action::SetRedundant(r)))
    };
    let on_fault = {
        let d = d.clone();
        Callback::from(move |(change, on): (Change, bool)| {
            d.dispatch(Action::SetFault { change, on })
        })
    };
    let on_demo = {
        let d = d.clone();
        Callback::from(move |demo: Demo| d.dispatch(Action::RunDemo(demo)))
    };

    let trace = state.trace.clone();
    let count = state.step_count();
    let current = trace
        .as_ref()
        .and_then(|t| t.steps.get(state.cursor))
        .cloned();

    html! {
        <>
            <Header />
            <main id="main">
            <section class="address" aria-label="Address bar">
                <UrlBar
                    value={AttrValue::from(state.input.clone())}
                    error={state.input_error().map(|e| AttrValue::from(e.to_string()))}
                    on_input={on_input}
                    on_submit={on_run.clone()}
                />
                <Presets on_pick={on_run} />
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
                    <TopologySwitch
                        redundant={state.redundant()}
                        broken={!faults::active(&state.world).is_empty()}
                        note={state.world_note.clone().map(AttrValue::from)}
                        on_switch={on_switch}
                        on_restore={action(Action::RestoreAll)}
                    />
                    <ReasonBadge trace={trace.clone()} />
                    <Diagram
                        trace={trace.clone()}
                        cursor={state.cursor}
                        speed={state.speed}
                        world={state.world.clone()}
                        on_select={on_select}
                        on_fault={on_fault}
                    />
                    if let Some(c) = state.info {
                        <ComponentInfo component={c} on_close={on_close_info} />
                    }
                    <Controls
                        playing={state.playing}
                        cursor={state.cursor}
                        count={count}
                        speed={state.speed}
                        on_toggle={action(Action::TogglePlay)}
                        on_back={action(Action::StepBack)}
                        on_forward={action(Action::StepForward)}
                        on_restart={action(Action::Restart)}
                        on_seek={on_seek.clone()}
                        on_speed={on_speed}
                    />
                    if let Some((hash, left_out)) = &share {
                        <p class="share">
                            <a id="share-link" href={hash.clone()}>{ "Link to this step" }</a>
                            { " — it replays this session: the same world, requests and faults" }
                            { if *left_out { " (your edits are too large for a link: use Export)" } else { "" } }
                        </p>
                    }
                    <Announcer cursor={state.cursor} count={count} step={current.clone()} />
                </section>
                <Inspector cursor={state.cursor} step={current} />
                <StepList trace={trace.clone()} cursor={state.cursor} on_seek={on_seek} />
                <Preview trace={trace.clone()} at_end={state.at_end()} />
                <Waterfall trace={trace} cursor={state.cursor} />
                <DeployPanel demo={state.demo.clone()} on_run={on_demo} />
                <SweepPanel sweep={state.sweep.clone()} on_run={action(Action::RunSweep)} />
            </div>
            <crate::components::load_panel::LoadPanel />
            <crate::components::editors::Editors
                world={state.world.clone()}
                editor={state.editor.clone()}
                skip_stored={state.from_link}
                on_action={{ let d = d.clone(); Callback::from(move |a: Action| d.dispatch(a)) }}
            />
            </main>
        </>
    }
}
