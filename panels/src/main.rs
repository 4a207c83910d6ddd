//! The page's second WebAssembly module: mounts the panels of `stackscope::panels::root` where the first module asks, and talks to it in postcard bytes.
//!
//! Trunk builds it as `panels.js` + `panels_bg.wasm` (`index.html`, a
//! `data-type="worker"` asset with ES-module glue: nothing is injected into
//! the page); `assets/loader.js` imports it when the first module asks
//! (when the learner comes near the panels).

use stackscope::panels::root::Here;
use stackscope::panels::FromPanels;
use stackscope_core::session::wire;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

fn main() {}

/// The mounted panels: the first module sends through `send` and ends them with `unmount`.
#[wasm_bindgen]
pub struct Mounted(Here);

#[wasm_bindgen]
impl Mounted {
    /// A [`stackscope::panels::ToPanels`], as postcard bytes.
    pub fn send(&self, bytes: &[u8]) {
        self.0.put(wire::decode_or_panic(bytes));
    }

    /// Takes the panels off the page (dropping it does).
    pub fn unmount(self) {}
}

#[component]
fn Nothing() -> Html {
    html! {}
}

/// Yew tells its apps apart by a number it writes on their elements
/// (`__yew_subtree_id`), counted from 1 in each WebAssembly module. An event
/// in these panels also passes the first module's app, which must see that
/// it is not its own: so this module's root takes a number past the first
/// module's (that app's root, `#app`, carries it), by starting empty apps on
/// detached elements until the count is there.
fn number_past_the_page() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let page = doc
        .get_element_by_id("app")
        .and_then(|app| js_sys::Reflect::get(&app, &"__yew_subtree_id".into()).ok())
        .and_then(|id| id.as_f64())
        .unwrap_or(1.0);
    for _ in 0..64 {
        let Ok(spare) = doc.create_element("div") else {
            return;
        };
        yew::Renderer::<Nothing>::with_root(spare.clone()).render();
        let id = js_sys::Reflect::get(&spare, &"__yew_subtree_id".into())
            .ok()
            .and_then(|id| id.as_f64())
            .unwrap_or(f64::MAX);
        if id >= page {
            return;
        }
    }
}

/// Mounts the panels in `host`; what they ask for goes to `to_page`, as postcard bytes of a [`FromPanels`].
#[wasm_bindgen]
pub fn mount(host: web_sys::Element, to_page: js_sys::Function) -> Mounted {
    stackscope::panic::install_hook();
    number_past_the_page();
    let out = Callback::from(move |m: FromPanels| {
        let bytes = js_sys::Uint8Array::from(wire::encode(&m).as_slice());
        let _ = to_page.call1(&JsValue::NULL, &bytes);
    });
    Mounted(Here::mount(host, out))
}
