//! DNS messages in RFC 1035 wire format, built and read back with `simple-dns`.

use std::net::{Ipv4Addr, Ipv6Addr};

use simple_dns::rdata::{self, RData as WireRData};
use simple_dns::{
    Name, Packet, PacketFlag, Question, ResourceRecord, CLASS, QCLASS, QTYPE, RCODE, TYPE,
};

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

fn name(n: &str) -> Result<Name<'_>, String> {
    Name::new(n).map_err(|e| format!("\"{n}\" cannot be written as a DNS name: {e}"))
}

fn wire_rr(rr: &Rr) -> Result<ResourceRecord<'_>, String> {
    let data = match &rr.data {
        RData::A(ip) => WireRData::A(rdata::A {
            address: u32::from(*ip),
        }),
        RData::Aaaa(ip) => WireRData::AAAA(rdata::AAAA {
            address: u128::from(*ip),
        }),
        RData::Cname(n) => WireRData::CNAME(rdata::CNAME(name(n)?)),
        RData::Ns(n) => WireRData::NS(rdata::NS(name(n)?)),
        RData::Soa {
            mname,
            rname,
            serial,
            minimum,
        } => WireRData::SOA(rdata::SOA {
            mname: name(mname)?,
            rname: name(rname)?,
            serial: *serial,
            refresh: 7200,
            retry: 3600,
            expire: 1_209_600,
            minimum: *minimum,
        }),
    };
    Ok(ResourceRecord::new(
        name(&rr.name)?,
        CLASS::IN,
        rr.ttl,
        data,
    ))
}

/// Builds the exact bytes of a message, labels them field by field, and
/// decodes them back with the DNS crate.
pub fn encode(msg: &Message) -> Result<DnsMessage, String> {
    let mut p = if msg.response {
        Packet::new_reply(msg.id)
    } else {
        Packet::new_query(msg.id)
    };
    if msg.authoritative {
        p.set_flags(PacketFlag::AUTHORITATIVE_ANSWER);
    }
    if msg.recursion_desired {
        p.set_flags(PacketFlag::RECURSION_DESIRED);
    }
    if msg.recursion_available {
        p.set_flags(PacketFlag::RECURSION_AVAILABLE);
    }
    *p.rcode_mut() = match msg.rcode {
        Rcode::NoError => RCODE::NoError,
        Rcode::ServFail => RCODE::ServerFailure,
        Rcode::NxDomain => RCODE::NameError,
    };
    p.questions.push(Question::new(
        name(&msg.qname)?,
        QTYPE::TYPE(TYPE::A),
        QCLASS::CLASS(CLASS::IN),
        false,
    ));
    for rr in &msg.answers {
        p.answers.push(wire_rr(rr)?);
    }
    for rr in &msg.authority {
        p.name_servers.push(wire_rr(rr)?);
    }
    for rr in &msg.additional {
        p.additional_records.push(wire_rr(rr)?);
    }
    let bytes = p
        .build_bytes_vec()
        .map_err(|e| format!("the DNS message could not be built: {e}"))?;
    let fields = annotate(msg, &bytes);
    let decoded = decode(&bytes);
    Ok(DnsMessage {
        bytes,
        fields,
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

/// Length of an uncompressed name on the wire.
fn name_len(n: &str) -> usize {
    if n.is_empty() {
        1
    } else {
        n.split('.').map(|l| l.len() + 1).sum::<usize>() + 1
    }
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

/// Labels every byte of an (uncompressed) message. The layout is computed from
/// the message and checked against the bytes; if they ever disagreed only the
/// header would be labelled.
fn annotate(msg: &Message, bytes: &[u8]) -> Vec<ByteField> {
    let rr_count = msg.answers.len() + msg.authority.len() + msg.additional.len();
    let mut f = Vec::with_capacity(9 + 6 * rr_count);
    f.push(field(0, 2, "ID", format!("0x{:04x} ({})", msg.id, msg.id)));
    f.push(field(2, 2, "Flags", flags_text(msg)));
    f.push(field(
        4,
        2,
        "QDCOUNT",
        with_unit(u16_at(bytes, 4), " question"),
    ));
    f.push(field(
        6,
        2,
        "ANCOUNT",
        with_unit(u16_at(bytes, 6), " answers"),
    ));
    f.push(field(
        8,
        2,
        "NSCOUNT",
        with_unit(u16_at(bytes, 8), " authority records"),
    ));
    f.push(field(
        10,
        2,
        "ARCOUNT",
        with_unit(u16_at(bytes, 10), " additional records"),
    ));
    let mut at = 12;
    let qlen = name_len(&msg.qname);
    f.push(field(at, qlen, "QNAME", fqdn(&msg.qname)));
    at += qlen;
    f.push(field(at, 2, "QTYPE", "A (1): an IPv4 address".into()));
    f.push(field(at + 2, 2, "QCLASS", "IN (1): the internet".into()));
    at += 4;
    let sections = [
        (
            [
                "Answer: NAME",
                "Answer: TYPE",
                "Answer: CLASS",
                "Answer: TTL",
                "Answer: RDLENGTH",
                "Answer: RDATA",
            ],
            &msg.answers,
        ),
        (
            [
                "Authority: NAME",
                "Authority: TYPE",
                "Authority: CLASS",
                "Authority: TTL",
                "Authority: RDLENGTH",
                "Authority: RDATA",
            ],
            &msg.authority,
        ),
        (
            [
                "Additional: NAME",
                "Additional: TYPE",
                "Additional: CLASS",
                "Additional: TTL",
                "Additional: RDLENGTH",
                "Additional: RDATA",
            ],
            &msg.additional,
        ),
    ];
    for (names, rrs) in sections {
        for rr in rrs.iter() {
            let nl = name_len(&rr.name);
            f.push(field(at, nl, names[0], fqdn(&rr.name)));
            at += nl;
            f.push(field(at, 2, names[1], rr.data.type_label().into()));
            f.push(field(at + 2, 2, names[2], "IN (1)".into()));
            f.push(field(at + 4, 4, names[3], with_unit(rr.ttl, " s")));
            let rdlen = usize::from(u16_at(bytes, at + 8));
            f.push(field(at + 8, 2, names[4], with_unit(rdlen, " bytes")));
            f.push(field(at + 10, rdlen, names[5], rr.data.text()));
            at += 10 + rdlen;
        }
    }
    if at != bytes.len() {
        f.truncate(6);
    }
    f
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
