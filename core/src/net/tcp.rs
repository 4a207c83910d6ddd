//! TCP: the three-way handshake, refused connections and timeouts.

use std::net::Ipv4Addr;

use crate::browser::Target;
use crate::firewall::Verdict;
use crate::net::vrrp::{self, Holder};
use crate::scenario::{OtherHost, ProcessState, Topology, LB_INSIDE_IP};
use crate::sim::{spec, Ctx, Ending};
use crate::trace::{Component, Payload, Phase, Status};

/// Where a connection attempt ended up.
pub enum Connected<'a> {
    /// Our server accepted the connection on Nginx's port.
    Ours,
    /// Our load balancer accepted it (redundant design).
    LoadBalancer,
    /// Some other machine accepted it.
    Other(&'a OtherHost),
    /// No connection: the browser's error.
    Failed(Ending),
}

/// The learner's operating system: Linux 6.x with its default settings.
///
/// The first SYN waits 1 s for an answer (the initial RTO, RFC 6298 §2.1).
/// `tcp_syn_linear_timeouts` = 4 keeps the first retransmission timeouts
/// at 1 s (four linear ones, then the first exponential one, 2⁰ × 1 s),
/// after which each doubles. `tcp_syn_retries` = 6 sets the time budget:
/// (2⁷ − 1) × 1 s = 127 s (`tcp_model_timeout` in the kernel); the
/// connection fails at the first timeout that fires past it. So SYNs go
/// out at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35 and 67 s and the attempt fails
/// at 131 s with ETIMEDOUT. Measured on Linux 6.18 (a SYN into a network
/// namespace that drops it): retransmissions at 1.0, 2.0, 3.1, 4.1, 5.1,
/// 7.1, 11.2, 19.3, 35.5 and 67.7 s, failure at 133 s (timer slack).
pub const OS: &str = "Linux 6.x";
/// The settings behind the schedule, as `sysctl` names them.
pub const OS_SETTINGS: &str = "tcp_syn_retries = 6, tcp_syn_linear_timeouts = 4";
const SYN_RETRIES_BUDGET_US: u64 = 127_000_000;
const LINEAR_TIMEOUTS: u32 = 4;

/// When the kernel retransmits an unanswered SYN, and when it gives up
/// (µs after the first SYN).
pub fn syn_schedule() -> (Vec<u64>, u64) {
    let mut out = Vec::new();
    let mut at = 0u64;
    let mut rto = 1_000_000u64;
    let mut n = 0u32;
    loop {
        at += rto;
        if at >= SYN_RETRIES_BUDGET_US {
            return (out, at);
        }
        out.push(at);
        n += 1;
        if n > LINEAR_TIMEOUTS {
            rto = rto.saturating_mul(2);
        }
    }
}

/// Chromium's own limit on a connection attempt: 4 minutes
/// (`kTransportConnectJobTimeout` in net/socket/transport_connect_job.cc),
/// longer than Linux's, so on Linux the kernel gives up first.
pub const CHROMIUM_CONNECT_TIMEOUT_US: u64 = 240_000_000;

/// How long Linux retransmits data nobody acknowledges before it gives up
/// on a connection: `tcp_retries2` = 15, about 924.6 s with the minimum
/// 200 ms RTO (ip-sysctl.rst, "tcp_retries2").
pub const TCP_RETRIES2_US: u64 = 924_600_000;

/// Opens a TCP connection from the learner's computer to `ip:port`.
pub fn connect<'a>(ctx: &mut Ctx<'a>, target: &Target, ip: Ipv4Addr) -> Connected<'a> {
    let s = ctx.scenario;
    let client = s.client.ip;
    let cport = 49_152 + ctx.rng.below(16_383) as u16;
    let isn = ctx.rng.next_u64() as u32;
    let port = target.port;
    let from = format!("{client}:{cport}");
    let to = format!("{ip}:{port}");
    let syn = format!("{from} → {to} [SYN] seq={isn} win=64240 mss=1460");
    // The same SYN again, `at` µs after the first.
    let resent = |at: u64| {
        format!(
            "+{} s  {from} → {to} [SYN] seq={isn} (retransmission)",
            at / 1_000_000
        )
    };
    let one_way = ctx.net(s.latency.client_to_server_us);

    let other = s.other_hosts.iter().find(|h| h.ip == ip);
    let lb = match &s.topology {
        Topology::Redundant(c) if c.lb.ip == ip => Some(&c.lb),
        _ => None,
    };
    let ours = lb.is_none() && ip == s.server.ip;
    // A balancer pair shares the address by VRRP: whoever holds it answers;
    // while nobody does, SYNs go unanswered, and if one of the two takes
    // the address over before the kernel gives up, the next retransmission
    // reaches it.
    let pair = match &s.topology {
        Topology::Redundant(c) if lb.is_some() => c.pair.as_ref().map(|p| (c, p)),
        _ => None,
    };
    let now = ctx.session_now();
    let mut holder = match (pair, lb) {
        (Some((c, p)), _) => ctx.vrrp.holder(p, c.lb.powered_on, p.powered_on, now),
        (None, Some(l)) if l.powered_on => Holder::Active,
        _ => Holder::Nobody,
    };
    let mut waited = None;
    if let (Some((c, p)), Holder::Nobody) = (pair, holder) {
        let (resends, gives_up) = syn_schedule();
        let limit = gives_up.min(s.latency.connect_timeout_us);
        let next = ctx.vrrp.next_holder(
            p,
            c.lb.powered_on,
            p.powered_on,
            now,
            now.saturating_add(limit),
        );
        if let Some((t, h)) = next {
            if let Some(i) = resends
                .iter()
                .position(|&r| now.saturating_add(r) >= t && r < limit)
            {
                waited = Some((resends[i], resends[..i].to_vec(), t, h));
                holder = h;
            }
        }
    }
    let lb_host = match (pair, holder) {
        (Some((_, p)), Holder::Standby) => p.hostname.as_str(),
        _ => lb.map_or("", |l| l.hostname.as_str()),
    };
    if pair.is_some() && holder != Holder::Nobody {
        ctx.balancer = Some(lb_host.to_string());
    }
    let (dest, reachable) = if lb.is_some() {
        (Component::LoadBalancer, holder != Holder::Nobody)
    } else if ours {
        (
            Component::Server,
            s.server.powered_on && !s.server.disk_failed,
        )
    } else if other.is_some() {
        (Component::OtherHost, true)
    } else {
        (Component::Internet, false)
    };

    // The balancer's firewall sees the SYN first (the secured design).
    let firewall = match &s.topology {
        Topology::Redundant(c) if lb.is_some() && reachable => {
            c.firewall(&c.lb.hostname).map(|rules| {
                (
                    lb_host,
                    rules.decide(client, port),
                    rules.decide_established(client, port),
                )
            })
        }
        _ => None,
    };
    let dropped = firewall
        .as_ref()
        .filter(|(_, d, _)| d.verdict == Verdict::Drop)
        .map(|(host, d, _)| format!("{host}'s firewall drops the SYN ({}), and a dropped packet gets no answer at all: to the browser the machine could as well be off.", d.because()));
    if !reachable || dropped.is_some() {
        let (resends, kernel_gives_up) = syn_schedule();
        let browser_limit = s.latency.connect_timeout_us;
        let timeout = kernel_gives_up.min(browser_limit);
        let mut segments = vec![syn.clone()];
        segments.extend(
            resends
                .iter()
                .filter(|&&at| at < timeout)
                .map(|&at| resent(at)),
        );
        let retries = segments.len() - 1;
        let (code, ending) = if kernel_gives_up <= browser_limit {
            (
                "ERR_CONNECTION_TIMED_OUT",
                format!("The learner's computer runs {OS} with its defaults ({OS_SETTINGS}): its kernel resends the SYN {retries} times, 1 s apart at first and then twice as long each time, and gives up after {} s. The browser only waits for it.", timeout / 1_000_000),
            )
        } else {
            (
                "ERR_TIMED_OUT",
                format!("The operating system resends the SYN {retries} times; the browser stops waiting after {} s, before the kernel would give up.", timeout / 1_000_000),
            )
        };
        let why = if let Some(fw) = dropped {
            format!("{fw} {ending}")
        } else if let Some((_, p)) = pair {
            format!("Both load balancers are powered off ({} and {}), so nobody holds the shared address {ip} and nothing answers the SYN. A pair survives one failure, not two. {ending}", lb_host, p.hostname)
        } else if lb.is_some() {
            format!("The load balancer at {ip} is powered off, so nothing answers the SYN. It is the one machine every request must pass through: the web servers behind it may be fine, but nobody can reach them. {ending}")
        } else if ours && s.server.disk_failed {
            format!("The server's only disk has failed. The operating system, the site's files and the database's files were on it: the machine is down, and restarting it will not bring it back. Nothing answers the SYN, and to the browser a dead machine looks just like a slow one. {ending}")
        } else if ours {
            format!("The server at {ip} is powered off, so nothing answers the SYN, and a dead machine looks just like a slow one. {ending}")
        } else {
            format!("No machine answers at {ip}: the packets vanish into the internet. {ending}")
        };
        ctx.step(spec(
            Component::Browser,
            dest,
            Phase::Connect,
            Status::Fail,
            timeout,
            format!("SYN to {to}: no answer"),
            why,
            Payload::Tcp { segments },
        ));
        let detail = format!("{} took too long to respond.", target.host);
        return Connected::Failed(Ending::BrowserError { code, detail });
    }

    let https_open = lb
        .and_then(|l| l.https.as_ref())
        .is_some_and(|h| h.listening);
    let listening = if lb.is_some() {
        port == 80 || (port == 443 && https_open)
    } else if ours {
        port == s.server.nginx_config.listen
            && matches!(s.server.nginx, ProcessState::Running | ProcessState::Hung)
    } else {
        port == 80
    };
    let syn = match (waited, pair) {
        (Some((r, unanswered, t, h)), Some((c, p))) => {
            let mut segments = vec![syn.clone()];
            segments.extend(unanswered.into_iter().map(resent));
            let (gone, gone_at, prio) = match h {
                Holder::Standby => (
                    c.lb.hostname.as_str(),
                    ctx.vrrp.active_off_at,
                    p.priority_standby,
                ),
                _ => (
                    p.hostname.as_str(),
                    ctx.vrrp.standby_off_at,
                    p.priority_active,
                ),
            };
            // The adverts, after the SYNs: the last one the Master sent
            // before it went dark, and the new Master's first (RFC 5798
            // §6.4.2), each at its time from the first SYN.
            let active = vrrp::Advert {
                host: c.lb.hostname.as_str(),
                src: LB_INSIDE_IP,
                priority: p.priority_active,
            };
            let standby = vrrp::Advert {
                host: p.hostname.as_str(),
                src: p.inside_ip,
                priority: p.priority_standby,
            };
            let adv = p.advert_interval_us.max(1);
            let rel = |at: u64| {
                let d = at as f64 - now as f64;
                format!("{}{:.3} s", if d < 0.0 { "−" } else { "+" }, d.abs() / 1e6)
            };
            let (new, old) = match h {
                Holder::Standby => (&standby, &active),
                _ => (&active, &standby),
            };
            let was_master = gone_at.filter(|&g| {
                h == Holder::Standby
                    && g > 0
                    && ctx.vrrp.holder(p, true, p.powered_on, g - 1) == Holder::Active
            });
            segments.push(
                "Meanwhile, between the two balancers (VRRP, IP protocol 112, not TCP):".into(),
            );
            if let Some(g) = was_master {
                let last = g / adv * adv;
                let note = format!("the last one {} sent before it went dark", old.host);
                segments.push(format!("{}  {}", rel(last), old.line(c.lb.ip, adv, &note)));
            }
            let note = format!(
                "{}'s first as Master, with a gratuitous ARP for {ip}",
                new.host
            );
            segments.push(format!("{}  {}", rel(t), new.line(c.lb.ip, adv, &note)));
            let mdi = vrrp::master_down_interval_us(p.advert_interval_us, prio);
            let since = gone_at.map_or(String::new(), |g| {
                format!(" ({gone} went dark at {:.1} s)", g as f64 / 1e6)
            });
            ctx.step(spec(
                Component::Browser,
                dest,
                Phase::Connect,
                Status::Ok,
                r,
                format!("SYN unanswered for {} s: {ip} is changing hands", r / 1_000_000),
                format!("Nobody holds {ip} when the browser's SYN arrives{since}. {lb_host} takes the address over at {:.3} s: VRRP's Master_Down_Interval, three missed adverts {} ms apart plus a skew of (256 − priority {prio}) / 256 of one, {:.3} s after the last advert it heard or its own start (RFC 5798 §6.1); then it announces the address with a gratuitous ARP. The kernel's retransmission {} s after the first SYN reaches it: the request is late, not lost.", t as f64 / 1e6, p.advert_interval_us / 1000, mdi as f64 / 1e6, r / 1_000_000),
                Payload::Tcp { segments },
            ));
            resent(r)
        }
        _ => syn,
    };
    let by = match pair {
        Some(_) => {
            format!(" The address is shared by two load balancers (VRRP); {lb_host} holds it now.")
        }
        None => String::new(),
    };
    ctx.step(spec(
        Component::Browser,
        dest,
        Phase::Connect,
        Status::Ok,
        one_way,
        format!("TCP SYN to {to}"),
        format!("To talk HTTP the browser first opens a TCP connection: it sends a SYN segment to port {port} of {ip}, across the internet.{by}"),
        Payload::Tcp {
            segments: vec![syn],
        },
    ));
    let back = ctx.net(s.latency.client_to_server_us);
    if let Some((host, d, _)) = firewall
        .as_ref()
        .filter(|(_, d, _)| matches!(d.verdict, Verdict::Reject { .. }))
    {
        let reset = matches!(d.verdict, Verdict::Reject { tcp_reset: true });
        let answer = if reset {
            format!(
                "{to} → {from} [RST, ACK] seq=0 ack={} (sent by the firewall)",
                isn.wrapping_add(1)
            )
        } else {
            format!("{ip} → {client} ICMP destination unreachable (port unreachable), quoting the SYN (sent by the firewall)")
        };
        ctx.step(spec(
            dest,
            Component::Browser,
            Phase::Connect,
            Status::Fail,
            back,
            "Rejected by the firewall",
            format!("{host}'s firewall rejects the SYN ({}): it answers {} at once, so the browser knows straight away that it may not connect, unlike a drop, which leaves it waiting.", d.because(), if reset { "with a TCP reset" } else { "with an ICMP port-unreachable" }),
            Payload::Tcp { segments: vec![answer] },
        ));
        return Connected::Failed(Ending::BrowserError {
            code: "ERR_CONNECTION_REFUSED",
            detail: format!("{} refused to connect.", target.host),
        });
    }
    if !listening {
        let why = if lb.is_some() {
            match lb.and_then(|l| l.https.as_ref()) {
                Some(_) if port == 443 => "HTTPS is configured, but nothing listens on port 443 now, so the load balancer's kernel answers the SYN with a reset: the browser cannot even start TLS.".to_string(),
                Some(_) => format!("The load balancer listens on ports 80 and 443 only; nothing listens on port {port}, so its kernel answers the SYN with a reset."),
                None => format!("The load balancer listens on port 80 only; nothing listens on port {port}, so its kernel answers the SYN with a reset."),
            }
        } else if ours && port != s.server.nginx_config.listen {
            format!("The server is up, but nothing listens on port {port} (Nginx listens on port {}), so its kernel answers the SYN with a reset.", s.server.nginx_config.listen)
        } else if ours {
            format!("The server is up, but Nginx is not running, so nothing listens on port {port}. The kernel answers the SYN with a reset (RST): the connection is refused at once.")
        } else {
            format!("That machine has nothing listening on port {port} and resets the connection.")
        };
        ctx.step(spec(
            dest,
            Component::Browser,
            Phase::Connect,
            Status::Fail,
            back,
            "Connection refused (RST)",
            why,
            Payload::Tcp {
                segments: vec![format!(
                    "{to} → {from} [RST, ACK] seq=0 ack={}",
                    isn.wrapping_add(1)
                )],
            },
        ));
        return Connected::Failed(Ending::BrowserError {
            code: "ERR_CONNECTION_REFUSED",
            detail: format!("{} refused to connect.", target.host),
        });
    }
    let server_isn = ctx.rng.next_u64() as u32;
    ctx.step(spec(
        dest,
        Component::Browser,
        Phase::Connect,
        Status::Ok,
        back,
        "TCP SYN-ACK",
        "A process is listening on that port, so the server's kernel accepts: it answers SYN-ACK, acknowledging the browser's sequence number and choosing its own.",
        Payload::Tcp {
            segments: vec![format!(
                "{to} → {from} [SYN, ACK] seq={server_isn} ack={} win=65160 mss=1460",
                isn.wrapping_add(1)
            )],
        },
    ));
    ctx.step(spec(
        Component::Browser,
        Component::Browser,
        Phase::Connect,
        Status::Ok,
        0,
        "TCP ACK: connected",
        "The browser acknowledges; the three-way handshake is complete and cost one round trip before any HTTP could be sent.",
        Payload::Tcp {
            segments: vec![format!(
                "{from} → {to} [ACK] seq={} ack={}",
                isn.wrapping_add(1),
                server_isn.wrapping_add(1)
            )],
        },
    ));
    // The firewall let the SYN in; the packets after it are judged as part
    // of an established connection. Without a `ct state established`
    // rule ahead of a reject or a drop, they fail.
    if let Some((host, _, after)) = firewall
        .as_ref()
        .filter(|(_, _, e)| e.verdict != Verdict::Accept)
    {
        let reset = matches!(after.verdict, Verdict::Reject { .. });
        ctx.step(spec(
            Component::Browser,
            dest,
            Phase::Connect,
            Status::Fail,
            if reset { 2 * one_way } else { TCP_RETRIES2_US },
            if reset { "Connection reset by the firewall" } else { "Connected, then silence" },
            format!("{host}'s firewall let the SYN in, but it judges every later packet as part of an established connection, and {} decides for those: {}. A rule `ct state established,related accept` near the top of the chain lets a connection's own packets through.", after.because(), if reset { "the handshake's last ACK is rejected and the connection is reset at once" } else { "the browser's packets vanish, the server's SYN-ACK is resent, and the browser's request is retransmitted until Linux gives up (tcp_retries2 = 15: about 15 minutes)" }),
            Payload::None,
        ));
        return Connected::Failed(Ending::BrowserError {
            code: if reset {
                "ERR_CONNECTION_RESET"
            } else {
                "ERR_TIMED_OUT"
            },
            detail: if reset {
                format!("The connection to {} was reset.", target.host)
            } else {
                format!("{} took too long to respond.", target.host)
            },
        });
    }
    match (lb, other) {
        (Some(_), _) => Connected::LoadBalancer,
        (None, Some(h)) if !ours => Connected::Other(h),
        _ => Connected::Ours,
    }
}

#[cfg(test)]
mod tests {
    use super::syn_schedule;

    #[test]
    fn linux_syn_schedule() {
        let (resends, gives_up) = syn_schedule();
        let s: Vec<u64> = resends.iter().map(|us| us / 1_000_000).collect();
        assert_eq!(s, vec![1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
        assert_eq!(gives_up, 131_000_000);
    }
}
