//! The checklist: what a student must be able to explain, one item per
//! lesson. An item ticks when the learner has shown it in the simulation
//! (never by reading); each opens its lesson. Progress is kept in
//! `localStorage` (`lessons::progress`) and can be reset.

use crate::lessons::{LessonMsg, Progress, LESSONS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub progress: Progress,
    /// The open lesson, if any.
    pub open: Option<usize>,
    /// Why stored progress was not kept.
    pub notice: Option<AttrValue>,
    pub on_msg: Callback<LessonMsg>,
}

#[component]
pub fn Checklist(props: &Props) -> Html {
    let p = &props.progress;
    let reset = {
        let cb = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| cb.emit(LessonMsg::Reset))
    };
    let items = LESSONS.iter().enumerate().map(|(i, l)| {
        let done = p.done(l);
        let answer = p.answers.get(l.id).copied();
        let cb = props.on_msg.clone();
        let onclick = Callback::from(move |_: MouseEvent| cb.emit(LessonMsg::Open(i, 0)));
        let shown = l.needs.iter().filter(|f| p.seen.contains(f)).count();
        html! {
            <li class={classes!("check-item", done.then_some("done"))} data-lesson={l.id}>
                <span class="check-box" aria-hidden="true">{ if done { "☑" } else { "☐" } }</span>
                <button type="button" class="check-open" aria-current={(props.open == Some(i)).to_string()} onclick={onclick}>
                    { format!("{}. {}", i + 1, l.title) }
                </button>
                <span class="check-state">
                    { if done { "shown".to_string() } else { format!("{shown} of {} shown", l.needs.len()) } }
                    { match answer { Some(true) => " · self-check right", Some(false) => " · self-check missed", None => "" } }
                </span>
            </li>
        }
    });
    html! {
        <section id="checklist" class="panel checklist" aria-labelledby="checklist-title">
            <h2 id="checklist-title">{ format!("What you can explain: {} of {}", p.ticked(), LESSONS.len()) }</h2>
            <p class="muted">{ "An item ticks when you have shown it in the simulation, not by reading. Your progress stays in this browser." }</p>
            if let Some(n) = &props.notice {
                <p id="lessons-notice" class="init-error" role="alert">{ n.clone() }</p>
            }
            <ul class="check-items">{ for items }</ul>
            <button type="button" id="checklist-reset" onclick={reset}>{ "Reset progress" }</button>
        </section>
    }
}
