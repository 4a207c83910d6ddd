//! Playback controls: play/pause, step back/forward, restart, speed and the scrubber.

use web_sys::{HtmlButtonElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::Speed;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playing: bool,
    /// Current step index (0-based).
    pub cursor: usize,
    /// Number of steps; 0 before the first request.
    pub count: usize,
    pub speed: Speed,
    pub on_toggle: Callback<()>,
    pub on_back: Callback<()>,
    pub on_forward: Callback<()>,
    pub on_restart: Callback<()>,
    pub on_seek: Callback<usize>,
    pub on_speed: Callback<Speed>,
}

fn click(cb: &Callback<()>) -> Callback<MouseEvent> {
    let cb = cb.clone();
    Callback::from(move |_: MouseEvent| cb.emit(()))
}

/// Moves the focus to `to` when `from` had it and was just disabled (the
/// browser then leaves it on `<body>`).
fn refocus(had: &Option<String>, from: &NodeRef, to: &NodeRef) -> bool {
    let (Some(from), Some(to)) = (
        from.cast::<HtmlButtonElement>(),
        to.cast::<HtmlButtonElement>(),
    ) else {
        return false;
    };
    if had.as_deref() != Some(from.id().as_str()) || !from.disabled() || to.disabled() {
        return false;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let lost = match doc.active_element() {
        None => true,
        Some(a) => doc.body().is_some_and(|b| *b == a) || a == **from,
    };
    lost && to.focus().is_ok()
}

#[component]
pub fn Controls(props: &Props) -> Html {
    let empty = props.count == 0;
    let last = props.count.saturating_sub(1);
    let on_scrub = {
        let cb = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(i) = input.value().parse::<usize>() {
                cb.emit(i);
            }
        })
    };
    let on_speed = {
        let cb = props.on_speed.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            cb.emit(Speed::from_value(&select.value()));
        })
    };
    // A focused button that becomes disabled (Next at the last step, Back
    // at the first) would drop the focus to <body>: it moves to the other
    // one instead. `had` is the control that has (or last had) the focus.
    let back = use_node_ref();
    let forward = use_node_ref();
    let had = use_mut_ref(|| None::<String>);
    {
        let (back, forward, had) = (back.clone(), forward.clone(), had.clone());
        use_effect_with((props.cursor, props.count), move |_| {
            // (The focus that moves is recorded by `on_focusin`.)
            let now = had.borrow().clone();
            let _ = refocus(&now, &forward, &back) || refocus(&now, &back, &forward);
        });
    }
    let on_focusin = {
        let had = had.clone();
        Callback::from(move |e: FocusEvent| {
            *had.borrow_mut() = e.target_dyn_into::<web_sys::Element>().map(|t| t.id())
        })
    };
    let on_focusout = {
        let had = had.clone();
        Callback::from(move |e: FocusEvent| {
            // Focus moved elsewhere, or left a button that is still enabled
            // (a click outside): nothing to restore.
            let disabled = e
                .target_dyn_into::<HtmlButtonElement>()
                .is_some_and(|b| b.disabled());
            if e.related_target().is_some() || !disabled {
                *had.borrow_mut() = None;
            }
        })
    };
    let counter = if empty {
        "No steps yet".to_string()
    } else {
        format!("Step {} of {}", props.cursor + 1, props.count)
    };
    html! {
        <div class="controls" role="group" aria-label="Playback"
            onfocusin={on_focusin} onfocusout={on_focusout}>
            <div class="buttons">
                // Play first: the first action, two Tab stops after the address's Go.
                <button type="button" id="play" class={classes!("primary", props.playing.then_some("playing"))}
                    onclick={click(&props.on_toggle)} disabled={empty}
                    aria-pressed={if props.playing { "true" } else { "false" }}>
                    // Both labels share one grid cell, the other one hidden
                    // (and so out of the button's name): the button is as
                    // wide as the wider, and pressing it moves nothing.
                    <span class={classes!("play-label", props.playing.then_some("off"))}>
                        <span aria-hidden="true">{ "▶ " }</span>{ "Play" }
                    </span>
                    <span class={classes!("play-label", (!props.playing).then_some("off"))}>
                        <span aria-hidden="true">{ "❚❚ " }</span>{ "Pause" }
                    </span>
                </button>
                <button type="button" id="step-back" ref={back.clone()} onclick={click(&props.on_back)}
                    disabled={empty || props.cursor == 0} aria-label="Previous step">
                    <span class="btn-icon" aria-hidden="true">{ "◀ " }</span>{ "Back" }
                </button>
                <button type="button" id="step-forward" ref={forward.clone()} onclick={click(&props.on_forward)}
                    disabled={empty || props.cursor >= last} aria-label="Next step">
                    { "Next" }<span class="btn-icon" aria-hidden="true">{ " ▶" }</span>
                </button>
                <button type="button" id="restart" onclick={click(&props.on_restart)} disabled={empty}
                    aria-label="Restart from step 1">
                    <span aria-hidden="true">{ "↺" }</span><span class="btn-text">{ " Restart" }</span>
                </button>
                <label class="speed">
                    <span>{ "Speed" }</span>
                    <select id="speed" onchange={on_speed}>
                        { for Speed::ALL.iter().map(|s| html! {
                            <option value={s.value()} selected={*s == props.speed}>{ s.label() }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="scrub">
                <label for="scrubber" class="visually-hidden">{ "Step" }</label>
                <input id="scrubber" type="range" min="0" max={last.to_string()} step="1"
                    value={props.cursor.to_string()} disabled={empty}
                    aria-valuetext={counter.clone()} oninput={on_scrub} />
                // Keyed by whether there are steps: "Step 1 of 27" is new content,
                // not "No steps yet" moved 4 px (the counter is right-aligned).
                <span id="step-counter" key={if empty { "none" } else { "steps" }}>{ counter }</span>
            </div>
        </div>
    }
}
