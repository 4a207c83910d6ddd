//! A plain-text rendering of a trace: what snapshot tests compare, and a readable export.

use std::fmt::Write;

use crate::trace::{Outcome, Payload, Trace};

fn hex(bytes: &[u8]) -> String {
    bytes
        .chunks(16)
        .map(|c| {
            c.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn indent(text: &str, pad: &str) -> String {
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

/// Every step with its timing, explanation and payload.
pub fn text(t: &Trace) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "input: {}", t.input);
    let _ = match &t.outcome {
        Outcome::Response { status, reason } => writeln!(s, "outcome: HTTP {status} {reason}"),
        Outcome::BrowserError {
            code,
            headline,
            detail,
        } => {
            writeln!(s, "outcome: browser error {code}: {headline}. {detail}")
        }
        Outcome::InvalidInput { reason } => writeln!(s, "outcome: invalid input: {reason}"),
    };
    let _ = writeln!(
        s,
        "page: {} ({} bytes of HTML) at {}",
        t.page.title,
        t.page.html.len(),
        t.page.url
    );
    let _ = writeln!(s, "total: {:.3} ms", t.total_us() as f64 / 1000.0);
    for (phase, a, b) in t.phases() {
        let _ = writeln!(
            s,
            "phase {}: {:.3}–{:.3} ms",
            phase.label(),
            a as f64 / 1000.0,
            b as f64 / 1000.0
        );
    }
    for sp in &t.spans {
        let _ = writeln!(
            s,
            "span {:?} {}: {}–{} µs",
            sp.component, sp.label, sp.start_us, sp.end_us
        );
    }
    for (i, st) in t.steps.iter().enumerate() {
        let node = st
            .node
            .map(|n| format!(" @web-0{}", n + 1))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "\n#{:02} {:>10.3} ms +{:.3} {:?} -> {:?}{node} [{:?}] {:?}: {}",
            i + 1,
            st.at_us as f64 / 1000.0,
            st.duration_us as f64 / 1000.0,
            st.from,
            st.to,
            st.phase,
            st.status,
            st.title
        );
        let _ = writeln!(s, "    {}", st.explanation);
        match &st.payload {
            Payload::None => {}
            Payload::Url {
                href,
                scheme,
                host,
                port,
                path,
                query,
                ..
            } => {
                let _ = writeln!(s, "    url {href} scheme={scheme} host={host} port={port} path={path} query={query:?}");
            }
            Payload::Dns(m) => {
                s.push_str(&indent(&hex(&m.bytes), "    | "));
                for f in &m.fields {
                    let _ = writeln!(s, "    @{}+{} {} = {}", f.start, f.len, f.name, f.value);
                }
                s.push_str(&indent(&m.decoded.join("\n"), "    ; "));
            }
            Payload::DnsCache {
                name,
                entries,
                ttl_left_s,
            } => {
                let _ = writeln!(s, "    cache {name}: {entries:?} ttl_left={ttl_left_s:?}");
            }
            Payload::Tcp { segments } => s.push_str(&indent(&segments.join("\n"), "    tcp ")),
            Payload::Http { text } => s.push_str(&indent(&text.replace("\r\n", "⏎\n"), "    > ")),
            Payload::Tls { records } => {
                for r in records {
                    let _ = writeln!(s, "    tls {} ({} bytes)", r.label, r.bytes.len());
                    for f in &r.fields {
                        let _ = writeln!(s, "    @{}+{} {} = {}", f.start, f.len, f.name, f.value);
                    }
                    if let Some(p) = &r.decrypted {
                        let _ = writeln!(s, "    decrypted with {}", p.secret);
                        for f in &p.fields {
                            let _ =
                                writeln!(s, "    ·@{}+{} {} = {}", f.start, f.len, f.name, f.value);
                        }
                        for c in &p.certificates {
                            for (k, v) in &c.rows {
                                let _ = writeln!(s, "    cert {k}: {v}");
                            }
                        }
                        if let Some(h) = &p.http {
                            s.push_str(&indent(&h.replace("\r\n", "⏎\n"), "    > "));
                        }
                    }
                }
            }
            Payload::NginxMatch {
                location,
                considered,
                ..
            } => {
                let _ = writeln!(s, "    chose {location}");
                s.push_str(&indent(&considered.join("\n"), "    considered "));
            }
            Payload::StaticFile {
                path,
                content_type,
                size,
            } => {
                let _ = writeln!(s, "    file {path} {content_type} {size} bytes");
            }
            Payload::Balance {
                algorithm,
                servers,
                chosen,
            } => {
                let _ = writeln!(s, "    balance {algorithm} chose {chosen:?}");
                s.push_str(&indent(&servers.join("\n"), "    server "));
            }
            Payload::Route { pattern, handler } => {
                let _ = writeln!(s, "    route {pattern} -> {handler}");
            }
            Payload::Sql(q) => {
                let _ = writeln!(s, "    sql {} params {:?}", q.sql, q.params);
                let _ = writeln!(
                    s,
                    "    columns {:?} vm_steps={} cost={} µs",
                    q.columns, q.vm_steps, q.cost_us
                );
                for r in &q.rows {
                    let _ = writeln!(s, "    row {r:?}");
                }
            }
            Payload::Html { title, bytes } => {
                let _ = writeln!(s, "    html \"{title}\" {bytes} bytes");
            }
        }
    }
    s
}
