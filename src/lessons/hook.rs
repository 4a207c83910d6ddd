//! `use_lessons`: the lessons' reducer, kept in `localStorage`, fed with
//! what the screen shows after every render, and the presenter mode's class
//! on `<html>`.

use super::observe::observe;
use super::progress::KEY;
use super::quiz::figures;
use super::{LessonMsg, Lessons};
use crate::state::State;
use yew::prelude::*;

/// The lessons for a page opened at `fragment` (`#lesson=3.2&present`).
#[hook]
pub fn use_lessons(state: &State, fragment: Option<AttrValue>) -> UseReducerHandle<Lessons> {
    let lessons = use_reducer(move || {
        let (link, present) = fragment.as_deref().map_or((None, false), super::parse_link);
        let stored = crate::storage::get(KEY);
        Lessons::new(stored, link, present)
    });

    // What the screen shows now, added to the progress.
    let facts = observe(state);
    let figs = figures(state);
    {
        let dispatcher = lessons.dispatcher();
        use_effect_with((facts, figs), move |(facts, figs)| {
            if !facts.is_empty() || !figs.is_empty() {
                dispatcher.dispatch(LessonMsg::Observe(facts.clone(), figs.clone()));
            }
        });
    }

    // Saved on every change, not at start-up: what was just read needs no
    // writing, except unreadable data, replaced by the fresh start at once
    // (so its message shows once). A reset saves the fresh start too.
    {
        let loaded = use_mut_ref(|| true);
        let replace = lessons.notice.is_some();
        use_effect_with(lessons.progress.clone(), move |p| {
            if !std::mem::take(&mut *loaded.borrow_mut()) || replace {
                crate::storage::set(KEY, &p.encode());
            }
        });
    }

    use_effect_with(lessons.presenter, |on| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = if *on {
                root.class_list().add_1("presenter")
            } else {
                root.class_list().remove_1("presenter")
            };
        }
    });
    // A lesson link followed in the same page (only the fragment changes).
    {
        let dispatcher = lessons.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "hashchange", move |_| {
                    let hash = web_sys::window()
                        .and_then(|w| w.location().hash().ok())
                        .unwrap_or_default();
                    if super::is_link(&hash) {
                        let (open, present) = super::parse_link(&hash);
                        dispatcher.dispatch(LessonMsg::Link(open, present));
                    }
                })
            });
            move || drop(listener)
        });
    }

    // Presenter mode shows the lesson's screen: the stage scrolled into view
    // when it is switched on or another lesson opens.
    use_effect_with(
        (lessons.presenter, lessons.open.map(|(i, _)| i)),
        |(on, _)| {
            if *on {
                if let Some(stage) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(".stage").ok().flatten())
                {
                    stage.scroll_into_view();
                }
            }
        },
    );
    lessons
}
