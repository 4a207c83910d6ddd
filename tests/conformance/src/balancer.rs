//! The balancer's agent against the real program: Debian's HAProxy 2.6.
//!
//! For each sequence of [`LbEvent`]s, a fresh HAProxy (HTTP mode, round-robin,
//! `option httpchk GET /health`, `inter 250ms fall 3 rise 2`) sits in front
//! of two small HTTP servers of this process, each answering 200 or, while
//! "broken", 502, as an Nginx whose application stopped does. Visitors'
//! requests are sent one at a time. The health checks see a break (or a
//! repair) only at the next `Settle`, as the model has it: the test's
//! servers answer `/health` by the state of that moment, so a check that
//! happens to fall between a break and a read cannot make a run differ
//! from the next. At a settle the servers change one at a time, those
//! coming back first, then those going down (the order decides where each
//! lands in HAProxy's round-robin; the model keeps the same order), and
//! `Settle` waits each time until `show stat` gives every server
//! as the checks must see it (`UP` or `DOWN`, no longer in between); `Read`
//! reads `show stat` on the admin socket (HAProxy's CLI, here on
//! 127.0.0.1) and keeps the agent's columns. Every page must equal the model's
//! ([`balancer::replay`]), line for line.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stackscope_core::monitor::balancer::{self, LbEvent, COLUMNS};

use crate::gen::Gen;
use crate::proc::{find_program, free_port, wait_for_tcp, Running, TempDir};
use crate::report::Report;

const SERVERS: [&str; 2] = ["web-01", "web-02"];
const FALL: u32 = 3;

pub fn run() -> Result<Report, String> {
    let haproxy = find_program(&["haproxy"])?;
    let mut report = Report::new("balancer: HAProxy show stat vs haproxy 2.6");
    for events in sequences() {
        let model = balancer::replay(&SERVERS, FALL, &events);
        let real = real_pages(&haproxy, &events)?;
        report.compare(&format!("{events:?}"), model, real);
    }
    Ok(report)
}

fn sequences() -> Vec<Vec<LbEvent>> {
    use LbEvent::*;
    #[rustfmt::skip]
    let mut out = vec![
        vec![Request, Request, Request, Read],
        // The dashboard's incident: web-01's application stops, visitors
        // get its 502s until the checks take it out, then web-02 takes all.
        vec![
            Request, Request, Break(0), Request, Request, Request, Read, Settle, Request,
            Request, Read, Repair(0), Settle, Request, Request, Request, Read,
        ],
        // One server back and the other out at the same settle: the one
        // coming back is placed first, then the other leaves the round.
        vec![
            Request, Break(0), Settle, Request, Request, Repair(0), Break(1), Settle,
            Request, Request, Request, Read, Repair(1), Settle, Request, Request, Request,
            Read,
        ],
        // No server left: HAProxy answers 503 itself.
        vec![
            Break(0), Break(1), Settle, Request, Request, Read, Repair(1), Settle, Request,
            Read,
        ],
    ];
    let mut g = Gen(7);
    for _ in 0..25 {
        let n = 4 + g.below(16) as usize;
        let mut seq: Vec<LbEvent> = (0..n)
            .map(|_| match g.below(9) {
                0..=3 => Request,
                4 => Break(g.below(2) as u8),
                5 => Repair(g.below(2) as u8),
                6 | 7 => Settle,
                _ => Read,
            })
            .collect();
        seq.push(Read);
        out.push(seq);
    }
    out
}

/// One of the backends: answers each request with its status (the
/// visitors', or the health checks' on `/health`), then closes.
struct Backend {
    port: u16,
    visitors: Arc<AtomicU16>,
    checks: Arc<AtomicU16>,
}

fn backend(stop: Arc<AtomicBool>) -> Result<Backend, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let (visitors, checks) = (Arc::new(AtomicU16::new(200)), Arc::new(AtomicU16::new(200)));
    let (v, c) = (visitors.clone(), checks.clone());
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((mut s, _)) => {
                    let _ = s.set_nonblocking(false);
                    let buf = crate::nginx::read_head(&mut s);
                    let check = buf.starts_with(b"GET /health ");
                    let code = if check { &c } else { &v }.load(Ordering::Relaxed);
                    let _ = write!(
                        s,
                        "HTTP/1.1 {code} X\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                    );
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    Ok(Backend {
        port,
        visitors,
        checks,
    })
}

fn config(admin: u16, port: u16, backends: &[Backend]) -> String {
    let servers: String = SERVERS
        .iter()
        .zip(backends)
        .map(|(name, b)| format!("    server {name} 127.0.0.1:{} check\n", b.port))
        .collect();
    format!(
        "global\n    stats socket ipv4@127.0.0.1:{admin} level admin\n\
defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n\
frontend www\n    bind 127.0.0.1:{port}\n    default_backend web\n\
backend web\n    balance roundrobin\n    option httpchk GET /health\n\
    default-server inter 250ms fall {FALL} rise 2\n{servers}"
    )
}

/// `show stat`'s lines, with the agent's columns (by their names).
fn show_stat(admin: u16) -> Result<Vec<Vec<String>>, String> {
    let mut s = TcpStream::connect(("127.0.0.1", admin)).map_err(|e| e.to_string())?;
    s.write_all(b"show stat\n").map_err(|e| e.to_string())?;
    let mut text = String::new();
    s.read_to_string(&mut text).map_err(|e| e.to_string())?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("show stat printed nothing")?
        .trim_start_matches("# ")
        .split(',')
        .collect();
    let wanted: Vec<usize> = COLUMNS
        .split(',')
        .map(|c| {
            header
                .iter()
                .position(|h| h == &c)
                .ok_or(format!("show stat has no column {c}"))
        })
        .collect::<Result<_, _>>()?;
    // The columns `cut -d, -f1,2,8,18,22,23,37,38,41,44,49` keeps are these.
    let cut: Vec<usize> = [1, 2, 8, 18, 22, 23, 37, 38, 41, 44, 49]
        .iter()
        .map(|f| f - 1)
        .collect();
    if wanted != cut {
        return Err(format!(
            "the agent's columns are at {wanted:?}, not {cut:?}"
        ));
    }
    Ok(lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            // A check under way is marked "* " before its last result
            // (`* L7OK`): which read catches one is a matter of timing.
            wanted
                .iter()
                .map(|&i| {
                    let v = f.get(i).copied().unwrap_or("");
                    v.strip_prefix("* ").unwrap_or(v).to_string()
                })
                .collect()
        })
        .collect())
}

fn page(rows: &[Vec<String>]) -> String {
    let mut out = format!("# {COLUMNS}\n");
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out
}

/// One visitor's request; its status.
fn request(port: u16) -> Result<u16, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    s.write_all(b"GET / HTTP/1.1\r\nHost: www.foobar.com\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut text = Vec::new();
    s.read_to_end(&mut text).map_err(|e| e.to_string())?;
    String::from_utf8_lossy(&text)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "HAProxy's answer had no status".to_string())
}

/// Whether each server answers its health checks.
fn checked(backends: &[Backend]) -> Vec<bool> {
    backends
        .iter()
        .map(|b| b.checks.load(Ordering::Relaxed) == 200)
        .collect()
}

/// Waits until each server's status is the one its answers call for.
fn settle(admin: u16, healthy: &[bool]) -> Result<(), String> {
    let t = Instant::now();
    loop {
        let rows = show_stat(admin)?;
        let statuses: Vec<&str> = SERVERS
            .iter()
            .map(|n| {
                rows.iter()
                    .find(|r| r[1] == *n)
                    .map_or("", |r| r[3].as_str())
            })
            .collect();
        let wanted: Vec<&str> = healthy
            .iter()
            .map(|&h| if h { "UP" } else { "DOWN" })
            .collect();
        if statuses == wanted {
            return Ok(());
        }
        if t.elapsed() > Duration::from_secs(10) {
            return Err(format!(
                "HAProxy's servers stayed {statuses:?}, not {wanted:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn real_pages(haproxy: &std::path::Path, events: &[LbEvent]) -> Result<Vec<String>, String> {
    let dir = TempDir::new("haproxy")?;
    let stop = Arc::new(AtomicBool::new(false));
    let backends = [backend(stop.clone())?, backend(stop.clone())?];
    let (port, admin) = (free_port()?, free_port()?);
    let conf = dir.join("haproxy.cfg");
    std::fs::write(&conf, config(admin, port, &backends)).map_err(|e| e.to_string())?;
    let result = (|| {
        let mut run = Running::start(
            "haproxy",
            Command::new(haproxy).arg("-db").arg("-f").arg(&conf),
            &dir.join("haproxy.log"),
        )?;
        // Its admin socket (the CLI, on TCP here): touching it counts nothing.
        wait_for_tcp(&mut run, admin)?;
        let mut healthy = [true, true];
        // Started: every server up (its first checks passed).
        settle(admin, &healthy)?;
        let mut pages = Vec::new();
        for e in events {
            match *e {
                LbEvent::Request => {
                    request(port)?;
                }
                LbEvent::Break(k) | LbEvent::Repair(k) => {
                    let ok = matches!(e, LbEvent::Repair(_));
                    healthy[usize::from(k)] = ok;
                    backends[usize::from(k)]
                        .visitors
                        .store(if ok { 200 } else { 502 }, Ordering::Relaxed);
                }
                // One server at a time, in the model's order (those coming
                // back, then those going down): the order changes where
                // each lands in HAProxy's round.
                LbEvent::Settle => {
                    for going_up in [true, false] {
                        for (k, &ok) in healthy.iter().enumerate() {
                            let code = backends[k].checks.load(Ordering::Relaxed);
                            if ok == going_up && (code == 200) != ok {
                                backends[k]
                                    .checks
                                    .store(if ok { 200 } else { 502 }, Ordering::Relaxed);
                                settle(admin, &checked(&backends))?;
                            }
                        }
                    }
                }
                LbEvent::Read => pages.push(page(&show_stat(admin)?)),
            }
            run.alive()?;
        }
        Ok(pages)
    })();
    stop.store(true, Ordering::Relaxed);
    result
}
