//! The simulation's certificate authority and the site's certificate,
//! issued on demand by rcgen from the scenario's data.
//!
//! A root CA (which the simulated browser trusts, standing in for the
//! public roots a browser ships) signs an intermediate, which signs the
//! site's certificate, as Let's Encrypt's roots sign R10/R11 and those sign
//! sites. Keys are ECDSA P-256 from fixed seeds, signatures deterministic
//! (RFC 6979), serial numbers fixed: the same scenario gives the same bytes.

use std::cell::RefCell;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls::pki_types::CertificateDer;

use super::provider::EcdsaP256;
use crate::scenario::{utc_day, Certificate};

const ROOT_SEED: u64 = 0x5354_4143_4b52_4f4f; // "STACKROO"
const INTERMEDIATE_SEED: u64 = 0x5354_4143_4b49_4e54;
const SITE_SEED: u64 = 0x5354_4143_4b53_4954;

/// The root's name, as the browser's trust store lists it.
pub const ROOT_NAME: &str = "Stackscope Simulated Root CA";
/// The intermediate that signs sites.
pub const INTERMEDIATE_NAME: &str = "Stackscope Simulated CA S1";

/// What the load balancer holds and the browser trusts.
#[derive(Clone)]
pub struct Issued {
    /// The site's certificate, then the intermediate: what the server sends.
    pub chain: Vec<CertificateDer<'static>>,
    /// The root, which the browser trusts.
    pub root: CertificateDer<'static>,
    /// The site's private key.
    pub key: EcdsaP256,
}

fn key_pair(key: &EcdsaP256) -> Result<KeyPair, String> {
    KeyPair::from_remote(Box::new(key.clone())).map_err(|e| e.to_string())
}

fn when(unix: i64) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::from_unix_timestamp(unix).map_err(|e| e.to_string())
}

fn ca_params(
    name: &str,
    serial: u64,
    from: &str,
    to: &str,
    path_len: Option<u8>,
) -> Result<CertificateParams, String> {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "Stackscope (simulation)");
    dn.push(DnType::CommonName, name);
    p.distinguished_name = dn;
    p.serial_number = Some(SerialNumber::from(serial.to_be_bytes().to_vec()));
    p.not_before = when(utc_day(from)?)?;
    p.not_after = when(utc_day(to)?)?;
    p.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(p)
}

thread_local! {
    /// The last chain issued on this thread: issuing signs three times,
    /// and every request of a session asks for the same certificate.
    static LAST: RefCell<Option<(Certificate, Issued)>> = const { RefCell::new(None) };
}

/// The two authorities: (root, intermediate) with their key pairs.
fn authorities() -> Result<(rcgen::Certificate, rcgen::Certificate, KeyPair), String> {
    let root_kp = key_pair(&EcdsaP256::from_seed(ROOT_SEED))?;
    let mid_kp = key_pair(&EcdsaP256::from_seed(INTERMEDIATE_SEED))?;
    let root_params = ca_params(ROOT_NAME, 1, "2020-01-01", "2045-01-01", None)?;
    let root = root_params
        .self_signed(&root_kp)
        .map_err(|e| e.to_string())?;
    let mut mid_params = ca_params(INTERMEDIATE_NAME, 2, "2024-01-01", "2030-01-01", Some(0))?;
    mid_params.use_authority_key_identifier_extension = true;
    let mid = mid_params
        .signed_by(&mid_kp, &root, &root_kp)
        .map_err(|e| e.to_string())?;
    Ok((root, mid, mid_kp))
}

/// The root certificate the simulated browser trusts.
pub fn root() -> Result<CertificateDer<'static>, String> {
    thread_local! {
        static ROOT: RefCell<Option<CertificateDer<'static>>> = const { RefCell::new(None) };
    }
    if let Some(r) = ROOT.with(|r| r.borrow().clone()) {
        return Ok(r);
    }
    let der = authorities()?.0.der().clone();
    ROOT.with(|r| *r.borrow_mut() = Some(der.clone()));
    Ok(der)
}

/// Issues the chain for `cert`: a learner-facing message if its data
/// cannot make a certificate (the scenario's validation catches these first).
pub fn issue(cert: &Certificate) -> Result<Issued, String> {
    if let Some(hit) = LAST.with(|l| {
        l.borrow()
            .as_ref()
            .filter(|(c, _)| c == cert)
            .map(|(_, i)| i.clone())
    }) {
        return Ok(hit);
    }
    let issued = issue_fresh(cert)?;
    LAST.with(|l| *l.borrow_mut() = Some((cert.clone(), issued.clone())));
    Ok(issued)
}

fn issue_fresh(cert: &Certificate) -> Result<Issued, String> {
    let site_key = EcdsaP256::from_seed(SITE_SEED);
    let site_kp = key_pair(&site_key)?;
    let (root, mid, mid_kp) = authorities()?;

    let mut p = CertificateParams::new(cert.names.clone()).map_err(|e| e.to_string())?;
    let mut dn = DistinguishedName::new();
    if let Some(first) = cert.names.first() {
        dn.push(DnType::CommonName, first.as_str());
    }
    p.distinguished_name = dn;
    p.serial_number = Some(SerialNumber::from(vec![0x03, 0x5c, 0x0f, 0xfe]));
    p.not_before = when(utc_day(&cert.not_before)?)?;
    p.not_after = when(utc_day(&cert.not_after)?)?;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.use_authority_key_identifier_extension = true;
    let site = p
        .signed_by(&site_kp, &mid, &mid_kp)
        .map_err(|e| e.to_string())?;

    Ok(Issued {
        chain: vec![site.der().clone(), mid.der().clone()],
        root: root.der().clone(),
        key: site_key,
    })
}

/// A DER certificate as PEM, for the real programs in the conformance suite.
pub fn pem(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
