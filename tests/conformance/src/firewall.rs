//! The firewall model against the Linux kernel's own nftables.
//!
//! Two network namespaces joined by a veth pair stand for the internet and
//! a machine: the machine's namespace holds 8.8.8.8, listens on 22, 80, 443
//! and 3306 (not on 8000 or 8080), and loads each rule set with Debian's
//! `nft -f`; the other holds every source address (the learner, the admin
//! network, the balancer, the web servers, the replica, a stranger) and
//! connects to every port at once (`fw_probe.py`). Compared per case: what
//! the model says a client sees (open, refused, timeout) against what the
//! kernel did; and for every rule set, that `nft -c` accepts what the model
//! accepts. The rule sets are the secured design's defaults and generated
//! ones (every match and verdict the model reads, in varied orders).

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use stackscope_core::firewall::{self, Seen};

use crate::proc::{find_program, TempDir};
use crate::report::Report;

const TARGET: &str = "8.8.8.8";
const LISTENING: [u16; 4] = [22, 80, 443, 3306];
const PORTS: [u16; 6] = [22, 80, 443, 3306, 8000, 8080];
const SOURCES: [[u8; 4]; 8] = [
    [198, 51, 100, 23],
    [192, 0, 2, 10],
    [192, 0, 2, 200],
    [10, 0, 0, 2],
    [10, 0, 0, 11],
    [10, 0, 0, 12],
    [10, 0, 0, 22],
    [203, 0, 113, 5],
];

/// Two namespaces and the veth between them; deleted on drop.
struct Netns {
    ip: PathBuf,
    client: String,
    server: String,
    listener: Option<Child>,
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Some(mut l) = self.listener.take() {
            let _ = l.kill();
            let _ = l.wait();
        }
        for ns in [&self.client, &self.server] {
            let _ = Command::new(&self.ip).args(["netns", "del", ns]).status();
        }
    }
}

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    if !out.status.success() {
        return Err(format!(
            "{:?} {:?} failed: {}",
            cmd.get_program(),
            cmd.get_args().collect::<Vec<_>>(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Netns {
    fn new(ip: &Path, python: &Path, listen: &Path) -> Result<Self, String> {
        let tag = std::process::id();
        let mut n = Netns {
            ip: ip.to_path_buf(),
            client: format!("stackscope-fw-c-{tag}"),
            server: format!("stackscope-fw-s-{tag}"),
            listener: None,
        };
        let ipc = |args: &[&str]| run(Command::new(ip).args(args));
        ipc(&["netns", "add", &n.client])?;
        ipc(&["netns", "add", &n.server])?;
        ipc(&[
            "link", "add", "vc", "netns", &n.client, "type", "veth", "peer", "name", "vs", "netns",
            &n.server,
        ])?;
        for (ns, dev) in [(&n.client, "vc"), (&n.server, "vs")] {
            ipc(&["-n", ns, "link", "set", "lo", "up"])?;
            ipc(&["-n", ns, "link", "set", dev, "up"])?;
            ipc(&["-n", ns, "route", "add", "default", "dev", dev])?;
        }
        ipc(&[
            "-n",
            &n.server,
            "addr",
            "add",
            &format!("{TARGET}/32"),
            "dev",
            "vs",
        ])?;
        // Every probe connects at once: the kernel would rate-limit the ICMP
        // port-unreachables of `reject` (1 per second per source, and 1000/s
        // in all), and a throttled probe would wait for its SYN's resend. One
        // browser's one connection gets its answer at once.
        for knob in [
            "net.ipv4.icmp_ratelimit=0",
            "net.ipv4.icmp_msgs_per_sec=100000",
            "net.ipv4.icmp_msgs_burst=100000",
        ] {
            run(Command::new(ip).args(["netns", "exec", &n.server, "sysctl", "-q", "-w", knob]))?;
        }
        for s in SOURCES {
            ipc(&[
                "-n",
                &n.client,
                "addr",
                "add",
                &format!("{}/32", Ipv4Addr::from(s)),
                "dev",
                "vc",
            ])?;
        }
        let mut child = Command::new(ip)
            .args(["netns", "exec", &n.server])
            .arg(python)
            .arg(listen)
            .args(LISTENING.map(|p| p.to_string()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the listener: {e}"))?;
        let mut first = [0u8; 9];
        if let Some(out) = child.stdout.as_mut() {
            use std::io::Read;
            let _ = out.read_exact(&mut first);
        }
        n.listener = Some(child);
        if &first != b"listening" {
            return Err("the listener in the server namespace did not start".into());
        }
        Ok(n)
    }
}

fn expected(seen: Seen) -> &'static str {
    match seen {
        Seen::Open => "open",
        Seen::Refused => "refused",
        Seen::TimedOut => "timeout",
        Seen::Reset => "reset",
        Seen::Hangs => "hangs",
    }
}

/// Rule sets generated from a seed: every kind of match and verdict.
fn generated() -> Vec<String> {
    let mut rng = stackscope_core::rng::Rng::new(0x0000_f14e_3a11);
    let srcs = [
        "198.51.100.23",
        "192.0.2.0/24",
        "10.0.0.0/24",
        "10.0.0.11",
        "{ 10.0.0.11, 10.0.0.12 }",
        "203.0.113.0/25",
        "0.0.0.0/0",
        "{ 192.0.2.10, 10.0.0.2/32 }",
    ];
    let ports = [
        "22",
        "ssh",
        "{ 80, 443 }",
        "3306",
        "mysql",
        "8000-8080",
        "{ http, https, 3306 }",
        "1-1024",
        "443",
    ];
    let verdicts = ["accept", "drop", "reject", "reject with tcp reset"];
    let mut out = Vec::new();
    for _ in 0..24 {
        let policy = if rng.below(2) == 0 { "drop" } else { "accept" };
        let mut body = String::new();
        if rng.below(2) == 0 {
            body.push_str("        iif \"lo\" accept\n");
        }
        if rng.below(2) == 0 {
            body.push_str("        ct state established,related accept\n");
        }
        for _ in 0..(1 + rng.below(5)) {
            let mut r = String::from("        ");
            match rng.below(4) {
                0 => r.push_str(&format!(
                    "ip saddr {} ",
                    srcs[rng.below(srcs.len() as u64) as usize]
                )),
                1 => r.push_str(&format!(
                    "tcp dport {} ",
                    ports[rng.below(ports.len() as u64) as usize]
                )),
                2 => r.push_str(&format!(
                    "ip saddr {} tcp dport {} ",
                    srcs[rng.below(srcs.len() as u64) as usize],
                    ports[rng.below(ports.len() as u64) as usize]
                )),
                _ => r.push_str(&format!(
                    "tcp dport {} ct state new counter ",
                    ports[rng.below(ports.len() as u64) as usize]
                )),
            }
            r.push_str(verdicts[rng.below(verdicts.len() as u64) as usize]);
            r.push('\n');
            body.push_str(&r);
        }
        out.push(format!(
            "table inet filter {{\n    chain input {{\n        type filter hook input priority filter; policy {policy};\n{body}    }}\n}}\n"
        ));
    }
    out
}

pub fn run_check() -> Result<Report, String> {
    let nft = find_program(&["nft"])?;
    let ip = find_program(&["ip"])?;
    let python = PathBuf::from("/usr/bin/python3");
    let dir = TempDir::new("fw")?;
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let ns = Netns::new(&ip, &python, &here.join("fw_listen.py"))?;
    let mut report = Report::new("firewall: what a client sees vs the kernel's nftables");
    let mut syntax = Report::new("firewall: rules the model reads vs nft -c");
    let lb = Ipv4Addr::new(10, 0, 0, 2);
    let webs = [Ipv4Addr::new(10, 0, 0, 11), Ipv4Addr::new(10, 0, 0, 12)];
    let mut sets = vec![
        ("balancer default".to_string(), firewall::balancer_rules()),
        ("web server default".to_string(), firewall::web_rules(lb)),
        (
            "web server behind a balancer pair".to_string(),
            firewall::web_rules_from(&[
                lb,
                stackscope_core::scenario::LbPair::standard().inside_ip,
            ]),
        ),
        (
            "primary database default".to_string(),
            firewall::db_rules(&[webs[0], webs[1], Ipv4Addr::new(10, 0, 0, 22)]),
        ),
    ];
    sets.extend(
        generated()
            .into_iter()
            .enumerate()
            .map(|(i, t)| (format!("generated {i}"), t)),
    );
    for (label, text) in &sets {
        let rules = match firewall::parse(text) {
            Ok(r) => r,
            Err(e) => {
                syntax.case(Some(format!(
                    "{label}: the model refuses its own rules: {e}\n{text}"
                )));
                continue;
            }
        };
        let file = dir.join("rules.nft");
        std::fs::write(&file, format!("flush ruleset\n{text}")).map_err(|e| e.to_string())?;
        let check = Command::new(&ip)
            .args(["netns", "exec", &ns.server])
            .arg(&nft)
            .arg("-c")
            .arg("-f")
            .arg(&file)
            .output();
        let nft_ok = check.as_ref().is_ok_and(|o| o.status.success());
        syntax.case((!nft_ok).then(|| {
            format!(
                "{label}: the model reads it, nft -c refuses it: {:?}\n{text}",
                check.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            )
        }));
        if !nft_ok {
            continue;
        }
        run(Command::new(&ip)
            .args(["netns", "exec", &ns.server])
            .arg(&nft)
            .arg("-f")
            .arg(&file))?;
        let mut cases = Vec::new();
        for s in SOURCES {
            for p in PORTS {
                cases.push((Ipv4Addr::from(s), p));
            }
        }
        let json: Vec<String> = cases
            .iter()
            .map(|(s, p)| format!("[\"{s}\", \"{TARGET}\", {p}]"))
            .collect();
        let cases_file = dir.join("cases.json");
        std::fs::write(&cases_file, format!("[{}]", json.join(","))).map_err(|e| e.to_string())?;
        let out = run(Command::new(&ip)
            .args(["netns", "exec", &ns.client])
            .arg(&python)
            .arg(here.join("fw_probe.py"))
            .arg(&cases_file)
            .arg("0.6"))?;
        let seen: Vec<String> =
            serde_json::from_str(out.trim()).map_err(|e| format!("probe output: {e}: {out}"))?;
        for ((src, port), real) in cases.iter().zip(seen) {
            let d = rules.decide(*src, *port);
            let model = expected(rules.seen(*src, *port, LISTENING.contains(port)));
            let shown = if model != real {
                format!("{label}: {src} → {TARGET}:{port} ({})\n{text}", d.because())
            } else {
                String::new()
            };
            // A reset right after the handshake (the last ACK rejected)
            // lands microseconds after the SYN-ACK: the probe may read it
            // as the connect's own error. Both are "refused at once".
            let real = if model == "reset" && real == "refused" {
                "reset".to_string()
            } else {
                real
            };
            report.compare(&shown, model.to_string(), real);
        }
    }
    // What the model refuses, nft refuses too where the model says the text
    // is not nft (a missing verdict's set, a bad address or port).
    for bad in [
        "table inet filter { chain input { type filter hook input priority 0; policy drop;\n tcp dport 70000 accept\n } }",
        "table inet filter { chain input { type filter hook input priority 0; policy drop;\n ip saddr 10.0.0.300 accept\n } }",
        "table inet filter { chain input { type filter hook input priority 0; policy maybe;\n } }",
    ] {
        let file = dir.join("bad.nft");
        std::fs::write(&file, bad).map_err(|e| e.to_string())?;
        let nft_ok = Command::new(&ip).args(["netns", "exec", &ns.server]).arg(&nft).arg("-c").arg("-f").arg(&file).output().is_ok_and(|o| o.status.success());
        let model_ok = firewall::parse(bad).is_ok();
        syntax.compare(&format!("refused text: {bad}"), model_ok, nft_ok);
    }
    report.sub(syntax);
    Ok(report)
}
