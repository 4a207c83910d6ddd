//! The firewall editor (secured design): each machine's rules as nftables
//! text, validated on Apply; who can connect to which port, read from the
//! rules; and a port sweep of the public address from the internet, with
//! and without the balancer's firewall.

use std::net::Ipv4Addr;

use stackscope_core::edit::Edit;
use stackscope_core::firewall::{self, Ruleset, Seen};
use stackscope_core::{Scenario, Topology};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::editors::{form, use_pending, EditLine};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub world: Shared<Scenario>,
    /// Where an edit goes to be checked and applied.
    pub line: EditLine,
}

/// The ports a sweep tries (and the editor's table shows).
const PORTS: [u16; 6] = [22, 80, 443, 3306, 8000, 8080];

/// What listens on a machine, by its role: sshd everywhere, the balancer's
/// 80 and 443, Nginx's 80, the application's 8000 on a machine of its own,
/// MariaDB's 3306.
fn listening(world: &Scenario, host: &str) -> Vec<u16> {
    let Topology::Redundant(c) = &world.topology else {
        return Vec::new();
    };
    if host == c.lb.hostname {
        let mut v = vec![22, 80];
        if c.lb.https.as_ref().is_some_and(|h| h.listening) {
            v.push(443);
        }
        v
    } else if c.web.iter().any(|w| w.hostname == host) {
        vec![22, 80]
    } else if c.app_tier.iter().any(|a| a.hostname == host) {
        // The application on its own machine (split tiers).
        vec![22, stackscope_core::scenario::APP_PORT]
    } else {
        vec![22, 3306]
    }
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

/// The machines that could connect to `host`, with their addresses.
fn sources(world: &Scenario, host: &str) -> Vec<(String, Ipv4Addr)> {
    let Topology::Redundant(c) = &world.topology else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if host == c.lb.hostname {
        out.push((
            format!("the internet (the learner, {})", world.client.ip),
            world.client.ip,
        ));
    }
    out.push((
        format!("the admin network ({})", firewall::ADMIN_IP),
        firewall::ADMIN_IP,
    ));
    if host != c.lb.hostname {
        out.push((
            format!(
                "{} ({})",
                c.lb.hostname,
                stackscope_core::scenario::LB_INSIDE_IP
            ),
            stackscope_core::scenario::LB_INSIDE_IP,
        ));
    }
    if let Some(p) = c.pair.as_ref().filter(|_| host != c.lb.hostname) {
        out.push((format!("{} ({})", p.hostname, p.inside_ip), p.inside_ip));
    }
    for w in &c.web {
        if w.hostname != host {
            out.push((format!("{} ({})", w.hostname, w.ip), w.ip));
        }
    }
    for a in &c.app_tier {
        if a.hostname != host {
            out.push((format!("{} ({})", a.hostname, a.ip), a.ip));
        }
    }
    for d in [&c.db_primary, &c.db_replica] {
        if d.hostname != host {
            out.push((format!("{} ({})", d.hostname, d.ip), d.ip));
        }
    }
    out
}

fn table(id: &str, caption: String, rows: Vec<(String, Vec<Seen>)>) -> Html {
    html! {
        <>
        <p class="fw-caption" id={format!("{id}-caption")}>{ caption }</p>
        <div class="table-scroll">
            <table class="result fw-table" id={id.to_string()} aria-labelledby={format!("{id}-caption")}>
                <thead>
                    <tr>
                        <th scope="col">{ "From" }</th>
                        { for PORTS.iter().map(|p| html! { <th scope="col">{ p.to_string() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for rows.into_iter().map(|(from, seen)| html! {
                        <tr>
                            <th scope="row">{ from }</th>
                            { for seen.into_iter().map(|s| { let (w, c) = word(s); html! { <td class={c}>{ w }</td> } }) }
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
    let Topology::Redundant(c) = &props.world.topology else {
        return html! {};
    };
    let hosts: Vec<String> = c.firewalls.iter().map(|f| f.host.clone()).collect();
    let host = use_state(|| hosts.first().cloned().unwrap_or_default());
    let current = c
        .firewalls
        .iter()
        .find(|f| f.host == *host)
        .or(c.firewalls.first())
        .map(|f| (f.host.clone(), f.rules.clone()))
        .unwrap_or_default();
    let draft = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let pending = use_pending(&props.line);
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

    // Who can connect, from the rules as they are in the world.
    let rules: Option<Ruleset> = c.firewall(&current.0);
    let open = listening(&props.world, &current.0);
    let who = sources(&props.world, &current.0)
        .into_iter()
        .map(|(label, ip)| {
            let seen = PORTS
                .iter()
                .map(|p| match &rules {
                    Some(r) => r.seen(ip, *p, open.contains(p)),
                    None if open.contains(p) => Seen::Open,
                    None => Seen::Refused,
                })
                .collect();
            (label, seen)
        })
        .collect();

    // The sweep: a stranger on the internet tries every port of 8.8.8.8.
    let stranger = Ipv4Addr::new(203, 0, 113, 5);
    let lb_open = listening(&props.world, &c.lb.hostname);
    let lb_rules = c.firewall(&c.lb.hostname);
    let without: Vec<Seen> = PORTS
        .iter()
        .map(|p| {
            if lb_open.contains(p) {
                Seen::Open
            } else {
                Seen::Refused
            }
        })
        .collect();
    let with: Vec<Seen> = PORTS
        .iter()
        .map(|p| match &lb_rules {
            Some(r) => r.seen(stranger, *p, lb_open.contains(p)),
            None => without[PORTS.iter().position(|q| q == p).unwrap_or(0)],
        })
        .collect();
    let sweep = vec![
        (
            format!("{stranger}, without {}'s firewall", c.lb.hostname),
            without,
        ),
        (format!("{stranger}, with it"), with),
    ];

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
            { table("fw-who", format!("Who can connect to {} (what listens: {})", current.0, open.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")), who) }
            { table("fw-sweep", format!("A port sweep of {} from the internet, as nmap would report it", c.lb.ip), sweep) }
            <p class="ed-note">
                { "open: a SYN-ACK came back; closed: a reset (the port answers, nothing listens, or a reject); filtered: no answer at all, so the scanner cannot even tell whether something is there." }
            </p>
        </section>
    }
}
