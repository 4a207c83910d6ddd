//! The recursive resolver: walks root → TLD → authoritative server, with a TTL cache.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::dns::wire::{encode, fqdn, Message, RData, Rcode, Rr};
use crate::dns::zone::{self, NameServer};
use crate::sim::{spec, Ctx};
use crate::trace::{Component, Payload, Phase, Status};

/// The longest chain of aliases the resolver follows before giving up.
pub const MAX_CHAIN: usize = 8;
/// The most referrals one lookup follows (root → TLD → zone needs two).
const MAX_REFERRALS: usize = 6;

/// What the resolver remembers about a name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cached {
    Cname(String),
    A(Vec<Ipv4Addr>),
    /// The name does not exist (negative caching, RFC 2308).
    NxDomain(Rr),
    /// The name exists but has no A record.
    NoData(Rr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    data: Cached,
    expires_at_us: u64,
}

/// The result of a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The name's IPv4 address, with the aliases followed on the way.
    Address {
        ip: Ipv4Addr,
        chain: Vec<String>,
    },
    NxDomain,
    /// The name exists but has no A record.
    NoAddress,
    /// The resolver could not finish (a loop, a broken zone).
    Failed {
        reason: String,
    },
}

/// A recursive resolver with its cache.
#[derive(Debug, Default, Clone)]
pub struct Resolver {
    cache: BTreeMap<String, Entry>,
    /// Zone → its name server, learnt from referrals, with expiry.
    delegations: BTreeMap<String, (NameServer, u64)>,
}

fn secs_left(expires_at_us: u64, now_us: u64) -> u32 {
    u32::try_from(expires_at_us.saturating_sub(now_us).div_ceil(1_000_000)).unwrap_or(u32::MAX)
}

fn expiry(now_us: u64, ttl: u32) -> u64 {
    now_us.saturating_add(u64::from(ttl).saturating_mul(1_000_000))
}

fn dns_payload(msg: &Message) -> Payload {
    match encode(msg) {
        Ok(m) => Payload::Dns(m),
        Err(_) => Payload::None,
    }
}

impl Resolver {
    fn lookup(&self, name: &str, now_us: u64) -> Option<&Entry> {
        self.cache.get(name).filter(|e| e.expires_at_us > now_us)
    }

    fn store(&mut self, name: &str, data: Cached, ttl: u32, now_us: u64) {
        self.cache.insert(
            name.to_string(),
            Entry {
                data,
                expires_at_us: expiry(now_us, ttl),
            },
        );
    }

    /// Resolves `host` for the browser, recording every message.
    pub fn resolve(&mut self, ctx: &mut Ctx, host: &str) -> Resolution {
        let id = ctx.rng.below(u64::from(u16::MAX)) as u16;
        let stub = Message::query(id, host, true);
        let stub_payload = match encode(&stub) {
            Ok(m) => Payload::Dns(m),
            Err(reason) => {
                ctx.step(spec(
                    Component::Browser,
                    Component::Browser,
                    Phase::Dns,
                    Status::Fail,
                    0,
                    "The name cannot be looked up",
                    reason.clone(),
                    Payload::None,
                ));
                return Resolution::Failed { reason };
            }
        };
        let hop = ctx.net(ctx.scenario.latency.client_to_resolver_us);
        ctx.step(spec(
            Component::Browser,
            Component::Resolver,
            Phase::Dns,
            Status::Ok,
            hop,
            format!("Ask the resolver for {host}"),
            format!("The operating system sends a DNS query over UDP port 53 to its recursive resolver: \"what is the IPv4 address (A record) of {host}?\" The RD flag asks it to do all the work."),
            stub_payload,
        ));
        let (resolution, answers, authority) = self.recurse(ctx, host);
        let mut reply = Message::reply_to(&stub);
        reply.recursion_available = true;
        reply.answers = answers;
        reply.authority = authority;
        let (status, title, explanation) = match &resolution {
            Resolution::Address { ip, chain } => {
                reply.rcode = Rcode::NoError;
                let via = if chain.is_empty() {
                    String::new()
                } else {
                    // The records that lead there, e.g. "www.foobar.com CNAME
                    // foobar.com, foobar.com A 8.8.8.8".
                    let mut links: Vec<String> = reply
                        .answers
                        .iter()
                        .filter_map(|r| match &r.data {
                            RData::Cname(t) => Some(format!("{} CNAME {t}", r.name)),
                            _ => None,
                        })
                        .collect();
                    if let Some(r) = reply.answers.iter().find(|r| r.data == RData::A(*ip)) {
                        links.push(format!("{} A {ip}", r.name));
                    }
                    let what = if chain.len() > 1 {
                        "aliases"
                    } else {
                        "an alias"
                    };
                    format!(", through {what}: {}", links.join(", "))
                };
                (
                    Status::Ok,
                    format!("{host} is {ip}"),
                    format!("The resolver answers: {host} is at {ip}{via}. The browser can now open a connection to that address."),
                )
            }
            Resolution::NxDomain => {
                reply.rcode = Rcode::NxDomain;
                (
                    Status::Fail,
                    format!("NXDOMAIN: {host} does not exist"),
                    format!("The resolver answers NXDOMAIN: no name server knows {host}. Without an address there is nothing to connect to."),
                )
            }
            Resolution::NoAddress => (
                Status::Fail,
                format!("{host} has no IPv4 address"),
                "The name exists but has no A record, so there is no IPv4 address to connect to."
                    .to_string(),
            ),
            Resolution::Failed { reason } => {
                reply.rcode = Rcode::ServFail;
                (
                    Status::Fail,
                    "SERVFAIL: the lookup failed".to_string(),
                    format!("The resolver gives up and answers SERVFAIL: {reason}"),
                )
            }
        };
        let hop = ctx.net(ctx.scenario.latency.client_to_resolver_us);
        ctx.step(spec(
            Component::Resolver,
            Component::Browser,
            Phase::Dns,
            status,
            hop,
            title,
            explanation,
            dns_payload(&reply),
        ));
        resolution
    }

    /// Follows aliases through the cache and the network.
    fn recurse(&mut self, ctx: &mut Ctx, host: &str) -> (Resolution, Vec<Rr>, Vec<Rr>) {
        let mut name = host.to_string();
        let mut answers: Vec<Rr> = Vec::new();
        let mut chain: Vec<String> = Vec::new();
        for _ in 0..MAX_CHAIN {
            if chain.contains(&name) {
                break;
            }
            let now = ctx.session_now();
            if let Some(entry) = self.lookup(&name, now).cloned() {
                let left = secs_left(entry.expires_at_us, now);
                let (line, done) = match &entry.data {
                    Cached::Cname(t) => {
                        let rr = Rr {
                            name: name.clone(),
                            ttl: left,
                            data: RData::Cname(t.clone()),
                        };
                        let line = rr.text();
                        answers.push(rr);
                        (line, None)
                    }
                    Cached::A(ips) => {
                        let rrs: Vec<Rr> = ips
                            .iter()
                            .map(|ip| Rr {
                                name: name.clone(),
                                ttl: left,
                                data: RData::A(*ip),
                            })
                            .collect();
                        let line = rrs.iter().map(Rr::text).collect::<Vec<_>>().join("; ");
                        answers.extend(rrs);
                        let ip = ips.first().copied();
                        (
                            line,
                            Some(match ip {
                                Some(ip) => (
                                    Resolution::Address {
                                        ip,
                                        chain: chain.clone(),
                                    },
                                    Vec::new(),
                                ),
                                None => (Resolution::NoAddress, Vec::new()),
                            }),
                        )
                    }
                    Cached::NxDomain(soa) => (
                        format!("{} does not exist (negative cache)", fqdn(&name)),
                        Some((Resolution::NxDomain, vec![soa.clone()])),
                    ),
                    Cached::NoData(soa) => (
                        format!("{} has no A record (negative cache)", fqdn(&name)),
                        Some((Resolution::NoAddress, vec![soa.clone()])),
                    ),
                };
                let explanation = match &entry.data {
                    Cached::NxDomain(_) | Cached::NoData(_) => format!(
                        "The resolver learnt from an earlier lookup that {name} {}. There is no record to reuse: it remembers the \"no\" itself (negative caching, RFC 2308) for {left} more seconds, the negative-caching TTL the zone's SOA record gave (the smaller of its TTL and its MINIMUM field), so it asks no other server.",
                        if matches!(entry.data, Cached::NxDomain(_)) {
                            "does not exist"
                        } else {
                            "has no A record"
                        }
                    ),
                    _ => format!("The resolver already knows {name} from an earlier lookup and may reuse it for {left} more seconds (the record's TTL), so it asks no other server."),
                };
                ctx.step(spec(
                    Component::Resolver,
                    Component::Resolver,
                    Phase::Dns,
                    Status::Ok,
                    20,
                    format!("Cache hit for {name}"),
                    explanation,
                    Payload::DnsCache {
                        name: name.clone(),
                        entries: vec![line],
                        ttl_left_s: Some(left),
                    },
                ));
                if let Some((res, authority)) = done {
                    return (res, answers, authority);
                }
                if let Cached::Cname(t) = entry.data {
                    chain.push(name.clone());
                    name = t;
                }
                continue;
            }
            ctx.step(spec(
                Component::Resolver,
                Component::Resolver,
                Phase::Dns,
                Status::Ok,
                20,
                format!("Cache miss for {name}"),
                format!("The resolver has no unexpired record for {name}, so it must ask the name servers, starting from the closest one it knows."),
                Payload::DnsCache {
                    name: name.clone(),
                    entries: Vec::new(),
                    ttl_left_s: None,
                },
            ));
            let reply = match self.iterate(ctx, &name) {
                Ok(r) => r,
                Err(reason) => return (Resolution::Failed { reason }, answers, Vec::new()),
            };
            let now = ctx.session_now();
            // Cache every answer record, grouped by owner name.
            let mut by_name: BTreeMap<&str, (Option<String>, Vec<Ipv4Addr>, u32)> = BTreeMap::new();
            for rr in &reply.answers {
                let e = by_name
                    .entry(rr.name.as_str())
                    .or_insert((None, Vec::new(), u32::MAX));
                e.2 = e.2.min(rr.ttl);
                match &rr.data {
                    RData::Cname(t) => e.0 = Some(t.clone()),
                    RData::A(ip) => e.1.push(*ip),
                    _ => {}
                }
            }
            for (owner, (cname, ips, ttl)) in by_name {
                let data = match cname {
                    Some(t) => Cached::Cname(t),
                    None => Cached::A(ips),
                };
                self.store(owner, data, ttl, now);
            }
            // Follow the chain inside this reply.
            let mut cur = name.clone();
            let mut followed = 0;
            let mut next: Option<String> = None;
            loop {
                followed += 1;
                if followed > MAX_CHAIN {
                    break;
                }
                let owned: Vec<&Rr> = reply.answers.iter().filter(|r| r.name == cur).collect();
                if let Some(RData::Cname(t)) = owned.first().map(|r| &r.data) {
                    answers.extend(owned.iter().map(|r| (*r).clone()));
                    chain.push(cur.clone());
                    if chain.contains(t) || t == host {
                        next = Some(t.clone());
                        break;
                    }
                    cur = t.clone();
                    continue;
                }
                let ips: Vec<Ipv4Addr> = owned
                    .iter()
                    .filter_map(|r| match r.data {
                        RData::A(ip) => Some(ip),
                        _ => None,
                    })
                    .collect();
                if let Some(ip) = ips.first().copied() {
                    answers.extend(owned.iter().map(|r| (*r).clone()));
                    return (Resolution::Address { ip, chain }, answers, Vec::new());
                }
                if cur != name {
                    // The alias leads out of what this server knows.
                    next = Some(cur.clone());
                }
                break;
            }
            if let Some(n) = next {
                if reply.rcode != Rcode::NxDomain && reply.authority.is_empty() {
                    name = n;
                    continue;
                }
            }
            let soa = reply
                .authority
                .iter()
                .find(|r| matches!(r.data, RData::Soa { .. }))
                .cloned();
            let neg_ttl = match soa.as_ref().map(|r| &r.data) {
                Some(RData::Soa { minimum, .. }) => {
                    (*minimum).min(soa.as_ref().map_or(0, |r| r.ttl))
                }
                _ => 0,
            };
            let authority: Vec<Rr> = soa.iter().cloned().collect();
            return match (reply.rcode, soa) {
                (Rcode::NxDomain, Some(soa)) => {
                    self.store(&cur, Cached::NxDomain(soa), neg_ttl, now);
                    (Resolution::NxDomain, answers, authority)
                }
                (Rcode::NxDomain, None) => (Resolution::NxDomain, answers, authority),
                (Rcode::NoError, Some(soa)) => {
                    self.store(&cur, Cached::NoData(soa), neg_ttl, now);
                    (Resolution::NoAddress, answers, authority)
                }
                _ => (
                    Resolution::Failed {
                        reason: format!("the name servers gave no usable answer for {cur}"),
                    },
                    answers,
                    authority,
                ),
            };
        }
        (
            Resolution::Failed {
                reason: format!(
                    "the aliases starting at {host} loop or are longer than {MAX_CHAIN} links ({})",
                    chain.join(" → ")
                ),
            },
            answers,
            Vec::new(),
        )
    }

    /// The closest name server whose delegation is cached, or the root.
    fn closest(&self, name: &str, now_us: u64) -> NameServer {
        self.delegations
            .iter()
            .filter(|(zone, (_, exp))| *exp > now_us && zone::in_zone(name, zone))
            .max_by_key(|(zone, _)| zone.len())
            .map(|(_, (ns, _))| ns.clone())
            .unwrap_or_else(NameServer::root)
    }

    /// Asks name servers, following referrals, until one answers.
    fn iterate(&mut self, ctx: &mut Ctx, name: &str) -> Result<Message, String> {
        let mut server = self.closest(name, ctx.session_now());
        for _ in 0..MAX_REFERRALS {
            let id = ctx.rng.below(u64::from(u16::MAX)) as u16;
            let query = Message::query(id, name, false);
            let l = &ctx.scenario.latency;
            let base = match server.component {
                Component::RootDns => l.resolver_to_root_us,
                Component::TldDns => l.resolver_to_tld_us,
                _ => l.resolver_to_auth_us,
            };
            let hop = ctx.net(base);
            ctx.step(spec(
                Component::Resolver,
                server.component,
                Phase::Dns,
                Status::Ok,
                hop,
                format!("Ask {}", server.describe()),
                format!("The resolver asks {} ({}) for {name}. This is an iterative query: that server answers only from what it knows itself.", server.describe(), server.ip),
                dns_payload(&query),
            ));
            let reply = zone::answer(&ctx.scenario.dns, &server, &query);
            let hop = ctx.net(base);
            let referral = reply.answers.is_empty()
                && reply.rcode == Rcode::NoError
                && reply
                    .authority
                    .iter()
                    .any(|r| matches!(r.data, RData::Ns(_)));
            // A referral whose name server has no glue: the lookup stops here.
            let mut lame: Option<String> = None;
            let next = if referral {
                let ns_rr = reply
                    .authority
                    .iter()
                    .find(|r| matches!(r.data, RData::Ns(_)));
                let glue = reply.additional.iter().find_map(|r| match r.data {
                    RData::A(ip) => Some(ip),
                    _ => None,
                });
                match (ns_rr, glue) {
                    (Some(rr), Some(ip)) => {
                        let RData::Ns(host) = &rr.data else {
                            return Err("a referral without a name server".into());
                        };
                        let component = if rr.name.contains('.') {
                            Component::AuthDns
                        } else {
                            Component::TldDns
                        };
                        Some((
                            NameServer {
                                zone: rr.name.clone(),
                                host: host.clone(),
                                ip,
                                component,
                            },
                            rr.ttl,
                        ))
                    }
                    (Some(rr), None) => {
                        lame = Some(format!(
                            "{} refers to {} for {}, but gives no address (glue) for it, and this simulated resolver does not look up the addresses of name servers separately",
                            server.describe(),
                            match &rr.data {
                                RData::Ns(h) => h.as_str(),
                                _ => "a name server",
                            },
                            fqdn(&rr.name)
                        ));
                        None
                    }
                    _ => None,
                }
            } else {
                None
            };
            let (status, title, explanation) = match (&next, reply.rcode) {
                (None, _) if lame.is_some() => (
                    Status::Fail,
                    format!("Referral without glue from {}", server.describe()),
                    format!("{}.", capitalise(lame.as_deref().unwrap_or_default())),
                ),
                (Some((ns, _)), _) => (
                    Status::Ok,
                    format!("Referral to {}", ns.describe()),
                    format!("{} does not know {name} itself, but it knows who is responsible for {}: {} at {}. The glue record gives that server's address.", capitalise(&server.describe()), fqdn(&ns.zone), ns.host, ns.ip),
                ),
                (None, Rcode::NxDomain) => (
                    Status::Fail,
                    format!("NXDOMAIN from {}", server.describe()),
                    format!("{} answers authoritatively that {name} does not exist. The SOA record it returns says how long this \"no\" may be cached.", capitalise(&server.describe())),
                ),
                (None, _) if !reply.answers.is_empty() => (
                    Status::Ok,
                    format!("Answer from {}", server.describe()),
                    format!("{} is authoritative for {} and answers with the records for {name}.", capitalise(&server.describe()), fqdn(&server.zone)),
                ),
                (None, _) => (
                    Status::Fail,
                    format!("No address from {}", server.describe()),
                    format!("{} knows {name} but holds no A record for it.", capitalise(&server.describe())),
                ),
            };
            ctx.step(spec(
                server.component,
                Component::Resolver,
                Phase::Dns,
                status,
                hop,
                title,
                explanation,
                dns_payload(&reply),
            ));
            if let Some(reason) = lame {
                return Err(reason);
            }
            match next {
                Some((ns, ttl)) => {
                    let exp = expiry(ctx.session_now(), ttl);
                    self.delegations.insert(ns.zone.clone(), (ns.clone(), exp));
                    server = ns;
                }
                None => return Ok(reply),
            }
        }
        Err(format!("too many referrals while looking up {name}"))
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
