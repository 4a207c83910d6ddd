//! The Nginx editor: the location blocks in order (move up, edit, delete), a form to add one, the upstream, and the whole config as nginx syntax.

use stackscope_core::edit::Edit;
use stackscope_core::scenario::{Location, LocationAction};
use stackscope_core::server::nginx::{config_text, location_syntax};
use stackscope_core::Scenario;
use yew::prelude::*;

use crate::components::editors::{apply_edit, form};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub world: Shared<Scenario>,
    /// An edited scenario that passed validation.
    pub on_apply: Callback<Scenario>,
}

/// `(modifier, pattern, action, argument)` as the form holds them.
fn fields(l: &Location) -> (String, String, String, String) {
    let (action, argument) = match &l.action {
        LocationAction::Static => ("static", String::new()),
        LocationAction::Proxy { upstream } => ("proxy", upstream.clone()),
        LocationAction::Return { status, text } => ("return", format!("{status} {text}")),
    };
    (
        l.modifier.syntax().trim().to_string(),
        l.pattern.clone(),
        action.to_string(),
        argument.trim().to_string(),
    )
}

fn summary(a: &LocationAction) -> String {
    match a {
        LocationAction::Static => "serve files from the document root".into(),
        LocationAction::Proxy { upstream } => format!("proxy to http://{upstream}"),
        LocationAction::Return { status, text } if text.is_empty() => format!("return {status}"),
        LocationAction::Return { status, text } => format!("return {status} \"{text}\""),
    }
}

fn opts(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

#[component]
pub fn NginxEditor(props: &Props) -> Html {
    let editing = use_state(|| None::<usize>);
    let modifier = use_state(|| "=".to_string());
    let pattern = use_state(String::new);
    let action = use_state(|| "return".to_string());
    let argument = use_state(String::new);
    let error = use_state(|| None::<String>);
    let cfg = &props.world.server.nginx_config;
    let current_upstream = cfg
        .locations
        .iter()
        .find_map(|l| match &l.action {
            LocationAction::Proxy { upstream } => Some(upstream.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let upstream = {
        let u = current_upstream.clone();
        use_state(move || u)
    };
    let upstream_error = use_state(|| None::<String>);
    // The field follows the world when the world changes (an import, a reset).
    {
        let upstream = upstream.clone();
        use_effect_with(current_upstream.clone(), move |u| upstream.set(u.clone()));
    }

    let clear = {
        let (editing, modifier, pattern, action, argument, error) = (
            editing.clone(),
            modifier.clone(),
            pattern.clone(),
            action.clone(),
            argument.clone(),
            error.clone(),
        );
        move || {
            editing.set(None);
            modifier.set("=".into());
            pattern.set(String::new());
            action.set("return".into());
            argument.set(String::new());
            error.set(None);
        }
    };
    let apply = {
        let world = props.world.clone();
        let on_apply = props.on_apply.clone();
        move |e: Edit, error: &UseStateHandle<Option<String>>| {
            apply_edit(&world, &on_apply, &e, error)
        }
    };

    let submit = {
        let apply = apply.clone();
        let clear = clear.clone();
        let (editing, modifier, pattern, action, argument, error) = (
            editing.clone(),
            modifier.clone(),
            pattern.clone(),
            action.clone(),
            argument.clone(),
            error.clone(),
        );
        form::on_submit(Callback::from(move |()| {
            let e = Edit::PutLocation {
                index: *editing,
                modifier: (*modifier).clone(),
                pattern: (*pattern).clone(),
                action: (*action).clone(),
                argument: (*argument).clone(),
            };
            if apply(e, &error) {
                clear();
            }
        }))
    };
    let submit_upstream = {
        let apply = apply.clone();
        let (upstream, upstream_error) = (upstream.clone(), upstream_error.clone());
        form::on_submit(Callback::from(move |()| {
            apply(
                Edit::SetUpstream {
                    upstream: (*upstream).clone(),
                },
                &upstream_error,
            );
        }))
    };

    let n = cfg.locations.len();
    let items = cfg.locations.iter().enumerate().map(|(i, l)| {
        let syntax = location_syntax(l);
        let on_up = {
            let (apply, error, clear) = (apply.clone(), error.clone(), clear.clone());
            let editing = editing.clone();
            Callback::from(move |_: MouseEvent| {
                if apply(Edit::MoveLocationUp { index: i }, &error) && editing.is_some() {
                    clear();
                }
            })
        };
        let on_delete = {
            let (apply, error, clear) = (apply.clone(), error.clone(), clear.clone());
            let editing = editing.clone();
            Callback::from(move |_: MouseEvent| {
                if apply(Edit::DeleteLocation { index: i }, &error) && editing.is_some() {
                    clear();
                }
            })
        };
        let on_edit = {
            let (editing, modifier, pattern, action, argument, error) = (
                editing.clone(),
                modifier.clone(),
                pattern.clone(),
                action.clone(),
                argument.clone(),
                error.clone(),
            );
            let (m, p, a, arg) = fields(l);
            Callback::from(move |_: MouseEvent| {
                editing.set(Some(i));
                modifier.set(m.clone());
                pattern.set(p.clone());
                action.set(a.clone());
                argument.set(arg.clone());
                error.set(None);
            })
        };
        html! {
            <li data-index={i.to_string()} class={classes!((*editing == Some(i)).then_some("editing"))}>
                <span class="loc-text">
                    <code>{ syntax.clone() }</code>
                    <span class="muted">{ format!(" → {}", summary(&l.action)) }</span>
                </span>
                <span class="actions">
                    <button type="button" class="loc-up" disabled={i == 0}
                        aria-label={format!("Move {syntax} up")} onclick={on_up}>{ "↑ Up" }</button>
                    <button type="button" class="loc-edit" aria-label={format!("Edit {syntax}")}
                        onclick={on_edit}>{ "Edit" }</button>
                    <button type="button" class="loc-delete" aria-label={format!("Delete {syntax}")}
                        onclick={on_delete}>{ "Delete" }</button>
                </span>
            </li>
        }
    });

    let modifiers = opts(&[
        ("", "(none) prefix"),
        ("=", "= exact"),
        ("^~", "^~ prefix, no regex"),
        ("~", "~ regex"),
        ("~*", "~* regex, any case"),
    ]);
    let actions = opts(&[
        ("return", "return a status"),
        ("proxy", "proxy_pass to the app"),
        ("static", "serve static files"),
    ]);
    let (arg_label, arg_hint) = match action.as_str() {
        "return" => ("Status and text", "410 Gone"),
        "proxy" => ("Upstream address", "127.0.0.1:8000"),
        _ => ("Argument (unused)", ""),
    };
    let cancel = {
        let clear = clear.clone();
        Callback::from(move |_: MouseEvent| clear())
    };

    html! {
        <section id="nginx-editor" class="editor" aria-labelledby="nginx-editor-title">
            <h3 id="nginx-editor-title">{ "Nginx locations" }</h3>
            <p class="hint">
                { format!("{n} location blocks. Nginx tries = first, then the longest prefix, \
                   then regexes in this order, so order matters only for regexes. It matches the \
                   normalized path (%XX decoded, // merged, . and .. resolved), as nginx 1.22 does; \
                   a regex feature that nginx's PCRE reads differently is refused.") }
            </p>
            <ol id="nginx-locations" class="locations">{ for items }</ol>
            <form id="location-form" class="ed-form" onsubmit={submit}
                aria-label={if editing.is_some() { "Change a location" } else { "Add a location" }}>
                { form::select("loc-modifier", "Modifier", &modifiers, &modifier) }
                { form::text_with("loc-pattern", "Pattern", &pattern, "/about", "text") }
                { form::select("loc-action", "Action", &actions, &action) }
                <div class="ed-field">
                    <label for="loc-argument">{ arg_label }</label>
                    <input type="text" id="loc-argument" value={(*argument).clone()}
                        oninput={form::on_text(&argument)} placeholder={arg_hint}
                        autocomplete="off" spellcheck="false" />
                </div>
                <div class="ed-buttons">
                    <button type="submit" id="loc-submit">
                        { if editing.is_some() { "Save location" } else { "Add location" } }
                    </button>
                    if editing.is_some() {
                        <button type="button" id="loc-cancel" onclick={cancel}>{ "Cancel" }</button>
                    }
                </div>
            </form>
            { form::alert("location-error", &error) }
            <form id="upstream-form" class="ed-form" onsubmit={submit_upstream} aria-label="Upstream">
                { form::text_with("upstream", "Upstream of every proxy_pass", &upstream, "127.0.0.1:8000", "text") }
                <div class="ed-buttons">
                    <button type="submit" id="upstream-submit">{ "Set upstream" }</button>
                </div>
            </form>
            { form::alert("upstream-error", &upstream_error) }
            <details class="nginx-config" open=true>
                <summary>{ "The config as nginx reads it" }</summary>
                <pre id="nginx-config" class="code" tabindex="0" aria-label="The server block as nginx syntax">{ config_text(cfg) }</pre>
            </details>
        </section>
    }
}
