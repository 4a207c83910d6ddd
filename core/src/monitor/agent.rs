//! What a monitoring agent on a web server reads every 15 seconds.
//!
//! Three sources, as on a real server:
//! - **Nginx's `stub_status` page** (ngx_http_stub_status_module,
//!   <https://nginx.org/en/docs/http/ngx_http_stub_status_module.html>): the
//!   connections accepted and handled and the requests since Nginx started,
//!   and the connections open now (reading a request, writing a response,
//!   waiting idle). The agent's own read is a connection and a request too,
//!   so it is in every page it reads: requests per second are
//!   `(requests₂ − requests₁ − 1) / 15 s`. The conformance suite runs
//!   Debian's nginx on the same connections and compares the page byte for
//!   byte.
//! - **The access log**: one line per answer with its status and time,
//!   counted by class (`nginx_http_responses_total{class="5xx"}`) and
//!   read for latency percentiles. The status page itself is not logged
//!   (`access_log off` in its location).
//! - **The application's workers**: their busy share (one worker a core).
//! - **The CPU**, as `top` or node_exporter reads it: the share of the
//!   machine's cores computing (Nginx's work and the workers' own; a worker
//!   waiting for the database is busy, not computing).
//!
//! Behind the balancer, its health checks (`GET /health` every `inter`)
//! reach each server's Nginx and application like any request: they are in
//! `stub_status` and in the access log, as 200 or, while the application is
//! down, 502.

use serde::{Deserialize, Serialize};

/// What `stub_status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StubStatus {
    pub active: u64,
    pub accepts: u64,
    pub handled: u64,
    pub requests: u64,
    pub reading: u64,
    pub writing: u64,
    pub waiting: u64,
}

impl StubStatus {
    /// The page as nginx 1.22 writes it (each line ends with a space).
    pub fn text(&self) -> String {
        format!(
            "Active connections: {} \nserver accepts handled requests\n {} {} {} \nReading: {} Writing: {} Waiting: {} \n",
            self.active,
            self.accepts,
            self.handled,
            self.requests,
            self.reading,
            self.writing,
            self.waiting
        )
    }
}

/// Something a client does to Nginx (the conformance suite's vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientEvent {
    /// A connection sends this many requests one after the other
    /// (keep-alive), each answered, then closes.
    Requests(u32),
    /// A connection sends this many requests, each answered, and stays
    /// open, idle (keep-alive).
    Idle(u32),
    /// A connection sends one request whose answer has not come yet (the
    /// application is still working on it).
    InFlight,
    /// The agent reads the status page.
    Scrape,
}

/// Nginx's counters after client events, and the pages each scrape reads:
/// every connection is accepted and handled (no limit reached), every
/// request counted when it starts; a connection open at a scrape is
/// waiting when idle and writing while its answer is pending, the scrape's
/// own included.
pub fn replay(events: &[ClientEvent]) -> Vec<StubStatus> {
    let (mut accepts, mut requests, mut idle, mut in_flight) = (0u64, 0u64, 0u64, 0u64);
    let mut pages = Vec::new();
    for e in events {
        accepts += 1;
        match *e {
            ClientEvent::Requests(n) => requests += u64::from(n),
            ClientEvent::Idle(n) => {
                requests += u64::from(n);
                idle += 1;
            }
            ClientEvent::InFlight => {
                requests += 1;
                in_flight += 1;
            }
            ClientEvent::Scrape => {
                requests += 1;
                pages.push(StubStatus {
                    active: idle + in_flight + 1,
                    accepts,
                    handled: accepts,
                    requests,
                    reading: 0,
                    writing: in_flight + 1,
                    waiting: idle,
                });
            }
        }
    }
    pages
}

/// One reading of one agent, at `at_s`: the page and the log's counters as
/// read then, and the figures for the 15 s since the previous reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scrape {
    pub at_s: u32,
    /// `stub_status` as read (the agent's own read included).
    pub status: StubStatus,
    /// The access log's answers so far: all, and 5xx.
    pub responses: u64,
    pub errors_5xx: u64,
    /// Requests per second since the previous reading, the agent's own read
    /// left out (the balancer's health checks in).
    pub qps: f64,
    /// Of the requests since the previous reading, the balancer's health
    /// checks.
    pub checks: u64,
    /// Share of the answers since the previous reading that were 5xx.
    pub error_share: Option<f64>,
    pub p50_us: Option<u64>,
    pub p95_us: Option<u64>,
    pub p99_us: Option<u64>,
    /// Busy share of the application's workers since the previous reading.
    pub busy: f64,
    /// In the balancer's rotation when read.
    pub in_rotation: bool,
    /// The machine's CPU since the previous reading: the share of its cores
    /// computing (modelled: `ServerInterval::cpu`).
    pub cpu: f64,
}

/// The balancer's health checks of one server in one interval: how many,
/// and how many were answered 502.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checks {
    pub sent: u64,
    pub failed: u64,
}

/// One agent's readings, every `step_s` from 0, from a run's per-server
/// intervals (each `step_s` long) and the health checks each received
/// (none on a single server): what its Nginx counted and its workers did.
pub fn readings(
    intervals: &[crate::load::ServerInterval],
    checks: &[Checks],
    step_s: u32,
) -> Vec<Scrape> {
    let step = f64::from(step_s.max(1));
    let mut out = Vec::with_capacity(intervals.len() + 1);
    let first = StubStatus {
        active: 1,
        accepts: 1,
        handled: 1,
        requests: 1,
        reading: 0,
        writing: 1,
        waiting: 0,
    };
    out.push(Scrape {
        at_s: 0,
        status: first,
        responses: 0,
        errors_5xx: 0,
        qps: 0.0,
        checks: 0,
        error_share: None,
        p50_us: None,
        p95_us: None,
        p99_us: None,
        busy: 0.0,
        in_rotation: true,
        cpu: 0.0,
    });
    let (mut site, mut responses, mut errors) = (0u64, 0u64, 0u64);
    for (k, iv) in intervals.iter().enumerate() {
        let reads = k as u64 + 2;
        let c = checks.get(k).copied().unwrap_or_default();
        site += iv.requests + c.sent;
        let answered = iv.ok + iv.errors_5xx() + c.sent;
        let bad = iv.errors_5xx() + c.failed;
        responses += answered;
        errors += bad;
        let open = u64::from(iv.active_at_end);
        let status = StubStatus {
            active: open + 1,
            accepts: site + reads,
            handled: site + reads,
            requests: site + reads,
            reading: 0,
            writing: open + 1,
            waiting: 0,
        };
        out.push(Scrape {
            at_s: (k as u32 + 1) * step_s,
            status,
            responses,
            errors_5xx: errors,
            qps: (iv.requests + c.sent) as f64 / step,
            checks: c.sent,
            error_share: (answered > 0).then(|| bad as f64 / answered as f64),
            p50_us: iv.p50_us,
            p95_us: iv.p95_us,
            p99_us: iv.p99_us,
            busy: iv.busy,
            in_rotation: iv.in_rotation,
            cpu: iv.cpu,
        });
    }
    out
}

/// Requests per second between two readings of `stub_status`, as an agent
/// computes it: the later read counts itself, which is not the site's.
pub fn qps_between(earlier: &StubStatus, later: &StubStatus, seconds: f64) -> f64 {
    (later
        .requests
        .saturating_sub(earlier.requests)
        .saturating_sub(1)) as f64
        / seconds
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClientEvent::*;

    #[test]
    fn the_agents_own_read_is_counted() {
        let pages = replay(&[Scrape, Requests(3), Requests(1), Scrape, Idle(2), Scrape]);
        assert_eq!(
            pages[0].text(),
            "Active connections: 1 \nserver accepts handled requests\n 1 1 1 \nReading: 0 Writing: 1 Waiting: 0 \n"
        );
        assert_eq!((pages[1].accepts, pages[1].requests), (4, 6));
        assert_eq!(
            (pages[2].active, pages[2].waiting, pages[2].requests),
            (2, 1, 9)
        );
        // Four site requests between the first two reads, in 15 s.
        assert!((qps_between(&pages[0], &pages[1], 15.0) - 4.0 / 15.0).abs() < 1e-12);
    }
}
