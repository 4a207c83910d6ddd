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
    /// One server, or the redundant design.
    #[serde(default)]
    pub topology: Topology,
    /// When the database is dumped to the backup machine.
    #[serde(default)]
    pub backups: BackupSchedule,
}

/// When the database is dumped to another machine (`mysqldump
/// --single-transaction`, run by cron): at `at_min` minutes after midnight,
/// then every `every_min` minutes, day after day. The simulator takes the
/// dumps as the session's clock passes them ([`crate::backup`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSchedule {
    pub at_min: u16,
    pub every_min: u16,
}

impl Default for BackupSchedule {
    /// Nightly at 02:00.
    fn default() -> Self {
        BackupSchedule {
            at_min: 120,
            every_min: 1440,
        }
    }
}

/// How the site is deployed.
// One per world, never in a collection or on a hot path: boxing the
// cluster would only add an indirection to every match on it.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Topology {
    /// Everything on one machine: [`Scenario::server`].
    #[default]
    Single,
    /// A load balancer, several web servers and a replicated database.
    /// The web servers all run the Nginx configuration, document root and
    /// application described by [`Scenario::server`]; their process states
    /// are their own.
    Redundant(Cluster),
}

/// How the load balancer picks a web server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Algorithm {
    /// Each server in turn.
    RoundRobin,
    /// The server with the fewest requests in flight.
    LeastConnections,
}

/// The load balancer (HAProxy-like, HTTP mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancer {
    /// Its public address: DNS points here.
    pub ip: Ipv4Addr,
    pub hostname: String,
    pub powered_on: bool,
    pub algorithm: Algorithm,
    /// How often it sends `GET /health` to every web server.
    pub health_check_interval_us: u64,
    /// Consecutive failed checks before a server is taken out of rotation.
    pub fall: u32,
    /// Consecutive passed checks before it is put back.
    pub rise: u32,
    /// How long it waits for a web server to accept a connection.
    pub connect_timeout_us: u64,
    /// Network delay between the load balancer and a web server, one way.
    pub lan_us: u64,
    /// HTTPS, terminated here (the secured design); `None`: port 80 only.
    #[serde(default)]
    pub https: Option<Box<Https>>,
}

/// HTTPS on the load balancer: it holds the certificate and its key, does
/// the TLS handshake with the browser and speaks plain HTTP to the web
/// servers behind it (TLS termination).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Https {
    /// Something listens on port 443.
    pub listening: bool,
    /// `http://` is answered with a 301 to the same address on `https://`.
    pub redirect_http: bool,
    pub certificate: Certificate,
}

/// The site's certificate, issued by the simulation's own certificate
/// authority (which the simulated browser trusts, as a real browser trusts
/// the public ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The names it is valid for (its subjectAltName DNS names).
    pub names: Vec<String>,
    /// First day of validity, `YYYY-MM-DD`, from 00:00 UTC.
    pub not_before: String,
    /// Last moment of validity: `YYYY-MM-DD` at 00:00 UTC.
    pub not_after: String,
}

impl Certificate {
    /// The certificate the secured design starts with: 90 days, like
    /// Let's Encrypt's, for the apex and `www`.
    pub fn valid() -> Self {
        Certificate {
            names: vec!["www.foobar.com".into(), "foobar.com".into()],
            not_before: "2025-12-15".into(),
            not_after: "2026-03-15".into(),
        }
    }

    /// One that ran out the day before the simulation's first day.
    pub fn expired() -> Self {
        Certificate {
            not_before: "2025-10-02".into(),
            not_after: "2025-12-31".into(),
            ..Certificate::valid()
        }
    }

    /// One issued for the apex only: `www.foobar.com` is not on it.
    pub fn apex_only() -> Self {
        Certificate {
            names: vec!["foobar.com".into()],
            ..Certificate::valid()
        }
    }
}

/// Seconds since 1970 of `YYYY-MM-DD` at 00:00 UTC, for years 1970 to
/// 9999; anything else gets a message for the learner.
pub fn utc_day(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "\"{}\" is not a date written YYYY-MM-DD (for example 2026-03-15).",
            crate::text::clip(text, 24)
        )
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let num = |t: &str| {
        t.parse::<i64>()
            .ok()
            .filter(|_| t.bytes().all(|b| b.is_ascii_digit()))
    };
    let (Some(y), Some(m), Some(d)) = (num(y), num(m), num(d)) else {
        return Err(bad());
    };
    if y < 1970 {
        return Err(format!(
            "{y} is before 1970, where certificate times in this simulation begin."
        ));
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) {
        return Err(format!(
            "Month {m} does not exist: months run from 01 to 12."
        ));
    }
    if d < 1 || d > days_in[(m - 1) as usize] {
        return Err(format!("{y}-{m:02} has no day {d}."));
    }
    // Days from civil (Howard Hinnant's algorithm).
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

/// One web server of the redundant design: Nginx and the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebNode {
    pub hostname: String,
    pub ip: Ipv4Addr,
    pub powered_on: bool,
    pub nginx: ProcessState,
    pub app: ProcessState,
    /// In the load balancer's rotation (an operator drains a server by
    /// setting this to false before working on it).
    pub enabled: bool,
    /// A standby (HAProxy's `backup`): sent requests only while no other
    /// server is up, which makes the pair active-passive.
    #[serde(default)]
    pub backup: bool,
    /// The application's container image it runs.
    #[serde(default)]
    pub release: Release,
}

/// A build of the application, shipped as the container image
/// `foobar/app:<tag>`; a server runs one container of it. The releases are
/// the deploy pipeline's cast: what the servers run first, a good one, and
/// one that passes its tests but cannot start on a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Release {
    #[default]
    V1,
    V2,
    /// Reads a setting (`CACHE_URL`) that the test runner sets and the
    /// servers do not: its container exits as soon as it starts there.
    V3,
}

impl Release {
    pub const ALL: [Release; 3] = [Release::V1, Release::V2, Release::V3];

    pub fn tag(self) -> &'static str {
        match self {
            Release::V1 => "v1",
            Release::V2 => "v2",
            Release::V3 => "v3",
        }
    }

    /// `foobar/app:v2`.
    pub fn image(self) -> String {
        format!("{IMAGE_REPO}:{}", self.tag())
    }

    /// Its container keeps running on a web server (v3 exits at start).
    pub fn starts_on_a_server(self) -> bool {
        self != Release::V3
    }
}

/// The repository of the application's images.
pub const IMAGE_REPO: &str = "foobar/app";

/// An application machine of the split design: the application server's
/// container alone, reached by the web servers' Nginx over the private
/// network (its `upstream`, [`UPSTREAM`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppNode {
    pub hostname: String,
    pub ip: Ipv4Addr,
    pub powered_on: bool,
    pub app: ProcessState,
    pub release: Release,
}

/// The name of the web servers' `upstream` block in the split design:
/// `proxy_pass http://app_servers;` sends a request to one of the
/// application machines ([`Cluster::app_tier`]).
pub const UPSTREAM: &str = "app_servers";

/// The port the application listens on, on its own machine.
pub const APP_PORT: u16 = 8000;

/// A database machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbNode {
    pub hostname: String,
    pub ip: Ipv4Addr,
    pub state: ProcessState,
}

/// The redundant design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub lb: LoadBalancer,
    pub web: Vec<WebNode>,
    /// Takes every write, and reads when there is no usable replica.
    pub db_primary: DbNode,
    /// Takes reads; replays the primary's writes after a delay.
    pub db_replica: DbNode,
    /// How far the replica trails the primary.
    pub replication_lag_us: u64,
    /// How long after the primary stops the replica is promoted to primary.
    pub promote_after_us: u64,
    /// Host firewalls (the secured design): a machine without one lets
    /// every connection in.
    #[serde(default)]
    pub firewalls: Vec<HostFirewall>,
    /// A second balancer sharing the public address by VRRP (the scaled-up
    /// design); `None`: the balancer is alone.
    #[serde(default)]
    pub pair: Option<Box<LbPair>>,
    /// The application machines (the scaled-up design's split tiers): the
    /// web servers then run Nginx only, and the faults and deploys of an
    /// application server act here. Empty: each web server runs its own.
    #[serde(default)]
    pub app_tier: Vec<AppNode>,
}

/// The balancer's twin: the same configuration on a second machine, a
/// standby that takes the floating address (`lb.ip`) over by VRRP when it
/// stops hearing the active one ([`crate::net::vrrp`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LbPair {
    pub hostname: String,
    pub powered_on: bool,
    /// Its own address on the private network, where its connections to the
    /// web servers come from.
    pub inside_ip: Ipv4Addr,
    /// keepalived's `advert_int`: how often the Master advertises.
    pub advert_interval_us: u64,
    /// The active balancer's VRRP priority (1 to 254; the higher wins).
    pub priority_active: u8,
    /// The standby's.
    pub priority_standby: u8,
}

impl LbPair {
    /// keepalived's defaults: an advert every second; priorities 150 and 100.
    pub fn standard() -> Self {
        LbPair {
            hostname: "lb-02".into(),
            powered_on: true,
            inside_ip: Ipv4Addr::new(10, 0, 0, 3),
            advert_interval_us: 1_000_000,
            priority_active: 150,
            priority_standby: 100,
        }
    }
}

/// The load balancer's address on the private network, where its
/// connections to the web servers come from.
pub const LB_INSIDE_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

/// One machine's firewall: its input chain as nftables text
/// ([`crate::firewall`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostFirewall {
    /// The machine's hostname (`lb-01`, `web-01`, `db-01`, …).
    pub host: String,
    pub rules: String,
}

impl Cluster {
    /// The firewall rules of a machine, read; `None` when it has none (or
    /// they do not read, which validation refuses before a world is built).
    pub fn firewall(&self, host: &str) -> Option<crate::firewall::Ruleset> {
        self.firewalls
            .iter()
            .find(|f| f.host == host)
            .and_then(|f| crate::firewall::parse(&f.rules).ok())
    }

    /// True when the application runs on machines of its own.
    pub fn split(&self) -> bool {
        !self.app_tier.is_empty()
    }

    /// With split tiers: some application machine would answer Nginx on
    /// the web server at `from` (on, running, its firewall letting the
    /// connection to [`APP_PORT`] in). Nginx tries the next one when a
    /// connection fails, so one is enough.
    pub fn app_tier_answers(&self, from: Ipv4Addr) -> bool {
        self.app_tier.iter().any(|a| {
            a.powered_on
                && a.app == ProcessState::Running
                && self
                    .firewall(&a.hostname)
                    .is_none_or(|r| r.seen(from, APP_PORT, true) == crate::firewall::Seen::Open)
        })
    }
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
    /// How long the browser itself waits for a connection (Chromium: 4
    /// minutes); the operating system usually gives up first.
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
    /// The application's container image it runs.
    #[serde(default)]
    pub release: Release,
    /// Its only disk has failed: the machine is down and what was on the
    /// disk (the database's files among it) is gone.
    #[serde(default)]
    pub disk_failed: bool,
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
    /// SQL statements the learner ran in the console that changed data,
    /// replayed in order after the rows above.
    #[serde(default)]
    pub statements: Vec<String>,
}

/// A fault the learner can inject; each is a small edit of the scenario.
///
/// In the redundant design, the server faults hit the first web server
/// (`web-01`) and the database fault hits the primary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    ServerPoweredOff,
    NginxStopped,
    AppStopped,
    AppRestarting,
    AppHung,
    DatabaseStopped,
    /// The single server's disk fails: the machine goes down and its data
    /// is lost; the repair is a new disk and the last backup.
    DiskFailed,
    /// The `www` CNAME and the apex A record are deleted.
    DnsRecordMissing,
    /// The apex A record points at someone else's server.
    DnsWrongIp,
    /// The load balancer is powered off (redundant design only).
    LoadBalancerOff,
    /// The scaled-up design's standby balancer (`lb-02`) loses power.
    StandbyLbOff,
    /// The read replica is stopped (redundant design only).
    ReplicaStopped,
    /// The load balancer presents a certificate that has expired (HTTPS only).
    CertificateExpired,
    /// The load balancer presents a certificate for `foobar.com` only.
    CertificateWrongName,
    /// Nothing listens on port 443 any more (HTTPS only).
    HttpsClosed,
    /// The first application machine loses power (split tiers only).
    AppMachineOff,
}

impl Fault {
    pub const ALL: [Fault; 16] = [
        Fault::ServerPoweredOff,
        Fault::NginxStopped,
        Fault::AppStopped,
        Fault::AppRestarting,
        Fault::AppHung,
        Fault::DatabaseStopped,
        Fault::DiskFailed,
        Fault::DnsRecordMissing,
        Fault::DnsWrongIp,
        Fault::LoadBalancerOff,
        Fault::StandbyLbOff,
        Fault::ReplicaStopped,
        Fault::CertificateExpired,
        Fault::CertificateWrongName,
        Fault::HttpsClosed,
        Fault::AppMachineOff,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Fault::ServerPoweredOff => "Server powered off",
            Fault::NginxStopped => "Nginx stopped",
            Fault::AppStopped => "Application server stopped",
            Fault::AppRestarting => "Application server restarting",
            Fault::AppHung => "Application server hung",
            Fault::DatabaseStopped => "Database stopped",
            Fault::DiskFailed => "Server's disk failed",
            Fault::DnsRecordMissing => "DNS records deleted",
            Fault::DnsWrongIp => "DNS points at a wrong IP",
            Fault::LoadBalancerOff => "Load balancer powered off",
            Fault::StandbyLbOff => "Standby load balancer powered off",
            Fault::ReplicaStopped => "Replica database stopped",
            Fault::CertificateExpired => "Certificate expired",
            Fault::CertificateWrongName => "Certificate for another name",
            Fault::HttpsClosed => "Nothing listening on port 443",
            Fault::AppMachineOff => "An application machine powered off",
        }
    }

    /// Whether the fault means anything in a topology.
    pub fn applies_to(self, topology: &Topology) -> bool {
        match self {
            Fault::LoadBalancerOff | Fault::ReplicaStopped => {
                matches!(topology, Topology::Redundant(_))
            }
            Fault::StandbyLbOff => matches!(topology, Topology::Redundant(c) if c.pair.is_some()),
            Fault::AppMachineOff => matches!(topology, Topology::Redundant(c) if c.split()),
            Fault::DiskFailed => matches!(topology, Topology::Single),
            Fault::CertificateExpired | Fault::CertificateWrongName | Fault::HttpsClosed => {
                matches!(topology, Topology::Redundant(c) if c.lb.https.is_some())
            }
            _ => true,
        }
    }

    /// The change that injects this fault.
    pub fn change(self) -> Change {
        use ProcessState::*;
        match self {
            Fault::ServerPoweredOff => Change::ServerPower(None, false),
            Fault::NginxStopped => Change::Nginx(None, Stopped),
            Fault::AppStopped => Change::App(None, Stopped),
            Fault::AppRestarting => Change::App(None, Restarting),
            Fault::AppHung => Change::App(None, Hung),
            Fault::DatabaseStopped => Change::Database(Stopped),
            Fault::DiskFailed => Change::Disk(true),
            Fault::DnsRecordMissing => Change::DnsRecordMissing,
            Fault::DnsWrongIp => Change::DnsWrongIp,
            Fault::LoadBalancerOff => Change::LbPower(false),
            Fault::StandbyLbOff => Change::StandbyLbPower(false),
            Fault::ReplicaStopped => Change::Replica(Stopped),
            Fault::CertificateExpired => Change::Certificate(Some(CertFault::Expired)),
            Fault::CertificateWrongName => Change::Certificate(Some(CertFault::ApexOnly)),
            Fault::HttpsClosed => Change::Https(false),
            Fault::AppMachineOff => Change::AppPower(0, false),
        }
    }

    /// Applies the fault to a scenario.
    pub fn apply(self, s: &mut Scenario) {
        self.change().apply_to(s);
    }
}

/// One edit of the running world. `None` for a web server means the single
/// server in the simple design and `web-01` in the redundant one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// Everything back as the world was built.
    Restore,
    ServerPower(Option<u8>, bool),
    Nginx(Option<u8>, ProcessState),
    App(Option<u8>, ProcessState),
    /// Put a web server in or out of the load balancer's rotation.
    Rotation(u8, bool),
    /// The single server's database, or the redundant design's primary.
    Database(ProcessState),
    Replica(ProcessState),
    LbPower(bool),
    /// The scaled-up design's standby balancer (`lb-02`) on or off.
    StandbyLbPower(bool),
    /// An application machine of the split tiers (0-based) on or off.
    AppPower(u8, bool),
    /// The single server's disk fails (`true`), or (`false`) is replaced
    /// and the database loaded from the last backup, the world's data as
    /// the session began (handled by the simulator: what was written since
    /// is lost).
    Disk(bool),
    DnsRecordMissing,
    DnsWrongIp,
    /// The DNS zones back as the world was built (handled by the simulator).
    DnsRestore,
    /// Port 443 open or closed on the load balancer.
    Https(bool),
    /// The load balancer's certificate swapped for a faulty one, or (`None`)
    /// back as the world was built (handled by the simulator).
    Certificate(Option<CertFault>),
    /// A web server's (the single server's: `None`) application container
    /// replaced by one of this release, now started: running, or exited at
    /// once when the release cannot start there.
    Deploy(Option<u8>, Release),
    /// The database's backups run on this schedule from now on (an edit,
    /// not a fault: kept by [`Change::Restore`]; handled by the simulator).
    Backups(BackupSchedule),
    /// The redundant design's last web server becomes a standby (HAProxy's
    /// `backup`: active-passive), or (`false`) serves beside the others
    /// (active-active). An edit of the design, kept by [`Change::Restore`].
    Standby(bool),
}

/// A faulty certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertFault {
    /// [`Certificate::expired`].
    Expired,
    /// [`Certificate::apex_only`].
    ApexOnly,
}

impl Change {
    /// True for the changes that edit DNS data (or restore it).
    pub fn touches_dns(self) -> bool {
        matches!(
            self,
            Change::DnsRecordMissing | Change::DnsWrongIp | Change::DnsRestore | Change::Restore
        )
    }

    /// The change that undoes this one on its own, if there is one (a DNS
    /// fault is undone by [`Change::DnsRestore`], which restores every zone).
    pub fn repair(self) -> Option<Change> {
        use ProcessState::Running;
        match self {
            Change::ServerPower(n, _) => Some(Change::ServerPower(n, true)),
            Change::Nginx(n, _) => Some(Change::Nginx(n, Running)),
            Change::App(n, _) => Some(Change::App(n, Running)),
            Change::Database(_) => Some(Change::Database(Running)),
            Change::Replica(_) => Some(Change::Replica(Running)),
            Change::LbPower(_) => Some(Change::LbPower(true)),
            Change::StandbyLbPower(_) => Some(Change::StandbyLbPower(true)),
            Change::AppPower(n, _) => Some(Change::AppPower(n, true)),
            Change::Disk(_) => Some(Change::Disk(false)),
            Change::Rotation(n, _) => Some(Change::Rotation(n, true)),
            Change::DnsRecordMissing | Change::DnsWrongIp => Some(Change::DnsRestore),
            Change::Https(_) => Some(Change::Https(true)),
            Change::Certificate(Some(_)) => Some(Change::Certificate(None)),
            Change::Deploy(n, _) => Some(Change::Deploy(n, Release::V1)),
            Change::Restore
            | Change::DnsRestore
            | Change::Certificate(None)
            | Change::Backups(_)
            | Change::Standby(_) => None,
        }
    }

    /// Edits the scenario. (`Restore` needs the original world and is
    /// handled by the simulator; here it does nothing.)
    pub fn apply_to(self, s: &mut Scenario) {
        fn web(s: &mut Scenario, node: Option<u8>) -> Option<&mut WebNode> {
            match &mut s.topology {
                Topology::Redundant(c) => c.web.get_mut(usize::from(node.unwrap_or(0))),
                Topology::Single => None,
            }
        }
        // With split tiers, the application's changes act on its machines.
        fn app_node(s: &mut Scenario, node: Option<u8>) -> Option<&mut AppNode> {
            match &mut s.topology {
                Topology::Redundant(c) => c.app_tier.get_mut(usize::from(node.unwrap_or(0))),
                Topology::Single => None,
            }
        }
        match self {
            Change::Restore | Change::DnsRestore | Change::Certificate(None) => {}
            Change::Backups(b) => s.backups = b,
            Change::Standby(on) => {
                if let Topology::Redundant(c) = &mut s.topology {
                    let last = c.web.len().saturating_sub(1);
                    for (i, w) in c.web.iter_mut().enumerate() {
                        w.backup = on && i == last && last > 0;
                    }
                }
            }
            Change::Https(on) => {
                if let Topology::Redundant(c) = &mut s.topology {
                    if let Some(h) = &mut c.lb.https {
                        h.listening = on;
                    }
                }
            }
            Change::Certificate(Some(fault)) => {
                if let Topology::Redundant(c) = &mut s.topology {
                    if let Some(h) = &mut c.lb.https {
                        h.certificate = match fault {
                            CertFault::Expired => Certificate::expired(),
                            CertFault::ApexOnly => Certificate::apex_only(),
                        };
                    }
                }
            }
            Change::ServerPower(node, on) => match web(s, node) {
                Some(w) => w.powered_on = on,
                None if node.is_none() => s.server.powered_on = on,
                None => {}
            },
            Change::Nginx(node, state) => match web(s, node) {
                Some(w) => w.nginx = state,
                None if node.is_none() => s.server.nginx = state,
                None => {}
            },
            Change::App(node, state) => {
                if let Some(a) = app_node(s, node) {
                    a.app = state;
                    return;
                }
                match web(s, node) {
                    Some(w) => w.app = state,
                    None if node.is_none() => s.server.app = state,
                    None => {}
                }
            }
            Change::AppPower(n, on) => {
                if let Some(a) = app_node(s, Some(n)) {
                    a.powered_on = on;
                }
            }
            Change::Rotation(node, enabled) => {
                if let Some(w) = web(s, Some(node)) {
                    w.enabled = enabled;
                }
            }
            Change::Deploy(node, release) => {
                let app = if release.starts_on_a_server() {
                    ProcessState::Running
                } else {
                    ProcessState::Stopped
                };
                if let Some(a) = app_node(s, node) {
                    a.release = release;
                    a.app = app;
                    return;
                }
                match web(s, node) {
                    Some(w) => {
                        w.release = release;
                        w.app = app;
                    }
                    None if node.is_none() => {
                        s.server.release = release;
                        s.server.app = app;
                    }
                    None => {}
                }
            }
            Change::Database(state) => match &mut s.topology {
                Topology::Redundant(c) => c.db_primary.state = state,
                Topology::Single => s.server.database = state,
            },
            Change::Replica(state) => {
                if let Topology::Redundant(c) = &mut s.topology {
                    c.db_replica.state = state;
                }
            }
            Change::LbPower(on) => {
                if let Topology::Redundant(c) = &mut s.topology {
                    c.lb.powered_on = on;
                }
            }
            Change::Disk(failed) => {
                if matches!(s.topology, Topology::Single) {
                    s.server.disk_failed = failed;
                }
            }
            Change::StandbyLbPower(on) => {
                if let Topology::Redundant(Cluster {
                    pair: Some(pair), ..
                }) = &mut s.topology
                {
                    pair.powered_on = on;
                }
            }
            Change::DnsRecordMissing => {
                for z in &mut s.dns.zones {
                    let origin = z.origin.clone();
                    let www = format!("www.{origin}");
                    z.records.retain(|r| r.name != origin && r.name != www);
                }
            }
            Change::DnsWrongIp => {
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
