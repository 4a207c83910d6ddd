//! The editor panel in a headless browser: validated edits that show in the
//! next trace, the SQL console's bounds, hostile content as text, and the
//! stack saved in `localStorage` (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
};

mod common;

use common::{all, click, find, get, text};

wasm_bindgen_test_configure!(run_in_browser);

const HOME: &str = "http://www.foobar.com/";
const KEY: &str = "stackscope.scenario.v1";

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Mounts a fresh app (autoplay off) in its own div, with its editors
/// (the second module's last panel, mounted in this test's module).
async fn mount() -> Element {
    let root = common::mount_app(common::with_panels(common::test_props())).await;
    common::until(&root, "#editors .editors-grid").await;
    root
}

/// A fresh app with nothing stored.
async fn mount_clean() -> Element {
    storage().clear().unwrap();
    mount().await
}

fn fire(el: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

/// Types `value` into an input, a textarea or a select, as a learner would.
async fn fill(root: &Element, selector: &str, value: &str) {
    let el = get(root, selector);
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_value(value);
        fire(&el, "input");
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.set_value(value);
        fire(&el, "input");
    } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        s.set_value(value);
        fire(&el, "change");
    } else {
        panic!("{selector} is not a form field");
    }
    yew::scheduler::flush().await;
}

async fn run_preset(root: &Element, url: &str) {
    click(root, &format!("button.preset[data-url=\"{url}\"]")).await;
}

/// Types an address and presses Go, then jumps to the last step.
async fn visit(root: &Element, url: &str) {
    fill(root, "#url-input", url).await;
    click(root, "#go").await;
    to_end(root).await;
}

/// Jumps to the last step of the trace on screen (a changed world replays
/// its request from step 1).
async fn to_end(root: &Element) {
    let last = all(root, "table#steps tr.step").len();
    assert!(last > 0);
    click(
        root,
        &format!("table#steps tr.step[data-index=\"{}\"]", last - 1),
    )
    .await;
}

fn preview_html(root: &Element) -> String {
    get(root, "iframe#preview")
        .get_attribute("srcdoc")
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_record_with_a_bad_ip_is_refused_with_a_message() {
    let root = mount_clean().await;
    assert_eq!(all(&root, "#zone-records tbody tr").len(), 2);
    fill(&root, "#zone-name", "api").await;
    fill(&root, "#zone-type", "A").await;
    fill(&root, "#zone-ttl", "60").await;
    fill(&root, "#zone-value", "1.2.3.999").await;
    click(&root, "#zone-submit").await;
    let alert = get(&root, "#zone-error");
    assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
    let msg = alert.text_content().unwrap_or_default();
    assert!(msg.contains("1.2.3.999") && msg.contains("IPv4"), "{msg}");
    assert_eq!(
        all(&root, "#zone-records tbody tr").len(),
        2,
        "nothing added"
    );
    assert!(storage().get_item(KEY).unwrap().is_none(), "nothing saved");

    // Corrected, the record is added and the stack saved.
    fill(&root, "#zone-value", "192.0.2.7").await;
    click(&root, "#zone-submit").await;
    assert!(find(&root, "#zone-error").is_none());
    let rows = all(&root, "#zone-records tbody tr");
    assert_eq!(rows.len(), 3);
    assert!(rows[2].text_content().unwrap().contains("api.foobar.com."));
    let saved = storage().get_item(KEY).unwrap().expect("saved");
    assert!(saved.starts_with("{\"version\":1,"), "{saved}");
    assert!(saved.contains("192.0.2.7"));
}

#[wasm_bindgen_test]
async fn a_wrong_upstream_makes_the_next_trace_a_502() {
    let root = mount_clean().await;
    run_preset(&root, HOME).await;
    fill(&root, "#upstream", "127.0.0.1:9000").await;
    click(&root, "#upstream-submit").await;
    assert!(find(&root, "#upstream-error").is_none());
    // The current address was requested again (shown from step 1): at its end, a 502.
    to_end(&root).await;
    let status = text(&root, "#preview-status");
    assert!(status.contains("502"), "{status}");
    assert!(text(&root, "#nginx-config").contains("proxy_pass http://127.0.0.1:9000;"));
    // A bad one is refused.
    fill(&root, "#upstream", "nowhere").await;
    click(&root, "#upstream-submit").await;
    assert!(text(&root, "#upstream-error").contains("port"));
}

#[wasm_bindgen_test]
async fn a_post_added_in_the_form_shows_on_the_home_page_as_text() {
    let root = mount_clean().await;
    run_preset(&root, HOME).await;
    fill(&root, "#post-slug", "hostile").await;
    fill(&root, "#post-title", "Hello <b>bold</b> reader").await;
    fill(&root, "#post-body", "<script>alert(1)</script>").await;
    fill(&root, "#post-published", "2026-11-26").await;
    click(&root, "#post-submit").await;
    assert!(find(&root, "#post-error").is_none());
    to_end(&root).await;
    let home = preview_html(&root);
    assert!(
        home.contains("Hello &lt;b&gt;bold&lt;/b&gt; reader"),
        "{home}"
    );
    assert!(!home.contains("<b>bold"));
    // The post's page: the body is text, and the frame runs no scripts.
    visit(&root, "http://www.foobar.com/posts/hostile").await;
    let page = preview_html(&root);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>"));
    assert_eq!(
        get(&root, "iframe#preview")
            .get_attribute("sandbox")
            .as_deref(),
        Some("")
    );
    // The browsed table shows the new row (escaped by Yew, as text).
    let table = text(&root, "#data-table");
    assert!(table.contains("<script>alert(1)</script>"), "{table}");
    assert!(find(&root, "#data-table script").is_none());
}

#[wasm_bindgen_test]
async fn a_runaway_query_is_stopped_and_writes_are_kept() {
    let root = mount_clean().await;
    fill(
        &root,
        "#sql-input",
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    )
    .await;
    click(&root, "#sql-run").await;
    let e = get(&root, "#sql-error");
    assert_eq!(e.get_attribute("role").as_deref(), Some("alert"));
    assert!(e.text_content().unwrap().contains("Stopped"));

    fill(
        &root,
        "#sql-input",
        "UPDATE posts SET title = 'Edited in the console' WHERE id = 1",
    )
    .await;
    click(&root, "#sql-run").await;
    assert!(text(&root, "#sql-summary").contains("1 row changed"));
    let saved = storage().get_item(KEY).unwrap().expect("saved");
    assert!(saved.contains("Edited in the console"));
    run_preset(&root, HOME).await;
    click(&root, "#browse-posts").await;
    assert!(text(&root, "#data-table").contains("Edited in the console"));
}

#[wasm_bindgen_test]
async fn corrupt_storage_gives_a_message_the_defaults_and_a_download() {
    storage()
        .set_item(KEY, "{\"version\":1,\"scenario\":{oops")
        .unwrap();
    let root = mount().await;
    let msg = get(&root, "#storage-message");
    assert_eq!(msg.get_attribute("role").as_deref(), Some("alert"));
    let t = msg.text_content().unwrap();
    assert!(
        t.contains("not valid JSON") && t.contains("seed stack"),
        "{t}"
    );
    let link = get(&root, "#storage-backup");
    assert!(link.get_attribute("href").unwrap().starts_with("blob:"));
    assert!(link.has_attribute("download"));
    assert!(storage().get_item(KEY).unwrap().is_none());
    assert_eq!(
        all(&root, "#zone-records tbody tr").len(),
        2,
        "the defaults"
    );
    visit(&root, HOME).await;
    assert!(text(&root, "#preview-status").contains("200"));
}

#[wasm_bindgen_test]
async fn a_saved_stack_comes_back_and_reset_forgets_it() {
    let root = mount_clean().await;
    fill(&root, "#loc-modifier", "=").await;
    fill(&root, "#loc-pattern", "/about").await;
    fill(&root, "#loc-action", "return").await;
    fill(&root, "#loc-argument", "410 Gone").await;
    click(&root, "#loc-submit").await;
    assert!(find(&root, "#location-error").is_none());
    assert_eq!(all(&root, "#nginx-locations li").len(), 5);

    // A second app (a reload) starts from the saved stack.
    let again = mount().await;
    assert_eq!(all(&again, "#nginx-locations li").len(), 5);
    visit(&again, "http://www.foobar.com/about").await;
    assert!(text(&again, "#preview-status").contains("410"));

    click(&again, "#reset-stack").await;
    assert_eq!(all(&again, "#nginx-locations li").len(), 4);
    assert!(storage().get_item(KEY).unwrap().is_none());
    to_end(&again).await;
    assert!(text(&again, "#preview-status").contains("200"));
}

#[wasm_bindgen_test]
async fn faults_survive_an_edit_and_dns_faults_block_edits() {
    let root = mount_clean().await;
    run_preset(&root, HOME).await;
    click(&root, "#fault-app-stop").await;
    assert_eq!(
        get(&root, "#fault-app-stop")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    fill(&root, "#loc-pattern", "/gone").await;
    fill(&root, "#loc-argument", "410 Gone").await;
    click(&root, "#loc-submit").await;
    assert!(find(&root, "#location-error").is_none());
    // The app is still stopped in the rebuilt world, and the saved stack is
    // the world as built (the fault is not saved).
    assert_eq!(
        get(&root, "#fault-app-stop")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    to_end(&root).await;
    assert!(text(&root, "#preview-status").contains("502"));
    let saved = storage().get_item(KEY).unwrap().expect("saved");
    assert!(
        saved.contains("/gone") && !saved.contains("Stopped"),
        "{saved}"
    );
    click(&root, "#restore-all").await;
    to_end(&root).await;
    assert!(text(&root, "#preview-status").contains("200"));
    assert_eq!(all(&root, "#nginx-locations li").len(), 5, "the edit stays");

    // With the DNS records deleted, edits wait for the repair.
    click(&root, "#fault-dns-missing").await;
    assert!(text(&root, "#editors-blocked").contains("DNS fault"));
    fill(&root, "#upstream", "127.0.0.1:9000").await;
    click(&root, "#upstream-submit").await;
    assert!(text(&root, "#upstream-error").contains("DNS fault"));
}
