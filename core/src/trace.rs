//! The trace: the ordered, timestamped record of every step a request took.
//!
//! A trace is plain data. It crosses the worker boundary and is exported as
//! JSON, so every type here is serde-serialisable and holds no references.

use serde::{Deserialize, Serialize};

/// Every box on the diagram. A step happens *at* a component, or travels
/// *from* one component *to* another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Component {
    /// The learner's web browser on their own computer.
    Browser,
    /// The recursive DNS resolver (the ISP's or a public one).
    Resolver,
    /// A DNS root server.
    RootDns,
    /// The `com.` (or other TLD) name servers.
    TldDns,
    /// The authoritative name server for `foobar.com`.
    AuthDns,
    /// The public internet between the learner and the server.
    Internet,
    /// The server machine at `8.8.8.8` (its network stack).
    Server,
    /// Nginx, the web server.
    Nginx,
    /// The application server.
    App,
    /// The SQL database (SQLite compiled to wasm, playing MySQL's role).
    Database,
    /// A machine on the internet that is not ours (reached by a wrong DNS record).
    OtherHost,
    /// The load balancer in front of the web servers (redundant design only).
    LoadBalancer,
    /// The read replica of the database (redundant design only).
    Replica,
}

impl Component {
    /// All components, in diagram order.
    pub const ALL: [Component; 13] = [
        Component::Browser,
        Component::Resolver,
        Component::RootDns,
        Component::TldDns,
        Component::AuthDns,
        Component::Internet,
        Component::Server,
        Component::Nginx,
        Component::App,
        Component::Database,
        Component::OtherHost,
        Component::LoadBalancer,
        Component::Replica,
    ];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Component::Browser => "Browser",
            Component::Resolver => "DNS resolver",
            Component::RootDns => "Root name server",
            Component::TldDns => "TLD name server",
            Component::AuthDns => "foobar.com name server",
            Component::Internet => "Internet",
            Component::Server => "Server 8.8.8.8",
            Component::Nginx => "Nginx",
            Component::App => "Application server",
            Component::Database => "Database",
            Component::OtherHost => "Someone else's server",
            Component::LoadBalancer => "Load balancer",
            Component::Replica => "Database replica",
        }
    }
}

/// Whether a step went as the learner would hope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Ok,
    /// Something failed here; the explanation says what the user sees.
    Fail,
}

/// The phase of the request in DevTools' vocabulary, for the waterfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Phase {
    /// Parsing what the user typed.
    Input,
    /// DNS lookup.
    Dns,
    /// TCP handshake ("initial connection").
    Connect,
    /// The TLS handshake (DevTools' "SSL", part of the initial connection).
    Tls,
    /// Sending the HTTP request.
    Send,
    /// Waiting for the first byte (server-side work happens here).
    Wait,
    /// Receiving the response body.
    Download,
    /// The browser renders what came back.
    Render,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Input => "Parse URL",
            Phase::Dns => "DNS lookup",
            Phase::Connect => "Initial connection",
            Phase::Tls => "SSL",
            Phase::Send => "Request sent",
            Phase::Wait => "Waiting (TTFB)",
            Phase::Download => "Content download",
            Phase::Render => "Render",
        }
    }
}

/// One labelled range of bytes in a wire message, for the annotated hex view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteField {
    /// Offset of the first byte.
    pub start: usize,
    /// Number of bytes.
    pub len: usize,
    /// What these bytes are ("ID", "Flags", "Question", ...).
    pub name: String,
    /// Their decoded meaning ("0x1a2b", "QR=0 RD=1", "www.foobar.com A IN").
    pub value: String,
}

/// A DNS message as it travels on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsMessage {
    /// The exact bytes (RFC 1035 wire format, as sent over UDP port 53).
    pub bytes: Vec<u8>,
    /// The bytes, field by field.
    pub fields: Vec<ByteField>,
    /// The message decoded back from the bytes, one line per record
    /// (`;; QUESTION`, `www.foobar.com. 300 IN CNAME foobar.com.`, ...).
    pub decoded: Vec<String>,
}

/// One TLS record as it travels on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsRecord {
    /// What it is, e.g. "Handshake: ClientHello" or "Application data".
    pub label: String,
    /// The exact bytes: the 5-byte record header and the fragment.
    pub bytes: Vec<u8>,
    /// The bytes, field by field.
    pub fields: Vec<ByteField>,
    /// For an encrypted record: what it carried.
    pub decrypted: Option<TlsPlaintext>,
}

/// An encrypted record's content, recovered with the session's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsPlaintext {
    /// The traffic secret that protected it, as a key log names it
    /// (`SERVER_HANDSHAKE_TRAFFIC_SECRET`, …).
    pub secret: String,
    /// The record's inner plaintext: the content and its type byte.
    pub bytes: Vec<u8>,
    pub fields: Vec<ByteField>,
    /// The certificates it carried, read back from their DER.
    pub certificates: Vec<CertView>,
    /// The HTTP message it carried, as text.
    pub http: Option<String>,
}

/// A certificate read back from its bytes: `(field, value)` rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertView {
    pub rows: Vec<(String, String)>,
}

/// One SQL statement the application ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlQuery {
    /// The statement text, with `?` placeholders.
    pub sql: String,
    /// The bound parameters, in order, rendered as SQL literals.
    pub params: Vec<String>,
    /// Column names of the result.
    pub columns: Vec<String>,
    /// The returned rows, each value rendered as text (`NULL` for null).
    pub rows: Vec<Vec<String>>,
    /// SQLite virtual-machine steps the statement took (read from the engine).
    pub vm_steps: u64,
    /// Modelled cost in µs, derived from `vm_steps` and the scenario.
    pub cost_us: u64,
    /// Rows the statement inserted, updated or deleted.
    #[serde(default)]
    pub rows_changed: u64,
}

/// The step's detail for the inspector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    None,
    /// The parsed URL, part by part.
    Url {
        input: String,
        href: String,
        scheme: String,
        host: String,
        port: u16,
        path: String,
        query: Option<String>,
    },
    /// A DNS query or response on the wire.
    Dns(DnsMessage),
    /// A resolver cache lookup.
    DnsCache {
        name: String,
        /// What the cache held, one record per line; empty on a miss.
        entries: Vec<String>,
        /// Seconds of TTL left, when it was a hit.
        ttl_left_s: Option<u32>,
    },
    /// TCP segments (handshake or reset), one per line, e.g.
    /// `198.51.100.23:51234 → 8.8.8.8:80 [SYN] seq=…`.
    Tcp {
        segments: Vec<String>,
    },
    /// An HTTP/1.x message exactly as on the wire.
    Http {
        text: String,
    },
    /// TLS records exactly as on the wire (RFC 8446), each labelled field by
    /// field; an encrypted one also decrypted with the session's own keys.
    Tls {
        records: Vec<TlsRecord>,
    },
    /// Nginx chose a `location` block.
    NginxMatch {
        /// The chosen block as nginx syntax, e.g. `location ^~ /static/`.
        location: String,
        /// Why nginx chose it, citing its matching order.
        reason: String,
        /// Every location considered, with the outcome of the test.
        considered: Vec<String>,
        /// The server block as nginx syntax.
        config: String,
    },
    /// A static file read from the document root.
    StaticFile {
        path: String,
        content_type: String,
        size: usize,
    },
    /// The load balancer chose a web server.
    Balance {
        /// `roundrobin` or `leastconn`.
        algorithm: String,
        /// One line per web server: address, health, rotation, load.
        servers: Vec<String>,
        /// The server chosen, if any.
        chosen: Option<String>,
    },
    /// An application route was dispatched.
    Route {
        pattern: String,
        handler: String,
    },
    /// An SQL statement.
    Sql(SqlQuery),
    /// The HTML the browser rendered (also in [`Trace::page`]).
    Html {
        title: String,
        bytes: usize,
    },
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Virtual time the step starts, µs since the request began.
    pub at_us: u64,
    /// How long it takes, µs.
    pub duration_us: u64,
    /// Where the step starts.
    pub from: Component,
    /// Where it ends (equal to `from` for work done inside one component).
    pub to: Component,
    /// Which web server (0-based) the step happens on, in the redundant
    /// design; `None` for components there is only one of.
    #[serde(default)]
    pub node: Option<u8>,
    /// Which application machine (0-based) the step happens on, when the
    /// application runs on machines of its own (split tiers).
    #[serde(default)]
    pub app_node: Option<u8>,
    /// The waterfall phase this step belongs to.
    pub phase: Phase,
    pub status: Status,
    /// A short title ("DNS query to the root server").
    pub title: String,
    /// One or two plain sentences for a learner.
    pub explanation: String,
    pub payload: Payload,
}

impl Step {
    /// When the step ends, µs.
    pub fn end_us(&self) -> u64 {
        self.at_us + self.duration_us
    }
    /// The component this step is about (where it arrives).
    pub fn component(&self) -> Component {
        self.to
    }
}

/// How the request ended, as the browser shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// An HTTP response arrived (any status, including 404 or 502).
    Response { status: u16, reason: String },
    /// The browser gave up and shows its own error page.
    BrowserError {
        /// Chromium's error code, e.g. `DNS_PROBE_FINISHED_NXDOMAIN`.
        code: String,
        /// A headline such as "This site can't be reached".
        headline: String,
        /// What went wrong, for the learner.
        detail: String,
    },
    /// What was typed is not a URL the browser can load.
    InvalidInput { reason: String },
}

impl Outcome {
    /// The outcome in a word: the HTTP status (`502`), the browser's error
    /// code (`ERR_CONNECTION_REFUSED`), or `invalid`.
    pub fn short(&self) -> String {
        match self {
            Outcome::Response { status, .. } => status.to_string(),
            Outcome::BrowserError { code, .. } => code.clone(),
            Outcome::InvalidInput { .. } => "invalid".to_string(),
        }
    }
}

/// The page shown to the user at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The URL in the address bar.
    pub url: String,
    /// The page title.
    pub title: String,
    /// The complete HTML document to show in a sandboxed frame.
    pub html: String,
}

/// A server-side span nested under the waterfall's "Waiting" phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub component: Component,
    pub label: String,
    pub start_us: u64,
    pub end_us: u64,
}

/// The whole record of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// What the user typed.
    pub input: String,
    /// Virtual time the request started at, µs since the session began.
    pub started_at_us: u64,
    pub steps: Vec<Step>,
    pub outcome: Outcome,
    /// What the browser shows: the response page or the browser's error page.
    pub page: Page,
    /// Server-side spans (Nginx, application, database) for the waterfall.
    pub spans: Vec<Span>,
    /// The balancer that answered for the public address, when a pair
    /// shares it (the scaled-up design): `lb-01` or, after a failover, `lb-02`.
    #[serde(default)]
    pub balancer: Option<String>,
}

impl Trace {
    /// Total virtual duration of the request, µs.
    pub fn total_us(&self) -> u64 {
        self.steps.iter().map(Step::end_us).max().unwrap_or(0)
    }

    /// The time range each phase covers, in order of first appearance.
    pub fn phases(&self) -> Vec<(Phase, u64, u64)> {
        let mut out: Vec<(Phase, u64, u64)> = Vec::new();
        for s in &self.steps {
            match out.iter_mut().find(|(p, _, _)| *p == s.phase) {
                Some((_, start, end)) => {
                    *start = (*start).min(s.at_us);
                    *end = (*end).max(s.end_us());
                }
                None => out.push((s.phase, s.at_us, s.end_us())),
            }
        }
        out
    }

    /// Components in the order they were first reached.
    pub fn components_reached(&self) -> Vec<Component> {
        let mut out = Vec::new();
        for s in &self.steps {
            for c in [s.from, s.to] {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// True when the browser got an HTTP response with a 2xx status.
    pub fn succeeded(&self) -> bool {
        matches!(self.outcome, Outcome::Response { status, .. } if (200..300).contains(&status))
    }
}
