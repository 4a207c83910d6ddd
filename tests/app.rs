//! Component tests of the whole app in a headless browser (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use stackscope::AppProps;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement, KeyboardEvent, KeyboardEventInit};
use yew::prelude::*;

mod common;

use common::{all, click, find, get, text};

wasm_bindgen_test_configure!(run_in_browser);

const HOME: &str = "http://www.foobar.com/";
const MISTYPED: &str = "http://www.foobar.co/";

/// Mounts a fresh app (autoplay off, so the test drives every step) in its own div.
async fn mount() -> Element {
    common::mount_app(common::test_props()).await
}

async fn run_preset(root: &Element, url: &str) {
    click(root, &format!("button.preset[data-url=\"{url}\"]")).await;
}

/// `(current, total)` from "Step 3 of 27".
fn counter(root: &Element) -> (usize, usize) {
    let t = text(root, "#step-counter");
    let nums: Vec<usize> = t
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(nums.len(), 2, "#step-counter reads {t:?}");
    (nums[0], nums[1])
}

fn active(root: &Element) -> Vec<String> {
    all(root, "svg#diagram g.component.active")
        .iter()
        .filter_map(|e| e.get_attribute("data-component"))
        .collect()
}

fn current_row(root: &Element) -> Element {
    let rows = all(root, "table#steps tr.step[aria-current=\"step\"]");
    assert_eq!(rows.len(), 1, "exactly one current row");
    rows.into_iter().next().unwrap()
}

fn is_disabled(root: &Element, selector: &str) -> bool {
    get(root, selector).has_attribute("disabled")
}

/// Steps forward to the last step, checking counter, row and diagram on the way.
/// Returns the active components at each step.
async fn step_to_end(root: &Element) -> Vec<Vec<String>> {
    let (_, total) = counter(root);
    let mut seen = Vec::new();
    loop {
        let (current, t) = counter(root);
        assert_eq!(t, total);
        let row = current_row(root);
        assert_eq!(
            row.get_attribute("data-index"),
            Some((current - 1).to_string())
        );
        let comp = row.get_attribute("data-component").unwrap();
        let act = active(root);
        assert!(
            act.contains(&comp),
            "step {current}: {comp} should be active, got {act:?}"
        );
        seen.push(act);
        if current == total {
            break;
        }
        click(root, "#step-forward").await;
        assert_eq!(counter(root).0, current + 1, "#step-forward moves one step");
    }
    assert!(is_disabled(root, "#step-forward"), "no step after the last");
    seen
}

fn first_active(seen: &[Vec<String>], c: &str) -> Option<usize> {
    seen.iter().position(|a| a.iter().any(|x| x == c))
}

#[wasm_bindgen_test]
async fn home_preset_builds_the_step_table_and_starts_at_step_one() {
    let root = mount().await;
    assert!(
        all(&root, "table#steps tr.step").is_empty(),
        "no steps before a request"
    );
    assert_eq!(text(&root, "#step-counter"), "No steps yet");

    run_preset(&root, HOME).await;
    let rows = all(&root, "table#steps tr.step");
    assert!(
        rows.len() > 5,
        "the home page takes many steps, got {}",
        rows.len()
    );
    let (current, total) = counter(&root);
    assert_eq!((current, total), (1, rows.len()));
    assert_eq!(
        current_row(&root).get_attribute("data-index").as_deref(),
        Some("0")
    );
    assert_eq!(
        get(&root, "#play").get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    assert!(text(&root, "#announce").starts_with("Step 1 of"));
    assert!(is_disabled(&root, "#step-back"));
    // The response has not arrived yet: no page in the preview.
    assert!(find(&root, "iframe#preview").is_none());
    assert!(text(&root, "#preview-status").contains("Waiting"));
}

/// Resolves after the next frame and a task after it (when the page's
/// staged parts draw).
async fn next_frame() {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let after = wasm_bindgen::closure::Closure::once_into_js(move || {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .unwrap();
        });
        web_sys::window()
            .unwrap()
            .request_animation_frame(after.unchecked_ref())
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(wait).await.unwrap();
    yew::scheduler::flush().await;
}

/// How many elements of the document match `selector`.
fn in_document(selector: &str) -> u32 {
    gloo::utils::document()
        .query_selector_all(selector)
        .map(|l| l.length())
        .unwrap_or(0)
}

#[wasm_bindgen_test]
async fn the_start_ups_warm_ups_draw_the_first_frames_views_out_of_the_page_and_leave_nothing() {
    let before = (
        in_document("#diagram"),
        in_document("#url-input"),
        in_document("#play"),
    );
    let entry = stackscope::warm::entry().expect("a document");
    let diagram = stackscope::warm::diagram().expect("a document");
    let playback = stackscope::warm::playback().expect("a document");
    next_frame().await;
    // Drawn, as the app's first frame has them...
    assert!(diagram
        .root()
        .query_selector("svg#diagram")
        .unwrap()
        .is_some());
    for id in ["#url-input", "#go", "#lessons-start"] {
        assert!(
            entry.root().query_selector(id).unwrap().is_some(),
            "{id} drawn"
        );
    }
    for id in ["#play", "#scrubber", "#inspector"] {
        assert!(
            playback.root().query_selector(id).unwrap().is_some(),
            "{id} drawn"
        );
    }
    assert!(playback
        .root()
        .text_content()
        .unwrap_or_default()
        .contains("Press Go"));
    // ...but never in the page.
    let during = (
        in_document("#diagram"),
        in_document("#url-input"),
        in_document("#play"),
    );
    assert_eq!(during, before);
    let roots = [
        ("the address bar's", entry.root().clone()),
        ("the diagram's", diagram.root().clone()),
        ("the playback's", playback.root().clone()),
    ];
    entry.end();
    diagram.end();
    playback.end();
    next_frame().await;
    for (which, root) in roots {
        assert_eq!(root.child_element_count(), 0, "{which} warm-up is removed");
    }
    // A world read back as the worker's first reply brings one (panics if not).
    stackscope::warm::replies();
}

#[wasm_bindgen_test]
async fn the_staged_page_draws_a_new_traces_lists_one_a_frame_after_its_journey() {
    let root = common::mount_app(stackscope::AppProps {
        defer_panels: true,
        panels_here: None,
        ..common::test_props()
    })
    .await;
    common::until(&root, "table#steps").await;
    run_preset(&root, HOME).await;
    // The journey at once: the counter, the inspector, the diagram.
    let (current, total) = counter(&root);
    assert_eq!(current, 1);
    assert!(
        all(&root, "table#steps tr.step").is_empty(),
        "the steps come a frame later"
    );
    assert!(all(&root, "#waterfall tr.wf-row").is_empty());
    next_frame().await;
    assert_eq!(all(&root, "table#steps tr.step").len(), total);
    assert_eq!(
        current_row(&root).get_attribute("data-index").as_deref(),
        Some("0")
    );
    // One list a frame: the steps, the layers, the preview, the waterfall last.
    assert!(
        all(&root, "#waterfall tr.wf-row").is_empty(),
        "the waterfall comes three frames after the steps"
    );
    for _ in 0..3 {
        next_frame().await;
    }
    assert!(!all(&root, "#waterfall tr.wf-row").is_empty());
    // Stepping is not deferred: the row follows the counter at once.
    click(&root, "#step-forward").await;
    assert_eq!(
        current_row(&root).get_attribute("data-index").as_deref(),
        Some("1")
    );
}

#[wasm_bindgen_test]
async fn stepping_moves_counter_row_and_diagram() {
    let root = mount().await;
    run_preset(&root, HOME).await;
    let at_start = active(&root);
    assert!(!at_start.is_empty(), "step 1 highlights a component");
    for _ in 0..3 {
        click(&root, "#step-forward").await;
    }
    assert_eq!(counter(&root).0, 4);
    assert_eq!(
        current_row(&root).get_attribute("data-index").as_deref(),
        Some("3")
    );
    assert!(text(&root, "#announce").starts_with("Step 4 of"));
    assert!(text(&root, "#inspector").contains("Step 4"));
    click(&root, "#step-back").await;
    assert_eq!(counter(&root).0, 3);

    let seen = step_to_end(&root).await;
    assert!(
        seen.iter().any(|a| *a != at_start),
        "the highlighted component changes"
    );
    let order = [
        "Resolver", "RootDns", "TldDns", "AuthDns", "Nginx", "App", "Database",
    ];
    let firsts: Vec<Option<usize>> = order.iter().map(|c| first_active(&seen, c)).collect();
    for (c, f) in order.iter().zip(&firsts) {
        assert!(f.is_some(), "{c} is active at some step");
    }
    for w in firsts.windows(2) {
        assert!(w[0] < w[1], "components are reached in order: {firsts:?}");
    }
    // Visited components stay marked.
    assert!(find(&root, "g.component.visited[data-component=\"Database\"]").is_some());

    click(&root, "#restart").await;
    assert_eq!(counter(&root).0, 1);
}

#[wasm_bindgen_test]
async fn the_last_step_shows_the_page_in_a_sandboxed_frame() {
    let root = mount().await;
    run_preset(&root, HOME).await;
    step_to_end(&root).await;
    let frame = get(&root, "iframe#preview");
    assert_eq!(frame.get_attribute("sandbox").as_deref(), Some(""));
    let srcdoc = frame.get_attribute("srcdoc").unwrap_or_default();
    assert!(
        srcdoc.contains("Foobar"),
        "srcdoc holds the page: {srcdoc:.200}"
    );
    assert!(text(&root, "#preview-status").contains("200"));
    assert!(text(&root, "#preview-url").contains("www.foobar.com"));
}

#[wasm_bindgen_test]
async fn inspector_shows_dns_bytes_http_text_and_sql() {
    let root = mount().await;
    run_preset(&root, HOME).await;
    let (_, total) = counter(&root);
    let (mut hex, mut http, mut sql) = (false, false, false);
    for i in 0..total {
        hex |= !all(&root, "#inspector .hexdump .byte").is_empty();
        if let Some(pre) = find(&root, "#inspector pre.http") {
            http |= pre.text_content().unwrap_or_default().contains("HTTP/1.1");
        }
        sql |= find(&root, "#inspector pre.sql").is_some()
            && find(&root, "#inspector table.result").is_some();
        if i + 1 < total {
            click(&root, "#step-forward").await;
        }
    }
    assert!(hex, "a DNS step shows the annotated hex dump");
    assert!(http, "an HTTP step shows the message text");
    assert!(sql, "a database step shows the SQL and its rows");
}

#[wasm_bindgen_test]
async fn clicking_a_row_moves_the_cursor() {
    let root = mount().await;
    run_preset(&root, HOME).await;
    click(&root, "table#steps tr.step[data-index=\"5\"]").await;
    assert_eq!(counter(&root).0, 6);
    assert_eq!(
        current_row(&root).get_attribute("data-index").as_deref(),
        Some("5")
    );
}

#[wasm_bindgen_test]
async fn invalid_address_shows_the_reason_inline() {
    let root = mount().await;
    assert!(get(&root, "#url-error").has_attribute("hidden"));
    let input: HtmlInputElement = get(&root, "#url-input").unchecked_into();
    input.set_value("ht!tp://");
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&root, "#url-form button[type=\"submit\"]").await;
    let error = get(&root, "#url-error");
    assert!(!error.has_attribute("hidden"), "#url-error is shown");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert!(
        !text(&root, "#url-error").trim().is_empty(),
        "#url-error gives a reason"
    );
    assert_eq!(
        input.value(),
        "ht!tp://",
        "what was typed stays in the address bar"
    );

    // A valid address clears the error again.
    run_preset(&root, HOME).await;
    assert!(get(&root, "#url-error").has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn mistyped_domain_ends_with_nxdomain() {
    let root = mount().await;
    run_preset(&root, MISTYPED).await;
    let seen = step_to_end(&root).await;
    assert_eq!(
        first_active(&seen, "Nginx"),
        None,
        "no request reaches Nginx"
    );
    assert!(text(&root, "#preview-status").contains("DNS_PROBE_FINISHED_NXDOMAIN"));
    assert!(
        !all(&root, "g.component.failed").is_empty(),
        "the failure is marked on the diagram"
    );
}

#[wasm_bindgen_test]
async fn a_second_visit_uses_the_dns_cache() {
    let root = mount().await;
    run_preset(&root, HOME).await;
    let first = counter(&root).1;
    run_preset(&root, HOME).await;
    let second = counter(&root).1;
    assert!(
        second < first,
        "the second visit skips the DNS round trips ({second} vs {first})"
    );
    let seen = step_to_end(&root).await;
    assert_eq!(
        first_active(&seen, "RootDns"),
        None,
        "the root is not asked again"
    );
}

#[wasm_bindgen_test]
async fn play_and_pause_toggle_aria_pressed() {
    let root = mount().await;
    run_preset(&root, HOME).await;
    click(&root, "#play").await;
    assert_eq!(
        get(&root, "#play").get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    click(&root, "#play").await;
    assert_eq!(
        get(&root, "#play").get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    // Stepping by hand pauses playback too.
    click(&root, "#play").await;
    click(&root, "#step-forward").await;
    assert_eq!(
        get(&root, "#play").get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn components_explain_themselves_by_click_and_keyboard() {
    let root = mount().await;
    assert!(find(&root, "#component-info").is_none());
    let nginx = get(&root, "g.component[data-component=\"Nginx\"]");
    nginx
        .dispatch_event(
            &web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &{
                let init = web_sys::MouseEventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
    assert!(text(&root, "#component-info").contains("Nginx"));
    click(&root, "#component-info-close").await;
    assert!(find(&root, "#component-info").is_none());

    let db = get(&root, "g.component[data-component=\"Database\"]");
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    db.dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert!(text(&root, "#component-info").contains("SQLite"));

    let esc = KeyboardEventInit::new();
    esc.set_key("Escape");
    esc.set_bubbles(true);
    get(&root, "#component-info-close")
        .dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &esc).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert!(
        find(&root, "#component-info").is_none(),
        "Escape closes the explanation"
    );
}

#[wasm_bindgen_test]
async fn a_deep_link_opens_at_the_given_step() {
    let root = common::mount_app(AppProps {
        initial_url: Some(HOME.into()),
        initial_step: 4,
        ..common::test_props()
    })
    .await;
    assert_eq!(counter(&root).0, 5);
    assert_eq!(
        get(&root, "#url-input")
            .unchecked_into::<HtmlInputElement>()
            .value(),
        HOME
    );
}

async fn set_redundant(root: &Element) {
    click(root, "#topology-redundant").await;
}

#[wasm_bindgen_test]
async fn the_topology_switch_redraws_the_diagram() {
    let root = mount().await;
    assert!(find(
        &root,
        "svg#diagram g.component[data-component=\"LoadBalancer\"]"
    )
    .is_none());
    set_redundant(&root).await;
    assert!(find(
        &root,
        "svg#diagram g.component[data-component=\"LoadBalancer\"]"
    )
    .is_some());
    assert_eq!(
        all(&root, "svg#diagram g.component[data-component=\"Nginx\"]").len(),
        2
    );
    assert!(find(&root, "svg#diagram g.component[data-component=\"Replica\"]").is_some());
    assert!(find(
        &root,
        "g.component[data-component=\"Server\"][data-node=\"1\"]"
    )
    .is_some());
    // A request goes through the load balancer to one web server.
    run_preset(&root, HOME).await;
    let seen = step_to_end(&root).await;
    assert!(first_active(&seen, "LoadBalancer").is_some());
    click(&root, "#topology-single").await;
    assert!(find(
        &root,
        "svg#diagram g.component[data-component=\"LoadBalancer\"]"
    )
    .is_none());
}

#[wasm_bindgen_test]
async fn a_fault_toggle_reruns_and_explains_the_symptom() {
    let root = mount().await;
    run_preset(&root, HOME).await;
    assert!(get(&root, "#reason-badge").has_attribute("hidden"));
    let toggle = "button[aria-label=\"Stop the application server\"]";
    assert_eq!(
        get(&root, toggle).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    click(&root, toggle).await;
    assert_eq!(
        get(&root, toggle).get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    let badge = get(&root, "#reason-badge");
    assert!(!badge.has_attribute("hidden"));
    assert_eq!(badge.get_attribute("role").as_deref(), Some("status"));
    let t = badge.text_content().unwrap_or_default();
    assert!(t.contains("502"), "{t}");
    assert!(t.contains("application server"), "{t}");
    // The failing request is replayed from its first step (the tests do not
    // autoplay); at its end the browser shows the 502.
    assert_eq!(counter(&root).0, 1, "a fault shows its request from step 1");
    step_to_end(&root).await;
    assert!(text(&root, "#preview-status").contains("502"));
    // Restore everything: the page works again.
    click(&root, "#restore-all").await;
    assert!(get(&root, "#reason-badge").has_attribute("hidden"));
    assert_eq!(
        get(&root, toggle).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
}

fn failed_of(summary: &str) -> usize {
    summary
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no count in {summary:?}"))
}

#[wasm_bindgen_test]
async fn deploys_show_downtime_on_one_server_and_none_when_rolling() {
    // The downtime panel is the second module's: mounted here in-process.
    let root = common::mount_app(common::with_panels(common::test_props())).await;
    common::until(&root, "#deploy-single").await;
    click(&root, "#deploy-single").await;
    common::until(&root, "#deploy-single.current").await;
    let s = text(&root, "#deploy-summary");
    assert!(failed_of(&s) > 0, "{s}");
    assert!(s.contains("of 150") && s.contains("502"), "{s}");
    assert_eq!(all(&root, "#deploy-timeline .tl-fail").len(), failed_of(&s));
    click(&root, "#deploy-rolling").await;
    common::until(&root, "#deploy-rolling.current").await;
    let s = text(&root, "#deploy-summary");
    assert!(s.contains("0 of 150"), "{s}");
    assert_eq!(all(&root, "#deploy-timeline .tl-ok").len(), 150);
}

/// The sweep panel (drawn by the page's second module, which this test page
/// does not load), mounted with what the session answers to its command.
#[function_component]
fn SweepWithServer() -> Html {
    use stackscope::state::Shared;
    use stackscope_core::session::{Command, Reply, Session};
    let rows = use_state(|| None);
    let on_run = {
        let rows = rows.setter();
        Callback::from(move |()| {
            let Reply::Sweep { rows: packed, .. } = Session::new().handle(Command::Sweep) else {
                panic!("the sweep's command answered something else")
            };
            rows.set(Some(Shared::new(packed.open().and_then(|r| r))));
        })
    };
    html! { <stackscope::components::sweep_panel::SweepPanel sweep={(*rows).clone()} on_run={on_run} /> }
}

#[wasm_bindgen_test]
async fn the_sweep_shows_the_load_balancer_is_a_single_point_of_failure() {
    let doc = gloo::utils::document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<SweepWithServer>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    click(&root, "#run-sweep").await;
    let rows = all(&root, "table#availability-matrix tbody tr");
    assert!(rows.len() >= 5);
    let lb = get(
        &root,
        "table#availability-matrix tr[data-failure=\"Load balancer powered off\"]",
    );
    let cells = lb.query_selector_all("td").unwrap();
    let single = cells.item(0).unwrap().text_content().unwrap_or_default();
    let redundant = cells.item(1).unwrap().text_content().unwrap_or_default();
    assert!(single.contains('—'), "{single}");
    assert!(redundant.contains("0%"), "{redundant}");
    assert!(text(&root, "#spof-sentence").contains("Load balancer"));
}

#[wasm_bindgen_test]
async fn a_share_link_reopens_the_same_world_address_and_step() {
    use stackscope_core::share::{Event, Share};
    use stackscope_core::{Fault, Scenario};
    let events = vec![
        Event::Request {
            url: HOME.into(),
            at_us: 0,
        },
        Event::Change {
            change: Fault::AppStopped.change(),
            at_us: 1_000_000,
        },
        Event::Request {
            url: "http://www.foobar.com/about".into(),
            at_us: 2_000_000,
        },
    ];
    let (share, _) = Share::new(&Scenario::default(), &events, 6);
    let root = common::mount_app(AppProps {
        link: Some(format!("#{}", share.encode()).into()),
        ..common::test_props()
    })
    .await;
    assert_eq!(
        counter(&root).0,
        7,
        "the link's step (0-based 6) is selected"
    );
    assert_eq!(
        get(&root, "#url-input")
            .unchecked_into::<HtmlInputElement>()
            .value(),
        "http://www.foobar.com/about"
    );
    // The fault travelled with the link: stepping to the end shows the 502.
    for _ in 0..60 {
        click(&root, "#step-forward").await;
    }
    assert!(text(&root, "#preview-status").contains("502"));
    // The page offers a link back to exactly this.
    let href = get(&root, "#share-link").get_attribute("href").unwrap();
    let again = Share::decode(&href).unwrap();
    assert_eq!(again.url(), Some("http://www.foobar.com/about"));
    assert_eq!(again.events, events);
}

#[wasm_bindgen_test]
async fn a_damaged_link_gives_a_message_and_the_defaults() {
    let root = common::mount_app(AppProps {
        link: Some("#s=%%%not-base64".into()),
        ..common::test_props()
    })
    .await;
    assert!(text(&root, "#link-error").contains("damaged"));
    assert!(find(&root, "svg#diagram").is_some());
}

/// The lessons' progress as the page reads it, with the browser's own
/// `JSON.parse` (natively, the tests read it with serde_json): it reads
/// back what it wrote, strings and numbers exact, and refuses damage.
#[wasm_bindgen_test]
fn lesson_progress_reads_back_with_the_browsers_json() {
    use stackscope::lessons::{Fact, Progress};
    let mut p = Progress::default();
    p.see(
        &[Fact::SawHandshake, Fact::SawHttpRequest],
        &[
            ("tiny", 5e-324),
            ("huge", 1e300),
            ("tenth", 0.1),
            ("neg", -2.5),
        ],
    );
    for key in ["http", "a\"b\\c", "tab\tand\u{1}", "é [{", ""] {
        p.answer(key, key.len() % 2 == 0);
    }
    let text = p.encode();
    assert_eq!(Progress::decode(&text), Ok(p.clone()), "{text}");
    // What serde_json wrote before (`3.0`, not `3`) reads the same.
    let theirs = r#"{"version":1,"progress":{"seen":["SawHandshake"],"figures":{"x":3.0},"answers":{"dns":true}}}"#;
    let read = Progress::decode(theirs).unwrap();
    assert_eq!(read.figures["x"], 3.0);
    assert!(read.answers["dns"]);
    // A repeated field: its last value, as JSON.parse keeps it.
    let twice =
        r#"{"version":1,"progress":{"seen":[],"figures":{},"answers":{"a":true,"a":false}}}"#;
    assert!(!Progress::decode(twice).unwrap().answers["a"]);
    for bad in [
        "",
        "{",
        "[]",
        "null",
        r#"{"version":2,"progress":{}}"#,
        r#"{"version":1,"progress":{"seen":["NoSuchFact"],"figures":{},"answers":{}}}"#,
        r#"{"version":1,"progress":{"seen":[],"figures":{"x":"1"},"answers":{}}}"#,
        r#"{"version":1,"progress":{"seen":[],"figures":{},"answers":{},"more":1}}"#,
        r#"{"version":1}"#,
    ] {
        let e = Progress::decode(bad).unwrap_err();
        assert!(e.contains("starts afresh"), "{bad}: {e}");
    }
    let deep = format!("{{\"version\":1,\"progress\":{}", "{\"a\":".repeat(50_000));
    assert!(Progress::decode(&deep).unwrap_err().contains("unreadable"));
}
