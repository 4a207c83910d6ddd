//! DOM helpers shared by the app's browser tests (wasm-bindgen-test).
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

pub fn get(root: &Element, selector: &str) -> Element {
    find(root, selector).unwrap_or_else(|| panic!("no element matches {selector}"))
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.dyn_into::<Element>().unwrap())
        .collect()
}

pub fn text(root: &Element, selector: &str) -> String {
    get(root, selector).text_content().unwrap_or_default()
}

/// Clicks the element and lets Yew render the result.
pub async fn click(root: &Element, selector: &str) {
    get(root, selector).unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
}

/// The simulated server on the test's thread: the same `Session` the app's
/// worker runs, replying at once (so `flush()` is all a test waits for).
pub fn in_process() -> stackscope::backend::Connect {
    use stackscope::backend::{Connect, Send};
    use stackscope_core::session::{Reply, Session};
    use std::cell::RefCell;
    use std::rc::Rc;
    Connect(Rc::new(|on_reply: yew::Callback<Reply>| {
        let session = RefCell::new(Session::new());
        Rc::new(move |command| {
            let reply = session.borrow_mut().handle(command);
            on_reply.emit(reply);
        }) as Send
    }))
}

/// The app as the tests drive it: the server in-process, every panel at
/// once, and autoplay off (the test steps through traces itself).
pub fn test_props() -> stackscope::AppProps {
    stackscope::AppProps {
        autoplay: false,
        connect: in_process(),
        defer_panels: false,
        first_request: false,
        ..stackscope::AppProps::default()
    }
}

/// Mounts the app with `props` in a div of its own and lets it render.
pub async fn mount_app(props: stackscope::AppProps) -> Element {
    let doc = gloo::utils::document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<stackscope::App>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

/// Which build is measured: the test command names it (`STACKSCOPE_BUILD`:
/// the worker's profile or the page's), else debug or release.
pub fn build_name() -> &'static str {
    match option_env!("STACKSCOPE_BUILD") {
        Some(name) => name,
        None if cfg!(debug_assertions) => "debug build",
        None => "release build",
    }
}

/// Waits (10 ms at a time, at most 5 s) until `selector` matches in `root`:
/// what the second module's panels draw comes a few frames after the app.
pub async fn until(root: &Element, selector: &str) -> Element {
    for _ in 0..500 {
        if let Some(el) = find(root, selector) {
            return el;
        }
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(wait).await.unwrap();
        yew::scheduler::flush().await;
    }
    panic!("nothing matched {selector} within 5 s")
}

/// The app's props with the second module's panels mounted in the test's
/// module (the test page has no second module to import).
pub fn with_panels(props: stackscope::AppProps) -> stackscope::AppProps {
    stackscope::AppProps {
        panels_here: Some(stackscope::panels::host::MountHere(std::rc::Rc::new(
            stackscope::panels::root::mount_here,
        ))),
        ..props
    }
}
