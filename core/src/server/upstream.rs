//! Nginx's `upstream` group (the split tiers): which application machine a
//! web server's Nginx sends a request to, and the next one when that fails.
//!
//! As nginx documents it (ngx_http_upstream_module, ngx_http_proxy_module)
//! and its round-robin module does it: servers are chosen by smooth
//! weighted round-robin (equal weights: in turn); one that fails once
//! (`max_fails=1`) is skipped while less than `fail_timeout=10s` has passed
//! since, in whole seconds as nginx counts time, and comes back with its
//! weight lowered to 0, regaining one step per choice; with no server to
//! choose Nginx logs "no live upstreams" and answers 502.
//! `proxy_next_upstream error timeout` (the default) passes a request whose
//! connection failed or timed out to the next server, except a
//! non-idempotent one (POST, LOCK, PATCH) once it was sent, until every
//! server was tried; then the last failure decides the status: 504 after a
//! timeout, 502 after an error. `core/tests/split.rs` and the conformance
//! check `upstream` (Debian's nginx) hold it to that.

use std::cell::RefCell;
use std::net::Ipv4Addr;

use crate::http::{parse_request, parse_response, Request, Response};
use crate::scenario::{Cluster, ProcessState, APP_PORT, UPSTREAM};
use crate::server::app::{self, AppResult};
use crate::server::{nginx_error, relayed, Host};
use crate::sim::{spec, Ctx};
use crate::trace::{Component, Payload, Phase, Status};

/// nginx's `fail_timeout` default, seconds.
pub const FAIL_TIMEOUT_S: u64 = 10;

/// A powered-off machine on the same network never answers ARP: Linux asks
/// three times a second apart (arp(7): `mcast_solicit` 3, `retrans_time_ms`
/// 1000), then connect() fails with "No route to host".
pub const NO_ROUTE_US: u64 = 3_000_000;

/// What nginx keeps per server of the group (`ngx_http_upstream_rr_peer_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Peer {
    current_weight: i64,
    effective_weight: i64,
    fails: u32,
    /// When it last failed, seconds.
    accessed_s: u64,
    /// When its failure window began, seconds.
    checked_s: u64,
}

impl Default for Peer {
    fn default() -> Self {
        Peer {
            current_weight: 0,
            effective_weight: WEIGHT,
            fails: 0,
            accessed_s: 0,
            checked_s: 0,
        }
    }
}

/// Every server's `weight` (nginx's default, 1) and `max_fails` (1).
const WEIGHT: i64 = 1;
const MAX_FAILS: u32 = 1;

/// One web server's Nginx's memory of its upstream group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Upstream {
    peers: Vec<Peer>,
}

impl Upstream {
    /// Chooses the server for the next attempt at `now_us`, skipping those
    /// this request `tried` and those sitting out a failure; `None`: no
    /// live upstreams.
    pub fn pick(&mut self, servers: usize, now_us: u64, tried: &[usize]) -> Option<usize> {
        self.peers.resize(servers, Peer::default());
        let now = now_us / 1_000_000;
        let mut best: Option<usize> = None;
        let mut total = 0;
        for i in 0..self.peers.len() {
            let p = &mut self.peers[i];
            if tried.contains(&i)
                || (p.fails >= MAX_FAILS && now.saturating_sub(p.checked_s) <= FAIL_TIMEOUT_S)
            {
                continue;
            }
            p.current_weight += p.effective_weight;
            total += p.effective_weight;
            if p.effective_weight < WEIGHT {
                p.effective_weight += 1;
            }
            let w = p.current_weight;
            if best.is_none_or(|b| w > self.peers[b].current_weight) {
                best = Some(i);
            }
        }
        let b = best?;
        let p = &mut self.peers[b];
        p.current_weight -= total;
        if now.saturating_sub(p.checked_s) > FAIL_TIMEOUT_S {
            p.checked_s = now;
        }
        Some(b)
    }

    /// Server `i` failed an attempt that ended at `now_us`: it sits out
    /// `fail_timeout` and its weight drops (nginx's `free_peer`).
    pub fn failed(&mut self, i: usize, now_us: u64) {
        if let Some(p) = self.peers.get_mut(i) {
            let now = now_us / 1_000_000;
            p.fails = p.fails.saturating_add(1);
            p.accessed_s = now;
            p.checked_s = now;
            p.effective_weight = (p.effective_weight - WEIGHT / i64::from(MAX_FAILS)).max(0);
        }
    }

    /// Server `i` answered: a failure counted before its window last
    /// began is forgotten.
    pub fn answered(&mut self, i: usize) {
        if let Some(p) = self.peers.get_mut(i) {
            if p.accessed_s < p.checked_s {
                p.fails = 0;
            }
        }
    }
}
/// What the web server's Nginx knows of the application machines.
pub struct Tier<'a> {
    pub cluster: &'a Cluster,
    /// The web server's own address (where its connections come from).
    pub web_ip: Ipv4Addr,
    /// Its Nginx's memory of the group, which the request updates.
    pub upstream: RefCell<Upstream>,
}

/// How an attempt failed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Failure {
    Error,
    Timeout,
}

/// Nginx proxies `proxied` to the upstream group, one attempt after
/// another, each a step.
pub fn proxy(ctx: &mut Ctx, host: &Host, tier: &Tier, proxied: &Request) -> (Response, String) {
    let lan = tier.cluster.lb.lan_us;
    let read_timeout = ctx.scenario.latency.proxy_read_timeout_us;
    let idempotent = !["POST", "LOCK", "PATCH"].contains(&proxied.method.as_str());
    let wire = proxied.to_wire();
    let servers = tier.cluster.app_tier.len();
    let mut tried: Vec<usize> = Vec::new();
    let mut last = Failure::Error;
    let mut notes: Vec<String> = Vec::new();
    loop {
        if !tried.is_empty() && tried.len() >= servers {
            break;
        }
        let now = ctx.session_now();
        let Some(i) = tier.upstream.borrow_mut().pick(servers, now, &tried) else {
            let why = format!(
                "{}Every server of the upstream group {UPSTREAM} {} failed less than {FAIL_TIMEOUT_S} s ago, so Nginx on {} has none to try (max_fails=1, fail_timeout=10s) and answers 502 Bad Gateway.",
                if notes.is_empty() { String::new() } else { format!("{} ", notes.join(" ")) },
                if tried.is_empty() { "has" } else { "left has" },
                host.hostname
            );
            ctx.step(spec(
                Component::Nginx,
                Component::Nginx,
                Phase::Wait,
                Status::Fail,
                ctx.scenario.latency.loopback_us,
                "No live upstreams: 502",
                why.clone(),
                Payload::Tcp {
                    segments: vec!["no live upstreams while connecting to upstream".into()],
                },
            ));
            ctx.app_node = None;
            return (nginx_error(ctx, 502), why);
        };
        tried.push(i);
        let Some(node) = tier.cluster.app_tier.get(i) else {
            continue;
        };
        ctx.app_node = u8::try_from(i).ok();
        let addr = format!("{}:{APP_PORT}", node.ip);
        let next = if tried.len() >= servers {
            "Every server of the group has been tried.".to_string()
        } else {
            "proxy_next_upstream: Nginx passes the request to another server of the group."
                .to_string()
        };
        let listening = node.powered_on && node.app != ProcessState::Stopped;
        let blocked = tier
            .cluster
            .firewall(&node.hostname)
            .filter(|_| node.powered_on)
            .and_then(|r| r.blocked(tier.web_ip, APP_PORT, listening));
        // Connecting: a machine that is off, a firewall, nothing listening.
        let refused: Option<(u64, Failure, String, String)> = if let Some(b) = blocked {
            use crate::firewall::Seen;
            match b.seen {
                Seen::TimedOut | Seen::Hangs | Seen::Open => Some((
                    read_timeout,
                    Failure::Timeout,
                    "upstream timed out (110: Connection timed out) while connecting to upstream".into(),
                    format!("{}'s firewall drops the connection from {} ({}): Nginx waits {} s, then gives up on {}.", node.hostname, host.hostname, b.first.because(), read_timeout / 1_000_000, node.hostname),
                )),
                Seen::Refused | Seen::Reset => Some((
                    2 * lan,
                    Failure::Error,
                    "connect() failed (111: Connection refused) while connecting to upstream".into(),
                    format!("{}'s firewall rejects the connection from {} ({}).", node.hostname, host.hostname, b.first.because()),
                )),
            }
        } else if !node.powered_on {
            Some((
                NO_ROUTE_US,
                Failure::Error,
                "connect() failed (113: No route to host) while connecting to upstream".into(),
                format!("{} is powered off: nothing answers the web server's ARP question for {}, three times a second apart, so connect() fails with \"No route to host\" after {} s.", node.hostname, node.ip, NO_ROUTE_US / 1_000_000),
            ))
        } else if matches!(node.app, ProcessState::Stopped | ProcessState::Restarting) {
            let what = if node.app == ProcessState::Restarting {
                "is restarting (a deploy)"
            } else {
                "is stopped"
            };
            Some((
                2 * lan,
                Failure::Error,
                "connect() failed (111: Connection refused) while connecting to upstream".into(),
                format!("The application on {} {what}: nothing listens on {addr}, so its kernel refuses the connection at once.", node.hostname),
            ))
        } else {
            None
        };
        if let Some((wait, failure, log, why)) = refused {
            ctx.step(spec(
                Component::Nginx,
                Component::App,
                Phase::Wait,
                Status::Fail,
                wait,
                format!("{} does not take the connection", node.hostname),
                format!("{why} Nginx counts it failed: it skips {} for the next {FAIL_TIMEOUT_S} s (max_fails=1, fail_timeout=10s). {next}", node.hostname),
                Payload::Tcp {
                    segments: vec![format!("{log}, upstream: \"http://{addr}/\"")],
                },
            ));
            tier.upstream.borrow_mut().failed(i, ctx.session_now());
            last = failure;
            notes.push(format!("{} did not take the connection.", node.hostname));
            continue;
        }
        let turn = if tried.len() == 1 {
            "chosen in turn (round-robin)"
        } else {
            "the next one"
        };
        ctx.step(spec(
            Component::Nginx,
            Component::App,
            Phase::Wait,
            Status::Ok,
            lan,
            format!("Proxy to {} ({addr})", node.hostname),
            format!("The path is not a static file: Nginx on {} passes the request to its upstream group {UPSTREAM}, to {}, {turn}, over the private network. The application runs on machines of its own here.", host.hostname, node.hostname),
            Payload::Http { text: wire.clone() },
        ));
        let app_start = ctx.now;
        let answered = if node.app == ProcessState::Hung {
            None
        } else {
            match parse_request(&wire) {
                Ok(r) => match app::handle(ctx, &host.db, &node.hostname, node.release, &r) {
                    AppResult::Response(res) => Some(res),
                    AppResult::Hung => None,
                },
                Err(e) => {
                    ctx.app_node = None;
                    return (
                        nginx_error(ctx, 502),
                        format!("The proxied request was unreadable: {e}"),
                    );
                }
            }
        };
        let Some(res) = answered else {
            let resend = if idempotent {
                next.clone()
            } else {
                format!("The request was a {}, which is not idempotent: Nginx does not send it again to another server.", proxied.method)
            };
            ctx.step(spec(
                Component::App,
                Component::App,
                Phase::Wait,
                Status::Fail,
                read_timeout,
                format!("{} never answers", node.hostname),
                format!("{} accepted the connection but does not answer. Nginx waits proxy_read_timeout ({} s) and counts it failed. {resend}", node.hostname, read_timeout / 1_000_000),
                Payload::Tcp {
                    segments: vec![format!("upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: \"http://{addr}/\"")],
                },
            ));
            ctx.span(Component::App, "request in the application", app_start);
            tier.upstream.borrow_mut().failed(i, ctx.session_now());
            last = Failure::Timeout;
            notes.push(format!("{} never answered.", node.hostname));
            if idempotent {
                continue;
            }
            break;
        };
        tier.upstream.borrow_mut().answered(i);
        let text = res.to_wire();
        ctx.step(spec(
            Component::App,
            Component::Nginx,
            Phase::Wait,
            if res.status >= 500 {
                Status::Fail
            } else {
                Status::Ok
            },
            lan,
            format!("{} answers {} {}", node.hostname, res.status, res.reason),
            format!(
                "The application on {} sends its HTTP response back to Nginx on {}.",
                node.hostname, host.hostname
            ),
            Payload::Http { text: text.clone() },
        ));
        ctx.span(Component::App, "request in the application", app_start);
        ctx.app_node = None;
        let earlier = if notes.is_empty() {
            String::new()
        } else {
            format!(
                " {} The request still succeeded: Nginx retried it on {} (proxy_next_upstream).",
                notes.join(" "),
                node.hostname
            )
        };
        return match parse_response(&text) {
            Ok(r) => {
                let status = r.status;
                (
                    relayed(ctx, r),
                    format!("Nginx relays {}'s {status} to the balancer, adding its own Server and Date headers.{earlier}", node.hostname),
                )
            }
            Err(e) => (
                nginx_error(ctx, 502),
                format!("The application's answer was not valid HTTP ({e}), so Nginx answers 502."),
            ),
        };
    }
    ctx.app_node = None;
    let status = if last == Failure::Timeout { 504 } else { 502 };
    let why = format!(
        "{} Nginx has no server left to try and answers {}.",
        notes.join(" "),
        if status == 504 {
            "504 Gateway Time-out"
        } else {
            "502 Bad Gateway"
        }
    );
    (nginx_error(ctx, status), why)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The servers chosen for requests at `times_s`, each answering.
    fn turns(u: &mut Upstream, times_s: &[u64]) -> Vec<usize> {
        times_s
            .iter()
            .map(|&t| {
                let i = u.pick(2, t * 1_000_000, &[]).expect("a live server");
                u.answered(i);
                i
            })
            .collect()
    }

    #[test]
    fn equal_servers_take_turns() {
        let mut u = Upstream::default();
        assert_eq!(turns(&mut u, &[0, 0, 0, 0, 1]), [0, 1, 0, 1, 0]);
    }

    #[test]
    fn a_failed_server_sits_out_then_comes_back_with_its_weight_lowered() {
        let mut u = Upstream::default();
        // app-01 fails at 0 s; the same request goes to app-02.
        assert_eq!(u.pick(2, 100_000, &[]), Some(0));
        u.failed(0, 100_000);
        assert_eq!(u.pick(2, 100_000, &[0]), Some(1));
        u.answered(1);
        // Skipped while now - checked <= 10 s (whole seconds, as nginx).
        assert_eq!(turns(&mut u, &[1, 10]), [1, 1]);
        // At 11 s it may be chosen again, but its weight starts at 0: the
        // next two go to app-02 (smooth weighted round-robin), then app-01.
        assert_eq!(turns(&mut u, &[11, 11, 11, 11]), [1, 1, 0, 1]);
    }

    #[test]
    fn no_server_left_is_no_live_upstreams() {
        let mut u = Upstream::default();
        let a = u.pick(2, 0, &[]).unwrap();
        u.failed(a, 0);
        let b = u.pick(2, 0, &[a]).unwrap();
        u.failed(b, 0);
        assert_eq!(u.pick(2, 5_000_000, &[]), None);
        assert!(u.pick(2, 11_000_000, &[]).is_some());
        // An empty group has nothing to choose.
        assert_eq!(Upstream::default().pick(0, 0, &[]), None);
    }
}
