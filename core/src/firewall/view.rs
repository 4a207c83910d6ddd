//! What the firewall editor shows, computed from the world: what listens on each machine, who can connect to which of its ports, and a port sweep of the public address from the internet.
//!
//! The worker computes it with every world it sends (`session::Update::
//! firewalls`), so the page draws the tables without reading the rules.
//! A port's fate is [`Ruleset::seen`]: the first verdict for a new
//! connection's SYN and for the packets after it (nft(8)); what listens is
//! each machine's role (sshd everywhere, the balancer's 80 and 443, Nginx's
//! 80, the application's 8000 on a machine of its own, MariaDB's 3306).

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::{Ruleset, Seen, ADMIN_IP};
use crate::scenario::{Cluster, HostFirewall, Scenario, Topology, APP_PORT, LB_INSIDE_IP};

/// The ports a sweep tries (and the editor's tables show).
pub const PORTS: [u16; 6] = [22, 80, 443, 3306, 8000, 8080];

/// The stranger on the internet who sweeps the public address (TEST-NET-3).
pub const STRANGER: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 5);

/// One row of a table: who connects, and what it sees on each of [`PORTS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub from: String,
    pub seen: Vec<Seen>,
}

/// One machine with a firewall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub host: String,
    /// Its rules as written in the world.
    pub rules: String,
    /// The ports a program listens on.
    pub listening: Vec<u16>,
    /// Who can connect to it: every machine that could, and the internet
    /// for the balancer.
    pub who: Vec<Row>,
}

/// Every machine's firewall, and the sweep of the public address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firewalls {
    pub machines: Vec<Machine>,
    /// The address swept (the balancer's public one).
    pub public_ip: Ipv4Addr,
    /// The stranger's sweep without the balancer's firewall, then with it.
    pub sweep: Vec<Row>,
}

/// What listens on `host`, by its role.
pub fn listening(c: &Cluster, host: &str) -> Vec<u16> {
    if host == c.lb.hostname {
        let mut v = vec![22, 80];
        if c.lb.https.as_ref().is_some_and(|h| h.listening) {
            v.push(443);
        }
        v
    } else if c.web.iter().any(|w| w.hostname == host) {
        vec![22, 80]
    } else if c.app_tier.iter().any(|a| a.hostname == host) {
        vec![22, APP_PORT]
    } else {
        vec![22, 3306]
    }
}

/// The machines that could connect to `host`, with their addresses.
fn sources(world: &Scenario, c: &Cluster, host: &str) -> Vec<(String, Ipv4Addr)> {
    let mut out = Vec::new();
    if host == c.lb.hostname {
        out.push((
            format!("the internet (the learner, {})", world.client.ip),
            world.client.ip,
        ));
    }
    out.push((format!("the admin network ({ADMIN_IP})"), ADMIN_IP));
    if host != c.lb.hostname {
        out.push((format!("{} ({LB_INSIDE_IP})", c.lb.hostname), LB_INSIDE_IP));
    }
    if let Some(p) = c.pair.as_ref().filter(|_| host != c.lb.hostname) {
        out.push((format!("{} ({})", p.hostname, p.inside_ip), p.inside_ip));
    }
    let others = c
        .web
        .iter()
        .map(|w| (&w.hostname, w.ip))
        .chain(c.app_tier.iter().map(|a| (&a.hostname, a.ip)))
        .chain([&c.db_primary, &c.db_replica].map(|d| (&d.hostname, d.ip)));
    for (name, ip) in others {
        if name != host {
            out.push((format!("{name} ({ip})"), ip));
        }
    }
    out
}

/// What a client at `from` sees on each port of a machine with `rules`
/// (none: nothing filters) where `open` listen.
fn seen(rules: Option<&Ruleset>, from: Ipv4Addr, open: &[u16]) -> Vec<Seen> {
    PORTS
        .iter()
        .map(|p| match rules {
            Some(r) => r.seen(from, *p, open.contains(p)),
            None if open.contains(p) => Seen::Open,
            None => Seen::Refused,
        })
        .collect()
}

/// The firewalls of a world with a cluster; `None` for one server.
pub fn firewalls(world: &Scenario) -> Option<Firewalls> {
    let Topology::Redundant(c) = &world.topology else {
        return None;
    };
    // Each machine's rules, read once: the table and the sweep share the
    // balancer's (the first firewall of a host, as `Cluster::firewall`).
    let parsed: Vec<(&HostFirewall, Option<Ruleset>)> = c
        .firewalls
        .iter()
        .map(|f| (f, crate::firewall::parse(&f.rules).ok()))
        .collect();
    let rules_of = |host: &str| {
        parsed
            .iter()
            .find(|(f, _)| f.host == host)
            .and_then(|(_, r)| r.as_ref())
    };
    let machines = parsed
        .iter()
        .map(|(f, _)| {
            let rules = rules_of(&f.host);
            let open = listening(c, &f.host);
            let who = sources(world, c, &f.host)
                .into_iter()
                .map(|(from, ip)| Row {
                    from,
                    seen: seen(rules, ip, &open),
                })
                .collect();
            Machine {
                host: f.host.clone(),
                rules: f.rules.clone(),
                listening: open,
                who,
            }
        })
        .collect();
    let lb_open = listening(c, &c.lb.hostname);
    let sweep = vec![
        Row {
            from: format!("{STRANGER}, without {}'s firewall", c.lb.hostname),
            seen: seen(None, STRANGER, &lb_open),
        },
        Row {
            from: format!("{STRANGER}, with it"),
            seen: seen(rules_of(&c.lb.hostname), STRANGER, &lb_open),
        },
    ];
    Some(Firewalls {
        machines,
        public_ip: c.lb.ip,
        sweep,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed;

    fn row<'a>(m: &'a Machine, from: &str) -> &'a [Seen] {
        &m.who
            .iter()
            .find(|r| r.from.starts_with(from))
            .unwrap_or_else(|| panic!("no row from {from} in {:?}", m.who))
            .seen
    }

    #[test]
    fn the_secured_design_opens_what_the_course_says_and_nothing_else() {
        use Seen::*;
        let f = firewalls(&seed::secured_stack()).expect("a cluster");
        assert!(firewalls(&seed::simple_stack()).is_none());
        let lb = &f.machines[0];
        assert_eq!(lb.listening, [22, 80, 443]);
        // Ports 22, 80, 443, 3306, 8000, 8080.
        assert_eq!(
            row(lb, "the internet"),
            [TimedOut, Open, Open, TimedOut, TimedOut, TimedOut]
        );
        assert_eq!(
            row(lb, "the admin network"),
            [Open, Open, Open, TimedOut, TimedOut, TimedOut]
        );
        let db = f
            .machines
            .iter()
            .find(|m| m.host == "db-01")
            .expect("db-01");
        assert_eq!(row(db, "web-01")[3], Open);
        assert_eq!(row(db, "lb-01")[3], TimedOut);
        // Without the balancer's firewall the sweep sees what listens.
        assert_eq!(
            f.sweep[0].seen,
            [Open, Open, Open, Refused, Refused, Refused]
        );
        assert_eq!(
            f.sweep[1].seen,
            [TimedOut, Open, Open, TimedOut, TimedOut, TimedOut]
        );
    }
}
