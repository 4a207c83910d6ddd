//! Nginx's `upstream` group (the split tiers): which application machine a
//! web server's Nginx sends a request to, and the next one when that fails.
//!
//! As nginx documents it (ngx_http_upstream_module, ngx_http_proxy_module):
//! servers are taken in turn (round-robin); one that fails once
//! (`max_fails=1`) is not tried again for `fail_timeout=10s`; with no server
//! left Nginx logs "no live upstreams" and answers 502. `proxy_next_upstream
//! error timeout` (the default) passes a request whose connection failed or
//! timed out to the next server, except a non-idempotent one (POST, LOCK,
//! PATCH) once it was sent. The last failure decides the status: 504 after a
//! timeout, 502 after an error.

use std::net::Ipv4Addr;

use crate::http::{parse_request, parse_response, Request, Response};
use crate::scenario::{Cluster, ProcessState, APP_PORT, UPSTREAM};
use crate::server::app::{self, AppResult};
use crate::server::{nginx_error, relayed, Host};
use crate::sim::{spec, Ctx};
use crate::trace::{Component, Payload, Phase, Status};

/// nginx's `fail_timeout` default: a failed server sits out this long.
pub const FAIL_TIMEOUT_US: u64 = 10_000_000;

/// A powered-off machine on the same network never answers ARP: Linux asks
/// three times a second apart (arp(7): `mcast_solicit` 3, `retrans_time_ms`
/// 1000), then connect() fails with "No route to host".
pub const NO_ROUTE_US: u64 = 3_000_000;

/// One web server's Nginx's memory of its upstream group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Upstream {
    /// Whose turn it is.
    next: usize,
    /// Per server: until when it sits out after a failure (session µs).
    down_until: Vec<u64>,
}

impl Upstream {
    /// The servers in the order Nginx would try them at `now_us`: from the
    /// one whose turn it is, those not sitting out a failure.
    pub fn order(&self, servers: usize, now_us: u64) -> Vec<usize> {
        (0..servers)
            .map(|k| (self.next + k) % servers)
            .filter(|&i| self.down_until.get(i).is_none_or(|&t| t <= now_us))
            .collect()
    }

    /// Records a request's attempts (`(server, failed)`, in order) ending at
    /// `now_us`: the failed ones sit out `fail_timeout`, the turn moves on.
    pub fn record(&mut self, servers: usize, tried: &[(usize, bool)], now_us: u64) {
        if servers == 0 {
            return;
        }
        self.down_until.resize(servers, 0);
        for &(i, failed) in tried {
            if failed {
                if let Some(t) = self.down_until.get_mut(i) {
                    *t = now_us.saturating_add(FAIL_TIMEOUT_US);
                }
            }
        }
        if let Some(&(first, _)) = tried.first() {
            self.next = (first + 1) % servers;
        }
    }
}

/// What the web server's Nginx knows of the application machines.
pub struct Tier<'a> {
    pub cluster: &'a Cluster,
    /// The web server's own address (where its connections come from).
    pub web_ip: Ipv4Addr,
    /// The servers in the order to try them ([`Upstream::order`]).
    pub order: Vec<usize>,
}

/// How an attempt failed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Failure {
    Error,
    Timeout,
}

/// Nginx proxies `proxied` to the upstream group: the attempts, each a
/// step, recorded in `ctx.upstream_tried`.
pub fn proxy(ctx: &mut Ctx, host: &Host, tier: &Tier, proxied: &Request) -> (Response, String) {
    let lan = tier.cluster.lb.lan_us;
    let read_timeout = ctx.scenario.latency.proxy_read_timeout_us;
    let idempotent = !["POST", "LOCK", "PATCH"].contains(&proxied.method.as_str());
    let wire = proxied.to_wire();
    let names = |order: &[usize]| {
        order
            .iter()
            .filter_map(|&i| tier.cluster.app_tier.get(i))
            .map(|a| a.hostname.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if tier.order.is_empty() {
        let why = format!("Every server of the upstream group {UPSTREAM} failed in the last {} s, so Nginx on {} does not try any (max_fails=1, fail_timeout=10s) and answers 502 Bad Gateway.", FAIL_TIMEOUT_US / 1_000_000, host.hostname);
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
        return (nginx_error(ctx, 502), why);
    }
    let mut last = Failure::Error;
    let mut notes: Vec<String> = Vec::new();
    for (k, &i) in tier.order.iter().enumerate() {
        let Some(node) = tier.cluster.app_tier.get(i) else {
            continue;
        };
        ctx.app_node = u8::try_from(i).ok();
        let addr = format!("{}:{APP_PORT}", node.ip);
        let rest = names(&tier.order[k + 1..]);
        let next = if rest.is_empty() {
            "No server is left to try.".to_string()
        } else {
            format!("proxy_next_upstream: Nginx tries the next server, {rest}.")
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
                format!(
                    "{why} Nginx marks it failed for {} s (max_fails=1, fail_timeout=10s). {next}",
                    FAIL_TIMEOUT_US / 1_000_000
                ),
                Payload::Tcp {
                    segments: vec![format!("{log}, upstream: \"http://{addr}/\"")],
                },
            ));
            ctx.upstream_tried.push((i, true));
            last = failure;
            notes.push(format!("{} did not take the connection.", node.hostname));
            continue;
        }
        let turn = if k == 0 {
            "whose turn it is (round-robin)".to_string()
        } else {
            "the next one".to_string()
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
                format!("{} accepted the connection but does not answer. Nginx waits proxy_read_timeout ({} s). {resend}", node.hostname, read_timeout / 1_000_000),
                Payload::Tcp {
                    segments: vec![format!("upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: \"http://{addr}/\"")],
                },
            ));
            ctx.span(Component::App, "request in the application", app_start);
            ctx.upstream_tried.push((i, true));
            last = Failure::Timeout;
            notes.push(format!("{} never answered.", node.hostname));
            if idempotent {
                continue;
            }
            break;
        };
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
        ctx.upstream_tried.push((i, false));
        ctx.app_node = None;
        let earlier = if notes.is_empty() {
            String::new()
        } else {
            format!(" {} The learner's request still succeeded: Nginx retried it on {} (proxy_next_upstream).", notes.join(" "), node.hostname)
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

    #[test]
    fn servers_take_turns_and_a_failed_one_sits_out_ten_seconds() {
        let mut u = Upstream::default();
        assert_eq!(u.order(2, 0), vec![0, 1]);
        u.record(2, &[(0, false)], 1_000);
        assert_eq!(u.order(2, 2_000), vec![1, 0]);
        // app-02 fails, app-01 answers: app-02 sits out 10 s.
        u.record(2, &[(1, true), (0, false)], 5_000_000);
        assert_eq!(u.order(2, 5_000_001), vec![0]);
        assert_eq!(u.order(2, 14_999_999), vec![0]);
        assert_eq!(u.order(2, 15_000_000), vec![0, 1]);
        // Both failed: nobody is tried (no live upstreams).
        u.record(2, &[(0, true), (1, true)], 20_000_000);
        assert!(u.order(2, 25_000_000).is_empty());
        assert_eq!(u.order(2, 30_000_000).len(), 2);
    }

    #[test]
    fn an_empty_group_or_attempt_list_changes_nothing() {
        let mut u = Upstream::default();
        u.record(0, &[(0, true)], 1);
        u.record(2, &[], 1);
        assert_eq!(u.order(2, 1), vec![0, 1]);
        assert!(u.order(0, 1).is_empty());
    }
}
