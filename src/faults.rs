//! The fault toggles drawn beside the diagram's boxes, and the streams of the downtime panel.
//!
//! A toggle is a core [`Change`] that breaks something; whether it is pressed
//! is read back from the running world (applying it again changes nothing).

use stackscope_core::scenario::{ProcessState, Topology};
use stackscope_core::stream::{self, Event, StreamSpec};
use stackscope_core::{Change, Component, Fault, Scenario};

/// One toggle button.
#[derive(Debug, Clone, PartialEq)]
pub struct Toggle {
    /// Stable id suffix for the DOM (`fault-nginx-0`).
    pub key: String,
    /// The accessible name, e.g. "Stop Nginx".
    pub name: String,
    /// The symbol on the button (the name is in its label and tooltip).
    pub icon: &'static str,
    /// The change that injects the fault.
    pub change: Change,
}

/// The toggles next to one box of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub component: Component,
    /// The web server (redundant design), for per-server boxes.
    pub node: Option<u8>,
    /// The box's name, shown when the toggles are listed under the diagram.
    pub title: String,
    pub toggles: Vec<Toggle>,
}

fn toggle(key: String, name: String, icon: &'static str, change: Change) -> Toggle {
    Toggle {
        key,
        name,
        icon,
        change,
    }
}

/// The toggles for the world's topology, box by box.
pub fn groups(s: &Scenario) -> Vec<Group> {
    use ProcessState::*;
    let dns = Group {
        component: Component::AuthDns,
        node: None,
        title: "foobar.com name server".into(),
        toggles: vec![
            toggle(
                "dns-missing".into(),
                "Delete the DNS records of www.foobar.com".into(),
                "✕",
                Fault::DnsRecordMissing.change(),
            ),
            toggle(
                "dns-wrong-ip".into(),
                "Point foobar.com at a wrong IP".into(),
                "≠",
                Fault::DnsWrongIp.change(),
            ),
        ],
    };
    let mut out = vec![dns];
    match &s.topology {
        Topology::Single => {
            out.push(Group {
                component: Component::Server,
                node: None,
                title: "Server 8.8.8.8".into(),
                toggles: vec![toggle(
                    "server-power".into(),
                    "Power off the server".into(),
                    "Off",
                    Change::ServerPower(None, false),
                )],
            });
            out.extend(web_groups(None, ""));
            out.push(Group {
                component: Component::Database,
                node: None,
                title: "Database".into(),
                toggles: vec![
                    toggle(
                        "db-stop".into(),
                        "Stop the database".into(),
                        "■",
                        Change::Database(Stopped),
                    ),
                    // The disk holds the database's files (and everything
                    // else): its failure takes the whole server down.
                    toggle(
                        "server-disk".into(),
                        "Fail the server's disk (its repair loads the last backup)".into(),
                        "Disk",
                        Fault::DiskFailed.change(),
                    ),
                ],
            });
        }
        Topology::Redundant(c) => {
            let pair = c.pair.as_ref();
            out.push(Group {
                component: Component::LoadBalancer,
                node: pair.map(|_| 0),
                title: match pair {
                    Some(_) => format!("Load balancer {} (VRRP, {})", c.lb.hostname, c.lb.ip),
                    None => format!("Load balancer {}", c.lb.ip),
                },
                toggles: {
                    let mut t = vec![toggle(
                        "lb-power".into(),
                        match pair {
                            Some(_) => format!("Power off {}", c.lb.hostname),
                            None => "Power off the load balancer".into(),
                        },
                        "Off",
                        Change::LbPower(false),
                    )];
                    if c.lb.https.is_some() {
                        t.push(toggle(
                            "cert-expired".into(),
                            "Let the certificate expire".into(),
                            "Exp",
                            Fault::CertificateExpired.change(),
                        ));
                        t.push(toggle(
                            "cert-name".into(),
                            "Swap in a certificate for foobar.com only".into(),
                            "N≠",
                            Fault::CertificateWrongName.change(),
                        ));
                        t.push(toggle(
                            "https-closed".into(),
                            "Close port 443".into(),
                            "443✕",
                            Fault::HttpsClosed.change(),
                        ));
                    }
                    t
                },
            });
            if let Some(p) = pair {
                out.push(Group {
                    component: Component::LoadBalancer,
                    node: Some(1),
                    title: format!("Standby load balancer {} (VRRP)", p.hostname),
                    toggles: vec![toggle(
                        "lb2-power".into(),
                        format!("Power off {}", p.hostname),
                        "Off",
                        Change::StandbyLbPower(false),
                    )],
                });
            }
            for (i, w) in c.web.iter().enumerate() {
                let n = i as u8;
                out.push(Group {
                    component: Component::Server,
                    node: Some(n),
                    title: w.hostname.clone(),
                    toggles: vec![toggle(
                        format!("server-power-{n}"),
                        format!("Power off {}", w.hostname),
                        "Off",
                        Change::ServerPower(Some(n), false),
                    )],
                });
                let mut groups = web_groups(Some(n), &w.hostname);
                // Split tiers: the application group is the application
                // machine's, with its own power switch.
                if let Some(a) = c.app_tier.get(i) {
                    groups.truncate(1);
                    let mut app = web_groups(Some(n), &a.hostname).remove(1);
                    app.title = format!("Application machine {}", a.hostname);
                    app.toggles.push(toggle(
                        format!("app-power-{n}"),
                        format!("Power off {}", a.hostname),
                        "Off",
                        Change::AppPower(n, false),
                    ));
                    groups.push(app);
                }
                out.extend(groups);
            }
            out.push(Group {
                component: Component::Database,
                node: None,
                title: format!("Primary database {}", c.db_primary.hostname),
                toggles: vec![toggle(
                    "db-stop".into(),
                    "Stop the primary database".into(),
                    "■",
                    Change::Database(Stopped),
                )],
            });
            out.push(Group {
                component: Component::Replica,
                node: None,
                title: format!("Replica database {}", c.db_replica.hostname),
                toggles: vec![toggle(
                    "replica-stop".into(),
                    "Stop the replica database".into(),
                    "■",
                    Change::Replica(Stopped),
                )],
            });
        }
    }
    out
}

/// Nginx and application toggles of one web server (`None`: the single server).
fn web_groups(node: Option<u8>, host: &str) -> Vec<Group> {
    use ProcessState::*;
    let (suffix, on) = match node {
        Some(n) => (format!("-{n}"), format!(" on {host}")),
        None => (String::new(), String::new()),
    };
    vec![
        Group {
            component: Component::Nginx,
            node,
            title: format!("Nginx{on}"),
            toggles: vec![toggle(
                format!("nginx-stop{suffix}"),
                format!("Stop Nginx{on}"),
                "■",
                Change::Nginx(node, Stopped),
            )],
        },
        Group {
            component: Component::App,
            node,
            title: format!("Application server{on}"),
            toggles: vec![
                toggle(
                    format!("app-stop{suffix}"),
                    format!("Stop the application server{on}"),
                    "■",
                    Change::App(node, Stopped),
                ),
                toggle(
                    format!("app-hung{suffix}"),
                    format!("Hang the application server{on}"),
                    "‖",
                    Change::App(node, Hung),
                ),
                toggle(
                    format!("app-restarting{suffix}"),
                    format!("Restart the application server{on} (it is starting up)"),
                    "↻",
                    Change::App(node, Restarting),
                ),
            ],
        },
    ]
}

/// True when `change` is already in effect in the world.
pub fn in_effect(change: Change, s: &Scenario) -> bool {
    in_effect_light(change, &light(s))
}

/// Every toggle's change currently in effect.
pub fn active(s: &Scenario) -> Vec<Change> {
    let l = light(s);
    groups(s)
        .into_iter()
        .flat_map(|g| g.toggles)
        .map(|t| t.change)
        .filter(|c| in_effect_light(*c, &l))
        .collect()
}

/// The world without what no fault touches: the database's rows, the
/// document root's files and every other host but the first (whose address
/// the wrong-IP fault uses). Reading a toggle applies its change to a copy,
/// and every render reads every toggle: copying the data each time was most
/// of a render's cost. `the_light_world_answers_as_the_whole_one` checks
/// this against the whole world for every toggle.
fn light(s: &Scenario) -> Scenario {
    let v = &s.server;
    Scenario {
        seed: s.seed,
        client: s.client.clone(),
        latency: s.latency.clone(),
        dns: s.dns.clone(),
        server: stackscope_core::scenario::Server {
            ip: v.ip,
            hostname: v.hostname.clone(),
            powered_on: v.powered_on,
            nginx: v.nginx,
            nginx_config: v.nginx_config.clone(),
            app: v.app,
            app_listen: v.app_listen.clone(),
            database: v.database,
            docroot: Vec::new(),
            release: v.release,
            disk_failed: v.disk_failed,
        },
        other_hosts: s.other_hosts.iter().take(1).cloned().collect(),
        data: stackscope_core::scenario::SeedData {
            users: Vec::new(),
            posts: Vec::new(),
            settings: Vec::new(),
            statements: Vec::new(),
        },
        topology: s.topology.clone(),
        backups: s.backups,
    }
}

fn in_effect_light(change: Change, l: &Scenario) -> bool {
    if change == Change::DnsWrongIp && in_effect_light(Change::DnsRecordMissing, l) {
        // With the records gone there is no address to be wrong.
        return false;
    }
    let mut t = l.clone();
    change.apply_to(&mut t);
    t == *l
}

/// The change that repairs what `change` broke on its own, when one exists
/// (DNS edits are undone by restoring the zones and replaying the rest).
pub fn repair(change: Change) -> Option<Change> {
    match change {
        Change::DnsRecordMissing | Change::DnsWrongIp => None,
        other => other.repair(),
    }
}

/// The streams of the downtime panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demo {
    SingleDeploy,
    RollingDeploy,
    RestartNoDrain,
    PowerOffWeb,
    StopPrimary,
    /// web-01 loses power while web-02 is a standby (active-passive).
    PowerOffActive,
}

impl Demo {
    pub const ALL: [Demo; 6] = [
        Demo::SingleDeploy,
        Demo::RollingDeploy,
        Demo::RestartNoDrain,
        Demo::PowerOffWeb,
        Demo::StopPrimary,
        Demo::PowerOffActive,
    ];

    /// A number for the message to the server (its place in [`Demo::ALL`]).
    pub fn tag(self) -> u32 {
        Demo::ALL.iter().position(|d| *d == self).unwrap_or(0) as u32
    }

    /// The demo a reply's tag names.
    pub fn from_tag(tag: u32) -> Option<Demo> {
        Demo::ALL.get(tag as usize).copied()
    }

    /// The DOM id of its button.
    pub fn id(self) -> &'static str {
        match self {
            Demo::SingleDeploy => "deploy-single",
            Demo::RollingDeploy => "deploy-rolling",
            Demo::RestartNoDrain => "deploy-no-drain",
            Demo::PowerOffWeb => "failover-web",
            Demo::StopPrimary => "failover-db",
            Demo::PowerOffActive => "failover-standby",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Demo::SingleDeploy => "Deploy (one server)",
            Demo::RollingDeploy => "Rolling deploy",
            Demo::RestartNoDrain => "Restart without draining",
            Demo::PowerOffWeb => "Power off web-01",
            Demo::StopPrimary => "Stop the primary database",
            Demo::PowerOffActive => "Power off web-01, web-02 on standby",
        }
    }

    /// What the stream shows, in one line.
    pub fn describe(self) -> &'static str {
        match self {
            Demo::SingleDeploy => {
                "One server: the application restarts for 4 s at 2 s while the home page is requested every 200 ms."
            }
            Demo::RollingDeploy => {
                "Redundant design: each web server in turn is drained, restarted for 4 s and put back once healthy."
            }
            Demo::RestartNoDrain => {
                "Redundant design: each web server in turn is restarted while still in the load balancer's rotation."
            }
            Demo::PowerOffWeb => {
                "Redundant design: web-01 loses power at 2 s; the home page and a post are requested in turn every 500 ms."
            }
            Demo::StopPrimary => {
                "Redundant design: the primary database stops at 2 s; the home page and a post are requested in turn every 500 ms."
            }
            Demo::PowerOffActive => {
                "Active-passive: web-02 is a standby (HAProxy's backup) that takes requests only while no other server is up; web-01 loses power at 2 s."
            }
        }
    }

    /// The world the stream runs in.
    pub fn scenario(self) -> Scenario {
        match self {
            Demo::SingleDeploy => Scenario::default(),
            Demo::PowerOffActive => {
                let mut s = stackscope_core::seed::redundant_stack();
                if let stackscope_core::Topology::Redundant(c) = &mut s.topology {
                    if let Some(w) = c.web.get_mut(1) {
                        w.backup = true;
                    }
                }
                s
            }
            _ => stackscope_core::seed::redundant_stack(),
        }
    }

    /// The requests: the home page every 200 ms for 30 s for deploys; a mix
    /// every 500 ms for 30 s for failovers.
    pub fn spec(self) -> StreamSpec {
        let home = "http://www.foobar.com/".to_string();
        match self {
            Demo::SingleDeploy | Demo::RollingDeploy | Demo::RestartNoDrain => StreamSpec {
                urls: vec![home],
                start_us: 0,
                every_us: 200_000,
                count: 150,
            },
            Demo::PowerOffWeb | Demo::StopPrimary | Demo::PowerOffActive => StreamSpec {
                urls: vec![home, "http://www.foobar.com/posts/hello-world".into()],
                start_us: 0,
                every_us: 500_000,
                count: 60,
            },
        }
    }

    /// The changes to the world during the stream.
    pub fn events(self, scenario: &Scenario) -> Vec<Event> {
        const AT: u64 = 2_000_000;
        const RESTART: u64 = 4_000_000;
        match self {
            Demo::SingleDeploy => stream::single_deploy(AT, RESTART, false),
            Demo::RollingDeploy => stream::rolling_deploy(scenario, AT, RESTART, true),
            Demo::RestartNoDrain => stream::rolling_deploy(scenario, AT, RESTART, false),
            Demo::PowerOffWeb | Demo::PowerOffActive => vec![Event {
                at_us: AT,
                change: Change::ServerPower(Some(0), false),
                label: "Power off web-01".into(),
            }],
            Demo::StopPrimary => vec![Event {
                at_us: AT,
                change: Change::Database(ProcessState::Stopped),
                label: "Stop the primary database db-01".into(),
            }],
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn toggles_read_their_state_back_from_the_world() {
        let mut s = Scenario::default();
        assert!(active(&s).is_empty());
        Fault::NginxStopped.apply(&mut s);
        assert_eq!(active(&s), vec![Change::Nginx(None, ProcessState::Stopped)]);
        Fault::DnsRecordMissing.apply(&mut s);
        Fault::DnsWrongIp.apply(&mut s);
        assert!(!in_effect(Change::DnsWrongIp, &s));
        assert!(in_effect(Change::DnsRecordMissing, &s));
    }

    #[test]
    fn every_process_toggle_can_be_repaired() {
        let s = stackscope_core::seed::redundant_stack();
        for g in groups(&s) {
            for t in g.toggles {
                let mut w = s.clone();
                t.change.apply_to(&mut w);
                assert!(in_effect(t.change, &w), "{}", t.name);
                if let Some(r) = repair(t.change) {
                    r.apply_to(&mut w);
                    assert_eq!(w, s, "{}", t.name);
                }
            }
        }
    }

    #[test]
    fn the_light_world_answers_as_the_whole_one() {
        // The same check on the whole world, data and files included.
        let whole = in_effect_light;
        let mut worlds = vec![
            Scenario::default(),
            stackscope_core::seed::redundant_stack(),
        ];
        // Every toggle pressed on its own, and all of them at once, on both designs.
        for base in worlds.clone() {
            let mut all = base.clone();
            for t in groups(&base).into_iter().flat_map(|g| g.toggles) {
                let mut w = base.clone();
                t.change.apply_to(&mut w);
                t.change.apply_to(&mut all);
                worlds.push(w);
            }
            worlds.push(all);
        }
        for s in &worlds {
            for t in groups(s).into_iter().flat_map(|g| g.toggles) {
                assert_eq!(in_effect(t.change, s), whole(t.change, s), "{}", t.name);
            }
        }
    }
}
