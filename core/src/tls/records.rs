//! TLS records read back from their bytes (RFC 8446 §5), field by field, and
//! the encrypted ones opened with the session's own secrets.
//!
//! This is a second reader, independent of rustls: it splits what rustls
//! wrote into records, names every field of the plaintext handshake, derives
//! each direction's key and IV from the traffic secrets rustls logged
//! (HKDF-Expand-Label, §7.1 and §7.3), opens each encrypted record with
//! ring's AEAD (nonce = IV xor sequence number, the header as additional
//! data, §5.2–5.3) and names the messages inside. A record it cannot open
//! says so; nothing here panics on odd bytes.
//!
//! It also checks the handshake's two proofs itself, from the transcript it
//! read (§4.4.1): CertificateVerify's signature against the certificate's
//! public key (§4.4.3), and each Finished's HMAC with the sender's finished
//! key (§4.4.4). Each field says whether it holds.

use std::collections::BTreeMap;

use ring::{aead, digest, hkdf, hmac, signature};

use crate::trace::{ByteField, CertView, TlsPlaintext, TlsRecord};

/// A bounds-checked reader over one message, keeping absolute offsets.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], pos: usize) -> Self {
        Reader { bytes, pos }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn uint(&mut self, n: usize) -> Option<usize> {
        Some(
            self.take(n)?
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)),
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// At most `n` bytes as hex, with the total when clipped.
fn hex_clip(bytes: &[u8], n: usize) -> String {
    if bytes.len() <= n {
        hex(bytes)
    } else {
        format!("{}… ({} bytes)", hex(&bytes[..n]), bytes.len())
    }
}

fn push(out: &mut Vec<ByteField>, start: usize, len: usize, name: &str, value: String) {
    out.push(ByteField {
        start,
        len,
        name: name.to_string(),
        value,
    });
}

pub fn content_type_name(t: u8) -> &'static str {
    match t {
        20 => "change_cipher_spec",
        21 => "alert",
        22 => "handshake",
        23 => "application_data",
        _ => "unknown",
    }
}

pub fn handshake_name(t: u8) -> &'static str {
    match t {
        1 => "ClientHello",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        13 => "CertificateRequest",
        15 => "CertificateVerify",
        20 => "Finished",
        24 => "KeyUpdate",
        _ => "unknown handshake message",
    }
}

pub fn suite_name(s: usize) -> String {
    match s {
        0x1301 => "TLS_AES_128_GCM_SHA256".into(),
        0x1302 => "TLS_AES_256_GCM_SHA384".into(),
        0x1303 => "TLS_CHACHA20_POLY1305_SHA256".into(),
        0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV".into(),
        other => format!("0x{other:04x}"),
    }
}

fn group_name(g: usize) -> String {
    match g {
        0x001d => "x25519".into(),
        0x0017 => "secp256r1".into(),
        0x0018 => "secp384r1".into(),
        0x11ec => "X25519MLKEM768".into(),
        other => format!("0x{other:04x}"),
    }
}

fn scheme_name(s: usize) -> String {
    match s {
        0x0403 => "ecdsa_secp256r1_sha256".into(),
        0x0503 => "ecdsa_secp384r1_sha384".into(),
        0x0603 => "ecdsa_secp521r1_sha512".into(),
        0x0804 => "rsa_pss_rsae_sha256".into(),
        0x0805 => "rsa_pss_rsae_sha384".into(),
        0x0806 => "rsa_pss_rsae_sha512".into(),
        0x0807 => "ed25519".into(),
        0x0808 => "ed448".into(),
        0x0401 => "rsa_pkcs1_sha256".into(),
        0x0501 => "rsa_pkcs1_sha384".into(),
        0x0601 => "rsa_pkcs1_sha512".into(),
        other => format!("0x{other:04x}"),
    }
}

fn version_name(v: usize) -> String {
    match v {
        0x0301 => "0x0301 (TLS 1.0)".into(),
        0x0303 => "0x0303 (TLS 1.2)".into(),
        0x0304 => "0x0304 (TLS 1.3)".into(),
        other => format!("0x{other:04x}"),
    }
}

pub fn alert_name(d: u8) -> &'static str {
    match d {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        80 => "internal_error",
        109 => "missing_extension",
        112 => "unrecognized_name",
        _ => "unknown alert",
    }
}

fn extension_name(t: usize) -> String {
    match t {
        0 => "server_name".into(),
        5 => "status_request".into(),
        10 => "supported_groups".into(),
        11 => "ec_point_formats".into(),
        13 => "signature_algorithms".into(),
        16 => "application_layer_protocol_negotiation".into(),
        18 => "signed_certificate_timestamp".into(),
        23 => "extended_master_secret".into(),
        35 => "session_ticket".into(),
        43 => "supported_versions".into(),
        45 => "psk_key_exchange_modes".into(),
        51 => "key_share".into(),
        65281 => "renegotiation_info".into(),
        other => format!("extension {other}"),
    }
}

/// A list of 2-byte codes behind a length prefix of `len_bytes`.
fn codes(data: &[u8], len_bytes: usize, name: fn(usize) -> String) -> String {
    let mut r = Reader::new(data, 0);
    let Some(n) = r.uint(len_bytes) else {
        return hex(data);
    };
    let Some(list) = r.take(n) else {
        return hex(data);
    };
    list.chunks(2)
        .map(|c| name(c.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one extension says, read from its data. `from_server` tells the
/// ServerHello's forms (one version, one key share) from the client's lists.
fn extension_value(t: usize, data: &[u8], from_server: bool) -> String {
    let mut r = Reader::new(data, 0);
    match t {
        0 if data.is_empty() => "acknowledged (the server used the name)".into(),
        0 => {
            let name = (|| {
                r.uint(2)?;
                r.uint(1)?;
                let n = r.uint(2)?;
                r.take(n)
            })();
            match name {
                Some(n) => format!(
                    "host_name \"{}\": in clear text, so the network can see which site is visited",
                    String::from_utf8_lossy(n)
                ),
                None => hex(data),
            }
        }
        10 => codes(data, 2, group_name),
        13 => codes(data, 2, scheme_name),
        16 => {
            let mut protos = Vec::new();
            if r.uint(2).is_some() {
                while let Some(n) = r.uint(1) {
                    match r.take(n) {
                        Some(p) => protos.push(String::from_utf8_lossy(p).into_owned()),
                        None => break,
                    }
                }
            }
            protos.join(", ")
        }
        43 if from_server => r.uint(2).map(version_name).unwrap_or_else(|| hex(data)),
        43 => {
            let Some(n) = r.uint(1) else {
                return hex(data);
            };
            r.take(n)
                .map(|l| {
                    l.chunks(2)
                        .map(|c| {
                            version_name(c.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b)))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| hex(data))
        }
        45 => {
            let modes: Vec<&str> = data
                .iter()
                .skip(1)
                .map(|m| match m {
                    1 => "psk_dhe_ke",
                    0 => "psk_ke",
                    _ => "unknown",
                })
                .collect();
            modes.join(", ")
        }
        51 => {
            let mut shares = Vec::new();
            if !from_server && r.uint(2).is_none() {
                return hex(data);
            }
            while let (Some(g), Some(n)) = (r.uint(2), r.uint(2)) {
                match r.take(n) {
                    Some(k) => shares.push(format!("{}: public key {}", group_name(g), hex(k))),
                    None => break,
                }
            }
            shares.join("; ")
        }
        _ if data.is_empty() => "(empty)".into(),
        _ => hex_clip(data, 24),
    }
}

/// The extensions block at the reader: a field per extension.
fn extensions(r: &mut Reader, out: &mut Vec<ByteField>, from_server: bool) -> Option<()> {
    let start = r.pos;
    let total = r.uint(2)?;
    push(out, start, 2, "Extensions length", format!("{total} bytes"));
    let end = r.pos + total;
    while r.pos < end {
        let at = r.pos;
        let t = r.uint(2)?;
        let n = r.uint(2)?;
        let data = r.take(n)?;
        push(
            out,
            at,
            4 + n,
            &format!("Extension: {}", extension_name(t)),
            extension_value(t, data, from_server),
        );
    }
    Some(())
}

/// The ClientHello or ServerHello body at the reader (after its header).
fn hello(r: &mut Reader, out: &mut Vec<ByteField>, from_server: bool) -> Option<()> {
    let at = r.pos;
    let v = r.uint(2)?;
    push(
        out,
        at,
        2,
        "Legacy version",
        format!(
            "{}: frozen; the real version is in supported_versions",
            version_name(v)
        ),
    );
    let at = r.pos;
    let random = r.take(32)?;
    let what = if from_server { "server" } else { "client" };
    push(
        out,
        at,
        32,
        "Random",
        format!(
            "{} ({what}'s 32 fresh bytes, from the simulation's seed)",
            hex_clip(random, 8)
        ),
    );
    let at = r.pos;
    let n = r.uint(1)?;
    let sid = r.take(n)?;
    let why = if from_server {
        "echoed back"
    } else {
        "random, for middlebox compatibility (RFC 8446 D.4)"
    };
    push(
        out,
        at,
        1 + n,
        "Legacy session ID",
        format!("{n} bytes, {why}: {}", hex_clip(sid, 8)),
    );
    let at = r.pos;
    if from_server {
        let s = r.uint(2)?;
        push(
            out,
            at,
            2,
            "Cipher suite",
            format!("{} (the server's choice)", suite_name(s)),
        );
        let at = r.pos;
        r.take(1)?;
        push(out, at, 1, "Compression", "null (TLS 1.3 has none)".into());
    } else {
        let n = r.uint(2)?;
        let list = r.take(n)?;
        let names: Vec<String> = list
            .chunks(2)
            .map(|c| suite_name(c.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b))))
            .collect();
        push(out, at, 2 + n, "Cipher suites", names.join(", "));
        let at = r.pos;
        let n = r.uint(1)?;
        r.take(n)?;
        push(out, at, 1 + n, "Compression methods", "null".into());
    }
    extensions(r, out, from_server)
}

/// The fields of a sequence of handshake messages starting at `base` in
/// `bytes` and running `len` bytes; returns the messages' names. A
/// Certificate message's certificates are read back into `certs`.
fn handshakes(
    bytes: &[u8],
    base: usize,
    len: usize,
    out: &mut Vec<ByteField>,
    certs: &mut Vec<CertView>,
    proof: &mut Proof,
) -> Vec<&'static str> {
    let now_s = proof.now_s;
    let mut names = Vec::new();
    let mut r = Reader::new(bytes, base);
    let end = base.saturating_add(len).min(bytes.len());
    while r.pos + 4 <= end {
        let at = r.pos;
        let Some(t) = r.uint(1) else { break };
        let Some(n) = r.uint(3) else { break };
        let t = t as u8;
        let name = handshake_name(t);
        names.push(name);
        push(
            out,
            at,
            4,
            &format!("{name} header"),
            format!("type {t}, {n} bytes"),
        );
        let body_end = r.pos + n;
        let ok = match t {
            1 => hello(&mut r, out, false),
            2 => hello(&mut r, out, true),
            8 => extensions(&mut r, out, true),
            11 => certificate(&mut r, out, certs, now_s, proof.leaf_key),
            15 => (|| {
                let at = r.pos;
                let s = r.uint(2)?;
                push(out, at, 2, "Signature scheme", scheme_name(s));
                let at = r.pos;
                let k = r.uint(2)?;
                let sig = r.take(k)?;
                let verdict = proof.signature(s, sig);
                push(out, at, 2 + k, "Signature", format!("{} over the handshake so far, made with the certificate's private key: proof that the server holds it. {verdict}", hex_clip(sig, 12)));
                Some(())
            })(),
            20 => (|| {
                let at = r.pos;
                let v = r.take(n)?;
                let verdict = proof.finished(v);
                push(out, at, n, "Verify data", format!("{}: an HMAC of the whole handshake so far with the {}'s finished key; any tampering would make it differ. {verdict}", hex_clip(v, 12), if proof.from_server { "server" } else { "browser" }));
                Some(())
            })(),
            4 => {
                (|| {
                    let at = r.pos;
                    let life = r.uint(4)?;
                    push(out, at, 4, "Ticket lifetime", format!("{life} s"));
                    let at = r.pos;
                    r.take(4)?;
                    push(
                        out,
                        at,
                        4,
                        "Ticket age add",
                        "hides the ticket's age on resumption".into(),
                    );
                    let at = r.pos;
                    let k = r.uint(1)?;
                    r.take(k)?;
                    push(out, at, 1 + k, "Ticket nonce", format!("{k} bytes"));
                    let at = r.pos;
                    let k = r.uint(2)?;
                    let ticket = r.take(k)?;
                    push(out, at, 2 + k, "Ticket", format!("{}: lets the browser resume this session later without a full handshake", hex_clip(ticket, 8)));
                    extensions(&mut r, out, true)
                })()
            }
            _ => None,
        };
        // The transcript holds the handshake proper, not what follows it
        // (NewSessionTicket, KeyUpdate: §4.4.1).
        if !matches!(t, 4 | 24) {
            if let Some(m) = bytes.get(at..body_end.min(end)) {
                proof.transcript.extend_from_slice(m);
            }
        }
        if ok.is_none() || r.pos != body_end {
            if body_end > r.pos && body_end <= end {
                push(
                    out,
                    r.pos,
                    body_end - r.pos,
                    "Body",
                    hex_clip(&bytes[r.pos..body_end], 16),
                );
            }
            r.pos = body_end;
        }
    }
    names
}

fn certificate(
    r: &mut Reader,
    out: &mut Vec<ByteField>,
    certs: &mut Vec<CertView>,
    now_s: u64,
    leaf_key: &mut Option<Vec<u8>>,
) -> Option<()> {
    let at = r.pos;
    let k = r.uint(1)?;
    r.take(k)?;
    push(
        out,
        at,
        1 + k,
        "Request context",
        "(empty: not a reply to a certificate request)".into(),
    );
    let at = r.pos;
    let total = r.uint(3)?;
    push(
        out,
        at,
        3,
        "Certificate list length",
        format!("{total} bytes"),
    );
    let end = r.pos + total;
    let mut i = 0;
    while r.pos < end {
        let at = r.pos;
        let n = r.uint(3)?;
        let der = r.take(n)?;
        let (view, key) = read_certificate(der, now_s);
        if i == 0 {
            *leaf_key = key;
        }
        let subject = view
            .rows
            .iter()
            .find(|(k, _)| k == "Subject")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let role = if i == 0 {
            "the site's own"
        } else {
            "the issuer's, to chain up to a root the browser trusts"
        };
        push(
            out,
            at,
            3 + n,
            &format!("Certificate {}", i + 1),
            format!("{n} bytes of DER: {subject} ({role})"),
        );
        certs.push(view);
        let at = r.pos;
        let e = r.uint(2)?;
        r.take(e)?;
        push(
            out,
            at,
            2 + e,
            "Certificate extensions",
            if e == 0 {
                "(none)".into()
            } else {
                format!("{e} bytes")
            },
        );
        i += 1;
    }
    Some(())
}

/// What checking the handshake's proofs needs, as the reader goes.
struct Proof<'a> {
    /// Every handshake message so far, headers included (§4.4.1).
    transcript: &'a mut Vec<u8>,
    /// The site's public key, once its certificate has been read.
    leaf_key: &'a mut Option<Vec<u8>>,
    suite: Option<usize>,
    secrets: &'a BTreeMap<String, Vec<u8>>,
    /// Who sent the messages being read.
    from_server: bool,
    now_s: u64,
}

impl Proof<'_> {
    /// The suite's hash: SHA-384 for TLS_AES_256_GCM_SHA384, else SHA-256.
    fn hash(&self) -> Option<(&'static digest::Algorithm, hkdf::Algorithm, hmac::Algorithm)> {
        match self.suite? {
            0x1301 | 0x1303 => Some((&digest::SHA256, hkdf::HKDF_SHA256, hmac::HMAC_SHA256)),
            0x1302 => Some((&digest::SHA384, hkdf::HKDF_SHA384, hmac::HMAC_SHA384)),
            _ => None,
        }
    }

    /// CertificateVerify (§4.4.3): the signature covers 64 spaces, the
    /// server's context string, a zero byte and the transcript hash up to
    /// the Certificate.
    fn signature(&self, scheme: usize, sig: &[u8]) -> String {
        let (Some((h, _, _)), Some(key)) = (self.hash(), self.leaf_key.as_ref()) else {
            return "Not checked: the certificate was not read.".into();
        };
        let alg: &dyn signature::VerificationAlgorithm = match scheme {
            0x0403 => &signature::ECDSA_P256_SHA256_ASN1,
            0x0503 => &signature::ECDSA_P384_SHA384_ASN1,
            0x0807 => &signature::ED25519,
            0x0804 => &signature::RSA_PSS_2048_8192_SHA256,
            _ => return "Not checked: Stackscope does not read this scheme.".into(),
        };
        let mut signed = vec![0x20u8; 64];
        signed.extend_from_slice(b"TLS 1.3, server CertificateVerify\0");
        signed.extend_from_slice(digest::digest(h, self.transcript).as_ref());
        match signature::UnparsedPublicKey::new(alg, key).verify(&signed, sig) {
            Ok(()) => "Stackscope checked it with the certificate's public key: valid.".into(),
            Err(_) => "Stackscope checked it with the certificate's public key: NOT valid; a browser would end the handshake.".into(),
        }
    }

    /// Finished (§4.4.4): HMAC(finished_key, transcript hash), the key
    /// expanded from the sender's handshake traffic secret.
    fn finished(&self, verify: &[u8]) -> String {
        let name = if self.from_server {
            "SERVER_HANDSHAKE_TRAFFIC_SECRET"
        } else {
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
        };
        let (Some((h, kdf, mac)), Some(secret)) = (self.hash(), self.secrets.get(name)) else {
            return "Not checked: the session's secret is not known.".into();
        };
        let Some(key) = expand_label(kdf, secret, "finished", h.output_len()) else {
            return "Not checked: the finished key could not be derived.".into();
        };
        let hash = digest::digest(h, self.transcript);
        let key = hmac::Key::new(mac, &key);
        match hmac::verify(&key, hash.as_ref(), verify) {
            Ok(()) => "Stackscope recomputed it from the session's secrets: it matches.".into(),
            Err(_) => "Stackscope recomputed it from the session's secrets: it does NOT match; the other side would end the handshake.".into(),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since 1970.
pub fn utc_text(s: u64) -> String {
    let days = (s / 86_400) as i64;
    let secs = s % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A certificate's fields, read with `x509-cert`, and where the virtual
/// time `now_s` falls in its validity; and the subject's public key (the
/// bits of subjectPublicKeyInfo), for checking what it signed.
pub fn read_certificate(der: &[u8], now_s: u64) -> (CertView, Option<Vec<u8>>) {
    use x509_cert::der::Decode;
    let mut rows = Vec::new();
    let cert = match x509_cert::Certificate::from_der(der) {
        Ok(c) => c,
        Err(e) => {
            rows.push(("Unreadable".into(), e.to_string()));
            return (CertView { rows }, None);
        }
    };
    let tbs = &cert.tbs_certificate;
    rows.push(("Subject".into(), tbs.subject.to_string()));
    rows.push(("Issuer".into(), tbs.issuer.to_string()));
    rows.push(("Serial number".into(), hex(tbs.serial_number.as_bytes())));
    let from = tbs.validity.not_before.to_unix_duration().as_secs();
    let to = tbs.validity.not_after.to_unix_duration().as_secs();
    rows.push(("Not before".into(), utc_text(from)));
    rows.push(("Not after".into(), utc_text(to)));
    let verdict = if now_s < from {
        format!(
            "not valid yet at the simulation's time ({})",
            utc_text(now_s)
        )
    } else if now_s > to {
        format!("expired: the simulation's time is {}", utc_text(now_s))
    } else {
        format!(
            "valid at the simulation's time ({}), {} days left",
            utc_text(now_s),
            (to - now_s) / 86_400
        )
    };
    rows.push(("Validity".into(), verdict));
    let key_alg = tbs.subject_public_key_info.algorithm.oid.to_string();
    rows.push((
        "Public key".into(),
        match key_alg.as_str() {
            "1.2.840.10045.2.1" => "ECDSA on the P-256 curve (prime256v1)".into(),
            other => other.to_string(),
        },
    ));
    for ext in tbs.extensions.iter().flatten() {
        let oid = ext.extn_id.to_string();
        let value = ext.extn_value.as_bytes();
        match oid.as_str() {
            "2.5.29.17" => {
                let names = x509_cert::ext::pkix::SubjectAltName::from_der(value)
                    .map(|san| {
                        san.0
                            .iter()
                            .map(|n| match n {
                                x509_cert::ext::pkix::name::GeneralName::DnsName(d) => {
                                    d.to_string()
                                }
                                other => format!("{other:?}"),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_else(|e| e.to_string());
                rows.push(("Names (subjectAltName)".into(), names));
            }
            "2.5.29.19" => {
                let ca = x509_cert::ext::pkix::BasicConstraints::from_der(value)
                    .map(|b| {
                        if b.ca {
                            "a certificate authority (may issue certificates)"
                        } else {
                            "not a certificate authority"
                        }
                    })
                    .unwrap_or("unreadable");
                rows.push(("Basic constraints".into(), ca.into()));
            }
            "2.5.29.37" => rows.push((
                "Extended key usage".into(),
                "TLS web server authentication".into(),
            )),
            _ => {}
        }
    }
    let sig_alg = cert.signature_algorithm.oid.to_string();
    rows.push((
        "Signature".into(),
        match sig_alg.as_str() {
            "1.2.840.10045.4.3.2" => "ECDSA with SHA-256, by the issuer".into(),
            other => other.to_string(),
        },
    ));
    let key = tbs
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .map(<[u8]>::to_vec);
    (CertView { rows }, key)
}

/// Which secrets protect one direction, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    ClientToServer,
    ServerToClient,
}

impl Direction {
    fn secrets(self) -> [&'static str; 2] {
        match self {
            Direction::ClientToServer => {
                ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0"]
            }
            Direction::ServerToClient => {
                ["SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"]
            }
        }
    }
}

struct HkdfLen(usize);

impl hkdf::KeyType for HkdfLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand-Label(secret, label, "", len) (RFC 8446 §7.1).
fn expand_label(alg: hkdf::Algorithm, secret: &[u8], label: &str, len: usize) -> Option<Vec<u8>> {
    let full = format!("tls13 {label}");
    let mut info = Vec::with_capacity(4 + full.len());
    info.extend_from_slice(&(len as u16).to_be_bytes());
    info.push(full.len() as u8);
    info.extend_from_slice(full.as_bytes());
    info.push(0);
    let prk = hkdf::Prk::new_less_safe(alg, secret);
    let info_parts = [info.as_slice()];
    let okm = prk.expand(&info_parts, HkdfLen(len)).ok()?;
    let mut out = vec![0u8; len];
    okm.fill(&mut out).ok()?;
    Some(out)
}

/// Opens one direction's records in order.
pub struct Opener {
    direction: Direction,
    /// Index into the direction's secrets: 0 handshake, 1 application.
    epoch: usize,
    seq: u64,
}

impl Opener {
    pub fn new(direction: Direction) -> Self {
        Opener {
            direction,
            epoch: 0,
            seq: 0,
        }
    }

    /// Decrypts one protected record with the logged secrets for the
    /// negotiated suite: `(secret's name, content, inner content type)`.
    fn open(
        &mut self,
        record: &[u8],
        suite: usize,
        secrets: &BTreeMap<String, Vec<u8>>,
    ) -> Option<(&'static str, Vec<u8>, u8)> {
        let (hkdf_alg, aead_alg) = match suite {
            0x1301 => (hkdf::HKDF_SHA256, &aead::AES_128_GCM),
            0x1302 => (hkdf::HKDF_SHA384, &aead::AES_256_GCM),
            0x1303 => (hkdf::HKDF_SHA256, &aead::CHACHA20_POLY1305),
            _ => return None,
        };
        let name = *self.direction.secrets().get(self.epoch)?;
        let secret = secrets.get(name)?;
        let key = expand_label(hkdf_alg, secret, "key", aead_alg.key_len())?;
        let iv = expand_label(hkdf_alg, secret, "iv", aead::NONCE_LEN)?;
        let mut nonce = [0u8; aead::NONCE_LEN];
        nonce.copy_from_slice(&iv);
        for (n, s) in nonce[4..].iter_mut().zip(self.seq.to_be_bytes()) {
            *n ^= s;
        }
        let key = aead::LessSafeKey::new(aead::UnboundKey::new(aead_alg, &key).ok()?);
        let mut buf = record.get(5..)?.to_vec();
        let plain = key
            .open_in_place(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(record.get(..5)?),
                &mut buf,
            )
            .ok()?;
        self.seq += 1;
        // TLSInnerPlaintext: content, its real type, then zero padding.
        let end = plain.iter().rposition(|b| *b != 0)?;
        let inner_type = plain[end];
        let mut content = plain.to_vec();
        content.truncate(end);
        Some((name, content, inner_type))
    }
}

/// Splits a flight of bytes into records.
pub fn split(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 5 <= bytes.len() {
        let n = usize::from(u16::from_be_bytes([bytes[at + 3], bytes[at + 4]]));
        let end = (at + 5 + n).min(bytes.len());
        out.push(&bytes[at..end]);
        at = end;
    }
    out
}

/// What the reader knows of the session so far.
pub struct Session {
    pub suite: Option<usize>,
    pub secrets: BTreeMap<String, Vec<u8>>,
    /// The handshake messages read so far, for the proofs.
    transcript: Vec<u8>,
    leaf_key: Option<Vec<u8>>,
    pub c2s: Opener,
    pub s2c: Opener,
    /// The virtual time, for certificate validity.
    pub now_s: u64,
}

impl Session {
    pub fn new(now_s: u64) -> Self {
        Session {
            suite: None,
            secrets: BTreeMap::new(),
            transcript: Vec::new(),
            leaf_key: None,
            c2s: Opener::new(Direction::ClientToServer),
            s2c: Opener::new(Direction::ServerToClient),
            now_s,
        }
    }

    /// Reads one flight of records sent in `direction`.
    pub fn read(&mut self, flight: &[u8], direction: Direction) -> Vec<TlsRecord> {
        split(flight)
            .into_iter()
            .map(|r| self.record(r, direction))
            .collect()
    }

    fn record(&mut self, bytes: &[u8], direction: Direction) -> TlsRecord {
        let mut fields = Vec::new();
        let t = bytes[0];
        let v = usize::from(u16::from_be_bytes([bytes[1], bytes[2]]));
        let len = bytes.len() - 5;
        push(
            &mut fields,
            0,
            1,
            "Content type",
            format!("{t} ({})", content_type_name(t)),
        );
        push(&mut fields, 1, 2, "Legacy record version", version_name(v));
        push(&mut fields, 3, 2, "Length", format!("{len} bytes"));
        let mut certs = Vec::new();
        let mut proof = Proof {
            transcript: &mut self.transcript,
            leaf_key: &mut self.leaf_key,
            suite: self.suite,
            secrets: &self.secrets,
            from_server: direction == Direction::ServerToClient,
            now_s: self.now_s,
        };
        match t {
            22 => {
                let names = handshakes(bytes, 5, len, &mut fields, &mut certs, &mut proof);
                if names.first() == Some(&"ServerHello") {
                    self.suite = fields
                        .iter()
                        .find(|f| f.name == "Cipher suite")
                        .and_then(|f| bytes.get(f.start..f.start + 2))
                        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
                }
                TlsRecord {
                    label: format!("Handshake: {}", names.join(", ")),
                    bytes: bytes.to_vec(),
                    fields,
                    decrypted: None,
                }
            }
            20 => {
                push(&mut fields, 5, len, "Change cipher spec", "1: meaningless in TLS 1.3, sent so that old middleboxes let the connection through (RFC 8446 D.4)".into());
                TlsRecord {
                    label: "Change cipher spec (compatibility)".into(),
                    bytes: bytes.to_vec(),
                    fields,
                    decrypted: None,
                }
            }
            21 => {
                let (level, desc) = (
                    bytes.get(5).copied().unwrap_or(0),
                    bytes.get(6).copied().unwrap_or(0),
                );
                push(
                    &mut fields,
                    5,
                    1,
                    "Alert level",
                    if level == 2 {
                        "2 (fatal)".into()
                    } else {
                        format!("{level} (warning)")
                    },
                );
                push(
                    &mut fields,
                    6,
                    1,
                    "Alert description",
                    format!("{desc} ({})", alert_name(desc)),
                );
                TlsRecord {
                    label: format!("Alert: {}", alert_name(desc)),
                    bytes: bytes.to_vec(),
                    fields,
                    decrypted: None,
                }
            }
            23 => {
                push(&mut fields, 5, len, "Encrypted record", format!("{}: ciphertext and a 16-byte authentication tag; the real content type is inside", hex_clip(&bytes[5..], 12)));
                let opener = match direction {
                    Direction::ClientToServer => &mut self.c2s,
                    Direction::ServerToClient => &mut self.s2c,
                };
                let opened = self
                    .suite
                    .and_then(|s| opener.open(bytes, s, &self.secrets));
                let Some((secret, content, inner)) = opened else {
                    return TlsRecord {
                        label: "Encrypted record (could not be opened)".into(),
                        bytes: bytes.to_vec(),
                        fields,
                        decrypted: None,
                    };
                };
                let mut inner_fields = Vec::new();
                let mut http = None;
                let label = match inner {
                    22 => {
                        let names = handshakes(
                            &content,
                            0,
                            content.len(),
                            &mut inner_fields,
                            &mut certs,
                            &mut proof,
                        );
                        if names.contains(&"Finished") {
                            opener.epoch += 1;
                            opener.seq = 0;
                        }
                        format!("Encrypted handshake: {}", names.join(", "))
                    }
                    23 => {
                        push(
                            &mut inner_fields,
                            0,
                            content.len(),
                            "Application data",
                            format!("{} bytes of HTTP", content.len()),
                        );
                        http = Some(String::from_utf8_lossy(&content).into_owned());
                        "Application data".to_string()
                    }
                    21 => {
                        let desc = content.get(1).copied().unwrap_or(0);
                        push(&mut inner_fields, 0, 1, "Alert level", "2 (fatal)".into());
                        push(
                            &mut inner_fields,
                            1,
                            1,
                            "Alert description",
                            format!("{desc} ({})", alert_name(desc)),
                        );
                        format!("Encrypted alert: {}", alert_name(desc))
                    }
                    other => format!("Encrypted {}", content_type_name(other)),
                };
                let at = content.len();
                let mut shown = content;
                shown.push(inner);
                push(
                    &mut inner_fields,
                    at,
                    1,
                    "Inner content type",
                    format!("{inner} ({})", content_type_name(inner)),
                );
                TlsRecord {
                    label,
                    bytes: bytes.to_vec(),
                    fields,
                    decrypted: Some(TlsPlaintext {
                        secret: secret.to_string(),
                        bytes: shown,
                        fields: inner_fields,
                        certificates: certs,
                        http,
                    }),
                }
            }
            _ => TlsRecord {
                label: format!("Record of type {t}"),
                bytes: bytes.to_vec(),
                fields,
                decrypted: None,
            },
        }
    }
}
