//! The Nginx editor: the location blocks in order (move up, edit, delete), a form to add one, the upstream, and the whole config as nginx syntax.

use stackscope_core::edit::Edit;
use stackscope_core::scenario::{Location, LocationAction};
use stackscope_core::server::nginx::{location_syntax, world_config_text};
use stackscope_core::Scenario;
use yew::prelude::*;

use crate::components::editors::draft::use_record_form;
use crate::components::editors::{form, use_pending, EditLine};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub world: Shared<Scenario>,
    /// Where an edit goes to be checked and applied.
    pub line: EditLine,
}

/// The location form's fields, as typed.
#[derive(Clone, PartialEq)]
struct LocationFields {
    modifier: String,
    pattern: String,
    action: String,
    argument: String,
}

fn blank() -> LocationFields {
    LocationFields {
        modifier: "=".into(),
        pattern: String::new(),
        action: "return".into(),
        argument: String::new(),
    }
}

/// A location as the form holds it.
fn fields(l: &Location) -> LocationFields {
    let (action, argument) = match &l.action {
        LocationAction::Static => ("static", String::new()),
        LocationAction::Proxy { upstream } => ("proxy", upstream.clone()),
        LocationAction::Return { status, text } => ("return", format!("{status} {text}")),
    };
    LocationFields {
        modifier: l.modifier.syntax().trim().to_string(),
        pattern: l.pattern.clone(),
        action: action.to_string(),
        argument: argument.trim().to_string(),
    }
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
    let form = use_record_form::<LocationFields, usize>(blank());
    let pending = use_pending(&props.line);
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

    let submit = {
        let pending = pending.clone();
        form.on_submit(move |form| {
            let f = form.fields().clone();
            let e = Edit::PutLocation {
                index: form.editing(),
                modifier: f.modifier,
                pattern: f.pattern,
                action: f.action,
                argument: f.argument,
            };
            form.apply(&pending, e);
        })
    };
    let submit_upstream = {
        let pending = pending.clone();
        let (upstream, upstream_error) = (upstream.clone(), upstream_error.clone());
        form::on_submit(Callback::from(move |()| {
            let e = Edit::SetUpstream {
                upstream: (*upstream).clone(),
            };
            let upstream_error = upstream_error.clone();
            pending.send(e, move |outcome| upstream_error.set(outcome.err()));
        }))
    };

    let n = cfg.locations.len();
    let editing = form.editing();
    let items = cfg.locations.iter().enumerate().map(|(i, l)| {
        let syntax = location_syntax(l);
        // Moving or deleting keeps what is typed for a new location; a
        // location being changed is no longer at its place.
        let around = |e: Edit| {
            let (form, pending) = (form.clone(), pending.clone());
            Callback::from(move |_: MouseEvent| form.apply_around(&pending, e.clone()))
        };
        let on_up = around(Edit::MoveLocationUp { index: i });
        let on_delete = around(Edit::DeleteLocation { index: i });
        let on_edit = form.on_edit(i, fields(l));
        html! {
            <li data-index={i.to_string()} class={classes!((editing == Some(i)).then_some("editing"))}>
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
    let (arg_label, arg_hint) = match form.fields().action.as_str() {
        "return" => ("Status and text", "410 Gone"),
        "proxy" => ("Upstream address", "127.0.0.1:8000"),
        _ => ("Argument (unused)", ""),
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
                { form.select("loc-modifier", "Modifier", &modifiers, |f| &mut f.modifier) }
                { form.text_with("loc-pattern", "Pattern", |f| &mut f.pattern, "/about", "text") }
                { form.select("loc-action", "Action", &actions, |f| &mut f.action) }
                { form.text_with("loc-argument", arg_label, |f| &mut f.argument, arg_hint, "text") }
                { form.buttons("loc", "location") }
            </form>
            { form.alert("location-error") }
            <form id="upstream-form" class="ed-form" onsubmit={submit_upstream} aria-label="Upstream">
                { form::text_with("upstream", "Upstream of every proxy_pass", &upstream, "127.0.0.1:8000", "text") }
                <div class="ed-buttons">
                    <button type="submit" id="upstream-submit">{ "Set upstream" }</button>
                </div>
            </form>
            { form::alert("upstream-error", &upstream_error) }
            <details class="nginx-config" open=true>
                <summary>{ "The config as nginx reads it" }</summary>
                <pre id="nginx-config" class="code" tabindex="0" aria-label="The server block as nginx syntax">{ world_config_text(&props.world) }</pre>
            </details>
        </section>
    }
}
