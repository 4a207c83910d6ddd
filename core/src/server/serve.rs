//! Serving one request on a web server: Nginx's decision, the proxy hop to the application server, and the reply.

use std::net::Ipv4Addr;

use crate::browser::Target;
use crate::http::{http_date, parse_request, parse_response, Request, Response};
use crate::scenario::{LocationAction, OtherHost, ProcessState, UPSTREAM};
use crate::server::app::{self, AppResult};
use crate::server::db::DbRoute;
use crate::server::nginx::uri::Uri;
use crate::server::nginx::{self, Router};
use crate::sim::{spec, Ctx, Ending};
use crate::trace::{Component, Payload, Phase, Status};

/// The request the browser writes for `target`.
pub fn browser_request(target: &Target, user_agent: &str) -> Request {
    Request {
        method: ::http::Method::GET,
        target: target.path_and_query.clone(),
        minor_version: 1,
        headers: vec![
            ("Host".into(), target.host_header.clone()),
            ("User-Agent".into(), user_agent.into()),
            (
                "Accept".into(),
                "text/html,application/xhtml+xml,*/*;q=0.8".into(),
            ),
            ("Accept-Language".into(), "en".into()),
            ("Connection".into(), "keep-alive".into()),
        ],
        body: String::new(),
    }
}

/// The time to put `bytes` on the learner's link, µs (the modelled speed
/// serves both directions).
fn serialization_us(ctx: &Ctx, bytes: usize) -> u64 {
    let bw = ctx.scenario.latency.bandwidth_bytes_per_ms.max(1);
    (bytes as u64).saturating_mul(1000).div_ceil(bw)
}

/// Sends the browser's request across the internet; returns its wire text.
///
/// In DevTools' terms "Request sent" is only the time to write the request
/// into the connection; its trip across the internet counts as "Waiting
/// for server response", which runs until the first byte comes back.
pub(crate) fn send_request(ctx: &mut Ctx, target: &Target, to: Component) -> String {
    let req = browser_request(target, &ctx.scenario.client.user_agent);
    let text = req.to_wire();
    let write = serialization_us(ctx, text.len());
    ctx.step(spec(
        Component::Browser,
        Component::Browser,
        Phase::Send,
        Status::Ok,
        write,
        format!("Write the request ({} bytes)", text.len()),
        format!("The browser writes its {}-byte request into the open connection at the link's modelled speed (the same both ways). This is all DevTools counts as \"Request sent\"; the trip to the server is part of the wait that follows.", text.len()),
        Payload::None,
    ));
    let one_way = ctx.net(ctx.scenario.latency.client_to_server_us);
    let (payload, explanation, text) = match ctx.tls.as_mut() {
        Some(tls) => {
            let (records, received) = tls.request(&text);
            (
                Payload::Tls { records },
                format!("The request is the same HTTP/1.1 text, but it crosses the internet inside a TLS application-data record: on the wire it is ciphertext, and only the load balancer, which holds the session's keys, can read it (shown here decrypted). The Host header ({}) is inside; only the name in the ClientHello was visible.", target.host_header),
                received,
            )
        }
        None => (
            Payload::Http { text: text.clone() },
            format!("The request crosses the internet as plain-text HTTP/1.1. The Host header ({}) tells the server which site is wanted, since one address can host many.", target.host_header),
            text,
        ),
    };
    ctx.step(spec(
        Component::Browser,
        to,
        Phase::Wait,
        Status::Ok,
        one_way,
        format!("HTTP request: GET {}", target.path_and_query),
        explanation,
        payload,
    ));
    text
}

/// TCP's largest segment payload on this path (the MSS both SYNs offer).
pub const MSS: usize = 1460;
/// The server's initial congestion window in segments: Linux's default
/// (`initcwnd` 10, RFC 6928).
pub const INITIAL_WINDOW: usize = 10;

/// How a response of `bytes` reaches the browser after its first byte:
/// `(segments, extra round trips, µs)`. The first flight is the initial
/// window; each later flight waits a round trip for ACKs and doubles
/// (slow start, RFC 5681). Within a flight, segments follow each other at
/// the link's speed.
pub fn download(bytes: usize, bandwidth_bytes_per_ms: u64, rtt_us: u64) -> (usize, usize, u64) {
    let segments = bytes.div_ceil(MSS).max(1);
    let mut sent = INITIAL_WINDOW.min(segments);
    let mut window = INITIAL_WINDOW;
    let mut rounds = 0;
    while sent < segments {
        rounds += 1;
        window *= 2;
        sent = (sent + window).min(segments);
    }
    let bw = bandwidth_bytes_per_ms.max(1);
    let rest = bytes.saturating_sub(MSS) as u64;
    let us = rest.saturating_mul(1000).div_ceil(bw) + rounds as u64 * rtt_us;
    (segments, rounds, us)
}

/// Sends a response back to the browser and lets it download the body.
pub(crate) fn respond(
    ctx: &mut Ctx,
    from: Component,
    res: Response,
    explanation: String,
) -> Ending {
    let mut wire = res.to_wire();
    let one_way = ctx.net(ctx.scenario.latency.client_to_server_us);
    let status = res.status;
    let (payload, explanation) = match ctx.tls.as_mut() {
        Some(tls) => {
            let (records, received) = tls.response(&wire);
            wire = received;
            (
                Payload::Tls { records },
                format!("{explanation} The load balancer encrypts the response for the browser: it leaves in TLS application-data records, after the session tickets TLS 1.3 servers send once the handshake is done."),
            )
        }
        None => (Payload::Http { text: wire.clone() }, explanation),
    };
    ctx.step(spec(
        from,
        Component::Browser,
        Phase::Wait,
        if status >= 500 {
            Status::Fail
        } else {
            Status::Ok
        },
        one_way,
        format!("HTTP response: {} {}", res.status, res.reason),
        explanation,
        payload,
    ));
    let l = &ctx.scenario.latency;
    let (segments, rounds, download_us) = download(
        wire.len(),
        l.bandwidth_bytes_per_ms,
        2 * l.client_to_server_us,
    );
    let how = if segments == 1 {
        format!("The whole response ({} bytes) fits in one TCP segment (at most {MSS} bytes), so it arrived with its first byte: nothing is left to download.", wire.len())
    } else if rounds == 0 {
        format!("The response is {} bytes: {segments} TCP segments of at most {MSS} bytes, all within the server's first flight (its initial window is {INITIAL_WINDOW} segments), so the rest follow the first at the connection's modelled speed.", wire.len())
    } else {
        format!("The response is {} bytes: {segments} TCP segments, more than the {INITIAL_WINDOW} the server may send before the browser's first ACK (its initial window). Slow start doubles the window each round trip, so the download takes {rounds} more round trip(s) on top of the bytes' time on the wire.", wire.len())
    };
    ctx.step(spec(
        Component::Browser,
        Component::Browser,
        Phase::Download,
        Status::Ok,
        download_us,
        format!(
            "Download {} bytes ({segments} segment{})",
            wire.len(),
            if segments == 1 { "" } else { "s" }
        ),
        how,
        Payload::None,
    ));
    // The browser reads the response with a real HTTP parser.
    match parse_response(&wire) {
        Ok(r) => Ending::Response {
            content_type: r.header("content-type").unwrap_or("text/plain").to_string(),
            status: r.status,
            reason: r.reason,
            body: r.body,
        },
        Err(detail) => Ending::BrowserError {
            code: "ERR_INVALID_HTTP_RESPONSE",
            detail,
        },
    }
}

/// A response written by nginx itself: `Server` and `Date` first, then
/// `before`, `Connection`, then `after` (nginx writes a `Location` it made
/// absolute before `Connection`, one it copied as given after it).
fn nginx_reply(
    ctx: &Ctx,
    status: u16,
    before: Vec<(String, String)>,
    after: Vec<(String, String)>,
    body: String,
) -> Response {
    let mut headers = vec![
        ("Server".to_string(), nginx::VERSION.to_string()),
        ("Date".to_string(), http_date(ctx.session_now())),
    ];
    headers.extend(before);
    headers.push(("Connection".into(), "keep-alive".into()));
    headers.extend(after);
    Response {
        status,
        reason: nginx::status_line_reason(status).to_string(),
        minor_version: 1,
        headers,
        body,
    }
}

fn typed(content_type: &str, body: &str) -> Vec<(String, String)> {
    vec![
        ("Content-Type".into(), content_type.into()),
        ("Content-Length".into(), body.len().to_string()),
    ]
}

/// Nginx's own error page for a status. After a 400 nginx closes the
/// connection (it cannot trust where the next request would start).
pub(crate) fn nginx_error(ctx: &Ctx, status: u16) -> Response {
    let body = nginx::error_page(status);
    let mut res = nginx_reply(ctx, status, typed("text/html", &body), Vec::new(), body);
    if status == 400 {
        for (k, v) in &mut res.headers {
            if k == "Connection" {
                *v = "close".into();
            }
        }
    }
    res
}

/// A response relayed from the application: nginx replaces `Server` and
/// `Date` and its own `Connection`, keeps the status line and the rest.
pub(crate) fn relayed(ctx: &Ctx, app: Response) -> Response {
    let hop = ["server", "date", "connection", "keep-alive"];
    // nginx's header filter writes the headers it knows by name before its
    // Connection header, and every other header (an upstream's own, such as
    // X-App-Version) after it, in the upstream's order.
    let known = [
        "content-type",
        "content-length",
        "last-modified",
        "location",
    ];
    let (before, after): (Vec<_>, Vec<_>) = app
        .headers
        .into_iter()
        .filter(|(k, _)| !hop.iter().any(|h| k.eq_ignore_ascii_case(h)))
        .partition(|(k, _)| known.iter().any(|h| k.eq_ignore_ascii_case(h)));
    let mut res = nginx_reply(ctx, app.status, before, after, app.body);
    res.reason = app.reason;
    res
}

/// A redirect nginx writes (`return 301 URL`, or a directory asked for
/// without its slash): a relative URL is made absolute with the request's
/// host (`absolute_redirect`, `port_in_redirect` on: the default).
fn redirect(ctx: &Ctx, status: u16, url: &str, host: &str, port: u16) -> Response {
    let body = nginx::error_page(status);
    let mut before = typed("text/html", &body);
    let mut after = Vec::new();
    if url.starts_with('/') {
        let port = if port == 80 {
            String::new()
        } else {
            format!(":{port}")
        };
        before.push(("Location".into(), format!("http://{host}{port}{url}")));
    } else {
        after.push(("Location".into(), url.to_string()));
    }
    nginx_reply(ctx, status, before, after, body)
}

/// What `return CODE "text"` sends (`ngx_http_rewrite_module`'s return,
/// then `ngx_http_send_response`): the text as the body; for 301, 302,
/// 303, 307 and 308 the text is the URL to redirect to. An empty text from
/// 400 up is as if there were none: nginx's own page for the code, or an
/// empty body without a type. 204 has no body and no length; 304 keeps the
/// type and length but sends no body.
fn returned(ctx: &Ctx, status: u16, text: &str, uri: &Uri, host: &str, port: u16) -> Response {
    match status {
        301 | 302 | 303 | 307 | 308 => redirect(ctx, status, text, host, port),
        204 => nginx_reply(ctx, status, Vec::new(), Vec::new(), String::new()),
        304 => nginx_reply(
            ctx,
            status,
            typed(content_type(&uri.path), text),
            Vec::new(),
            String::new(),
        ),
        400.. if text.is_empty() => {
            let page = nginx::error_page(status);
            if page.is_empty() {
                let length = vec![("Content-Length".to_string(), "0".to_string())];
                nginx_reply(ctx, status, length, Vec::new(), String::new())
            } else {
                nginx_error(ctx, status)
            }
        }
        _ => nginx_reply(
            ctx,
            status,
            typed(content_type(&uri.path), text),
            Vec::new(),
            text.to_string(),
        ),
    }
}

/// The type nginx gives a response for a URI: `mime.types` by extension,
/// else the server block's `default_type text/plain`.
fn content_type(path: &[u8]) -> &'static str {
    nginx::mime::for_path(path).unwrap_or("text/plain")
}

/// A file nginx sends: its type (from `mime.types`), length, and the
/// validators nginx derives from the file's modification time (every file
/// of the simulated disk was written at the virtual epoch).
fn file_response(ctx: &Ctx, path: &str, body: &str) -> Response {
    let mtime = crate::http::VIRTUAL_EPOCH_S;
    let mut before = typed(content_type(path.as_bytes()), body);
    before.push(("Last-Modified".into(), crate::http::http_date(0)));
    let after = vec![
        ("ETag".into(), format!("\"{mtime:x}-{:x}\"", body.len())),
        ("Accept-Ranges".into(), "bytes".into()),
    ];
    nginx_reply(ctx, 200, before, after, body.to_string())
}

/// The machine that runs Nginx and the application for this request.
#[derive(Clone, Copy)]
pub struct Host<'a> {
    pub hostname: &'a str,
    /// The address the connection to Nginx comes from (the browser's, or the load balancer's).
    pub remote_addr: std::net::Ipv4Addr,
    pub nginx: ProcessState,
    pub app: ProcessState,
    /// The application's release (its container image).
    pub release: crate::scenario::Release,
    pub db: DbRoute<'a>,
    /// The application machines, when the application runs on its own
    /// (split tiers): Nginx proxies to them instead of to `app`.
    pub tier: Option<&'a crate::server::upstream::Tier<'a>>,
}

/// What Nginx did with a request.
pub enum Served {
    Response(Response, String),
    /// It never answered (it is hung).
    NoAnswer,
}

/// The single server handles the browser's request.
pub fn handle(ctx: &mut Ctx, host: &Host, router: &Router, target: &Target) -> Ending {
    let wire = send_request(ctx, target, Component::Nginx);
    match serve(ctx, host, router, &wire) {
        Served::Response(res, explanation) => respond(ctx, Component::Nginx, res, explanation),
        Served::NoAnswer => Ending::BrowserError {
            code: "ERR_TIMED_OUT",
            detail: format!("{} took too long to respond.", target.host),
        },
    }
}

/// Nginx handles a request that reached it as `wire`: static file, `return`,
/// or a proxied trip to the application.
pub fn serve(ctx: &mut Ctx, host: &Host, router: &Router, wire: &str) -> Served {
    let nginx_start = ctx.now;
    let s = ctx.scenario;
    let cfg = &s.server.nginx_config;
    if host.nginx == ProcessState::Hung {
        let wait = s.latency.proxy_read_timeout_us;
        ctx.step(spec(
            Component::Nginx,
            Component::Nginx,
            Phase::Wait,
            Status::Fail,
            wait,
            "Nginx never answers",
            "Nginx accepted the connection but is stuck and never reads the request. Whoever sent it waits, then gives up.",
            Payload::None,
        ));
        return Served::NoAnswer;
    }
    let req = match parse_request(wire) {
        Ok(r) => r,
        Err(e) => {
            let res = nginx_error(ctx, 400);
            ctx.span(Component::Nginx, "request in Nginx", nginx_start);
            return Served::Response(
                res,
                format!("Nginx could not read the request ({e}) and answers 400."),
            );
        }
    };
    let uri = match nginx::uri::parse(&req.target) {
        Ok(u) => u,
        Err(why) => {
            ctx.step(spec(
                Component::Nginx,
                Component::Nginx,
                Phase::Wait,
                Status::Fail,
                s.latency.nginx_us,
                "Nginx refuses the request: 400",
                format!("Before choosing a location nginx normalizes the path (decoding %XX, merging slashes, resolving . and ..), and here it cannot: {why}. It answers 400 Bad Request."),
                Payload::None,
            ));
            let res = nginx_error(ctx, 400);
            ctx.span(Component::Nginx, "request in Nginx", nginx_start);
            return Served::Response(res, format!("Nginx answers 400 Bad Request: {why}."));
        }
    };
    let host_name = match &uri.host {
        Some(h) => h.clone(),
        None => req
            .header("host")
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase(),
    };
    let server_choice = if cfg.server_name.contains(&host_name) {
        format!(
            "The Host header \"{host_name}\" matches server_name, so this server block handles it."
        )
    } else {
        format!("No server_name matches \"{host_name}\", so nginx uses the default server for port {}: this one.", cfg.listen)
    };
    let path = uri.path_text();
    let normalized = if path == req.target.split(['?', '#']).next().unwrap_or("") {
        String::new()
    } else {
        format!(
            " It matches the normalized path {path}, not the target as sent ({}).",
            crate::text::clip(&req.target, 60)
        )
    };
    let m = nginx::match_location(cfg, router, &uri);
    let chosen = m.index.and_then(|i| cfg.locations.get(i));
    let location = chosen
        .map(nginx::location_syntax)
        .unwrap_or_else(|| "(server root)".into());
    let nginx_us = s.latency.nginx_us;
    ctx.step(spec(
        Component::Nginx,
        Component::Nginx,
        Phase::Wait,
        Status::Ok,
        nginx_us,
        format!("Nginx picks {location}"),
        format!(
            "Nginx parses the request. {server_choice}{normalized} {}",
            m.reason
        ),
        Payload::NginxMatch {
            location,
            reason: m.reason.clone(),
            considered: m.considered.clone(),
            config: router.config_text.clone(),
        },
    ));
    let port = cfg.listen;
    let (res, explanation) = match chosen.map(|l| l.action.clone()) {
        // `try_files $uri =404`: the file itself, or 404.
        Some(LocationAction::Static) => match s
            .server
            .docroot
            .iter()
            .find(|f| f.path.as_bytes() == uri.path)
        {
            Some(f) => static_file(ctx, f),
            None => {
                missing_file(ctx, &path);
                (
                    nginx_error(ctx, 404),
                    "Nginx answers 404 Not Found.".to_string(),
                )
            }
        },
        // No location: nginx's own static handling of the root directory.
        None => server_root(ctx, &uri, &path, &host_name, port),
        Some(LocationAction::Return { status, text }) => (
            returned(ctx, status, &text, &uri, &host_name, port),
            format!("The location says `return {status}`, so Nginx answers at once."),
        ),
        Some(LocationAction::Proxy { upstream }) => {
            proxy(ctx, host, &req, &uri, &host_name, &upstream)
        }
    };
    ctx.span(Component::Nginx, "request in Nginx", nginx_start);
    Served::Response(res, explanation)
}

/// Nginx reads a file of the document root and sends it.
fn static_file(ctx: &mut Ctx, f: &crate::scenario::StaticFile) -> (Response, String) {
    let s = ctx.scenario;
    let root = &s.server.nginx_config.root;
    ctx.step(spec(
        Component::Nginx,
        Component::Nginx,
        Phase::Wait,
        Status::Ok,
        s.latency.static_file_us,
        format!("Read {root}{}", f.path),
        "Nginx reads the file from disk itself; the application server is never involved, which is why static files are cheap.",
        Payload::StaticFile {
            path: format!("{root}{}", f.path),
            content_type: content_type(f.path.as_bytes()).to_string(),
            size: f.body.len(),
        },
    ));
    (
        file_response(ctx, &f.path, &f.body),
        "Nginx sends the file back with its type, length and validators (Last-Modified, ETag)."
            .to_string(),
    )
}

fn missing_file(ctx: &mut Ctx, path: &str) {
    let s = ctx.scenario;
    ctx.step(spec(
        Component::Nginx,
        Component::Nginx,
        Phase::Wait,
        Status::Fail,
        s.latency.static_file_us,
        format!("No file {}{path}", s.server.nginx_config.root),
        "The file does not exist in the document root, so Nginx answers 404 with its own error page.",
        Payload::None,
    ));
}

/// No location matched: nginx serves the root directory with its default
/// handlers. A file is sent; a directory asked for without its slash is
/// redirected to it (301); a path ending in `/` is its `index.html`, or
/// 403 when the directory exists without one (`autoindex` is off), or 404.
fn server_root(ctx: &mut Ctx, uri: &Uri, path: &str, host: &str, port: u16) -> (Response, String) {
    let s = ctx.scenario;
    let docroot = &s.server.docroot;
    let is_dir = |dir: &[u8]| {
        dir == b"/"
            || docroot.iter().any(|f| {
                f.path.as_bytes().starts_with(dir)
                    && f.path.as_bytes().get(dir.len()) == Some(&b'/')
            })
    };
    let p = uri.path.as_slice();
    if let Some(dir) = p.strip_suffix(b"/") {
        let index = [p, b"index.html"].concat();
        if let Some(f) = docroot
            .iter()
            .find(|f| f.path.as_bytes() == index.as_slice())
        {
            return static_file(ctx, f);
        }
        if is_dir(if dir.is_empty() { b"/" } else { dir }) {
            ctx.step(spec(
                Component::Nginx,
                Component::Nginx,
                Phase::Wait,
                Status::Fail,
                s.latency.static_file_us,
                format!("No index.html in {}{path}", s.server.nginx_config.root),
                "The path names a directory with no index.html, and nginx does not list directories (autoindex is off), so it answers 403 Forbidden.",
                Payload::None,
            ));
            return (
                nginx_error(ctx, 403),
                "Nginx answers 403 Forbidden.".to_string(),
            );
        }
    } else if let Some(f) = docroot.iter().find(|f| f.path.as_bytes() == p) {
        return static_file(ctx, f);
    } else if is_dir(p) {
        let to = format!("{path}/");
        ctx.step(spec(
            Component::Nginx,
            Component::Nginx,
            Phase::Wait,
            Status::Ok,
            s.latency.static_file_us,
            format!("{path} is a directory: redirect to {to}"),
            format!("{}{path} is a directory, so nginx redirects the browser to the same path with a slash ({to}).", s.server.nginx_config.root),
            Payload::None,
        ));
        return (
            redirect(ctx, 301, &to, host, port),
            "Nginx answers 301 Moved Permanently.".to_string(),
        );
    }
    missing_file(ctx, path);
    (
        nginx_error(ctx, 404),
        "Nginx answers 404 Not Found.".to_string(),
    )
}

/// The request Nginx sends upstream: `proxy_set_header Host $host`,
/// X-Real-IP and X-Forwarded-For added, `Connection: close`.
fn proxied_request(host: &Host, req: &Request, uri: &Uri, host_name: &str) -> Request {
    let remote = host.remote_addr.to_string();
    let forwarded = match req.header("x-forwarded-for") {
        Some(earlier) => format!("{earlier}, {remote}"),
        None => remote.clone(),
    };
    let mut headers = vec![
        // `proxy_set_header Host $host`: the host nginx chose the server by.
        ("Host".to_string(), host_name.to_string()),
        ("X-Real-IP".to_string(), remote),
        ("X-Forwarded-For".to_string(), forwarded),
        ("Connection".to_string(), "close".to_string()),
    ];
    for (k, v) in &req.headers {
        if !["host", "connection", "x-forwarded-for", "x-real-ip"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
        {
            headers.push((k.clone(), v.clone()));
        }
    }
    Request {
        method: req.method.clone(),
        target: uri.unparsed.clone(),
        minor_version: 1,
        headers,
        body: req.body.clone(),
    }
}

/// Nginx forwards the request to the application server and relays its answer.
fn proxy(
    ctx: &mut Ctx,
    host: &Host,
    req: &Request,
    uri: &Uri,
    host_name: &str,
    upstream: &str,
) -> (Response, String) {
    let s = ctx.scenario;
    let loopback = s.latency.loopback_us;
    let proxied = proxied_request(host, req, uri, host_name);
    if let (Some(tier), true) = (host.tier, upstream == UPSTREAM) {
        return crate::server::upstream::proxy(ctx, host, tier, &proxied);
    }
    let listening = host.tier.is_none()
        && upstream == s.server.app_listen
        && matches!(host.app, ProcessState::Running | ProcessState::Hung);
    if !listening {
        let why = if host.tier.is_some() {
            format!("Nothing listens on {upstream} on {}: in this design the application runs on machines of its own, which Nginx reaches as the upstream group {UPSTREAM} (proxy_pass http://{UPSTREAM};). connect() is refused and Nginx answers 502 Bad Gateway.", host.hostname)
        } else if upstream != s.server.app_listen {
            format!("Nginx is up but the application listens on {}, not {upstream}, so connect() is refused and Nginx answers 502 Bad Gateway.", s.server.app_listen)
        } else if host.app == ProcessState::Restarting {
            format!("The application server is restarting (a deploy), so nothing listens on {upstream} yet: connect() is refused and Nginx answers 502 Bad Gateway.")
        } else {
            format!("Nginx is up but nothing listens on {upstream} because the application server is stopped, so connect() is refused and Nginx answers 502 Bad Gateway.")
        };
        ctx.step(spec(
            Component::Nginx,
            Component::App,
            Phase::Wait,
            Status::Fail,
            2 * loopback,
            "Upstream refused: 502",
            why.clone(),
            Payload::Tcp {
                segments: vec![format!("connect() to {upstream} failed (111: Connection refused) while connecting to upstream")],
            },
        ));
        return (nginx_error(ctx, 502), why);
    }
    let wire = proxied.to_wire();
    ctx.step(spec(
        Component::Nginx,
        Component::App,
        Phase::Wait,
        Status::Ok,
        loopback,
        format!("Proxy to the application ({upstream})"),
        "The path is not a static file, so Nginx passes the request to the application server over the loopback interface, adding X-Real-IP and X-Forwarded-For so the application still knows who is asking.",
        Payload::Http { text: wire.clone() },
    ));
    let app_start = ctx.now;
    if host.app == ProcessState::Hung {
        let wait = s.latency.proxy_read_timeout_us;
        ctx.step(spec(
            Component::App,
            Component::App,
            Phase::Wait,
            Status::Fail,
            wait,
            "The application never answers",
            format!("The application server accepted the connection but is stuck. Nginx waits proxy_read_timeout ({} s), then gives up with 504 Gateway Time-out.", wait / 1_000_000),
            Payload::None,
        ));
        ctx.span(Component::App, "request in the application", app_start);
        return (
            nginx_error(ctx, 504),
            "Nginx gave up waiting for the application and answers 504 Gateway Time-out.".into(),
        );
    }
    let app_req = match parse_request(&wire) {
        Ok(r) => r,
        Err(e) => {
            return (
                nginx_error(ctx, 502),
                format!("The proxied request was unreadable: {e}"),
            )
        }
    };
    match app::handle(ctx, &host.db, host.hostname, host.release, &app_req) {
        AppResult::Hung => {
            ctx.span(Component::App, "request in the application", app_start);
            (
                nginx_error(ctx, 504),
                "The application was still waiting for the database when Nginx's proxy_read_timeout ran out, so Nginx answers 504 Gateway Time-out.".into(),
            )
        }
        AppResult::Response(res) => {
            let text = res.to_wire();
            ctx.step(spec(
                Component::App,
                Component::Nginx,
                Phase::Wait,
                if res.status >= 500 {
                    Status::Fail
                } else {
                    Status::Ok
                },
                loopback,
                format!("Application answers {} {}", res.status, res.reason),
                "The application sends its HTTP response back to Nginx.",
                Payload::Http { text: text.clone() },
            ));
            ctx.span(Component::App, "request in the application", app_start);
            match parse_response(&text) {
                Ok(r) => {
                    let status = r.status;
                    (
                        relayed(ctx, r),
                        format!("Nginx relays the application's {status} to the browser, adding its own Server and Date headers."),
                    )
                }
                Err(e) => (
                    nginx_error(ctx, 502),
                    format!(
                        "The application's answer was not valid HTTP ({e}), so Nginx answers 502."
                    ),
                ),
            }
        }
    }
}

/// A machine that is not ours answers (a wrong DNS record led here).
pub fn other_host(ctx: &mut Ctx, target: &Target, ip: Ipv4Addr, host: &OtherHost) -> Ending {
    send_request(ctx, target, Component::OtherHost);
    ctx.step(spec(
        Component::OtherHost,
        Component::OtherHost,
        Phase::Wait,
        Status::Fail,
        ctx.scenario.latency.nginx_us,
        format!("{ip} is not our server"),
        format!("DNS sent the browser to {ip}, {}. It knows nothing of {} and answers with its own page.", host.description, target.host),
        Payload::None,
    ));
    let res = Response {
        headers: vec![
            ("Server".into(), nginx::VERSION.into()),
            ("Date".into(), http_date(ctx.session_now())),
            ("Content-Type".into(), "text/html".into()),
            ("Content-Length".into(), host.page_html.len().to_string()),
        ],
        ..Response::new(200, "text/html", host.page_html.clone())
    };
    respond(
        ctx,
        Component::OtherHost,
        res,
        format!("The browser gets a valid page, just not ours: nothing in HTTP can tell it that DNS pointed at the wrong machine ({ip})."),
    )
}

#[cfg(test)]
mod tests {
    use super::download;

    #[test]
    fn downloads_count_segments_and_slow_start() {
        // The home page (836 bytes) is one segment: nothing left to download.
        assert_eq!(download(836, 1_250, 40_000), (1, 0, 0));
        // Ten segments fit the initial window: only the bytes' time on the wire.
        let (segs, rounds, us) = download(14_600, 1_250, 40_000);
        assert_eq!((segs, rounds), (10, 0));
        assert_eq!(us, (14_600 - 1_460) * 1000 / 1_250);
        // Eleven need a second flight, one round trip later.
        let (segs, rounds, us) = download(14_601, 1_250, 40_000);
        assert_eq!((segs, rounds), (11, 1));
        assert!(us >= 40_000);
        // 10 + 20 + 40 segments: three flights.
        assert_eq!(download(70 * 1_460, 1_250, 40_000).1, 2);
        assert_eq!(download(70 * 1_460 + 1, 1_250, 40_000).1, 3);
    }
}
