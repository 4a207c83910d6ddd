//! Small form helpers shared by the editors: labelled fields bound to state,
//! and inline messages. Every value is rendered through Yew (escaped).

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Keeps `state` equal to what is typed in an `<input>` or `<textarea>`.
pub fn on_text(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            state.set(i.value());
        } else if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
            state.set(t.value());
        }
    })
}

/// Keeps `state` equal to the chosen `<option>`.
pub fn on_select(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            state.set(s.value());
        }
    })
}

/// A labelled one-line text field.
pub fn text(id: &'static str, label: &'static str, state: &UseStateHandle<String>) -> Html {
    text_with(id, label, state, "", "text")
}

/// A labelled text field with a placeholder and an `inputmode`.
pub fn text_with(
    id: &'static str,
    label: &'static str,
    state: &UseStateHandle<String>,
    placeholder: &'static str,
    inputmode: &'static str,
) -> Html {
    html! {
        <div class="ed-field">
            <label for={id}>{ label }</label>
            <input type="text" id={id} value={(**state).clone()} oninput={on_text(state)}
                placeholder={placeholder} inputmode={inputmode}
                autocomplete="off" spellcheck="false" />
        </div>
    }
}

/// A labelled multi-line text field.
pub fn textarea(
    id: &'static str,
    label: &'static str,
    state: &UseStateHandle<String>,
    rows: u32,
) -> Html {
    html! {
        <div class="ed-field wide">
            <label for={id}>{ label }</label>
            <textarea id={id} rows={rows.to_string()} value={(**state).clone()}
                oninput={on_text(state)} spellcheck="false" />
        </div>
    }
}

/// A labelled `<select>` of `(value, label)` options.
pub fn select(
    id: &'static str,
    label: &'static str,
    options: &[(String, String)],
    state: &UseStateHandle<String>,
) -> Html {
    html! {
        <div class="ed-field">
            <label for={id}>{ label }</label>
            <select id={id} onchange={on_select(state)}>
                { for options.iter().map(|(v, l)| html! {
                    <option value={v.clone()} selected={**state == *v}>{ l.clone() }</option>
                }) }
            </select>
        </div>
    }
}

/// An inline error (`role=alert`), present in the DOM only when there is one.
pub fn alert(id: &'static str, message: &Option<String>) -> Html {
    match message {
        Some(m) => html! { <p id={id} class="ed-error" role="alert">{ m.clone() }</p> },
        None => html! {},
    }
}

/// A submit handler that never lets the browser navigate.
pub fn on_submit(cb: Callback<()>) -> Callback<SubmitEvent> {
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        cb.emit(());
    })
}
