//! The first module's side: fetches the second module once, mounts its panels in an element of their own, and relays messages both ways.
//!
//! `assets/loader.js` defines `globalThis.stackscopePanels`, which imports
//! `panels.js` (the second module's glue, from the `panels/` crate) and
//! initialises `panels_bg.wasm`. Without it (a test page) the host says the
//! panels are not available, and nothing else changes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use stackscope_core::session::wire;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{FromPanels, ToPanels};
use crate::state::Shared;

#[wasm_bindgen]
extern "C" {
    /// loader.js's: resolves to the second module, initialised, once `near`
    /// comes near the viewport (at once when it is null).
    #[wasm_bindgen(js_namespace = globalThis, js_name = stackscopePanels, catch)]
    fn load_panels(near: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

/// Panels mounted in the first module itself, and how to send them a message.
pub trait Mounted {
    fn send(&self, message: &ToPanels);
}

/// Mounts the panels in the first module itself (the browser tests: their
/// page has no second module). The page never sets it, so its module
/// links none of the panels.
#[derive(Clone)]
pub struct MountHere(pub Rc<dyn Fn(web_sys::Element, Callback<FromPanels>) -> Box<dyn Mounted>>);

impl PartialEq for MountHere {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for MountHere {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MountHere")
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// What the panels show (sent again whenever it changes).
    pub message: Shared<ToPanels>,
    /// What they ask for.
    pub on_message: Callback<FromPanels>,
    /// Load at once (a panel's link, such as `#monitor=…`, opens its panel,
    /// or the page opened at one of their anchors), not when the learner
    /// comes near the panels.
    #[prop_or_default]
    pub eager: bool,
    /// Mount the panels here, at once, instead of importing the second module.
    #[prop_or_default]
    pub here: Option<MountHere>,
}

/// The mounted panels: the second module (its handle and the function it
/// answers through), or panels mounted here.
enum Line {
    Module(Module),
    Here(Box<dyn Mounted>),
}

impl Line {
    fn send(&self, message: &ToPanels) {
        match self {
            Line::Module(m) => m.send(message),
            Line::Here(h) => h.send(message),
        }
    }
}

struct Module {
    handle: JsValue,
    _to_page: Closure<dyn Fn(JsValue)>,
}

impl Module {
    fn call(&self, method: &str, arg: Option<&JsValue>) -> Result<JsValue, JsValue> {
        let f: js_sys::Function = js_sys::Reflect::get(&self.handle, &method.into())?.dyn_into()?;
        match arg {
            Some(a) => f.call1(&self.handle, a),
            None => f.call0(&self.handle),
        }
    }

    fn send(&self, message: &ToPanels) {
        let bytes = js_sys::Uint8Array::from(wire::encode(message).as_slice());
        let _ = self.call("send", Some(&bytes.into()));
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        let _ = self.call("unmount", None);
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    Mounted,
    Failed(String),
}

fn message_of(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Imports and initialises the second module once `near` is near the
/// viewport (`None`: at once), and mounts its root in `at`.
async fn open(
    at: web_sys::Element,
    near: Option<web_sys::Element>,
    on_message: Callback<FromPanels>,
) -> Result<Module, String> {
    let near = near.map_or(JsValue::NULL, JsValue::from);
    let promise = load_panels(&near)
        .map_err(|_| "this page has no second module (its loader did not run)".to_string())?;
    let module = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| message_of(&e))?;
    let to_page = Closure::<dyn Fn(JsValue)>::new(move |bytes: JsValue| {
        let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
        on_message.emit(wire::decode_or_panic(&bytes));
    });
    let mount: js_sys::Function = js_sys::Reflect::get(&module, &"mount".into())
        .and_then(|m| m.dyn_into())
        .map_err(|e| message_of(&e))?;
    let handle = mount
        .call2(&module, &at, to_page.as_ref())
        .map_err(|e| message_of(&e))?;
    Ok(Module {
        handle,
        _to_page: to_page,
    })
}

/// Where the second module's panels go, and the line to them.
#[component]
pub fn Host(props: &Props) -> Html {
    let at = use_node_ref();
    let near = use_node_ref();
    let phase = use_state(|| Phase::Loading);
    let line = use_mut_ref(|| None::<Line>);
    // The latest callback (the app's may change identity between renders).
    let on_message = crate::stable::use_stable(props.on_message.clone());
    {
        let (at, phase, line) = (at.clone(), phase.clone(), line.clone());
        let near = (!props.eager).then(|| near.clone());
        let here = props.here.clone();
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            match (at.cast::<web_sys::Element>(), here) {
                (Some(el), Some(here)) => {
                    *line.borrow_mut() = Some(Line::Here((here.0)(el, on_message)));
                    phase.set(Phase::Mounted);
                }
                (Some(el), None) => {
                    let (alive, line) = (alive.clone(), line.clone());
                    let near = near.and_then(|n| n.cast::<web_sys::Element>());
                    wasm_bindgen_futures::spawn_local(async move {
                        let opened = open(el, near, on_message).await;
                        if !alive.get() {
                            // Unmounted meanwhile: the line drops (and unmounts).
                            return;
                        }
                        match opened {
                            Ok(m) => {
                                *line.borrow_mut() = Some(Line::Module(m));
                                phase.set(Phase::Mounted);
                            }
                            Err(e) => phase.set(Phase::Failed(e)),
                        }
                    });
                }
                (None, _) => {}
            }
            move || {
                alive.set(false);
                drop(line.borrow_mut().take());
            }
        });
    }
    // Whatever the panels show, once they are there and whenever it changes.
    {
        let line: Rc<RefCell<Option<Line>>> = line.clone();
        use_effect_with(
            (props.message.clone(), *phase == Phase::Mounted),
            move |(message, _)| {
                if let Some(l) = &*line.borrow() {
                    l.send(message);
                }
            },
        );
    }
    html! {
        <div class="panels-host">
            {
                // Until the panels are there, their anchors are: a lesson's
                // link to them scrolls here, which loads them.
                match &*phase {
                    Phase::Loading => html! {
                        <>
                        <div id="sweep-panel" class="panels-anchor"></div>
                        <div id="deploy-panel" class="panels-anchor"></div>
                        <p id="load-panel" class="panels-status" ref={near}>
                            { "The availability sweep, the downtime panel, the maintenance window, the load simulation, the deploy pipeline, the monitoring dashboard, the backups and the editors load when you reach them…" }
                        </p>
                        <div id="day-panel" class="panels-anchor"></div>
                        <div id="pipeline-panel" class="panels-anchor"></div>
                        <div id="monitor-panel" class="panels-anchor"></div>
                        <div id="backup-panel" class="panels-anchor"></div>
                        <div id="mistake" class="panels-anchor"></div>
                        <div id="editors" class="panels-anchor"></div>
                        <div id="firewall-editor" class="panels-anchor"></div>
                        </>
                    },
                    Phase::Mounted => html! {},
                    Phase::Failed(e) => html! {
                        <p id="load-panel" class="panels-status init-error" role="alert">
                            { format!("✕ The availability sweep, the downtime panel, the maintenance window, the load simulation, the deploy pipeline, the monitoring dashboard, the backups and the editors could not load ({e}). Reload the page to try again.") }
                        </p>
                    },
                }
            }
            <div class="panels-root" ref={at}></div>
        </div>
    }
}
