//! What the learner has shown in the simulation: facts read off the
//! screen's state (the current trace and step, the world's faults, the
//! downtime streams, the sweep) and off the load panel's runs. A checklist
//! item ticks when every fact it needs has been seen, never by reading.

use crate::faults::{self, Demo};
use crate::state::State;
use serde::{Deserialize, Serialize};
use stackscope_core::scenario::Topology;
use stackscope_core::{Change, Component, Outcome, Payload, Phase, Status, Step, Trace};

/// One thing the learner did and saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Fact {
    /// The home page's request played to its last step, answered 200.
    PlayedHomeToEnd,
    /// The cursor on the step where the server sends the response.
    SawServerAnswer,
    /// The cursor on the resolver's answer to the browser: a name, an address.
    SawNameBecomeAddress,
    /// The A record changed: the same name was answered by another machine.
    SawNameMoved,
    /// The cursor on a DNS answer holding the record for www.foobar.com.
    SawWwwRecord,
    /// The cursor on Nginx reading a static file from its disk.
    SawStaticFromNginx,
    /// The cursor on Nginx handing a request to the application.
    SawProxiedToApp,
    /// A request answered 502 while the application server was down.
    SawAppDownBadGateway,
    /// The cursor on a SQL query and the rows it returned.
    SawSqlRows,
    /// A request answered with an error while the database was down.
    SawDatabaseDownError,
    /// The cursor on the TCP handshake.
    SawHandshake,
    /// The cursor on the browser's HTTP request.
    SawHttpRequest,
    /// One server, a fault not on the database, the request failed.
    SiteDownNotDatabase,
    /// The sweep ran and shows a part whose failure stops the one-server site.
    SweepShowsSpof,
    /// The redundant design answered 200 with a fault in effect.
    RedundantSurvivedFault,
    /// The one-server deploy's stream lost requests.
    SingleDeployLostRequests,
    /// The rolling deploy's stream lost none.
    RollingDeployLostNone,
    /// The maintenance window counted a one-server deploy at a time that
    /// failed fewer requests than the same deploy at the peak.
    QuietHourFewerFailures,
    /// A load run on one server with errors or a long queue.
    OneServerOverloaded,
    /// More servers answered, within 1% errors, a load one server could not.
    ScaledOutSameLoad,
    /// The cursor on a TLS record carrying the server's certificate.
    SawCertificate,
    /// The cursor on the plain HTTP hop behind a balancer that ended TLS.
    SawPlainBehindBalancer,
    /// The browser refused the certificate (Chromium's NET::ERR_CERT_ code).
    SawCertificateRefused,
    /// A request timed out because a firewall dropped its SYN.
    SawFirewallDrop,
    /// A request was refused by a firewall's reject.
    SawFirewallReject,
    /// A monitoring dashboard where the alert rule fired.
    SawAlertFire,
    /// A dashboard of two servers where the balancer took a failing one
    /// out of rotation (visitors barely noticed; the per-server view shows it).
    SawServerOutOfRotation,
    /// A rolling deploy where two releases answered side by side.
    SawVersionSkew,
    /// The pipeline rolled back a release that failed its health checks,
    /// and no visitor's request failed.
    SawAutoRollback,
    /// A mistaken statement reached the replica (the page lost rows there)
    /// and a database loaded from the dump had them again.
    SawReplicaIsNotBackup,
    /// A request sent while the balancer pair's address changed hands
    /// (its SYNs unanswered until the standby took it over) still succeeded.
    SawAddressFailover,
    /// With split tiers, an application machine failed Nginx's connection
    /// and the next one answered the same request (proxy_next_upstream).
    SawNextUpstream,
}

impl Fact {
    /// What the learner does to show it (the lesson's to-do line).
    pub fn todo(self) -> &'static str {
        match self {
            Fact::PlayedHomeToEnd => "play the home page's request to its last step",
            Fact::SawServerAnswer => "step to the server's HTTP response",
            Fact::SawNameBecomeAddress => "step to the resolver's answer: the name and its address",
            Fact::SawNameMoved => "press ≠ and request the page again",
            Fact::SawWwwRecord => "step to a DNS answer that holds www.foobar.com's record",
            Fact::SawStaticFromNginx => "request a static file and step to Nginx reading it",
            Fact::SawProxiedToApp => {
                "request a page and step to Nginx handing it to the application"
            }
            Fact::SawAppDownBadGateway => "stop the application server and request a page",
            Fact::SawSqlRows => "step to a SQL query and the rows it returned",
            Fact::SawDatabaseDownError => "stop the database and request a page",
            Fact::SawHandshake => "step to the TCP handshake",
            Fact::SawHttpRequest => "step to the browser's HTTP request",
            Fact::SiteDownNotDatabase => {
                "on one server, break something other than the database and request the page"
            }
            Fact::SweepShowsSpof => "run the availability sweep",
            Fact::RedundantSurvivedFault => {
                "switch to the redundant design, break a server and request the page"
            }
            Fact::SingleDeployLostRequests => "run the deploy on one server",
            Fact::RollingDeployLostNone => "run the rolling deploy",
            Fact::QuietHourFewerFailures => {
                "count a day and pick a deploy time that fails fewer requests than the peak"
            }
            Fact::OneServerOverloaded => "run a load one server cannot take (errors above 1%)",
            Fact::ScaledOutSameLoad => "run the same load with more servers, within 1% errors",
            Fact::SawCertificate => "step to the load balancer's certificate in the TLS handshake",
            Fact::SawPlainBehindBalancer => {
                "over HTTPS, step to the load balancer forwarding the request to a web server"
            }
            Fact::SawCertificateRefused => {
                "let the certificate expire (or swap in the wrong one) and request the page"
            }
            Fact::SawFirewallDrop => "make a firewall drop the connection and request the page",
            Fact::SawFirewallReject => "make it reject the connection and request the page",
            Fact::SawAlertFire => "watch an incident on one server until the alert fires",
            Fact::SawServerOutOfRotation => {
                "watch the same incident with two servers behind the balancer"
            }
            Fact::SawVersionSkew => "deploy v2 with the pipeline on two servers",
            Fact::SawAutoRollback => "deploy v3 with the pipeline on two servers",
            Fact::SawReplicaIsNotBackup => {
                "run a mistaken DELETE in the backup panel and see the replica lose the rows"
            }
            Fact::SawAddressFailover => {
                "with the balancer pair, power off lb-01 and see the page arrive late through lb-02"
            }
            Fact::SawNextUpstream => {
                "power off app-01 and see Nginx pass the same request on to app-02"
            }
        }
    }
}

/// The step where the browser's SYNs went unanswered while a balancer
/// pair's address changed hands (VRRP), if the request had one.
pub fn changed_hands(t: &Trace) -> Option<&Step> {
    t.steps
        .iter()
        .find(|s| s.phase == Phase::Connect && s.title.contains("is changing hands"))
}

/// With split tiers, Nginx's attempt that an application machine did not
/// take, followed in the same request by one that answered: `(failed,
/// answered)`. `None` unless the request succeeded that way.
pub fn next_upstream(t: &Trace) -> Option<(&Step, &Step)> {
    if failed(t) {
        return None;
    }
    let tries: Vec<&Step> = t
        .steps
        .iter()
        .filter(|s| s.from == Component::Nginx && s.to == Component::App && s.app_node.is_some())
        .collect();
    let first_fail = tries.iter().position(|s| s.status == Status::Fail)?;
    let answered = tries[first_fail + 1..]
        .iter()
        .find(|s| s.status == Status::Ok)?;
    Some((tries[first_fail], answered))
}

/// The record lines of a DNS message's ANSWER section, as decoded
/// (`www.foobar.com. 300 IN CNAME foobar.com.`).
pub fn answers(step: &Step) -> Vec<&str> {
    let Payload::Dns(m) = &step.payload else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut inside = false;
    for line in &m.decoded {
        let line = line.trim();
        if let Some(section) = line.strip_prefix(";;") {
            inside = section.trim() == "ANSWER";
        } else if inside && !line.is_empty() {
            out.push(line);
        }
    }
    out
}

/// A decoded record line's (owner, type, value).
pub fn record(line: &str) -> Option<(&str, &str, &str)> {
    let mut words = line.split_whitespace();
    let owner = words.next()?;
    let _ttl = words.next()?;
    let _class = words.next()?;
    let kind = words.next()?;
    let value = words.next()?;
    Some((owner, kind, value))
}

/// The step where the resolver gives the browser the address.
pub fn is_name_to_address(s: &Step) -> bool {
    s.from == Component::Resolver
        && s.to == Component::Browser
        && answers(s)
            .iter()
            .any(|l| record(l).is_some_and(|(_, k, _)| k == "A"))
}

/// The name server's answer that holds www.foobar.com's own record.
pub fn is_www_answer(s: &Step) -> bool {
    s.from == Component::AuthDns
        && answers(s).iter().any(|l| {
            record(l).is_some_and(|(owner, _, _)| owner.eq_ignore_ascii_case("www.foobar.com."))
        })
}

fn is_http(s: &Step) -> bool {
    matches!(s.payload, Payload::Http { .. })
}

/// The response leaving the server side for the browser.
pub fn is_server_answer(s: &Step) -> bool {
    s.to == Component::Browser
        && matches!(
            s.from,
            Component::Nginx | Component::Server | Component::LoadBalancer
        )
        && is_http(s)
}

/// The browser's HTTP request reaching the server side.
pub fn is_http_request(s: &Step) -> bool {
    s.from == Component::Browser && s.to != Component::Browser && is_http(s)
}

pub fn is_handshake(s: &Step) -> bool {
    s.phase == Phase::Connect && matches!(s.payload, Payload::Tcp { .. })
}

/// A TLS record that carried the server's certificate (decrypted).
pub fn is_certificate(s: &Step) -> bool {
    matches!(&s.payload, Payload::Tls { records } if records.iter().any(|r| r.decrypted.as_ref().is_some_and(|p| !p.certificates.is_empty())))
}

pub fn is_static_read(s: &Step) -> bool {
    matches!(s.payload, Payload::StaticFile { .. })
}

pub fn is_proxy_to_app(s: &Step) -> bool {
    s.from == Component::Nginx && s.to == Component::App
}

pub fn is_sql_with_rows(s: &Step) -> bool {
    matches!(&s.payload, Payload::Sql(q) if !q.rows.is_empty())
}

fn status(t: &Trace) -> Option<u16> {
    match &t.outcome {
        Outcome::Response { status, .. } => Some(*status),
        _ => None,
    }
}

/// The request did not get a page: a browser error or a 5xx.
pub fn failed(t: &Trace) -> bool {
    match &t.outcome {
        Outcome::Response { status, .. } => *status >= 500,
        Outcome::BrowserError { .. } => true,
        Outcome::InvalidInput { .. } => false,
    }
}

/// The address as the browser parsed it: (host, path, port).
pub fn url(t: &Trace) -> Option<(&str, &str, u16)> {
    t.steps.iter().find_map(|s| match &s.payload {
        Payload::Url {
            host, path, port, ..
        } => Some((host.as_str(), path.as_str(), *port)),
        _ => None,
    })
}

/// A test of one step.
type StepCheck = fn(&Step) -> bool;

/// The facts the screen shows now.
pub fn observe(s: &State) -> Vec<Fact> {
    let mut out = Vec::new();
    let active = faults::active(&s.world);
    if let Some(t) = s.trace.as_ref() {
        let t: &Trace = &t.0;
        // A step counts as shown when the learner stopped on it, not when
        // playback passed it by itself.
        let stopped_here = s.by_hand && !s.playing;
        if let Some(step) = t.steps.get(s.cursor).filter(|_| stopped_here) {
            let checks: [(StepCheck, Fact); 9] = [
                (is_server_answer, Fact::SawServerAnswer),
                (is_name_to_address, Fact::SawNameBecomeAddress),
                (is_www_answer, Fact::SawWwwRecord),
                (is_static_read, Fact::SawStaticFromNginx),
                (is_proxy_to_app, Fact::SawProxiedToApp),
                (is_sql_with_rows, Fact::SawSqlRows),
                (is_handshake, Fact::SawHandshake),
                (is_http_request, Fact::SawHttpRequest),
                (is_certificate, Fact::SawCertificate),
            ];
            out.extend(
                checks
                    .iter()
                    .filter(|(f, _)| f(step))
                    .map(|(_, fact)| *fact),
            );
        }
        let over_tls = t.steps.iter().any(|st| st.phase == Phase::Tls);
        if stopped_here
            && over_tls
            && t.steps.get(s.cursor).is_some_and(|st| {
                st.from == Component::LoadBalancer && st.to == Component::Nginx && is_http(st)
            })
        {
            out.push(Fact::SawPlainBehindBalancer);
        }
        // The name looked up, another machine answered: the A record moved.
        if status(t).is_some()
            && t.steps
                .iter()
                .any(|st| matches!(st.payload, Payload::Dns(_)))
            && t.steps.iter().any(|st| st.from == Component::OtherHost)
        {
            out.push(Fact::SawNameMoved);
        }
        if !failed(t) && changed_hands(t).is_some() {
            out.push(Fact::SawAddressFailover);
        }
        if next_upstream(t).is_some() {
            out.push(Fact::SawNextUpstream);
        }
        if matches!(&t.outcome, Outcome::BrowserError { code, .. } if code.starts_with("NET::ERR_CERT_"))
        {
            out.push(Fact::SawCertificateRefused);
        }
        if failed(t)
            && t.steps
                .iter()
                .any(|st| st.explanation.contains("firewall drops the SYN"))
        {
            out.push(Fact::SawFirewallDrop);
        }
        if failed(t)
            && t.steps
                .iter()
                .any(|st| st.title == "Rejected by the firewall")
        {
            out.push(Fact::SawFirewallReject);
        }
        if stopped_here
            && s.at_end()
            && status(t) == Some(200)
            && url(t).is_some_and(|(host, _, _)| host == "www.foobar.com")
        {
            out.push(Fact::PlayedHomeToEnd);
        }
        let app_down = active.iter().any(|c| matches!(c, Change::App(..)));
        if app_down && status(t) == Some(502) {
            out.push(Fact::SawAppDownBadGateway);
        }
        let db_down = active.iter().any(|c| matches!(c, Change::Database(_)));
        if db_down && failed(t) {
            out.push(Fact::SawDatabaseDownError);
        }
        let single = matches!(s.world.topology, Topology::Single);
        if single && !active.is_empty() && !db_down && failed(t) {
            out.push(Fact::SiteDownNotDatabase);
        }
        if !single && !active.is_empty() && status(t) == Some(200) {
            out.push(Fact::RedundantSurvivedFault);
        }
    }
    if let Some(Ok(seen)) = s.sweep.as_ref().map(|r| &*r.0) {
        if !seen.stops_one_server.is_empty() {
            out.push(Fact::SweepShowsSpof);
        }
    }
    if let Some(Ok(d)) = s.monitor.as_ref().map(|m| &*m.0) {
        if d.fired.is_some() {
            out.push(Fact::SawAlertFire);
        }
        if d.out_of_rotation {
            out.push(Fact::SawServerOutOfRotation);
        }
    }
    if let Some(Ok(m)) = s.mistake.as_ref().map(|m| &*m.0) {
        if m.after < m.before && m.restored == m.before {
            out.push(Fact::SawReplicaIsNotBackup);
        }
    }
    if let Some(Ok(p)) = s.pipeline.as_ref().map(|p| &*p.0) {
        if p.skew_us.is_some() {
            out.push(Fact::SawVersionSkew);
        }
        if p.rolled_back && p.failed == 0 {
            out.push(Fact::SawAutoRollback);
        }
    }
    if let Some(d) = &s.demo {
        if let Ok(r) = &d.seen {
            match d.demo {
                Demo::SingleDeploy if r.failed > 0 => out.push(Fact::SingleDeployLostRequests),
                Demo::RollingDeploy if r.failed == 0 => out.push(Fact::RollingDeployLostNone),
                _ => {}
            }
        }
    }
    out
}

/// What one load run showed (sent by the load panel when a run finishes).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LoadRun {
    pub servers: u32,
    pub cores: u32,
    /// Offered load, requests/s.
    pub rate_per_s: f64,
    /// Share of requests answered with an error (0..1).
    pub error_rate: f64,
    /// The application workers' utilisation (0..1).
    pub app_busy: f64,
}

impl LoadRun {
    /// One server past its limit: more than 1% errors, or workers saturated.
    pub fn overloaded(&self) -> bool {
        self.error_rate > 0.01 || self.app_busy >= 0.99
    }
}
