//! The load balancer: health checks, choosing a web server, and retrying another.

use std::net::Ipv4Addr;

use crate::browser::Target;
use crate::firewall::{Blocked, Ruleset, Seen};
use crate::http::{http_date, parse_request, Response};
use crate::scenario::{Algorithm, Cluster, ProcessState, WebNode};
use crate::server::db::DbRoute;
use crate::server::nginx::Router;
use crate::server::upstream::{Tier, Upstream};
use crate::server::{respond, send_request, serve, Host, Served};
use crate::sim::{spec, Ctx, Ending};
use crate::trace::{Component, Payload, Phase, Status};

/// The load balancer's address on the private network, as web servers see it.
pub const INSIDE_IP: Ipv4Addr = crate::scenario::LB_INSIDE_IP;

/// At most this many health-check rounds are replayed when time jumps ahead;
/// older rounds cannot change the outcome once every server has been checked
/// more than `fall` and `rise` times.
const MAX_REPLAYED_ROUNDS: u64 = 64;

/// What the load balancer believes about one web server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub up: bool,
    fails: u32,
    passes: u32,
    /// The time of the health check that last changed `up` (session µs; 0: never changed).
    pub since_us: u64,
}

/// The load balancer's memory: health of each server, whose turn it is, and
/// the requests in flight.
#[derive(Debug, Clone, Default)]
pub struct LbState {
    pub health: Vec<Health>,
    next_check_us: u64,
    rr: usize,
    /// For each server, when its requests in flight finish (session µs).
    busy_until: Vec<Vec<u64>>,
    /// Each web server's Nginx's upstream group (split tiers).
    upstream: Vec<Upstream>,
}

/// A health check passes when `GET /health` gets a 200: the machine is on,
/// its firewall lets the balancer's connection to port 80 through, Nginx
/// answers and the application behind it answers (with split tiers, one of
/// the application machines: Nginx tries the next when one fails).
pub fn check_passes(cluster: &Cluster, node: &WebNode, firewall: Option<&Ruleset>) -> bool {
    let app = if cluster.split() {
        cluster.app_tier_answers(node.ip)
    } else {
        node.app == ProcessState::Running
    };
    node.powered_on
        && node.nginx == ProcessState::Running
        && app
        && firewall.is_none_or(|r| r.seen(INSIDE_IP, 80, true) == Seen::Open)
}

fn algorithm_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::RoundRobin => "roundrobin",
        Algorithm::LeastConnections => "leastconn",
    }
}

impl LbState {
    pub fn new(cluster: &Cluster) -> Self {
        LbState {
            health: cluster
                .web
                .iter()
                .map(|_| Health {
                    up: true,
                    fails: 0,
                    passes: 0,
                    since_us: 0,
                })
                .collect(),
            next_check_us: cluster.lb.health_check_interval_us.max(1),
            rr: 0,
            busy_until: vec![Vec::new(); cluster.web.len()],
            upstream: vec![Upstream::default(); cluster.web.len()],
        }
    }

    /// Runs every health check due up to `to_us`, against the servers' current state.
    pub fn advance(&mut self, cluster: &Cluster, to_us: u64) {
        let interval = cluster.lb.health_check_interval_us.max(1);
        if self.next_check_us <= to_us {
            let rounds = (to_us - self.next_check_us) / interval + 1;
            if rounds > MAX_REPLAYED_ROUNDS {
                self.next_check_us += (rounds - MAX_REPLAYED_ROUNDS) * interval;
            }
        }
        // The servers do not change while the checks are replayed: each
        // one's verdict (its firewall read, the application tier asked) is
        // worked out once.
        let passes: Vec<bool> = if self.next_check_us <= to_us {
            cluster
                .web
                .iter()
                .map(|w| check_passes(cluster, w, cluster.firewall(&w.hostname).as_ref()))
                .collect()
        } else {
            Vec::new()
        };
        while self.next_check_us <= to_us {
            let at = self.next_check_us;
            for (h, &passed) in self.health.iter_mut().zip(&passes) {
                if passed {
                    h.fails = 0;
                    h.passes = h.passes.saturating_add(1);
                    if !h.up && h.passes >= cluster.lb.rise {
                        h.up = true;
                        h.since_us = at;
                    }
                } else {
                    h.passes = 0;
                    h.fails = h.fails.saturating_add(1);
                    if h.up && h.fails >= cluster.lb.fall {
                        h.up = false;
                        h.since_us = at;
                    }
                }
            }
            self.next_check_us += interval;
        }
    }

    fn in_flight(&self, i: usize, at_us: u64) -> usize {
        self.busy_until
            .get(i)
            .map_or(0, |v| v.iter().filter(|&&end| end > at_us).count())
    }

    /// Chooses a server among those in rotation and believed healthy.
    ///
    /// Standbys (`backup`) take requests only while no other server is up,
    /// as HAProxy's `backup` servers: "only used in load balancing when all
    /// other non-backup servers are unavailable" (HAProxy configuration
    /// manual, 5.2, `backup`), the first of them only (without `option
    /// allbackups`). A server excluded for this request (it just failed
    /// it) still counts as up until its health checks say otherwise, so a
    /// retry does not reach the standby before the failover.
    fn pick(&mut self, cluster: &Cluster, at_us: u64, exclude: &[usize]) -> Option<usize> {
        let n = cluster.web.len();
        let up = |i: usize| cluster.web[i].enabled && self.health.get(i).is_some_and(|h| h.up);
        let active_up = (0..n).any(|i| !cluster.web[i].backup && up(i));
        let first_backup = (0..n).find(|&i| cluster.web[i].backup && up(i));
        let usable = |i: usize| {
            up(i)
                && !exclude.contains(&i)
                && if active_up {
                    !cluster.web[i].backup
                } else {
                    Some(i) == first_backup
                }
        };
        let order: Vec<usize> = (0..n).map(|k| (self.rr + k) % n.max(1)).collect();
        let choice = match cluster.lb.algorithm {
            Algorithm::RoundRobin => order.into_iter().find(|&i| usable(i)),
            Algorithm::LeastConnections => order
                .into_iter()
                .filter(|&i| usable(i))
                .min_by_key(|&i| self.in_flight(i, at_us)),
        };
        if let Some(i) = choice {
            self.rr = (i + 1) % n.max(1);
        }
        choice
    }

    fn describe(&self, cluster: &Cluster, at_us: u64) -> Vec<String> {
        cluster
            .web
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let health = if self.health.get(i).is_some_and(|h| h.up) {
                    "healthy"
                } else {
                    "DOWN (failed its health checks)"
                };
                let rotation = match (w.enabled, w.backup) {
                    (true, false) => "in rotation",
                    (true, true) => "standby (takes requests only while no other server is up)",
                    (false, _) => "drained",
                };
                format!(
                    "{} {}: {health}, {rotation}, {} in flight",
                    w.hostname,
                    w.ip,
                    self.in_flight(i, at_us)
                )
            })
            .collect()
    }

    /// Remembers that server `i` is busy until `end_us`.
    fn occupy(&mut self, i: usize, start_us: u64, end_us: u64) {
        if let Some(v) = self.busy_until.get_mut(i) {
            v.retain(|&e| e > start_us);
            v.push(end_us);
        }
    }
}

fn haproxy_page(status: u16, text: &str) -> String {
    format!(
        "<html><body><h1>{status} {}</h1>\n{text}\n</body></html>\n",
        crate::http::reason(status)
    )
}

/// HAProxy's `http-request redirect scheme https code 301`: the same
/// address on `https://`, answered by the balancer itself. HAProxy writes
/// its own responses with lower-case header names and no body.
fn redirect_to_https(ctx: &mut Ctx, target: &Target) -> Ending {
    let location = format!("https://{}{}", target.host, target.path_and_query);
    let res = Response {
        status: 301,
        reason: crate::http::reason(301).to_string(),
        minor_version: 1,
        headers: vec![
            ("content-length".into(), "0".into()),
            ("location".into(), location.clone()),
        ],
        body: String::new(),
    };
    ctx.step(spec(
        Component::LoadBalancer,
        Component::LoadBalancer,
        Phase::Wait,
        Status::Ok,
        ctx.scenario.latency.nginx_us,
        "Redirect to HTTPS: 301",
        format!("This design serves the site only over HTTPS. The load balancer answers plain http:// itself, without asking a web server: 301 Moved Permanently to {location}. The browser then opens that address: a new connection to port 443 and a TLS handshake."),
        Payload::None,
    ));
    respond(ctx, Component::LoadBalancer, res, format!("The redirect travels in plain text, like the request. Until the browser follows it to {location}, nothing is encrypted."))
}

fn lb_response(ctx: &Ctx, status: u16, text: &str) -> Response {
    let mut res = Response::new(status, "text/html", haproxy_page(status, text));
    res.headers
        .insert(0, ("Date".into(), http_date(ctx.session_now())));
    res.headers
        .push(("Cache-Control".into(), "no-cache".into()));
    res.headers.push(("Connection".into(), "close".into()));
    res
}

/// The redundant design handles the browser's request: the load balancer
/// picks a web server, which serves it exactly as the single server would.
pub fn forward(
    ctx: &mut Ctx,
    lb: &mut LbState,
    cluster: &Cluster,
    router: &Router,
    db: DbRoute,
    target: &Target,
) -> Ending {
    let wire = send_request(ctx, target, Component::LoadBalancer);
    if target.scheme == "http" && cluster.lb.https.as_ref().is_some_and(|h| h.redirect_http) {
        return redirect_to_https(ctx, target);
    }
    let arrived = ctx.session_now();
    // Its connections to the web servers come from its own private address:
    // lb-02's, when the pair's standby holds the public one.
    let inside_ip = match &cluster.pair {
        Some(p) if ctx.balancer.as_deref() == Some(p.hostname.as_str()) => p.inside_ip,
        _ => INSIDE_IP,
    };
    let algorithm = algorithm_name(cluster.lb.algorithm);
    let lan = cluster.lb.lan_us;
    let mut tried: Vec<usize> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for attempt in 0..2 {
        let servers = lb.describe(cluster, arrived);
        let choice = lb.pick(cluster, arrived, &tried);
        let Some(i) = choice else {
            let why = if attempt == 0 {
                "No web server is both in rotation and passing its health checks, so the load balancer has nowhere to send the request and answers 503 Service Unavailable.".to_string()
            } else {
                format!("{} No other web server is available, so the load balancer answers 503 Service Unavailable.", notes.join(" "))
            };
            ctx.step(spec(
                Component::LoadBalancer,
                Component::LoadBalancer,
                Phase::Wait,
                Status::Fail,
                ctx.scenario.latency.nginx_us,
                "No server available: 503",
                why.clone(),
                Payload::Balance {
                    algorithm: algorithm.into(),
                    servers,
                    chosen: None,
                },
            ));
            let res = lb_response(ctx, 503, "No server is available to handle this request.");
            return respond(ctx, Component::LoadBalancer, res, why);
        };
        tried.push(i);
        let node = &cluster.web[i];
        let rule = match cluster.lb.algorithm {
            _ if node.backup => "sends everything to the standby, since no other server is up,",
            Algorithm::RoundRobin => "takes the servers in turn (round-robin)",
            Algorithm::LeastConnections => {
                "picks the server with the fewest requests in flight (least connections; ties go in turn)"
            }
        };
        ctx.step(spec(
            Component::LoadBalancer,
            Component::LoadBalancer,
            Phase::Wait,
            Status::Ok,
            ctx.scenario.latency.nginx_us,
            format!("Load balancer picks {}", node.hostname),
            format!("The load balancer {rule} among the servers that are in rotation and passed their recent health checks: this time {} ({}).", node.hostname, node.ip),
            Payload::Balance {
                algorithm: algorithm.into(),
                servers,
                chosen: Some(node.hostname.clone()),
            },
        ));
        ctx.node = Some(i as u8);
        // The load balancer forwards the request, telling the server who asked.
        let forwarded = match parse_request(&wire) {
            Ok(mut r) => {
                r.headers
                    .push(("X-Forwarded-For".into(), ctx.scenario.client.ip.to_string()));
                r.to_wire()
            }
            Err(_) => wire.clone(),
        };
        let blocked = cluster
            .firewall(&node.hostname)
            .filter(|_| node.powered_on)
            .and_then(|r| {
                let listening = matches!(node.nginx, ProcessState::Running | ProcessState::Hung);
                r.blocked(inside_ip, 80, listening)
            });
        if let Some(Blocked { seen, first, after }) = blocked {
            let (wait, what) = match seen {
                Seen::TimedOut => (cluster.lb.connect_timeout_us, format!("{}'s firewall drops the load balancer's SYN ({}). The load balancer waits {} ms for an answer, then gives up on this server.", node.hostname, first.because(), cluster.lb.connect_timeout_us / 1000)),
                Seen::Refused => (2 * lan, format!("{}'s firewall rejects the load balancer's connection ({}). The load balancer tries another server.", node.hostname, first.because())),
                Seen::Reset => (2 * lan, format!("{}'s firewall lets the SYN in but rejects what follows ({}): the connection is reset.", node.hostname, after.because())),
                Seen::Hangs | Seen::Open => (ctx.scenario.latency.proxy_read_timeout_us, format!("{}'s firewall lets the SYN in but drops what follows ({}): the request never arrives, and the load balancer gives up after {} s.", node.hostname, after.because(), ctx.scenario.latency.proxy_read_timeout_us / 1_000_000)),
            };
            ctx.step(spec(
                Component::LoadBalancer,
                Component::Nginx,
                Phase::Wait,
                Status::Fail,
                wait,
                format!("{}'s firewall stops the connection", node.hostname),
                what,
                Payload::Tcp {
                    segments: vec![format!("{inside_ip} → {}:80 [SYN]", node.ip)],
                },
            ));
            ctx.node = None;
            notes.push(format!(
                "{}'s firewall stopped the connection.",
                node.hostname
            ));
            continue;
        }
        if !node.powered_on {
            let wait = cluster.lb.connect_timeout_us;
            ctx.step(spec(
                Component::LoadBalancer,
                Component::Nginx,
                Phase::Wait,
                Status::Fail,
                wait,
                format!("{} does not answer", node.hostname),
                format!("{} is powered off, but its health checks have not failed {} times in a row yet, so the load balancer still sends it traffic. It waits {} ms for a SYN-ACK, then gives up on this server.", node.hostname, cluster.lb.fall, wait / 1000),
                Payload::Tcp {
                    segments: vec![format!("{inside_ip} → {}:80 [SYN] (no answer)", node.ip)],
                },
            ));
            ctx.node = None;
            notes.push(format!("{} did not answer.", node.hostname));
            continue;
        }
        if !matches!(node.nginx, ProcessState::Running | ProcessState::Hung) {
            ctx.step(spec(
                Component::LoadBalancer,
                Component::Nginx,
                Phase::Wait,
                Status::Fail,
                2 * lan,
                format!("{} refuses the connection", node.hostname),
                format!("Nginx is not running on {}, so its kernel resets the connection at once. The load balancer tries another server.", node.hostname),
                Payload::Tcp {
                    segments: vec![format!("{}:80 → {inside_ip} [RST, ACK]", node.ip)],
                },
            ));
            ctx.node = None;
            notes.push(format!("{} refused the connection.", node.hostname));
            continue;
        }
        ctx.step(spec(
            Component::LoadBalancer,
            Component::Nginx,
            Phase::Wait,
            Status::Ok,
            lan,
            format!("Forward to {}", node.hostname),
            if ctx.tls.is_some() {
                format!("TLS ended at the load balancer: it decrypted the request and passes it to Nginx on {} as plain HTTP over the private network, adding X-Forwarded-For so the server still knows the browser's address. Anyone who can see that network can read this hop; the web servers never hold the certificate's key.", node.hostname)
            } else {
                format!("The load balancer passes the request to Nginx on {} over the private network, adding X-Forwarded-For so the server still knows the browser's address.", node.hostname)
            },
            Payload::Http {
                text: forwarded.clone(),
            },
        ));
        let tier = cluster.split().then(|| Tier {
            cluster,
            web_ip: node.ip,
            // Lent to the request and put back after it.
            upstream: std::cell::RefCell::new(
                lb.upstream
                    .get_mut(i)
                    .map(std::mem::take)
                    .unwrap_or_default(),
            ),
        });
        let host = Host {
            hostname: &node.hostname,
            remote_addr: inside_ip,
            nginx: node.nginx,
            app: node.app,
            release: node.release,
            db,
            tier: tier.as_ref(),
        };
        let served = serve(ctx, &host, router, &forwarded);
        if let (Some(t), Some(u)) = (tier, lb.upstream.get_mut(i)) {
            *u = t.upstream.into_inner();
        }
        let (res, explanation) = match served {
            Served::Response(res, explanation) => {
                ctx.step(spec(
                    Component::Nginx,
                    Component::LoadBalancer,
                    Phase::Wait,
                    if res.status >= 500 { Status::Fail } else { Status::Ok },
                    lan,
                    format!("{} answers {} {}", node.hostname, res.status, res.reason),
                    format!("Nginx on {} sends its response back to the load balancer, which relays it. {explanation}", node.hostname),
                    Payload::Http { text: res.to_wire() },
                ));
                (
                    res,
                    format!(
                        "The load balancer relays {}'s answer to the browser.",
                        node.hostname
                    ),
                )
            }
            Served::NoAnswer => {
                let wait = ctx.scenario.latency.proxy_read_timeout_us;
                ctx.step(spec(
                    Component::LoadBalancer,
                    Component::LoadBalancer,
                    Phase::Wait,
                    Status::Fail,
                    wait,
                    "Server timeout: 504",
                    format!(
                        "{} never answered; the load balancer gives up after {} s.",
                        node.hostname,
                        wait / 1_000_000
                    ),
                    Payload::None,
                ));
                (
                    lb_response(ctx, 504, "The server didn't respond in time."),
                    "The load balancer answers 504 Gateway Timeout.".to_string(),
                )
            }
        };
        ctx.node = None;
        lb.occupy(i, arrived, ctx.session_now());
        return respond(ctx, Component::LoadBalancer, res, explanation);
    }
    let why = format!("{} The load balancer retries once on another server (redispatch) and has run out of servers, so it answers 503.", notes.join(" "));
    let res = lb_response(ctx, 503, "No server is available to handle this request.");
    respond(ctx, Component::LoadBalancer, res, why)
}
