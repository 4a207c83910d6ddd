//! One-click example addresses taken from the core's `PRESETS`.
//!
//! A toolbar: one Tab stop (the last example used, at first the first),
//! the arrow keys, Home and End move between the examples, so the playback
//! controls stay a few Tab presses from the address bar.

use stackscope_core::PRESETS;
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Runs the pipeline for the chosen address.
    pub on_pick: Callback<String>,
}

#[component]
pub fn Presets(props: &Props) -> Html {
    let current = use_state_eq(|| 0usize);
    let bar = use_node_ref();
    let n = PRESETS.len();
    let onkeydown = {
        let current = current.clone();
        let bar = bar.clone();
        Callback::from(move |e: KeyboardEvent| {
            let to = match e.key().as_str() {
                "ArrowRight" | "ArrowDown" => (*current + 1) % n,
                "ArrowLeft" | "ArrowUp" => (*current + n - 1) % n,
                "Home" => 0,
                "End" => n - 1,
                _ => return,
            };
            e.prevent_default();
            current.set(to);
            let button = bar
                .cast::<HtmlElement>()
                .and_then(|b| b.query_selector_all("button.preset").ok())
                .and_then(|l| l.item(to as u32))
                .and_then(|b| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(b).ok());
            if let Some(b) = button {
                let _ = b.focus();
            }
        })
    };
    let at = *current;
    html! {
        <div class="presets" role="toolbar" aria-label="Examples" ref={bar} onkeydown={onkeydown}>
            <span class="presets-label" aria-hidden="true">{ "Try:" }</span>
            { for PRESETS.iter().enumerate().map(|(i, &(label, url))| {
                let cb = props.on_pick.clone();
                let current = current.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    current.set(i);
                    cb.emit(url.to_string());
                });
                html! {
                    <button type="button" class="preset" data-url={url} title={url} onclick={onclick}
                        tabindex={if i == at { "0" } else { "-1" }}>
                        { label }
                    </button>
                }
            }) }
        </div>
    }
}
