//! A short labelled text field of the time-of-day panels (when to deploy, backups), and the hook that brings a linked panel into view.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub on_input: Callback<String>,
}

/// The label above, the text below; what is typed is kept as typed.
#[component]
pub fn DayField(props: &Props) -> Html {
    let oninput = {
        let cb = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let el: web_sys::HtmlInputElement = e.target_unchecked_into();
            cb.emit(el.value());
        })
    };
    html! {
        <label class="day-field">
            <span>{ props.label.clone() }</span>
            <input id={props.id.clone()} type="text" inputmode="decimal" value={props.value.clone()} {oninput}
                autocomplete="off" spellcheck="false" />
        </label>
    }
}

/// Once drawn, scrolls the element `id` into view when the page was opened
/// by a link to it.
#[hook]
pub fn use_into_view_when_linked(id: &'static str, linked: bool) {
    use_effect_with((), move |_| {
        if linked {
            if let Some(el) = gloo::utils::document().get_element_by_id(id) {
                el.scroll_into_view();
            }
        }
    });
}

/// Scrolls the element `id` into view again when `arrived` first becomes
/// true on a page opened by a link to it: what the link asked for came
/// from the worker, and the sections above may have changed size meanwhile
/// (they are laid out only near the window).
#[hook]
pub fn use_into_view_when_linked_result(id: &'static str, linked: bool, arrived: bool) {
    let done = use_mut_ref(|| false);
    use_effect_with(arrived, move |arrived| {
        if linked && *arrived && !std::mem::replace(&mut *done.borrow_mut(), true) {
            if let Some(el) = gloo::utils::document().get_element_by_id(id) {
                el.scroll_into_view();
            }
        }
    });
}

/// A panel opened by a link that asks for a run: it is scrolled into view
/// once drawn and again when the result first arrives, and `on_run` is sent
/// the link's settings once.
#[hook]
pub fn use_linked_run<T: Clone + 'static>(
    id: &'static str,
    link: Option<T>,
    arrived: bool,
    on_run: Callback<T>,
) {
    use_into_view_when_linked(id, link.is_some());
    use_into_view_when_linked_result(id, link.is_some(), arrived);
    use_effect_with((), move |_| {
        if let Some(settings) = link {
            on_run.emit(settings);
        }
    });
}

/// A [`DayField`] editing one text of a form kept in `state`.
pub fn form_field<F: Clone + 'static>(
    state: &UseStateHandle<F>,
    id: &'static str,
    label: &'static str,
    value: String,
    set: fn(&mut F, String),
) -> Html {
    let state = state.clone();
    let on_input = Callback::from(move |v: String| {
        let mut next = (*state).clone();
        set(&mut next, v);
        state.set(next);
    });
    html! { <DayField id={id} label={label} value={value} {on_input} /> }
}
