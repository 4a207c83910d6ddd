//! A visually hidden live region that announces the current step to screen readers.

use stackscope_core::Step;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub cursor: usize,
    pub count: usize,
    pub step: Option<Step>,
}

#[component]
pub fn Announcer(props: &Props) -> Html {
    let text = match &props.step {
        Some(step) => format!(
            "Step {} of {}: {}",
            props.cursor + 1,
            props.count,
            step.title
        ),
        None => String::new(),
    };
    html! {
        <div id="announce" class="visually-hidden" aria-live="polite" aria-atomic="true">
            { text }
        </div>
    }
}
