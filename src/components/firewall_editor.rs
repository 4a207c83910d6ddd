//! The firewall editor (secured design): each machine's rules as nftables
//! text, validated on Apply; who can connect to which port, and a port
//! sweep of the public address from the internet, with and without the
//! balancer's firewall: both computed by the server from the rules
//! (`firewall::view`), drawn here.

use stackscope_core::edit::Edit;
use stackscope_core::firewall::view::{Firewalls, Row, PORTS};
use stackscope_core::firewall::Seen;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::editors::{form, use_pending, EditLine};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Each machine's rules and who can connect to it, computed by the
    /// server from the world (`firewall::view`): the page reads no rules.
    pub firewalls: Shared<Firewalls>,
    /// Where an edit goes to be checked and applied.
    pub line: EditLine,
}

/// nmap's words for what a SYN scan sees.
fn word(seen: Seen) -> (&'static str, &'static str) {
    match seen {
        Seen::Open => ("open", "fw-open"),
        Seen::Refused => ("closed", "fw-closed"),
        Seen::TimedOut => ("filtered", "fw-filtered"),
        Seen::Reset => ("reset after connecting", "fw-closed"),
        Seen::Hangs => ("silent after connecting", "fw-filtered"),
    }
}

fn table(id: &str, caption: String, rows: &[Row]) -> Html {
    html! {
        <>
        <p class="fw-caption" id={format!("{id}-caption")}>{ caption }</p>
        // Wider than the editor's column: the box scrolls, so it takes the
        // keyboard's focus (arrow keys scroll it) and is named by the caption.
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby={format!("{id}-caption")}>
            <table class="result fw-table" id={id.to_string()} aria-labelledby={format!("{id}-caption")}>
                <thead>
                    <tr>
                        <th scope="col">{ "From" }</th>
                        { for PORTS.iter().map(|p| html! { <th scope="col">{ p.to_string() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr>
                            <th scope="row">{ r.from.clone() }</th>
                            { for r.seen.iter().map(|s| { let (w, c) = word(*s); html! { <td class={c}>{ w }</td> } }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
        </>
    }
}

#[component]
pub fn FirewallEditor(props: &Props) -> Html {
    let f = &props.firewalls;
    let hosts: Vec<String> = f.machines.iter().map(|m| m.host.clone()).collect();
    let host = use_state(|| hosts.first().cloned().unwrap_or_default());
    let draft = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let pending = use_pending(&props.line);
    let Some(machine) = f
        .machines
        .iter()
        .find(|m| m.host == *host)
        .or(f.machines.first())
    else {
        return html! {};
    };
    let current = (machine.host.clone(), machine.rules.clone());
    let text = (*draft).clone().unwrap_or_else(|| current.1.clone());

    let on_host = {
        let (host, draft, error) = (host.clone(), draft.clone(), error.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            host.set(v);
            draft.set(None);
            error.set(None);
        })
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(Some(
                e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            ));
        })
    };
    let apply = {
        let (pending, draft, error) = (pending.clone(), draft.clone(), error.clone());
        let (host, rules) = (current.0.clone(), text.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (draft, error) = (draft.clone(), error.clone());
            pending.send(
                Edit::SetFirewall {
                    host: host.clone(),
                    rules: rules.clone(),
                },
                move |outcome| match outcome {
                    Ok(()) => {
                        draft.set(None);
                        error.set(None);
                    }
                    Err(m) => error.set(Some(m)),
                },
            );
        })
    };

    html! {
        <section class="editor fw-editor" id="firewall-editor" aria-labelledby="fw-title">
            <h3 id="fw-title">{ "Firewalls" }</h3>
            <p class="ed-note">
                { "Each machine filters the connections it receives (nftables syntax; the simulation reads ip saddr, tcp dport, iif \"lo\", ct state, counter, and accept, drop or reject). A drop leaves the client waiting; a reject answers at once. The conformance suite runs the same rules in Linux's own nftables." }
            </p>
            <form onsubmit={apply} novalidate=true>
                <label for="fw-host">{ "Machine" }</label>
                <select id="fw-host" onchange={on_host}>
                    { for hosts.iter().map(|h| html! { <option value={h.clone()} selected={*h == current.0}>{ h }</option> }) }
                </select>
                <label for="fw-rules">{ format!("{}'s input chain", current.0) }</label>
                <textarea id="fw-rules" class="code" rows="11" spellcheck="false" wrap="off" value={text} oninput={on_input} />
                <button type="submit" id="fw-apply">{ "Apply the rules" }</button>
            </form>
            { form::alert("fw-error", &error) }
            { table("fw-who", format!("Who can connect to {} (what listens: {})", current.0, machine.listening.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")), &machine.who) }
            { table("fw-sweep", format!("A port sweep of {} from the internet, as nmap would report it", f.public_ip), &f.sweep) }
            <p class="ed-note">
                { "open: a SYN-ACK came back; closed: a reset (the port answers, nothing listens, or a reject); filtered: no answer at all, so the scanner cannot even tell whether something is there." }
            </p>
        </section>
    }
}
