//! HTTPS: a real TLS 1.3 handshake (RFC 8446) between the browser and the
//! load balancer, computed by rustls on both ends, in memory.
//!
//! The browser is a rustls client that trusts the simulation's root CA and
//! checks the certificate against the virtual time; the load balancer is a
//! rustls server holding the site's certificate (`certs.rs`). Their bytes
//! are deterministic (`provider.rs`) and read back independently, field by
//! field, the encrypted ones opened with the secrets the session logged
//! (`records.rs`). A certificate the browser refuses ends the request with
//! Chromium's own error code, as data.
//!
//! Simplifications (said in ARCHITECTURE.md): X25519 is the only key
//! exchange (Chromium also offers X25519MLKEM768 first); one certificate
//! authority stands for the public ones; every connection is a full
//! handshake (no resumption); the crypto's time is modelled, not measured.

pub mod certs;
pub mod provider;
pub mod records;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use rustls::pki_types::ServerName;
use rustls::{
    CertificateError, ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection,
};

use crate::browser::Target;
use crate::http::VIRTUAL_EPOCH_S;
use crate::scenario::Https;
use crate::sim::{spec, Ctx, Ending};
use crate::trace::{Component, Payload, Phase, Status, TlsRecord};
use records::Direction;

/// Modelled: the load balancer's X25519 and ECDSA signature for one handshake.
pub const SERVER_CRYPTO_US: u64 = 180;
/// Modelled: the browser's X25519, two signature checks and the chain walk.
pub const CLIENT_CRYPTO_US: u64 = 320;

/// What rustls logs of a session: its traffic secrets by their key-log
/// names (the `SSLKEYLOGFILE` format Wireshark reads).
#[derive(Debug, Default)]
struct KeyLog(Mutex<BTreeMap<String, Vec<u8>>>);

impl rustls::KeyLog for KeyLog {
    fn log(&self, label: &str, _client_random: &[u8], secret: &[u8]) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(label.to_string())
                .or_insert_with(|| secret.to_vec());
        }
    }
    fn will_log(&self, _label: &str) -> bool {
        true
    }
}

impl KeyLog {
    fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// The site's certificate, presented whatever name the browser asked for.
#[derive(Debug)]
struct OneCert(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for OneCert {
    fn resolve(
        &self,
        _hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// The load balancer's side: its certificate chain and key, at virtual time
/// `now_s` (seconds since 1970). Also used by the conformance suite, which
/// puts it on a real socket for `openssl s_client`.
pub fn server_config(https: &Https, now_s: u64) -> Result<ServerConfig, String> {
    let issued = certs::issue(&https.certificate)?;
    let key = Arc::new(rustls::sign::CertifiedKey::new(
        issued.chain,
        Arc::new(issued.key),
    ));
    let mut cfg = ServerConfig::builder_with_details(
        provider::provider(),
        Arc::new(provider::VirtualClock(now_s)),
    )
    .with_protocol_versions(&[&rustls::version::TLS13])
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_cert_resolver(Arc::new(OneCert(key)));
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

/// The browser's side: it trusts the simulation's root only.
fn client_config(now_s: u64) -> Result<ClientConfig, String> {
    let mut roots = RootCertStore::empty();
    roots.add(certs::root()?).map_err(|e| e.to_string())?;
    let mut cfg = ClientConfig::builder_with_details(
        provider::provider(),
        Arc::new(provider::VirtualClock(now_s)),
    )
    .with_protocol_versions(&[&rustls::version::TLS13])
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    // HTTP/1.1 is what the simulated browser speaks (a real one offers h2 first).
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    cfg.resumption = rustls::client::Resumption::disabled();
    Ok(cfg)
}

/// The root certificate the simulated browser trusts, as PEM.
pub fn root_pem() -> Result<String, String> {
    Ok(certs::pem(&certs::root()?))
}

/// An open TLS connection between the browser and the load balancer.
pub struct Session {
    client: ClientConnection,
    server: ServerConnection,
    keys: Arc<KeyLog>,
    reader: records::Session,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tls::Session")
    }
}

fn drain(conn: &mut impl DrainTls) -> Vec<u8> {
    let mut out = Vec::new();
    while conn.wants_write() {
        if conn.write_tls(&mut out).is_err() {
            break;
        }
    }
    out
}

/// Both rustls connection kinds, for [`drain`].
trait DrainTls {
    fn wants_write(&self) -> bool;
    fn write_tls(&mut self, out: &mut Vec<u8>) -> std::io::Result<usize>;
}

impl DrainTls for ClientConnection {
    fn wants_write(&self) -> bool {
        std::ops::Deref::deref(self).wants_write()
    }
    fn write_tls(&mut self, out: &mut Vec<u8>) -> std::io::Result<usize> {
        std::ops::DerefMut::deref_mut(self).write_tls(out)
    }
}

impl DrainTls for ServerConnection {
    fn wants_write(&self) -> bool {
        std::ops::Deref::deref(self).wants_write()
    }
    fn write_tls(&mut self, out: &mut Vec<u8>) -> std::io::Result<usize> {
        std::ops::DerefMut::deref_mut(self).write_tls(out)
    }
}

/// How the browser names a certificate it refused: Chromium's code and the
/// TLS alert it sent.
fn browser_code(e: &rustls::Error) -> (&'static str, String) {
    use CertificateError::*;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            Expired | ExpiredContext { .. } => (
                "NET::ERR_CERT_DATE_INVALID",
                "the certificate has expired".into(),
            ),
            NotValidYet | NotValidYetContext { .. } => (
                "NET::ERR_CERT_DATE_INVALID",
                "the certificate is not valid yet".into(),
            ),
            NotValidForName | NotValidForNameContext { .. } => (
                "NET::ERR_CERT_COMMON_NAME_INVALID",
                "the certificate is not for this name".into(),
            ),
            UnknownIssuer => (
                "NET::ERR_CERT_AUTHORITY_INVALID",
                "no trusted authority issued the certificate".into(),
            ),
            other => ("NET::ERR_CERT_INVALID", format!("{other:?}")),
        },
        other => ("ERR_SSL_PROTOCOL_ERROR", other.to_string()),
    }
}

/// The TLS handshake on a new connection to the load balancer, as steps.
/// `Ok`: the session carries the request and the response; `Err`: the
/// browser's error page.
pub fn handshake(ctx: &mut Ctx, https: &Https, target: &Target) -> Result<Box<Session>, Ending> {
    let now_s = VIRTUAL_EPOCH_S + ctx.session_now() / 1_000_000;
    provider::seed(ctx.rng.next_u64());
    let keys = Arc::new(KeyLog::default());
    let setup = (|| {
        let mut ccfg = client_config(now_s)?;
        ccfg.key_log = keys.clone();
        let mut scfg = server_config(https, now_s)?;
        scfg.key_log = keys.clone();
        let name = ServerName::try_from(target.host.clone()).map_err(|e| e.to_string())?;
        let client = ClientConnection::new(Arc::new(ccfg), name).map_err(|e| e.to_string())?;
        let server = ServerConnection::new(Arc::new(scfg)).map_err(|e| e.to_string())?;
        Ok::<_, String>((client, server))
    })();
    let (client, server) = match setup {
        Ok(pair) => pair,
        Err(detail) => {
            return Err(Ending::BrowserError {
                code: "ERR_SSL_PROTOCOL_ERROR",
                detail: format!("The simulation could not set up TLS: {detail}"),
            })
        }
    };
    let mut s = Box::new(Session {
        client,
        server,
        keys,
        reader: records::Session::new(now_s),
    });
    let host = target.host.clone();

    // Flight 1: ClientHello.
    let hello = drain(&mut s.client);
    let records = s.reader.read(&hello, Direction::ClientToServer);
    let one_way = ctx.net(ctx.scenario.latency.client_to_server_us);
    ctx.step(spec(
        Component::Browser,
        Component::LoadBalancer,
        Phase::Tls,
        Status::Ok,
        one_way,
        "TLS ClientHello",
        format!("Before any HTTP, the browser starts TLS 1.3 on the new connection. Its ClientHello offers cipher suites and an X25519 key share, and names the site it wants ({host}) in the server_name extension, which travels unencrypted. Nothing secret is sent yet."),
        Payload::Tls { records },
    ));

    // Flight 2: ServerHello … Finished.
    let mut rd = &hello[..];
    let accepted = s.server.read_tls(&mut rd).is_ok() && s.server.process_new_packets().is_ok();
    let flight = drain(&mut s.server);
    s.reader.secrets = s.keys.snapshot();
    let records = s.reader.read(&flight, Direction::ServerToClient);
    let suite = s
        .reader
        .suite
        .map(records::suite_name)
        .unwrap_or_else(|| "none".into());
    let one_way = ctx.net(ctx.scenario.latency.client_to_server_us);
    if !accepted {
        ctx.step(spec(
            Component::LoadBalancer,
            Component::Browser,
            Phase::Tls,
            Status::Fail,
            one_way,
            "TLS handshake refused",
            "The load balancer could not accept the browser's ClientHello and ends the handshake with an alert.",
            Payload::Tls { records },
        ));
        return Err(Ending::BrowserError {
            code: "ERR_SSL_PROTOCOL_ERROR",
            detail: format!("{host} sent an invalid response."),
        });
    }
    ctx.step(spec(
        Component::LoadBalancer,
        Component::Browser,
        Phase::Tls,
        Status::Ok,
        SERVER_CRYPTO_US + one_way,
        "TLS ServerHello … Finished",
        format!("The load balancer holds the site's certificate and key, so TLS ends here. It picks {suite}, sends its own X25519 key share, and from that point both sides share a secret nobody on the path can compute. Everything after the ServerHello is encrypted: its certificate chain, a signature proving it holds the certificate's key, and Finished. Stackscope opens those records with the session's own secrets to show them."),
        Payload::Tls { records },
    ));

    // The browser checks the chain, the signature and Finished.
    let mut rd = &flight[..];
    let checked = s
        .client
        .read_tls(&mut rd)
        .map_err(|e| rustls::Error::General(e.to_string()))
        .and_then(|_| s.client.process_new_packets().map(|_| ()));
    let answer = drain(&mut s.client);
    s.reader.secrets = s.keys.snapshot();
    let records = s.reader.read(&answer, Direction::ClientToServer);
    let when = records::utc_text(now_s);
    match checked {
        Err(e) => {
            let (code, what) = browser_code(&e);
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Tls,
                Status::Fail,
                CLIENT_CRYPTO_US,
                format!("Certificate refused: {code}"),
                format!("The browser checks the certificate before it sends anything private: {what}. It is {when} in the simulation. The browser stops the handshake with an alert and shows a warning page instead of the site; the HTTP request is never sent. (rustls: {e}.)"),
                Payload::None,
            ));
            let back = ctx.net(ctx.scenario.latency.client_to_server_us);
            ctx.step(spec(
                Component::Browser,
                Component::LoadBalancer,
                Phase::Tls,
                Status::Fail,
                back,
                "TLS alert",
                "The alert tells the load balancer why the browser gave up; it is encrypted with the handshake keys already agreed.",
                Payload::Tls { records },
            ));
            let detail = match code {
                "NET::ERR_CERT_DATE_INVALID" => format!("This server could not prove that it is {host}: its security certificate is out of its dates (it is {} here).", &when[..10]),
                "NET::ERR_CERT_COMMON_NAME_INVALID" => format!("This server could not prove that it is {host}: its security certificate is for another name."),
                _ => format!("This server could not prove that it is {host}: {what}."),
            };
            Err(Ending::BrowserError { code, detail })
        }
        Ok(()) => {
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Tls,
                Status::Ok,
                CLIENT_CRYPTO_US,
                "Certificate checked",
                format!("The browser checks the chain: the site's certificate names {host}, it was signed by the intermediate, which was signed by a root the browser trusts ({}), and it is valid now ({when} in the simulation). The signature in CertificateVerify proves the server holds the certificate's private key.", certs::ROOT_NAME),
                Payload::None,
            ));
            ctx.step(spec(
                Component::Browser,
                Component::LoadBalancer,
                Phase::Tls,
                Status::Ok,
                0,
                "TLS Finished",
                "The browser's Finished completes the handshake. It leaves together with the request that follows: TLS 1.3 costs one round trip before the request can be sent.",
                Payload::Tls { records },
            ));
            // The load balancer reads the browser's Finished.
            let mut rd = &answer[..];
            let _ = s.server.read_tls(&mut rd);
            let _ = s.server.process_new_packets();
            Ok(s)
        }
    }
}

impl Session {
    /// The browser's request through the session: the records on the wire,
    /// and the text the load balancer decrypted from them.
    pub fn request(&mut self, text: &str) -> (Vec<TlsRecord>, String) {
        let _ = self.client.writer().write_all(text.as_bytes());
        let bytes = drain(&mut self.client);
        let records = self.reader.read(&bytes, Direction::ClientToServer);
        let mut rd = &bytes[..];
        let _ = self.server.read_tls(&mut rd);
        let _ = self.server.process_new_packets();
        let mut got = Vec::new();
        let _ = self.server.reader().read_to_end(&mut got);
        (records, String::from_utf8_lossy(&got).into_owned())
    }

    /// The load balancer's response through the session (after its session
    /// tickets): the records, and the text the browser decrypted.
    pub fn response(&mut self, text: &str) -> (Vec<TlsRecord>, String) {
        let _ = self.server.writer().write_all(text.as_bytes());
        let bytes = drain(&mut self.server);
        self.reader.secrets = self.keys.snapshot();
        let records = self.reader.read(&bytes, Direction::ServerToClient);
        let mut rd = &bytes[..];
        let _ = self.client.read_tls(&mut rd);
        let _ = self.client.process_new_packets();
        let mut got = Vec::new();
        let _ = self.client.reader().read_to_end(&mut got);
        (records, String::from_utf8_lossy(&got).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Topology;

    type Secrets = BTreeMap<String, Vec<u8>>;

    /// One handshake driven by hand: its three flights and the secrets.
    fn flights() -> (Vec<u8>, Vec<u8>, Vec<u8>, Secrets) {
        let Topology::Redundant(c) = crate::seed::secured_stack().topology else {
            panic!("the secured design is a redundant one")
        };
        let https = c.lb.https.expect("the secured design serves HTTPS");
        provider::seed(1);
        let keys = Arc::new(KeyLog::default());
        let mut ccfg = client_config(VIRTUAL_EPOCH_S).expect("client");
        ccfg.key_log = keys.clone();
        let mut scfg = server_config(&https, VIRTUAL_EPOCH_S).expect("server");
        scfg.key_log = keys.clone();
        let name = ServerName::try_from("www.foobar.com").expect("a name");
        let mut client = ClientConnection::new(Arc::new(ccfg), name).expect("client");
        let mut server = ServerConnection::new(Arc::new(scfg)).expect("server");
        let hello = drain(&mut client);
        server.read_tls(&mut &hello[..]).expect("read");
        server.process_new_packets().expect("the server accepts");
        let flight = drain(&mut server);
        client.read_tls(&mut &flight[..]).expect("read");
        client.process_new_packets().expect("the browser accepts");
        let answer = drain(&mut client);
        (hello, flight, answer, keys.snapshot())
    }

    /// What the reader says of CertificateVerify and of both Finished.
    fn verdicts(
        hello: &[u8],
        flight: &[u8],
        answer: &[u8],
        secrets: &BTreeMap<String, Vec<u8>>,
    ) -> Vec<String> {
        let mut reader = records::Session::new(VIRTUAL_EPOCH_S);
        reader.secrets = secrets.clone();
        let mut records = reader.read(hello, Direction::ClientToServer);
        records.extend(reader.read(flight, Direction::ServerToClient));
        records.extend(reader.read(answer, Direction::ClientToServer));
        records
            .iter()
            .filter_map(|r| r.decrypted.as_ref())
            .flat_map(|p| p.fields.iter())
            .filter(|f| f.name == "Signature" || f.name == "Verify data")
            .map(|f| f.value.clone())
            .collect()
    }

    #[test]
    fn the_proofs_hold_for_the_real_bytes_and_fail_for_another_transcript() {
        let (mut hello, flight, answer, secrets) = flights();
        let good = verdicts(&hello, &flight, &answer, &secrets);
        assert_eq!(good.len(), 3, "{good:?}");
        assert!(good[0].ends_with(": valid."), "{}", good[0]);
        assert!(good[1].ends_with(": it matches."), "{}", good[1]);
        assert!(good[2].ends_with(": it matches."), "{}", good[2]);

        // One bit of the ClientHello's random (after the record header, the
        // handshake header and the version), as if changed on the way: the
        // records still open, but the transcript is not the one signed.
        hello[5 + 4 + 2] ^= 1;
        let bad = verdicts(&hello, &flight, &answer, &secrets);
        assert_eq!(bad.len(), 3, "{bad:?}");
        assert!(bad[0].contains("NOT valid"), "{}", bad[0]);
        assert!(bad[1].contains("does NOT match"), "{}", bad[1]);
        assert!(bad[2].contains("does NOT match"), "{}", bad[2]);
    }
}
