//! The DNS zone editor: the records of foobar.com, with edit and delete, and a form to add or change an A, AAAA or CNAME record.

use stackscope_core::edit::{Edit, RecordInput};
use stackscope_core::scenario::RecordData;
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

/// `(type, value)` as a zone file shows them.
fn show(data: &RecordData) -> (&'static str, String) {
    match data {
        RecordData::A(ip) => ("A", ip.to_string()),
        RecordData::Aaaa(ip) => ("AAAA", ip.to_string()),
        RecordData::Cname(t) => ("CNAME", format!("{t}.")),
    }
}

#[component]
pub fn ZoneEditor(props: &Props) -> Html {
    let editing = use_state(|| None::<usize>);
    let name = use_state(String::new);
    let kind = use_state(|| "A".to_string());
    let ttl = use_state(|| "300".to_string());
    let value = use_state(String::new);
    let error = use_state(|| None::<String>);

    let Some(zone) = props.world.dns.zones.first() else {
        return html! {
            <section id="zone-editor" class="editor"><h3>{ "DNS zone" }</h3>
                <p>{ "This world has no zone to edit." }</p></section>
        };
    };
    let origin = zone.origin.clone();

    let clear = {
        let (editing, name, kind, ttl, value, error) = (
            editing.clone(),
            name.clone(),
            kind.clone(),
            ttl.clone(),
            value.clone(),
            error.clone(),
        );
        move || {
            editing.set(None);
            name.set(String::new());
            kind.set("A".into());
            ttl.set("300".into());
            value.set(String::new());
            error.set(None);
        }
    };

    let apply = {
        let world = props.world.clone();
        let on_apply = props.on_apply.clone();
        let error = error.clone();
        move |e: Edit| apply_edit(&world, &on_apply, &e, &error)
    };

    let submit = {
        let apply = apply.clone();
        let clear = clear.clone();
        let (editing, name, kind, ttl, value) = (
            editing.clone(),
            name.clone(),
            kind.clone(),
            ttl.clone(),
            value.clone(),
        );
        form::on_submit(Callback::from(move |()| {
            let e = Edit::PutRecord {
                index: *editing,
                record: RecordInput {
                    name: (*name).clone(),
                    kind: (*kind).clone(),
                    ttl: (*ttl).clone(),
                    value: (*value).clone(),
                },
            };
            if apply(e) {
                clear();
            }
        }))
    };

    let rows = zone.records.iter().enumerate().map(|(i, r)| {
        let (t, v) = show(&r.data);
        let on_edit = {
            let (editing, name, kind, ttl, value, error) = (
                editing.clone(),
                name.clone(),
                kind.clone(),
                ttl.clone(),
                value.clone(),
                error.clone(),
            );
            let (rname, rttl, rv) = (r.name.clone(), r.ttl, v.clone());
            Callback::from(move |_: MouseEvent| {
                editing.set(Some(i));
                name.set(rname.clone());
                kind.set(t.to_string());
                ttl.set(rttl.to_string());
                value.set(rv.trim_end_matches('.').to_string());
                error.set(None);
            })
        };
        let on_delete = {
            let apply = apply.clone();
            let clear = clear.clone();
            let editing = editing.clone();
            // What is being typed for a new record stays; a record being
            // changed is no longer at its index.
            Callback::from(move |_: MouseEvent| {
                if apply(Edit::DeleteRecord { index: i }) && editing.is_some() {
                    clear();
                }
            })
        };
        let label = format!("{} {t} {v}", r.name);
        html! {
            <tr data-index={i.to_string()} class={classes!((*editing == Some(i)).then_some("editing"))}>
                <td><code>{ format!("{}.", r.name) }</code></td>
                <td class="num">{ r.ttl }</td>
                <td>{ t }</td>
                <td><code>{ v }</code></td>
                <td class="actions">
                    <button type="button" class="zone-edit" aria-label={format!("Edit {label}")}
                        onclick={on_edit}>{ "Edit" }</button>
                    <button type="button" class="zone-delete" aria-label={format!("Delete {label}")}
                        onclick={on_delete}>{ "Delete" }</button>
                </td>
            </tr>
        }
    });

    let kinds: Vec<(String, String)> = ["A", "AAAA", "CNAME"]
        .iter()
        .map(|k| (k.to_string(), k.to_string()))
        .collect();
    let cancel = {
        let clear = clear.clone();
        Callback::from(move |_: MouseEvent| clear())
    };

    html! {
        <section id="zone-editor" class="editor" aria-labelledby="zone-editor-title">
            <h3 id="zone-editor-title">{ format!("DNS zone {origin}") }</h3>
            <p class="hint">
                { format!("Served by {} ({}), which answers as Knot DNS 3.2 does (names are case-insensitive; \
                   a CNAME chain is followed 5 links at most). A name without a dot is relative to {origin}; \
                   the resolver's cache starts empty after an edit.", zone.ns_name, zone.ns_ip) }
            </p>
            <div class="table-x zone-table" role="region" aria-label="Records of the zone">
                <table id="zone-records" class="result">
                    <thead><tr>
                        <th scope="col">{ "Name" }</th><th scope="col">{ "TTL (s)" }</th>
                        <th scope="col">{ "Type" }</th><th scope="col">{ "Value" }</th>
                        <th scope="col" class="actions"><span class="visually-hidden">{ "Actions" }</span></th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <form id="zone-form" class="ed-form" onsubmit={submit}
                aria-label={if editing.is_some() { "Change a record" } else { "Add a record" }}>
                { form::text_with("zone-name", "Name", &name, "www", "text") }
                { form::select("zone-type", "Type", &kinds, &kind) }
                { form::text_with("zone-ttl", "TTL (seconds)", &ttl, "300", "numeric") }
                { form::text_with("zone-value", "Value", &value, "203.0.113.80", "text") }
                <div class="ed-buttons">
                    <button type="submit" id="zone-submit">
                        { if editing.is_some() { "Save record" } else { "Add record" } }
                    </button>
                    if editing.is_some() {
                        <button type="button" id="zone-cancel" onclick={cancel}>{ "Cancel" }</button>
                    }
                </div>
            </form>
            { form::alert("zone-error", &error) }
        </section>
    }
}
