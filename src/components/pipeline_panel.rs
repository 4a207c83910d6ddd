//! Containers and a deploy pipeline: a release built as an image, tested, rolled out one server at a time with health checks and rolled back by itself, against the same release deployed by hand.

use stackscope_core::pipeline::{PipelineResult, PipelineSpec, Rollout};
use stackscope_core::scenario::Release;
use yew::prelude::*;

use crate::format::secs;

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

/// What the panel offers first: v2 through the pipeline, on two servers.
fn default_spec() -> PipelineSpec {
    PipelineSpec {
        release: Release::V2,
        rollout: Rollout::Pipeline,
        redundant: true,
    }
}

/// True for a fragment the pipeline panel reads.
pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with("#pipeline=")
}

/// Reads `#pipeline=v2|v3[&how=pipeline|hand][&servers=1|2]`.
pub fn parse_link(fragment: &str) -> Option<PipelineSpec> {
    if !is_link(fragment) {
        return None;
    }
    let mut spec = default_spec();
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

/// The visitors' requests, each drawn in its release's row (or failed).
fn timeline(r: &PipelineResult) -> Html {
    use crate::components::stream_timeline::{draw, Change, Mark, Request};
    let s = &r.stream;
    let new = r.spec.release.tag();
    let old = s
        .points
        .iter()
        .find_map(|p| p.version.clone())
        .unwrap_or_else(|| "v1".into());
    let requests = s.points.iter().map(|p| {
        let (row, mark) = if !p.ok {
            (2, Mark::Failed)
        } else if p.version.as_deref() == Some(new) {
            (1, Mark::New)
        } else {
            (0, Mark::Ok { slow: false })
        };
        Request {
            at_us: p.at_us,
            row,
            mark,
            tip: format!(
                "{}: {} {}{}",
                secs(p.at_us),
                p.status,
                p.version
                    .as_deref()
                    .map(|v| format!("from {v}"))
                    .unwrap_or_default(),
                p.server
                    .as_deref()
                    .map(|h| format!(" on {h}"))
                    .unwrap_or_default()
            ),
        }
    });
    let changes: Vec<Change> = s
        .events
        .iter()
        .map(|e| Change {
            at_us: e.at_us,
            label: e.label.clone(),
            by_itself: false,
        })
        .collect();
    draw(
        "pipeline-timeline",
        format!(
            "Timeline of {} requests: {} failed; answered by {old} and by {new}",
            s.points.len(),
            s.failed
        ),
        s.points.last().map_or(1, |p| p.at_us),
        &[
            (format!("● {old}"), false),
            (format!("■ {new}"), false),
            ("✕ failed".into(), true),
        ],
        requests,
        &changes,
    )
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
        // Every choice is a select: the form is always a valid spec.
        use_state(move || link.unwrap_or_else(default_spec))
    };
    crate::components::day_field::use_linked_run(
        "pipeline-panel",
        props.link,
        props.result.is_some(),
        props.on_run.clone(),
    );
    let spec = *form;
    let select = |id: &'static str,
                  label: &'static str,
                  options: Vec<(&'static str, &'static str, bool)>,
                  set: fn(&mut PipelineSpec, &str)| {
        let form = form.clone();
        let onchange = Callback::from(move |e: Event| {
            let el: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut next = *form;
            set(&mut next, &el.value());
            form.set(next);
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
                    ("v3", "foobar/app:v3 (lacks a setting on servers)", spec.release == Release::V3),
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
