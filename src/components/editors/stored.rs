//! The stack kept in this browser, in the page's first module: loaded at start, saved after every accepted change, and a note (with the old data as a download) when it cannot be read or saved.
//!
//! The editors themselves are drawn by the second module, which may load
//! much later (or never, if the learner does not scroll down): the stored
//! stack must not wait for them. The note is shown with the editors
//! (`EditorState::storage`).

use gloo::file::{Blob, ObjectUrl};
use stackscope_core::session::Origin;
use stackscope_core::stored::JsonForm;
use stackscope_core::Scenario;
use yew::prelude::*;

use super::persist;
use crate::panels::editors::StorageNote;
use crate::state::{base_of, Action, EditorState, Shared};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The running world (faults included).
    pub world: Shared<Scenario>,
    pub editor: EditorState,
    /// Sends `Load`, `Encode` and `StorageNote` to the app's reducer.
    pub on_action: Callback<Action>,
    /// The session came from a deep link: its world wins over the stored one.
    #[prop_or_default]
    pub skip_stored: bool,
}

/// Runs `on_answer` for each answer of the server that arrives while the
/// component is mounted; the one there at mount is old.
#[hook]
pub fn use_answer<T: 'static>(answer: Option<Shared<T>>, on_answer: impl Fn(&T) + 'static) {
    let handled = use_mut_ref(|| answer.clone());
    use_effect_with(answer, move |answer| {
        if *handled.borrow() != *answer {
            *handled.borrow_mut() = answer.clone();
            if let Some(a) = answer {
                on_answer(a);
            }
        }
    });
}

/// Why the stack was not saved in this browser (no old data to download).
fn not_saved(message: &str) -> Action {
    Action::StorageNote(Some(StorageNote {
        message: format!("Not saved in this browser: {message}"),
        backup: None,
    }))
}

/// Keeps the stack in this browser; draws nothing.
#[component]
pub fn StoredStack(props: &Props) -> Html {
    // The old data's download, alive while its note may show.
    let backup = use_mut_ref(|| None::<ObjectUrl>);

    // At start: have the server read the stored stack (a refusal says why
    // it cannot be loaded). A deep link wins; if it turns out broken,
    // `skip_stored` drops to false and the stored stack loads then (once).
    let stored_raw = use_mut_ref(|| None::<String>);
    {
        let on_action = props.on_action.clone();
        let stored_raw = stored_raw.clone();
        let loaded = use_mut_ref(|| false);
        use_effect_with(props.skip_stored, move |skip| {
            if *skip || std::mem::replace(&mut *loaded.borrow_mut(), true) {
                return;
            }
            if let Some(raw) = persist::load_raw() {
                *stored_raw.borrow_mut() = Some(raw.clone());
                on_action.emit(Action::Load {
                    text: raw,
                    origin: Origin::Stored,
                });
            }
        });
    }

    // Unreadable: the stored stack is forgotten, and kept as a download.
    {
        let on_action = props.on_action.clone();
        let backup = backup.clone();
        use_answer(props.editor.unreadable.clone(), move |(origin, message)| {
            if *origin != Origin::Stored {
                return;
            }
            let raw = stored_raw.borrow_mut().take().unwrap_or_default();
            persist::remove();
            let url = ObjectUrl::from(Blob::new_with_options(
                raw.as_str(),
                Some("application/json"),
            ));
            let link = url.to_string();
            *backup.borrow_mut() = Some(url);
            on_action.emit(Action::StorageNote(Some(StorageNote {
                message: format!(
                    "{message} The seed stack is in use instead. \
                     Your previous data is kept in the download below."
                ),
                backup: Some(link),
            })));
        });
    }

    // After every accepted change: save (or forget, after a reset). The
    // server writes the stored form; the answer below keeps it.
    {
        let world = props.world.clone();
        let origin = props.editor.origin;
        let on_action = props.on_action.clone();
        use_effect_with(props.editor.rev, move |rev| {
            if *rev > 0 {
                match origin {
                    Origin::Reset => persist::remove(),
                    Origin::Edit | Origin::Import => match base_of(&world) {
                        Ok(base) => {
                            on_action.emit(Action::Encode(Box::new(base), JsonForm::Stored))
                        }
                        Err(message) => on_action.emit(not_saved(&message)),
                    },
                    Origin::Stored | Origin::None => {}
                }
            }
        });
    }
    {
        let on_action = props.on_action.clone();
        use_answer(props.editor.json.clone(), move |(form, text)| {
            if *form == JsonForm::Stored {
                if let Err(message) = persist::save(text) {
                    on_action.emit(not_saved(&message));
                }
            }
        });
    }
    html! {}
}
