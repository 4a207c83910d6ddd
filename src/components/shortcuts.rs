//! Keyboard shortcuts (space play/pause, ←/→ step, Home/End, 1–9 and 0
//! for lessons, P presenter mode), their legend, and the presenter switch.
//! Keys typed into a field, or already handled by a control (the examples
//! toolbar's arrows), are left alone.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    TogglePlay,
    Back,
    Forward,
    First,
    Last,
    /// A lesson by index (0-based).
    Lesson(usize),
    Presenter,
}

/// The shortcut for a key name, if any (`1`–`9` open lessons 1–9, `0` lesson 10).
pub fn key(name: &str) -> Option<Key> {
    Some(match name {
        " " | "Spacebar" => Key::TogglePlay,
        "ArrowLeft" => Key::Back,
        "ArrowRight" => Key::Forward,
        "Home" => Key::First,
        "End" => Key::Last,
        "p" | "P" => Key::Presenter,
        "0" => Key::Lesson(9),
        d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => {
            Key::Lesson(usize::from(d.as_bytes()[0] - b'1'))
        }
        _ => return None,
    })
}

/// True when the key belongs to what has the focus: a field, a select, a
/// slider, or (for space) a button or link it would press.
fn belongs_to_target(e: &KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    if matches!(tag.as_str(), "input" | "textarea" | "select")
        || el
            .closest("[contenteditable], [role=toolbar], [role=tablist]")
            .ok()
            .flatten()
            .is_some()
    {
        return true;
    }
    e.key() == " " && matches!(tag.as_str(), "button" | "a" | "summary")
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_key: Callback<Key>,
}

/// Listens on the document while mounted; renders nothing.
#[component]
pub fn Shortcuts(props: &Props) -> Html {
    // One listener for the component's life; it calls the latest render's
    // callback (the parent makes a new one each render), so it never acts
    // on an old render's state and is not re-registered on every render.
    let latest = use_mut_ref(|| props.on_key.clone());
    *latest.borrow_mut() = props.on_key.clone();
    use_effect_with((), move |_| {
        let listener = gloo::utils::window().document().map(|doc| {
            // Not passive: a handled key's default (scrolling) is prevented.
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&doc, "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if e.default_prevented()
                    || e.ctrl_key()
                    || e.meta_key()
                    || e.alt_key()
                    || belongs_to_target(e)
                {
                    return;
                }
                if let Some(k) = key(&e.key()) {
                    e.prevent_default();
                    let on_key = latest.borrow().clone();
                    on_key.emit(k);
                }
            })
        });
        move || drop(listener)
    });
    Html::default()
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub presenter: bool,
    pub on_presenter: Callback<bool>,
}

#[derive(Properties, PartialEq)]
pub struct LessonsButtonProps {
    pub on_msg: Callback<crate::lessons::LessonMsg>,
}

/// The way into the lessons, beside the intro sentence (which an open lesson replaces).
#[component]
pub fn LessonsButton(props: &LessonsButtonProps) -> Html {
    let cb = props.on_msg.clone();
    let start = Callback::from(move |_: MouseEvent| cb.emit(crate::lessons::LessonMsg::Open(0, 0)));
    html! {
        <button type="button" id="lessons-start" onclick={start}>{ "New here? Lessons" }</button>
    }
}

/// The shortcuts, on screen under the diagram, and the presenter switch.
#[component]
pub fn Legend(props: &LegendProps) -> Html {
    let on = props.presenter;
    let cb = props.on_presenter.clone();
    html! {
        <p id="shortcuts" class="shortcuts">
            <span class="shortcut-keys">
                { "Keys: " }
                <kbd>{ "Space" }</kbd>{ " play · " }
                <kbd>{ "←" }</kbd><kbd>{ "→" }</kbd>{ " step · " }
                <kbd>{ "Home" }</kbd><kbd>{ "End" }</kbd>{ " · " }
                <kbd>{ "1" }</kbd>{ "–" }<kbd>{ "9" }</kbd><kbd>{ "0" }</kbd>{ " lessons · " }
                <kbd>{ "P" }</kbd>{ " presenter" }
            </span>
            <button type="button" id="presenter" aria-pressed={on.to_string()}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(!on))}>
                { "Presenter mode" }
            </button>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key(" "), Some(Key::TogglePlay));
        assert_eq!(key("1"), Some(Key::Lesson(0)));
        assert_eq!(key("9"), Some(Key::Lesson(8)));
        assert_eq!(key("0"), Some(Key::Lesson(9)));
        assert_eq!(key("End"), Some(Key::Last));
        assert_eq!(key("x"), None);
        assert_eq!(key("F1"), None);
    }
}
