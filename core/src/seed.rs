//! The seed stack: `www.foobar.com` on one server at `8.8.8.8`, with its data.

use std::net::Ipv4Addr;

use crate::scenario::*;

/// URLs the app offers as one-click presets: (label, what is typed).
pub const PRESETS: [(&str, &str); 9] = [
    ("Home page", "http://www.foobar.com/"),
    ("Over HTTPS", "https://www.foobar.com/"),
    ("A post", "http://www.foobar.com/posts/hello-world"),
    ("A static file", "http://www.foobar.com/static/style.css"),
    ("A missing page", "http://www.foobar.com/posts/no-such-post"),
    ("Search", "http://www.foobar.com/search?q=Nginx"),
    ("foobar.com", "foobar.com"),
    ("The bare IP", "http://8.8.8.8/"),
    ("A mistyped domain", "http://www.foobar.co/"),
];

const STYLE_CSS: &str =
    "body{font-family:Georgia,serif;max-width:40rem;margin:2rem auto;color:#222}\n\
header{border-bottom:1px solid #ccc}\na{color:#0645ad}\n.meta{color:#555;font-size:.9em}\n";

const LOGO_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">\
<rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#1d4ed8\"/>\
<text x=\"16\" y=\"22\" font-size=\"16\" text-anchor=\"middle\" fill=\"#fff\">fb</text></svg>\n";

const FAVICON: &str = "(a 16×16 icon; the simulation keeps only its size)";

const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n\
<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and working. \
Further configuration is required.</p>\n</body>\n</html>\n";

/// The simple web stack of the lesson.
pub fn simple_stack() -> Scenario {
    let ip = Ipv4Addr::new(8, 8, 8, 8);
    Scenario {
        seed: 1,
        client: Client {
            ip: Ipv4Addr::new(198, 51, 100, 23),
            user_agent: "Mozilla/5.0 (Stackscope simulated browser)".into(),
        },
        latency: Latency {
            client_to_resolver_us: 6_000,
            resolver_to_root_us: 10_000,
            resolver_to_tld_us: 15_000,
            resolver_to_auth_us: 25_000,
            client_to_server_us: 20_000,
            loopback_us: 40,
            bandwidth_bytes_per_ms: 1_250,
            jitter_pct: 10,
            nginx_us: 150,
            static_file_us: 60,
            app_us: 900,
            render_us_per_kib: 120,
            db_query_us: 180,
            db_us_per_kilo_step: 25,
            // Chromium's own limit (net/socket/transport_connect_job.cc).
            connect_timeout_us: 240_000_000,
            proxy_read_timeout_us: 60_000_000,
            render_page_us_per_kib: 400,
        },
        dns: Dns {
            tlds: vec!["com".into(), "net".into(), "org".into(), "co".into()],
            tld_ns_ttl: 172_800,
            tld_negative_ttl: 900,
            zones: vec![Zone {
                origin: "foobar.com".into(),
                ns_name: "ns1.foobar.com".into(),
                ns_ip: Ipv4Addr::new(8, 8, 4, 4),
                ns_ttl: 86_400,
                negative_ttl: 300,
                records: vec![
                    Record {
                        name: "foobar.com".into(),
                        ttl: 3_600,
                        data: RecordData::A(ip),
                    },
                    Record {
                        name: "www.foobar.com".into(),
                        ttl: 300,
                        data: RecordData::Cname("foobar.com".into()),
                    },
                ],
            }],
        },
        server: Server {
            ip,
            hostname: "web-01".into(),
            powered_on: true,
            nginx: ProcessState::Running,
            nginx_config: NginxConfig {
                listen: 80,
                server_name: vec!["foobar.com".into(), "www.foobar.com".into()],
                root: "/var/www/foobar".into(),
                locations: vec![
                    Location {
                        modifier: Modifier::Exact,
                        pattern: "/favicon.ico".into(),
                        action: LocationAction::Static,
                    },
                    Location {
                        modifier: Modifier::PrefixNoRegex,
                        pattern: "/static/".into(),
                        action: LocationAction::Static,
                    },
                    Location {
                        modifier: Modifier::Regex,
                        pattern: r"/\.(git|env)".into(),
                        action: LocationAction::Return {
                            status: 403,
                            text: "Forbidden".into(),
                        },
                    },
                    Location {
                        modifier: Modifier::Prefix,
                        pattern: "/".into(),
                        action: LocationAction::Proxy {
                            upstream: "127.0.0.1:8000".into(),
                        },
                    },
                ],
            },
            app: ProcessState::Running,
            app_listen: "127.0.0.1:8000".into(),
            database: ProcessState::Running,
            release: Release::V1,
            disk_failed: false,
            docroot: vec![
                StaticFile {
                    path: "/static/style.css".into(),
                    content_type: "text/css".into(),
                    body: STYLE_CSS.into(),
                },
                StaticFile {
                    path: "/static/logo.svg".into(),
                    content_type: "image/svg+xml".into(),
                    body: LOGO_SVG.into(),
                },
                StaticFile {
                    path: "/favicon.ico".into(),
                    content_type: "image/x-icon".into(),
                    body: FAVICON.into(),
                },
            ],
        },
        other_hosts: vec![OtherHost {
            ip: Ipv4Addr::new(203, 0, 113, 80),
            description: "a freshly installed server that belongs to someone else".into(),
            page_title: "Welcome to nginx!".into(),
            page_html: NGINX_WELCOME.into(),
        }],
        topology: Topology::Single,
        backups: Default::default(),
        data: SeedData {
            users: vec![
                User {
                    id: 1,
                    name: "Ada".into(),
                    bio: "Writes about servers and the wires between them.".into(),
                },
                User {
                    id: 2,
                    name: "Grace".into(),
                    bio: "Databases, compilers and the occasional bug.".into(),
                },
            ],
            posts: vec![
                Post {
                    id: 1,
                    slug: "hello-world".into(),
                    title: "Hello, world".into(),
                    body: "This blog runs on one server: Nginx in front, an application server behind it, and MySQL underneath.".into(),
                    author_id: 1,
                    published: "2026-01-10".into(),
                },
                Post {
                    id: 2,
                    slug: "why-nginx".into(),
                    title: "Why Nginx sits in front".into(),
                    body: "Nginx answers static files itself and hands everything else to the application server.".into(),
                    author_id: 2,
                    published: "2026-02-14".into(),
                },
                Post {
                    id: 3,
                    slug: "one-server".into(),
                    title: "What happens when the only server goes down".into(),
                    body: "Everything. That is what a single point of failure means.".into(),
                    author_id: 1,
                    published: "2026-03-03".into(),
                },
            ],
            settings: vec![
                Setting {
                    key: "site_title".into(),
                    value: "Foobar".into(),
                },
                Setting {
                    key: "tagline".into(),
                    value: "Notes on the simple web stack".into(),
                },
            ],
            statements: Vec::new(),
        },
    }
}

/// The redundant design: the same site behind a load balancer, on two web
/// servers, with a primary database and a read replica.
pub fn redundant_stack() -> Scenario {
    let mut s = simple_stack();
    let web = |n: u8| WebNode {
        hostname: format!("web-0{n}"),
        ip: Ipv4Addr::new(10, 0, 0, 10 + n),
        powered_on: true,
        nginx: ProcessState::Running,
        app: ProcessState::Running,
        enabled: true,
        backup: false,
        release: Release::V1,
    };
    s.server.hostname = "web".into();
    s.topology = Topology::Redundant(Cluster {
        lb: LoadBalancer {
            ip: Ipv4Addr::new(8, 8, 8, 8),
            hostname: "lb-01".into(),
            powered_on: true,
            algorithm: Algorithm::RoundRobin,
            health_check_interval_us: 2_000_000,
            fall: 2,
            rise: 2,
            connect_timeout_us: 1_000_000,
            lan_us: 150,
            https: None,
        },
        web: vec![web(1), web(2)],
        db_primary: DbNode {
            hostname: "db-01".into(),
            ip: Ipv4Addr::new(10, 0, 0, 21),
            state: ProcessState::Running,
        },
        db_replica: DbNode {
            hostname: "db-02".into(),
            ip: Ipv4Addr::new(10, 0, 0, 22),
            state: ProcessState::Running,
        },
        replication_lag_us: 1_500_000,
        promote_after_us: 10_000_000,
        firewalls: Vec::new(),
        pair: None,
        app_tier: Vec::new(),
    });
    s
}

/// The secured design: the redundant design with HTTPS on the load balancer
/// (TLS terminates there; the web servers behind it get plain HTTP),
/// `http://` redirected to `https://`, and a firewall on every machine:
/// 80 and 443 open to the internet on the balancer only, 22 from the admin
/// network, 3306 from the web servers (and, on the primary, the replica).
pub fn secured_stack() -> Scenario {
    let mut s = redundant_stack();
    if let Topology::Redundant(c) = &mut s.topology {
        c.lb.https = Some(Box::new(Https {
            listening: true,
            redirect_http: true,
            certificate: Certificate::valid(),
        }));
        let lb = LB_INSIDE_IP;
        let webs: Vec<Ipv4Addr> = c.web.iter().map(|w| w.ip).collect();
        let mut primary_clients = webs.clone();
        primary_clients.push(c.db_replica.ip);
        let fw = |host: &str, rules: String| HostFirewall {
            host: host.to_string(),
            rules,
        };
        let mut firewalls = vec![fw(&c.lb.hostname, crate::firewall::balancer_rules())];
        for w in &c.web {
            firewalls.push(fw(&w.hostname, crate::firewall::web_rules(lb)));
        }
        firewalls.push(fw(
            &c.db_primary.hostname,
            crate::firewall::db_rules(&primary_clients),
        ));
        firewalls.push(fw(&c.db_replica.hostname, crate::firewall::db_rules(&webs)));
        c.firewalls = firewalls;
    }
    s
}

/// The scaled-up design: the secured design with a second load balancer
/// (`lb-02`, a standby) sharing the public address `8.8.8.8` with `lb-01`
/// by VRRP, as keepalived does, so the balancer is no longer a single point
/// of failure. The pair shares one configuration (certificate, firewall
/// rules, health checks).
pub fn scaled_stack() -> Scenario {
    let mut s = secured_stack();
    if let Topology::Redundant(c) = &mut s.topology {
        let pair = crate::scenario::LbPair::standard();
        // The web servers take HTTP from both balancers' private addresses.
        let from = [LB_INSIDE_IP, pair.inside_ip];
        let webs: Vec<String> = c.web.iter().map(|w| w.hostname.clone()).collect();
        for f in &mut c.firewalls {
            if webs.contains(&f.host) {
                f.rules = crate::firewall::web_rules_from(&from);
            }
        }
        c.pair = Some(Box::new(pair));
        split_tiers(c, &mut s.server.nginx_config);
    }
    s
}

/// The tiers on machines of their own: `app-01` and `app-02` run the
/// application alone; the web servers' Nginx proxies to them as the
/// upstream group [`UPSTREAM`] (round-robin, the next server on an error
/// or a timeout: nginx's defaults), and the databases take queries from
/// them instead of from the web servers. Their firewalls let in port 8000
/// from the web servers only.
fn split_tiers(c: &mut Cluster, nginx: &mut crate::scenario::NginxConfig) {
    let app = |n: u8| AppNode {
        hostname: format!("app-0{n}"),
        ip: Ipv4Addr::new(10, 0, 0, 30 + n),
        powered_on: true,
        app: ProcessState::Running,
        release: Release::V1,
    };
    c.app_tier = vec![app(1), app(2)];
    let webs: Vec<Ipv4Addr> = c.web.iter().map(|w| w.ip).collect();
    let apps: Vec<Ipv4Addr> = c.app_tier.iter().map(|a| a.ip).collect();
    let mut primary_clients = apps.clone();
    primary_clients.push(c.db_replica.ip);
    for f in &mut c.firewalls {
        if f.host == c.db_primary.hostname {
            f.rules = crate::firewall::db_rules(&primary_clients);
        } else if f.host == c.db_replica.hostname {
            f.rules = crate::firewall::db_rules(&apps);
        }
    }
    for a in &c.app_tier {
        c.firewalls.push(HostFirewall {
            host: a.hostname.clone(),
            rules: crate::firewall::app_rules(&webs),
        });
    }
    for loc in &mut nginx.locations {
        if let crate::scenario::LocationAction::Proxy { upstream } = &mut loc.action {
            *upstream = UPSTREAM.to_string();
        }
    }
}

/// The designs a learner can switch between, in the course's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Design {
    /// Everything on one machine.
    OneServer,
    /// A load balancer, two web servers, a primary and a replica.
    Redundant,
    /// The redundant design with HTTPS terminated at the load balancer.
    Secured,
    /// The secured design with a pair of load balancers (VRRP).
    ScaledUp,
}

impl Design {
    pub const ALL: [Design; 4] = [
        Design::OneServer,
        Design::Redundant,
        Design::Secured,
        Design::ScaledUp,
    ];

    /// The design a world is built as.
    pub fn of(s: &Scenario) -> Design {
        match &s.topology {
            Topology::Single => Design::OneServer,
            Topology::Redundant(c) if c.pair.is_some() => Design::ScaledUp,
            Topology::Redundant(c) if c.lb.https.is_some() => Design::Secured,
            Topology::Redundant(_) => Design::Redundant,
        }
    }

    /// `world` rebuilt as this design: its machines, with the learner's
    /// site, data and settings kept. Nginx's `proxy_pass` follows the
    /// application: to the upstream group [`UPSTREAM`] when it moves to
    /// machines of its own, back to its local address when it returns.
    pub fn adopt(self, world: &Scenario) -> Scenario {
        let stack = self.stack();
        let mut out = world.clone();
        out.topology = stack.topology;
        out.server.hostname = stack.server.hostname;
        let split = matches!(&out.topology, Topology::Redundant(c) if c.split());
        let local = out.server.app_listen.clone();
        for loc in &mut out.server.nginx_config.locations {
            if let LocationAction::Proxy { upstream } = &mut loc.action {
                if split && *upstream == local {
                    *upstream = UPSTREAM.to_string();
                } else if !split && upstream == UPSTREAM {
                    *upstream = local.clone();
                }
            }
        }
        out
    }

    /// The seed world of this design.
    pub fn stack(self) -> Scenario {
        match self {
            Design::OneServer => simple_stack(),
            Design::Redundant => redundant_stack(),
            Design::Secured => secured_stack(),
            Design::ScaledUp => scaled_stack(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Design::OneServer => "One server",
            Design::Redundant => "Redundant design",
            Design::Secured => "Secured (HTTPS)",
            Design::ScaledUp => "Scaled up (VRRP + tiers)",
        }
    }

    /// A stable name for element ids and links.
    pub fn id(self) -> &'static str {
        match self {
            Design::OneServer => "single",
            Design::Redundant => "redundant",
            Design::Secured => "secured",
            Design::ScaledUp => "scaled",
        }
    }
}
