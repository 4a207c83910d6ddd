//! Playback controls: play/pause, step back/forward, restart, speed and the scrubber.

use web_sys::{HtmlInputElement, HtmlSelectElement};
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
    let counter = if empty {
        "No steps yet".to_string()
    } else {
        format!("Step {} of {}", props.cursor + 1, props.count)
    };
    html! {
        <div class="controls" role="group" aria-label="Playback">
            <div class="buttons">
                <button type="button" id="restart" onclick={click(&props.on_restart)} disabled={empty}
                    aria-label="Restart from step 1">
                    <span aria-hidden="true">{ "↺ " }</span>{ "Restart" }
                </button>
                <button type="button" id="step-back" onclick={click(&props.on_back)}
                    disabled={empty || props.cursor == 0} aria-label="Previous step">
                    <span aria-hidden="true">{ "◀ " }</span>{ "Back" }
                </button>
                <button type="button" id="play" class={classes!(props.playing.then_some("playing"))}
                    onclick={click(&props.on_toggle)} disabled={empty}
                    aria-pressed={if props.playing { "true" } else { "false" }}>
                    if props.playing {
                        <span aria-hidden="true">{ "❚❚ " }</span>{ "Pause" }
                    } else {
                        <span aria-hidden="true">{ "▶ " }</span>{ "Play" }
                    }
                </button>
                <button type="button" id="step-forward" onclick={click(&props.on_forward)}
                    disabled={empty || props.cursor >= last} aria-label="Next step">
                    { "Next" }<span aria-hidden="true">{ " ▶" }</span>
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
                <span id="step-counter">{ counter }</span>
            </div>
        </div>
    }
}
