//! Name servers: the root, the TLDs and the authoritative servers, answering from scenario data.

use std::net::Ipv4Addr;

use crate::dns::wire::{Message, RData, Rcode, Rr};
use crate::scenario::{Dns, RecordData, Zone};
use crate::trace::Component;

/// The longest CNAME chain an authoritative server follows inside its zone.
const MAX_ZONE_CHAIN: usize = 8;

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

fn soa(zone: &str, mname: &str, rname: &str, negative_ttl: u32) -> Rr {
    Rr {
        name: zone.to_string(),
        ttl: negative_ttl,
        data: RData::Soa {
            mname: mname.to_string(),
            rname: rname.to_string(),
            serial: 2_026_112_601,
            minimum: negative_ttl,
        },
    }
}

fn referral(reply: &mut Message, zone: &str, ttl: u32, ns: &str, ns_ip: Ipv4Addr) {
    reply.authority.push(Rr {
        name: zone.to_string(),
        ttl,
        data: RData::Ns(ns.to_string()),
    });
    reply.additional.push(Rr {
        name: ns.to_string(),
        ttl,
        data: RData::A(ns_ip),
    });
}

/// How `server` answers `query`, computed from the scenario's DNS data.
pub fn answer(dns: &Dns, server: &NameServer, query: &Message) -> Message {
    let mut reply = Message::reply_to(query);
    let qname = query.qname.as_str();
    match server.component {
        Component::RootDns => {
            let tld = qname.rsplit('.').next().unwrap_or("");
            if dns.tlds.iter().any(|t| t == tld) {
                let ns = NameServer::tld(tld);
                referral(&mut reply, tld, dns.tld_ns_ttl, &ns.host, ns.ip);
            } else {
                reply.authoritative = true;
                reply.rcode = Rcode::NxDomain;
                reply.authority.push(soa(
                    "",
                    "a.root-servers.net",
                    "nstld.verisign-grs.com",
                    dns.tld_negative_ttl,
                ));
            }
        }
        Component::TldDns => {
            let zone = dns
                .zones
                .iter()
                .filter(|z| in_zone(qname, &z.origin) && in_zone(&z.origin, &server.zone))
                .max_by_key(|z| z.origin.len());
            match zone {
                Some(z) => referral(&mut reply, &z.origin, z.ns_ttl, &z.ns_name, z.ns_ip),
                None => {
                    reply.authoritative = true;
                    reply.rcode = Rcode::NxDomain;
                    reply.authority.push(soa(
                        &server.zone,
                        &server.host,
                        "nstld.verisign-grs.com",
                        dns.tld_negative_ttl,
                    ));
                }
            }
        }
        _ => match dns.zones.iter().find(|z| z.origin == server.zone) {
            Some(z) => authoritative(z, qname, &mut reply),
            None => reply.rcode = Rcode::ServFail,
        },
    }
    reply
}

/// The records a zone holds for `name`, including its name server's address.
fn records_for(zone: &Zone, name: &str) -> Vec<Rr> {
    let mut out: Vec<Rr> = zone
        .records
        .iter()
        .filter(|r| r.name == name)
        .map(|r| Rr {
            name: r.name.clone(),
            ttl: r.ttl,
            data: match &r.data {
                RecordData::A(ip) => RData::A(*ip),
                RecordData::Aaaa(ip) => RData::Aaaa(*ip),
                RecordData::Cname(t) => RData::Cname(t.clone()),
            },
        })
        .collect();
    if name == zone.ns_name {
        out.push(Rr {
            name: name.to_string(),
            ttl: zone.ns_ttl,
            data: RData::A(zone.ns_ip),
        });
    }
    out
}

fn authoritative(zone: &Zone, qname: &str, reply: &mut Message) {
    reply.authoritative = true;
    let soa_rr = soa(
        &zone.origin,
        &zone.ns_name,
        &format!("hostmaster.{}", zone.origin),
        zone.negative_ttl,
    );
    let mut name = qname.to_string();
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..MAX_ZONE_CHAIN {
        if seen.contains(&name) {
            // A CNAME loop: answer with what we have; the resolver notices.
            return;
        }
        seen.push(name.clone());
        let rrs = records_for(zone, &name);
        if let Some(cname) = rrs.iter().find(|r| matches!(r.data, RData::Cname(_))) {
            let RData::Cname(target) = &cname.data else {
                return;
            };
            let target = target.clone();
            reply.answers.push(cname.clone());
            if !in_zone(&target, &zone.origin) {
                return; // The resolver must look the target up elsewhere.
            }
            name = target;
            continue;
        }
        let a: Vec<Rr> = rrs
            .into_iter()
            .filter(|r| matches!(r.data, RData::A(_)))
            .collect();
        if !a.is_empty() {
            reply.answers.extend(a);
            return;
        }
        let exists = zone
            .records
            .iter()
            .any(|r| r.name == name || r.name.ends_with(&format!(".{name}")))
            || name == zone.origin;
        if !exists {
            // No such name (after an alias: the alias points nowhere).
            reply.rcode = Rcode::NxDomain;
        }
        reply.authority.push(soa_rr);
        return;
    }
}
