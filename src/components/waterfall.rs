//! The waterfall: one bar per DevTools phase, server-side spans nested under "Waiting (TTFB)".

use stackscope_core::Phase;
use yew::prelude::*;

use crate::format::duration;
use crate::state::TraceRef;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Option<TraceRef>,
    pub cursor: usize,
}

/// Width of a bar track in viewBox units.
const TRACK: f64 = 1000.0;

/// One row of the waterfall.
struct Row {
    label: String,
    start_us: u64,
    end_us: u64,
    class: &'static str,
    nested: bool,
}

fn phase_class(p: Phase) -> &'static str {
    match p {
        Phase::Input => "ph-input",
        Phase::Dns => "ph-dns",
        Phase::Connect => "ph-connect",
        Phase::Tls => "ph-tls",
        Phase::Send => "ph-send",
        Phase::Wait => "ph-wait",
        Phase::Download => "ph-download",
        Phase::Render => "ph-render",
    }
}

#[component]
pub fn Waterfall(props: &Props) -> Html {
    let Some(trace) = &props.trace else {
        return html! {
            <section id="waterfall" class="waterfall" aria-labelledby="waterfall-title">
                <h2 id="waterfall-title">{ "Waterfall" }</h2>
                <p class="muted">{ "The timing of each phase appears here after a request." }</p>
            </section>
        };
    };
    let total = trace.total_us().max(1);
    let now = trace.steps.get(props.cursor).map_or(0, |s| s.at_us);
    let x = |us: u64| us as f64 / total as f64 * TRACK;

    let mut rows = Vec::new();
    for (phase, start, end) in trace.phases() {
        rows.push(Row {
            label: phase.label().to_string(),
            start_us: start,
            end_us: end,
            class: phase_class(phase),
            nested: false,
        });
        if phase == Phase::Wait {
            let mut spans: Vec<_> = trace.spans.iter().collect();
            stackscope_core::order::sort_by_key(&mut spans, |s| {
                (s.start_us, s.component, std::cmp::Reverse(s.end_us))
            });
            for span in spans {
                rows.push(Row {
                    label: format!("{}: {}", span.component.label(), span.label),
                    start_us: span.start_us,
                    end_us: span.end_us,
                    class: "span",
                    nested: true,
                });
            }
        }
    }

    let cursor_x = format!("{:.1}", x(now));
    let body = rows.iter().map(|r| {
        let reached = r.start_us <= now;
        let bx = x(r.start_us);
        let bw = (x(r.end_us) - bx).max(2.0);
        html! {
            <tr class={classes!("wf-row", r.class, r.nested.then_some("nested"), (!reached).then_some("future"))}>
                <th scope="row" class="wf-label">
                    if r.nested {
                        <span aria-hidden="true">{ "↳ " }</span>
                    }
                    { &r.label }
                </th>
                <td class="wf-track">
                    <svg viewBox={format!("0 0 {TRACK} 10")} preserveAspectRatio="none" aria-hidden="true">
                        <rect class="wf-bar" x={format!("{bx:.1}")} y="1" width={format!("{bw:.1}")} height="8" />
                        <line class="wf-cursor" x1={cursor_x.clone()} x2={cursor_x.clone()} y1="0" y2="10" />
                    </svg>
                </td>
                <td class="wf-dur">{ duration(r.end_us.saturating_sub(r.start_us)) }</td>
            </tr>
        }
    });

    html! {
        <section id="waterfall" class="waterfall" aria-labelledby="waterfall-title">
            <h2 id="waterfall-title">{ "Waterfall" }</h2>
            <table class="wf">
                <caption class="visually-hidden">
                    { format!("Time spent in each phase of the request, {} in total. The server's own work is nested under Waiting (TTFB).", duration(total)) }
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Phase" }</th>
                        <th scope="col" class="wf-axis">
                            <span>{ "0" }</span>
                            <span class="now">{ format!("now: {}", duration(now)) }</span>
                            <span>{ duration(total) }</span>
                        </th>
                        <th scope="col">{ "Duration" }</th>
                    </tr>
                </thead>
                <tbody>{ for body }</tbody>
            </table>
        </section>
    }
}
