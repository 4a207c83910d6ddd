//! One record's form, as every editor has them: the fields being typed (one
//! struct), which record they change (`None`: a new one) and the inline
//! error, in one reducer, with the fields, Edit, Cancel and the alert bound to
//! it. A handler never works from a stale copy of a field, and "clear" is one
//! message, not a reset per field.

use std::cell::RefCell;
use std::rc::Rc;

use stackscope_core::edit::Edit;
use yew::prelude::*;

use crate::components::editors::{form, Pending};

/// Reaches one text field of a form's struct.
pub type Field<F> = fn(&mut F) -> &mut String;

/// What a form holds.
#[derive(Clone, PartialEq)]
pub struct Draft<F, K> {
    pub fields: F,
    /// The record being changed; `None` while a new one is typed.
    pub editing: Option<K>,
    pub error: Option<String>,
}

pub enum DraftMsg<F, K> {
    Set(Field<F>, String),
    /// Load a record into the form.
    Edit(K, F),
    /// Back to a blank form for a new record.
    Clear(F),
    Fail(Option<String>),
}

impl<F: Clone, K: Clone> Reducible for Draft<F, K> {
    type Action = DraftMsg<F, K>;

    fn reduce(self: Rc<Self>, msg: Self::Action) -> Rc<Self> {
        let mut d = (*self).clone();
        match msg {
            DraftMsg::Set(field, v) => *field(&mut d.fields) = v,
            DraftMsg::Edit(k, f) => {
                d.fields = f;
                d.editing = Some(k);
                d.error = None;
            }
            DraftMsg::Clear(blank) => {
                d.fields = blank;
                d.editing = None;
                d.error = None;
            }
            DraftMsg::Fail(e) => d.error = e,
        }
        Rc::new(d)
    }
}

/// A form bound to its reducer, and the blank record a cleared form shows.
pub struct RecordForm<F: Clone + PartialEq + 'static, K: Clone + PartialEq + 'static> {
    draft: UseReducerHandle<Draft<F, K>>,
    blank: Rc<RefCell<F>>,
}

impl<F: Clone + PartialEq + 'static, K: Clone + PartialEq + 'static> Clone for RecordForm<F, K> {
    fn clone(&self) -> Self {
        RecordForm {
            draft: self.draft.clone(),
            blank: self.blank.clone(),
        }
    }
}

/// A form whose cleared state is `blank` (as of the latest render).
#[hook]
pub fn use_record_form<F, K>(blank: F) -> RecordForm<F, K>
where
    F: Clone + PartialEq + 'static,
    K: Clone + PartialEq + 'static,
{
    let draft = {
        let first = blank.clone();
        use_reducer(move || Draft {
            fields: first,
            editing: None,
            error: None,
        })
    };
    let stored = use_mut_ref(|| blank.clone());
    *stored.borrow_mut() = blank;
    RecordForm {
        draft,
        blank: stored,
    }
}

impl<F: Clone + PartialEq + 'static, K: Clone + PartialEq + 'static> RecordForm<F, K> {
    pub fn fields(&self) -> &F {
        &self.draft.fields
    }

    pub fn editing(&self) -> Option<K> {
        self.draft.editing.clone()
    }

    /// The value of one text field.
    pub fn get(&self, field: Field<F>) -> String {
        let mut f = self.draft.fields.clone();
        field(&mut f).clone()
    }

    pub fn clear(&self) {
        self.draft
            .dispatch(DraftMsg::Clear(self.blank.borrow().clone()));
    }

    pub fn fail(&self, message: impl Into<String>) {
        self.draft.dispatch(DraftMsg::Fail(Some(message.into())));
    }

    /// Sends `e` to be applied: once the server accepts it the form is
    /// cleared, otherwise it says why and keeps what was typed.
    pub fn apply(&self, pending: &Pending, e: Edit) {
        let form = self.clone();
        pending.send(e, move |outcome| match outcome {
            Ok(()) => form.clear(),
            Err(m) => form.fail(m),
        });
    }

    /// Sends an edit that moves or removes records: the error is shown or
    /// cleared, and a record being changed is let go (it is no longer at its
    /// place), while what is typed for a new one stays.
    pub fn apply_around(&self, pending: &Pending, e: Edit) {
        let form = self.clone();
        // Whether a record was being changed when the edit was sent.
        let editing = self.draft.editing.is_some();
        pending.send(e, move |outcome| match outcome {
            Ok(()) if editing => form.clear(),
            Ok(()) => form.draft.dispatch(DraftMsg::Fail(None)),
            Err(m) => form.fail(m),
        });
    }

    /// Loads `fields` as record `key` when clicked.
    pub fn on_edit(&self, key: K, fields: F) -> Callback<MouseEvent> {
        let draft = self.draft.clone();
        Callback::from(move |_: MouseEvent| {
            draft.dispatch(DraftMsg::Edit(key.clone(), fields.clone()))
        })
    }

    pub fn on_cancel(&self) -> Callback<MouseEvent> {
        let form = self.clone();
        Callback::from(move |_: MouseEvent| form.clear())
    }

    /// Runs `submit` with the form as it is now (the browser never navigates).
    pub fn on_submit(&self, submit: impl Fn(&RecordForm<F, K>) + 'static) -> Callback<SubmitEvent> {
        let form = self.clone();
        form::on_submit(Callback::from(move |()| submit(&form)))
    }

    fn on_value<E: AsRef<web_sys::Event>>(&self, field: Field<F>) -> Callback<E> {
        let draft = self.draft.clone();
        Callback::from(move |e: E| {
            if let Some(v) = form::value_of(e.as_ref()) {
                draft.dispatch(DraftMsg::Set(field, v));
            }
        })
    }

    /// A labelled one-line text field.
    pub fn text(&self, id: &'static str, label: &'static str, field: Field<F>) -> Html {
        self.text_with(id, label, field, "", "text")
    }

    /// A labelled text field with a placeholder and an `inputmode`.
    pub fn text_with(
        &self,
        id: &'static str,
        label: &'static str,
        field: Field<F>,
        placeholder: &'static str,
        inputmode: &'static str,
    ) -> Html {
        form::text_field(
            id,
            label,
            self.get(field),
            self.on_value(field),
            placeholder,
            inputmode,
        )
    }

    /// A labelled multi-line text field.
    pub fn textarea(
        &self,
        id: &'static str,
        label: &'static str,
        field: Field<F>,
        rows: u32,
    ) -> Html {
        form::textarea_field(id, label, self.get(field), self.on_value(field), rows)
    }

    /// A labelled `<select>` of `(value, label)` options.
    pub fn select(
        &self,
        id: &'static str,
        label: &'static str,
        options: &[(String, String)],
        field: Field<F>,
    ) -> Html {
        form::select_field(id, label, options, &self.get(field), self.on_value(field))
    }

    /// Submit ("Add record", "Save record" while one is changed) and, while
    /// one is changed, Cancel: buttons `{prefix}-submit` and `{prefix}-cancel`.
    pub fn buttons(&self, prefix: &'static str, noun: &'static str) -> Html {
        let editing = self.draft.editing.is_some();
        html! {
            <div class="ed-buttons">
                <button type="submit" id={format!("{prefix}-submit")}>
                    { format!("{} {noun}", if editing { "Save" } else { "Add" }) }
                </button>
                if editing {
                    <button type="button" id={format!("{prefix}-cancel")} onclick={self.on_cancel()}>
                        { "Cancel" }
                    </button>
                }
            </div>
        }
    }

    /// The form's inline error, present only when there is one.
    pub fn alert(&self, id: &'static str) -> Html {
        form::alert(id, &self.draft.error)
    }
}
