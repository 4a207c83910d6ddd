//! The editor panel: change the DNS zone, Nginx's locations, the database's rows (and run SQL), with the stack saved in this browser, exported and imported as JSON.
//!
//! Every edit goes to the simulated server (`Action::Edit`), which checks it
//! with `stackscope_core::edit::apply` (a learner's message when it is
//! wrong) before it becomes the session's world; the form that sent it
//! hears the outcome (`use_pending`). The checks stay out of the page's
//! modules.
//!
//! The panel is drawn by the page's second module (`panels::root`): it sees
//! what the first sends ([`EditorView`]) and asks through [`EditorAsk`]s.
//! Keeping the stack in this browser is the first module's ([`stored`]).

pub mod draft;
pub mod form;
pub mod persist;
pub mod stored;

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
use crate::panels::editors::{EditorAsk, EditorView};
use crate::state::{base_of, Origin, Shared};
use stored::use_answer;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The running world and the server's answers, as the first module sent them.
    pub view: EditorView,
    /// What the editors ask of the page.
    pub on_ask: Callback<EditorAsk>,
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

fn json_url(text: &str) -> ObjectUrl {
    ObjectUrl::from(Blob::new_with_options(text, Some("application/json")))
}

#[component]
pub fn Editors(props: &Props) -> Html {
    let import_error = use_state(|| None::<String>);
    let reader = use_mut_ref(|| None::<FileReader>);
    let world = props.view.world.clone();

    // A refused import is named in the message.
    let import_name = use_mut_ref(String::new);
    {
        let import_error = import_error.clone();
        let import_name = import_name.clone();
        let refused = props.view.import_refused.as_ref().map(|(_, m)| m.clone());
        use_answer(refused, move |message| {
            import_error.set(Some(format!(
                "\"{}\" was not imported. {message}",
                import_name.borrow()
            )));
        });
    }

    // The export is written when it is clicked, not at every change of the
    // world (a whole stack as JSON): the click asks the server for the file,
    // and its answer points the link at it and follows it. The file stays
    // until the next one.
    let export_link = use_node_ref();
    let following = use_mut_ref(|| false);
    {
        let export_link = export_link.clone();
        let following = following.clone();
        let file = use_mut_ref(|| None::<ObjectUrl>);
        let export = props.view.export.as_ref().map(|(_, text)| text.clone());
        use_answer(export, move |text| {
            if let Some(link) = export_link.cast::<HtmlElement>() {
                let url = json_url(text);
                let _ = link.set_attribute("href", &url);
                *file.borrow_mut() = Some(url);
                *following.borrow_mut() = true;
                link.click();
            }
        });
    }
    let on_export = {
        let world = world.clone();
        let on_ask = props.on_ask.clone();
        Callback::from(move |e: MouseEvent| {
            if std::mem::take(&mut *following.borrow_mut()) {
                // The file is ready: the browser follows the link.
                return;
            }
            e.prevent_default();
            let s = base_of(&world).unwrap_or_else(|_| (*world).clone());
            on_ask.emit(EditorAsk::Encode(Box::new(s), JsonForm::Export));
        })
    };

    let base = use_memo(world.clone(), |w| base_of(w));

    let line = EditLine {
        send: props
            .on_ask
            .reform(|(tag, edit)| EditorAsk::Edit { tag, edit }),
        outcome: props.view.outcome.clone(),
    };
    let on_reset = {
        let cb = props.on_ask.clone();
        let world = world.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(EditorAsk::Replace {
                scenario: Box::new(seed_of(&world)),
                keep_faults: false,
                origin: Origin::Reset,
            })
        })
    };
    let on_import = {
        let cb = props.on_ask.clone();
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
            // A new file: the last one's message goes (a refusal brings its own).
            import_error.set(None);
            let cb = cb.clone();
            let import_error = import_error.clone();
            let import_name = import_name.clone();
            let name = file.name();
            let slot: Rc<RefCell<Option<FileReader>>> = reader.clone();
            let task = gloo::file::callbacks::read_as_text(&file, move |text| match text {
                // The server reads it: a refusal names the file (above).
                Ok(text) => {
                    *import_name.borrow_mut() = name;
                    cb.emit(EditorAsk::Load {
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

    let dismiss = props.on_ask.reform(|_: MouseEvent| EditorAsk::Dismiss);

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
            if let Some(note) = &props.view.storage {
                <div id="storage-message" class="ed-error storage" role="alert">
                    <p>{ note.message.clone() }</p>
                    if let Some(url) = &note.backup {
                        <p>
                            <a id="storage-backup" href={url.clone()}
                                download="stackscope-previous-data.json">
                                { "Download your previous data" }
                            </a>
                        </p>
                    }
                    <button type="button" id="storage-dismiss" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
            { form::alert("editor-error", &props.view.error) }
            if let Err(why) = &*base {
                <p id="editors-blocked" class="ed-note" role="status">{ why.clone() }</p>
            }
            <div class="editors-grid">
                <ZoneEditor world={world.clone()} line={line.clone()} />
                <NginxEditor world={world.clone()} line={line.clone()} />
                if let Some(f) = props.view.firewalls.clone().filter(|f| !f.machines.is_empty()) {
                    <FirewallEditor firewalls={f} line={line.clone()} />
                }
                <DataEditor
                    world={world}
                    browse={props.view.browse.clone()}
                    line={line}
                    on_browse={props.on_ask.reform(EditorAsk::Browse)}
                />
                <SqlConsole
                    result={props.view.console.clone()}
                    on_run={props.on_ask.reform(EditorAsk::Console)}
                />
            </div>
        </section>
    }
}
