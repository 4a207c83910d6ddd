//! The journey's callbacks, made once per page: each turns its event into an `Action` (or a lesson's message) and sends it through the app's latest dispatcher, so the address bar, the controls, the diagram and the design switch get the same props on every render and are not drawn again.
//!
//! One memo of one struct, not a hook per callback: with a hook each (and
//! the lists' frames, `later.rs`), the page's module weighed 251,296 B gzip,
//! over its 250,000 B budget; this way, 248,546 B.

use std::rc::Rc;

use stackscope_core::seed::Design;
use stackscope_core::{Change, Component};
use yew::prelude::*;

use crate::components::shortcuts::Key;
use crate::lessons::{LessonMsg, LESSONS};
use crate::stable::use_stable;
use crate::state::{Action, Speed};

/// The callbacks `App` hands to the journey's components.
pub struct Journey {
    /// Every action (the stored stack's editors send theirs here).
    pub act: Callback<Action>,
    /// Every lesson's message (the checklist's, the lesson card's).
    pub lesson: Callback<LessonMsg>,
    pub on_input: Callback<String>,
    pub on_run: Callback<String>,
    pub on_select: Callback<Component>,
    pub on_close_info: Callback<()>,
    pub on_seek: Callback<usize>,
    pub on_toggle: Callback<()>,
    pub on_back: Callback<()>,
    pub on_forward: Callback<()>,
    pub on_restart: Callback<()>,
    pub on_restore: Callback<()>,
    pub on_speed: Callback<Speed>,
    pub on_switch: Callback<Design>,
    pub on_fault: Callback<(Change, bool)>,
    pub on_standby: Callback<bool>,
    pub on_presenter: Callback<bool>,
    pub on_key: Callback<Key>,
}

impl Journey {
    fn new(act: Callback<Action>, lesson: Callback<LessonMsg>) -> Journey {
        let (a, l) = (act.clone(), lesson.clone());
        let on_key = Callback::from(move |k: Key| match k {
            Key::TogglePlay => a.emit(Action::TogglePlay),
            Key::Back => a.emit(Action::StepBack),
            Key::Forward => a.emit(Action::StepForward),
            Key::First => a.emit(Action::Seek(0)),
            Key::Last => a.emit(Action::Seek(usize::MAX)),
            Key::Lesson(i) if i < LESSONS.len() => l.emit(LessonMsg::Open(i, 0)),
            Key::Lesson(_) => {}
            Key::Presenter => l.emit(LessonMsg::TogglePresenter),
        });
        Journey {
            on_input: act.reform(Action::SetInput),
            on_run: act.reform(Action::Run),
            on_select: act.reform(Action::ShowInfo),
            on_close_info: act.reform(|()| Action::CloseInfo),
            on_seek: act.reform(Action::Seek),
            on_toggle: act.reform(|()| Action::TogglePlay),
            on_back: act.reform(|()| Action::StepBack),
            on_forward: act.reform(|()| Action::StepForward),
            on_restart: act.reform(|()| Action::Restart),
            on_restore: act.reform(|()| Action::RestoreAll),
            on_speed: act.reform(Action::SetSpeed),
            on_switch: act.reform(Action::SetDesign),
            on_fault: act.reform(|(change, on)| Action::SetFault { change, on }),
            on_standby: act.reform(Action::Standby),
            on_presenter: lesson.reform(LessonMsg::SetPresenter),
            on_key,
            act,
            lesson,
        }
    }
}

/// The journey's callbacks, the same objects on every render, each
/// calling the latest `act` and `lesson` given.
#[hook]
pub fn use_journey(act: Callback<Action>, lesson: Callback<LessonMsg>) -> Rc<Journey> {
    let act = use_stable(act);
    let lesson = use_stable(lesson);
    use_memo((), move |_| Journey::new(act, lesson))
}
