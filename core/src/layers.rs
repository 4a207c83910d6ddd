//! The browser's conversation with the site, layer by layer: what one trace
//! shows at the application (HTTP, and DNS before it), security (TLS),
//! transport (TCP) and internet (IPv4) layers, read off the trace's own
//! steps and bytes. The layers are the Internet's (RFC 1122 §1.1.3); the
//! link layer below them is not modelled, and the view says so.

use crate::trace::{Component, Payload, Status, Step, Trace};

/// How far a layer got in this trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// It did its part.
    Carried,
    /// It was used and failed: the step that failed is in [`Layer::steps`].
    Failed,
    /// The conversation stopped below it: it never carried anything.
    NotReached,
    /// Stackscope does not model it.
    NotModelled,
}

impl Reach {
    fn of(used: bool, failed: bool) -> Reach {
        match (used, failed) {
            (false, _) => Reach::NotReached,
            (true, true) => Reach::Failed,
            (true, false) => Reach::Carried,
        }
    }
}

/// One row of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// A stable key: `http`, `dns`, `tls`, `tcp`, `ip` or `link`.
    pub key: &'static str,
    /// The layer's name: "Application", "Security", "Transport", "Internet", "Link".
    pub layer: &'static str,
    /// The protocol at that layer here: "HTTP/1.1", "TLS 1.3", "TCP", "IPv4".
    pub protocol: String,
    /// What names the other end at this layer ("Host: www.foobar.com",
    /// "port 55805 → port 80", "198.51.100.23 → 8.8.8.8").
    pub addressing: String,
    /// What it carried in this trace, in one sentence computed from it.
    pub summary: String,
    pub reach: Reach,
    /// The steps (indices into [`Trace::steps`]) that show it, in order.
    pub steps: Vec<usize>,
}

/// The layers of `trace`, top (application) to bottom (link). DNS comes
/// after HTTP: it is an application protocol too, used before any of the
/// layers below HTTP are.
pub fn of(trace: &Trace) -> Vec<Layer> {
    let tcp = tcp(trace);
    let tls = tls(trace);
    let stopped_below = |here: &str| -> String {
        match (&tcp.reach, tls.as_ref().map(|t| t.reach)) {
            (Reach::Failed, _) => format!("{here}: the TCP connection failed first."),
            (Reach::NotReached, _) => {
                format!("{here}: the browser never got as far as a connection.")
            }
            (_, Some(Reach::Failed)) => format!("{here}: the TLS handshake failed first."),
            _ => format!("{here}."),
        }
    };
    let mut out = vec![http(trace, &stopped_below)];
    out.push(dns(trace));
    if let Some(tls) = tls {
        out.push(tls);
    }
    let ip = ip(trace, &tcp);
    out.push(tcp);
    out.push(ip);
    out.push(Layer {
        key: "link",
        layer: "Link",
        protocol: "Wi-Fi, Ethernet, …".into(),
        addressing: "MAC addresses, one link at a time".into(),
        summary: "Not modelled: the frames from router to router along the way. Their time is inside the modelled latency of each crossing.".into(),
        reach: Reach::NotModelled,
        steps: Vec::new(),
    });
    out
}

/// Whether a step crosses between the browser and the site (the far end of
/// its TCP connection), not the DNS resolver.
fn with_site(s: &Step) -> bool {
    let site = |c: Component| {
        matches!(
            c,
            Component::Server | Component::Nginx | Component::LoadBalancer | Component::OtherHost
        )
    };
    (s.from == Component::Browser && site(s.to)) || (s.to == Component::Browser && site(s.from))
}

/// The HTTP text a step carries to or from the browser: in the clear, or
/// inside a TLS record (shown decrypted).
fn http_text(s: &Step) -> Option<&str> {
    match &s.payload {
        Payload::Http { text } => Some(text),
        Payload::Tls { records } => records
            .iter()
            .filter_map(|r| r.decrypted.as_ref())
            .find_map(|p| p.http.as_deref()),
        _ => None,
    }
}

fn http(trace: &Trace, stopped_below: &dyn Fn(&str) -> String) -> Layer {
    let mut steps = Vec::new();
    let mut request: Option<&str> = None;
    let mut response: Option<&str> = None;
    let mut failed = false;
    for (i, s) in trace.steps.iter().enumerate() {
        if !with_site(s) {
            continue;
        }
        let Some(text) = http_text(s) else { continue };
        steps.push(i);
        failed |= s.status == Status::Fail;
        if s.from == Component::Browser {
            request.get_or_insert(text);
        } else {
            response = Some(text);
        }
    }
    let first_line = |t: &str| t.lines().next().unwrap_or("").trim_end().to_string();
    let header = |t: &str, name: &str| {
        t.lines()
            .take_while(|l| !l.trim().is_empty())
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    };
    let Some(req) = request else {
        return Layer {
            key: "http",
            layer: "Application",
            protocol: "HTTP/1.1".into(),
            addressing: "the Host header and the path".into(),
            summary: stopped_below("No HTTP request was sent"),
            reach: Reach::NotReached,
            steps,
        };
    };
    let line = first_line(req);
    let target = line.split(' ').nth(1).unwrap_or("/");
    // `GET /`, without the version.
    let asked = line.rsplit_once(' ').map_or(line.as_str(), |(l, _)| l);
    let host = header(req, "host").unwrap_or_else(|| "(none)".into());
    let (summary, reach) = match response {
        Some(resp) => {
            let status = first_line(resp);
            let status = status.split_once(' ').map_or(status.as_str(), |(_, s)| s);
            (
                format!(
                    "{asked} → {status}: {} bytes of request, {} bytes of response, as text.",
                    req.len(),
                    resp.len()
                ),
                if failed {
                    Reach::Failed
                } else {
                    Reach::Carried
                },
            )
        }
        None => (
            format!(
                "{asked} was sent ({} bytes); no response came back.",
                req.len()
            ),
            Reach::Failed,
        ),
    };
    Layer {
        key: "http",
        layer: "Application",
        protocol: line
            .rsplit(' ')
            .next()
            .filter(|v| v.starts_with("HTTP/"))
            .unwrap_or("HTTP/1.1")
            .to_string(),
        addressing: format!("Host: {host}, path {target}"),
        summary,
        reach,
        steps,
    }
}

fn dns(trace: &Trace) -> Layer {
    let mut steps = Vec::new();
    let mut messages = 0usize;
    let mut bytes = 0usize;
    let mut servers = 0usize;
    let mut failed = false;
    for (i, s) in trace.steps.iter().enumerate() {
        match &s.payload {
            Payload::Dns(m) => {
                steps.push(i);
                messages += 1;
                bytes += m.bytes.len();
                if s.from == Component::Resolver && s.to != Component::Browser {
                    servers += 1;
                }
            }
            Payload::DnsCache { .. } => steps.push(i),
            _ => continue,
        }
        failed |= s.status == Status::Fail;
    }
    let answer = trace
        .steps
        .iter()
        .rev()
        .find(|s| s.to == Component::Browser && matches!(s.payload, Payload::Dns(_)))
        .map(|s| s.title.clone());
    let typed_ip = trace
        .steps
        .iter()
        .any(|s| matches!(s.payload, Payload::Tcp { .. }));
    let summary = if messages == 0 && typed_ip {
        "No lookup: the address was typed as a number, so no name needed resolving.".to_string()
    } else if messages == 0 {
        "No lookup was made.".to_string()
    } else {
        let asked = match servers {
            0 => "answered from its cache".to_string(),
            1 => "asked 1 name server".to_string(),
            n => format!("asked {n} name servers in turn"),
        };
        format!(
            "{messages} messages, {bytes} bytes in all, each one UDP datagram to or from port 53; the resolver {asked}.{}",
            answer.map(|a| format!(" {a}.")).unwrap_or_default()
        )
    };
    Layer {
        key: "dns",
        layer: "Application",
        protocol: "DNS".into(),
        addressing: "the name asked for, sent to the resolver's IP, port 53".into(),
        summary,
        reach: Reach::of(messages > 0, failed),
        steps,
    }
}

fn tls(trace: &Trace) -> Option<Layer> {
    let mut steps = Vec::new();
    let mut records = 0usize;
    let mut handshake = 0usize;
    let mut sni: Option<String> = None;
    let mut failed = false;
    for (i, s) in trace.steps.iter().enumerate() {
        let is_tls = matches!(s.payload, Payload::Tls { .. }) || s.phase == crate::Phase::Tls;
        if !is_tls || !(with_site(s) || s.from == s.to) {
            continue;
        }
        steps.push(i);
        failed |= s.status == Status::Fail;
        if let Payload::Tls { records: rs } = &s.payload {
            for r in rs {
                records += 1;
                if s.phase == crate::Phase::Tls {
                    handshake += 1;
                }
                if sni.is_none() {
                    sni = r
                        .fields
                        .iter()
                        .find(|f| f.name == "Extension: server_name")
                        .and_then(|f| f.value.split('"').nth(1))
                        .map(str::to_string);
                }
            }
        }
    }
    if steps.is_empty() {
        return None;
    }
    let summary = if failed {
        let why = trace
            .steps
            .iter()
            .find(|s| s.phase == crate::Phase::Tls && s.status == Status::Fail)
            .map_or("the handshake failed", |s| s.title.as_str());
        format!("The handshake stopped: {why} ({handshake} records in all). No HTTP was sent.")
    } else {
        format!(
            "{handshake} records to agree on keys and check the certificate (one round trip), then {} more encrypted records, which carry the HTTP.",
            records - handshake
        )
    };
    Some(Layer {
        key: "tls",
        layer: "Security",
        protocol: "TLS 1.3".into(),
        addressing: match sni {
            Some(name) => format!("server_name {name}, sent in clear text"),
            None => "the site's name in the ClientHello".into(),
        },
        summary,
        reach: Reach::of(true, failed),
        steps,
    })
}

/// An address and a port, as text.
type End<'a> = (&'a str, &'a str);

/// `a.b.c.d:port → e.f.g.h:port [FLAGS] …`, as the TCP steps write their segments.
fn endpoints(segment: &str) -> Option<(End<'_>, End<'_>)> {
    let (from, rest) = segment.split_once(" → ")?;
    let to = rest.split_whitespace().next()?;
    Some((from.rsplit_once(':')?, to.rsplit_once(':')?))
}

fn tcp(trace: &Trace) -> Layer {
    let mut steps = Vec::new();
    let mut segments: Vec<&str> = Vec::new();
    let mut failed = false;
    let mut first_at = None;
    let mut connected_at = None;
    for (i, s) in trace.steps.iter().enumerate() {
        let Payload::Tcp { segments: seg } = &s.payload else {
            continue;
        };
        steps.push(i);
        // The round trip runs from the SYN that was answered (a pair's
        // failover leaves earlier ones unanswered).
        if connected_at.is_none()
            && s.status == Status::Ok
            && seg.iter().any(|g| g.contains("[SYN]"))
        {
            first_at = Some(s.at_us);
        }
        failed |= s.status == Status::Fail;
        segments.extend(seg.iter().map(String::as_str));
        if s.status == Status::Ok && seg.iter().any(|g| g.contains("[ACK]")) {
            connected_at.get_or_insert(s.end_us());
        }
    }
    let ends = segments.first().and_then(|s| endpoints(s));
    let addressing = match ends {
        Some(((_, sport), (_, dport))) => format!("port {sport} → port {dport}"),
        None => "a port at each end".into(),
    };
    let flags: Vec<String> = segments
        .iter()
        .filter_map(|s| Some(s.split_once('[')?.1.split_once(']')?.0))
        .map(|f| format!("[{f}]"))
        .fold(Vec::<(String, usize)>::new(), |mut acc, f| {
            match acc.last_mut() {
                Some((last, n)) if *last == f => *n += 1,
                _ => acc.push((f, 1)),
            }
            acc
        })
        .into_iter()
        .map(|(f, n)| if n > 1 { format!("{f} ×{n}") } else { f })
        .collect();
    let summary = if segments.is_empty() {
        "No connection was opened.".to_string()
    } else if failed {
        let why = trace
            .steps
            .iter()
            .filter(|s| matches!(s.payload, Payload::Tcp { .. }) && s.status == Status::Fail)
            .map(|s| s.title.as_str())
            .next_back()
            .unwrap_or("the connection failed");
        format!("Segments {}. {why}.", flags.join(" "))
    } else {
        let rtt = match (first_at, connected_at) {
            (Some(a), Some(b)) if b >= a => format!(
                " cost one round trip ({:.1} ms) before anything else could be sent",
                (b - a) as f64 / 1000.0
            ),
            _ => String::new(),
        };
        format!(
            "The three-way handshake {}{rtt}; then the connection carries the bytes above it both ways, in order.",
            flags.join(" ")
        )
    };
    Layer {
        key: "tcp",
        layer: "Transport",
        protocol: "TCP".into(),
        addressing,
        summary,
        reach: Reach::of(!segments.is_empty(), failed),
        steps,
    }
}

fn ip(trace: &Trace, tcp: &Layer) -> Layer {
    let segment = trace.steps.iter().find_map(|s| match &s.payload {
        Payload::Tcp { segments } => segments.first(),
        _ => None,
    });
    let ends = segment.and_then(|s| endpoints(s));
    let steps: Vec<usize> = trace
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| with_site(s))
        .map(|(i, _)| i)
        .collect();
    let one_way = trace
        .steps
        .iter()
        .find(|s| matches!(s.payload, Payload::Tcp { .. }) && s.from == Component::Browser)
        .filter(|s| s.status == Status::Ok)
        .map(|s| s.duration_us);
    // A SYN that got no answer at all (no SYN-ACK, no reset) was lost on
    // the way or dropped: the packet never came back.
    let lost = trace.steps.iter().any(|s| match &s.payload {
        Payload::Tcp { segments } => {
            s.status == Status::Fail && !segments.iter().any(|g| g.contains("RST"))
        }
        _ => false,
    });
    let looked_up = trace
        .steps
        .iter()
        .any(|s| matches!(s.payload, Payload::Dns(_)));
    let origin = if looked_up {
        "the address DNS gave"
    } else {
        "the address typed"
    };
    let (addressing, summary) = match ends {
        Some(((src, _), (dst, _))) if lost => (
            format!("{src} → {dst}"),
            format!(
                "Packets went from {src} to {dst} ({origin}); none came back: the machine does not answer, or something on the way drops them."
            ),
        ),
        Some(((src, _), (dst, _))) => (
            format!("{src} → {dst}"),
            format!(
                "Every segment is a packet from {src} to {dst} ({origin}){}; routers forward it hop by hop on that address alone.",
                one_way
                    .map(|us| format!(", about {:.1} ms each way here (modelled)", us as f64 / 1000.0))
                    .unwrap_or_default()
            ),
        ),
        None => (
            "source and destination IP addresses".into(),
            "No packet was sent to the site.".into(),
        ),
    };
    Layer {
        key: "ip",
        layer: "Internet",
        protocol: "IPv4".into(),
        addressing,
        summary,
        reach: Reach::of(tcp.reach != Reach::NotReached, lost),
        steps,
    }
}

/// The view as text, one layer per line: for tests and the e2e's oracle.
pub fn text(layers: &[Layer]) -> String {
    let mut out = String::new();
    for l in layers {
        out.push_str(&format!(
            "{} · {} [{:?}] {} | {} | steps {:?}\n",
            l.layer,
            l.protocol,
            l.reach,
            l.addressing,
            l.summary,
            l.steps.iter().map(|i| i + 1).collect::<Vec<_>>()
        ));
    }
    out
}
