//! Maintenance downtime: deploys and failovers as streams of requests, drawn on a timeline.

use stackscope_core::stream::{Point, StreamResult};
use stackscope_core::Topology;
use yew::prelude::*;

use crate::faults::Demo;
use crate::state::DemoRun;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub demo: Option<DemoRun>,
    pub on_run: Callback<Demo>,
}

/// A request slower than this is drawn (and counted) as slow.
const SLOW_US: u64 = 1_000_000;

fn secs(us: u64) -> String {
    format!("{:.1} s", us as f64 / 1_000_000.0)
}

fn path_of(url: &str) -> &str {
    url.find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
        .unwrap_or(url)
}

/// "20 of 150 requests failed (502); outage 4.0 s" or "0 of 150 failed".
pub fn summary(r: &StreamResult) -> String {
    let n = r.points.len();
    let slow = r
        .points
        .iter()
        .filter(|p| p.ok && p.latency_us > SLOW_US)
        .count();
    let slow_text = if slow > 0 {
        format!("; {slow} succeeded but took over 1 s")
    } else {
        String::new()
    };
    if r.failed == 0 {
        return format!("0 of {n} failed{slow_text}");
    }
    let mut statuses: Vec<&str> = Vec::new();
    for p in r.points.iter().filter(|p| !p.ok) {
        if !statuses.contains(&p.status.as_str()) {
            statuses.push(&p.status);
        }
    }
    format!(
        "{} of {n} requests failed ({}); outage {}{slow_text}",
        r.failed,
        statuses.join(", "),
        secs(r.outage_us)
    )
}

/// Sentences about which requests failed or were slow, and why.
fn notes(run: &DemoRun, r: &StreamResult) -> Vec<String> {
    let mut out = Vec::new();
    // Failures, grouped by status and page.
    let mut groups: Vec<(String, &str, Vec<&Point>)> = Vec::new();
    for p in r.points.iter().filter(|p| !p.ok) {
        let path = path_of(&p.url);
        match groups
            .iter_mut()
            .find(|(s, u, _)| *s == p.status && *u == path)
        {
            Some((_, _, v)) => v.push(p),
            None => groups.push((p.status.clone(), path, vec![p])),
        }
    }
    for (status, path, pts) in &groups {
        let (first, last) = (pts[0].at_us, pts[pts.len() - 1].at_us);
        let why = pts[0]
            .reason
            .as_deref()
            .map(|r| format!(" Why: {}.", r.trim_end_matches('.')))
            .unwrap_or_default();
        out.push(format!(
            "{} request{} for {path} failed with {status}, sent between {} and {}.{why}",
            pts.len(),
            if pts.len() == 1 { "" } else { "s" },
            secs(first),
            secs(last)
        ));
    }
    let ok_paths: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for p in &r.points {
            let path = path_of(&p.url);
            if !v.contains(&path)
                && r.points
                    .iter()
                    .filter(|q| path_of(&q.url) == path)
                    .all(|q| q.ok)
            {
                v.push(path);
            }
        }
        v
    };
    if r.failed > 0 && !ok_paths.is_empty() {
        out.push(format!(
            "Every request for {} succeeded.",
            ok_paths.join(" and ")
        ));
    }
    let slow: Vec<&Point> = r
        .points
        .iter()
        .filter(|p| p.ok && p.latency_us > SLOW_US)
        .collect();
    if let (Some(a), Some(b)) = (slow.first(), slow.last()) {
        let max = slow.iter().map(|p| p.latency_us).max().unwrap_or(0);
        let why = a
            .reason
            .as_deref()
            .map(|r| {
                format!(
                    ": {}, so the load balancer waited and retried another server",
                    r.trim_end_matches('.')
                )
            })
            .unwrap_or_default();
        out.push(format!(
            "{} request{} sent between {} and {} succeeded but slowly (up to {}){why}.",
            slow.len(),
            if slow.len() == 1 { "" } else { "s" },
            secs(a.at_us),
            secs(b.at_us),
            secs(max)
        ));
    }
    if let Topology::Redundant(c) = &run.scenario.topology {
        match run.demo {
            Demo::PowerOffWeb | Demo::RestartNoDrain => out.push(format!(
                "The load balancer checks each web server every {} and takes one out of rotation after {} failed checks; until then it still sends it requests.",
                secs(c.lb.health_check_interval_us),
                c.lb.fall
            )),
            Demo::StopPrimary => {
                if let Some(e) = r.events.first() {
                    out.push(format!(
                        "Writes need the primary; the replica {} is promoted {} after the primary stops, at {}. Reads kept going to the replica.",
                        c.db_replica.hostname,
                        secs(c.promote_after_us),
                        secs(e.at_us + c.promote_after_us)
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

fn timeline(run: &DemoRun, r: &StreamResult) -> Html {
    const L: f64 = 70.0;
    const W: f64 = 910.0;
    let span = run.span_us.max(1) as f64;
    let x = |t: u64| L + t as f64 / span * W;
    let (ok_y, fail_y) = (70.0, 110.0);
    let marks = r.points.iter().map(|p| {
        let cx = x(p.at_us);
        let tip = format!(
            "{}: {} {} in {}{}",
            secs(p.at_us),
            path_of(&p.url),
            p.status,
            secs(p.latency_us),
            p.server.as_deref().map(|s| format!(" via {s}")).unwrap_or_default()
        );
        if p.ok {
            let slow = p.latency_us > SLOW_US;
            html! {
                <circle class={classes!("tl-ok", slow.then_some("slow"))} cx={format!("{cx:.1}")}
                    cy={ok_y.to_string()} r={if slow { "6" } else { "4" }}><title>{ tip }</title></circle>
            }
        } else {
            html! {
                <path class="tl-fail"
                    d={format!("M{a:.1} {b} l10 10 m0 -10 l-10 10", a = cx - 5.0, b = fail_y - 5.0)}>
                    <title>{ tip }</title>
                </path>
            }
        }
    });
    let events = r.events.iter().enumerate().map(|(i, e)| {
        let ex = x(e.at_us);
        html! {
            <g class="tl-event">
                <line x1={format!("{ex:.1}")} x2={format!("{ex:.1}")} y1="30" y2="125" />
                <text x={format!("{ex:.1}")} y="24">{ i + 1 }</text>
                <title>{ format!("{}: {}", secs(e.at_us), e.label) }</title>
            </g>
        }
    });
    let step = 5_000_000u64;
    let ticks = (0..=run.span_us / step).map(|i| {
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
        <svg id="deploy-timeline" class="timeline" viewBox="0 0 1000 172" role="img"
            aria-label={format!("Timeline of {} requests: {}", r.points.len(), summary(r))}>
            <text class="tl-row" x="8" y={(ok_y + 5.0).to_string()}>{ "● ok" }</text>
            <text class="tl-row fail" x="8" y={(fail_y + 5.0).to_string()}>{ "✕ failed" }</text>
            <line class="tl-axis" x1={L.to_string()} x2={(L + W).to_string()} y1="135" y2="135" />
            { for ticks }
            { for events }
            { for marks }
        </svg>
    }
}

#[component]
pub fn DeployPanel(props: &Props) -> Html {
    let button = |d: Demo| {
        let cb = props.on_run.clone();
        let pressed = props.demo.as_ref().is_some_and(|r| r.demo == d);
        html! {
            <button type="button" id={d.id()} class={classes!("demo", pressed.then_some("current"))}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(d))}>{ d.label() }</button>
        }
    };
    let body = props.demo.as_ref().map(|run| match &*run.result {
        Ok(r) => html! {
            <>
                <p class="demo-describe">{ run.demo.describe() }</p>
                <p id="deploy-summary" class={classes!("deploy-summary", (r.failed > 0).then_some("bad"))}>
                    <span aria-hidden="true">{ if r.failed > 0 { "✕ " } else { "✓ " } }</span>
                    { summary(r) }
                </p>
                { timeline(run, r) }
                <ol class="tl-events" aria-label="What happened during the stream">
                    { for r.events.iter().map(|e| html! {
                        <li><span class="t">{ secs(e.at_us) }</span>{ " " }{ &e.label }</li>
                    }) }
                </ol>
                <ul id="deploy-note" class="deploy-note">
                    { for notes(run, r).into_iter().map(|n| html! { <li>{ n }</li> }) }
                </ul>
            </>
        },
        Err(e) => html! { <p id="deploy-summary" role="alert">{ format!("✕ The stream could not run: {e}") }</p> },
    });
    html! {
        <section id="deploy-panel" class="deploy-panel" aria-labelledby="deploy-title">
            <h2 id="deploy-title">{ "Maintenance downtime" }</h2>
            <p class="hint">
                { "Each button sends a stream of requests over 30 s of virtual time while the world changes. \
                   Every request is a full trace from the same pipeline as above; timings are modelled, not measured." }
            </p>
            <div class="demo-buttons" role="group" aria-label="Deploys">
                { button(Demo::SingleDeploy) }
                { button(Demo::RollingDeploy) }
                { button(Demo::RestartNoDrain) }
            </div>
            <div class="demo-buttons" role="group" aria-label="Failovers in the redundant design">
                { button(Demo::PowerOffWeb) }
                { button(Demo::StopPrimary) }
            </div>
            <div aria-live="polite">{ for body }</div>
        </section>
    }
}
