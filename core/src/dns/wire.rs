//! DNS messages in RFC 1035 wire format: written here (with name
//! compression as Knot DNS writes it), checked and read back with `simple-dns`.

use std::net::{Ipv4Addr, Ipv6Addr};

use simple_dns::rdata::RData as WireRData;
use simple_dns::{Name, Packet, PacketFlag, QTYPE};

use crate::trace::{ByteField, DnsMessage};

/// Record data the simulation uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(String),
    Ns(String),
    Soa {
        mname: String,
        rname: String,
        serial: u32,
        minimum: u32,
    },
}

impl RData {
    pub fn type_name(&self) -> &'static str {
        match self {
            RData::A(_) => "A",
            RData::Aaaa(_) => "AAAA",
            RData::Cname(_) => "CNAME",
            RData::Ns(_) => "NS",
            RData::Soa { .. } => "SOA",
        }
    }

    /// The type's code on the wire.
    fn type_code(&self) -> u16 {
        match self {
            RData::A(_) => 1,
            RData::Ns(_) => 2,
            RData::Cname(_) => 5,
            RData::Soa { .. } => 6,
            RData::Aaaa(_) => 28,
        }
    }

    /// The type with its code, as the annotated hex view shows it.
    fn type_label(&self) -> &'static str {
        match self {
            RData::A(_) => "A (1)",
            RData::Ns(_) => "NS (2)",
            RData::Cname(_) => "CNAME (5)",
            RData::Soa { .. } => "SOA (6)",
            RData::Aaaa(_) => "AAAA (28)",
        }
    }

    /// The data in zone-file notation.
    pub fn text(&self) -> String {
        match self {
            RData::A(ip) => ip.to_string(),
            RData::Aaaa(ip) => ip.to_string(),
            RData::Cname(n) | RData::Ns(n) => fqdn(n),
            RData::Soa {
                mname,
                rname,
                serial,
                minimum,
            } => format!(
                "{} {} {serial} 7200 3600 1209600 {minimum}",
                fqdn(mname),
                fqdn(rname)
            ),
        }
    }
}

/// A resource record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rr {
    /// Owner name without the trailing dot (`""` is the root).
    pub name: String,
    pub ttl: u32,
    pub data: RData,
}

impl Rr {
    /// The record in zone-file notation.
    pub fn text(&self) -> String {
        format!(
            "{} {} IN {} {}",
            fqdn(&self.name),
            self.ttl,
            self.data.type_name(),
            self.data.text()
        )
    }
}

/// Response codes the simulation produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rcode {
    NoError,
    /// SERVFAIL: the resolver could not finish (e.g. a CNAME loop).
    ServFail,
    NxDomain,
}

/// A DNS message before it is put on the wire. Every question is for an A record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: u16,
    pub response: bool,
    pub authoritative: bool,
    pub recursion_desired: bool,
    pub recursion_available: bool,
    pub rcode: Rcode,
    pub qname: String,
    pub answers: Vec<Rr>,
    pub authority: Vec<Rr>,
    pub additional: Vec<Rr>,
}

impl Message {
    pub fn query(id: u16, qname: &str, recursion_desired: bool) -> Self {
        Message {
            id,
            response: false,
            authoritative: false,
            recursion_desired,
            recursion_available: false,
            rcode: Rcode::NoError,
            qname: qname.to_string(),
            answers: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
        }
    }

    /// A reply to `query`, copying its ID, question and RD flag.
    pub fn reply_to(query: &Message) -> Self {
        Message {
            response: true,
            ..Message::query(query.id, &query.qname, query.recursion_desired)
        }
    }
}

/// `name` with its trailing dot, as zone files and `dig` write it.
pub fn fqdn(name: &str) -> String {
    if name.is_empty() {
        ".".to_string()
    } else {
        format!("{name}.")
    }
}

/// Checks that `n` can be written as a DNS name (labels of 1–63 bytes, at
/// most 255 bytes in all), with the DNS crate's own rules.
fn check_name(n: &str) -> Result<(), String> {
    Name::new(n)
        .map(|_| ())
        .map_err(|e| format!("\"{n}\" cannot be written as a DNS name: {e}"))
}

fn labels(n: &str) -> Vec<&str> {
    if n.is_empty() {
        Vec::new()
    } else {
        n.split('.').collect()
    }
}

/// The largest offset a compression pointer can hold (14 bits).
const MAX_POINTER: usize = 0x3fff;

fn is_pointer(buf: &[u8], at: usize) -> bool {
    buf.get(at).is_some_and(|b| b & 0xc0 == 0xc0)
}

fn pointer_target(buf: &[u8], at: usize) -> usize {
    usize::from(u16_at(buf, at) & 0x3fff)
}

/// Follows pointers from `at` to the first real label (or the root label).
fn seek(buf: &[u8], mut at: usize) -> usize {
    // A name written here never loops, but the bound keeps that obvious.
    for _ in 0..128 {
        if !is_pointer(buf, at) {
            break;
        }
        at = pointer_target(buf, at);
    }
    at
}

/// The label after the one at `at`, following a pointer if one comes next.
fn next_label(buf: &[u8], at: usize) -> usize {
    let len = usize::from(buf.get(at).copied().unwrap_or(0));
    seek(buf, at + 1 + len)
}

fn label_at(buf: &[u8], at: usize) -> &[u8] {
    let len = usize::from(buf.get(at).copied().unwrap_or(0));
    buf.get(at + 1..at + 1 + len).unwrap_or(&[])
}

/// The name written at `at`, read back (pointers followed), with its trailing dot.
fn name_at(buf: &[u8], at: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut p = seek(buf, at);
    while buf.get(p).is_some_and(|&b| b != 0) && out.len() < 128 {
        out.push(String::from_utf8_lossy(label_at(buf, p)).into_owned());
        p = next_label(buf, p);
    }
    fqdn(&out.join("."))
}

/// How the name at `at` is written: `foobar.com.`, `pointer to offset 12 →
/// foobar.com.`, or `"ns1" + pointer to offset 16 → ns1.foobar.com.`.
fn describe_name(buf: &[u8], at: usize) -> String {
    let mut written: Vec<String> = Vec::new();
    let mut p = at;
    while buf.get(p).is_some_and(|&b| b != 0) && !is_pointer(buf, p) {
        written.push(String::from_utf8_lossy(label_at(buf, p)).into_owned());
        p += 1 + label_at(buf, p).len();
    }
    if !is_pointer(buf, p) {
        return name_at(buf, at);
    }
    let target = pointer_target(buf, p);
    let pointer = format!("pointer to offset {target} → {}", name_at(buf, at));
    if written.is_empty() {
        pointer
    } else {
        let quoted: Vec<String> = written.iter().map(|l| format!("\"{l}\"")).collect();
        format!("{} + {pointer}", quoted.join(" "))
    }
}

/// A message being written, with name compression (RFC 1035 §4.1.4) done the
/// way Knot DNS does it, so that the bytes equal a real server's:
///
/// * a record's owner is a pointer to where the same name was last written
///   in full, or to the question when it is the QNAME (`write_owner` in
///   Knot's `libknot/packet/rrset-wire.c`);
/// * glue (the address of a name server in the additional section) points
///   at that name server's name in the NS record (`put_additional` in
///   `knot/nameserver/internet.c`);
/// * any other name is compared, label by label from the right, with one
///   remembered "suffix": the last name written with at least one label of
///   its own (or the QNAME before a new owner); the longest matching tail
///   becomes a pointer (`compr_put_dname`).
///
/// RFC 1035 allows any earlier occurrence to be pointed at; Knot's choice is
/// a heuristic, and other servers (or `simple-dns`'s
/// `build_bytes_vec_compressed`) may compress more or less.
struct Writer {
    buf: Vec<u8>,
    fields: Vec<ByteField>,
    /// Offset and label count of the remembered suffix.
    suffix: (usize, usize),
    qname_labels: usize,
}

impl Writer {
    fn put_u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    fn field(&mut self, start: usize, name: &str, value: String) {
        let len = self.buf.len() - start;
        self.fields.push(field(start, len, name, value));
    }

    fn put_pointer(&mut self, to: usize) {
        self.put_u16(0xc000 | (to as u16 & 0x3fff));
    }

    fn put_label(&mut self, l: &str) {
        self.buf.push(l.len() as u8);
        self.buf.extend_from_slice(l.as_bytes());
    }

    /// A name compared with the remembered suffix (Knot's `compr_put_dname`).
    fn put_name(&mut self, name: &str) {
        let ls = labels(name);
        let start = self.buf.len();
        if ls.is_empty() {
            self.buf.push(0);
            return;
        }
        let n = ls.len();
        let (mut suffix, mut suffix_labels) = self.suffix;
        while suffix_labels > n {
            suffix = next_label(&self.buf, suffix);
            suffix_labels -= 1;
        }
        let mut i = 0;
        while n - i > suffix_labels {
            self.put_label(ls[i]);
            i += 1;
        }
        let mut match_begin = i;
        let mut pointer = suffix;
        while i < n {
            let next_suffix = next_label(&self.buf, suffix);
            if !label_at(&self.buf, suffix).eq_ignore_ascii_case(ls[i].as_bytes()) {
                for l in &ls[match_begin..=i] {
                    self.put_label(l);
                }
                match_begin = i + 1;
                pointer = next_suffix;
            }
            i += 1;
            suffix = next_suffix;
        }
        if match_begin == n {
            self.buf.push(0);
        } else {
            self.put_pointer(pointer);
        }
        if self.buf.len() - start > 2 && self.buf.len() < MAX_POINTER {
            self.suffix = (start, n);
        }
    }

    /// True when the name written at `at` is `name` (case-insensitive).
    fn same_name(&self, at: usize, name: &str) -> bool {
        name_at(&self.buf, at).eq_ignore_ascii_case(&fqdn(name))
    }

    /// Where a written name's labels are: the pointer's target if it starts with one.
    fn hint_of(&self, at: usize) -> usize {
        if is_pointer(&self.buf, at) {
            pointer_target(&self.buf, at)
        } else {
            at
        }
    }

    /// A record's owner (Knot's `write_owner`); returns the hint for the
    /// next records of the same RRset.
    fn put_owner(&mut self, name: &str, hint: usize) -> usize {
        let start = self.buf.len();
        if !name.is_empty() && hint > 0 {
            self.put_pointer(hint);
            return hint;
        }
        if !name.is_empty() && self.same_name(self.suffix.0, name) {
            let to = self.suffix.0;
            self.put_pointer(to);
            return to;
        }
        self.suffix = (12, self.qname_labels);
        self.put_name(name);
        if name.is_empty() {
            0
        } else {
            self.hint_of(start)
        }
    }
}

fn flags_word(msg: &Message) -> u16 {
    let mut f = 0u16;
    if msg.response {
        f |= 0x8000;
    }
    if msg.authoritative {
        f |= 0x0400;
    }
    if msg.recursion_desired {
        f |= 0x0100;
    }
    if msg.recursion_available {
        f |= 0x0080;
    }
    f | match msg.rcode {
        Rcode::NoError => 0,
        Rcode::ServFail => 2,
        Rcode::NxDomain => 3,
    }
}

/// Builds the exact bytes of a message (names compressed as Knot DNS does),
/// labels every byte field by field, and decodes the bytes back with the DNS
/// crate.
pub fn encode(msg: &Message) -> Result<DnsMessage, String> {
    check_name(&msg.qname)?;
    for rr in msg
        .answers
        .iter()
        .chain(&msg.authority)
        .chain(&msg.additional)
    {
        check_name(&rr.name)?;
        match &rr.data {
            RData::Cname(n) | RData::Ns(n) => check_name(n)?,
            RData::Soa { mname, rname, .. } => {
                check_name(mname)?;
                check_name(rname)?;
            }
            RData::A(_) | RData::Aaaa(_) => {}
        }
    }
    let counts = [
        1,
        msg.answers.len(),
        msg.authority.len(),
        msg.additional.len(),
    ];
    if counts.iter().any(|&c| c > usize::from(u16::MAX)) {
        return Err("the DNS message has too many records".into());
    }
    let mut w = Writer {
        buf: Vec::with_capacity(512),
        fields: Vec::new(),
        suffix: (12, labels(&msg.qname).len()),
        qname_labels: labels(&msg.qname).len(),
    };
    w.put_u16(msg.id);
    w.field(0, "ID", format!("0x{:04x} ({})", msg.id, msg.id));
    w.put_u16(flags_word(msg));
    w.field(2, "Flags", flags_text(msg));
    let count_names = [
        ("QDCOUNT", " question"),
        ("ANCOUNT", " answers"),
        ("NSCOUNT", " authority records"),
        ("ARCOUNT", " additional records"),
    ];
    for (&c, (name, unit)) in counts.iter().zip(count_names) {
        let at = w.buf.len();
        w.put_u16(c as u16);
        w.field(at, name, with_unit(c, unit));
    }
    // The question is written in full: nothing precedes it to point at.
    let at = w.buf.len();
    for l in labels(&msg.qname) {
        w.put_label(l);
    }
    w.buf.push(0);
    w.field(at, "QNAME", fqdn(&msg.qname));
    let at = w.buf.len();
    w.put_u16(1);
    w.field(at, "QTYPE", "A (1): an IPv4 address".into());
    let at = w.buf.len();
    w.put_u16(1);
    w.field(at, "QCLASS", "IN (1): the internet".into());
    // Where each NS record's name server name was written, for its glue.
    let mut ns_names: Vec<(String, usize)> = Vec::new();
    let sections = [
        ("Answer", &msg.answers, false),
        ("Authority", &msg.authority, false),
        ("Additional", &msg.additional, true),
    ];
    for (section, rrs, glue) in sections {
        let mut owner_hint = 0;
        for (k, rr) in rrs.iter().enumerate() {
            let same_rrset = k > 0
                && rrs[k - 1].name == rr.name
                && rrs[k - 1].data.type_name() == rr.data.type_name();
            if !same_rrset {
                owner_hint = if glue {
                    ns_names
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(&rr.name))
                        .map_or(0, |(_, at)| *at)
                } else {
                    0
                };
            }
            let at = w.buf.len();
            owner_hint = w.put_owner(&rr.name, owner_hint);
            let value = describe_name(&w.buf, at);
            w.field(at, &format!("{section}: NAME"), value);
            let at = w.buf.len();
            w.put_u16(rr.data.type_code());
            w.field(at, &format!("{section}: TYPE"), rr.data.type_label().into());
            let at = w.buf.len();
            w.put_u16(1);
            w.field(at, &format!("{section}: CLASS"), "IN (1)".into());
            let at = w.buf.len();
            w.buf.extend_from_slice(&rr.ttl.to_be_bytes());
            w.field(at, &format!("{section}: TTL"), with_unit(rr.ttl, " s"));
            let len_at = w.buf.len();
            w.put_u16(0);
            let start = w.buf.len();
            let value = match &rr.data {
                RData::A(ip) => {
                    w.buf.extend_from_slice(&ip.octets());
                    ip.to_string()
                }
                RData::Aaaa(ip) => {
                    w.buf.extend_from_slice(&ip.octets());
                    ip.to_string()
                }
                RData::Cname(n) => {
                    w.put_name(n);
                    describe_name(&w.buf, start)
                }
                RData::Ns(n) => {
                    w.put_name(n);
                    ns_names.push((n.clone(), w.hint_of(start)));
                    describe_name(&w.buf, start)
                }
                RData::Soa {
                    mname,
                    rname,
                    serial,
                    minimum,
                } => {
                    w.put_name(mname);
                    let r = w.buf.len();
                    w.put_name(rname);
                    for v in [*serial, 7200, 3600, 1_209_600, *minimum] {
                        w.buf.extend_from_slice(&v.to_be_bytes());
                    }
                    format!(
                        "{} {} {serial} 7200 3600 1209600 {minimum}",
                        describe_name(&w.buf, start),
                        describe_name(&w.buf, r)
                    )
                }
            };
            let rdlen = w.buf.len() - start;
            w.buf[len_at..len_at + 2].copy_from_slice(&(rdlen as u16).to_be_bytes());
            w.fields.push(field(
                len_at,
                2,
                &format!("{section}: RDLENGTH"),
                with_unit(rdlen, " bytes"),
            ));
            w.field(start, &format!("{section}: RDATA"), value);
        }
    }
    let decoded = decode(&w.buf);
    Ok(DnsMessage {
        bytes: w.buf,
        fields: w.fields,
        decoded,
    })
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(b) => u16::from_be_bytes([b[0], b[1]]),
        None => 0,
    }
}

fn flags_text(msg: &Message) -> String {
    let rcode = match msg.rcode {
        Rcode::NoError => "NOERROR",
        Rcode::ServFail => "SERVFAIL",
        Rcode::NxDomain => "NXDOMAIN",
    };
    format!(
        "QR={} ({}) AA={} RD={} RA={} RCODE={rcode}",
        u8::from(msg.response),
        if msg.response { "response" } else { "query" },
        u8::from(msg.authoritative),
        u8::from(msg.recursion_desired),
        u8::from(msg.recursion_available),
    )
}

fn field(start: usize, len: usize, name: &str, value: String) -> ByteField {
    ByteField {
        start,
        len,
        name: name.to_string(),
        value,
    }
}

fn with_unit(n: impl ToString, unit: &str) -> String {
    let mut s = n.to_string();
    s.push_str(unit);
    s
}

/// The message read back from its bytes, one line per section and record.
pub fn decode(bytes: &[u8]) -> Vec<String> {
    let p = match Packet::parse(bytes) {
        Ok(p) => p,
        Err(e) => return vec![format!(";; unreadable message: {e}")],
    };
    let mut out = vec![format!(
        ";; id {} {} rcode {:?}",
        p.id(),
        if p.has_flags(PacketFlag::RESPONSE) {
            "response"
        } else {
            "query"
        },
        p.rcode()
    )];
    out.push(";; QUESTION".into());
    for q in &p.questions {
        let qtype = match q.qtype {
            QTYPE::TYPE(t) => format!("{t:?}"),
            other => format!("{other:?}"),
        };
        out.push(format!("{}. IN {qtype}", q.qname));
    }
    let sections = [
        (";; ANSWER", &p.answers),
        (";; AUTHORITY", &p.name_servers),
        (";; ADDITIONAL", &p.additional_records),
    ];
    for (title, rrs) in sections {
        if rrs.is_empty() {
            continue;
        }
        out.push(title.into());
        for rr in rrs.iter() {
            out.push(format!(
                "{}. {} IN {}",
                rr.name,
                rr.ttl,
                rdata_text(&rr.rdata)
            ));
        }
    }
    out
}

fn rdata_text(d: &WireRData) -> String {
    match d {
        WireRData::A(a) => format!("A {}", Ipv4Addr::from(a.address)),
        WireRData::AAAA(a) => format!("AAAA {}", Ipv6Addr::from(a.address)),
        WireRData::CNAME(c) => format!("CNAME {}.", c.0),
        WireRData::NS(n) => format!("NS {}.", n.0),
        WireRData::SOA(s) => format!(
            "SOA {}. {}. {} {} {} {} {}",
            s.mname, s.rname, s.serial, s.refresh, s.retry, s.expire, s.minimum
        ),
        other => format!("{:?}", other.type_code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_bytes_match_rfc_1035_layout() {
        let m = Message::query(0x1234, "www.foobar.com", true);
        let d = encode(&m).unwrap();
        // Header: ID, flags (RD), QDCOUNT=1, other counts 0.
        assert_eq!(
            &d.bytes[..12],
            &[0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        );
        // QNAME as length-prefixed labels, then QTYPE A and QCLASS IN.
        let mut q = vec![3];
        q.extend_from_slice(b"www");
        q.push(6);
        q.extend_from_slice(b"foobar");
        q.push(3);
        q.extend_from_slice(b"com");
        q.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(&d.bytes[12..], &q[..]);
        assert_eq!(d.fields.last().unwrap().start + 2, d.bytes.len());
    }

    #[test]
    fn response_round_trips_and_is_fully_labelled() {
        let q = Message::query(7, "www.foobar.com", false);
        let mut r = Message::reply_to(&q);
        r.authoritative = true;
        r.answers.push(Rr {
            name: "www.foobar.com".into(),
            ttl: 300,
            data: RData::Cname("foobar.com".into()),
        });
        r.answers.push(Rr {
            name: "foobar.com".into(),
            ttl: 3600,
            data: RData::A(Ipv4Addr::new(8, 8, 8, 8)),
        });
        let d = encode(&r).unwrap();
        let covered: usize = d.fields.iter().map(|f| f.len).sum();
        assert_eq!(covered, d.bytes.len());
        assert!(d
            .decoded
            .contains(&"www.foobar.com. 300 IN CNAME foobar.com.".to_string()));
        assert!(d
            .decoded
            .contains(&"foobar.com. 3600 IN A 8.8.8.8".to_string()));
    }

    #[test]
    fn root_soa_encodes() {
        let q = Message::query(1, "nope.invalid", false);
        let mut r = Message::reply_to(&q);
        r.rcode = Rcode::NxDomain;
        r.authority.push(Rr {
            name: String::new(),
            ttl: 86400,
            data: RData::Soa {
                mname: "a.root-servers.net".into(),
                rname: "nstld.verisign-grs.com".into(),
                serial: 2026112600,
                minimum: 86400,
            },
        });
        let d = encode(&r).unwrap();
        let covered: usize = d.fields.iter().map(|f| f.len).sum();
        assert_eq!(covered, d.bytes.len());
        assert_eq!(d.bytes[3] & 0x0f, 3, "RCODE 3 is NXDOMAIN");
    }
}

#[cfg(test)]
mod compression_tests {
    use super::*;

    fn field<'a>(d: &'a DnsMessage, name: &str, n: usize) -> &'a ByteField {
        d.fields
            .iter()
            .filter(|f| f.name == name)
            .nth(n)
            .expect("the field")
    }

    #[test]
    fn a_pointer_is_shown_as_a_pointer() {
        let q = Message::query(7, "www.foobar.com", false);
        let mut r = Message::reply_to(&q);
        r.authority.push(Rr {
            name: "foobar.com".into(),
            ttl: 86400,
            data: RData::Ns("ns1.foobar.com".into()),
        });
        r.additional.push(Rr {
            name: "ns1.foobar.com".into(),
            ttl: 86400,
            data: RData::A(Ipv4Addr::new(8, 8, 4, 4)),
        });
        let d = encode(&r).unwrap();
        // The owner "foobar.com." is a pointer into the question.
        let owner = field(&d, "Authority: NAME", 0);
        assert_eq!(&d.bytes[owner.start..owner.start + owner.len], &[0xc0, 16]);
        assert_eq!(owner.value, "pointer to offset 16 → foobar.com.");
        // The name server: one label of its own, then a pointer.
        let ns = field(&d, "Authority: RDATA", 0);
        assert_eq!(
            &d.bytes[ns.start..ns.start + ns.len],
            &[3, b'n', b's', b'1', 0xc0, 16]
        );
        assert_eq!(ns.value, "\"ns1\" + pointer to offset 16 → ns1.foobar.com.");
        // The glue's owner points at the name server's name.
        let glue = field(&d, "Additional: NAME", 0);
        assert_eq!(
            glue.value,
            format!("pointer to offset {} → ns1.foobar.com.", ns.start)
        );
        let covered: usize = d.fields.iter().map(|f| f.len).sum();
        assert_eq!(covered, d.bytes.len(), "every byte is labelled once");
        assert!(d
            .decoded
            .contains(&"ns1.foobar.com. 86400 IN A 8.8.4.4".to_string()));
    }

    #[test]
    fn names_are_compressed_as_knot_does_not_as_far_as_possible() {
        // Knot DNS compares each name with the last one written in full
        // only: the SOA's rname ends in "com" like the question, but follows
        // a name ending in "net", so Knot writes it in full (these are the
        // bytes knotd 3.2 sends; simple-dns's compressing builder would
        // point at the question's "com" and send 3 bytes fewer).
        let q = Message::query(1, "nope.com", false);
        let mut r = Message::reply_to(&q);
        r.authoritative = true;
        r.rcode = Rcode::NxDomain;
        r.authority.push(Rr {
            name: "com".into(),
            ttl: 900,
            data: RData::Soa {
                mname: "a.gtld-servers.net".into(),
                rname: "nstld.verisign-grs.com".into(),
                serial: 2_026_112_601,
                minimum: 900,
            },
        });
        let d = encode(&r).unwrap();
        let mut want: Vec<u8> = vec![0, 1, 0x84, 0x03, 0, 1, 0, 0, 0, 1, 0, 0];
        want.extend_from_slice(b"\x04nope\x03com\x00\x00\x01\x00\x01");
        want.extend_from_slice(&[0xc0, 0x11, 0, 6, 0, 1, 0, 0, 0x03, 0x84, 0, 0x40]);
        want.extend_from_slice(b"\x01a\x0cgtld-servers\x03net\x00");
        want.extend_from_slice(b"\x05nstld\x0cverisign-grs\x03com\x00");
        for v in [2_026_112_601u32, 7200, 3600, 1_209_600, 900] {
            want.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(d.bytes, want);
        let covered: usize = d.fields.iter().map(|f| f.len).sum();
        assert_eq!(covered, d.bytes.len());
    }

    #[test]
    fn records_of_one_rrset_share_the_owner_pointer() {
        let q = Message::query(2, "foobar.com", false);
        let mut r = Message::reply_to(&q);
        for ip in [[1, 1, 1, 1], [8, 8, 8, 8]] {
            r.answers.push(Rr {
                name: "foobar.com".into(),
                ttl: 60,
                data: RData::A(Ipv4Addr::from(ip)),
            });
        }
        let d = encode(&r).unwrap();
        for n in 0..2 {
            assert_eq!(
                field(&d, "Answer: NAME", n).value,
                "pointer to offset 12 → foobar.com."
            );
        }
    }
}
