//! The table of every step; the current row is highlighted and rows are clickable.

use stackscope_core::Status;
use yew::prelude::*;

use crate::format::{component_id, duration};
use crate::state::TraceRef;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Option<TraceRef>,
    pub cursor: usize,
    pub on_seek: Callback<usize>,
}

#[component]
pub fn StepList(props: &Props) -> Html {
    let body = match &props.trace {
        None => html! {
            <tr class="empty"><td colspan="4">{ "Type an address or pick an example, then press Go." }</td></tr>
        },
        Some(trace) => trace
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let current = i == props.cursor;
                let onclick = {
                    let cb = props.on_seek.clone();
                    Callback::from(move |_: MouseEvent| cb.emit(i))
                };
                let failed = s.status == Status::Fail;
                let who = if s.from == s.to {
                    s.to.label().to_string()
                } else {
                    format!("{} → {}", s.from.label(), s.to.label())
                };
                html! {
                    <tr key={i} class={classes!("step", current.then_some("current"), failed.then_some("failed"),
                            (i > props.cursor).then_some("future"))}
                        data-index={i.to_string()} data-component={component_id(s.to)}
                        aria-current={current.then_some("step")}
                        onclick={onclick}>
                        <td class="num">
                            <button type="button" class="step-go" aria-label={format!("Show step {}", i + 1)}>
                                { i + 1 }
                            </button>
                        </td>
                        <td class="time">{ duration(s.at_us) }</td>
                        <td class="who">{ who }</td>
                        <td class="what">
                            { &s.title }
                            if failed {
                                <span class="badge fail">{ "✕ failed" }</span>
                            }
                        </td>
                    </tr>
                }
            })
            .collect::<Html>(),
    };

    html! {
        <section class="steps-panel" aria-labelledby="steps-title">
            <h2 id="steps-title">{ "Steps" }</h2>
            <div class="table-scroll">
                <table id="steps">
                    <caption class="visually-hidden">{ "Every step of the request, in order. Select one to inspect it." }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "#" }</th>
                            <th scope="col">{ "Time" }</th>
                            <th scope="col">{ "Component" }</th>
                            <th scope="col">{ "What happened" }</th>
                        </tr>
                    </thead>
                    <tbody>{ body }</tbody>
                </table>
            </div>
        </section>
    }
}
