//! Small form helpers shared by the editors: labelled fields (bound to a
//! state, or to a record form: `draft.rs`) and inline messages. Every value is rendered through Yew (escaped).

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What an `<input>`, `<textarea>` or `<select>` holds, from its event.
pub fn value_of(e: &Event) -> Option<String> {
    let t = e.target()?;
    if let Some(i) = t.dyn_ref::<HtmlInputElement>() {
        Some(i.value())
    } else if let Some(t2) = t.dyn_ref::<HtmlTextAreaElement>() {
        Some(t2.value())
    } else {
        t.dyn_ref::<HtmlSelectElement>().map(|s| s.value())
    }
}

/// Keeps `state` equal to what is typed in an `<input>` or `<textarea>`.
pub fn on_text(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(v) = value_of(&e) {
            state.set(v);
        }
    })
}

/// A labelled one-line text field showing `value`.
pub fn text_field(
    id: &'static str,
    label: &'static str,
    value: String,
    oninput: Callback<InputEvent>,
    placeholder: &'static str,
    inputmode: &'static str,
) -> Html {
    html! {
        <div class="ed-field">
            <label for={id}>{ label }</label>
            <input type="text" id={id} value={value} oninput={oninput}
                placeholder={placeholder} inputmode={inputmode}
                autocomplete="off" spellcheck="false" />
        </div>
    }
}

/// A labelled multi-line text field showing `value`.
pub fn textarea_field(
    id: &'static str,
    label: &'static str,
    value: String,
    oninput: Callback<InputEvent>,
    rows: u32,
) -> Html {
    html! {
        <div class="ed-field wide">
            <label for={id}>{ label }</label>
            <textarea id={id} rows={rows.to_string()} value={value}
                oninput={oninput} spellcheck="false" />
        </div>
    }
}

/// A labelled `<select>` of `(value, label)` options, `chosen` selected.
pub fn select_field(
    id: &'static str,
    label: &'static str,
    options: &[(String, String)],
    chosen: &str,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <div class="ed-field">
            <label for={id}>{ label }</label>
            <select id={id} onchange={onchange}>
                { for options.iter().map(|(v, l)| html! {
                    <option value={v.clone()} selected={chosen == v}>{ l.clone() }</option>
                }) }
            </select>
        </div>
    }
}

/// A labelled text field bound to `state`, with a placeholder and an `inputmode`.
pub fn text_with(
    id: &'static str,
    label: &'static str,
    state: &UseStateHandle<String>,
    placeholder: &'static str,
    inputmode: &'static str,
) -> Html {
    text_field(
        id,
        label,
        (**state).clone(),
        on_text(state),
        placeholder,
        inputmode,
    )
}

/// A labelled multi-line text field bound to `state`.
pub fn textarea(
    id: &'static str,
    label: &'static str,
    state: &UseStateHandle<String>,
    rows: u32,
) -> Html {
    textarea_field(id, label, (**state).clone(), on_text(state), rows)
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
