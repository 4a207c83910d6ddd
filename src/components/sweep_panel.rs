//! The single-point-of-failure sweep: every part failed in turn, in every design.

use stackscope_core::seed::Design;
use stackscope_core::stream::{spofs, Effect, Noticed, SweepCell, SweepRow};
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
        Some(Noticed::ReplicaPromoted | Noticed::AddressMoved) => "failover time",
        _ => "detection time",
    }
}

/// The short line under a cell's percentage: what was lost, or, when
/// nothing was, how long the slowest request waited if a failover made it
/// wait (over a second).
fn effect_line(cell: &SweepCell) -> Option<String> {
    match cell.effect.as_ref()? {
        Effect::Survived if cell.slowest_us > 1_000_000 => {
            let moved = cell
                .observed
                .iter()
                .any(|o| o.what == Noticed::AddressMoved);
            Some(format!(
                "none lost; the slowest waited {}{}",
                secs(cell.slowest_us),
                if moved { " for the failover" } else { "" }
            ))
        }
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

fn design_name(d: Design) -> &'static str {
    match d {
        Design::OneServer => "one-server design",
        Design::Redundant => "redundant design",
        Design::Secured => "secured design",
        Design::ScaledUp => "scaled-up design (a balancer pair, split tiers)",
    }
}

fn cell(c: Option<&SweepCell>) -> Html {
    let Some(c) = c else {
        return html! { <td class="na">{ "?" }</td> };
    };
    let design = design_name(c.design);
    match c.share {
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
            let failures = &c.failures;
            html! {
                <td class={classes!("share", class)} data-share={format!("{s}")} data-design={c.design.id()}>
                    <span class="pct"><span aria-hidden="true">{ icon }</span>{ pct(s) }</span>
                    if let Some(line) = effect_line(c) {
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

/// Design by design after the redundant one: what each still cannot
/// survive, as the sweep measured it.
pub fn later_designs_sentence(rows: &[SweepRow]) -> String {
    let parts: Vec<String> = [Design::Secured, Design::ScaledUp]
        .into_iter()
        .map(|d| {
            let s = spofs(rows, d);
            format!(
                "the {}: {}",
                design_name(d),
                if s.is_empty() {
                    "none".to_string()
                } else {
                    s.join(", ")
                }
            )
        })
        .collect();
    let moved = rows
        .iter()
        .find(|r| r.failure == "Load balancer powered off")
        .and_then(|r| r.cell(Design::ScaledUp))
        .and_then(|c| c.observed.iter().find(|o| o.what == Noticed::AddressMoved))
        .map(|o| {
            format!(
                " With the pair, losing lb-01 lost no request: {} at {}, and the requests sent meanwhile waited for a SYN retransmission.",
                o.label,
                secs(o.at_us)
            )
        })
        .unwrap_or_default();
    let tiers = rows
        .iter()
        .find(|r| r.failure == "An application machine powered off")
        .and_then(|r| r.cell(Design::ScaledUp))
        .map(|c| {
            let lost = match c.failures.len() {
                0 => "no request".to_string(),
                1 => "1 request".to_string(),
                n => format!("{n} requests"),
            };
            format!(
                " With split tiers, losing app-01 lost {lost}: each web server's Nginx passed its requests on to app-02 (the slowest waited {}).",
                secs(c.slowest_us)
            )
        })
        .unwrap_or_default();
    let writer = rows
        .iter()
        .find(|r| r.failure == "Primary database stopped")
        .and_then(|r| r.effect(Design::ScaledUp))
        .and_then(|e| match e {
            Effect::Detected {
                lost,
                after_us,
                how: Some(o),
                ..
            } if o.what == Noticed::ReplicaPromoted => Some(format!(
                " The database still has one writer: with the primary stopped, each post page (it counts a view, a write) failed until the replica was promoted ({}): {lost} lost. The promoted replica is then the only writer, so its own failure stops every write.",
                secs(*after_us)
            )),
            _ => None,
        })
        .unwrap_or_default();
    format!(
        "Single points of failure left in {}. HTTPS and firewalls protect the traffic, not the service's availability.{moved}{tiers}{writer}",
        parts.join("; ")
    )
}

/// What the redundant design still cannot survive, and what it survives at
/// the cost of the requests sent before the failure is noticed. A single
/// point of failure is a part whose failure stops the service; requests lost
/// until the health checks (or the promotion) catch up are detection time.
pub fn spof_sentence(rows: &[SweepRow]) -> String {
    let mut spof: Vec<String> = Vec::new();
    let mut detected: Vec<String> = Vec::new();
    for r in rows {
        match r.effect(Design::Redundant) {
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
                                { for Design::ALL.iter().map(|d| html! { <th scope="col">{ d.label() }</th> }) }
                            </tr>
                        </thead>
                        <tbody>
                            { for rows.iter().map(|r| html! {
                                <tr data-failure={r.failure.clone()}>
                                    <th scope="row">{ &r.failure }</th>
                                    { for Design::ALL.iter().map(|d| cell(r.cell(*d))) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <p id="spof-sentence" class="spof">{ spof_sentence(rows) }</p>
                <p id="spof-later" class="spof">{ later_designs_sentence(rows) }</p>
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
                { "Fail each part in turn in each of the four designs and send the same mix of pages, a static file and a search \
                   (over HTTPS where the design has it). Computed by the same pipeline; timings are modelled." }
            </p>
            <button type="button" id="run-sweep" onclick={onclick}>{ "Run the failure sweep" }</button>
            <div aria-live="polite">{ for body }</div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use stackscope_core::{stream, Scenario};

    #[test]
    fn only_parts_whose_failure_stops_the_service_are_single_points_of_failure() {
        let worlds: Vec<Scenario> = Design::ALL.iter().map(|d| d.stack()).collect();
        let rows = stream::sweep(&worlds).unwrap();
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
            effect_line(app.cell(Design::Redundant).unwrap()).as_deref(),
            Some("1 lost in the detection time (3.0 s)")
        );
        assert_eq!(
            effect_line(app.cell(Design::OneServer).unwrap()).as_deref(),
            Some("single point of failure")
        );
        let lb = rows
            .iter()
            .find(|r| r.failure == "Load balancer powered off")
            .unwrap();
        let line = effect_line(lb.cell(Design::ScaledUp).unwrap()).unwrap();
        assert!(line.starts_with("none lost; the slowest waited "), "{line}");
        assert!(line.ends_with(" for the failover"), "{line}");
        let later = later_designs_sentence(&rows);
        assert!(later.starts_with(
            "Single points of failure left in the secured design: DNS records deleted, Load balancer powered off; \
             the scaled-up design (a balancer pair, split tiers): DNS records deleted."
        ), "{later}");
        assert!(later.contains("lb-02 takes 8.8.8.8 over"), "{later}");
        assert!(
            later.contains("With split tiers, losing app-01 lost no request"),
            "{later}"
        );
        assert!(
            later.contains("each post page (it counts a view, a write) failed until the replica was promoted (10"),
            "{later}"
        );
    }
}
