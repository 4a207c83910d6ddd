//! One-click example addresses taken from the core's `PRESETS`.

use stackscope_core::PRESETS;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Runs the pipeline for the chosen address.
    pub on_pick: Callback<String>,
}

#[component]
pub fn Presets(props: &Props) -> Html {
    html! {
        <div class="presets" role="group" aria-label="Examples">
            <span class="presets-label" aria-hidden="true">{ "Try:" }</span>
            { for PRESETS.iter().map(|&(label, url)| {
                let cb = props.on_pick.clone();
                let onclick = Callback::from(move |_: MouseEvent| cb.emit(url.to_string()));
                html! {
                    <button type="button" class="preset" data-url={url} title={url} onclick={onclick}>
                        { label }
                    </button>
                }
            }) }
        </div>
    }
}
