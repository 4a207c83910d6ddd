//! Component tests of the load panel in a headless browser (wasm-bindgen-test).
//!
//! The panel is mounted with the simulated server on the test's thread (the
//! session the app's worker runs). Most tests have it answer at once, so a
//! click runs the whole job, slice after slice, within `flush()`; one has it
//! answer a task later, as a worker does, and waits on the browser's timers.
#![cfg(target_arch = "wasm32")]

use stackscope::components::load_panel::{LoadPanel, Report};
use stackscope::state::Shared;
use stackscope_core::session::{Command, Reply, Session};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{js_sys, JsFuture};
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The panel, and the server it talks to.
#[derive(Properties, PartialEq, Clone)]
struct Harness {
    chunk_events: u32,
    knee_points: u32,
    knee_duration_s: f64,
    /// Answer a task later (as the app's worker does), not at once.
    deferred: bool,
}

#[function_component]
fn WithServer(h: &Harness) -> Html {
    let report = use_state(|| None::<Report>);
    let send = {
        let set = report.setter();
        let deferred = h.deferred;
        use_memo((), move |_| {
            let session = Rc::new(RefCell::new(Session::new()));
            Callback::from(move |command: Command| {
                let Reply::Load { tag, report } = session.borrow_mut().handle(command) else {
                    panic!("the load panel sent a command that is not its own")
                };
                let report = report.open().expect("a load report");
                let value = Some(Shared::new((tag, report)));
                let set = set.clone();
                if deferred {
                    gloo::timers::callback::Timeout::new(0, move || set.set(value)).forget();
                } else {
                    set.set(value);
                }
            })
        })
    };
    html! {
        <LoadPanel costs={Some(Shared::new(measure_costs()))} send={(*send).clone()}
            report={(*report).clone()} chunk_events={h.chunk_events}
            knee_points={h.knee_points} knee_duration_s={h.knee_duration_s} />
    }
}

async fn mount(h: Harness) -> Element {
    let doc = gloo::utils::document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<WithServer>::with_root_and_props(root.clone(), h).render();
    yew::scheduler::flush().await;
    root
}

/// The route costs, as the app's worker measures them.
fn measure_costs() -> Result<Vec<stackscope_core::load::RouteCost>, String> {
    use stackscope_core::load::{route_costs, LoadSpec};
    route_costs(
        &stackscope_core::Scenario::default(),
        &LoadSpec::default().mix,
    )
    .map_err(|e| e.to_string())
}

fn blocking() -> Harness {
    Harness {
        chunk_events: 20_000,
        knee_points: 6,
        knee_duration_s: 2.0,
        deferred: false,
    }
}

fn get(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text(root: &Element, selector: &str) -> String {
    get(root, selector).text_content().unwrap_or_default()
}

async fn click(root: &Element, selector: &str) {
    get(root, selector).unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
}

async fn fire(el: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

/// Moves a range input to its minimum or maximum, as a keyboard's Home/End would.
async fn slide(root: &Element, selector: &str, to_max: bool) -> f64 {
    let input: HtmlInputElement = get(root, selector).unchecked_into();
    let v = if to_max { input.max() } else { input.min() };
    input.set_value(&v);
    fire(&input, "input").await;
    v.parse().unwrap()
}

async fn choose(root: &Element, selector: &str, value: &str) {
    let select: HtmlSelectElement = get(root, selector).unchecked_into();
    select.set_value(value);
    fire(&select, "change").await;
}

/// Resolves after the browser ran its pending timers (a `setTimeout(0)`).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        gloo::utils::window()
            .set_timeout_with_callback(&resolve)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn controls_are_labelled_and_show_the_computed_capacity() {
    let root = mount(blocking()).await;
    for id in [
        "load-rate",
        "load-burst",
        "load-mix",
        "load-cores",
        "load-servers",
        "load-scale",
        "load-duration",
    ] {
        assert_eq!(
            count(&root, &format!("label[for=\"{id}\"]")),
            1,
            "#{id} has a label"
        );
    }
    assert!(text(&root, "#load-capacity").contains("requests/s"));
    assert!(text(&root, "#load-rate-value").contains("of capacity"));
    let rate: HtmlInputElement = get(&root, "#load-rate").unchecked_into();
    let max: f64 = rate.max().parse().unwrap();
    // More cores: a higher capacity, so the slider reaches further.
    slide(&root, "#load-cores", true).await;
    assert!(text(&root, "#load-cores + output").contains("64 cores: the largest machine on offer"));
    let max64: f64 = rate.max().parse().unwrap();
    assert!(max64 > max * 4.0, "64 cores: {max64} vs {max}");
    assert_eq!(count(&root, "svg"), 0, "no chart before a run");
}

#[wasm_bindgen_test]
async fn a_load_above_capacity_saturates_the_workers() {
    let root = mount(blocking()).await;
    choose(&root, "#load-duration", "10").await;
    let rate = slide(&root, "#load-rate", true).await;
    assert!(rate > 1000.0);
    click(&root, "#load-run").await;

    let summary = text(&root, "#load-summary");
    assert!(summary.contains("saturated"), "summary: {summary}");
    assert!(summary.contains("p99"), "summary: {summary}");
    // The 503s have a source the learner can see: limit_conn in the config shown.
    assert!(
        summary.contains("turned away by Nginx's limit_conn (503 Service Temporarily Unavailable"),
        "summary: {summary}"
    );
    let config = text(&root, "#load-nginx-config");
    assert!(config.contains("limit_conn per_server 1024;"), "{config}");
    assert!(config.contains("proxy_read_timeout 10s;"), "{config}");
    // The throughput chart ends when arrivals stop, and says where the drain went.
    let note = text(&root, "#chart-errors + figcaption .chart-note");
    assert!(note.contains("Arrivals stop at 10 s"), "{note}");
    assert!(note.contains("not in the chart"), "{note}");
    for id in ["chart-latency", "chart-errors", "chart-utilisation"] {
        let svg = get(&root, &format!("svg#{id}"));
        assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
        assert_eq!(count(&svg, "title"), 1, "{id} has a title");
        let paths = count(&svg, "path.line[d^=\"M\"]");
        assert!(paths >= 3, "{id}: {paths} drawn lines");
        assert!(!text(&svg, "desc").is_empty(), "{id} has a text summary");
    }
    assert_eq!(
        get(&root, "#load-progress")
            .get_attribute("value")
            .as_deref(),
        Some("1")
    );
    assert!(text(&root, "#load-status").contains("Done"));

    // The knee, from 10 % to 150 % of capacity.
    click(&root, "#load-knee").await;
    let knee = get(&root, "svg#chart-knee");
    assert_eq!(count(&knee, "circle"), 12, "6 points × p50, p99");
    assert!(text(&knee, "desc").contains("capacity about"));
}

#[wasm_bindgen_test]
async fn a_low_load_stays_below_capacity() {
    let root = mount(blocking()).await;
    choose(&root, "#load-duration", "10").await;
    slide(&root, "#load-rate", false).await;
    click(&root, "#load-run").await;
    let summary = text(&root, "#load-summary");
    assert!(summary.contains("Below capacity"), "summary: {summary}");
    assert!(!summary.contains("saturated"), "summary: {summary}");
}

#[wasm_bindgen_test]
async fn horizontal_scaling_moves_the_limit_to_the_database() {
    let root = mount(blocking()).await;
    slide(&root, "#load-servers", true).await;
    slide(&root, "#load-cores", true).await;
    assert!(
        text(&root, "#load-capacity").contains("the database is the limit"),
        "{}",
        text(&root, "#load-capacity")
    );
}

#[wasm_bindgen_test]
async fn jobs_run_in_slices_and_can_be_cancelled() {
    let root = mount(Harness {
        chunk_events: 2_000,
        knee_points: 4,
        knee_duration_s: 1.0,
        deferred: true,
    })
    .await;
    choose(&root, "#load-duration", "10").await;
    click(&root, "#load-run").await;
    // The click only started the job: its first report comes a task later.
    assert!(text(&root, "#load-status").contains("Simulating"));
    assert_eq!(count(&root, "#load-cancel"), 1);
    assert!(get(&root, "#load-run").has_attribute("disabled"));
    // Its start's report (0 %), then a slice's, each a task later.
    let progress = |root: &Element| -> f64 {
        get(root, "#load-progress")
            .get_attribute("value")
            .unwrap()
            .parse()
            .unwrap()
    };
    for _ in 0..2 {
        next_task().await;
    }
    let p = progress(&root);
    assert!(p > 0.0 && p < 1.0, "progress {p}");
    click(&root, "#load-cancel").await;
    assert!(text(&root, "#load-status").contains("Cancelled"));
    assert_eq!(count(&root, "#load-cancel"), 0);
    next_task().await;
    assert_eq!(
        count(&root, "#load-summary"),
        0,
        "a cancelled run shows nothing"
    );

    // Run to the end, one task per slice.
    click(&root, "#load-run").await;
    let mut tasks = 0;
    while count(&root, "#load-summary") == 0 {
        next_task().await;
        tasks += 1;
        assert!(tasks < 10_000, "the run never finished");
    }
    assert!(tasks > 3, "ran in {tasks} tasks");
    assert!(text(&root, "#load-status").contains("Done"));
    assert!(text(&root, ".load-timing").contains("slices"));
}

#[wasm_bindgen_test]
async fn an_overloaded_runs_drain_says_so_and_runs_to_its_end() {
    // Slices of 500 events: the queue left at the last arrival takes many.
    let root = mount(Harness {
        chunk_events: 500,
        knee_points: 4,
        knee_duration_s: 1.0,
        deferred: true,
    })
    .await;
    choose(&root, "#load-duration", "10").await;
    slide(&root, "#load-rate", true).await;
    click(&root, "#load-run").await;
    let (mut tasks, mut draining) = (0, 0);
    while count(&root, "#load-summary") == 0 {
        next_task().await;
        tasks += 1;
        assert!(tasks < 20_000, "the run never finished");
        let label = text(&root, ".load-progress-label");
        if label.starts_with("Arrivals over") {
            assert_eq!(label, "Arrivals over, the queue drains: 100%");
            draining += 1;
        }
    }
    assert!(draining >= 2, "{draining} drain reports in {tasks} tasks");
    assert!(text(&root, "#load-status").contains("Done"));
}
