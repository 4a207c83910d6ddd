//! The DNS check: the simulated name servers against Knot DNS (`knotd`).
//!
//! For each scenario of a corpus (the seeds, the DNS faults, and edited and
//! generated zones), zone files are written from the scenario's data, one per
//! simulated name server (the root, each TLD, each zone), and each is served
//! by its own `knotd` on its own port: a single server holding every zone
//! would answer from the deepest one instead of referring.
//!
//! The simulator then runs a corpus of addresses. Every query its resolver
//! sends to a name server (the exact bytes of the trace's step) is sent over
//! UDP to the matching `knotd`, and Knot's reply is compared with the model's
//! reply (the next step) on:
//!
//! * the header: RCODE and the flags QR, OPCODE, AA, TC, RD, RA (and Z, AD, CD);
//! * the question;
//! * the answer, authority and additional sections as lists of RRsets, each
//!   with its owner, type, class and its records with their TTLs. The records
//!   *inside* an RRset are compared as a set: RFC 2181 §5 makes an RRset the
//!   unit of data and gives its records no order (servers may rotate them).
//!   The order of the RRsets within a section is compared as is: a CNAME
//!   chain is read in the order it is written (RFC 1034 §4.3.2 step 3a).
//!
//! A second row says whether the bytes are identical, which also needs the
//! same name compression and the same order everywhere; a third whether Knot
//! loaded each zone file without an error or a warning.
//!
//! Left out of the corpus, because no zone file can say what the model
//! means: a CNAME at the zone's own name server name (the model accepts it;
//! the zone would hold it beside the name server's address, which RFC 1034
//! §3.6.2 forbids and Knot refuses to load).

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use stackscope_core::dns::zone::NameServer;
use stackscope_core::scenario::{Dns, Record, RecordData, Zone};
use stackscope_core::{seed, Component, Fault, Payload, Scenario, Simulator};

use crate::proc::{find_program, free_port, wait_for_path, wait_for_tcp, Running, TempDir};
use crate::report::Report;

// ---------------------------------------------------------------- zone files

/// `name` with its trailing dot.
fn fq(name: &str) -> String {
    if name.is_empty() {
        ".".into()
    } else {
        format!("{name}.")
    }
}

fn under(name: &str, zone: &str) -> bool {
    zone.is_empty() || name == zone || name.ends_with(&format!(".{zone}"))
}

fn soa_line(origin: &str, mname: &str, rname: &str, negative_ttl: u32) -> String {
    // The model writes serial 2026112601, refresh 7200, retry 3600, expire
    // 1209600, and the negative TTL both as the SOA's TTL and its MINIMUM.
    format!(
        "{} {negative_ttl} IN SOA {} {} 2026112601 7200 3600 1209600 {negative_ttl}\n",
        fq(origin),
        fq(mname),
        fq(rname)
    )
}

fn line(name: &str, ttl: u32, kind: &str, data: &str) -> String {
    format!("{} {ttl} IN {kind} {data}\n", fq(name))
}

/// The root zone: the TLDs delegated, with glue; the root server at the apex.
fn root_file(dns: &Dns) -> String {
    let root = NameServer::root();
    let mut f = soa_line(
        "",
        &root.host,
        "nstld.verisign-grs.com",
        dns.tld_negative_ttl,
    );
    f += &line("", dns.tld_ns_ttl, "NS", &fq(&root.host));
    f += &line(&root.host, dns.tld_ns_ttl, "A", &root.ip.to_string());
    for t in &dns.tlds {
        let s = NameServer::tld(t);
        f += &line(t, dns.tld_ns_ttl, "NS", &fq(&s.host));
        f += &line(&s.host, dns.tld_ns_ttl, "A", &s.ip.to_string());
    }
    f
}

/// A TLD's zone: its server at the apex, a delegation (with glue, where the
/// name server's name lies in the TLD) for each scenario zone below it.
fn tld_file(dns: &Dns, tld: &str) -> String {
    let s = NameServer::tld(tld);
    let mut f = soa_line(tld, &s.host, "nstld.verisign-grs.com", dns.tld_negative_ttl);
    f += &line(tld, dns.tld_ns_ttl, "NS", &fq(&s.host));
    if under(&s.host, tld) {
        f += &line(&s.host, dns.tld_ns_ttl, "A", &s.ip.to_string());
    }
    for z in dns
        .zones
        .iter()
        .filter(|z| z.origin != tld && under(&z.origin, tld))
    {
        f += &line(&z.origin, z.ns_ttl, "NS", &fq(&z.ns_name));
        if under(&z.ns_name, tld) {
            f += &line(&z.ns_name, z.ns_ttl, "A", &z.ns_ip.to_string());
        }
    }
    f
}

/// A scenario zone: SOA, NS, the name server's address, then the records.
fn zone_file(z: &Zone) -> String {
    let mut f = soa_line(
        &z.origin,
        &z.ns_name,
        &format!("hostmaster.{}", z.origin),
        z.negative_ttl,
    );
    f += &line(&z.origin, z.ns_ttl, "NS", &fq(&z.ns_name));
    if under(&z.ns_name, &z.origin) {
        f += &line(&z.ns_name, z.ns_ttl, "A", &z.ns_ip.to_string());
    }
    for r in &z.records {
        f += &match &r.data {
            RecordData::A(ip) => line(&r.name, r.ttl, "A", &ip.to_string()),
            RecordData::Aaaa(ip) => line(&r.name, r.ttl, "AAAA", &ip.to_string()),
            RecordData::Cname(t) => line(&r.name, r.ttl, "CNAME", &fq(t)),
        };
    }
    f
}

// ---------------------------------------------------------------- knotd

/// One `knotd` serving one zone on 127.0.0.1:`port`.
struct Knot {
    port: u16,
    /// Errors and warnings Knot logged while loading the zone.
    complaints: Vec<String>,
    _run: Running,
    _dir: TempDir,
}

fn start_knot(knotd: &Path, origin: &str, zone: &str) -> Result<Knot, String> {
    let dir = TempDir::new("knot")?;
    let port = free_port()?;
    let d = dir.path().display();
    let zone_path = dir.join("zone");
    std::fs::write(&zone_path, zone).map_err(|e| e.to_string())?;
    let conf = format!(
        "server:\n    rundir: \"{d}\"\n    listen: 127.0.0.1@{port}\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n\
         database:\n    storage: \"{d}\"\n\
         control:\n    listen: \"{d}/knot.sock\"\n\
         log:\n  - target: stderr\n    any: info\n\
         template:\n  - id: default\n    storage: \"{d}\"\n    journal-content: none\n    zonefile-sync: -1\n\
         zone:\n  - domain: \"{}\"\n    file: \"{}\"\n",
        fq(origin),
        zone_path.display()
    );
    let conf_path = dir.join("knot.conf");
    std::fs::write(&conf_path, conf).map_err(|e| e.to_string())?;
    let log = dir.join("knotd.log");
    let mut run = Running::start(
        &format!("knotd for {}", fq(origin)),
        Command::new(knotd).arg("-c").arg(&conf_path),
        &log,
    )?;
    // knotd writes its pid file once it runs, then listens; the pid file
    // must name the child we started (no other knotd answers for it).
    wait_for_path(&mut run, &dir.join("knot.pid"))?;
    wait_for_tcp(&mut run, port)?;
    let pid = std::fs::read_to_string(dir.join("knot.pid")).unwrap_or_default();
    if pid.trim() != run.pid().to_string() {
        return Err(format!(
            "the pid file names {}, not the knotd started ({})",
            pid.trim(),
            run.pid()
        ));
    }
    // Wait until the zone is loaded (or failed to load).
    let t = Instant::now();
    loop {
        run.alive()?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let loaded = text.contains("] loaded, serial");
        if loaded || text.contains("failed to load") || text.contains("zone loading failed") {
            let complaints: Vec<String> = text
                .lines()
                .filter(|l| l.contains("error:") || l.contains("warning:"))
                .map(str::to_string)
                .collect();
            if !loaded && complaints.is_empty() {
                return Err(format!("knotd could not load {}:\n{text}", fq(origin)));
            }
            return Ok(Knot {
                port,
                complaints,
                _run: run,
                _dir: dir,
            });
        }
        if t.elapsed() > Duration::from_secs(20) {
            return Err(format!(
                "knotd did not load {} in 20 s:\n{text}",
                fq(origin)
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn ask(sock: &UdpSocket, port: u16, query: &[u8]) -> Result<Vec<u8>, String> {
    let mut buf = [0u8; 4096];
    for _ in 0..3 {
        sock.send_to(query, ("127.0.0.1", port))
            .map_err(|e| e.to_string())?;
        while let Ok((n, _)) = sock.recv_from(&mut buf) {
            if n >= 2 && buf[..2] == query[..2] {
                return Ok(buf[..n].to_vec());
            }
        }
    }
    Err(format!("knotd on port {port} did not answer"))
}

// ---------------------------------------------------------------- a DNS reader

/// A record set: owner, type, class, and its records (data, TTL), sorted.
type RrSet = (String, String, u16, Vec<(String, u32)>);

/// A reply as the comparison sees it.
#[derive(Debug, PartialEq, Eq)]
struct Reply {
    rcode: u8,
    /// QR, OPCODE, AA, TC, RD, RA, Z, AD, CD.
    flags: String,
    question: Vec<String>,
    answer: Vec<RrSet>,
    authority: Vec<RrSet>,
    additional: Vec<RrSet>,
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|x| u16::from_be_bytes([x[0], x[1]]))
        .ok_or_else(|| format!("message ends at {at}"))
}

/// Reads a (possibly compressed) name; returns it, lowercased, and the
/// offset after it.
fn read_name(b: &[u8], mut at: usize) -> Result<(String, usize), String> {
    let mut labels: Vec<String> = Vec::new();
    let mut end = None;
    for _ in 0..256 {
        let len = *b.get(at).ok_or("name runs past the end")?;
        if len & 0xc0 == 0xc0 {
            end.get_or_insert(at + 2);
            at = usize::from(u16_at(b, at)? & 0x3fff);
            continue;
        }
        if len == 0 {
            let name = labels.join(".").to_ascii_lowercase();
            return Ok((name, end.unwrap_or(at + 1)));
        }
        let l = b
            .get(at + 1..at + 1 + usize::from(len))
            .ok_or("label runs past the end")?;
        labels.push(String::from_utf8_lossy(l).into_owned());
        at += 1 + usize::from(len);
    }
    Err("a name with a pointer loop".into())
}

fn type_name(t: u16) -> String {
    match t {
        1 => "A".into(),
        2 => "NS".into(),
        5 => "CNAME".into(),
        6 => "SOA".into(),
        28 => "AAAA".into(),
        41 => "OPT".into(),
        other => format!("TYPE{other}"),
    }
}

fn read_rdata(b: &[u8], kind: u16, at: usize, len: usize) -> Result<String, String> {
    let data = b.get(at..at + len).ok_or("RDATA runs past the end")?;
    Ok(match kind {
        1 if len == 4 => Ipv4Addr::new(data[0], data[1], data[2], data[3]).to_string(),
        28 if len == 16 => {
            let mut o = [0u8; 16];
            o.copy_from_slice(data);
            Ipv6Addr::from(o).to_string()
        }
        2 | 5 => {
            let (n, end) = read_name(b, at)?;
            if end != at + len {
                return Err("RDATA length does not match the name".into());
            }
            fq(&n)
        }
        6 => {
            let (m, p) = read_name(b, at)?;
            let (r, p) = read_name(b, p)?;
            let mut nums = Vec::new();
            for k in 0..5 {
                let x = b.get(p + 4 * k..p + 4 * k + 4).ok_or("SOA too short")?;
                nums.push(u32::from_be_bytes([x[0], x[1], x[2], x[3]]).to_string());
            }
            if p + 20 != at + len {
                return Err("SOA RDATA length is wrong".into());
            }
            format!("{} {} {}", fq(&m), fq(&r), nums.join(" "))
        }
        _ => data.iter().map(|x| format!("{x:02x}")).collect(),
    })
}

fn parse(b: &[u8]) -> Result<Reply, String> {
    let flags = u16_at(b, 2)?;
    let counts = [u16_at(b, 4)?, u16_at(b, 6)?, u16_at(b, 8)?, u16_at(b, 10)?];
    let bit = |n: u16| (flags >> n) & 1;
    let flag_text = format!(
        "QR={} OPCODE={} AA={} TC={} RD={} RA={} Z={} AD={} CD={}",
        bit(15),
        (flags >> 11) & 0xf,
        bit(10),
        bit(9),
        bit(8),
        bit(7),
        bit(6),
        bit(5),
        bit(4)
    );
    let mut at = 12;
    let mut question = Vec::new();
    for _ in 0..counts[0] {
        let (n, p) = read_name(b, at)?;
        question.push(format!(
            "{} {} class {}",
            fq(&n),
            type_name(u16_at(b, p)?),
            u16_at(b, p + 2)?
        ));
        at = p + 4;
    }
    let mut sections: Vec<Vec<RrSet>> = Vec::new();
    for &count in &counts[1..] {
        let mut sets: Vec<RrSet> = Vec::new();
        for _ in 0..count {
            let (owner, p) = read_name(b, at)?;
            let kind = u16_at(b, p)?;
            let class = u16_at(b, p + 2)?;
            let ttl = b.get(p + 4..p + 8).ok_or("TTL past the end")?;
            let ttl = u32::from_be_bytes([ttl[0], ttl[1], ttl[2], ttl[3]]);
            let len = usize::from(u16_at(b, p + 8)?);
            let data = read_rdata(b, kind, p + 10, len)?;
            at = p + 10 + len;
            let owner = fq(&owner);
            let kind = type_name(kind);
            match sets.last_mut() {
                Some(s) if s.0 == owner && s.1 == kind && s.2 == class => s.3.push((data, ttl)),
                _ => sets.push((owner, kind, class, vec![(data, ttl)])),
            }
        }
        for s in &mut sets {
            s.3.sort();
        }
        sections.push(sets);
    }
    if at != b.len() {
        return Err(format!("{} bytes after the last record", b.len() - at));
    }
    let additional = sections.pop().unwrap_or_default();
    let authority = sections.pop().unwrap_or_default();
    let answer = sections.pop().unwrap_or_default();
    Ok(Reply {
        rcode: (flags & 0xf) as u8,
        flags: flag_text,
        question,
        answer,
        authority,
        additional,
    })
}

// ---------------------------------------------------------------- the corpus

fn rec(name: &str, ttl: u32, data: RecordData) -> Record {
    Record {
        name: name.into(),
        ttl,
        data,
    }
}

fn a(name: &str, ttl: u32, ip: [u8; 4]) -> Record {
    rec(name, ttl, RecordData::A(Ipv4Addr::from(ip)))
}

fn aaaa(name: &str, ttl: u32, ip: &str) -> Record {
    rec(
        name,
        ttl,
        RecordData::Aaaa(ip.parse().expect("an IPv6 address")),
    )
}

fn cname(name: &str, ttl: u32, target: &str) -> Record {
    rec(name, ttl, RecordData::Cname(target.into()))
}

fn zone(origin: &str, ns: &str, ip: [u8; 4], records: Vec<Record>) -> Zone {
    Zone {
        origin: origin.into(),
        ns_name: ns.into(),
        ns_ip: Ipv4Addr::from(ip),
        ns_ttl: 86_400,
        negative_ttl: 300,
        records,
    }
}

/// The seed with its foobar.com records edited.
fn edited(f: impl FnOnce(&mut Vec<Record>)) -> Scenario {
    let mut s = Scenario::default();
    f(&mut s.dns.zones[0].records);
    s
}

fn faulty(mut s: Scenario, fault: Fault) -> Scenario {
    fault.apply(&mut s);
    s
}

/// Hand-written scenarios, each aimed at one behaviour.
fn scenarios() -> Vec<(String, Scenario)> {
    let mut out: Vec<(&str, Scenario)> = vec![
        ("seed", Scenario::default()),
        ("redundant seed", seed::redundant_stack()),
        (
            "fault: DNS records deleted",
            faulty(Scenario::default(), Fault::DnsRecordMissing),
        ),
        (
            "fault: DNS points at a wrong IP",
            faulty(Scenario::default(), Fault::DnsWrongIp),
        ),
        (
            "redundant, DNS records deleted",
            faulty(seed::redundant_stack(), Fault::DnsRecordMissing),
        ),
        (
            "several A records, unsorted, different TTLs",
            edited(|r| {
                r.push(a("foobar.com", 60, [9, 9, 9, 9]));
                r.push(a("foobar.com", 120, [1, 1, 1, 1]));
                r.push(a("www2.foobar.com", 30, [5, 6, 7, 8]));
                r.push(a("www2.foobar.com", 30, [5, 6, 7, 1]));
            }),
        ),
        (
            "a duplicated record",
            edited(|r| r.push(a("foobar.com", 3600, [8, 8, 8, 8]))),
        ),
        (
            "AAAA only, and A with AAAA",
            edited(|r| {
                r.push(aaaa("v6.foobar.com", 300, "2001:db8::1"));
                r.push(aaaa("dual.foobar.com", 300, "2001:db8::2"));
                r.push(a("dual.foobar.com", 300, [192, 0, 2, 7]));
            }),
        ),
        (
            "a CNAME chain inside the zone",
            edited(|r| {
                r.push(cname("a.foobar.com", 60, "b.foobar.com"));
                r.push(cname("b.foobar.com", 70, "c.foobar.com"));
                r.push(cname("c.foobar.com", 80, "foobar.com"));
            }),
        ),
        (
            "CNAME chains of 5, 6 and 7 links",
            edited(|r| {
                for k in 1..=7 {
                    let next = if k == 7 {
                        "foobar.com".to_string()
                    } else {
                        format!("c{}.foobar.com", k + 1)
                    };
                    r.push(cname(&format!("c{k}.foobar.com"), 60, &next));
                }
            }),
        ),
        ("a CNAME leaving the zone (to example.net)", {
            let mut s = edited(|r| {
                r.retain(|x| x.name != "www.foobar.com");
                r.push(cname("www.foobar.com", 60, "cdn.example.net"));
                r.push(cname("img.foobar.com", 60, "missing.example.net"));
            });
            s.dns.zones.push(zone(
                "example.net",
                "ns.example.net",
                [192, 0, 2, 1],
                vec![a("cdn.example.net", 60, [8, 8, 8, 8])],
            ));
            s
        }),
        (
            "a CNAME into an undelegated TLD",
            edited(|r| {
                r.retain(|x| x.name != "www.foobar.com");
                r.push(cname("www.foobar.com", 60, "host.example.xyz"));
            }),
        ),
        (
            "CNAMEs to a missing name and to an AAAA-only name",
            edited(|r| {
                r.retain(|x| x.name != "www.foobar.com");
                r.push(cname("www.foobar.com", 60, "missing.foobar.com"));
                r.push(cname("a.foobar.com", 60, "v6.foobar.com"));
                r.push(aaaa("v6.foobar.com", 60, "2001:db8::6"));
            }),
        ),
        (
            "a CNAME loop and a CNAME to itself",
            edited(|r| {
                r.retain(|x| x.name != "www.foobar.com");
                r.push(cname("www.foobar.com", 60, "a.foobar.com"));
                r.push(cname("a.foobar.com", 60, "b.foobar.com"));
                r.push(cname("b.foobar.com", 60, "a.foobar.com"));
                r.push(cname("c.foobar.com", 60, "c.foobar.com"));
            }),
        ),
        (
            "empty non-terminals",
            edited(|r| {
                r.push(a("a.b.c.foobar.com", 60, [192, 0, 2, 9]));
                r.push(cname("x.sub.foobar.com", 60, "foobar.com"));
            }),
        ),
        (
            "the name server below an empty non-terminal, with records of its own",
            {
                let mut s = edited(|r| r.push(aaaa("ns.dns.foobar.com", 60, "2001:db8::53")));
                s.dns.zones[0].ns_name = "ns.dns.foobar.com".into();
                s
            },
        ),
        ("other TTLs", {
            let mut s = Scenario::default();
            s.dns.tld_ns_ttl = 3_600;
            s.dns.tld_negative_ttl = 60;
            s.dns.zones[0].ns_ttl = 600;
            s.dns.zones[0].negative_ttl = 30;
            s
        }),
        ("zones in .org, .co and .net", {
            let mut s = Scenario::default();
            s.dns.zones.push(zone(
                "foobar.org",
                "ns1.foobar.org",
                [192, 0, 2, 10],
                vec![
                    a("foobar.org", 60, [192, 0, 2, 11]),
                    cname("www.foobar.org", 60, "foobar.org"),
                ],
            ));
            s.dns.zones.push(zone(
                "foobar.co",
                "ns.foobar.co",
                [192, 0, 2, 12],
                vec![cname("www.foobar.co", 60, "www.foobar.com")],
            ));
            s.dns.zones.push(zone(
                "foobar.net",
                "ns.foobar.net",
                [192, 0, 2, 13],
                vec![a("foobar.net", 60, [192, 0, 2, 14])],
            ));
            s
        }),
        ("a second .com zone served by ns1.foobar.com", {
            let mut s = Scenario::default();
            s.dns.zones.push(zone(
                "example.com",
                "ns1.foobar.com",
                [8, 8, 4, 4],
                vec![a("www.example.com", 60, [192, 0, 2, 20])],
            ));
            s
        }),
        (
            "a .com zone whose name server is in an undelegated .com name",
            {
                let mut s = Scenario::default();
                s.dns.zones.push(zone(
                    "example.com",
                    "ns.other.com",
                    [192, 0, 2, 21],
                    vec![a("www.example.com", 60, [192, 0, 2, 22])],
                ));
                s
            },
        ),
        (
            "a .org zone whose name server is in .com (no glue possible)",
            {
                let mut s = Scenario::default();
                s.dns.zones.push(zone(
                    "foobar.org",
                    "ns1.foobar.com",
                    [8, 8, 4, 4],
                    vec![a("foobar.org", 60, [192, 0, 2, 23])],
                ));
                s
            },
        ),
        ("only .com is delegated", {
            let mut s = Scenario::default();
            s.dns.tlds = vec!["com".into()];
            s
        }),
        ("more TLDs (.io, .dev)", {
            let mut s = Scenario::default();
            s.dns.tlds.push("io".into());
            s.dns.tlds.push("dev".into());
            s.dns.zones.push(zone(
                "foobar.io",
                "ns.foobar.io",
                [192, 0, 2, 30],
                vec![a("foobar.io", 60, [192, 0, 2, 31])],
            ));
            s
        }),
        ("a zone nested in another zone", {
            let mut s = Scenario::default();
            s.dns.zones.push(zone(
                "sub.foobar.com",
                "ns.sub.foobar.com",
                [192, 0, 2, 40],
                vec![a("x.sub.foobar.com", 60, [192, 0, 2, 41])],
            ));
            s
        }),
        (
            "names with upper-case letters",
            edited(|r| {
                r.push(a("Mixed.foobar.com", 60, [192, 0, 2, 50]));
                r.push(cname("alias.foobar.com", 60, "Mixed.FOOBAR.com"));
            }),
        ),
        (
            "names with underscores and digits",
            edited(|r| {
                r.push(a("_srv.foobar.com", 60, [192, 0, 2, 51]));
                r.push(a("1.2.foobar.com", 60, [192, 0, 2, 52]));
            }),
        ),
    ];
    let mut all: Vec<(String, Scenario)> = out.drain(..).map(|(n, s)| (n.to_string(), s)).collect();
    all.extend(generated());
    all
}

/// Zones made from a small pool of names and kinds by a fixed pseudo-random
/// sequence (SplitMix64), so every run checks the same few dozen zones.
fn generated() -> Vec<(String, Scenario)> {
    let names = [
        "foobar.com",
        "www.foobar.com",
        "a.foobar.com",
        "b.a.foobar.com",
        "mail.foobar.com",
        "x.y.foobar.com",
        "ns1.foobar.com",
        "v6.foobar.com",
    ];
    let targets = [
        "foobar.com",
        "www.foobar.com",
        "a.foobar.com",
        "b.a.foobar.com",
        "y.foobar.com",
        "nothing.foobar.com",
        "cdn.example.net",
        "foobar.org",
        "gone.example.xyz",
    ];
    let mut state: u64 = 0x5eed_d115;
    let mut next = move |n: usize| -> usize {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    let mut out = Vec::new();
    let mut k = 0;
    while out.len() < 30 && k < 500 {
        k += 1;
        let mut records = Vec::new();
        for _ in 0..1 + next(6) {
            let name = names[next(names.len())];
            let ttl = [30, 60, 300, 3600][next(4)];
            let r = match next(5) {
                0 | 1 => a(name, ttl, [192, 0, 2, next(250) as u8 + 1]),
                2 => aaaa(name, ttl, &format!("2001:db8::{:x}", next(4000) + 1)),
                _ => cname(name, ttl, targets[next(targets.len())]),
            };
            records.push(r);
        }
        let mut s = Scenario::default();
        s.dns.zones[0].records = records;
        s.dns.zones[0].negative_ttl = [30, 300, 900][next(3)];
        s.dns.zones.push(zone(
            "example.net",
            "ns.example.net",
            [192, 0, 2, 1],
            vec![a("cdn.example.net", 60, [192, 0, 2, 2])],
        ));
        s.dns.zones.push(zone(
            "foobar.org",
            "ns1.foobar.org",
            [192, 0, 2, 3],
            vec![a("foobar.org", 60, [192, 0, 2, 4])],
        ));
        // Only the zones the model accepts (no CNAME beside other data, ...),
        // and no CNAME at the name server's own name: the model accepts it
        // (validate.rs does not look at ns_name) but no zone file can hold
        // it beside the name server's address (RFC 1034 §3.6.2, RFC 2181
        // §10.3), and Knot refuses such a zone.
        let ns_alias = s.dns.zones[0]
            .records
            .iter()
            .any(|r| r.name == "ns1.foobar.com" && matches!(r.data, RecordData::Cname(_)));
        if !ns_alias && Simulator::new(s.clone()).is_ok() {
            out.push((format!("generated zone {}", out.len() + 1), s));
        }
    }
    out
}

/// Addresses typed into the simulated browser, on every scenario.
const INPUTS: [&str; 44] = [
    "http://www.foobar.com/",
    "foobar.com",
    "http://WWW.FooBar.COM/",
    "http://ns1.foobar.com/",
    "http://com/",
    "http://net/",
    "http://org/",
    "http://co/",
    "http://nope.foobar.com/",
    "http://x.www.foobar.com/",
    "http://deep.under.foobar.com/",
    "http://a.foobar.com/",
    "http://b.foobar.com/",
    "http://c.foobar.com/",
    "http://b.c.foobar.com/",
    "http://a.b.c.foobar.com/",
    "http://y.foobar.com/",
    "http://x.y.foobar.com/",
    "http://b.a.foobar.com/",
    "http://mail.foobar.com/",
    "http://v6.foobar.com/",
    "http://dual.foobar.com/",
    "http://www2.foobar.com/",
    "http://img.foobar.com/",
    "http://c1.foobar.com/",
    "http://c2.foobar.com/",
    "http://c3.foobar.com/",
    "http://mixed.foobar.com/",
    "http://alias.foobar.com/",
    "http://_srv.foobar.com/",
    "http://1.2.foobar.com/",
    "http://dns.foobar.com/",
    "http://ns.dns.foobar.com/",
    "http://sub.foobar.com/",
    "http://x.sub.foobar.com/",
    "http://www.example.com/",
    "http://cdn.example.net/",
    "http://foobar.net/",
    "http://www.foobar.org/",
    "http://www.foobar.co/",
    "http://foobar.io/",
    "http://example.xyz/",
    "http://a.gtld-servers.net/",
    "http://a.nic.org/",
];

// ---------------------------------------------------------------- the check

/// The zone a query step is addressed to, from its title ("Ask the root
/// server …", "Ask the .com server …", "Ask the foobar.com name server …").
fn server_zone(title: &str) -> Option<(Component, String)> {
    let rest = title.strip_prefix("Ask the ")?;
    if rest.starts_with("root server ") {
        return Some((Component::RootDns, String::new()));
    }
    if let Some(tld) = rest.strip_prefix('.') {
        let tld = tld.split(' ').next()?;
        return Some((Component::TldDns, tld.to_string()));
    }
    let zone = rest.split(" name server ").next()?;
    Some((Component::AuthDns, zone.to_string()))
}

/// The zone file of the server for `zone` in this scenario.
fn file_for(dns: &Dns, component: Component, zone: &str) -> Option<String> {
    match component {
        Component::RootDns => Some(root_file(dns)),
        Component::TldDns => Some(tld_file(dns, zone)),
        _ => dns.zones.iter().find(|z| z.origin == zone).map(zone_file),
    }
}

pub fn run() -> Result<Report, String> {
    let knotd: PathBuf = find_program(&["knotd"])?;
    let sock = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(|e| e.to_string())?;
    let mut answers = Report::new("dns: knot answers (rcode, flags, RRsets)");
    let mut bytes = Report::new("dns: identical bytes");
    let mut loads = Report::new("dns: zone files load without complaint");
    // One knotd per distinct zone file, kept while consecutive scenarios
    // share it (with the index of the last scenario that asked it).
    let mut servers: BTreeMap<String, (Knot, usize)> = BTreeMap::new();
    let mut started = 0;
    for (n, (label, scenario)) in scenarios().into_iter().enumerate() {
        // Stop the servers the previous scenario did not use.
        servers.retain(|_, (_, last)| n == 0 || *last + 1 >= n);
        let dns = scenario.dns.clone();
        let mut sim =
            Simulator::new(scenario).map_err(|e| format!("scenario \"{label}\": {e:?}"))?;
        for (i, input) in INPUTS.iter().enumerate() {
            sim.flush_dns_cache();
            let trace = sim.request(input, i as u64 * 1_000_000);
            for (k, step) in trace.steps.iter().enumerate() {
                let Payload::Dns(query) = &step.payload else {
                    continue;
                };
                if step.from != Component::Resolver
                    || !matches!(
                        step.to,
                        Component::RootDns | Component::TldDns | Component::AuthDns
                    )
                {
                    continue;
                }
                let case = format!("[{label}] {input}: {}", step.title);
                let Some((component, zone)) = server_zone(&step.title) else {
                    answers.case(Some(format!("{case}: which server is this?")));
                    continue;
                };
                let Some(file) = file_for(&dns, component, &zone) else {
                    answers.case(Some(format!("{case}: no zone {zone} in the scenario")));
                    continue;
                };
                if !servers.contains_key(&file) {
                    let k = start_knot(&knotd, &zone, &file)?;
                    let complaint = (!k.complaints.is_empty()).then(|| {
                        format!(
                            "[{label}] zone {}:\n{file}      {}",
                            fq(&zone),
                            k.complaints.join("\n      ")
                        )
                    });
                    loads.case(complaint);
                    started += 1;
                    servers.insert(file.clone(), (k, n));
                }
                let port = match servers.get_mut(&file) {
                    Some((k, last)) => {
                        *last = n;
                        k.port
                    }
                    None => continue,
                };
                let real = ask(&sock, port, &query.bytes)?;
                let model = match trace.steps.get(k + 1).map(|s| (&s.payload, s.from)) {
                    Some((Payload::Dns(m), from)) if from == step.to => m.bytes.clone(),
                    _ => {
                        answers.case(Some(format!("{case}: the model gives no reply")));
                        continue;
                    }
                };
                match (parse(&model), parse(&real)) {
                    (Ok(m), Ok(r)) => answers.compare(&case, m, r),
                    (m, r) => answers.case(Some(format!(
                        "{case}: unreadable reply\n      model: {m:?}\n      real:  {r:?}"
                    ))),
                }
                let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
                bytes.compare(&case, hex(&model), hex(&real));
            }
        }
    }
    drop(servers);
    eprintln!("    {started} knotd instances started, each stopped by its pid");
    answers.sub(bytes);
    answers.sub(loads);
    Ok(answers)
}
