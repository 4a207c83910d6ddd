//! The open lesson, one screen at a time, at the top of the stage: the idea
//! and its set-up button, the one thing to do (ticking when shown), and the
//! self-check question computed from the learner's run.

use crate::lessons::quiz::Question;
use crate::lessons::{self, LessonMsg, Progress, LESSONS, SCREENS};
use crate::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The open lesson (index) and screen.
    pub index: usize,
    pub screen: u8,
    pub progress: Progress,
    /// The question from the learner's run, or what to do to get one.
    pub question: Result<Question, String>,
    /// The option picked, if any.
    pub picked: Option<usize>,
    pub presenter: bool,
    /// The design on screen.
    pub design: stackscope_core::seed::Design,
    pub on_msg: Callback<LessonMsg>,
    pub on_action: Callback<Action>,
}

const SCREEN_NAMES: [&str; SCREENS as usize] = ["The idea", "Show it", "Check yourself"];

#[component]
pub fn LessonCard(props: &Props) -> Html {
    let i = props.index;
    let lesson = &LESSONS[i];
    let screen = props.screen;
    let done = props.progress.done(lesson);
    // A lesson's screen: Back and Next step through every screen of every
    // lesson in turn (none before the first, none after the last).
    let open = |(lesson, to): (usize, u8)| {
        let cb = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| cb.emit(LessonMsg::Open(lesson, to)))
    };
    let go = |to: u8| open((i, to));
    let previous = match (screen, i) {
        (0, 0) => None,
        (0, _) => Some((i - 1, SCREENS - 1)),
        _ => Some((i, screen - 1)),
    };
    let following = if screen + 1 < SCREENS {
        Some((i, screen + 1))
    } else {
        (i + 1 < LESSONS.len()).then_some((i + 1, 0))
    };
    let setup = {
        let (act, msg) = (props.on_action.clone(), props.on_msg.clone());
        let (design, want) = (props.design, lesson.design);
        let url = lesson.url;
        Callback::from(move |_: MouseEvent| {
            if design != want {
                act.emit(Action::SetDesign(want));
            }
            act.emit(Action::Fresh(url.to_string()));
            msg.emit(LessonMsg::Open(i, 1));
        })
    };
    // Closing removes the card: the focus goes to the button that reopens
    // the lessons, never to <body>.
    let close = {
        let cb = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(LessonMsg::Close);
            gloo::timers::callback::Timeout::new(0, || {
                if let Some(b) = gloo::utils::document()
                    .get_element_by_id("lessons-start")
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = b.focus();
                }
            })
            .forget();
        })
    };
    let body = match screen {
        0 => html! {
            <>
                <p class="lesson-idea">{ lesson.idea }</p>
                <p class="lesson-actions">
                    <button type="button" id="lesson-setup" class="primary" onclick={setup}>
                        { "Set up and run" }
                    </button>
                    <span class="muted">{ format!(" requests {} on one server, every fault repaired", lesson.url) }</span>
                </p>
            </>
        },
        1 => {
            let left: Vec<_> = lesson
                .needs
                .iter()
                .filter(|f| !props.progress.seen.contains(f))
                .collect();
            html! {
                <>
                    <p class="lesson-task"><strong>{ "Your turn: " }</strong>{ lesson.task }</p>
                    if done {
                        <p id="lesson-status" class="lesson-done" role="status">{ "✓ Shown. This item of the checklist is ticked." }</p>
                    } else {
                        <p id="lesson-status" class="lesson-todo" role="status">
                            { "Still to do: " }
                            { left.iter().map(|f| f.todo()).collect::<Vec<_>>().join("; ") }
                            { "." }
                        </p>
                    }
                    if let Some((anchor, text)) = lesson.place.link() {
                        <p><a href={format!("#{anchor}")} class="lesson-goto">{ text }</a></p>
                    }
                </>
            }
        }
        _ => match &props.question {
            Err(what) => html! { <p id="lesson-question" class="lesson-todo">{ what.clone() }</p> },
            Ok(q) => {
                let options = q.options.iter().enumerate().map(|(k, o)| {
                    let cb = props.on_msg.clone();
                    let right = k == q.right;
                    let onclick = Callback::from(move |_: MouseEvent| cb.emit(LessonMsg::Pick { option: k, right }));
                    let class = match props.picked {
                        Some(_) if right => "option right",
                        Some(p) if p == k => "option wrong",
                        _ => "option",
                    };
                    html! {
                        <li><button type="button" class={class} aria-pressed={(props.picked == Some(k)).to_string()} onclick={onclick}>{ o.clone() }</button></li>
                    }
                });
                html! {
                    <div id="lesson-question">
                        <p class="lesson-prompt">{ q.prompt.clone() }</p>
                        <ul class="lesson-options">{ for options }</ul>
                        if let Some(p) = props.picked {
                            <p class="lesson-why" role="status">
                                <strong>{ if p == q.right { "✓ Right. " } else { "✕ Not quite: " } }</strong>
                                if p != q.right { { format!("the answer is {}. ", q.options[q.right]) } }
                                { q.why.clone() }
                            </p>
                        }
                    </div>
                }
            }
        },
    };
    html! {
        <section id="lesson" class="lesson-card" aria-labelledby="lesson-title">
            <div class="lesson-head">
                <h2 id="lesson-title">
                    <span class="lesson-number">{ format!("Lesson {}/{}", i + 1, LESSONS.len()) }</span>
                    { lesson.title }
                    if done { <span class="lesson-tick">{ " ✓" }<span class="visually-hidden">{ " shown" }</span></span> }
                </h2>
                <span class="lesson-nav">
                    <button type="button" id="lesson-back" aria-disabled={previous.is_none().to_string()}
                        onclick={previous.map_or_else(Callback::noop, open)}>
                        { "‹ Back" }
                    </button>
                    <button type="button" id="lesson-next" aria-disabled={following.is_none().to_string()}
                        onclick={following.map_or_else(Callback::noop, open)}>
                        { if screen + 1 < SCREENS { "Next ›" } else { "Next lesson ›" } }
                    </button>
                    <button type="button" class="lesson-close" aria-label="Close the lesson" onclick={close}>{ "✕" }</button>
                </span>
            </div>
            <ol class="lesson-screens" aria-label="Screens of this lesson">
                { for SCREEN_NAMES.iter().enumerate().map(|(k, name)| {
                    let k = k as u8;
                    html! {
                        <li>
                            <a href={lessons::link(i, k, props.presenter)} class={if k == screen { "current" } else { "" }}
                               aria-current={if k == screen { "step" } else { "false" }}
                               onclick={{ let go = go(k); move |e: MouseEvent| { e.prevent_default(); go.emit(e) } }}>
                                { format!("{}. {name}", k + 1) }
                            </a>
                        </li>
                    }
                }) }
            </ol>
            { body }
        </section>
    }
}
