//! Lessons and the checklist: a path through the seed (the scenario, each
//! component, each weakness and its mitigations), each lesson setting the
//! simulation up and asking for the one action that shows its point.
//!
//! No rendering here (the components are `lesson_card`, `checklist` and
//! `shortcuts`): the catalog, the facts read off the screen's state, the
//! progress in storage and the questions computed from the learner's run.

pub mod catalog;
pub mod hook;
pub mod observe;
pub mod progress;
pub mod quiz;
#[cfg(test)]
mod traces;

pub use catalog::{Lesson, Place, LESSONS};
pub use observe::{Fact, LoadRun};
pub use progress::Progress;

use std::rc::Rc;
use yew::Reducible;

/// The screens of a lesson: the idea, the task, the self-check.
pub const SCREENS: u8 = 3;

/// Which lesson is open, and the learner's progress.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lessons {
    /// The open lesson (index into [`LESSONS`]) and its screen (0-based).
    pub open: Option<(usize, u8)>,
    pub progress: Progress,
    /// Why the stored progress was not kept, if it was not.
    pub notice: Option<String>,
    /// Large type and one screen per step, for a class.
    pub presenter: bool,
    /// The option picked for the open lesson's question.
    pub picked: Option<usize>,
}

pub enum LessonMsg {
    /// Open a lesson at a screen (clamped).
    Open(usize, u8),
    Close,
    /// What the screen shows now.
    Observe(Vec<Fact>, Vec<(&'static str, f64)>),
    Load(LoadRun),
    /// The learner picked an option; `right` says whether it was the right one.
    Pick {
        option: usize,
        right: bool,
    },
    Reset,
    SetPresenter(bool),
    TogglePresenter,
    /// The page's fragment changed (`#lesson=…&present`).
    Link(Option<(usize, u8)>, bool),
}

impl Lessons {
    /// The progress as stored (or a fresh start and why), the presenter mode
    /// and lesson asked for by the page's address.
    pub fn new(stored: Option<String>, link: Option<(usize, u8)>, presenter: bool) -> Lessons {
        let (progress, notice) = match stored.map(|raw| Progress::decode(&raw)) {
            None => (Progress::default(), None),
            Some(Ok(p)) => (p, None),
            Some(Err(e)) => (Progress::default(), Some(e)),
        };
        let mut l = Lessons {
            open: None,
            progress,
            notice,
            presenter,
            picked: None,
        };
        if let Some((i, screen)) = link {
            l.show(i, screen);
        }
        l
    }

    /// Opens a lesson's screen (clamped to the catalog); the pick of another
    /// lesson's question is forgotten.
    fn show(&mut self, lesson: usize, screen: u8) {
        let to = (lesson.min(LESSONS.len() - 1), screen.min(SCREENS - 1));
        if self.open.map(|(i, _)| i) != Some(to.0) {
            self.picked = None;
        }
        self.open = Some(to);
    }

    pub fn lesson(&self) -> Option<(usize, &'static Lesson, u8)> {
        self.open.map(|(i, s)| (i, &LESSONS[i], s))
    }
}

impl Reducible for Lessons {
    type Action = LessonMsg;

    fn reduce(self: Rc<Self>, msg: LessonMsg) -> Rc<Self> {
        let mut l = (*self).clone();
        match msg {
            LessonMsg::Open(i, screen) => l.show(i, screen),
            LessonMsg::Close => {
                l.open = None;
                l.picked = None;
            }
            LessonMsg::Observe(facts, figures) => {
                if !l.progress.see(&facts, &figures) {
                    return self;
                }
            }
            LessonMsg::Load(run) => {
                if !l.progress.load_run(&run) {
                    return self;
                }
            }
            LessonMsg::Pick { option, right } => {
                if let Some((_, lesson, _)) = l.lesson() {
                    l.progress.answer(lesson.id, right);
                }
                l.picked = Some(option);
            }
            LessonMsg::Reset => {
                l.progress = Progress::default();
                l.picked = None;
                l.notice = None;
            }
            LessonMsg::SetPresenter(on) => l.presenter = on,
            LessonMsg::TogglePresenter => l.presenter = !l.presenter,
            LessonMsg::Link(open, present) => {
                if let Some((i, screen)) = open {
                    l.show(i, screen);
                }
                l.presenter = present;
            }
        }
        Rc::new(l)
    }
}

/// True for a fragment the lessons read (`#lesson=…`, `#present`), not a
/// deep link (`#s=…`).
pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with("#lesson=") || fragment.starts_with("#present")
}

/// Reads `#lesson=3.2` (lesson 3, screen 2, both 1-based) and `present`
/// from the page's fragment (`#lesson=3.2&present`).
pub fn parse_link(fragment: &str) -> (Option<(usize, u8)>, bool) {
    let body = fragment.trim_start_matches('#');
    let mut lesson = None;
    let mut present = false;
    for part in body.split('&') {
        if part == "present" {
            present = true;
        } else if let Some(v) = part.strip_prefix("lesson=") {
            let (l, s) = v.split_once('.').unwrap_or((v, "1"));
            let by_number = l
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=LESSONS.len()).contains(n))
                .map(|n| n - 1);
            let index = by_number.or_else(|| catalog::by_id(l).map(|(i, _)| i));
            let screen = s
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=SCREENS).contains(n))
                .unwrap_or(1)
                - 1;
            lesson = index.map(|i| (i, screen));
        }
    }
    (lesson, present)
}

/// The fragment that opens a lesson's screen (1-based in the address).
pub fn link(index: usize, screen: u8, presenter: bool) -> String {
    format!(
        "#lesson={}.{}{}",
        index + 1,
        screen + 1,
        if presenter { "&present" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lessons_go_to_link_names_a_panel_the_page_can_open_at() {
        for lesson in LESSONS {
            let Some((id, _)) = lesson.place.link() else {
                continue;
            };
            // The layers are the first module's; every other panel is the
            // second's, which loads at once for a fragment it knows.
            assert!(
                id == "layers-panel" || crate::panels::ANCHORS.contains(&id),
                "{}: #{id}",
                lesson.id
            );
        }
    }

    #[test]
    fn links_round_trip_and_bad_ones_open_nothing() {
        assert_eq!(parse_link(&link(2, 1, true)), (Some((2, 1)), true));
        assert_eq!(parse_link("#lesson=11.3"), (Some((10, 2)), false));
        assert_eq!(parse_link("#lesson=www"), (Some((3, 0)), false));
        assert_eq!(parse_link("#lesson=4.9"), (Some((3, 0)), false));
        assert_eq!(parse_link("#lesson=0.1"), (None, false));
        assert_eq!(parse_link("#lesson=99"), (None, false));
        assert_eq!(parse_link("#s=abc"), (None, false));
        assert_eq!(parse_link("#present"), (None, true));
        assert!(is_link("#lesson=2.1") && is_link("#present"));
        assert!(!is_link("#s=abc") && !is_link(""));
    }

    #[test]
    fn corrupt_progress_starts_afresh_with_a_message() {
        let l = Lessons::new(Some("{oops".into()), None, false);
        assert_eq!(l.progress, Progress::default());
        assert!(l.notice.unwrap().contains("starts afresh"));
        let mut p = Progress::default();
        p.see(&[Fact::SawHandshake], &[]);
        let l = Lessons::new(Some(p.encode()), Some((99, 9)), false);
        assert_eq!(l.progress, p);
        assert_eq!(l.open, Some((LESSONS.len() - 1, SCREENS - 1)));
        assert!(l.notice.is_none());
    }

    #[test]
    fn every_lesson_needs_something_and_ids_are_unique() {
        let mut ids: Vec<_> = LESSONS.iter().map(|l| l.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), LESSONS.len());
        assert!(LESSONS.iter().all(|l| !l.needs.is_empty()));
    }
}
