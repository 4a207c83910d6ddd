//! The DNS zone editor: the records of foobar.com, with edit and delete, and a form to add or change an A, AAAA or CNAME record.

use stackscope_core::edit::{Edit, RecordInput};
use stackscope_core::scenario::RecordData;
use stackscope_core::Scenario;
use yew::prelude::*;

use crate::components::editors::draft::use_record_form;
use crate::components::editors::{use_pending, EditLine};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub world: Shared<Scenario>,
    /// Where an edit goes to be checked and applied.
    pub line: EditLine,
}

/// `(type, value)` as a zone file shows them.
fn show(data: &RecordData) -> (&'static str, String) {
    match data {
        RecordData::A(ip) => ("A", ip.to_string()),
        RecordData::Aaaa(ip) => ("AAAA", ip.to_string()),
        RecordData::Cname(t) => ("CNAME", format!("{t}.")),
    }
}

/// `text` cut after each dot and colon: where a name or an address may
/// wrap on a narrow screen ("www." "foobar." "com."), never inside a label.
fn pieces(text: &str) -> Vec<&str> {
    text.split_inclusive(['.', ':']).collect()
}

/// `text` in a `<code>`, which may wrap only after a dot or a colon (`<wbr>`).
fn wrapping_at_dots(text: &str) -> Html {
    let parts = pieces(text);
    let last = parts.len().saturating_sub(1);
    html! {
        <code>
            { for parts.into_iter().enumerate().map(|(i, p)| html! {
                <>{ p }if i < last { <wbr /> }</>
            }) }
        </code>
    }
}

/// The record form's fields, as typed.
#[derive(Clone, PartialEq)]
struct RecordFields {
    name: String,
    kind: String,
    ttl: String,
    value: String,
}

fn blank() -> RecordFields {
    RecordFields {
        name: String::new(),
        kind: "A".into(),
        ttl: "300".into(),
        value: String::new(),
    }
}

#[component]
pub fn ZoneEditor(props: &Props) -> Html {
    let form = use_record_form::<RecordFields, usize>(blank());
    let pending = use_pending(&props.line);

    let Some(zone) = props.world.dns.zones.first() else {
        return html! {
            <section id="zone-editor" class="editor"><h3>{ "DNS zone" }</h3>
                <p>{ "This world has no zone to edit." }</p></section>
        };
    };
    let origin = zone.origin.clone();

    let submit = {
        let pending = pending.clone();
        form.on_submit(move |form| {
            let f = form.fields().clone();
            let e = Edit::PutRecord {
                index: form.editing(),
                record: RecordInput {
                    name: f.name,
                    kind: f.kind,
                    ttl: f.ttl,
                    value: f.value,
                },
            };
            form.apply(&pending, e);
        })
    };

    let editing = form.editing();
    let rows = zone.records.iter().enumerate().map(|(i, r)| {
        let (t, v) = show(&r.data);
        let on_edit = form.on_edit(
            i,
            RecordFields {
                name: r.name.clone(),
                kind: t.to_string(),
                ttl: r.ttl.to_string(),
                value: v.trim_end_matches('.').to_string(),
            },
        );
        let on_delete = {
            let (form, pending) = (form.clone(), pending.clone());
            Callback::from(move |_: MouseEvent| {
                form.apply_around(&pending, Edit::DeleteRecord { index: i })
            })
        };
        let label = format!("{} {t} {v}", r.name);
        html! {
            <tr data-index={i.to_string()} class={classes!((editing == Some(i)).then_some("editing"))}>
                <td>{ wrapping_at_dots(&format!("{}.", r.name)) }</td>
                <td class="num">{ r.ttl }</td>
                <td>{ t }</td>
                <td>{ wrapping_at_dots(&v) }</td>
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
                { form.text_with("zone-name", "Name", |f| &mut f.name, "www", "text") }
                { form.select("zone-type", "Type", &kinds, |f| &mut f.kind) }
                { form.text_with("zone-ttl", "TTL (seconds)", |f| &mut f.ttl, "300", "numeric") }
                { form.text_with("zone-value", "Value", |f| &mut f.value, "203.0.113.80", "text") }
                { form.buttons("zone", "record") }
            </form>
            { form.alert("zone-error") }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn names_and_addresses_wrap_only_after_a_dot_or_a_colon() {
        assert_eq!(pieces("www.foobar.com."), ["www.", "foobar.", "com."]);
        assert_eq!(pieces("8.8.8.8"), ["8.", "8.", "8.", "8"]);
        assert_eq!(pieces("2001:db8::1"), ["2001:", "db8:", ":", "1"]);
        assert_eq!(pieces("localhost"), ["localhost"]);
        assert_eq!(pieces("").concat(), "");
    }
}
