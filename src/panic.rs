//! Panic handling: log to the console and reveal the "Something went wrong" panel.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Installs the panic hook (through Yew, so its renderer keeps it) and wires
/// the panel's Reload button. Never uses inline scripts.
pub fn install() {
    install_hook();
    wire_reload_button();
}

/// The hook alone (the page's second module: the first has wired the button).
pub fn install_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_panel();
    }));
}

/// Un-hides `#panic-panel`, if the page has one.
pub fn show_panel() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(panel) = doc.get_element_by_id("panic-panel") {
        let _ = panel.remove_attribute("hidden");
    }
}

fn wire_reload_button() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(button) = doc.get_element_by_id("panic-reload") else {
        return;
    };
    let reload = Closure::<dyn FnMut()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    reload.forget();
}
