//! Nginx: the model's server block against Debian's nginx.
//!
//! 1. `nginx -t` must accept every configuration the model's validation
//!    accepts: the seed's and 500 generated ones covering every
//!    modifier (`=`, prefix, `^~`, `~`, `~*`), awkward patterns and texts.
//! 2. For the seed's configuration, served from a temp document root with
//!    the seed's files, and for every generated configuration with each
//!    location marked `return 200 "L<i>"`, a corpus of raw request targets
//!    is sent both to the model (`Simulator::serve_wire`) and to nginx over
//!    a plain socket: the location chosen, the status, the headers (but
//!    `Date`) and the body must be equal. Where the seed proxies to the
//!    application, a stub upstream answers with the model's own application
//!    response, and the request nginx sends it must equal the model's.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stackscope_core::http::VIRTUAL_EPOCH_S;
use stackscope_core::scenario::{Location, LocationAction, Modifier, NginxConfig, Scenario};
use stackscope_core::server::nginx::config_text;
use stackscope_core::{validate, Component, Payload, Simulator};

use crate::proc::{find_program, wait_for_tcp, Running, TempDir};
use crate::report::Report;

/// Raw request targets: case, queries, percent-encoding, slashes, dots,
/// climbing above the root, trailing slashes, non-ASCII, absolute form.
pub const TARGETS: &[&str] = &[
    "/",
    "/index.html",
    "/static/style.css",
    "/static/logo.svg",
    "/favicon.ico",
    "/favicon.ico/",
    "/FAVICON.ICO",
    "/STATIC/style.css",
    "/Static/Style.CSS",
    "/static/STYLE.CSS",
    "/static/style.css?v=1",
    "/static/style.css?",
    "/static/style.css?x=/../../",
    "/?q=a/../b",
    "/search?q=nginx",
    "/search?q=%2F%2e%2e",
    "/posts/hello-world",
    "/posts/Hello-World",
    "/posts/123",
    "/posts/1234",
    "/posts/",
    "/posts",
    "/%73tatic/style.css",
    "/static%2Fstyle.css",
    "/static%2fstyle.css",
    "/static/%2e%2e/favicon.ico",
    "/static/%2E%2E/posts/1",
    "/%2e%2e/",
    "/%2E%2E/etc/passwd",
    "/%2e/static/style.css",
    "/.%2e/",
    "//static/style.css",
    "///static//style.css",
    "//",
    "/./static/style.css",
    "/static/./style.css",
    "/static/.",
    "/static/..",
    "/static/../favicon.ico",
    "/a/b/../../static/style.css",
    "/a/./b/../c/",
    "/..",
    "/../",
    "/../static/style.css",
    "/static/../../x",
    "/static/...",
    "/static/.../",
    "/static/",
    "/static",
    "/static//",
    "/.git/config",
    "/.env",
    "/%2egit/config",
    "/a/.git",
    "/.GIT/config",
    "/café",
    "/caf%C3%A9",
    "/caf%c3%a9",
    "/CAF%C3%89",
    "/caf%C3",
    "/%FF",
    "/日本",
    "/%E6%97%A5%E6%9C%AC",
    "/a%20b",
    "/a+b",
    "/%00",
    "/%zz",
    "/%",
    "/a%2",
    "/%25",
    "/%25zz",
    "/%23",
    "/%3F",
    "/a%3Fb?c",
    "/?",
    "/#frag",
    "/static/style.css#top",
    "/x{1}",
    "/semi;colon",
    "/about",
    "/users/1",
    "/users/01",
    "/st",
    "/A/",
    "/ü",
    "/static/style.css%0A",
    "/posts/12%0a",
    "/a%0Ab",
    "/%09tab",
    "http://www.foobar.com/static/style.css",
    "http://www.foobar.com",
    "HTTP://WWW.FOOBAR.COM/posts/123",
];

/// A small deterministic generator (SplitMix64).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const PREFIXES: &[&str] = &[
    "/",
    "/static/",
    "/static",
    "/st",
    "/posts/",
    "/posts",
    "/favicon.ico",
    "/caf",
    "/café",
    "/.git",
    "/a",
    "/a/",
    "/A",
    "/static/style.css",
    "/posts/123",
    "/search",
    "/a b",
    "/x{1}",
    "/semi;colon",
    "/q\"uote",
    "/back\\slash",
    "/#hash",
    "/ü",
    "/%2e",
    "/users/",
    "/about",
    "/日本",
];

const REGEXES: &[&str] = &[
    r"\.(css|js)$",
    r"^/posts/[0-9]{1,3}$",
    r"^/posts/",
    r"/\.(git|env)",
    r"\.CSS$",
    r"^/static/.*\.svg$",
    r"^/caf.$",
    r"^/caf..$",
    r"^/.{3}$",
    "é",
    "É",
    r"^/[a-z]+$",
    r"^/$",
    r"/$",
    r"\d+",
    r"[[:digit:]]",
    r"^/a b$",
    r"\\",
    r"^/(?:a|b)/",
    r"%2e",
    r"\.\.",
    r"^/static/[^/]+$",
    r"(?i)^/STATIC",
    r"^/é",
    r"x{2,}",
    r"^/posts/(?P<slug>[a-z-]+)$",
    r"\bstatic\b",
    "[{}]",
    r"^/(a|b|c)+$",
    r"\?",
    "#",
    r"^/users/0*1$",
    r"^/日",
    r"\s",
    r"^/[^a-z]",
    r"\w+\.ico$",
    "\"",
    "'",
    r"^/st(atic)?$",
    r"\+",
    r"[$]",
    r"\$",
    r"(?m)css$",
    r"(?i-m)CSS$",
    r"^/posts/12$|^/a$",
    r"[^$]$",
];

/// Texts for `return`: quotes, backslashes, non-ASCII, braces, semicolons.
const TEXTS: &[&str] = &[
    "Forbidden",
    "Gone for good",
    "say \"hi\"",
    "back\\slash",
    "trailing\\",
    "it's",
    "{braces}; and semicolons",
    "café ü 日本",
    "",
    "#not a comment",
    "tab\\tand\\n",
];

/// Characters for patterns that exist only to test `nginx -t`.
const NOISE: &[u8] = b" {};\"'#\\$ab/.*^()[]";

fn random_location(g: &mut Gen) -> Location {
    let modifier = match g.below(5) {
        0 => Modifier::Exact,
        1 => Modifier::Prefix,
        2 => Modifier::PrefixNoRegex,
        3 => Modifier::Regex,
        _ => Modifier::RegexCaseless,
    };
    let pattern = if g.below(12) == 0 {
        // The property tests' space: any printable ASCII, up to 12 characters.
        let len = g.below(13);
        (0..len)
            .map(|_| char::from(b' ' + g.below(95) as u8))
            .collect()
    } else if g.below(12) == 0 {
        let len = 1 + g.below(8);
        let mut p: Vec<u8> = (0..len).map(|_| NOISE[g.below(NOISE.len())]).collect();
        if matches!(
            modifier,
            Modifier::Exact | Modifier::Prefix | Modifier::PrefixNoRegex
        ) {
            p.insert(0, b'/');
        }
        String::from_utf8_lossy(&p).into_owned()
    } else if matches!(modifier, Modifier::Regex | Modifier::RegexCaseless) {
        g.pick(REGEXES).to_string()
    } else {
        g.pick(PREFIXES).to_string()
    };
    let action = match g.below(4) {
        0 => LocationAction::Static,
        1 => LocationAction::Proxy {
            upstream: ["127.0.0.1:8000", "localhost:8000", "127.0.0.1:9000"][g.below(3)]
                .to_string(),
        },
        2 if g.below(4) == 0 => LocationAction::Return {
            // The property tests' space: any code, any printable text.
            status: g.below(1100) as u16,
            text: (0..g.below(11))
                .map(|_| char::from(b' ' + g.below(95) as u8))
                .collect(),
        },
        _ => LocationAction::Return {
            status: [
                200, 201, 204, 301, 302, 303, 307, 308, 403, 404, 410, 418, 429, 451, 500, 503, 599,
            ][g.below(17)],
            text: g.pick(TEXTS).to_string(),
        },
    };
    Location {
        modifier,
        pattern,
        action,
    }
}

fn generated(n: usize) -> Vec<NginxConfig> {
    let mut g = Gen(0x5eed_2026);
    let seed = Scenario::default().server.nginx_config;
    (0..n)
        .map(|_| {
            let count = 1 + g.below(6);
            let mut locations: Vec<Location> =
                (0..count).map(|_| random_location(&mut g)).collect();
            // Most real configs end with a catch-all; keep some without one.
            if g.below(3) != 0 {
                locations.push(Location {
                    modifier: Modifier::Prefix,
                    pattern: "/".into(),
                    action: LocationAction::Static,
                });
            }
            NginxConfig {
                locations,
                ..seed.clone()
            }
        })
        .collect()
}

/// The `http { }` block of Debian's stock nginx.conf around server blocks,
/// with every path in `dir`.
fn main_conf(dir: &Path, servers: &str) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\nerror_log {d}/error.log;\npid {d}/nginx.pid;\n\
events {{ worker_connections 256; }}\n\
http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    access_log off;\n\
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;\n\
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n{servers}}}\n"
    )
}

/// Runs `nginx -t` on a file; `Err` carries nginx's complaint.
fn nginx_t(nginx: &Path, dir: &Path, conf: &Path) -> Result<(), String> {
    let out = Command::new(nginx)
        .arg("-t")
        .arg("-q")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(conf)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// One server block as served by the test instance: the model's text with
/// only its address and paths changed.
fn as_served(cfg: &NginxConfig, root: &Path, upstream_port: u16) -> String {
    let text = config_text(cfg);
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("listen ") {
            out.push_str("    listen 127.0.0.1:80;\n");
        } else if t.starts_with("root ") {
            out.push_str(&format!("    root {};\n", root.display()));
        } else if t.starts_with("proxy_pass http://") {
            out.push_str(&format!(
                "        proxy_pass http://127.0.0.1:{upstream_port};\n"
            ));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A response as compared: status line, headers but `Date`, body.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    status: String,
    headers: Vec<String>,
    body: String,
}

fn seen_from_text(head: &str, body: &[u8]) -> Seen {
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or("").to_string();
    let headers = lines
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("date:"))
        .map(str::to_string)
        .collect();
    Seen {
        status,
        headers,
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

/// What differs between the model's answer and nginx's, in short.
fn diff(model: &Option<Seen>, real: &Seen) -> Option<String> {
    let Some(m) = model else {
        return Some(format!("model: no answer; real: {}", real.status));
    };
    if m == real {
        return None;
    }
    let mut out = Vec::new();
    if m.status != real.status {
        out.push(format!(
            "status: model {:?}, real {:?}",
            m.status, real.status
        ));
    }
    let only = |a: &[String], b: &[String]| {
        a.iter()
            .filter(|h| !b.contains(h))
            .cloned()
            .collect::<Vec<_>>()
    };
    let (mo, ro) = (
        only(&m.headers, &real.headers),
        only(&real.headers, &m.headers),
    );
    if !mo.is_empty() || !ro.is_empty() {
        out.push(format!("headers: model only {mo:?}, real only {ro:?}"));
    } else if m.headers != real.headers {
        out.push(format!(
            "header order: model {:?}, real {:?}",
            m.headers, real.headers
        ));
    }
    if m.body != real.body {
        let cut = |b: &str| b.chars().take(90).collect::<String>();
        out.push(format!(
            "body: model {:?}, real {:?}",
            cut(&m.body),
            cut(&real.body)
        ));
    }
    Some(out.join("; "))
}

fn seen_model(res: &stackscope_core::http::Response) -> Seen {
    let wire = res.to_wire();
    let (head, body) = wire.split_once("\r\n\r\n").unwrap_or((&wire, ""));
    seen_from_text(head, body.as_bytes())
}

/// A keep-alive connection to the test instance.
struct Client {
    stream: Option<TcpStream>,
}

impl Client {
    fn send(&mut self, wire: &[u8]) -> Result<Seen, String> {
        for attempt in 0..2 {
            if self.stream.is_none() {
                let s = TcpStream::connect(("127.0.0.1", 80)).map_err(|e| e.to_string())?;
                s.set_read_timeout(Some(Duration::from_secs(10))).ok();
                self.stream = Some(s);
            }
            let s = self.stream.as_mut().unwrap();
            if s.write_all(wire).is_err() {
                self.stream = None;
                continue;
            }
            match read_response(s) {
                Ok((seen, close)) => {
                    if close {
                        self.stream = None;
                    }
                    return Ok(seen);
                }
                Err(e) if attempt == 0 => {
                    let _ = e;
                    self.stream = None;
                }
                Err(e) => return Err(e),
            }
        }
        Err("no answer".into())
    }
}

/// Reads one response: headers, then `Content-Length` bytes (none for 204
/// and 304). Returns whether the server will close the connection.
fn read_response(s: &mut TcpStream) -> Result<(Seen, bool), String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err(format!("connection closed after {} bytes", buf.len()));
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf[..buf.len() - 4]).into_owned();
    let lower = head.to_ascii_lowercase();
    let status: u16 = head.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let len = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let len = if status == 204 || status == 304 {
        0
    } else {
        len
    };
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).map_err(|e| e.to_string())?;
    let close = lower.contains("\r\nconnection: close");
    Ok((seen_from_text(&head, &body), close))
}

/// The application stand-in behind the seed's `proxy_pass`: it records the
/// request nginx sends and answers with the model's application response.
struct Upstream {
    port: u16,
    answer: Arc<Mutex<String>>,
    got: Arc<Mutex<Vec<u8>>>,
}

impl Upstream {
    fn start() -> Result<Self, String> {
        let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = l.local_addr().map_err(|e| e.to_string())?.port();
        let answer = Arc::new(Mutex::new(String::new()));
        let got = Arc::new(Mutex::new(Vec::new()));
        let (a, g) = (answer.clone(), got.clone());
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(mut c) = conn else { continue };
                *g.lock().unwrap() = read_head(&mut c);
                let text = a.lock().unwrap().clone();
                let _ = c.write_all(text.as_bytes());
            }
        });
        Ok(Upstream { port, answer, got })
    }
}

/// A stub upstream's read of nginx's request: byte by byte up to the blank
/// line that ends the head (nginx sends no body here), 5 s at most.
pub(crate) fn read_head(c: &mut TcpStream) -> Vec<u8> {
    c.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut req = Vec::new();
    let mut byte = [0u8; 1];
    while !req.ends_with(b"\r\n\r\n") {
        match c.read(&mut byte) {
            Ok(1) => req.push(byte[0]),
            _ => break,
        }
    }
    req
}

/// The browser's request for a raw target, exactly as the model writes it.
fn browser_wire(target: &str, host: &str) -> String {
    let t = stackscope_core::browser::Target {
        href: String::new(),
        scheme: "http".into(),
        host: host.into(),
        ip: None,
        port: 80,
        path_and_query: target.into(),
        host_header: host.into(),
    };
    stackscope_core::server::browser_request(&t, &Scenario::default().client.user_agent).to_wire()
}

/// The model's proxied request and application answer, if it proxied.
fn proxy_hop(steps: &[stackscope_core::Step]) -> Option<(String, String)> {
    let text = |from, to| {
        steps.iter().find_map(|s| match &s.payload {
            Payload::Http { text } if s.from == from && s.to == to => Some(text.clone()),
            _ => None,
        })
    };
    Some((
        text(Component::Nginx, Component::App)?,
        text(Component::App, Component::Nginx)?,
    ))
}

pub fn run() -> Result<Report, String> {
    let nginx = find_program(&["nginx"])?;
    let dir = TempDir::new("nginx")?;
    let mut report = Report::new("nginx: location, status, headers, body");
    let mut syntax = Report::new("nginx -t accepts what validation accepts");
    let mut proxied = Report::new("nginx: request proxied to the app");
    let mut rejected = 0usize;
    let mut refused_but_valid: Vec<String> = Vec::new();

    // 1. nginx -t on every configuration the model accepts. The client is
    // this test itself, so its address is 127.0.0.1 on both sides.
    let mut seed = Scenario::default();
    seed.client.ip = std::net::Ipv4Addr::LOCALHOST;
    let configs = generated(500);
    let mut accepted: Vec<NginxConfig> = Vec::new();
    let tconf = dir.join("t.conf");
    for (k, cfg) in std::iter::once(&seed.server.nginx_config)
        .chain(&configs)
        .enumerate()
    {
        let mut s = seed.clone();
        s.server.nginx_config = cfg.clone();
        if let Err(e) = validate::scenario(&s) {
            rejected += 1;
            std::fs::write(&tconf, main_conf(dir.path(), &config_text(cfg)))
                .map_err(|e| e.to_string())?;
            if nginx_t(&nginx, dir.path(), &tconf).is_ok() {
                refused_but_valid.push(e.to_string());
            }
            continue;
        }
        std::fs::write(&tconf, main_conf(dir.path(), &config_text(cfg)))
            .map_err(|e| e.to_string())?;
        let verdict = nginx_t(&nginx, dir.path(), &tconf);
        syntax.case(
            verdict
                .err()
                .map(|e| format!("config {k}:\n{}\n      nginx -t: {e}", config_text(cfg))),
        );
        if k > 0 {
            accepted.push(cfg.clone());
        }
    }
    // The load panel's settings (limit_conn, proxy_read_timeout), over the
    // range its controls give.
    let mut load = Report::new("nginx -t accepts the load panel's settings");
    for (max, timeout_us) in [
        (1024, 10_000_000),
        (1, 1_000),
        (7, 250_500),
        (65_535, 600_000_000),
        (100, 60_000_000),
    ] {
        let spec = stackscope_core::load::LoadSpec {
            max_connections: max,
            timeout_us,
            ..Default::default()
        };
        std::fs::write(&tconf, main_conf(dir.path(), &spec.nginx_config()))
            .map_err(|e| e.to_string())?;
        let verdict = nginx_t(&nginx, dir.path(), &tconf);
        load.case(
            verdict
                .err()
                .map(|e| format!("limit_conn {max}, timeout {timeout_us} µs: {e}")),
        );
    }
    eprintln!(
        "    {} generated configs: {} accepted by validation, {rejected} refused",
        configs.len(),
        accepted.len()
    );
    eprintln!(
        "    of those refused, nginx -t would load {} (the model is stricter there):",
        refused_but_valid.len()
    );
    refused_but_valid.sort();
    refused_but_valid.dedup();
    for r in refused_but_valid.iter().take(12) {
        eprintln!("      {r}");
    }

    // 2. One instance: the seed's block, then one block per marked config
    // (chosen by Host: c<k>), each with an empty root.
    let root = dir.join("root");
    for f in &seed.server.docroot {
        let p = root.join(f.path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(&p, &f.body).map_err(|e| e.to_string())?;
        let file = std::fs::File::options()
            .write(true)
            .open(&p)
            .map_err(|e| e.to_string())?;
        file.set_modified(std::time::UNIX_EPOCH + Duration::from_secs(VIRTUAL_EPOCH_S))
            .map_err(|e| e.to_string())?;
    }
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).map_err(|e| e.to_string())?;
    let upstream = Upstream::start()?;
    let marked: Vec<NginxConfig> = accepted
        .iter()
        .enumerate()
        .map(|(k, cfg)| NginxConfig {
            server_name: vec![format!("c{k}")],
            locations: cfg
                .locations
                .iter()
                .enumerate()
                .map(|(i, l)| Location {
                    action: LocationAction::Return {
                        status: 200,
                        text: format!("L{i}"),
                    },
                    ..l.clone()
                })
                .collect(),
            ..cfg.clone()
        })
        .collect();
    // Every status `return` may send, with awkward texts (URLs for 3xx).
    let codes = NginxConfig {
        server_name: vec!["codes".into()],
        locations: (200..=599u16)
            .map(|status| Location {
                modifier: Modifier::Exact,
                pattern: format!("/r{status}"),
                action: LocationAction::Return {
                    status,
                    text: match status {
                        301 | 307 => "/moved/here".into(),
                        302 | 303 | 308 => "elsewhere".into(),
                        _ => TEXTS[usize::from(status) % TEXTS.len()].into(),
                    },
                },
            })
            .collect(),
        ..seed.server.nginx_config.clone()
    };
    let mut servers = as_served(&seed.server.nginx_config, &root, upstream.port);
    servers.push_str(&as_served(&codes, &empty, upstream.port));
    for cfg in &marked {
        servers.push_str(&as_served(cfg, &empty, upstream.port));
    }
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, main_conf(dir.path(), &servers)).map_err(|e| e.to_string())?;
    nginx_t(&nginx, dir.path(), &conf).map_err(|e| format!("the test instance's config: {e}"))?;
    let mut cmd = Command::new(&nginx);
    cmd.arg("-p").arg(dir.path()).arg("-c").arg(&conf);
    let mut server = Running::start("nginx", &mut cmd, &dir.join("stdout.log"))?;
    wait_for_tcp(&mut server, 80)?;
    let mut client = Client { stream: None };

    // The seed: real files, the real proxy hop.
    let mut sim = Simulator::new(seed.clone()).map_err(|e| e.to_string())?;
    for target in TARGETS {
        let wire = browser_wire(target, "www.foobar.com");
        let (res, steps) = sim.serve_wire(&wire, 0);
        let hop = proxy_hop(&steps);
        *upstream.got.lock().unwrap() = Vec::new();
        *upstream.answer.lock().unwrap() = match &hop {
            Some((_, answer)) => answer.clone(),
            None => "HTTP/1.1 599 The model did not proxy this\r\nContent-Length: 0\r\n\r\n".into(),
        };
        let real = client.send(wire.as_bytes())?;
        let model = res.as_ref().map(seen_model);
        report.case(diff(&model, &real).map(|d| format!("seed config, GET {target}: {d}")));
        let got = String::from_utf8_lossy(&upstream.got.lock().unwrap()).into_owned();
        if hop.is_some() || !got.is_empty() {
            let model_req = hop.map(|(req, _)| req).unwrap_or_default();
            proxied.compare(&format!("seed config, GET {target}"), model_req, got);
        }
    }

    // Every status line, and what `return` sends with it.
    let mut statuses = Report::new("nginx: return 200-599 (status line, headers, body)");
    {
        let mut s = seed.clone();
        s.server.nginx_config = codes.clone();
        s.server.docroot.clear();
        let mut sim = Simulator::new(s).map_err(|e| e.to_string())?;
        for status in 200..=599u16 {
            let wire = browser_wire(&format!("/r{status}"), "codes");
            let (res, _) = sim.serve_wire(&wire, 0);
            let real = client.send(wire.as_bytes())?;
            let model = res.as_ref().map(seen_model);
            statuses.case(diff(&model, &real).map(|d| format!("return {status}: {d}")));
        }
    }

    // The marked configs: which location, and the status.
    for (k, cfg) in marked.iter().enumerate() {
        let mut s = seed.clone();
        s.server.nginx_config = cfg.clone();
        s.server.docroot.clear();
        let mut sim = Simulator::new(s).map_err(|e| e.to_string())?;
        let host = format!("c{k}");
        for target in TARGETS {
            let target = &target
                .replace("www.foobar.com", &host)
                .replace("WWW.FOOBAR.COM", &host);
            let wire = browser_wire(target, &host);
            let (res, _) = sim.serve_wire(&wire, 0);
            let real = client.send(wire.as_bytes())?;
            let model = res.as_ref().map(seen_model);
            report.case(diff(&model, &real).map(|d| {
                let locs: Vec<String> = cfg
                    .locations
                    .iter()
                    .map(stackscope_core::server::nginx::location_syntax)
                    .collect();
                format!("c{k} [{}] GET {target}: {d}", locs.join(" | "))
            }));
        }
    }
    server.alive()?;
    report.sub(statuses);
    report.sub(syntax);
    report.sub(load);
    report.sub(proxied);
    Ok(report)
}
