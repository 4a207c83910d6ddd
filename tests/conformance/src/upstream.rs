//! Nginx's upstream group (the split tiers) against Debian's nginx.
//!
//! The scaled-up design's `upstream app_servers` block, as the model writes
//! it with its two servers moved to stub applications on 127.0.0.1, is
//! served by a real nginx (one process, so one round-robin). Each case
//! breaks the stubs the way a fault breaks an application machine (a
//! closed port is a stopped application, a stub that accepts and never
//! answers is a hung one) and sends the same requests to both; per request
//! the machines tried and failed (nginx's error log), the one that
//! answered (the stub's body) and the status must be equal. In the model
//! the requests go through the balancer to web-01 only (web-02 drained),
//! so one Nginx sees them all, as in the real run.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stackscope_core::scenario::{ProcessState, Topology};
use stackscope_core::server::nginx::world_config_text;
use stackscope_core::{seed, Change, Component, Outcome, Simulator, Trace};

use crate::proc::{find_program, free_port, wait_for_tcp, Running, TempDir};
use crate::report::Report;

/// How a stub application behaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stub {
    Up,
    /// Nothing listens: the application is stopped.
    Stopped,
    /// Accepts, never answers: the application is hung.
    Hung,
}

/// A stub application on 127.0.0.1: answers `200` with its name as the
/// body, or holds the connection open without a word.
struct App {
    port: u16,
    _held: Arc<Mutex<Vec<TcpStream>>>,
}

impl App {
    fn start(name: &'static str, stub: Stub) -> Result<App, String> {
        if stub == Stub::Stopped {
            // A port nobody listens on: connect() is refused.
            return Ok(App {
                port: free_port()?,
                _held: Arc::default(),
            });
        }
        let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = l.local_addr().map_err(|e| e.to_string())?.port();
        let held: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let h = held.clone();
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(mut c) = conn else { continue };
                if stub == Stub::Hung {
                    h.lock().unwrap().push(c);
                    continue;
                }
                crate::nginx::read_head(&mut c);
                let _ = c.write_all(
                    format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{name}", name.len())
                        .as_bytes(),
                );
            }
        });
        Ok(App { port, _held: held })
    }
}

/// What one request did: the machines that failed, in order, then the one
/// that answered (or `-`), and the status (`502 app-01✗ app-02✗ -`).
fn summary(status: &str, failed: &[String], answered: &str) -> String {
    let mut s = status.to_string();
    for f in failed {
        s.push_str(&format!(" {f}✗"));
    }
    s.push_str(&format!(" {answered}"));
    s
}

fn model_summary(t: &Trace, names: &[String]) -> String {
    let name = |n: Option<u8>| {
        n.and_then(|n| names.get(usize::from(n)))
            .cloned()
            .unwrap_or_else(|| "?".into())
    };
    // Nginx's attempts, in order; the one an answer came back from.
    let tries: Vec<Option<u8>> = t
        .steps
        .iter()
        .filter(|s| s.from == Component::Nginx && s.to == Component::App)
        .map(|s| s.app_node)
        .collect();
    let answer = t
        .steps
        .iter()
        .find(|s| s.from == Component::App && s.to == Component::Nginx)
        .map(|s| s.app_node);
    let failed: Vec<String> = tries
        .iter()
        .filter(|&&n| Some(n) != answer)
        .map(|&n| name(n))
        .collect();
    let answered = answer.map_or("-".to_string(), name);
    let status = match &t.outcome {
        Outcome::Response { status, .. } => status.to_string(),
        Outcome::BrowserError { code, .. } => code.to_string(),
        Outcome::InvalidInput { .. } => "invalid".into(),
    };
    summary(&status, &failed, &answered)
}

/// One case: the two stubs, the requests' session times in the model (the
/// real ones are sent as fast as they come, but `pause_after` sleeps).
struct Case {
    name: &'static str,
    stubs: [Stub; 2],
    at_s: &'static [f64],
    /// Wall-clock sleep before request `i` (to let `fail_timeout` pass).
    pause_before: Option<(usize, Duration)>,
}

const CASES: [Case; 5] = [
    Case {
        name: "both up: in turn",
        stubs: [Stub::Up, Stub::Up],
        at_s: &[0.1, 0.2, 0.3, 0.4],
        pause_before: None,
    },
    Case {
        name: "app-01 stopped: refused, app-02 answers, then app-01 sits out",
        stubs: [Stub::Stopped, Stub::Up],
        at_s: &[0.1, 0.2, 0.3],
        pause_before: None,
    },
    Case {
        name: "both stopped: 502, then no live upstreams",
        stubs: [Stub::Stopped, Stub::Stopped],
        at_s: &[0.1, 0.2],
        pause_before: None,
    },
    Case {
        name: "app-01 hung: the read timeout, then app-02 answers the GET",
        stubs: [Stub::Hung, Stub::Up],
        at_s: &[0.1, 1.5],
        pause_before: None,
    },
    Case {
        name: "app-01 stopped: after fail_timeout (10 s) chosen again, its weight lowered",
        stubs: [Stub::Stopped, Stub::Up],
        at_s: &[0.1, 0.2, 12.0, 12.1, 12.2, 12.3],
        pause_before: Some((2, Duration::from_millis(11_900))),
    },
];

/// The model's read timeout and nginx's `proxy_read_timeout` in this check.
const READ_TIMEOUT_S: u64 = 1;

pub fn run() -> Result<Report, String> {
    let nginx = find_program(&["nginx"])?;
    let mut report =
        Report::new("nginx: the upstream group (in turn, next upstream, fail_timeout)");
    for case in &CASES {
        let dir = TempDir::new("upstream")?;
        let apps = [
            App::start("app-01", case.stubs[0])?,
            App::start("app-02", case.stubs[1])?,
        ];
        // The model: the scaled-up design, web-02 drained, the stubs' faults.
        let mut world = seed::scaled_stack();
        world.latency.proxy_read_timeout_us = READ_TIMEOUT_S * 1_000_000;
        let Topology::Redundant(c) = &world.topology else {
            return Err("the scaled-up design has no cluster".into());
        };
        let names: Vec<String> = c.app_tier.iter().map(|a| a.hostname.clone()).collect();
        let ips: Vec<String> = c.app_tier.iter().map(|a| a.ip.to_string()).collect();
        let text = world_config_text(&world);
        let mut sim = Simulator::new(world.clone()).map_err(|e| e.to_string())?;
        sim.apply(Change::Rotation(1, false), 0);
        for (i, stub) in case.stubs.iter().enumerate() {
            let state = match stub {
                Stub::Up => continue,
                Stub::Stopped => ProcessState::Stopped,
                Stub::Hung => ProcessState::Hung,
            };
            sim.apply(Change::App(Some(i as u8), state), 0);
        }
        // The real one: the model's blocks, the servers moved to the stubs.
        let port = free_port()?;
        let mut served = String::new();
        for line in text.lines() {
            let t = line.trim_start();
            let moved = ips
                .iter()
                .position(|ip| t.starts_with(&format!("server {ip}:")));
            if let Some(k) = moved {
                served.push_str(&format!("    server 127.0.0.1:{};\n", apps[k].port));
            } else if t.starts_with("listen ") {
                served.push_str(&format!("    listen 127.0.0.1:{port};\n"));
            } else if t.starts_with("root ") {
                served.push_str(&format!("    root {};\n", dir.path().display()));
            } else {
                served.push_str(line);
                served.push('\n');
            }
        }
        let d = dir.path().display();
        let conf_text = format!(
            "daemon off;\nmaster_process off;\nerror_log {d}/error.log;\npid {d}/nginx.pid;\n\
events {{ worker_connections 64; }}\n\
http {{\n    include /etc/nginx/mime.types;\n    access_log off;\n    proxy_read_timeout {READ_TIMEOUT_S}s;\n\
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;\n\
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n{served}}}\n"
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, &conf_text).map_err(|e| e.to_string())?;
        let mut cmd = Command::new(&nginx);
        cmd.arg("-p").arg(dir.path()).arg("-c").arg(&conf);
        let mut server = Running::start("nginx", &mut cmd, &dir.join("stdout.log"))?;
        wait_for_tcp(&mut server, port)?;
        let log = dir.join("error.log");
        for (i, at) in case.at_s.iter().enumerate() {
            if let Some((k, pause)) = case.pause_before {
                if k == i {
                    std::thread::sleep(pause);
                }
            }
            let t = sim.request("https://www.foobar.com/about", (at * 1e6) as u64);
            let model = model_summary(&t, &names);
            let before = std::fs::read_to_string(&log).unwrap_or_default().len();
            let (status, body) = get(port)?;
            let logged = std::fs::read_to_string(&log).unwrap_or_default();
            let new = logged.get(before..).unwrap_or_default();
            let failed: Vec<String> = new
                .lines()
                .filter(|l| {
                    l.contains("while connecting to upstream") || l.contains("upstream timed out")
                })
                .filter_map(|l| {
                    (0..2)
                        .find(|&k| l.contains(&format!("127.0.0.1:{}", apps[k].port)))
                        .map(|k| names[k].clone())
                })
                .collect();
            let answered = if status == "200" {
                body.trim().to_string()
            } else {
                "-".into()
            };
            let real = summary(&status, &failed, &answered);
            let no_live = new.contains("no live upstreams");
            let model_no_live = t
                .steps
                .iter()
                .any(|s| s.title.contains("No live upstreams"));
            if std::env::var_os("STACKSCOPE_VERBOSE").is_some() {
                eprintln!("    {}: request {}: {real}", case.name, i + 1);
            }
            report.compare(
                &format!("{}: request {}", case.name, i + 1),
                format!("{model} no-live-upstreams={model_no_live}"),
                format!("{real} no-live-upstreams={no_live}"),
            );
        }
        server.alive()?;
    }
    Ok(report)
}

/// `GET /about` through nginx: the status and the body.
fn get(port: u16) -> Result<(String, String), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    s.write_all(b"GET /about HTTP/1.1\r\nHost: www.foobar.com\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split_whitespace().nth(1).unwrap_or("none").to_string();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}
