//! TCP: the three-way handshake, refused connections and timeouts.

use std::net::Ipv4Addr;

use crate::browser::Target;
use crate::scenario::{OtherHost, ProcessState, Topology};
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

/// SYN retransmission times (s) of a Linux client before it gives up.
fn retransmissions(timeout_us: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut rto = 1_000_000u64;
    let mut at = 0u64;
    while at + rto < timeout_us && out.len() < 16 {
        at += rto;
        out.push(at);
        rto = rto.saturating_mul(2);
    }
    out
}

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
    let one_way = ctx.net(s.latency.client_to_server_us);

    let other = s.other_hosts.iter().find(|h| h.ip == ip);
    let lb = match &s.topology {
        Topology::Redundant(c) if c.lb.ip == ip => Some(&c.lb),
        _ => None,
    };
    let ours = lb.is_none() && ip == s.server.ip;
    let (dest, reachable) = if let Some(lb) = lb {
        (Component::LoadBalancer, lb.powered_on)
    } else if ours {
        (Component::Server, s.server.powered_on)
    } else if other.is_some() {
        (Component::OtherHost, true)
    } else {
        (Component::Internet, false)
    };

    if !reachable {
        let timeout = s.latency.connect_timeout_us;
        let mut segments = vec![syn.clone()];
        for at in retransmissions(timeout) {
            segments.push(format!(
                "+{:.0} s  {from} → {to} [SYN] seq={isn} (retransmission)",
                at as f64 / 1e6
            ));
        }
        let why = if lb.is_some() {
            format!("The load balancer at {ip} is powered off, so nothing answers the SYN. It is the one machine every request must pass through: the web servers behind it may be fine, but nobody can reach them. The browser resends the SYN with growing pauses and gives up after {} s.", timeout / 1_000_000)
        } else if ours {
            format!("The server at {ip} is powered off, so nothing answers the SYN. The browser cannot tell a dead machine from a slow one: it resends the SYN with growing pauses and gives up after {} s.", timeout / 1_000_000)
        } else {
            format!("No machine answers at {ip}: the packets vanish into the internet. The browser resends the SYN with growing pauses and gives up after {} s.", timeout / 1_000_000)
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
        return Connected::Failed(Ending::BrowserError {
            code: "ERR_CONNECTION_TIMED_OUT",
            detail,
        });
    }

    let listening = if lb.is_some() {
        port == 80
    } else if ours {
        port == s.server.nginx_config.listen
            && matches!(s.server.nginx, ProcessState::Running | ProcessState::Hung)
    } else {
        port == 80
    };
    ctx.step(spec(
        Component::Browser,
        dest,
        Phase::Connect,
        Status::Ok,
        one_way,
        format!("TCP SYN to {to}"),
        format!("To talk HTTP the browser first opens a TCP connection: it sends a SYN segment to port {port} of {ip}, across the internet."),
        Payload::Tcp {
            segments: vec![syn],
        },
    ));
    let back = ctx.net(s.latency.client_to_server_us);
    if !listening {
        let why = if lb.is_some() {
            format!("The load balancer listens on port 80 only; nothing listens on port {port}, so its kernel answers the SYN with a reset.")
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
    match (lb, other) {
        (Some(_), _) => Connected::LoadBalancer,
        (None, Some(h)) if !ours => Connected::Other(h),
        _ => Connected::Ours,
    }
}

#[cfg(test)]
mod tests {
    use super::retransmissions;

    #[test]
    fn syn_retransmissions_double() {
        assert_eq!(
            retransmissions(21_000_000),
            vec![1_000_000, 3_000_000, 7_000_000, 15_000_000]
        );
        assert!(retransmissions(0).is_empty());
    }
}
