//! The layers of this request: HTTP (and DNS), TLS, TCP, IP and the link,
//! one row each, as `core::layers` reads them off the trace; every row's
//! step numbers open that step in the diagram and the inspector.

use stackscope_core::layers::{self, Reach};
use yew::prelude::*;

use crate::state::TraceRef;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Option<TraceRef>,
    pub cursor: usize,
    pub on_seek: Callback<usize>,
}

fn badge(reach: Reach) -> Html {
    let (class, text) = match reach {
        Reach::Carried => ("ok", "✓ carried"),
        Reach::Failed => ("fail", "✕ failed here"),
        Reach::NotReached => ("idle", "not reached"),
        Reach::NotModelled => ("idle", "not modelled"),
    };
    html! { <span class={classes!("badge", class)}>{ text }</span> }
}

#[component]
pub fn LayersView(props: &Props) -> Html {
    let rows = use_memo(props.trace.clone(), |t| {
        t.as_ref().map(|t| layers::of(t)).unwrap_or_default()
    });
    let body = if rows.is_empty() {
        html! { <p class="empty">{ "Send a request to see the layers it travelled over." }</p> }
    } else {
        let items = rows
            .iter()
            .map(|l| {
                let here = l.steps.contains(&props.cursor);
                let steps = l
                    .steps
                    .iter()
                    .map(|&i| {
                        let cb = props.on_seek.clone();
                        let current = i == props.cursor;
                        html! {
                            <button type="button" class={classes!("layer-step", current.then_some("current"))}
                                aria-label={format!("Show step {}", i + 1)}
                                aria-current={current.then_some("step")}
                                onclick={Callback::from(move |_: MouseEvent| cb.emit(i))}>
                                { i + 1 }
                            </button>
                        }
                    })
                    .collect::<Html>();
                html! {
                    <li id={format!("layer-{}", l.key)} class={classes!("layer", here.then_some("here"))}>
                        <div class="layer-head">
                            <span class="layer-name">{ l.layer }</span>
                            <strong class="layer-proto">{ &l.protocol }</strong>
                            { badge(l.reach) }
                        </div>
                        <p class="layer-addr"><span class="layer-label">{ "Addressed by " }</span><code>{ &l.addressing }</code></p>
                        <p class="layer-summary">{ &l.summary }</p>
                        if !l.steps.is_empty() {
                            <p class="layer-steps">{ "Steps: " }{ steps }</p>
                        }
                    </li>
                }
            })
            .collect::<Html>();
        html! { <ol class="layers">{ items }</ol> }
    };
    html! {
        <section id="layers-panel" class="layers-panel" aria-labelledby="layers-title">
            <h2 id="layers-title">{ "The layers of this request" }</h2>
            <p class="hint">
                { "The browser and the site talk in layers: HTTP is written inside a TCP connection, whose segments travel as IP packets. Each row is read off this trace." }
            </p>
            { body }
        </section>
    }
}
