//! Firewalls in the secured design: the defaults let the site work and
//! nothing else in; a changed rule set shows as the real client would see it.

use stackscope_core::firewall::{self, Seen};
use stackscope_core::scenario::{Scenario, Topology};
use stackscope_core::trace::Outcome;
use stackscope_core::{seed, Simulator, Trace};

fn with_rules(host: &str, rules: &str) -> Scenario {
    let mut s = seed::secured_stack();
    if let Topology::Redundant(c) = &mut s.topology {
        let f = c
            .firewalls
            .iter_mut()
            .find(|f| f.host == host)
            .expect("the host has a firewall");
        f.rules = rules.to_string();
    }
    s
}

fn code(t: &Trace) -> String {
    match &t.outcome {
        Outcome::BrowserError { code, .. } => code.clone(),
        Outcome::Response { status, .. } => status.to_string(),
        Outcome::InvalidInput { reason } => reason.clone(),
    }
}

fn titles(t: &Trace) -> Vec<&str> {
    t.steps.iter().map(|s| s.title.as_str()).collect()
}

const CHAIN_HEAD: &str = "table inet filter {\n    chain input {\n        type filter hook input priority 0; policy drop;\n";

#[test]
fn the_secured_design_works_through_its_firewalls() {
    let mut sim = Simulator::new(seed::secured_stack()).expect("builds");
    for (i, url) in [
        "https://www.foobar.com/",
        "https://www.foobar.com/posts/hello-world",
        "https://www.foobar.com/static/style.css",
    ]
    .iter()
    .enumerate()
    {
        let t = sim.request(url, i as u64 * 1_000_000);
        assert_eq!(code(&t), "200", "{url}: {:?}", titles(&t));
    }
    // What the defaults say, port by port, from the internet and the admin network.
    let s = seed::secured_stack();
    let Topology::Redundant(c) = &s.topology else {
        unreachable!()
    };
    let lb = c.firewall("lb-01").expect("lb-01 has one");
    let internet = s.client.ip;
    assert_eq!(lb.seen(internet, 443, true), Seen::Open);
    assert_eq!(lb.seen(internet, 22, true), Seen::TimedOut);
    assert_eq!(lb.seen(firewall::ADMIN_IP, 22, true), Seen::Open);
    let db = c.firewall("db-01").expect("db-01 has one");
    assert_eq!(db.seen(c.web[0].ip, 3306, true), Seen::Open);
    assert_eq!(db.seen(c.db_replica.ip, 3306, true), Seen::Open);
    assert_eq!(db.seen(c.lb.ip, 3306, true), Seen::TimedOut);
}

#[test]
fn the_balancer_dropping_or_rejecting_https() {
    let drop443 = format!("{CHAIN_HEAD}        ct state established,related accept\n        tcp dport 80 accept\n    }}\n}}\n");
    let t = Simulator::new(with_rules("lb-01", &drop443))
        .expect("builds")
        .request("https://www.foobar.com/", 0);
    assert_eq!(code(&t), "ERR_CONNECTION_TIMED_OUT");
    assert!(
        t.steps.iter().any(|s| s
            .explanation
            .contains("lb-01's firewall drops the SYN (the chain's policy (drop)")),
        "{:?}",
        titles(&t)
    );
    let reject443 = format!("{CHAIN_HEAD}        ct state established,related accept\n        tcp dport 443 reject with tcp reset\n    }}\n}}\n");
    let t = Simulator::new(with_rules("lb-01", &reject443))
        .expect("builds")
        .request("https://www.foobar.com/", 0);
    assert_eq!(code(&t), "ERR_CONNECTION_REFUSED");
    assert!(titles(&t).contains(&"Rejected by the firewall"));
}

#[test]
fn forgetting_established_breaks_connections_after_the_handshake() {
    let no_est = format!("{CHAIN_HEAD}        tcp dport {{ 80, 443 }} ct state new accept\n        reject\n    }}\n}}\n");
    let t = Simulator::new(with_rules("lb-01", &no_est))
        .expect("builds")
        .request("https://www.foobar.com/", 0);
    assert_eq!(code(&t), "ERR_CONNECTION_RESET", "{:?}", titles(&t));
    let no_est_drop =
        format!("{CHAIN_HEAD}        tcp dport {{ 80, 443 }} ct state new accept\n    }}\n}}\n");
    let t = Simulator::new(with_rules("lb-01", &no_est_drop))
        .expect("builds")
        .request("https://www.foobar.com/", 0);
    assert_eq!(code(&t), "ERR_TIMED_OUT", "{:?}", titles(&t));
}

#[test]
fn a_web_server_that_drops_the_balancer_fails_its_health_checks() {
    let closed = format!("{CHAIN_HEAD}        ct state established,related accept\n    }}\n}}\n");
    let mut sim = Simulator::new(with_rules("web-01", &closed)).expect("builds");
    // Before the checks notice, a request to web-01 waits, then goes to web-02.
    let t = sim.request("https://www.foobar.com/", 0);
    assert_eq!(code(&t), "200");
    assert!(
        titles(&t).contains(&"web-01's firewall stops the connection"),
        "{:?}",
        titles(&t)
    );
    // After two failed checks (fall 2, every 2 s) web-01 is out of rotation.
    let later: Vec<Trace> = (0..4)
        .map(|i| sim.request("https://www.foobar.com/", 10_000_000 + i * 1_000_000))
        .collect();
    assert!(later.iter().all(
        |t| code(t) == "200" && !titles(t).contains(&"web-01's firewall stops the connection")
    ));
    assert_eq!(sim.lb_view()[0], ("web-01".to_string(), false));
}

#[test]
fn the_replica_refusing_the_web_servers_fails_the_reads() {
    let reject = format!("{CHAIN_HEAD}        ct state established,related accept\n        tcp dport 3306 reject\n    }}\n}}\n");
    let t = Simulator::new(with_rules("db-02", &reject))
        .expect("builds")
        .request("https://www.foobar.com/", 0);
    assert_eq!(code(&t), "500", "{:?}", titles(&t));
    assert!(titles(&t).contains(&"db-02's firewall stops the query"));
    let drop = format!("{CHAIN_HEAD}        ct state established,related accept\n    }}\n}}\n");
    let t = Simulator::new(with_rules("db-02", &drop))
        .expect("builds")
        .request("https://www.foobar.com/", 0);
    assert_eq!(code(&t), "504", "{:?}", titles(&t));
}

#[test]
fn rules_that_do_not_read_are_refused_with_their_line() {
    let e = Simulator::new(with_rules(
        "db-01",
        &format!("{CHAIN_HEAD}        tcp dport 3306 allow\n    }}\n}}\n"),
    ))
    .expect_err("refused")
    .to_string();
    assert!(
        e.contains("db-01's firewall") && e.contains("line 4") && e.contains("\"allow\""),
        "{e}"
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        /// Any text either reads or gets a message; what reads decides every
        /// connection without panicking, and the first matching rule wins.
        #[test]
        fn any_rules(body in proptest::collection::vec(
            prop_oneof![
                Just("ip saddr 10.0.0.0/8 ".to_string()),
                Just("ip saddr { 1.2.3.4, 192.0.2.0/24 } ".to_string()),
                Just("tcp dport { 22, 80-90 } ".to_string()),
                Just("tcp dport https ".to_string()),
                Just("ct state established,related ".to_string()),
                Just("ct state new ".to_string()),
                Just("iif \"lo\" ".to_string()),
                Just("counter ".to_string()),
                Just("accept\n".to_string()),
                Just("drop\n".to_string()),
                Just("reject\n".to_string()),
                Just("reject with tcp reset\n".to_string()),
                "[ -~]{0,12}",
                Just("\n".to_string()),
            ], 0..12),
            policy in prop_oneof![Just("drop"), Just("accept"), Just("maybe")],
            src in any::<u32>(), port in any::<u16>(), listening in any::<bool>()) {
            let text = format!("table inet filter {{\n chain input {{\n type filter hook input priority 0; policy {policy};\n{}\n }}\n}}\n", body.concat());
            match firewall::parse(&text) {
                Ok(rules) => {
                    let src = std::net::Ipv4Addr::from(src);
                    let d = rules.decide(src, port);
                    let _ = rules.seen(src, port, listening);
                    if let Some((line, _)) = &d.rule {
                        let first = rules.rules.iter().find(|r| r.verdict.is_some() && rules_match(r, src, port)).map(|r| r.line);
                        prop_assert_eq!(first, Some(*line));
                    }
                }
                Err(e) => prop_assert!(!e.is_empty()),
            }
        }
    }

    fn rules_match(r: &firewall::Rule, src: std::net::Ipv4Addr, port: u16) -> bool {
        !r.loopback_only
            && r.ct.is_none_or(|(new, _)| new)
            && r.saddr
                .as_ref()
                .is_none_or(|s| s.iter().any(|n| n.contains(src)))
            && r.dport
                .as_ref()
                .is_none_or(|p| p.iter().any(|(a, b)| (*a..=*b).contains(&port)))
    }
}

#[test]
fn a_link_carries_edited_rules_and_replays_their_refusal() {
    use stackscope_core::share::{Event, Share};
    let reject443 = format!("{CHAIN_HEAD}        ct state established,related accept\n        tcp dport 443 reject with tcp reset\n    }}\n}}\n");
    let edited = with_rules("lb-01", &reject443);
    let url = "https://www.foobar.com/";
    let events = [Event::Request {
        url: url.into(),
        at_us: 0,
    }];
    let (share, left_out) = Share::new(&edited, &events, 0);
    assert!(!left_out, "a firewall edit is small enough for a link");
    let back = Share::decode(&share.encode()).unwrap();
    assert_eq!(back.baseline(), edited, "the link holds the edited rules");
    let (_, trace) = back.replay().unwrap();
    let t = trace.unwrap();
    assert_eq!(code(&t), "ERR_CONNECTION_REFUSED");
    assert_eq!(t, Simulator::new(edited).expect("builds").request(url, 0));
}
