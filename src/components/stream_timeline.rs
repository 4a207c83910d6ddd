//! A stream of requests on a timeline: a mark per request in its row, the world's changes numbered, seconds below (the downtime panel's and the deploy pipeline's).

use yew::prelude::*;

use crate::format::secs;

/// How one request is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Answered (a hollow ring when slow).
    Ok {
        slow: bool,
    },
    /// Answered by a new release (a square).
    New,
    Failed,
}

/// One request: when, its row, how it is drawn, and its tooltip.
pub struct Request {
    pub at_us: u64,
    pub row: usize,
    pub mark: Mark,
    pub tip: String,
}

/// A change to the world, numbered on the timeline; `by_itself` when the
/// world did it (a health check, a promotion) rather than someone.
pub struct Change {
    pub at_us: u64,
    pub label: String,
    pub by_itself: bool,
}

/// The timeline `id`, `span_us` wide, with its rows' labels (`failed` rows
/// in the failure colour), from top to bottom.
pub fn draw(
    id: &'static str,
    aria_label: String,
    span_us: u64,
    rows: &[(String, bool)],
    requests: impl Iterator<Item = Request>,
    changes: &[Change],
) -> Html {
    const L: f64 = 70.0;
    const W: f64 = 910.0;
    let span = span_us.max(1) as f64;
    let x = |t: u64| L + t as f64 / span * W;
    let n = rows.len().max(1);
    let spacing = if n <= 2 { 40.0 } else { 30.0 };
    let y = |row: usize| 110.0 - (n - 1 - row.min(n - 1)) as f64 * spacing;
    let marks = requests.map(|r| {
        let (cx, cy) = (x(r.at_us), y(r.row));
        match r.mark {
            Mark::Failed => html! {
                <path class="tl-fail" d={format!("M{a:.1} {b:.1} l10 10 m0 -10 l-10 10", a = cx - 5.0, b = cy - 5.0)}>
                    <title>{ r.tip }</title>
                </path>
            },
            Mark::New => html! {
                <rect class="pl-new" x={format!("{:.1}", cx - 4.0)} y={format!("{:.1}", cy - 4.0)} width="8" height="8"><title>{ r.tip }</title></rect>
            },
            Mark::Ok { slow } => html! {
                <circle class={classes!("tl-ok", slow.then_some("slow"))} cx={format!("{cx:.1}")}
                    cy={format!("{cy:.1}")} r={if slow { "6" } else { "4" }}><title>{ r.tip }</title></circle>
            },
        }
    });
    let events = changes.iter().enumerate().map(|(i, c)| {
        let ex = x(c.at_us);
        html! {
            <g class={classes!("tl-event", c.by_itself.then_some("tl-observed"))}>
                <line x1={format!("{ex:.1}")} x2={format!("{ex:.1}")} y1="30" y2="125" />
                <text x={format!("{ex:.1}")} y="24">{ i + 1 }</text>
                <title>{ format!("{}: {}", secs(c.at_us), c.label) }</title>
            </g>
        }
    });
    let step = if span_us > 40_000_000 {
        10_000_000
    } else {
        5_000_000
    };
    let ticks = (0..=span_us / step).map(|i| {
        let t = i * step;
        let tx = x(t);
        html! {
            <g class="tl-tick">
                <line x1={format!("{tx:.1}")} x2={format!("{tx:.1}")} y1="135" y2="142" />
                <text x={format!("{tx:.1}")} y="162">{ format!("{} s", t / 1_000_000) }</text>
            </g>
        }
    });
    html! {
        <svg id={id} class="timeline" viewBox="0 0 1000 172" role="img" aria-label={aria_label}>
            { for rows.iter().enumerate().map(|(i, (label, failed))| html! {
                <text class={classes!("tl-row", failed.then_some("fail"))} x="8" y={format!("{:.1}", y(i) + 5.0)}>{ label.clone() }</text>
            }) }
            <line class="tl-axis" x1={L.to_string()} x2={(L + W).to_string()} y1="135" y2="135" />
            { for ticks }
            { for events }
            { for marks }
        </svg>
    }
}
