//! The load balancer's TLS endpoint against OpenSSL's client.
//!
//! For each certificate the faults can give (valid, expired, not valid yet,
//! issued for the apex only) and each name a learner can type, the
//! simulator's own server config (`tls::server_config`, the one the
//! pipeline uses) is put on a real socket on 127.0.0.1, and Debian's
//! `openssl s_client` connects with the simulation's root CA as its only
//! trust, checking the name and the dates at the simulation's time
//! (`-attime`). Compared: whether the real client accepts the certificate,
//! and why not (expired, not yet valid, wrong name) against the simulated
//! browser's error code; when it does, the page it gets over TLS 1.3 with
//! X25519 against the model's response, byte for byte.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::Arc;

use stackscope_core::http::VIRTUAL_EPOCH_S;
use stackscope_core::scenario::{Certificate, Topology};
use stackscope_core::trace::{Outcome, Payload};
use stackscope_core::{seed, tls, Simulator};

use crate::proc::{find_program, TempDir};
use crate::report::Report;

/// What a client concluded: the page, or the reason it refused.
#[derive(Debug, PartialEq)]
enum Verdict {
    Page(String),
    Expired,
    NotYetValid,
    WrongName,
    Other(String),
}

fn model(cert: &Certificate, host: &str) -> (Verdict, String) {
    let mut s = seed::secured_stack();
    if let Topology::Redundant(c) = &mut s.topology {
        if let Some(h) = &mut c.lb.https {
            h.certificate = cert.clone();
        }
    }
    let Ok(mut sim) = Simulator::new(s) else {
        return (Verdict::Other("scenario refused".into()), String::new());
    };
    let t = sim.request(&format!("https://{host}/"), 0);
    // The request the browser sent inside TLS, to replay to the real client's server.
    let request = t
        .steps
        .iter()
        .find_map(|st| match &st.payload {
            Payload::Tls { records } if st.title.starts_with("HTTP request") => records
                .iter()
                .find_map(|r| r.decrypted.as_ref().and_then(|p| p.http.clone())),
            _ => None,
        })
        .unwrap_or_else(|| format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
    let verdict = match &t.outcome {
        Outcome::BrowserError { code, .. } => match code.as_str() {
            "NET::ERR_CERT_DATE_INVALID" if cert.not_before.as_str() > "2026-01-01" => {
                Verdict::NotYetValid
            }
            "NET::ERR_CERT_DATE_INVALID" => Verdict::Expired,
            "NET::ERR_CERT_COMMON_NAME_INVALID" => Verdict::WrongName,
            other => Verdict::Other(other.to_string()),
        },
        _ => {
            let response = t
                .steps
                .iter()
                .rev()
                .find_map(|st| match &st.payload {
                    Payload::Tls { records } if st.title.starts_with("HTTP response") => records
                        .iter()
                        .find_map(|r| r.decrypted.as_ref().and_then(|p| p.http.clone())),
                    _ => None,
                })
                .unwrap_or_default();
            Verdict::Page(response)
        }
    };
    (verdict, request)
}

/// Serves one TLS connection with the simulator's server config, answering
/// the request with `response`.
fn serve_once(
    listener: TcpListener,
    cert: Certificate,
    response: String,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok((mut sock, _)) = listener.accept() else {
            return;
        };
        let https = stackscope_core::scenario::Https {
            listening: true,
            redirect_http: true,
            certificate: cert,
        };
        let Ok(cfg) = tls::server_config(&https, VIRTUAL_EPOCH_S) else {
            return;
        };
        tls::provider::seed(7);
        let Ok(mut conn) = rustls::ServerConnection::new(Arc::new(cfg)) else {
            return;
        };
        let _ = sock.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let mut stream = rustls::Stream::new(&mut conn, &mut sock);
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        let _ = stream.write_all(response.as_bytes());
        stream.conn.send_close_notify();
        let _ = stream.flush();
    })
}

fn real(
    openssl: &std::path::Path,
    dir: &TempDir,
    cert: &Certificate,
    host: &str,
    request: &str,
    response: &str,
) -> Result<Verdict, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = serve_once(listener, cert.clone(), response.to_string());
    let ca = dir.join("root.pem");
    let mut child = Command::new(openssl)
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            host,
            "-verify_hostname",
            host,
        ])
        .arg("-CAfile")
        .arg(&ca)
        .args([
            "-attime",
            &VIRTUAL_EPOCH_S.to_string(),
            "-verify_return_error",
            "-tls1_3",
            "-alpn",
            "http/1.1",
            "-quiet",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start openssl: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(request.as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = server.join();
    let err = String::from_utf8_lossy(&out.stderr);
    Ok(if err.contains("certificate has expired") {
        Verdict::Expired
    } else if err.contains("certificate is not yet valid") {
        Verdict::NotYetValid
    } else if err.contains("hostname mismatch") {
        Verdict::WrongName
    } else if out.status.success() || !out.stdout.is_empty() {
        Verdict::Page(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Verdict::Other(err.lines().take(3).collect::<Vec<_>>().join(" | "))
    })
}

/// `openssl s_client -brief`'s summary of a good handshake: the protocol,
/// the key exchange, the peer's certificate and the verification.
fn brief(openssl: &std::path::Path, dir: &TempDir) -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = serve_once(
        listener,
        Certificate::valid(),
        "HTTP/1.1 204 No Content\r\n\r\n".into(),
    );
    let out = Command::new(openssl)
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            "www.foobar.com",
            "-verify_hostname",
            "www.foobar.com",
        ])
        .arg("-CAfile")
        .arg(dir.join("root.pem"))
        .args([
            "-attime",
            &VIRTUAL_EPOCH_S.to_string(),
            "-verify_return_error",
            "-brief",
            "-ign_eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            if let Some(mut i) = c.stdin.take() {
                let _ = i.write_all(b"GET / HTTP/1.1\r\nHost: www.foobar.com\r\n\r\n");
            }
            c.wait_with_output()
        })
        .map_err(|e| e.to_string())?;
    let _ = server.join();
    Ok(String::from_utf8_lossy(&out.stderr).into_owned())
}

pub fn run() -> Result<Report, String> {
    let openssl = find_program(&["openssl"])?;
    let dir = TempDir::new("tls")?;
    std::fs::write(dir.join("root.pem"), tls::root_pem()?).map_err(|e| e.to_string())?;
    let mut report = Report::new("tls: certificate verdicts and page vs openssl s_client");
    let not_yet = Certificate {
        not_before: "2026-02-01".into(),
        not_after: "2026-05-02".into(),
        ..Certificate::valid()
    };
    let certs = [
        ("valid", Certificate::valid()),
        ("expired", Certificate::expired()),
        ("not yet valid", not_yet),
        ("apex only", Certificate::apex_only()),
    ];
    for (label, cert) in &certs {
        for host in ["www.foobar.com", "foobar.com"] {
            let (verdict, request) = model(cert, host);
            let response = match &verdict {
                Verdict::Page(p) => p.clone(),
                _ => "HTTP/1.1 204 No Content\r\n\r\n".into(),
            };
            if matches!(&verdict, Verdict::Page(p) if !p.starts_with("HTTP/1.1 200 ")) {
                report.case(Some(format!(
                    "{label}, {host}: the model's page over TLS is not a 200: {verdict:?}"
                )));
                continue;
            }
            let real = real(&openssl, &dir, cert, host, &request, &response)?;
            report.compare(
                &format!("{label} certificate, https://{host}/"),
                verdict,
                real,
            );
        }
    }
    let mut hs = Report::new("tls: handshake parameters vs openssl s_client -brief");
    let summary = brief(&openssl, &dir)?;
    for want in [
        "Protocol version: TLSv1.3",
        "Peer certificate: CN = www.foobar.com",
        "Verification: OK",
        "Server Temp Key: X25519",
    ] {
        let found = summary
            .lines()
            .any(|l| l.trim() == want || l.contains(want));
        hs.case((!found).then(|| format!("openssl -brief lacks \"{want}\":\n{summary}")));
    }
    report.sub(hs);
    Ok(report)
}
