//! The editors' share of the two modules' messages: what they show ([`EditorsIn`], packed by the first module), what they ask for ([`EditorAsk`]), and the second module's opened view of it ([`EditorView`]).
//!
//! The editors (zone, Nginx, firewall, data, SQL console, import and
//! export) are drawn by the second module, at the page's end. What the
//! page must do at start stays in the first: loading the stack kept in this
//! browser, and saving it after each accepted change
//! (`components::editors::stored`).

use serde::{Deserialize, Serialize};
use stackscope_core::edit::Edit;
use stackscope_core::firewall::view::Firewalls;
use stackscope_core::server::db::ConsoleResult;
use stackscope_core::session::wire::Packed;
use stackscope_core::session::{EditOutcome, Origin};
use stackscope_core::stored::JsonForm;
use stackscope_core::Scenario;

use crate::state::{Action, EditorState, Shared, State};

/// A problem with the stack kept in this browser, and a link to download
/// the old data (an object URL the first module keeps alive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageNote {
    pub message: String,
    pub backup: Option<String>,
}

/// What the editors show: the running world and the server's answers to
/// their requests. An export and a refused import are each numbered: the
/// second module acts on each one once (a download, a message), even when
/// two in a row are the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorsIn {
    /// The running world (faults included).
    pub world: Scenario,
    /// Why the latest replacement was refused.
    pub error: Option<String>,
    pub console: Option<Packed<ConsoleResult>>,
    pub browse: Option<(String, Packed<ConsoleResult>)>,
    /// The last exported stack as JSON.
    pub export: Option<(u32, String)>,
    /// Why the last imported file could not be read.
    pub import_refused: Option<(u32, String)>,
    pub outcome: Option<EditOutcome>,
    pub firewalls: Option<Packed<Firewalls>>,
    pub storage: Option<StorageNote>,
}

/// The editors' part of [`super::ToPanels`].
pub type EditorsBytes = Packed<EditorsIn>;

/// What the editors ask of the first module: each becomes the page's action
/// of the same name (its command for the server, or its note).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EditorAsk {
    Edit {
        tag: u32,
        edit: Edit,
    },
    Console(String),
    Browse(String),
    /// An imported file's text.
    Load {
        text: String,
        origin: Origin,
    },
    Encode(Box<Scenario>, JsonForm),
    Replace {
        scenario: Box<Scenario>,
        keep_faults: bool,
        origin: Origin,
    },
    /// The learner dismissed the storage note.
    Dismiss,
}

impl EditorAsk {
    /// The page's action.
    pub fn action(self) -> Action {
        match self {
            EditorAsk::Edit { tag, edit } => Action::Edit { tag, edit },
            EditorAsk::Console(sql) => Action::Console(sql),
            EditorAsk::Browse(table) => Action::Browse(table),
            EditorAsk::Load { text, origin } => Action::Load { text, origin },
            EditorAsk::Encode(scenario, form) => Action::Encode(scenario, form),
            EditorAsk::Replace {
                scenario,
                keep_faults,
                origin,
            } => Action::ReplaceScenario {
                scenario,
                keep_faults,
                origin,
            },
            EditorAsk::Dismiss => Action::StorageNote(None),
        }
    }
}

/// The first module's numbering of answers: a new one each time the state
/// holds a different answer (a new reply), the same while it holds it.
pub struct Numbering<T> {
    last: Option<Shared<T>>,
    count: u32,
}

impl<T> Default for Numbering<T> {
    fn default() -> Self {
        Numbering {
            last: None,
            count: 0,
        }
    }
}

impl<T> Numbering<T> {
    fn number(&mut self, answer: &Option<Shared<T>>) -> u32 {
        if *answer != self.last {
            self.last = answer.clone();
            self.count = self.count.wrapping_add(1);
        }
        self.count
    }
}

/// The numberings of the answers the second module acts on once.
#[derive(Default)]
pub struct Numberings {
    json: Numbering<(JsonForm, String)>,
    unreadable: Numbering<(Origin, String)>,
}

impl EditorsIn {
    /// The editors' part of the message, from the page's state.
    pub fn of(world: &Scenario, editor: &EditorState, numbers: &mut Numberings) -> EditorsIn {
        let export_n = numbers.json.number(&editor.json);
        let import_n = numbers.unreadable.number(&editor.unreadable);
        EditorsIn {
            world: world.clone(),
            error: editor.error.clone(),
            console: editor.console.clone(),
            browse: editor.browse.clone(),
            export: editor
                .json
                .as_ref()
                .filter(|j| j.0 .0 == JsonForm::Export)
                .map(|j| (export_n, j.0 .1.clone())),
            import_refused: editor
                .unreadable
                .as_ref()
                .filter(|u| u.0 .0 == Origin::Import)
                .map(|u| (import_n, u.0 .1.clone())),
            outcome: editor.outcome.as_ref().map(|o| (*o.0).clone()),
            firewalls: editor.firewalls.clone(),
            storage: editor.storage.clone(),
        }
    }
}

/// What the editors show, opened by the second module: each value keeps
/// its identity while it stays the same, so a form is not drawn again (nor
/// an answer acted on twice) for nothing.
#[derive(Clone, PartialEq)]
pub struct EditorView {
    pub world: Shared<Scenario>,
    pub error: Option<String>,
    pub console: Option<Shared<ConsoleResult>>,
    pub browse: Option<(String, Shared<ConsoleResult>)>,
    pub export: Option<(u32, Shared<String>)>,
    pub import_refused: Option<(u32, Shared<String>)>,
    pub outcome: Option<Shared<EditOutcome>>,
    pub firewalls: Option<Shared<Firewalls>>,
    pub storage: Option<StorageNote>,
}

/// The value held before while it is equal, else the new one.
fn keep<T: PartialEq>(before: Option<&Shared<T>>, now: T) -> Shared<T> {
    match before {
        Some(b) if *b.0 == now => b.clone(),
        _ => Shared::new(now),
    }
}

/// A packed answer, opened (`None` if it does not read back, which the
/// same build never sends), keeping the value held before while equal.
fn open_kept<T: PartialEq + serde::de::DeserializeOwned>(
    before: Option<&Shared<T>>,
    now: Option<Packed<T>>,
) -> Option<Shared<T>> {
    now.and_then(|p| p.open().ok()).map(|v| keep(before, v))
}

/// The answer held before while its number is the same.
fn keep_numbered(
    before: Option<&(u32, Shared<String>)>,
    now: Option<(u32, String)>,
) -> Option<(u32, Shared<String>)> {
    now.map(|(n, text)| match before {
        Some((m, b)) if *m == n => (n, b.clone()),
        _ => (n, Shared::new(text)),
    })
}

impl EditorView {
    /// Opens what arrived, keeping what did not change.
    pub fn open(before: Option<&EditorView>, now: EditorsIn) -> EditorView {
        EditorView {
            world: keep(before.map(|b| &b.world), now.world),
            error: now.error,
            console: open_kept(before.and_then(|b| b.console.as_ref()), now.console),
            browse: now.browse.and_then(|(table, rows)| {
                let old = before
                    .and_then(|b| b.browse.as_ref())
                    .filter(|(t, _)| *t == table)
                    .map(|(_, r)| r);
                Some((table, open_kept(old, Some(rows))?))
            }),
            export: keep_numbered(before.and_then(|b| b.export.as_ref()), now.export),
            import_refused: keep_numbered(
                before.and_then(|b| b.import_refused.as_ref()),
                now.import_refused,
            ),
            outcome: now
                .outcome
                .map(|o| keep(before.and_then(|b| b.outcome.as_ref()), o)),
            firewalls: open_kept(before.and_then(|b| b.firewalls.as_ref()), now.firewalls),
            storage: now.storage,
        }
    }
}

/// The message for the second module: the panels' state, with the editors'
/// part packed again only when the world or the editors' state changes, and
/// not at all before the panels are on the page (`shown`): packing the world
/// took 6 ms of the app's first render, its longest start-up task, in a
/// sampled trace, for panels that come four frames later.
#[yew::hook]
pub fn use_to_panels(state: &State, shown: bool) -> Shared<super::ToPanels> {
    let numbers = yew::use_mut_ref(Numberings::default);
    let editors = yew::use_memo(
        (shown, state.world.clone(), state.editor.clone()),
        move |(shown, world, editor)| {
            shown.then(|| Packed::new(&EditorsIn::of(world, editor, &mut numbers.borrow_mut())))
        },
    );
    let message = yew::use_memo((state.panels.clone(), editors), |(panels, editors)| {
        Shared::new(super::ToPanels {
            editors: (**editors).clone(),
            ..(*panels.0).clone()
        })
    });
    (*message).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackscope_core::seed::Design;

    fn state_with_export(text: &str) -> EditorState {
        EditorState {
            json: Some(Shared::new((JsonForm::Export, text.to_string()))),
            ..EditorState::default()
        }
    }

    #[test]
    fn each_export_is_numbered_anew_even_when_its_text_is_the_same() {
        let world = Design::OneServer.stack();
        let mut numbers = Numberings::default();
        let first = state_with_export("{}");
        let a = EditorsIn::of(&world, &first, &mut numbers);
        let again = EditorsIn::of(&world, &first, &mut numbers);
        assert_eq!(a.export, again.export, "the same answer keeps its number");
        let b = EditorsIn::of(&world, &state_with_export("{}"), &mut numbers);
        assert_ne!(a.export, b.export, "a new answer, same text: a new number");

        let opened_a = EditorView::open(None, a.clone());
        let same = EditorView::open(Some(&opened_a), a);
        assert!(same == opened_a, "nothing changed: the same values");
        let opened_b = EditorView::open(Some(&opened_a), b);
        assert!(
            opened_b.export != opened_a.export,
            "a new export is acted on"
        );
        assert!(
            opened_b.world == opened_a.world,
            "the world kept its identity"
        );
    }

    #[test]
    fn a_stored_stack_answer_is_not_the_editors() {
        let world = Design::OneServer.stack();
        let editor = EditorState {
            json: Some(Shared::new((JsonForm::Stored, "{}".into()))),
            unreadable: Some(Shared::new((Origin::Stored, "bad".into()))),
            ..EditorState::default()
        };
        let m = EditorsIn::of(&world, &editor, &mut Numberings::default());
        assert_eq!(m.export, None);
        assert_eq!(m.import_refused, None);
    }

    #[test]
    fn every_ask_is_the_page_action_of_its_name() {
        let ask = EditorAsk::Browse("posts".into());
        assert_eq!(ask.action(), Action::Browse("posts".into()));
        assert_eq!(EditorAsk::Dismiss.action(), Action::StorageNote(None));
    }
}
