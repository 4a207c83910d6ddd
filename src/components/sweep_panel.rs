//! The single-point-of-failure sweep: every part failed in turn, on both designs.

use stackscope_core::stream::{Effect, Noticed, SweepRow};
use yew::prelude::*;

use crate::format::secs;

use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub sweep: Option<Shared<Result<Vec<SweepRow>, String>>>,
    pub on_run: Callback<()>,
}

fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// "detection time" when the load balancer noticed, "failover time" when a
/// replica took over.
fn delay_name(how: Option<&stackscope_core::stream::Observed>) -> &'static str {
    match how.map(|o| o.what) {
        Some(Noticed::ReplicaPromoted) => "failover time",
        _ => "detection time",
    }
}

/// The short line under a cell's percentage.
fn effect_line(effect: Option<&Effect>) -> Option<String> {
    match effect? {
        Effect::Survived => None,
        Effect::Detected {
            lost,
            after_us,
            how,
            ..
        } => Some(format!(
            "{lost} lost in the {} ({})",
            delay_name(how.as_ref()),
            secs(*after_us)
        )),
        Effect::Stops { .. } => Some("single point of failure".into()),
    }
}

fn cell(share: Option<f64>, failures: &[String], effect: Option<&Effect>, design: &str) -> Html {
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
                    if let Some(line) = effect_line(effect) {
                        <span class="effect">{ format!(" · {line}") }</span>
                    }
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

/// What the redundant design still cannot survive, and what it survives at
/// the cost of the requests sent before the failure is noticed. A single
/// point of failure is a part whose failure stops the service; requests lost
/// until the health checks (or the promotion) catch up are detection time.
pub fn spof_sentence(rows: &[SweepRow]) -> String {
    let mut spof: Vec<String> = Vec::new();
    let mut detected: Vec<String> = Vec::new();
    for r in rows {
        match &r.redundant_effect {
            Some(Effect::Stops { down, still_ok }) => {
                if still_ok.is_empty() {
                    spof.push(r.failure.clone());
                } else {
                    spof.push(format!(
                        "{} ({} down; {} still worked)",
                        r.failure,
                        down.join(", "),
                        still_ok.join(", ")
                    ));
                }
            }
            Some(Effect::Detected {
                lost,
                sent,
                after_us,
                how,
            }) => {
                let how_text = how
                    .as_ref()
                    .map(|o| {
                        let mut label = o.label.clone();
                        if let Some(first) = label.get(..1) {
                            label = first.to_lowercase() + &label[1..];
                        }
                        format!(", until {label}")
                    })
                    .unwrap_or_default();
                detected.push(format!(
                    "{} ({lost} of {sent} requests lost in a {} of {}{how_text})",
                    r.failure,
                    delay_name(how.as_ref()),
                    secs(*after_us)
                ));
            }
            Some(Effect::Survived) | None => {}
        }
    }
    let mut out = String::from(
        "Still a single point of failure in the redundant design (its failure stops the service): ",
    );
    if spof.is_empty() {
        out.push_str("none");
    } else {
        out.push_str(&spof.join("; "));
    }
    out.push('.');
    if !detected.is_empty() {
        out.push_str(
            " Not single points of failure, but requests are lost until the failure is noticed: ",
        );
        out.push_str(&detected.join("; "));
        out.push('.');
    }
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
                                    { cell(r.single, &r.single_failures, r.single_effect.as_ref(), "one-server design") }
                                    { cell(r.redundant, &r.redundant_failures, r.redundant_effect.as_ref(), "redundant design") }
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use stackscope_core::{seed::redundant_stack, stream, Scenario};

    #[test]
    fn only_parts_whose_failure_stops_the_service_are_single_points_of_failure() {
        let rows = stream::sweep(&Scenario::default(), &redundant_stack()).unwrap();
        let s = spof_sentence(&rows);
        let (spof, rest) = s.split_once(". ").unwrap();
        assert_eq!(
            spof,
            "Still a single point of failure in the redundant design (its failure stops the service): \
             DNS records deleted; Load balancer powered off"
        );
        assert!(!spof.contains("Application"), "{s}");
        assert!(
            rest.contains(
                "Application stopped on a web server (1 of 20 requests lost in a detection time of 3.0 s, \
                 until the load balancer takes web-01 out of rotation: 2 failed health checks in a row)"
            ),
            "{s}"
        );
        assert!(
            rest.contains(
                "Primary database stopped (2 of 20 requests lost in a failover time of 10.0 s, \
                 until db-02 is promoted to primary"
            ),
            "{s}"
        );
        let app = rows
            .iter()
            .find(|r| r.failure == "Application stopped on a web server")
            .unwrap();
        assert_eq!(
            effect_line(app.redundant_effect.as_ref()).as_deref(),
            Some("1 lost in the detection time (3.0 s)")
        );
        assert_eq!(
            effect_line(app.single_effect.as_ref()).as_deref(),
            Some("single point of failure")
        );
    }
}
