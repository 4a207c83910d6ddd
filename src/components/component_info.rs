//! The short explanation of one component's role, opened from the diagram.

use stackscope_core::Component;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::format::{component_id, component_role};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub component: Component,
    pub on_close: Callback<()>,
}

#[component]
pub fn ComponentInfo(props: &Props) -> Html {
    let close_ref = use_node_ref();
    {
        // Move focus to the panel's close button when it opens (or changes).
        let close_ref = close_ref.clone();
        use_effect_with(props.component, move |_| {
            if let Some(button) = close_ref.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    // Closing gives focus back to the component's box on the diagram.
    let close = {
        let cb = props.on_close.clone();
        let id = component_id(props.component);
        Callback::from(move |()| {
            let selector = format!("svg#diagram g.component[data-component=\"{id}\"]");
            if let Ok(Some(el)) = gloo::utils::document().query_selector(&selector) {
                let _ = el.unchecked_into::<HtmlElement>().focus();
            }
            cb.emit(());
        })
    };
    let onclick = close.reform(|_: MouseEvent| ());
    let onkeydown = {
        let close = close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                close.emit(());
            }
        })
    };
    html! {
        <aside id="component-info" class="component-info" aria-labelledby="component-info-title" onkeydown={onkeydown}>
            <h3 id="component-info-title">{ props.component.label() }</h3>
            <p>{ component_role(props.component) }</p>
            <button type="button" id="component-info-close" ref={close_ref} onclick={onclick}>
                { "Close" }
            </button>
        </aside>
    }
}
