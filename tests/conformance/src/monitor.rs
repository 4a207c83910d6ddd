//! Monitoring against the real programs.
//!
//! 1. `stub_status`: Debian's nginx (with its stub_status module) takes the
//!    same connections as the model's [`agent::replay`] (requests on
//!    keep-alive connections, idle connections left open, requests whose
//!    upstream has not answered, the agent's own reads); every page nginx
//!    prints must equal the model's, byte for byte.
//! 2. The alert rule: for runs of the monitoring dashboard (one server and
//!    two, each incident, several rules), the agents' counters become
//!    `promtool test rules` input series, and the model's state at every
//!    evaluation (firing or not) becomes its expectations; promtool
//!    (Prometheus 2.42's own rule engine) must pass every one.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use stackscope_core::load::Incident;
use stackscope_core::monitor::agent::{self, ClientEvent};
use stackscope_core::monitor::{self, promql, AlertRule, MonitorSpec, State};

use crate::gen::Gen;
use crate::proc::{find_program, free_port, Running, TempDir};
use crate::report::Report;

pub fn run() -> Result<Report, String> {
    let mut report = Report::new("monitor: stub_status pages vs nginx");
    stub_status(&mut report)?;
    let mut rules = Report::new("monitor: alert state at each evaluation vs promtool");
    alerts(&mut rules)?;
    report.sub(rules);
    Ok(report)
}

// --- 1. stub_status -------------------------------------------------------

fn sequences() -> Vec<Vec<ClientEvent>> {
    use ClientEvent::*;
    let mut out = vec![
        vec![Scrape],
        vec![Scrape, Requests(3), Scrape],
        vec![
            Requests(1),
            Requests(1),
            Requests(1),
            Requests(1),
            Requests(1),
            Scrape,
            Scrape,
            Scrape,
        ],
        vec![Idle(2), Idle(1), Scrape, Requests(4), Scrape],
        vec![InFlight, InFlight, Scrape, Idle(3), Scrape],
        vec![Scrape, InFlight, Requests(2), Idle(1), Scrape, Scrape],
    ];
    let mut g = Gen(42);
    for _ in 0..14 {
        let n = 3 + g.below(10) as usize;
        let mut seq: Vec<ClientEvent> = (0..n)
            .map(|_| match g.below(6) {
                0 | 1 => Requests(1 + g.below(5) as u32),
                2 => Idle(1 + g.below(3) as u32),
                3 => InFlight,
                _ => Scrape,
            })
            .collect();
        seq.push(Scrape);
        out.push(seq);
    }
    out
}

fn nginx_conf(dir: &Path, port: u16, upstream: u16) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\nerror_log {d}/error.log;\npid {d}/nginx.pid;\n\
events {{ worker_connections 256; }}\n\
http {{\n    access_log {d}/access.log;\n    keepalive_timeout 75s;\n\
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;\n\
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
    server {{\n        listen 127.0.0.1:{port};\n\
        location = /nginx_status {{ stub_status; access_log off; }}\n\
        location / {{ return 200 \"ok\\n\"; }}\n\
        location /slow {{ proxy_pass http://127.0.0.1:{upstream}; proxy_read_timeout 120s; }}\n\
    }}\n}}\n"
    )
}

/// Reads one response (headers and a Content-Length body); its body.
fn response(s: &mut TcpStream) -> Result<String, String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            Ok(_) => return Err("nginx closed the connection mid-response".into()),
            Err(e) => return Err(e.to_string()),
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .ok_or_else(|| format!("no Content-Length in {head:?}"))?;
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&body).to_string())
}

fn connect(port: u16) -> Result<TcpStream, String> {
    let s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    Ok(s)
}

fn get(s: &mut TcpStream, path: &str, close: bool) -> Result<String, String> {
    let conn = if close { "close" } else { "keep-alive" };
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: www.foobar.com\r\nConnection: {conn}\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    response(s)
}

/// Waits until nginx has closed `s` (it answered `Connection: close`).
fn until_closed(mut s: TcpStream) -> Result<(), String> {
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).map_err(|e| e.to_string())?;
    Ok(())
}

/// The pages real nginx prints for one sequence (a fresh nginx each time).
fn real_pages(nginx: &Path, events: &[ClientEvent]) -> Result<Vec<String>, String> {
    let dir = TempDir::new("stub")?;
    let (port, upstream_port) = (free_port()?, free_port()?);
    let upstream = TcpListener::bind(("127.0.0.1", upstream_port)).map_err(|e| e.to_string())?;
    upstream.set_nonblocking(true).map_err(|e| e.to_string())?;
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, nginx_conf(dir.path(), port, upstream_port))
        .map_err(|e| e.to_string())?;
    let mut run = Running::start(
        "nginx",
        Command::new(nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf),
        &dir.join("stdout.log"),
    )?;
    // Up once its pid file is written (a probe by connecting would be
    // counted in the page), and listening a moment later.
    let t = Instant::now();
    while !dir.join("nginx.pid").exists() {
        run.alive()?;
        if t.elapsed() > Duration::from_secs(20) {
            return Err("nginx did not start within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    let mut held = Vec::new();
    let mut upstream_held = Vec::new();
    let mut pages = Vec::new();
    for e in events {
        match *e {
            ClientEvent::Requests(n) => {
                let mut s = connect(port)?;
                for k in 0..n {
                    get(&mut s, "/", k + 1 == n)?;
                }
                until_closed(s)?;
            }
            ClientEvent::Idle(n) => {
                let mut s = connect(port)?;
                for _ in 0..n {
                    get(&mut s, "/", false)?;
                }
                held.push(s);
            }
            ClientEvent::InFlight => {
                let mut s = connect(port)?;
                write!(s, "GET /slow HTTP/1.1\r\nHost: www.foobar.com\r\n\r\n")
                    .map_err(|e| e.to_string())?;
                // Until nginx has read it and asked the upstream.
                let t = Instant::now();
                loop {
                    match upstream.accept() {
                        Ok((c, _)) => {
                            upstream_held.push(c);
                            break;
                        }
                        Err(_) if t.elapsed() < Duration::from_secs(10) => {
                            std::thread::sleep(Duration::from_millis(5))
                        }
                        Err(e) => return Err(format!("nginx never reached the upstream: {e}")),
                    }
                }
                held.push(s);
            }
            ClientEvent::Scrape => {
                let mut s = connect(port)?;
                pages.push(get(&mut s, "/nginx_status", true)?);
                until_closed(s)?;
            }
        }
    }
    drop(held);
    drop(upstream_held);
    Ok(pages)
}

fn stub_status(report: &mut Report) -> Result<(), String> {
    let nginx = find_program(&["nginx"])?;
    for (k, seq) in sequences().iter().enumerate() {
        let model: Vec<String> = agent::replay(seq).iter().map(|p| p.text()).collect();
        let real = real_pages(&nginx, seq)?;
        if model.len() != real.len() {
            report.case(Some(format!(
                "sequence {k} {seq:?}: {} pages against {}",
                model.len(),
                real.len()
            )));
            continue;
        }
        for (i, (m, r)) in model.iter().zip(&real).enumerate() {
            report.compare(&format!("sequence {k} {seq:?}, read {}", i + 1), m, r);
        }
    }
    Ok(())
}

// --- 2. the alert rule ----------------------------------------------------

/// A time as Go prints a `time.Duration` (promtool's messages): `45s`, `1m45s`, `1h0m0s`.
fn go_duration(s: u32) -> String {
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, m, sec) => format!("{h}h{m}m{sec}s"),
    }
}

fn promtool_test(dashboard: &monitor::Dashboard) -> String {
    let series = monitor::counter_series(&dashboard.agents);
    let mut y = String::new();
    y.push_str("rule_files:\n  - rules.yml\nevaluation_interval: 15s\ntests:\n  - interval: 15s\n    input_series:\n");
    for s in &series {
        let values: Vec<String> = s.samples.iter().map(|(_, v)| format!("{v}")).collect();
        y.push_str(&format!(
            "      - series: 'nginx_http_responses_total{{instance=\"{}\",class=\"{}\"}}'\n        values: '{}'\n",
            s.instance,
            s.class,
            values.join(" ")
        ));
    }
    y.push_str("    alert_rule_test:\n");
    for e in &dashboard.evaluations {
        y.push_str(&format!(
            "      - eval_time: {}s\n        alertname: {}\n",
            e.at_s,
            promql::ALERT_NAME
        ));
        if e.state == State::Firing {
            y.push_str(
                "        exp_alerts:\n          - exp_labels:\n              severity: page\n",
            );
        } else {
            y.push_str("        exp_alerts: []\n");
        }
    }
    y
}

fn alerts(report: &mut Report) -> Result<(), String> {
    let promtool = find_program(&["promtool"])?;
    let dir = TempDir::new("promtool")?;
    let incidents = [
        None,
        MonitorSpec::default().incident,
        Some(Incident::AppDown {
            server: 0,
            at_s: 60.0,
            for_s: 30.0,
        }),
        Some(Incident::AppDown {
            server: 0,
            at_s: 100.0,
            for_s: 400.0,
        }),
        Some(Incident::BadRelease {
            at_s: 120.0,
            for_s: 300.0,
            share: 0.3,
        }),
        Some(Incident::BadRelease {
            at_s: 30.0,
            for_s: 45.0,
            share: 0.05,
        }),
        Some(Incident::BadRelease {
            at_s: 200.0,
            for_s: 200.0,
            share: 0.012,
        }),
    ];
    let rules = [
        AlertRule::default(),
        AlertRule {
            threshold: 0.05,
            window_s: 120,
            for_s: 0,
        },
        AlertRule {
            threshold: 0.002,
            window_s: 30,
            for_s: 45,
        },
        AlertRule {
            threshold: 0.2,
            window_s: 300,
            for_s: 120,
        },
    ];
    for servers in [1, 2] {
        for incident in incidents {
            for rule in rules {
                let spec = MonitorSpec {
                    servers,
                    incident,
                    rule,
                    rate_per_s: if servers == 1 { 40.0 } else { 25.0 },
                    ..MonitorSpec::default()
                };
                let d = monitor::run(&stackscope_core::seed::simple_stack(), &spec)?;
                std::fs::write(dir.join("rules.yml"), rule.yaml()).map_err(|e| e.to_string())?;
                std::fs::write(dir.join("test.yml"), promtool_test(&d))
                    .map_err(|e| e.to_string())?;
                let out = Command::new(&promtool)
                    .current_dir(dir.path())
                    .args(["test", "rules", "test.yml"])
                    .output()
                    .map_err(|e| e.to_string())?;
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                let case = format!("{servers} server(s), {incident:?}, {}", rule.expr());
                if !out.status.success() && !text.contains("FAILED") {
                    return Err(format!("promtool could not run the test ({case}): {text}"));
                }
                // One case per evaluation; promtool names each one that failed.
                let mut named = 0;
                for e in &d.evaluations {
                    let failed = text.contains(&format!(
                        "alertname: {}, time: {}, ",
                        promql::ALERT_NAME,
                        go_duration(e.at_s)
                    ));
                    named += usize::from(failed);
                    report.case(failed.then(|| {
                        format!(
                            "{case}, at {} s: the model says {:?} (5xx share {:?})\n{}",
                            e.at_s,
                            e.state,
                            e.share,
                            text.lines().take(12).collect::<Vec<_>>().join("\n      ")
                        )
                    }));
                }
                if !out.status.success() && named == 0 {
                    report.case(Some(format!("{case}: promtool failed: {text}")));
                }
            }
        }
    }
    Ok(())
}
