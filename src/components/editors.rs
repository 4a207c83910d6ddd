//! The editor panel: change the DNS zone, Nginx's locations, the database's rows (and run SQL), with the stack saved in this browser, exported and imported as JSON.
//!
//! Every edit goes to the simulated server (`Action::Edit`), which checks it
//! with `stackscope_core::edit::apply` (a learner's message when it is
//! wrong) before it becomes the session's world; the form that sent it
//! hears the outcome (`use_pending`). The checks stay out of the page's
//! module.

pub mod draft;
pub mod form;
pub mod persist;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use gloo::file::{Blob, File, ObjectUrl};
use stackscope_core::edit::Edit;
use stackscope_core::session::EditOutcome;
use stackscope_core::stored::JsonForm;
use stackscope_core::Scenario;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::components::data_editor::DataEditor;
use crate::components::firewall_editor::FirewallEditor;
use crate::components::nginx_editor::NginxEditor;
use crate::components::sql_console::SqlConsole;
use crate::components::zone_editor::ZoneEditor;
use crate::state::{base_of, Action, EditorState, Origin, Shared};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The running world (faults included).
    pub world: Shared<Scenario>,
    pub editor: EditorState,
    /// Sends `ReplaceScenario`, `Console` and `Browse` to the app's reducer.
    pub on_action: Callback<Action>,
    /// The session came from a deep link: its world wins over the stored one.
    #[prop_or_default]
    pub skip_stored: bool,
}

/// Where the editors send an edit (with its tag), and the server's last
/// outcome of one.
#[derive(Clone, PartialEq)]
pub struct EditLine {
    pub send: Callback<(u32, Edit)>,
    pub outcome: Option<Shared<EditOutcome>>,
}

thread_local! {
    static LAST_TAG: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// A tag no other edit of this page has had.
fn next_tag() -> u32 {
    LAST_TAG.with(|t| {
        t.set(t.get().wrapping_add(1));
        t.get()
    })
}

/// What to do with an edit's outcome: `Ok` when the server accepted it,
/// otherwise the learner's message.
type Then = Box<dyn Fn(Result<(), String>)>;

/// A component's edits waiting for the server's outcome.
#[derive(Clone)]
pub struct Pending {
    send: Callback<(u32, Edit)>,
    waiting: Rc<RefCell<Vec<(u32, Then)>>>,
}

impl Pending {
    /// Sends `edit`; `then` runs when its outcome arrives.
    pub fn send(&self, edit: Edit, then: impl Fn(Result<(), String>) + 'static) {
        let tag = next_tag();
        self.waiting.borrow_mut().push((tag, Box::new(then)));
        self.send.emit((tag, edit));
    }
}

/// The component's line for edits: each outcome that arrives goes to the
/// edit of this component that waits for it (others are not its own).
#[hook]
pub fn use_pending(line: &EditLine) -> Pending {
    let waiting: Rc<RefCell<Vec<(u32, Then)>>> = use_mut_ref(Vec::new);
    {
        let waiting = waiting.clone();
        use_effect_with(line.outcome.clone(), move |outcome| {
            let Some(o) = outcome else {
                return;
            };
            let found = {
                let mut w = waiting.borrow_mut();
                w.iter()
                    .position(|(tag, _)| *tag == o.tag)
                    .map(|i| w.remove(i))
            };
            if let Some((_, then)) = found {
                then(o.refused.clone().map_or(Ok(()), Err));
            }
        });
    }
    Pending {
        send: line.send.clone(),
        waiting,
    }
}

/// The seed of the design in use.
fn seed_of(world: &Scenario) -> Scenario {
    stackscope_core::seed::Design::of(world).stack()
}

/// A problem with what was stored, and the old data as a download.
#[derive(Clone)]
struct StorageProblem {
    message: String,
    backup: Option<ObjectUrl>,
}

impl PartialEq for StorageProblem {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

fn json_url(text: &str) -> ObjectUrl {
    ObjectUrl::from(Blob::new_with_options(text, Some("application/json")))
}

/// Why the stack was not saved in this browser (no old data to download).
fn not_saved(message: &str) -> StorageProblem {
    StorageProblem {
        message: format!("Not saved in this browser: {message}"),
        backup: None,
    }
}

/// Runs `on_answer` for each answer of the server that arrives while the
/// component is mounted; the one there at mount is old (a later mount
/// must not save, download or forget again on it).
#[hook]
fn use_answer<T: 'static>(answer: Option<Shared<T>>, on_answer: impl Fn(&T) + 'static) {
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

#[component]
pub fn Editors(props: &Props) -> Html {
    let problem = use_state(|| None::<StorageProblem>);
    let import_error = use_state(|| None::<String>);
    let reader = use_mut_ref(|| None::<FileReader>);

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

    // Unreadable: the stored stack is forgotten, and kept as a download;
    // an imported file is named in the message.
    let import_name = use_mut_ref(String::new);
    {
        let problem = problem.clone();
        let import_error = import_error.clone();
        let import_name = import_name.clone();
        use_answer(props.editor.unreadable.clone(), move |(origin, message)| {
            if *origin == Origin::Stored {
                let raw = stored_raw.borrow_mut().take().unwrap_or_default();
                persist::remove();
                problem.set(Some(StorageProblem {
                    message: format!(
                        "{message} The seed stack is in use instead. \
                         Your previous data is kept in the download below."
                    ),
                    backup: Some(json_url(&raw)),
                }));
            } else {
                import_error.set(Some(format!(
                    "\"{}\" was not imported. {message}",
                    import_name.borrow()
                )));
            }
        });
    }

    // After every accepted change: save (or forget, after a reset). The
    // server writes the stored form; the effect below keeps it.
    {
        let world = props.world.clone();
        let origin = props.editor.origin;
        let problem = problem.clone();
        let import_error = import_error.clone();
        let on_action = props.on_action.clone();
        use_effect_with(props.editor.rev, move |rev| {
            if *rev > 0 {
                match origin {
                    Origin::Reset => persist::remove(),
                    Origin::Edit | Origin::Import => match base_of(&world) {
                        Ok(base) => {
                            on_action.emit(Action::Encode(Box::new(base), JsonForm::Stored))
                        }
                        Err(message) => problem.set(Some(not_saved(&message))),
                    },
                    Origin::Stored | Origin::None => {}
                }
                if origin == Origin::Import {
                    import_error.set(None);
                }
            }
        });
    }

    // The export is written when it is clicked, not at every change of the
    // world (a whole stack as JSON): the click asks the server for the file,
    // and its answer points the link at it and follows it. The file stays
    // until the next one.
    let export_link = use_node_ref();
    let following = use_mut_ref(|| false);
    {
        let problem = problem.clone();
        let export_link = export_link.clone();
        let following = following.clone();
        let file = use_mut_ref(|| None::<ObjectUrl>);
        use_answer(props.editor.json.clone(), move |(form, text)| match form {
            JsonForm::Stored => {
                if let Err(message) = persist::save(text) {
                    problem.set(Some(not_saved(&message)));
                }
            }
            JsonForm::Export => {
                if let Some(link) = export_link.cast::<HtmlElement>() {
                    let url = json_url(text);
                    let _ = link.set_attribute("href", &url);
                    *file.borrow_mut() = Some(url);
                    *following.borrow_mut() = true;
                    link.click();
                }
            }
        });
    }
    let on_export = {
        let world = props.world.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            if std::mem::take(&mut *following.borrow_mut()) {
                // The file is ready: the browser follows the link.
                return;
            }
            e.prevent_default();
            let s = base_of(&world).unwrap_or_else(|_| (*world).clone());
            on_action.emit(Action::Encode(Box::new(s), JsonForm::Export));
        })
    };

    let base = use_memo(props.world.clone(), |w| base_of(w));

    let line = EditLine {
        send: props
            .on_action
            .reform(|(tag, edit)| Action::Edit { tag, edit }),
        outcome: props.editor.outcome.clone(),
    };
    let on_reset = {
        let cb = props.on_action.clone();
        let world = props.world.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(Action::ReplaceScenario {
                scenario: Box::new(seed_of(&world)),
                keep_faults: false,
                origin: Origin::Reset,
            })
        })
    };
    let on_import = {
        let cb = props.on_action.clone();
        let import_error = import_error.clone();
        let reader = reader.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            input.set_value("");
            let file = File::from(file);
            if file.size() as f64 > persist::MAX_IMPORT_BYTES {
                import_error.set(Some(format!(
                    "\"{}\" is {} bytes; a scenario file is at most 2 MB.",
                    file.name(),
                    file.size()
                )));
                return;
            }
            let cb = cb.clone();
            let import_error = import_error.clone();
            let import_name = import_name.clone();
            let name = file.name();
            let slot: Rc<RefCell<Option<FileReader>>> = reader.clone();
            let task = gloo::file::callbacks::read_as_text(&file, move |text| match text {
                // The server reads it: a refusal names the file (above).
                Ok(text) => {
                    *import_name.borrow_mut() = name;
                    cb.emit(Action::Load {
                        text,
                        origin: Origin::Import,
                    });
                }
                Err(e) => import_error.set(Some(format!(
                    "\"{name}\" was not imported. The file could not be read: {e}."
                ))),
            });
            *slot.borrow_mut() = Some(task);
        })
    };

    let dismiss = {
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| problem.set(None))
    };

    html! {
        <section id="editors" class="editors" aria-labelledby="editors-title">
            <h2 id="editors-title">{ "Edit the stack" }</h2>
            <p class="hint">
                { "Change a DNS record, an Nginx location or a row in the database, then watch the next request. \
                   Every edit is checked first; the stack is saved in this browser (nothing leaves your computer)." }
            </p>
            <div class="editors-bar">
                <a id="export-scenario" ref={export_link} class="button-link" href="#export-scenario"
                    download="stackscope-scenario.json" onclick={on_export}>{ "Export the stack (JSON)" }</a>
                <span class="import">
                    <label for="import-scenario">{ "Import a stack: " }</label>
                    <input type="file" id="import-scenario" accept=".json,application/json"
                        onchange={on_import} />
                </span>
                <button type="button" id="reset-stack" onclick={on_reset}>
                    { "Reset to the seed stack" }
                </button>
            </div>
            { form::alert("import-error", &import_error) }
            if let Some(p) = &*problem {
                <div id="storage-message" class="ed-error storage" role="alert">
                    <p>{ p.message.clone() }</p>
                    if let Some(url) = &p.backup {
                        <p>
                            <a id="storage-backup" href={url.to_string()}
                                download="stackscope-previous-data.json">
                                { "Download your previous data" }
                            </a>
                        </p>
                    }
                    <button type="button" id="storage-dismiss" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
            { form::alert("editor-error", &props.editor.error) }
            if let Err(why) = &*base {
                <p id="editors-blocked" class="ed-note" role="status">{ why.clone() }</p>
            }
            <div class="editors-grid">
                <ZoneEditor world={props.world.clone()} line={line.clone()} />
                <NginxEditor world={props.world.clone()} line={line.clone()} />
                if let Some(f) = props.editor.firewalls.clone().filter(|f| !f.machines.is_empty()) {
                    <FirewallEditor firewalls={f} line={line.clone()} />
                }
                <DataEditor
                    world={props.world.clone()}
                    browse={props.editor.browse.clone()}
                    line={line}
                    on_browse={props.on_action.reform(Action::Browse)}
                />
                <SqlConsole
                    result={props.editor.console.clone()}
                    on_run={props.on_action.reform(Action::Console)}
                />
            </div>
        </section>
    }
}
