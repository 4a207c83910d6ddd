//! The balancer pair's VRRP adverts against tcpdump.
//!
//! The trace shows each advert as a line: what it says, then its bytes. The
//! bytes of every line (from real failovers in the scaled-up design, and
//! from adverts of many priorities, intervals and addresses) go into a
//! capture file that Debian's tcpdump reads with `-v`. tcpdump must print
//! the same words the line gives, see TTL 255 and protocol 112 in the IP
//! header, and find both checksums right (with `-v` it says "bad cksum" of
//! a wrong IP header sum and "bad vrrp cksum" of a wrong VRRPv3 sum, which
//! it checks over the IPv4 pseudo-header as RFC 5798 §5.2.8 asks).

use std::net::Ipv4Addr;
use std::process::Command;

use stackscope_core::net::vrrp::Advert;
use stackscope_core::seed::Design;
use stackscope_core::{Change, Payload, Simulator};

use crate::proc::{find_program, TempDir};
use crate::report::Report;

pub fn run() -> Result<Report, String> {
    let tcpdump = find_program(&["tcpdump"])?;
    let mut report = Report::new("vrrp: adverts' words and sums vs tcpdump");
    let lines = cases()?;
    let mut packets = Vec::new();
    for l in &lines {
        packets.push(bytes_of(l).ok_or_else(|| format!("no bytes in {l}"))?);
    }
    let dir = TempDir::new("vrrp")?;
    let file = dir.join("adverts.pcap");
    std::fs::write(&file, pcap(&packets)).map_err(|e| e.to_string())?;
    let out = Command::new(&tcpdump)
        .args(["-nn", "-v", "-r"])
        .arg(&file)
        .output()
        .map_err(|e| format!("tcpdump: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tcpdump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // Two lines a packet: the IP header, then the VRRP message.
    let printed: Vec<&str> = text.lines().collect();
    if printed.len() != 2 * lines.len() {
        return Err(format!(
            "tcpdump printed {} lines for {} packets:\n{text}",
            printed.len(),
            lines.len()
        ));
    }
    for (i, l) in lines.iter().enumerate() {
        let (ip, vrrp) = (printed[2 * i], printed[2 * i + 1].trim());
        let header_ok = ip.contains("ttl 255,")
            && ip.contains("proto VRRP (112), length 32)")
            && !ip.contains("bad cksum");
        report.compare(
            &format!("advert {i}: {l}"),
            (true, words_of(l)),
            (header_ok, Some(vrrp.to_string())),
        );
    }
    Ok(report)
}

/// The lines to check: the adverts of real failovers, then a spread of
/// senders, priorities and intervals.
fn cases() -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (off_at, at) in [(5_400_000, 6_000_000), (1_000_000, 2_500_000)] {
        let mut sim = Simulator::new(Design::ScaledUp.stack()).map_err(|e| e.to_string())?;
        sim.apply(Change::LbPower(false), off_at);
        let t = sim.request("https://www.foobar.com/", at);
        let step = t
            .steps
            .iter()
            .find(|s| s.title.contains("is changing hands"))
            .ok_or("the failover's trace has no changing-hands step")?;
        let Payload::Tcp { segments } = &step.payload else {
            return Err("the changing-hands step carries no segments".into());
        };
        let adverts: Vec<String> = segments
            .iter()
            .filter(|l| l.contains(" VRRPv3 "))
            .cloned()
            .collect();
        if adverts.len() != 2 {
            return Err(format!("expected two adverts, got {adverts:?}"));
        }
        out.extend(adverts);
    }
    let mut seed = 0x5eed_u64;
    for i in 0..60u32 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (seed >> 16).to_be_bytes();
        let a = Advert {
            host: "lb",
            src: Ipv4Addr::new(10, r[0], r[1], r[2].max(1)),
            priority: (r[3] % 254).max(1),
        };
        let vip = Ipv4Addr::new(r[4].clamp(1, 223), r[5], r[6], r[7].max(1));
        let interval_us = [10_000, 100_000, 1_000_000, 3_000_000, 40_950_000][(i % 5) as usize];
        out.push(a.line(vip, interval_us, "a case"));
    }
    Ok(out)
}

/// The bytes at the end of a line (`…; bytes 45 00 …`).
fn bytes_of(line: &str) -> Option<Vec<u8>> {
    let hex = line.rsplit_once("; bytes ")?.1;
    hex.split(' ')
        .map(|b| u8::from_str_radix(b, 16).ok())
        .collect()
}

/// What the line says, in tcpdump's words: `src > group: VRRPv3,
/// Advertisement, vrid …, prio …, intvl …cs, length 12, addrs: …`.
fn words_of(line: &str) -> Option<String> {
    let rest = line.split_once(" → ").map(|(head, rest)| {
        let src = head.rsplit(' ').next().unwrap_or(head);
        (src, rest)
    })?;
    let (src, rest) = rest;
    let (group, rest) = rest.split_once(" VRRPv3 Advertisement, ")?;
    let (fields, _) = rest.split_once(" (")?;
    let (before, addrs) = fields.split_once(", addrs: ")?;
    Some(format!(
        "{src} > {group}: VRRPv3, Advertisement, {before}, length 12, addrs: {addrs}"
    ))
}

/// A capture file (libpcap's format, link type 101: raw IP) of these packets.
fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4_u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&65_535u32.to_le_bytes());
    out.extend_from_slice(&101u32.to_le_bytes());
    for (i, p) in packets.iter().enumerate() {
        out.extend_from_slice(&(i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(p);
    }
    out
}
