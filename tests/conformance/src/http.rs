//! HTTP: every message the simulator writes, read by an independent parser.
//!
//! The core writes HTTP/1.1 text and reads it back with `httparse`. Here
//! each request and response of a corpus of traces (the presets, raw
//! paths, every fault, both designs) is also read by Python's `h11`
//! (Debian's `python3-h11`, run as a child): it must accept the message,
//! see the same start line, headers and body, and every `Content-Length`
//! must equal the body's bytes.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use stackscope_core::http::{parse_request, parse_response};
use stackscope_core::{seed, Fault, Payload, Scenario, Simulator, PRESETS};

use crate::report::Report;

const SCRIPT: &str = include_str!("h11_check.py");

/// Every HTTP text in the traces of a corpus of requests.
fn corpus() -> Result<Vec<String>, String> {
    let mut worlds = vec![Scenario::default(), seed::redundant_stack()];
    for base in [Scenario::default(), seed::redundant_stack()] {
        for f in Fault::ALL {
            if f.applies_to(&base.topology) {
                let mut s = base.clone();
                f.apply(&mut s);
                worlds.push(s);
            }
        }
    }
    let mut urls: Vec<String> = PRESETS.iter().map(|(_, u)| u.to_string()).collect();
    for t in crate::nginx::TARGETS {
        if t.starts_with('/') {
            urls.push(format!("http://www.foobar.com{t}"));
        }
    }
    urls.push("http://www.foobar.com/users/1".into());
    urls.push("http://www.foobar.com/about".into());
    urls.push("http://www.foobar.com/search?q=%3Cscript%3E".into());
    let mut texts = Vec::new();
    for w in worlds {
        let mut sim = Simulator::new(w).map_err(|e| e.to_string())?;
        for (i, u) in urls.iter().enumerate() {
            let trace = sim.request(u, i as u64 * 1_000_000);
            for step in trace.steps {
                if let Payload::Http { text } = step.payload {
                    texts.push(text);
                }
            }
        }
    }
    texts.sort();
    texts.dedup();
    Ok(texts)
}

fn is_request(text: &str) -> bool {
    !text.starts_with("HTTP/")
}

/// A message as read: start line, headers, body bytes.
type Reading = (Vec<String>, Vec<(String, String)>, usize);

/// What the core's own parser reads.
fn core_reading(text: &str) -> Result<Reading, String> {
    if is_request(text) {
        let r = parse_request(text)?;
        Ok((
            vec![r.method.to_string(), r.target],
            r.headers,
            r.body.len(),
        ))
    } else {
        let r = parse_response(text)?;
        Ok((
            vec![r.status.to_string(), r.reason],
            r.headers,
            r.body.len(),
        ))
    }
}

fn declared_length(headers: &[(String, String)]) -> Option<usize> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
}

pub fn run() -> Result<Report, String> {
    let texts = corpus()?;
    let mut child = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start /usr/bin/python3 with h11: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input: String = texts
        .iter()
        .map(|t| {
            let kind = if is_request(t) { "request" } else { "response" };
            serde_json::json!({ "kind": kind, "text": t }).to_string() + "\n"
        })
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut report = Report::new("http: h11 reads every message");
    let mut lengths = Report::new("http: Content-Length = body bytes");
    let mut answers = out.lines();
    for text in &texts {
        let line = answers
            .next()
            .ok_or("h11 stopped answering (is python3-h11 installed?)")?
            .map_err(|e| e.to_string())?;
        let got: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let first = text.lines().next().unwrap_or("");
        if let Some(err) = got.get("error") {
            report.case(Some(format!("{first}: h11 refuses it: {err}")));
            continue;
        }
        let core = match core_reading(text) {
            Ok(c) => c,
            Err(e) => {
                report.case(Some(format!(
                    "{first}: the core cannot read its own message: {e}"
                )));
                continue;
            }
        };
        let start: Vec<String> = got["start"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let headers: Vec<(String, String)> = got["headers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|kv| {
                        Some((kv[0].as_str()?.to_string(), kv[1].as_str()?.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = got["body_bytes"].as_u64().unwrap_or(0) as usize;
        let ended = got["ended"].as_bool().unwrap_or(false);
        let core_headers: Vec<(String, String)> = core
            .1
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        let mut why = Vec::new();
        if !ended {
            why.push("h11 did not see the message end".to_string());
        }
        if start != core.0 {
            why.push(format!("start line: core {:?}, h11 {start:?}", core.0));
        }
        if headers != core_headers {
            why.push(format!("headers: core {core_headers:?}, h11 {headers:?}"));
        }
        if body != core.2 {
            why.push(format!("body: core {} bytes, h11 {body}", core.2));
        }
        report.case((!why.is_empty()).then(|| format!("{first}: {}", why.join("; "))));
        if let Some(len) = declared_length(&core.1) {
            let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
            let _ = head;
            let status_without_body = !is_request(text)
                && (core.0[0] == "204" || core.0[0] == "304" || core.0[0].starts_with('1'));
            let actual = if status_without_body { len } else { rest.len() };
            lengths.case(
                (len != actual)
                    .then(|| format!("{first}: Content-Length {len}, body {actual} bytes")),
            );
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    report.sub(lengths);
    Ok(report)
}
