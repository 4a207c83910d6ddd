//! Containers and a deploy pipeline: a release built as an image, tested, rolled out one server at a time with health checks and rolled back by itself, against the same release deployed by hand.

use stackscope_core::pipeline::{PipelineResult, PipelineSpec, Rollout};
use stackscope_core::scenario::Release;
use yew::prelude::*;

use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub result: Option<Shared<Result<Box<PipelineResult>, String>>>,
    pub running: bool,
    pub on_run: Callback<PipelineSpec>,
    /// The settings of a `#pipeline=…` link the page was opened with.
    #[prop_or_default]
    pub link: Option<PipelineSpec>,
}

impl Default for PipelineSpecForm {
    fn default() -> Self {
        PipelineSpecForm(PipelineSpec {
            release: Release::V2,
            rollout: Rollout::Pipeline,
            redundant: true,
        })
    }
}

/// The form's choices (a spec, always valid: every choice is a select).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PipelineSpecForm(PipelineSpec);

/// True for a fragment the pipeline panel reads.
pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with("#pipeline=")
}

/// Reads `#pipeline=v2|v3[&how=pipeline|hand][&servers=1|2]`.
pub fn parse_link(fragment: &str) -> Option<PipelineSpec> {
    if !is_link(fragment) {
        return None;
    }
    let mut spec = PipelineSpecForm::default().0;
    for (k, v) in crate::maintenance::fragment_pairs(fragment) {
        match (k, v.as_str()) {
            ("pipeline", "v3") => spec.release = Release::V3,
            ("pipeline", _) => spec.release = Release::V2,
            ("how", "hand") => spec.rollout = Rollout::ByHand,
            ("how", _) => spec.rollout = Rollout::Pipeline,
            ("servers", "1") => spec.redundant = false,
            ("servers", _) => spec.redundant = true,
            _ => {}
        }
    }
    Some(spec)
}

/// The link to these settings.
pub fn link_of(spec: &PipelineSpec) -> String {
    format!(
        "#pipeline={}&how={}&servers={}",
        spec.release.tag(),
        if spec.rollout == Rollout::ByHand {
            "hand"
        } else {
            "pipeline"
        },
        if spec.redundant { 2 } else { 1 }
    )
}

fn secs(us: u64) -> String {
    format!("{:.1} s", us as f64 / 1e6)
}

/// The visitors' requests, each drawn in its release's row (or failed).
fn timeline(r: &PipelineResult) -> Html {
    const L: f64 = 70.0;
    const W: f64 = 910.0;
    let s = &r.stream;
    let span = s.points.last().map_or(1, |p| p.at_us).max(1) as f64;
    let x = |t: u64| L + t as f64 / span * W;
    let new = r.spec.release.tag();
    let (old_y, new_y, fail_y) = (50.0, 80.0, 110.0);
    let marks = s.points.iter().map(|p| {
        let cx = x(p.at_us);
        let tip = format!(
            "{}: {} {}{}",
            secs(p.at_us),
            p.status,
            p.version.as_deref().map(|v| format!("from {v}")).unwrap_or_default(),
            p.server.as_deref().map(|h| format!(" on {h}")).unwrap_or_default()
        );
        if !p.ok {
            html! {
                <path class="tl-fail" d={format!("M{a:.1} {b} l10 10 m0 -10 l-10 10", a = cx - 5.0, b = fail_y - 5.0)}>
                    <title>{ tip }</title>
                </path>
            }
        } else if p.version.as_deref() == Some(new) {
            html! { <rect class="pl-new" x={format!("{:.1}", cx - 4.0)} y={(new_y - 4.0).to_string()} width="8" height="8"><title>{ tip }</title></rect> }
        } else {
            html! { <circle class="tl-ok" cx={format!("{cx:.1}")} cy={old_y.to_string()} r="4"><title>{ tip }</title></circle> }
        }
    });
    let events = s.events.iter().enumerate().map(|(i, e)| {
        let ex = x(e.at_us);
        html! {
            <g class="tl-event">
                <line x1={format!("{ex:.1}")} x2={format!("{ex:.1}")} y1="30" y2="125" />
                <text x={format!("{ex:.1}")} y="24">{ i + 1 }</text>
                <title>{ format!("{}: {}", secs(e.at_us), e.label) }</title>
            </g>
        }
    });
    let step = if span > 40e6 { 10_000_000 } else { 5_000_000 };
    let ticks = (0..=(span as u64) / step).map(|i| {
        let t = i * step;
        let tx = x(t);
        html! {
            <g class="tl-tick">
                <line x1={format!("{tx:.1}")} x2={format!("{tx:.1}")} y1="135" y2="142" />
                <text x={format!("{tx:.1}")} y="162">{ format!("{} s", t / 1_000_000) }</text>
            </g>
        }
    });
    let old = s
        .points
        .iter()
        .find_map(|p| p.version.clone())
        .unwrap_or_else(|| "v1".into());
    html! {
        <svg id="pipeline-timeline" class="timeline" viewBox="0 0 1000 172" role="img"
            aria-label={format!("Timeline of {} requests: {} failed; answered by {old} and by {new}", s.points.len(), s.failed)}>
            <text class="tl-row" x="8" y={(old_y + 5.0).to_string()}>{ format!("● {old}") }</text>
            <text class="tl-row" x="8" y={(new_y + 5.0).to_string()}>{ format!("■ {new}") }</text>
            <text class="tl-row fail" x="8" y={(fail_y + 5.0).to_string()}>{ "✕ failed" }</text>
            <line class="tl-axis" x1={L.to_string()} x2={(L + W).to_string()} y1="135" y2="135" />
            { for ticks }
            { for events }
            { for marks }
        </svg>
    }
}

fn body(r: &PipelineResult) -> Html {
    html! {
        <>
            <ul id="pipeline-note" class="day-note">
                { for r.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }
            </ul>
            { timeline(r) }
            <ol id="pipeline-events" class="tl-events" aria-label="What happened during the deploy">
                { for r.stream.events.iter().map(|e| html! { <li>{ format!("{}: {}", secs(e.at_us), e.label) }</li> }) }
            </ol>
            <table id="pipeline-stages" class="day-table pipeline-stages">
                <caption>{ "The pipeline's steps (times modelled)" }</caption>
                <thead><tr><th scope="col">{ "at" }</th><th scope="col">{ "step" }</th><th scope="col">{ "took" }</th></tr></thead>
                <tbody>
                    { for r.stages.iter().map(|st| html! {
                        <tr class={classes!((!st.ok).then_some("failed"))}>
                            <td>{ st.at_us.map_or_else(|| "before".to_string(), secs) }</td>
                            <th scope="row">
                                <span aria-hidden="true">{ if st.ok { "✓ " } else { "✕ " } }</span>{ st.what.clone() }
                                if let Some(c) = &st.command { <br /><code>{ c.clone() }</code> }
                            </th>
                            <td>{ secs(st.took_us) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <details class="load-config">
                <summary>{ format!("The tests ({} requests, traced in a test environment)", r.tests.len()) }</summary>
                <table id="pipeline-tests" class="day-table">
                    <thead><tr><th scope="col">{ "request" }</th><th scope="col">{ "status" }</th><th scope="col">{ "X-App-Version" }</th><th scope="col">{ "passed" }</th></tr></thead>
                    <tbody>
                        { for r.tests.iter().map(|t| html! {
                            <tr><td><code>{ t.url.trim_start_matches("http://www.foobar.com") }</code></td><td>{ t.status.clone() }</td>
                                <td>{ t.version.clone().unwrap_or_else(|| "—".into()) }</td><td>{ if t.passed { "yes" } else { "no" } }</td></tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </>
    }
}

#[component]
pub fn PipelinePanel(props: &Props) -> Html {
    let form = {
        let link = props.link;
        use_state(move || link.map_or_else(PipelineSpecForm::default, PipelineSpecForm))
    };
    crate::components::day_field::use_into_view_when_linked("pipeline-panel", props.link.is_some());
    {
        let (on_run, link) = (props.on_run.clone(), props.link);
        use_effect_with((), move |_| {
            if let Some(spec) = link {
                on_run.emit(spec);
            }
        });
    }
    let spec = form.0;
    let select = |id: &'static str,
                  label: &'static str,
                  options: Vec<(&'static str, &'static str, bool)>,
                  set: fn(&mut PipelineSpec, &str)| {
        let form = form.clone();
        let onchange = Callback::from(move |e: Event| {
            let el: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut next = form.0;
            set(&mut next, &el.value());
            form.set(PipelineSpecForm(next));
        });
        html! {
            <label class="day-field">
                <span>{ label }</span>
                <select id={id} {onchange}>
                    { for options.into_iter().map(|(value, text, selected)| html! { <option value={value} {selected}>{ text }</option> }) }
                </select>
            </label>
        }
    };
    let onclick = {
        let on_run = props.on_run.clone();
        Callback::from(move |_: MouseEvent| on_run.emit(spec))
    };
    let shown = match props.result.as_ref().map(|r| &*r.0) {
        None => {
            html! { <p class="hint">{ "Press Deploy: the release is built and tested, then rolled out while a visitor asks for the home page every 0.2 s." }</p> }
        }
        Some(Err(e)) => html! { <p class="day-error" role="alert">{ format!("✕ {e}") }</p> },
        Some(Ok(r)) => body(r),
    };
    html! {
        <section id="pipeline-panel" class="day-panel pipeline-panel" aria-labelledby="pipeline-title">
            <h2 id="pipeline-title">{ "Containers and a deploy pipeline" }</h2>
            <p class="hint">
                { "The application ships as a container image: every server runs foobar/app:v1. A release is a new image. \
                   A pipeline builds it, runs its tests, then replaces one server's container at a time, checks its health \
                   and rolls it back by itself if the checks fail. Every answer names the release that served it (the \
                   X-App-Version header, and the page's footer)." }
            </p>
            <div class="day-form">
                { select("pipeline-release", "Release", vec![
                    ("v2", "foobar/app:v2 (good)", spec.release == Release::V2),
                    ("v3", "foobar/app:v3 (needs a setting the servers lack)", spec.release == Release::V3),
                ], |s, v| s.release = if v == "v3" { Release::V3 } else { Release::V2 }) }
                { select("pipeline-how", "How", vec![
                    ("pipeline", "the pipeline: one server at a time, checked", spec.rollout == Rollout::Pipeline),
                    ("hand", "by hand: every server at once", spec.rollout == Rollout::ByHand),
                ], |s, v| s.rollout = if v == "hand" { Rollout::ByHand } else { Rollout::Pipeline }) }
                { select("pipeline-servers", "Design", vec![
                    ("2", "two web servers", spec.redundant),
                    ("1", "one server", !spec.redundant),
                ], |s, v| s.redundant = v != "1") }
                <button type="button" id="pipeline-run" class="demo" {onclick} disabled={props.running}>
                    { if props.running { "Deploying…" } else { "Deploy" } }
                </button>
                <a id="pipeline-link" class="day-link" href={link_of(&spec)}>{ "Link to this deploy" }</a>
            </div>
            <div aria-live="polite">{ shown }</div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn links_read_back() {
        for release in [Release::V2, Release::V3] {
            for rollout in [Rollout::Pipeline, Rollout::ByHand] {
                for redundant in [true, false] {
                    let spec = PipelineSpec {
                        release,
                        rollout,
                        redundant,
                    };
                    assert_eq!(parse_link(&link_of(&spec)), Some(spec));
                }
            }
        }
        assert_eq!(parse_link("#monitor=app"), None);
    }
}
