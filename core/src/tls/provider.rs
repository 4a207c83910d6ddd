//! rustls made deterministic: every random byte and key comes from the
//! simulation's seed, and the clock is the virtual one.
//!
//! rustls is sans-IO but asks its [`CryptoProvider`] for randomness
//! (`ClientHello.random`, the session ID, tickets) and for key shares, and
//! its configs for the time. Here:
//! - [`SeededRandom`] fills buffers from a SplitMix64 stream seeded for the
//!   handshake (per thread, so parallel tests stay independent);
//! - [`SeededX25519`] is X25519 (RFC 7748) from `x25519-dalek` with a secret
//!   drawn from that stream, in place of ring's, which draws from the OS;
//! - [`EcdsaP256`] signs `CertificateVerify` with ECDSA P-256 as RFC 6979
//!   makes it deterministic (`p256`), where ring would draw a nonce;
//! - [`VirtualClock`] is the session's virtual time.
//!
//! Ciphers, HKDF and signature checks are ring's, unchanged. None of this is
//! secret or secure: it is a simulation that must give the same bytes twice.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use p256::ecdsa::signature::Signer as _;
use rustls::crypto::{
    ActiveKeyExchange, CryptoProvider, SecureRandom, SharedSecret, SupportedKxGroup,
};
use rustls::pki_types::UnixTime;
use rustls::sign::{Signer, SigningKey};
use rustls::time_provider::TimeProvider;
use rustls::{Error, NamedGroup, SignatureAlgorithm, SignatureScheme};

use crate::rng::Rng;

thread_local! {
    /// The handshake's random stream, on the thread running it.
    static STREAM: RefCell<Rng> = RefCell::new(Rng::new(0));
}

/// Starts the random stream for one handshake.
pub fn seed(seed: u64) {
    STREAM.with(|s| *s.borrow_mut() = Rng::new(seed));
}

fn fill_from_stream(buf: &mut [u8]) {
    STREAM.with(|s| {
        let mut rng = s.borrow_mut();
        for chunk in buf.chunks_mut(8) {
            let bytes = rng.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    });
}

/// Random bytes from the seeded stream.
#[derive(Debug)]
pub struct SeededRandom;

impl SecureRandom for SeededRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        fill_from_stream(buf);
        Ok(())
    }
}

/// X25519 with a secret from the seeded stream.
#[derive(Debug)]
pub struct SeededX25519;

struct X25519Share {
    secret: x25519_dalek::StaticSecret,
    public: [u8; 32],
}

impl SupportedKxGroup for SeededX25519 {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let mut bytes = [0u8; 32];
        fill_from_stream(&mut bytes);
        let secret = x25519_dalek::StaticSecret::from(bytes);
        let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
        Ok(Box::new(X25519Share { secret, public }))
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

impl ActiveKeyExchange for X25519Share {
    fn complete(self: Box<Self>, peer: &[u8]) -> Result<SharedSecret, Error> {
        let peer: [u8; 32] = peer
            .try_into()
            .map_err(|_| Error::General("an X25519 key share is 32 bytes".into()))?;
        let shared = self
            .secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(peer));
        if !shared.was_contributory() {
            return Err(Error::General("X25519 gave the all-zero secret".into()));
        }
        Ok(SharedSecret::from(&shared.as_bytes()[..]))
    }

    fn pub_key(&self) -> &[u8] {
        &self.public
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

static RANDOM: SeededRandom = SeededRandom;
static X25519: SeededX25519 = SeededX25519;

/// ring's provider with the seeded randomness and key exchange. The
/// browser's cipher suites come in Chromium's order (AES-128-GCM first).
pub fn provider() -> Arc<CryptoProvider> {
    use rustls::crypto::ring::cipher_suite::*;
    let ring = rustls::crypto::ring::default_provider();
    Arc::new(CryptoProvider {
        cipher_suites: vec![
            TLS13_AES_128_GCM_SHA256,
            TLS13_AES_256_GCM_SHA384,
            TLS13_CHACHA20_POLY1305_SHA256,
        ],
        kx_groups: vec![&X25519],
        secure_random: &RANDOM,
        ..ring
    })
}

/// The session's virtual wall-clock time.
#[derive(Debug, Clone, Copy)]
pub struct VirtualClock(pub u64);

impl TimeProvider for VirtualClock {
    fn current_time(&self) -> Option<UnixTime> {
        Some(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            self.0,
        )))
    }
}

/// An ECDSA P-256 key that signs deterministically (RFC 6979).
#[derive(Clone)]
pub struct EcdsaP256 {
    key: p256::ecdsa::SigningKey,
    /// The public key as an uncompressed SEC1 point.
    point: Vec<u8>,
}

impl fmt::Debug for EcdsaP256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EcdsaP256")
    }
}

impl EcdsaP256 {
    /// The key whose secret scalar is drawn from `seed`.
    pub fn from_seed(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        loop {
            let mut bytes = [0u8; 32];
            for chunk in bytes.chunks_mut(8) {
                chunk.copy_from_slice(&rng.next_u64().to_be_bytes());
            }
            if let Ok(key) = p256::ecdsa::SigningKey::from_slice(&bytes) {
                let point = key
                    .verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec();
                return EcdsaP256 { key, point };
            }
        }
    }

    /// The public key as an uncompressed SEC1 point.
    pub fn public_point(&self) -> &[u8] {
        &self.point
    }

    /// A DER-encoded ECDSA-SHA256 signature of `msg`.
    pub fn sign_der(&self, msg: &[u8]) -> Vec<u8> {
        let sig: p256::ecdsa::Signature = self.key.sign(msg);
        sig.to_der().as_bytes().to_vec()
    }
}

impl SigningKey for EcdsaP256 {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        offered
            .contains(&SignatureScheme::ECDSA_NISTP256_SHA256)
            .then(|| Box::new(self.clone()) as Box<dyn Signer>)
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::ECDSA
    }
}

impl Signer for EcdsaP256 {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(self.sign_der(message))
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::ECDSA_NISTP256_SHA256
    }
}

impl rcgen::RemoteKeyPair for EcdsaP256 {
    fn public_key(&self) -> &[u8] {
        &self.point
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        Ok(self.sign_der(msg))
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}
