//! The scenario: everything the simulated world is made of, as plain data.
//!
//! DNS zones, the server's processes and their state, Nginx's configuration,
//! the database's seed rows and the modelled latencies all live here, so a
//! fault or an edit is a change to data, never to code.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

/// The whole simulated world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// Seed for every modelled random choice (network jitter, ports, DNS IDs).
    pub seed: u64,
    pub client: Client,
    pub latency: Latency,
    pub dns: Dns,
    pub server: Server,
    /// Machines on the internet that are not ours.
    pub other_hosts: Vec<OtherHost>,
    pub data: SeedData,
}

/// The learner's computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// The public address the server sees.
    pub ip: Ipv4Addr,
    pub user_agent: String,
}

/// Modelled costs. Network figures are one-way delays in µs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    pub client_to_resolver_us: u64,
    pub resolver_to_root_us: u64,
    pub resolver_to_tld_us: u64,
    pub resolver_to_auth_us: u64,
    pub client_to_server_us: u64,
    /// Between processes on the server (Nginx → app → database).
    pub loopback_us: u64,
    /// Download speed of the learner's connection, bytes per millisecond.
    pub bandwidth_bytes_per_ms: u64,
    /// Jitter applied to network delays, in percent (0 to 50).
    pub jitter_pct: u8,
    /// Nginx's work per request.
    pub nginx_us: u64,
    /// Reading a static file from disk (page cache).
    pub static_file_us: u64,
    /// The application's fixed work per request (routing, framework).
    pub app_us: u64,
    /// Rendering HTML, per KiB produced.
    pub render_us_per_kib: u64,
    /// Fixed cost of one SQL query (protocol, parse, plan).
    pub db_query_us: u64,
    /// Cost of 1,000 SQLite virtual-machine steps.
    pub db_us_per_kilo_step: u64,
    /// How long the browser tries to connect before giving up.
    pub connect_timeout_us: u64,
    /// Nginx's `proxy_read_timeout`.
    pub proxy_read_timeout_us: u64,
    /// Time the browser takes to parse and paint the page, per KiB.
    pub render_page_us_per_kib: u64,
}

/// A DNS resource record's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordData {
    A(Ipv4Addr),
    Aaaa(std::net::Ipv6Addr),
    /// The canonical name, without a trailing dot.
    Cname(String),
}

/// A DNS resource record in a zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The owner name, fully qualified, without a trailing dot.
    pub name: String,
    pub ttl: u32,
    pub data: RecordData,
}

/// A zone served by an authoritative name server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// The zone's apex, e.g. `foobar.com`.
    pub origin: String,
    /// The name server's host name, e.g. `ns1.foobar.com`.
    pub ns_name: String,
    pub ns_ip: Ipv4Addr,
    /// TTL of the delegation (NS) records in the parent zone.
    pub ns_ttl: u32,
    /// The SOA minimum: how long a resolver may cache "no such name".
    pub negative_ttl: u32,
    pub records: Vec<Record>,
}

/// The DNS system: the root, the TLDs it delegates and the zones below them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dns {
    /// Top-level domains the root delegates (`com`, `net`, ...).
    pub tlds: Vec<String>,
    /// TTL of TLD delegations (NS records in the root zone).
    pub tld_ns_ttl: u32,
    /// Negative TTL of the root and TLD zones.
    pub tld_negative_ttl: u32,
    /// Zones delegated from a TLD to an authoritative server.
    pub zones: Vec<Zone>,
}

/// The state of a process on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessState {
    Running,
    Stopped,
    /// Starting up again after a deploy; not yet accepting connections.
    Restarting,
    /// Accepts connections but never answers (stuck, overloaded).
    Hung,
}

/// How Nginx matches a `location`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Modifier {
    /// `location = /path`
    Exact,
    /// `location /path`
    Prefix,
    /// `location ^~ /path`
    PrefixNoRegex,
    /// `location ~ regex`
    Regex,
    /// `location ~* regex`
    RegexCaseless,
}

impl Modifier {
    /// The modifier as written in nginx's configuration.
    pub fn syntax(self) -> &'static str {
        match self {
            Modifier::Exact => "= ",
            Modifier::Prefix => "",
            Modifier::PrefixNoRegex => "^~ ",
            Modifier::Regex => "~ ",
            Modifier::RegexCaseless => "~* ",
        }
    }
}

/// What a `location` does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocationAction {
    /// Serve files from the server's document root.
    Static,
    /// `proxy_pass http://ADDR;` to the application server.
    Proxy { upstream: String },
    /// `return CODE "text";`
    Return { status: u16, text: String },
}

/// A `location` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub modifier: Modifier,
    pub pattern: String,
    pub action: LocationAction,
}

/// Nginx's `server` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NginxConfig {
    pub listen: u16,
    pub server_name: Vec<String>,
    pub root: String,
    pub locations: Vec<Location>,
}

/// A file in Nginx's document root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticFile {
    /// The URL path, e.g. `/static/style.css`.
    pub path: String,
    pub content_type: String,
    pub body: String,
}

/// The one server, `8.8.8.8`, and what runs on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Server {
    pub ip: Ipv4Addr,
    pub hostname: String,
    pub powered_on: bool,
    pub nginx: ProcessState,
    pub nginx_config: NginxConfig,
    pub app: ProcessState,
    /// Where the application server listens, e.g. `127.0.0.1:8000`.
    pub app_listen: String,
    pub database: ProcessState,
    pub docroot: Vec<StaticFile>,
}

/// A web server on the internet that is not ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherHost {
    pub ip: Ipv4Addr,
    pub description: String,
    /// The page it answers every request with.
    pub page_title: String,
    pub page_html: String,
}

/// A user row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub bio: String,
}

/// A post row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub author_id: i64,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
}

/// A configuration row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
}

/// The rows the database starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedData {
    pub users: Vec<User>,
    pub posts: Vec<Post>,
    pub settings: Vec<Setting>,
}

/// A fault the learner can inject; each is a small edit of the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    ServerPoweredOff,
    NginxStopped,
    AppStopped,
    AppRestarting,
    AppHung,
    DatabaseStopped,
    /// The `www` CNAME and the apex A record are deleted.
    DnsRecordMissing,
    /// The apex A record points at someone else's server.
    DnsWrongIp,
}

impl Fault {
    pub const ALL: [Fault; 8] = [
        Fault::ServerPoweredOff,
        Fault::NginxStopped,
        Fault::AppStopped,
        Fault::AppRestarting,
        Fault::AppHung,
        Fault::DatabaseStopped,
        Fault::DnsRecordMissing,
        Fault::DnsWrongIp,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Fault::ServerPoweredOff => "Server powered off",
            Fault::NginxStopped => "Nginx stopped",
            Fault::AppStopped => "Application server stopped",
            Fault::AppRestarting => "Application server restarting",
            Fault::AppHung => "Application server hung",
            Fault::DatabaseStopped => "Database stopped",
            Fault::DnsRecordMissing => "DNS records deleted",
            Fault::DnsWrongIp => "DNS points at a wrong IP",
        }
    }

    /// Applies the fault to a scenario.
    pub fn apply(self, s: &mut Scenario) {
        match self {
            Fault::ServerPoweredOff => s.server.powered_on = false,
            Fault::NginxStopped => s.server.nginx = ProcessState::Stopped,
            Fault::AppStopped => s.server.app = ProcessState::Stopped,
            Fault::AppRestarting => s.server.app = ProcessState::Restarting,
            Fault::AppHung => s.server.app = ProcessState::Hung,
            Fault::DatabaseStopped => s.server.database = ProcessState::Stopped,
            Fault::DnsRecordMissing => {
                for z in &mut s.dns.zones {
                    let origin = z.origin.clone();
                    z.records
                        .retain(|r| !(r.name == origin || r.name == format!("www.{origin}")));
                }
            }
            Fault::DnsWrongIp => {
                let wrong = s
                    .other_hosts
                    .first()
                    .map(|h| h.ip)
                    .unwrap_or(Ipv4Addr::new(203, 0, 113, 99));
                for z in &mut s.dns.zones {
                    let origin = z.origin.clone();
                    for r in &mut z.records {
                        if r.name == origin {
                            if let RecordData::A(ip) = &mut r.data {
                                *ip = wrong;
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Default for Scenario {
    /// The simple web stack of the lesson: one server at 8.8.8.8.
    fn default() -> Self {
        crate::seed::simple_stack()
    }
}
