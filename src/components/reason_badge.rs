//! Why the last request failed, in one line: the symptom and the first failed step's explanation.

use stackscope_core::{Outcome, Status};
use yew::prelude::*;

use crate::format::outcome_status;
use crate::state::TraceRef;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Option<TraceRef>,
}

#[component]
pub fn ReasonBadge(props: &Props) -> Html {
    let failed = props
        .trace
        .as_ref()
        .filter(|t| !t.succeeded() && !matches!(t.outcome, Outcome::InvalidInput { .. }));
    let content = failed.map(|t| {
        let first = t.steps.iter().find(|s| s.status == Status::Fail);
        let headline = match &t.outcome {
            Outcome::BrowserError { headline, .. } => format!("The browser shows “{headline}”."),
            _ => "The server answered with an error page.".to_string(),
        };
        html! {
            <>
                <strong class="symptom" id="reason-symptom">
                    <span aria-hidden="true">{ "✕ " }</span>{ outcome_status(&t.outcome) }
                </strong>
                <span class="reason-text">
                    { headline }
                    if let Some(step) = first {
                        { " Why: " }<em>{ format!("{}.", step.title.trim_end_matches('.')) }</em>{ " " }{ &step.explanation }
                    }
                </span>
            </>
        }
    });
    html! {
        <div id="reason-badge" class="reason-badge" role="status" hidden={content.is_none()}>
            { for content }
        </div>
    }
}
