//! The address bar: a form with the URL input, the Go button and the inline error.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The text in the input.
    pub value: AttrValue,
    /// Why the last address was rejected.
    pub error: Option<AttrValue>,
    pub on_input: Callback<String>,
    /// Runs the pipeline with the input's text.
    pub on_submit: Callback<String>,
}

#[component]
pub fn UrlBar(props: &Props) -> Html {
    let input_ref = use_node_ref();
    let oninput = {
        let cb = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    let onsubmit = {
        let cb = props.on_submit.clone();
        let input_ref = input_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                cb.emit(input.value());
            }
        })
    };
    let invalid = props.error.is_some();
    html! {
        <form id="url-form" class="url-form" onsubmit={onsubmit} novalidate=true>
            <label for="url-input">{ "Address" }</label>
            <div class="url-row">
                <input
                    id="url-input"
                    ref={input_ref}
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    value={props.value.clone()}
                    oninput={oninput}
                    aria-invalid={if invalid { "true" } else { "false" }}
                    aria-describedby="url-error"
                />
                <button type="submit" id="go">{ "Go" }</button>
            </div>
            <p id="url-error" class="url-error" role="alert" hidden={!invalid}>
                if let Some(reason) = &props.error {
                    { reason }
                }
            </p>
        </form>
    }
}
