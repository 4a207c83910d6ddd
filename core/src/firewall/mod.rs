//! Host firewalls: each machine's input rules in nftables syntax (a subset),
//! read and evaluated for a new TCP connection.
//!
//! A rule set is one `table … { chain input { type filter hook input
//! priority …; policy accept|drop; rules } }`, the shape of Debian's
//! `/etc/nftables.conf`. A rule is a sequence of matches and one verdict,
//! evaluated in order, the first verdict deciding, else the chain's policy
//! (nft(8), "CHAINS" and "VERDICT STATEMENT"). Matches read here:
//! `ip saddr` (an address, a prefix or a `{ set }`), `tcp dport` (a port, a
//! range `a-b`, a service name or a `{ set }`), `iif`/`iifname "lo"` (never
//! true for a packet from another machine), `ct state` (a new connection's
//! first SYN is `new`), and `counter` (counts, decides nothing). Verdicts:
//! `accept`, `drop` (the SYN vanishes: the client times out) and `reject`
//! (an ICMP port-unreachable, or `with tcp reset` a RST: the client is
//! refused at once). Anything else is refused with a message saying what
//! is read. The conformance suite loads the same text into a real kernel
//! with `nft -f` and connects through it.

pub mod view;

use std::net::Ipv4Addr;

/// What a rule (or the policy) does with the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    Accept,
    Drop,
    /// ICMP port-unreachable, or a TCP reset (`with tcp reset`).
    Reject {
        tcp_reset: bool,
    },
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Drop => "drop",
            Verdict::Reject { tcp_reset: false } => "reject",
            Verdict::Reject { tcp_reset: true } => "reject with tcp reset",
        }
    }
}

/// An IPv4 prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    pub addr: Ipv4Addr,
    pub len: u8,
}

impl Net {
    pub fn contains(self, ip: Ipv4Addr) -> bool {
        let mask = if self.len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.len))
        };
        u32::from(ip) & mask == u32::from(self.addr) & mask
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Line number in the text (1-based), for messages.
    pub line: usize,
    /// The rule as written.
    pub text: String,
    pub saddr: Option<Vec<Net>>,
    pub dport: Option<Vec<(u16, u16)>>,
    /// `iif "lo"`: only traffic from the machine itself.
    pub loopback_only: bool,
    /// `ct state …`: whether the listed states hold `new` (a connection's
    /// first SYN) and `established` (every later packet).
    pub ct: Option<(bool, bool)>,
    pub verdict: Option<Verdict>,
}

impl Rule {
    fn matches(&self, src: Ipv4Addr, dport: u16, first: bool) -> bool {
        !self.loopback_only
            && self
                .ct
                .is_none_or(|(new, est)| if first { new } else { est })
            && self
                .saddr
                .as_ref()
                .is_none_or(|s| s.iter().any(|n| n.contains(src)))
            && self
                .dport
                .as_ref()
                .is_none_or(|p| p.iter().any(|(a, b)| (*a..=*b).contains(&dport)))
    }
}

/// A machine's input chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruleset {
    pub policy: Verdict,
    pub rules: Vec<Rule>,
}

/// What the firewall did with a new TCP connection, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The rule that decided (its line and text), or `None`: the policy.
    pub rule: Option<(usize, String)>,
}

impl Decision {
    /// "rule 5 (`tcp dport { 80, 443 } accept`)" or "the chain's policy (drop)".
    pub fn because(&self) -> String {
        match &self.rule {
            Some((line, text)) => format!("line {line}, `{text}`"),
            None => format!(
                "the chain's policy ({}): no rule matched",
                self.verdict.text()
            ),
        }
    }
}

/// What a client sees when it connects through a firewall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Seen {
    /// Connected (a program listens, and the firewall lets it through).
    Open,
    /// Refused at once: a reject, or a reset because nothing listens.
    Refused,
    /// The SYN vanished: no answer, the client gives up after its timeout.
    TimedOut,
    /// Connected, then reset: the firewall let the SYN in but rejects the
    /// packets after it (no `ct state established` rule before the reject).
    Reset,
    /// Connected, then silence: the packets after the SYN are dropped.
    Hangs,
}

/// A connection the firewall stopped ([`Ruleset::blocked`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub seen: Seen,
    /// The decision on the SYN.
    pub first: Decision,
    /// The decision on the packets after it.
    pub after: Decision,
}

impl Ruleset {
    /// The verdict for a new TCP connection from `src` to port `dport` (its SYN).
    pub fn decide(&self, src: Ipv4Addr, dport: u16) -> Decision {
        self.decide_packet(src, dport, true)
    }

    /// The verdict for the packets after the SYN of an accepted connection.
    pub fn decide_established(&self, src: Ipv4Addr, dport: u16) -> Decision {
        self.decide_packet(src, dport, false)
    }

    /// What a client connecting from `src` to `dport` sees, when a program
    /// listens there (`listening`) or not.
    pub fn seen(&self, src: Ipv4Addr, dport: u16, listening: bool) -> Seen {
        match self.decide(src, dport).verdict {
            Verdict::Drop => Seen::TimedOut,
            Verdict::Reject { .. } => Seen::Refused,
            Verdict::Accept if !listening => Seen::Refused,
            Verdict::Accept => match self.decide_established(src, dport).verdict {
                Verdict::Accept => Seen::Open,
                Verdict::Reject { .. } => Seen::Reset,
                Verdict::Drop => Seen::Hangs,
            },
        }
    }

    /// The firewall itself stopping a connection (a drop, a reject, or
    /// the packets after an accepted SYN), as opposed to nothing listening:
    /// what the client sees, and the two decisions behind it. `None` when
    /// the firewall lets the connection through.
    pub fn blocked(&self, src: Ipv4Addr, dport: u16, listening: bool) -> Option<Blocked> {
        let first = self.decide(src, dport);
        let seen = self.seen(src, dport, listening);
        let by_firewall = matches!(seen, Seen::TimedOut | Seen::Reset | Seen::Hangs)
            || (seen == Seen::Refused && matches!(first.verdict, Verdict::Reject { .. }));
        by_firewall.then(|| Blocked {
            seen,
            first,
            after: self.decide_established(src, dport),
        })
    }

    fn decide_packet(&self, src: Ipv4Addr, dport: u16, first: bool) -> Decision {
        for r in &self.rules {
            if let Some(v) = r.verdict {
                if r.matches(src, dport, first) {
                    return Decision {
                        verdict: v,
                        rule: Some((r.line, r.text.clone())),
                    };
                }
            }
        }
        Decision {
            verdict: self.policy,
            rule: None,
        }
    }
}

/// Service names nft reads from `/etc/services` that these rules use.
fn service(name: &str) -> Option<u16> {
    Some(match name {
        "ssh" => 22,
        "smtp" => 25,
        "domain" => 53,
        "http" => 80,
        "https" => 443,
        "mysql" => 3306,
        _ => return None,
    })
}

fn port(t: &str, line: usize) -> Result<(u16, u16), String> {
    let one = |p: &str| -> Result<u16, String> {
        match p.parse::<u32>() {
            Ok(n) if n <= 65_535 => Ok(n as u16),
            Ok(n) => Err(format!("line {line}: port {n} is above 65535.")),
            Err(_) => service(p).ok_or_else(|| {
                format!("line {line}: \"{}\" is not a port number or a service name this simulation knows (ssh, http, https, mysql).", crate::text::clip(p, 20))
            }),
        }
    };
    match t.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            if a > b {
                return Err(format!("line {line}: the range {a}-{b} runs backwards."));
            }
            Ok((a, b))
        }
        None => one(t).map(|p| (p, p)),
    }
}

fn net(t: &str, line: usize) -> Result<Net, String> {
    let bad = || {
        format!(
            "line {line}: \"{}\" is not an IPv4 address or prefix (such as 192.0.2.0/24).",
            crate::text::clip(t, 24)
        )
    };
    let (a, len) = match t.split_once('/') {
        Some((a, l)) => (
            a,
            l.parse::<u8>().ok().filter(|l| *l <= 32).ok_or_else(bad)?,
        ),
        None => (t, 32),
    };
    let addr: Ipv4Addr = a.parse().map_err(|_| bad())?;
    Ok(Net { addr, len })
}

/// Splits text into tokens: words, `{`, `}`, `;`, `,` and quoted strings;
/// `#` starts a comment to the end of the line. Each token keeps its line.
fn tokens(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("");
        let mut cur = String::new();
        let mut quoted = false;
        for c in line.chars() {
            if quoted {
                cur.push(c);
                if c == '"' {
                    quoted = false;
                    out.push((i + 1, std::mem::take(&mut cur)));
                }
                continue;
            }
            match c {
                '"' => {
                    if !cur.is_empty() {
                        out.push((i + 1, std::mem::take(&mut cur)));
                    }
                    quoted = true;
                    cur.push(c);
                }
                '{' | '}' | ';' | ',' => {
                    if !cur.is_empty() {
                        out.push((i + 1, std::mem::take(&mut cur)));
                    }
                    out.push((i + 1, c.to_string()));
                }
                c if c.is_whitespace() => {
                    if !cur.is_empty() {
                        out.push((i + 1, std::mem::take(&mut cur)));
                    }
                }
                c => cur.push(c),
            }
        }
        if !cur.is_empty() {
            out.push((i + 1, cur));
        }
        // A line ends a rule, as in nft's own syntax.
        out.push((i + 1, "\n".into()));
    }
    out
}

/// The most rules a chain may hold here.
pub const MAX_RULES: usize = 200;
/// The longest rule set text accepted.
pub const MAX_TEXT: usize = 16_000;

struct Parser {
    toks: Vec<(usize, String)>,
    at: usize,
}

impl Parser {
    fn skip_newlines(&mut self) {
        while self.peek() == Some("\n") {
            self.at += 1;
        }
    }
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.at).map(|(_, t)| t.as_str())
    }
    fn line(&self) -> usize {
        self.toks
            .get(self.at)
            .or(self.toks.last())
            .map_or(1, |(l, _)| *l)
    }
    fn next(&mut self) -> Option<String> {
        let t = self.toks.get(self.at).map(|(_, t)| t.clone());
        self.at += 1;
        t
    }
    fn expect(&mut self, want: &str, what: &str) -> Result<(), String> {
        self.skip_newlines();
        let line = self.line();
        match self.next() {
            Some(t) if t == want => Ok(()),
            Some(t) => Err(format!(
                "line {line}: expected {what}, found \"{}\".",
                crate::text::clip(&t, 20)
            )),
            None => Err(format!("The rules end where {what} was expected.")),
        }
    }
    /// A value or a `{ a, b }` set, as words.
    fn values(&mut self) -> Result<Vec<String>, String> {
        let line = self.line();
        match self.next() {
            Some(t) if t == "{" => {
                let mut out = Vec::new();
                loop {
                    match self.next() {
                        Some(t) if t == "}" => break,
                        Some(t) if t == "," || t == "\n" => {}
                        Some(t) => out.push(t),
                        None => {
                            return Err(format!(
                                "line {line}: a set opened with {{ is never closed."
                            ))
                        }
                    }
                }
                if out.is_empty() {
                    return Err(format!("line {line}: the set is empty."));
                }
                Ok(out)
            }
            Some(t) if t != "\n" && t != "}" && t != "," => {
                // An unbraced list, as in `ct state established,related`.
                let mut out = vec![t];
                while self.peek() == Some(",") {
                    self.next();
                    match self.next() {
                        Some(t) if t != "\n" && t != "}" && t != "," => out.push(t),
                        _ => return Err(format!("line {line}: a value is missing after a comma.")),
                    }
                }
                Ok(out)
            }
            _ => Err(format!("line {line}: a value is missing.")),
        }
    }
}

fn verdict_word(w: &str) -> Option<Verdict> {
    match w {
        "accept" => Some(Verdict::Accept),
        "drop" => Some(Verdict::Drop),
        "reject" => Some(Verdict::Reject { tcp_reset: false }),
        _ => None,
    }
}

/// Reads a rule set; a message for the learner if it is not one.
pub fn parse(text: &str) -> Result<Ruleset, String> {
    if text.len() > MAX_TEXT {
        return Err(format!(
            "The rules are {} bytes long; a firewall here takes up to {MAX_TEXT}.",
            text.len()
        ));
    }
    let mut p = Parser {
        toks: tokens(text),
        at: 0,
    };
    p.expect("table", "\"table\"")?;
    let line = p.line();
    match p.next().as_deref() {
        Some("inet") | Some("ip") => {}
        _ => return Err(format!("line {line}: the table's family must be inet or ip (for example: table inet filter {{ … }}).")),
    }
    let line = p.line();
    match p.next() {
        Some(name)
            if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty() => {}
        _ => {
            return Err(format!(
                "line {line}: the table needs a name (for example: filter)."
            ))
        }
    }
    p.expect("{", "{ after the table's name")?;
    p.expect("chain", "\"chain input\"")?;
    p.expect("input", "the chain's name, input")?;
    p.expect("{", "{ after the chain's name")?;
    p.expect(
        "type",
        "the chain's header (type filter hook input priority 0; policy drop;)",
    )?;
    p.expect("filter", "\"type filter\"")?;
    p.expect("hook", "\"hook input\"")?;
    p.expect("input", "\"hook input\"")?;
    p.expect("priority", "\"priority\"")?;
    let line = p.line();
    match p.next() {
        Some(pr) if pr == "filter" || pr.parse::<i32>().is_ok() => {}
        _ => {
            return Err(format!(
                "line {line}: the priority is a number or \"filter\"."
            ))
        }
    }
    p.expect(";", "; after the priority")?;
    p.expect("policy", "\"policy accept;\" or \"policy drop;\"")?;
    let line = p.line();
    let policy = match p.next().as_deref() {
        Some("accept") => Verdict::Accept,
        Some("drop") => Verdict::Drop,
        _ => return Err(format!("line {line}: a chain's policy is accept or drop.")),
    };
    p.expect(";", "; after the policy")?;
    let mut rules = Vec::new();
    loop {
        p.skip_newlines();
        match p.peek() {
            Some("}") => {
                p.next();
                break;
            }
            None => return Err("The chain is never closed with }.".into()),
            _ => {}
        }
        let line = p.line();
        let start = p.at;
        let mut rule = Rule {
            line,
            text: String::new(),
            saddr: None,
            dport: None,
            loopback_only: false,
            ct: None,
            verdict: None,
        };
        while let Some(w) = p.peek().map(str::to_string) {
            if w == "\n" || w == "}" {
                break;
            }
            p.next();
            let line = p.line();
            match w.as_str() {
                "ip" => {
                    p.expect("saddr", "\"saddr\" after ip (rules here match the source address)")?;
                    let v = p.values()?;
                    rule.saddr = Some(v.iter().map(|t| net(t, line)).collect::<Result<_, _>>()?);
                }
                "tcp" => {
                    p.expect("dport", "\"dport\" after tcp")?;
                    let v = p.values()?;
                    rule.dport = Some(v.iter().map(|t| port(t, line)).collect::<Result<_, _>>()?);
                }
                "iif" | "iifname" => {
                    let v = p.values()?;
                    if v.len() != 1 || v[0].trim_matches('"') != "lo" {
                        return Err(format!("line {line}: only the loopback interface (iif \"lo\") is modelled."));
                    }
                    rule.loopback_only = true;
                }
                "ct" => {
                    p.expect("state", "\"state\" after ct")?;
                    let v = p.values()?;
                    let (mut new, mut est) = (false, false);
                    for s in &v {
                        match s.as_str() {
                            "new" => new = true,
                            "established" => est = true,
                            "related" | "invalid" | "untracked" => {}
                            other => return Err(format!("line {line}: \"{}\" is not a connection state (new, established, related, invalid).", crate::text::clip(other, 20))),
                        }
                    }
                    rule.ct = Some((new, est));
                }
                "counter" => {}
                "reject" => {
                    if p.peek() == Some("with") {
                        p.next();
                        p.expect("tcp", "\"tcp reset\" after reject with")?;
                        p.expect("reset", "\"reset\"")?;
                        rule.verdict = Some(Verdict::Reject { tcp_reset: true });
                    } else {
                        rule.verdict = Some(Verdict::Reject { tcp_reset: false });
                    }
                }
                w if verdict_word(w).is_some() => rule.verdict = verdict_word(w),
                other => {
                    return Err(format!(
                        "line {line}: \"{}\" is not read here. A rule is made of ip saddr, tcp dport, iif \"lo\", ct state and counter, then accept, drop or reject.",
                        crate::text::clip(other, 20)
                    ))
                }
            }
            if rule.verdict.is_some() {
                // Nothing may follow a verdict on its line.
                if let Some(t) = p.peek() {
                    if t != "\n" && t != "}" {
                        return Err(format!(
                            "line {line}: nothing may follow the verdict ({}).",
                            crate::text::clip(t, 20)
                        ));
                    }
                }
            }
        }
        rule.text = p.toks[start..p.at]
            .iter()
            .map(|(_, t)| t.as_str())
            .filter(|t| *t != "\n")
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" ,", ",");
        if rules.len() >= MAX_RULES {
            return Err(format!("A chain here holds up to {MAX_RULES} rules."));
        }
        rules.push(rule);
    }
    p.skip_newlines();
    p.expect("}", "} closing the table")?;
    p.skip_newlines();
    if let Some(t) = p.peek() {
        return Err(format!(
            "line {}: \"{}\" follows the table; one table is read here.",
            p.line(),
            crate::text::clip(t, 20)
        ));
    }
    Ok(Ruleset { policy, rules })
}

/// The admin network: where operators' SSH comes from (TEST-NET-1).
pub const ADMIN_NET: &str = "192.0.2.0/24";
/// An operator's computer on it.
pub const ADMIN_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);

fn chain(rules: &str) -> String {
    format!(
        "table inet filter {{\n    chain input {{\n        type filter hook input priority 0; policy drop;\n        iif \"lo\" accept\n        ct state established,related accept\n{rules}    }}\n}}\n"
    )
}

/// The secured design's load balancer: the web to 80 and 443 from
/// anywhere, SSH from the admin network only.
pub fn balancer_rules() -> String {
    chain(&format!("        tcp dport {{ 80, 443 }} accept\n        ip saddr {ADMIN_NET} tcp dport 22 accept\n"))
}

/// A web server: HTTP from the load balancer only, SSH from the admin network.
pub fn web_rules(balancer: Ipv4Addr) -> String {
    web_rules_from(&[balancer])
}

/// A web server behind one or more balancers: HTTP from their private
/// addresses only (a pair's standby too, or its requests are dropped the
/// day it takes over), SSH from the admin network.
pub fn web_rules_from(balancers: &[Ipv4Addr]) -> String {
    let from = match balancers {
        [one] => one.to_string(),
        many => format!(
            "{{ {} }}",
            many.iter()
                .map(Ipv4Addr::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    chain(&format!("        ip saddr {from} tcp dport 80 accept\n        ip saddr {ADMIN_NET} tcp dport 22 accept\n"))
}

/// An application machine (split tiers): the application's port from the
/// web servers only, SSH from the admin network.
pub fn app_rules(web_servers: &[Ipv4Addr]) -> String {
    let set: Vec<String> = web_servers.iter().map(Ipv4Addr::to_string).collect();
    chain(&format!(
        "        ip saddr {{ {} }} tcp dport {} accept\n        ip saddr {ADMIN_NET} tcp dport 22 accept\n",
        set.join(", "),
        crate::scenario::APP_PORT
    ))
}

/// A database: MySQL from the given clients only (the web servers, and the
/// replica for replication), SSH from the admin network.
pub fn db_rules(clients: &[Ipv4Addr]) -> String {
    let set: Vec<String> = clients.iter().map(Ipv4Addr::to_string).collect();
    chain(&format!(
        "        ip saddr {{ {} }} tcp dport 3306 accept\n        ip saddr {ADMIN_NET} tcp dport 22 accept\n",
        set.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rules: &str, src: [u8; 4], port: u16, expect: Verdict) {
        let r = parse(rules).unwrap_or_else(|e| panic!("{e}\n{rules}"));
        assert_eq!(
            r.decide(Ipv4Addr::from(src), port).verdict,
            expect,
            "{src:?}:{port}\n{rules}"
        );
    }

    #[test]
    fn the_defaults_open_what_the_design_needs_and_nothing_else() {
        let lb = balancer_rules();
        check(&lb, [198, 51, 100, 23], 443, Verdict::Accept);
        check(&lb, [198, 51, 100, 23], 80, Verdict::Accept);
        check(&lb, [198, 51, 100, 23], 22, Verdict::Drop);
        check(&lb, [192, 0, 2, 10], 22, Verdict::Accept);
        check(&lb, [198, 51, 100, 23], 3306, Verdict::Drop);
        let web = web_rules(Ipv4Addr::new(10, 0, 0, 2));
        check(&web, [10, 0, 0, 2], 80, Verdict::Accept);
        check(&web, [198, 51, 100, 23], 80, Verdict::Drop);
        let db = db_rules(&[Ipv4Addr::new(10, 0, 0, 11), Ipv4Addr::new(10, 0, 0, 12)]);
        check(&db, [10, 0, 0, 11], 3306, Verdict::Accept);
        check(&db, [10, 0, 0, 2], 3306, Verdict::Drop);
    }

    #[test]
    fn order_ranges_names_and_reject() {
        let r = chain("        tcp dport 8000-8099 reject with tcp reset\n        tcp dport { ssh, 8080 } accept\n        ip saddr 203.0.113.0/24 reject\n        tcp dport 9000 accept\n");
        check(&r, [1, 2, 3, 4], 8080, Verdict::Reject { tcp_reset: true });
        check(&r, [1, 2, 3, 4], 22, Verdict::Accept);
        check(
            &r,
            [203, 0, 113, 7],
            9000,
            Verdict::Reject { tcp_reset: false },
        );
        check(&r, [203, 0, 114, 7], 9000, Verdict::Accept);
        check(&r, [203, 0, 114, 7], 9001, Verdict::Drop);
    }

    #[test]
    fn what_is_not_read_says_so() {
        for (text, says) in [
            ("", "\"table\""),
            ("table inet filter { chain input { type filter hook input priority 0; policy maybe; } }", "policy is accept or drop"),
            (&chain("        tcp dport 70000 accept\n"), "above 65535"),
            (&chain("        udp dport 53 accept\n"), "\"udp\" is not read here"),
            (&chain("        ip saddr 10.0.0.300 accept\n"), "not an IPv4 address"),
            (&chain("        tcp dport 90-80 accept\n"), "runs backwards"),
            (&chain("        accept drop\n"), "nothing may follow the verdict"),
            ("table inet filter { chain input { type filter hook input priority 0; policy drop;", "never closed"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.contains(says), "{text}\n→ {e}");
        }
    }
}
