//! The inspector: the selected step's title, explanation, timing and payload.

use stackscope_core::trace::SqlQuery;
use stackscope_core::{Payload, Status, Step};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::components::hex_dump::HexDump;
use crate::format::duration;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub cursor: usize,
    /// The step at the cursor; `None` before the first request.
    pub step: Option<Step>,
}

/// A two-column table of named values.
fn kv(rows: Vec<(&str, String)>) -> Html {
    html! {
        <table class="kv">
            <tbody>
                { for rows.into_iter().map(|(k, v)| html! {
                    <tr><th scope="row">{ k }</th><td><code>{ v }</code></td></tr>
                }) }
            </tbody>
        </table>
    }
}

fn sql_view(q: &SqlQuery) -> Html {
    html! {
        <>
            <h3>{ "Statement" }</h3>
            <pre class="code sql">{ &q.sql }</pre>
            if !q.params.is_empty() {
                <h3>{ "Bound parameters" }</h3>
                <ol class="params">
                    { for q.params.iter().map(|p| html! { <li><code>{ p }</code></li> }) }
                </ol>
            }
            <h3>{ stackscope_core::server::db::result_heading(q) }</h3>
            <div class="table-x">
                <table class="result">
                    <thead>
                        <tr>{ for q.columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr>
                    </thead>
                    <tbody>
                        { for q.rows.iter().map(|row| html! {
                            <tr>{ for row.iter().map(|v| html! { <td>{ v }</td> }) }</tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="cost">
                { format!("SQLite took {} virtual-machine steps; modelled cost {}.", q.vm_steps, duration(q.cost_us)) }
            </p>
        </>
    }
}

fn payload_view(p: &Payload) -> Html {
    match p {
        Payload::None => html! {},
        Payload::Url {
            input,
            href,
            scheme,
            host,
            port,
            path,
            query,
        } => html! {
            <>
                <h3>{ "The URL, part by part" }</h3>
                { kv(vec![
                    ("Typed", input.clone()),
                    ("URL", href.clone()),
                    ("Scheme", scheme.clone()),
                    ("Host", host.clone()),
                    ("Port", port.to_string()),
                    ("Path", path.clone()),
                    ("Query", query.clone().unwrap_or_else(|| "(none)".into())),
                ]) }
            </>
        },
        Payload::Dns(msg) => html! {
            <>
                <h3>{ format!("DNS message on the wire ({} bytes, UDP port 53)", msg.bytes.len()) }</h3>
                <HexDump message={msg.clone()} />
                <h3>{ "Decoded" }</h3>
                <pre class="code">{ msg.decoded.join("\n") }</pre>
            </>
        },
        Payload::DnsCache {
            name,
            entries,
            ttl_left_s,
        } => html! {
            <>
                <h3>{ format!("Resolver cache lookup for {name}") }</h3>
                if entries.is_empty() {
                    <p class="badge miss">{ "✕ Miss: nothing cached, the resolver must ask." }</p>
                } else {
                    <p class="badge hit">
                        { "✓ Hit" }
                        if let Some(ttl) = ttl_left_s {
                            { format!(": {ttl} s of TTL left") }
                        }
                    </p>
                    <pre class="code">{ entries.join("\n") }</pre>
                }
            </>
        },
        Payload::Tcp { segments } => html! {
            <>
                <h3>{ "TCP segments" }</h3>
                <pre class="code">{ segments.join("\n") }</pre>
            </>
        },
        Payload::Http { text } => html! {
            <>
                <h3>{ format!("HTTP message exactly as sent ({} bytes)", text.len()) }</h3>
                <pre class="code http">{ text.replace("\r\n", "\n") }</pre>
            </>
        },
        Payload::Tls { records } => html! {
            <crate::components::tls_records::TlsRecords records={records.clone()} />
        },
        Payload::NginxMatch {
            location,
            reason,
            considered,
            config,
        } => html! {
            <>
                <h3>{ "Nginx chose" }</h3>
                <p><code>{ location }</code></p>
                <p>{ reason }</p>
                <h3>{ "Locations considered" }</h3>
                <ul class="considered">
                    { for considered.iter().map(|c| html! { <li><code>{ c }</code></li> }) }
                </ul>
                <h3>{ "Configuration" }</h3>
                <pre class="code">{ config }</pre>
            </>
        },
        Payload::StaticFile {
            path,
            content_type,
            size,
        } => html! {
            <>
                <h3>{ "Static file from the document root" }</h3>
                { kv(vec![
                    ("Path", path.clone()),
                    ("Content-Type", content_type.clone()),
                    ("Size", format!("{size} bytes")),
                ]) }
            </>
        },
        Payload::Balance {
            algorithm,
            servers,
            chosen,
        } => html! {
            <>
                <h3>{ "Load balancer" }</h3>
                { kv(vec![
                    ("Algorithm", algorithm.clone()),
                    ("Chosen", chosen.clone().unwrap_or_else(|| "(none: no healthy server)".into())),
                ]) }
                <h3>{ "Web servers as the load balancer sees them" }</h3>
                <pre class="code">{ servers.join("\n") }</pre>
            </>
        },
        Payload::Route { pattern, handler } => html! {
            <>
                <h3>{ "Application route" }</h3>
                { kv(vec![("Pattern", pattern.clone()), ("Handler", handler.clone())]) }
            </>
        },
        Payload::Sql(q) => sql_view(q),
        Payload::Html { title, bytes } => html! {
            <>
                <h3>{ "The page" }</h3>
                { kv(vec![("Title", title.clone()), ("Size", format!("{bytes} bytes"))]) }
            </>
        },
    }
}

/// The gap kept above the sticky inspector, px.
const GAP_PX: f64 = 8.0;

/// Where the sticky inspector stops (`top`, set through the CSSOM: the CSP
/// refuses `style` attributes). When it is taller than the window, its top
/// is above the window by the difference, so it scrolls with the page
/// until its bottom is in view and then stays: every line can be read,
/// without a scroll box of its own.
fn place(section: &NodeRef) {
    let (Some(el), Some(win)) = (section.cast::<HtmlElement>(), web_sys::window()) else {
        return;
    };
    let view = win
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let h = f64::from(el.offset_height());
    let top = GAP_PX.min(view - h - GAP_PX);
    let _ = el.style().set_property("top", &format!("{top:.0}px"));
}

/// The inspector's text before a first request.
const AT_REST: &str = "Press Go (or pick an example) to send the request. Each step's details, \
                       from DNS bytes to SQL rows, appear here.";

#[component]
pub fn Inspector(props: &Props) -> Html {
    let section = use_node_ref();
    {
        // Placed again when its height changes (a ResizeObserver reports
        // after the browser's own layout, so reading the height forces none
        // in the middle of a render) and when the window's does.
        let section = section.clone();
        use_effect_with((), move |_| {
            let on_size = {
                let section = section.clone();
                Closure::<dyn FnMut()>::new(move || place(&section))
            };
            let observer = web_sys::ResizeObserver::new(on_size.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, section.cast::<Element>()) {
                o.observe(&el);
            }
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "resize", move |_| place(&section)));
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop((on_size, listener));
            }
        });
    }
    let failed = props
        .step
        .as_ref()
        .is_some_and(|s| s.status == Status::Fail);
    html! {
        <section id="inspector" class="inspector" aria-labelledby="inspector-title" tabindex="0" ref={section}>
            // New once, with the first step: the title's text then starts
            // after "Step 1: ", which a reused text node would count as moved.
            <h2 id="inspector-title" key={if props.step.is_some() { "title-step" } else { "title" }}>
                if let Some(step) = &props.step {
                    <span class="step-no">{ format!("Step {}: ", props.cursor + 1) }</span>
                    { &step.title }
                } else {
                    { "Inspector" }
                }
            </h2>
            if failed {
                <p class="badge fail">{ "✕ This step failed" }</p>
            }
            // One paragraph from the first frame on, its text replaced step
            // by step: its box keeps its place (room for 4 lines,
            // style/main.css). A new paragraph each step was a new largest
            // paint each time a longer one came: a first visit's LCP moved
            // from 0.2 s to 4.6 s at 1350x940 as it played. It is new only
            // where the failure badge comes before it, which moves it.
            <p class="explanation" key={if failed { "text-after-badge" } else { "text" }}>
                { props.step.as_ref().map_or(AT_REST, |s| s.explanation.as_str()) }
            </p>
            if let Some(step) = &props.step {
                // The timing and the details are keyed by step: each step's
                // are new content, not the last step's moved down or up by a
                // longer or shorter text (a layout shift of 0.003-0.005 a
                // step while the first visit played by itself).
                <dl class="timing" key={format!("timing-{}", props.cursor)}>
                    <div><dt>{ "Starts at" }</dt><dd>{ duration(step.at_us) }</dd></div>
                    <div><dt>{ "Takes" }</dt><dd>{ duration(step.duration_us) }</dd></div>
                    <div><dt>{ "Phase" }</dt><dd>{ step.phase.label() }</dd></div>
                    <div>
                        <dt>{ "Where" }</dt>
                        <dd>
                            if step.from == step.to {
                                { step.to.label() }
                            } else {
                                { format!("{} → {}", step.from.label(), step.to.label()) }
                            }
                        </dd>
                    </div>
                </dl>
                <div class="payload" key={format!("payload-{}", props.cursor)}>{ payload_view(&step.payload) }</div>
            }
        </section>
    }
}
