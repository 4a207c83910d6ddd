//! HTTPS in the secured design: the real TLS 1.3 handshake, read back and
//! decrypted with the session's own secrets, and the certificate faults.

use stackscope_core::scenario::{Certificate, Change, Topology};
use stackscope_core::trace::{ByteField, Outcome, Payload, TlsRecord};
use stackscope_core::{seed, Fault, Scenario, Simulator, Trace};

fn secured() -> Simulator {
    Simulator::new(seed::secured_stack()).expect("the secured design builds")
}

fn tls_records(t: &Trace) -> Vec<(&str, &TlsRecord)> {
    t.steps
        .iter()
        .flat_map(|s| match &s.payload {
            Payload::Tls { records } => records.iter().map(|r| (s.title.as_str(), r)).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Fields cover `len` bytes exactly: in order, no gap, no overlap.
fn tiles(fields: &[ByteField], len: usize) -> Result<(), String> {
    let mut at = 0;
    for f in fields {
        if f.start != at {
            return Err(format!(
                "field {} starts at {} but the previous ended at {at}",
                f.name, f.start
            ));
        }
        at += f.len;
    }
    if at != len {
        return Err(format!("fields end at {at}, the bytes at {len}"));
    }
    Ok(())
}

fn error_code(t: &Trace) -> Option<&str> {
    match &t.outcome {
        Outcome::BrowserError { code, .. } => Some(code.as_str()),
        _ => None,
    }
}

#[test]
fn https_home_page_is_a_tls13_handshake_then_the_page() {
    let t = secured().request("https://www.foobar.com/", 0);
    assert_eq!(
        t.outcome,
        Outcome::Response {
            status: 200,
            reason: "OK".into()
        },
        "{:?}",
        t.outcome
    );
    let records = tls_records(&t);
    let labels: Vec<&str> = records.iter().map(|(_, r)| r.label.as_str()).collect();
    assert_eq!(labels[0], "Handshake: ClientHello");
    assert_eq!(labels[1], "Handshake: ServerHello");
    assert!(
        labels.contains(
            &"Encrypted handshake: EncryptedExtensions, Certificate, CertificateVerify, Finished"
        ),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Encrypted handshake: Finished"),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("Encrypted handshake: NewSessionTicket")),
        "{labels:?}"
    );
    let hello = &records[0].1;
    let sni = hello
        .fields
        .iter()
        .find(|f| f.name == "Extension: server_name")
        .expect("SNI");
    assert!(sni.value.contains("\"www.foobar.com\""), "{}", sni.value);
    let ks = hello
        .fields
        .iter()
        .find(|f| f.name == "Extension: key_share")
        .expect("key share");
    assert!(ks.value.starts_with("x25519: public key "), "{}", ks.value);
    let sh = &records[1].1;
    assert!(sh
        .fields
        .iter()
        .any(|f| f.name == "Cipher suite" && f.value.starts_with("TLS_AES_128_GCM_SHA256")));
    assert!(sh
        .fields
        .iter()
        .any(|f| f.name == "Extension: supported_versions" && f.value.contains("TLS 1.3")));
}

#[test]
fn every_record_is_labelled_byte_for_byte_and_every_encrypted_one_opens() {
    let t = secured().request("https://www.foobar.com/posts/hello-world", 0);
    for (step, r) in tls_records(&t) {
        tiles(&r.fields, r.bytes.len()).unwrap_or_else(|e| panic!("{step} / {}: {e}", r.label));
        if r.bytes[0] == 23 {
            let p = r
                .decrypted
                .as_ref()
                .unwrap_or_else(|| panic!("{step} / {} did not open", r.label));
            tiles(&p.fields, p.bytes.len())
                .unwrap_or_else(|e| panic!("{step} / {} (decrypted): {e}", r.label));
            // The ciphertext is the plaintext plus its 16-byte tag.
            assert_eq!(r.bytes.len() - 5, p.bytes.len() + 16, "{}", r.label);
        } else {
            assert!(r.decrypted.is_none());
        }
    }
}

#[test]
fn the_decrypted_request_is_the_one_the_balancer_forwards() {
    let t = secured().request("https://www.foobar.com/search?q=Nginx", 0);
    let inside: Vec<String> = tls_records(&t)
        .iter()
        .filter_map(|(_, r)| r.decrypted.as_ref().and_then(|p| p.http.clone()))
        .collect();
    assert_eq!(inside.len(), 2, "the request and the response");
    assert!(inside[0].starts_with("GET /search?q=Nginx HTTP/1.1\r\nHost: www.foobar.com\r\n"));
    let forwarded = t
        .steps
        .iter()
        .find_map(|s| match &s.payload {
            Payload::Http { text } if s.title.starts_with("Forward to") => Some(text.clone()),
            _ => None,
        })
        .expect("the plain hop behind the balancer");
    let expected = inside[0].replace("\r\n\r\n", "\r\nX-Forwarded-For: 198.51.100.23\r\n\r\n");
    assert_eq!(forwarded, expected);
    assert!(inside[1].starts_with("HTTP/1.1 200 OK\r\n"));
}

#[test]
fn the_same_world_gives_the_same_bytes_and_another_seed_other_ones() {
    let a = secured().request("https://www.foobar.com/", 5_000_000);
    let b = secured().request("https://www.foobar.com/", 5_000_000);
    assert_eq!(a, b);
    let mut s: Scenario = seed::secured_stack();
    s.seed = 99;
    let c = Simulator::new(s)
        .expect("builds")
        .request("https://www.foobar.com/", 5_000_000);
    assert_ne!(tls_records(&a)[0].1.bytes, tls_records(&c)[0].1.bytes);
}

#[test]
fn certificate_faults_give_chromiums_errors_and_the_alert() {
    let mut sim = secured();
    sim.apply(Fault::CertificateExpired.change(), 0);
    let t = sim.request("https://www.foobar.com/", 1_000_000);
    assert_eq!(error_code(&t), Some("NET::ERR_CERT_DATE_INVALID"));
    assert!(
        matches!(&t.outcome, Outcome::BrowserError { headline, .. } if headline == "Your connection is not private")
    );
    let alert = tls_records(&t).last().map(|(_, r)| r.label.clone());
    assert_eq!(
        alert.as_deref(),
        Some("Encrypted alert: certificate_expired")
    );
    assert!(
        !t.steps.iter().any(|s| s.title.starts_with("HTTP request")),
        "no request is sent"
    );

    sim.apply(Change::Certificate(None), 2_000_000);
    let t = sim.request("https://www.foobar.com/", 3_000_000);
    assert_eq!(error_code(&t), None);

    sim.apply(Fault::CertificateWrongName.change(), 4_000_000);
    let t = sim.request("https://www.foobar.com/", 5_000_000);
    assert_eq!(error_code(&t), Some("NET::ERR_CERT_COMMON_NAME_INVALID"));
    // The certificate still covers the apex.
    let t = sim.request("https://foobar.com/", 6_000_000);
    assert_eq!(error_code(&t), None);

    sim.apply(Fault::HttpsClosed.change(), 7_000_000);
    let t = sim.request("https://www.foobar.com/", 8_000_000);
    assert_eq!(error_code(&t), Some("ERR_CONNECTION_REFUSED"));
    sim.apply(Change::Restore, 9_000_000);
    let t = sim.request("https://www.foobar.com/", 10_000_000);
    assert_eq!(error_code(&t), None);
}

#[test]
fn a_certificate_runs_out_on_the_virtual_clock() {
    // Valid until 2026-03-15 00:00 UTC; the simulation starts 2026-01-01 09:00.
    let mut sim = secured();
    let until = (stackscope_core::scenario::utc_day("2026-03-15").unwrap() as u64
        - stackscope_core::http::VIRTUAL_EPOCH_S)
        * 1_000_000;
    assert_eq!(
        error_code(&sim.request("https://www.foobar.com/", until - 60_000_000)),
        None
    );
    assert_eq!(
        error_code(&sim.request("https://www.foobar.com/", until + 60_000_000)),
        Some("NET::ERR_CERT_DATE_INVALID")
    );
}

#[test]
fn plain_http_is_redirected_and_the_plain_designs_have_no_https() {
    let t = secured().request("http://www.foobar.com/posts/hello-world", 0);
    assert_eq!(
        t.outcome,
        Outcome::Response {
            status: 301,
            reason: "Moved Permanently".into()
        }
    );
    let location = t.steps.iter().find_map(|s| match &s.payload {
        Payload::Http { text } if text.starts_with("HTTP/1.1 301") => Some(text.clone()),
        _ => None,
    });
    assert!(location
        .unwrap_or_default()
        .contains("location: https://www.foobar.com/posts/hello-world\r\n"));
    for world in [seed::simple_stack(), seed::redundant_stack()] {
        let t = Simulator::new(world)
            .expect("builds")
            .request("https://www.foobar.com/", 0);
        assert_eq!(error_code(&t), Some("ERR_CONNECTION_REFUSED"));
    }
}

#[test]
fn bad_certificate_data_is_refused_with_a_message() {
    let cases = [
        (
            vec!["www.foobar.com"],
            "2026-02-30",
            "2026-03-15",
            "has no day 30",
        ),
        (
            vec!["www.foobar.com"],
            "2026-03-15",
            "2026-03-15",
            "must end after it starts",
        ),
        (
            vec!["www.foobar.com"],
            "15/03/2026",
            "2026-03-15",
            "YYYY-MM-DD",
        ),
        (vec![], "2026-01-01", "2026-03-15", "1 to 100 names"),
        (
            vec!["not a name"],
            "2026-01-01",
            "2026-03-15",
            "not a valid DNS name",
        ),
        (
            vec!["www.foobar.com"],
            "1969-12-31",
            "2026-03-15",
            "before 1970",
        ),
    ];
    for (names, from, to, says) in cases {
        let mut s = seed::secured_stack();
        if let Topology::Redundant(c) = &mut s.topology {
            c.lb.https.as_mut().expect("https").certificate = Certificate {
                names: names.iter().map(|n| n.to_string()).collect(),
                not_before: from.into(),
                not_after: to.into(),
            };
        }
        let e = Simulator::new(s).expect_err("refused").to_string();
        assert!(e.contains(says), "{from}..{to} {names:?}: {e}");
    }
}

#[test]
fn an_imported_or_stored_stack_with_a_bad_certificate_date_is_refused_with_the_date() {
    use stackscope_core::stored::{self, JsonForm};
    let mut s = seed::secured_stack();
    if let Topology::Redundant(c) = &mut s.topology {
        c.lb.https.as_mut().expect("https").certificate.not_after = "2026-02-30".into();
    }
    // Written as the page writes it (an export, the stored copy), read back.
    for form in [JsonForm::Export, JsonForm::Stored] {
        let text = stored::write(&s, form);
        let e = stored::import(&text).expect_err("refused");
        assert!(e.contains("has no day 30"), "{form:?}: {e}");
    }
    let e = stored::decode(&stored::write(&s, JsonForm::Stored)).expect_err("refused");
    assert!(
        e.starts_with("The saved stack could not be loaded:") && e.contains("has no day 30"),
        "{e}"
    );
}

#[test]
fn a_link_replays_a_certificate_fault_in_the_secured_design() {
    use stackscope_core::share::{Event, Share};
    let url = "https://www.foobar.com/";
    let events = [
        Event::Request {
            url: url.into(),
            at_us: 0,
        },
        Event::Change {
            change: Fault::CertificateExpired.change(),
            at_us: 1_000_000,
        },
        Event::Request {
            url: url.into(),
            at_us: 2_000_000,
        },
    ];
    let (share, left_out) = Share::new(&seed::secured_stack(), &events, 0);
    assert!(!left_out);
    assert!(share.secured && share.scenario.is_none());
    let back = Share::decode(&share.encode()).unwrap();
    let (_, trace) = back.replay().unwrap();
    let mut sim = secured();
    let _ = sim.request(url, 0);
    sim.apply(Fault::CertificateExpired.change(), 1_000_000);
    let direct = sim.request(url, 2_000_000);
    let t = trace.unwrap();
    assert_eq!(error_code(&t), Some("NET::ERR_CERT_DATE_INVALID"));
    assert_eq!(t, direct, "the link's replay is the session's own trace");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        /// Any certificate data either is refused with a message or gives a
        /// trace; the page is the site or one of Chromium's certificate errors.
        #[test]
        fn any_certificate(names in proptest::collection::vec("[a-z*.]{0,12}(\\.foobar\\.com)?", 0..4),
                           y1 in 2020u32..2030, m1 in 0u32..14, d1 in 0u32..32,
                           y2 in 2020u32..2030, m2 in 0u32..14, d2 in 0u32..32,
                           at_s in 0u64..200_000_000) {
            let mut s = seed::secured_stack();
            if let Topology::Redundant(c) = &mut s.topology {
                c.lb.https.as_mut().expect("https").certificate = Certificate {
                    names,
                    not_before: format!("{y1:04}-{m1:02}-{d1:02}"),
                    not_after: format!("{y2:04}-{m2:02}-{d2:02}"),
                };
            }
            if let Ok(mut sim) = Simulator::new(s) {
                let t = sim.request("https://www.foobar.com/", at_s * 1_000_000);
                match error_code(&t) {
                    None => {
                        let ok = matches!(t.outcome, Outcome::Response { status: 200, .. });
                        prop_assert!(ok, "{:?}", t.outcome);
                    }
                    Some(code) => prop_assert!(code.starts_with("NET::ERR_CERT_"), "{}", code),
                }
            }
        }
    }
}

/// The reader checks the handshake's two proofs itself, from the transcript
/// it read (RFC 8446 §4.4): the server's signature with the certificate's
/// public key, and both Finished HMACs with the session's secrets. rustls
/// accepted the same bytes, so this is a second implementation agreeing.
#[test]
fn the_reader_checks_certificate_verify_and_both_finished_messages() {
    for seed_value in [1, 7, 99] {
        let mut s: Scenario = seed::secured_stack();
        s.seed = seed_value;
        let t = Simulator::new(s)
            .expect("builds")
            .request("https://www.foobar.com/", 0);
        let inner: Vec<&ByteField> = tls_records(&t)
            .iter()
            .filter_map(|(_, r)| r.decrypted.as_ref())
            .flat_map(|p| p.fields.iter())
            .collect();
        let named = |name: &str| -> Vec<&str> {
            inner
                .iter()
                .filter(|f| f.name == name)
                .map(|f| f.value.as_str())
                .collect()
        };
        let signatures = named("Signature");
        assert_eq!(signatures.len(), 1, "one CertificateVerify");
        assert!(
            signatures[0].ends_with("with the certificate's public key: valid."),
            "{}",
            signatures[0]
        );
        let finished = named("Verify data");
        assert_eq!(finished.len(), 2, "the server's Finished and the browser's");
        assert!(finished[0].contains("the server's finished key"));
        assert!(finished[1].contains("the browser's finished key"));
        for f in &finished {
            assert!(f.ends_with(": it matches."), "{f}");
        }
    }
}
