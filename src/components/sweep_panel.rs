//! The single-point-of-failure sweep: every part failed in turn, on both designs.

use stackscope_core::stream::SweepRow;
use yew::prelude::*;

use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub sweep: Option<Shared<Result<Vec<SweepRow>, String>>>,
    pub on_run: Callback<()>,
}

fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn cell(share: Option<f64>, failures: &[String], design: &str) -> Html {
    match share {
        None => html! {
            <td class="na"><span aria-hidden="true">{ "—" }</span><span class="visually-hidden">{ format!("no such part in the {design}") }</span></td>
        },
        Some(s) => {
            let class = if s >= 1.0 {
                "all"
            } else if s > 0.0 {
                "some"
            } else {
                "none"
            };
            let icon = if s >= 1.0 {
                "✓ "
            } else if s > 0.0 {
                "◐ "
            } else {
                "✕ "
            };
            html! {
                <td class={classes!("share", class)} data-share={format!("{s}")}>
                    <span class="pct"><span aria-hidden="true">{ icon }</span>{ pct(s) }</span>
                    if !failures.is_empty() {
                        <details>
                            <summary>{ format!("{} failed", failures.len()) }</summary>
                            <ul>{ for failures.iter().map(|f| html! { <li><code>{ f }</code></li> }) }</ul>
                        </details>
                    }
                </td>
            }
        }
    }
}

/// The sentence naming what the redundant design still cannot survive.
fn spof_sentence(rows: &[SweepRow]) -> String {
    let total: Vec<String> = rows
        .iter()
        .filter(|r| r.redundant == Some(0.0))
        .map(|r| r.failure.clone())
        .collect();
    let partial: Vec<String> = rows
        .iter()
        .filter_map(|r| match r.redundant {
            Some(s) if s > 0.0 && s < 1.0 => {
                Some(format!("{} ({} still succeed)", r.failure, pct(s)))
            }
            _ => None,
        })
        .collect();
    let mut out = String::from("Still a single point of failure in the redundant design: ");
    if total.is_empty() {
        out.push_str("nothing takes the whole site down");
    } else {
        out.push_str(&total.join("; "));
        out.push_str(" (the whole site goes down)");
    }
    if !partial.is_empty() {
        out.push_str("; partly: ");
        out.push_str(&partial.join("; "));
    }
    out.push('.');
    out
}

#[component]
pub fn SweepPanel(props: &Props) -> Html {
    let onclick = props.on_run.reform(|_: MouseEvent| ());
    let body = props.sweep.as_ref().map(|res| match &**res {
        Ok(rows) => html! {
            <>
                <div class="table-x">
                    <table id="availability-matrix" class="matrix">
                        <caption>{ "Share of the request mix that still succeeded while one part was failed (20 requests over 30 s from the failure)" }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ "Failure" }</th>
                                <th scope="col">{ "One server" }</th>
                                <th scope="col">{ "Redundant design" }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr data-failure={r.failure.clone()}>
                                    <th scope="row">{ &r.failure }</th>
                                    { cell(r.single, &r.single_failures, "one-server design") }
                                    { cell(r.redundant, &r.redundant_failures, "redundant design") }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <p id="spof-sentence" class="spof">{ spof_sentence(rows) }</p>
                <p class="hint">
                    { "Replica reads may be stale: the replica replays the primary's writes a moment later, \
                       so a page read just after a write can show the old value (the SQL step's explanation \
                       in the inspector says when this happens)." }
                </p>
            </>
        },
        Err(e) => html! { <p role="alert">{ format!("✕ The sweep could not run: {e}") }</p> },
    });
    html! {
        <section id="sweep-panel" class="sweep-panel" aria-labelledby="sweep-title">
            <h2 id="sweep-title">{ "Single points of failure" }</h2>
            <p class="hint">
                { "Fail each part in turn on both designs and send the same mix of pages, a static file and a search. \
                   Computed by the same pipeline; timings are modelled." }
            </p>
            <button type="button" id="run-sweep" onclick={onclick}>{ "Run the failure sweep" }</button>
            <div aria-live="polite">{ for body }</div>
        </section>
    }
}
