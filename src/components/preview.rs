//! A browser-like frame that shows the final page once the animation reaches the last step.

use stackscope_core::Outcome;
use yew::prelude::*;

use crate::format::outcome_status;
use crate::state::TraceRef;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Option<TraceRef>,
    /// The cursor is on the last step: the response has arrived.
    pub at_end: bool,
}

#[component]
pub fn Preview(props: &Props) -> Html {
    let url = props
        .trace
        .as_ref()
        .map(|t| t.page.url.clone())
        .unwrap_or_default();
    let (status, status_class) = match (&props.trace, props.at_end) {
        (Some(t), true) => {
            let class = match &t.outcome {
                Outcome::Response { status, .. } if (200..400).contains(status) => "ok",
                _ => "error",
            };
            (outcome_status(&t.outcome), class)
        }
        (Some(_), false) => ("Waiting for the response…".to_string(), "waiting"),
        (None, _) => ("Nothing requested yet".to_string(), "waiting"),
    };
    html! {
        <section id="preview-frame" class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{ "What the browser shows" }</h2>
            <div class="browser-chrome">
                <div class="chrome-bar">
                    <span class="dots" aria-hidden="true">{ "● ● ●" }</span>
                    <span class="visually-hidden">{ "Address shown: " }</span>
                    <span id="preview-url" class="chrome-url">{ url }</span>
                </div>
                <p id="preview-status" class={classes!("chrome-status", status_class)}>
                    { status }
                </p>
                <div class="chrome-page">
                    if let (Some(t), true) = (&props.trace, props.at_end) {
                        <iframe id="preview" sandbox="" srcdoc={t.page.html.clone()}
                            title="Page preview"></iframe>
                    } else {
                        <p class="waiting">{ "The page appears here when the response reaches the browser (the last step)." }</p>
                    }
                </div>
            </div>
        </section>
    }
}
