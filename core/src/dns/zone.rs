//! Name servers: the root, the TLDs and the authoritative servers. Each holds
//! a zone built from the scenario's data ([`ZoneData`], what its zone file
//! would list) and answers from it the way Knot DNS 3.2 does; the conformance
//! suite (`tests/conformance/src/dns.rs`) replays the resolver's queries
//! against `knotd` serving the same zones and expects the same bytes.

use std::net::Ipv4Addr;

use crate::dns::wire::{Message, RData, Rcode, Rr};
use crate::scenario::{Dns, RecordData, Zone};
use crate::trace::Component;

/// A name server the resolver can ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameServer {
    /// The zone it is authoritative for (`""` is the root).
    pub zone: String,
    pub host: String,
    pub ip: Ipv4Addr,
    pub component: Component,
}

impl NameServer {
    pub fn root() -> Self {
        NameServer {
            zone: String::new(),
            host: "a.root-servers.net".into(),
            ip: Ipv4Addr::new(198, 41, 0, 4),
            component: Component::RootDns,
        }
    }

    /// The name server of a top-level domain.
    pub fn tld(tld: &str) -> Self {
        let (host, ip) = if tld == "com" || tld == "net" {
            (
                "a.gtld-servers.net".to_string(),
                Ipv4Addr::new(192, 5, 6, 30),
            )
        } else {
            (format!("a.nic.{tld}"), Ipv4Addr::new(192, 0, 2, 53))
        };
        NameServer {
            zone: tld.to_string(),
            host,
            ip,
            component: Component::TldDns,
        }
    }

    pub fn auth(zone: &Zone) -> Self {
        NameServer {
            zone: zone.origin.clone(),
            host: zone.ns_name.clone(),
            ip: zone.ns_ip,
            component: Component::AuthDns,
        }
    }

    /// A description such as "the root server a.root-servers.net".
    pub fn describe(&self) -> String {
        match self.component {
            Component::RootDns => format!("the root server {}", self.host),
            Component::TldDns => format!("the .{} server {}", self.zone, self.host),
            _ => format!("the {} name server {}", self.zone, self.host),
        }
    }
}

/// True when `name` is `zone` or below it.
pub fn in_zone(name: &str, zone: &str) -> bool {
    zone.is_empty() || name == zone || name.ends_with(&format!(".{zone}"))
}

/// The serial of every SOA record the model writes (RFC 1035 §3.3.13); the
/// other timers are in [`RData::text`]: refresh 7200, retry 3600, expire
/// 1209600, and MINIMUM the zone's negative TTL.
pub const SOA_SERIAL: u32 = 2_026_112_601;

/// The longest CNAME chain an authoritative server follows inside its zone:
/// Knot DNS stops after 5 (`CNAME_CHAIN_MAX` in `knot/nameserver/internet.h`)
/// and answers with what it has, leaving the rest to the resolver.
const MAX_ZONE_CHAIN: usize = 5;

/// What one name server holds: its zone, as a zone file would list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneData {
    /// The apex (`""` is the root).
    pub origin: String,
    /// The zone's SOA record; its TTL and MINIMUM give the negative TTL.
    pub soa: Rr,
    /// Every other record, in zone-file order: the apex NS, delegations
    /// (NS records below the apex) with their glue, and the zone's data.
    pub records: Vec<Rr>,
}

fn soa(zone: &str, mname: &str, rname: &str, negative_ttl: u32) -> Rr {
    Rr {
        name: zone.to_string(),
        ttl: negative_ttl,
        data: RData::Soa {
            mname: mname.to_string(),
            rname: rname.to_string(),
            serial: SOA_SERIAL,
            minimum: negative_ttl,
        },
    }
}

fn ns(zone: &str, ttl: u32, host: &str) -> Rr {
    Rr {
        name: zone.to_string(),
        ttl,
        data: RData::Ns(host.to_string()),
    }
}

fn a(name: &str, ttl: u32, ip: Ipv4Addr) -> Rr {
    Rr {
        name: name.to_string(),
        ttl,
        data: RData::A(ip),
    }
}

/// The root zone: each TLD delegated to its server, with the server's
/// address as glue; the root server's own NS and address at the apex.
pub fn root_zone(dns: &Dns) -> ZoneData {
    let root = NameServer::root();
    let mut records = vec![
        ns("", dns.tld_ns_ttl, &root.host),
        a(&root.host, dns.tld_ns_ttl, root.ip),
    ];
    for t in &dns.tlds {
        let s = NameServer::tld(t);
        records.push(ns(t, dns.tld_ns_ttl, &s.host));
        records.push(a(&s.host, dns.tld_ns_ttl, s.ip));
    }
    ZoneData {
        origin: String::new(),
        soa: soa(
            "",
            &root.host,
            "nstld.verisign-grs.com",
            dns.tld_negative_ttl,
        ),
        records,
    }
}

/// A TLD's zone: its own NS (and address, when its name lies inside), and a
/// delegation with glue for each scenario zone below it.
pub fn tld_zone(dns: &Dns, tld: &str) -> ZoneData {
    let s = NameServer::tld(tld);
    let mut records = vec![ns(tld, dns.tld_ns_ttl, &s.host)];
    if in_zone(&s.host, tld) {
        records.push(a(&s.host, dns.tld_ns_ttl, s.ip));
    }
    for z in dns
        .zones
        .iter()
        .filter(|z| z.origin != tld && in_zone(&z.origin, tld))
    {
        records.push(ns(&z.origin, z.ns_ttl, &z.ns_name));
        // Glue can only be held for names inside the TLD's zone (a real
        // server ignores out-of-zone data when it loads the zone).
        if in_zone(&z.ns_name, tld) {
            records.push(a(&z.ns_name, z.ns_ttl, z.ns_ip));
        }
    }
    ZoneData {
        origin: tld.to_string(),
        soa: soa(tld, &s.host, "nstld.verisign-grs.com", dns.tld_negative_ttl),
        records,
    }
}

/// A scenario zone: its SOA, NS and name server address, then its records.
pub fn auth_zone(zone: &Zone) -> ZoneData {
    let mut records = vec![ns(&zone.origin, zone.ns_ttl, &zone.ns_name)];
    if in_zone(&zone.ns_name, &zone.origin) {
        records.push(a(&zone.ns_name, zone.ns_ttl, zone.ns_ip));
    }
    records.extend(zone.records.iter().map(|r| Rr {
        name: r.name.clone(),
        ttl: r.ttl,
        data: match &r.data {
            RecordData::A(ip) => RData::A(*ip),
            RecordData::Aaaa(ip) => RData::Aaaa(*ip),
            RecordData::Cname(t) => RData::Cname(t.clone()),
        },
    }));
    ZoneData {
        origin: zone.origin.clone(),
        soa: soa(
            &zone.origin,
            &zone.ns_name,
            &format!("hostmaster.{}", zone.origin),
            zone.negative_ttl,
        ),
        records,
    }
}

/// The zone `server` serves, if the scenario has it.
pub fn zone_of(dns: &Dns, server: &NameServer) -> Option<ZoneData> {
    let zone = match server.component {
        Component::RootDns => Some(root_zone(dns)),
        Component::TldDns => dns
            .tlds
            .contains(&server.zone)
            .then(|| tld_zone(dns, &server.zone)),
        _ => dns
            .zones
            .iter()
            .find(|z| z.origin == server.zone)
            .map(auth_zone),
    };
    zone.map(ZoneData::lowercased)
}

/// The uncompressed wire form of a record's data, the key RFC 4034 §6.3
/// orders an RRset's records by.
fn canonical_rdata(d: &RData) -> Vec<u8> {
    fn name(n: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for l in n.split('.').filter(|l| !l.is_empty()) {
            out.push(l.len() as u8);
            out.extend(l.to_ascii_lowercase().bytes());
        }
        out.push(0);
        out
    }
    match d {
        RData::A(ip) => ip.octets().to_vec(),
        RData::Aaaa(ip) => ip.octets().to_vec(),
        RData::Cname(n) | RData::Ns(n) => name(n),
        RData::Soa { mname, rname, .. } => [name(mname), name(rname)].concat(),
    }
}

impl ZoneData {
    /// The zone with every name in lower case: names compare without regard
    /// to case (RFC 4343), and Knot DNS stores (and sends) the names of its
    /// zones in lower case.
    fn lowercased(mut self) -> Self {
        fn lower(rr: &mut Rr) {
            rr.name.make_ascii_lowercase();
            match &mut rr.data {
                RData::Cname(n) | RData::Ns(n) => n.make_ascii_lowercase(),
                RData::Soa { mname, rname, .. } => {
                    mname.make_ascii_lowercase();
                    rname.make_ascii_lowercase();
                }
                RData::A(_) | RData::Aaaa(_) => {}
            }
        }
        self.origin.make_ascii_lowercase();
        lower(&mut self.soa);
        self.records.iter_mut().for_each(lower);
        self
    }

    /// The RRset of `name` and the type of `kind`, as a server holds it
    /// (RFC 2181 §5): each record once, in canonical order (RFC 4034 §6.3,
    /// which is how Knot DNS stores and sends them), and one TTL for all. When
    /// the zone gives its records different TTLs, Knot DNS keeps the last one
    /// it reads ("TTL mismatch ... TTL set to", `knot/zone/node.c`).
    fn rrset(&self, name: &str, kind: &RData) -> Vec<Rr> {
        let mut out: Vec<Rr> = Vec::new();
        let mut ttl = 0;
        for r in &self.records {
            if r.name == name && r.data.type_name() == kind.type_name() {
                ttl = r.ttl;
                if !out.iter().any(|o| o.data == r.data) {
                    out.push(r.clone());
                }
            }
        }
        crate::order::sort_by_key(&mut out, |r| canonical_rdata(&r.data));
        for r in &mut out {
            r.ttl = ttl;
        }
        out
    }

    /// The delegation `name` falls under: the zone cut closest to the apex
    /// (RFC 1034 §4.3.2 step 3b: the data below a cut is not the zone's).
    fn cut_for(&self, name: &str) -> Option<&str> {
        self.records
            .iter()
            .filter(|r| {
                matches!(r.data, RData::Ns(_)) && r.name != self.origin && in_zone(name, &r.name)
            })
            .map(|r| r.name.as_str())
            .min_by_key(|n| n.len())
    }

    /// True when `name` is in the zone's tree: it owns records, or is the
    /// apex, or is an empty non-terminal (RFC 8020: a name with descendants
    /// exists even without records of its own).
    fn exists(&self, name: &str) -> bool {
        name == self.origin
            || self
                .records
                .iter()
                .any(|r| r.name == name || r.name.ends_with(&format!(".{name}")))
    }

    /// The SOA for a negative answer. RFC 2308 §3: its TTL is the smaller
    /// of the SOA record's own TTL and its MINIMUM field (Knot DNS:
    /// `KNOT_PF_SOAMINTTL`).
    pub fn negative_soa(&self) -> Rr {
        let mut s = self.soa.clone();
        if let RData::Soa { minimum, .. } = s.data {
            s.ttl = s.ttl.min(minimum);
        }
        s
    }

    /// A referral (RFC 1034 §4.3.2 step 3b): the cut's NS RRset in the
    /// authority section and the name servers' addresses, wherever the zone
    /// holds them, in the additional section (A, then AAAA, per name
    /// server, as Knot DNS's `put_additional` does).
    fn refer(&self, cut: &str, reply: &mut Message) {
        let rrset = self.rrset(cut, &RData::Ns(String::new()));
        for r in &rrset {
            if let RData::Ns(host) = &r.data {
                reply
                    .additional
                    .extend(self.rrset(host, &RData::A(Ipv4Addr::UNSPECIFIED)));
                reply
                    .additional
                    .extend(self.rrset(host, &RData::Aaaa(std::net::Ipv6Addr::UNSPECIFIED)));
            }
        }
        reply.authority.extend(rrset);
    }

    /// How an authoritative server answers an A query for `qname`
    /// (RFC 1034 §4.3.2), as Knot DNS does it:
    ///
    /// * below a zone cut: a referral, not authoritative (AA=0);
    /// * otherwise AA=1, and CNAMEs inside the zone are followed (at most
    ///   [`MAX_ZONE_CHAIN`], each record once, so a loop ends);
    /// * the A RRset: the answer, nothing in authority or additional (Knot
    ///   sends no NS records with positive answers);
    /// * a name that exists without an A record, including the apex and
    ///   empty non-terminals: NOERROR with no answer (NODATA) and the SOA;
    /// * a name that does not exist: NXDOMAIN and the SOA (RFC 2308 §2);
    /// * an alias leaving the zone: the CNAMEs so far, for the resolver to go on.
    pub fn answer(&self, qname: &str, reply: &mut Message) {
        if let Some(cut) = self.cut_for(qname) {
            self.refer(cut, reply);
            return;
        }
        reply.authoritative = true;
        let mut name = qname.to_string();
        let mut followed = 0;
        loop {
            if !in_zone(&name, &self.origin) {
                return;
            }
            if let Some(cut) = self.cut_for(&name) {
                self.refer(cut, reply);
                return;
            }
            let cname = self.rrset(&name, &RData::Cname(String::new()));
            if let Some(c) = cname.first() {
                let RData::Cname(target) = &c.data else {
                    return;
                };
                followed += 1;
                if followed > MAX_ZONE_CHAIN || reply.answers.contains(c) {
                    return;
                }
                reply.answers.push(c.clone());
                name = target.clone();
                continue;
            }
            let addresses = self.rrset(&name, &RData::A(Ipv4Addr::UNSPECIFIED));
            if !addresses.is_empty() {
                reply.answers.extend(addresses);
                return;
            }
            if !self.exists(&name) {
                reply.rcode = Rcode::NxDomain;
            }
            reply.authority.push(self.negative_soa());
            return;
        }
    }
}

/// How `server` answers `query`, computed from the scenario's DNS data.
pub fn answer(dns: &Dns, server: &NameServer, query: &Message) -> Message {
    let mut reply = Message::reply_to(query);
    match zone_of(dns, server) {
        Some(z) if in_zone(&query.qname.to_ascii_lowercase(), &z.origin) => {
            z.answer(&query.qname.to_ascii_lowercase(), &mut reply)
        }
        _ => reply.rcode = Rcode::ServFail,
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Record;
    use crate::Scenario;

    fn ask(dns: &Dns, server: &NameServer, name: &str) -> Message {
        answer(dns, server, &Message::query(1, name, false))
    }

    fn seed() -> Dns {
        Scenario::default().dns
    }

    #[test]
    fn the_apex_of_a_tld_is_nodata_with_the_soa() {
        let r = ask(&seed(), &NameServer::tld("com"), "com");
        assert_eq!(r.rcode, Rcode::NoError);
        assert!(r.authoritative && r.answers.is_empty());
        assert_eq!(r.authority.len(), 1);
        assert_eq!(r.authority[0].data.type_name(), "SOA");
    }

    #[test]
    fn an_ancestor_of_a_delegation_is_an_empty_non_terminal() {
        let mut dns = seed();
        let mut z = dns.zones[0].clone();
        z.origin = "shop.example.com".into();
        z.ns_name = "ns.shop.example.com".into();
        dns.zones.push(z);
        let r = ask(&dns, &NameServer::tld("com"), "example.com");
        assert_eq!(
            r.rcode,
            Rcode::NoError,
            "example.com exists: it has a child"
        );
        let r = ask(&dns, &NameServer::tld("com"), "other.com");
        assert_eq!(r.rcode, Rcode::NxDomain);
    }

    #[test]
    fn referrals_are_not_authoritative_and_carry_glue() {
        let r = ask(&seed(), &NameServer::tld("com"), "www.foobar.com");
        assert!(!r.authoritative);
        assert_eq!(r.authority[0].data, RData::Ns("ns1.foobar.com".into()));
        assert_eq!(r.additional[0].data, RData::A(Ipv4Addr::new(8, 8, 4, 4)));
    }

    #[test]
    fn an_rrset_is_sorted_deduplicated_and_has_one_ttl() {
        let mut dns = seed();
        let z = &mut dns.zones[0];
        for (ip, ttl) in [
            ([9, 9, 9, 9], 60),
            ([1, 1, 1, 1], 120),
            ([8, 8, 8, 8], 3600),
        ] {
            z.records.push(Record {
                name: "foobar.com".into(),
                ttl,
                data: RecordData::A(Ipv4Addr::from(ip)),
            });
        }
        let server = NameServer::auth(&dns.zones[0]);
        let r = ask(&dns, &server, "foobar.com");
        let ips: Vec<String> = r.answers.iter().map(|a| a.data.text()).collect();
        assert_eq!(ips, ["1.1.1.1", "8.8.8.8", "9.9.9.9"]);
        assert!(r.answers.iter().all(|a| a.ttl == 3600), "the last TTL read");
    }

    #[test]
    fn the_negative_soa_ttl_is_the_smaller_of_ttl_and_minimum() {
        let mut z = root_zone(&seed());
        z.soa.ttl = 86_400;
        if let RData::Soa { minimum, .. } = &mut z.soa.data {
            *minimum = 900;
        }
        assert_eq!(z.negative_soa().ttl, 900);
    }

    #[test]
    fn a_zone_follows_at_most_five_cnames() {
        let mut dns = seed();
        let z = &mut dns.zones[0];
        for k in 1..=7 {
            z.records.push(Record {
                name: format!("c{k}.foobar.com"),
                ttl: 60,
                data: RecordData::Cname(format!("c{}.foobar.com", k + 1)),
            });
        }
        let server = NameServer::auth(&dns.zones[0]);
        let r = ask(&dns, &server, "c1.foobar.com");
        assert_eq!(r.answers.len(), MAX_ZONE_CHAIN);
        assert!(r.authority.is_empty(), "the resolver goes on from c6");
    }

    #[test]
    fn names_match_whatever_their_case() {
        let mut dns = seed();
        dns.zones[0].records.push(Record {
            name: "Mixed.foobar.com".into(),
            ttl: 60,
            data: RecordData::A(Ipv4Addr::new(192, 0, 2, 1)),
        });
        let server = NameServer::auth(&dns.zones[0]);
        let r = ask(&dns, &server, "mixed.foobar.com");
        assert_eq!(r.answers.len(), 1);
        assert_eq!(r.answers[0].name, "mixed.foobar.com");
    }
}
