//! The facts and questions against real traces from the simulator.

use super::observe::{observe, Fact};
use super::progress::Progress;
use super::quiz::for_lesson;
use crate::state::{Shared, State, TraceRef};
use stackscope_core::scenario::ProcessState;
use stackscope_core::{Change, Scenario, Simulator};
use std::collections::BTreeSet;
use std::rc::Rc;

/// Every fact seen while stepping through `url`'s trace, after `changes`.
fn walk(changes: &[Change], url: &str) -> (State, BTreeSet<Fact>) {
    walk_in(Scenario::default(), changes, url)
}

/// [`walk`] in another world.
fn walk_in(world: Scenario, changes: &[Change], url: &str) -> (State, BTreeSet<Fact>) {
    let mut sim = Simulator::new(world).unwrap();
    for c in changes {
        sim.apply(*c, 0);
    }
    let trace = sim.request(url, 1_000);
    let mut s = State::new(false, true);
    s.world = Shared(Rc::new(sim.scenario().clone()));
    let n = trace.steps.len();
    s.trace = Some(TraceRef(Rc::new(trace)));
    // Played by itself: no step counts.
    s.playing = true;
    for i in 0..n {
        s.cursor = i;
        assert!(observe(&s).iter().all(|f| !matches!(
            f,
            Fact::SawServerAnswer | Fact::SawNameBecomeAddress | Fact::PlayedHomeToEnd
        )));
    }
    s.playing = false;
    s.by_hand = true;
    let mut seen = BTreeSet::new();
    for i in 0..n {
        s.cursor = i;
        seen.extend(observe(&s));
    }
    (s, seen)
}

fn answer(id: &str, s: &State) -> String {
    let q = for_lesson(id, s, &Progress::default()).unwrap_or_else(|e| panic!("{id}: {e}"));
    q.options[q.right].clone()
}

#[test]
fn the_home_page_shows_the_journeys_facts_and_answers_from_the_run() {
    let (s, seen) = walk(&[], "http://www.foobar.com/");
    for f in [
        Fact::PlayedHomeToEnd,
        Fact::SawServerAnswer,
        Fact::SawNameBecomeAddress,
        Fact::SawWwwRecord,
        Fact::SawProxiedToApp,
        Fact::SawSqlRows,
        Fact::SawHandshake,
        Fact::SawHttpRequest,
    ] {
        assert!(seen.contains(&f), "{f:?} not seen in {seen:?}");
    }
    for f in [
        Fact::SawStaticFromNginx,
        Fact::SawAppDownBadGateway,
        Fact::SiteDownNotDatabase,
    ] {
        assert!(!seen.contains(&f), "{f:?} seen without being shown");
    }
    assert_eq!(answer("scenario", &s), "DNS lookup");
    assert_eq!(answer("server", &s), "8.8.8.8");
    assert_eq!(answer("domain", &s), "Root name server");
    assert_eq!(answer("www", &s), "CNAME");
    assert_eq!(answer("http", &s), "80");
    assert_eq!(answer("database", &s), "2");
    assert_eq!(
        answer("web-server", &s),
        "The application server, asked by Nginx"
    );
    // No fault: the app-server question asks for one first.
    assert!(for_lesson("app-server", &s, &Progress::default()).is_err());
}

#[test]
fn a_static_file_is_nginx_alone() {
    let (s, seen) = walk(&[], "http://www.foobar.com/static/style.css");
    assert!(seen.contains(&Fact::SawStaticFromNginx));
    assert!(!seen.contains(&Fact::SawProxiedToApp));
    assert_eq!(
        answer("web-server", &s),
        "Nginx alone, from a file on its disk"
    );
}

#[test]
fn faults_show_as_the_facts_of_their_lessons() {
    let (s, seen) = walk(
        &[Change::App(None, ProcessState::Stopped)],
        "http://www.foobar.com/",
    );
    assert!(seen.contains(&Fact::SawAppDownBadGateway));
    assert!(seen.contains(&Fact::SiteDownNotDatabase));
    assert_eq!(answer("app-server", &s), "502 Bad Gateway");

    let (_, seen) = walk(
        &[Change::Database(ProcessState::Stopped)],
        "http://www.foobar.com/",
    );
    assert!(seen.contains(&Fact::SawDatabaseDownError));
    assert!(
        !seen.contains(&Fact::SiteDownNotDatabase),
        "the database was touched"
    );

    let (_, seen) = walk(
        &[Change::ServerPower(None, false)],
        "http://www.foobar.com/",
    );
    assert!(seen.contains(&Fact::SiteDownNotDatabase));
    assert!(!seen.contains(&Fact::SawServerAnswer));
}

#[test]
fn a_changed_zone_changes_the_right_answer() {
    let mut scenario = Scenario::default();
    for zone in &mut scenario.dns.zones {
        for r in &mut zone.records {
            if r.name == "www.foobar.com" {
                r.data = stackscope_core::scenario::RecordData::A("8.8.8.8".parse().unwrap());
            }
        }
    }
    let mut sim = Simulator::new(scenario).unwrap();
    let trace = sim.request("http://www.foobar.com/", 0);
    let mut s = State::new(false, true);
    s.trace = Some(TraceRef(Rc::new(trace)));
    assert_eq!(answer("www", &s), "A");
}

#[test]
fn the_monitoring_question_reads_the_dashboard() {
    use stackscope_core::monitor::{self, MonitorSpec};
    let mut s = State::new(false, true);
    assert!(for_lesson("monitoring", &s, &Progress::default()).is_err());
    let one = monitor::run(
        &stackscope_core::seed::simple_stack(),
        &MonitorSpec::default(),
    )
    .unwrap();
    s.monitor = Some(Shared(Rc::new(Ok(one.seen()))));
    assert_eq!(answer("monitoring", &s), "1 min 15 s after it began");
    assert!(observe(&s).contains(&Fact::SawAlertFire));
    assert!(!observe(&s).contains(&Fact::SawServerOutOfRotation));
    let two = monitor::run(
        &stackscope_core::seed::simple_stack(),
        &MonitorSpec {
            servers: 2,
            ..MonitorSpec::default()
        },
    )
    .unwrap();
    s.monitor = Some(Shared(Rc::new(Ok(two.seen()))));
    // Behind the balancer the alert fires on its failing health checks.
    assert_eq!(answer("monitoring", &s), "1 min 15 s after it began");
    assert!(observe(&s).contains(&Fact::SawServerOutOfRotation));
}

#[test]
fn the_backups_question_reads_the_mistake_run() {
    use stackscope_core::mistake::{self, MistakeSpec};
    let mut s = State::new(false, true);
    assert!(for_lesson("backups", &s, &Progress::default()).is_err());
    let world = stackscope_core::seed::redundant_stack();
    let narrow = MistakeSpec {
        statement: "DELETE FROM posts WHERE id = 1".into(),
    };
    s.mistake = Some(Shared(Rc::new(Ok(mistake::run(&world, &narrow)
        .unwrap()
        .seen()))));
    assert_eq!(answer("backups", &s), "2 posts");
    assert!(observe(&s).contains(&Fact::SawReplicaIsNotBackup));
    s.mistake = Some(Shared(Rc::new(Ok(mistake::run(
        &world,
        &MistakeSpec::default(),
    )
    .unwrap()
    .seen()))));
    assert_eq!(answer("backups", &s), "0 posts");
    // A statement that leaves the posts alone shows nothing about them.
    let settings = MistakeSpec {
        statement: "DELETE FROM settings".into(),
    };
    s.mistake = Some(Shared(Rc::new(Ok(mistake::run(&world, &settings)
        .unwrap()
        .seen()))));
    assert!(!observe(&s).contains(&Fact::SawReplicaIsNotBackup));
}

#[test]
fn the_tiers_question_reads_the_machine_that_answered() {
    let mut s = State::new(false, true);
    assert!(for_lesson("tiers", &s, &Progress::default()).is_err());
    let mut sim = Simulator::new(stackscope_core::seed::scaled_stack()).unwrap();
    let _ = sim.request("https://www.foobar.com/", 0);
    sim.apply(Change::AppPower(0, false), 500_000);
    // web-02's Nginx takes app-01 first: no route to it, then app-02.
    let t = sim.request("https://www.foobar.com/", 1_000_000);
    s.world = Shared(Rc::new(sim.scenario().clone()));
    s.trace = Some(TraceRef(Rc::new(t)));
    assert!(observe(&s).contains(&Fact::SawNextUpstream));
    assert_eq!(answer("tiers", &s), "app-02");
    let q = for_lesson("tiers", &s, &Progress::default()).unwrap();
    assert!(
        q.why
            .contains("Nginx on web-02 tried app-01 first, which did not take"),
        "{}",
        q.why
    );
    assert!(q.why.contains("(3000.0 ms spent on it)"), "{}", q.why);
    // Within fail_timeout Nginx goes straight to app-02: nothing to ask.
    let straight = sim.request("https://www.foobar.com/", 5_000_000);
    s.trace = Some(TraceRef(Rc::new(straight)));
    assert!(!observe(&s).contains(&Fact::SawNextUpstream));
}

#[test]
fn the_lb_pair_question_reads_the_late_request() {
    let mut s = State::new(false, true);
    assert!(for_lesson("lb-pair", &s, &Progress::default()).is_err());
    let mut sim = Simulator::new(stackscope_core::seed::scaled_stack()).unwrap();
    sim.apply(Change::LbPower(false), 5_400_000);
    // Sent at 6 s: the SYNs at +1 s and +2 s find nobody; lb-02 holds the
    // address from 8.609 s and answers the one at +3 s.
    let late = sim.request("https://www.foobar.com/", 6_000_000);
    s.world = Shared(Rc::new(sim.scenario().clone()));
    s.trace = Some(TraceRef(Rc::new(late)));
    assert!(observe(&s).contains(&Fact::SawAddressFailover));
    assert_eq!(answer("lb-pair", &s), "3 s");
    // Once lb-02 holds it, requests are on time: nothing to ask about.
    let on_time = sim.request("https://www.foobar.com/", 12_000_000);
    s.trace = Some(TraceRef(Rc::new(on_time)));
    assert!(!observe(&s).contains(&Fact::SawAddressFailover));
    assert!(for_lesson("lb-pair", &s, &Progress::default()).is_err());
}

#[test]
fn the_name_moves_with_its_a_record() {
    let (_, seen) = walk(&[], "http://www.foobar.com/");
    assert!(!seen.contains(&Fact::SawNameMoved));
    // The ≠ button: the A record points at another machine, which answers.
    let (_, seen) = walk(&[Change::DnsWrongIp], "http://www.foobar.com/");
    assert!(seen.contains(&Fact::SawNameMoved));
    // Typed as an address, no name moved anywhere.
    let (_, seen) = walk(&[], "http://203.0.113.80/");
    assert!(!seen.contains(&Fact::SawNameMoved));
}

#[test]
fn the_https_lesson_reads_the_handshake_and_the_plain_hop() {
    use stackscope_core::scenario::CertFault;
    let secured = stackscope_core::seed::secured_stack;
    let (s, seen) = walk_in(secured(), &[], "https://www.foobar.com/");
    for f in [Fact::SawCertificate, Fact::SawPlainBehindBalancer] {
        assert!(seen.contains(&f), "{f:?} not seen in {seen:?}");
    }
    assert!(!seen.contains(&Fact::SawCertificateRefused));
    assert_eq!(answer("https", &s), "load balancer → web-01");
    // Over plain HTTP (a 301 to https://) nothing of it is seen.
    let (s, seen) = walk_in(secured(), &[], "http://www.foobar.com/");
    assert!(!seen.contains(&Fact::SawCertificate), "{seen:?}");
    assert!(!seen.contains(&Fact::SawPlainBehindBalancer), "{seen:?}");
    assert!(for_lesson("https", &s, &Progress::default()).is_err());
    // A refused certificate: the browser's own code is the answer.
    for (fault, code) in [
        (CertFault::Expired, "NET::ERR_CERT_DATE_INVALID"),
        (CertFault::ApexOnly, "NET::ERR_CERT_COMMON_NAME_INVALID"),
    ] {
        let (s, seen) = walk_in(
            secured(),
            &[Change::Certificate(Some(fault))],
            "https://www.foobar.com/",
        );
        assert!(seen.contains(&Fact::SawCertificateRefused), "{seen:?}");
        assert!(!seen.contains(&Fact::SawPlainBehindBalancer), "{seen:?}");
        assert_eq!(answer("https", &s), code);
    }
}

#[test]
fn the_firewall_lesson_tells_a_drop_from_a_reject() {
    use stackscope_core::{firewall, Topology};
    let with_balancer_rules = |rules: &str| {
        let mut w = stackscope_core::seed::secured_stack();
        let Topology::Redundant(c) = &mut w.topology else {
            panic!("the secured design has a cluster")
        };
        let lb = c.lb.hostname.clone();
        let f = c.firewalls.iter_mut().find(|f| f.host == lb).unwrap();
        let old = firewall::balancer_rules();
        assert_eq!(f.rules, old);
        f.rules = old.replace("tcp dport { 80, 443 } accept", rules);
        w
    };
    // The defaults let HTTPS through: nothing to ask.
    let (s, seen) = walk_in(
        stackscope_core::seed::secured_stack(),
        &[],
        "https://www.foobar.com/",
    );
    assert!(!seen.contains(&Fact::SawFirewallDrop) && !seen.contains(&Fact::SawFirewallReject));
    assert!(for_lesson("firewall", &s, &Progress::default()).is_err());
    // 443 left to the policy (drop): the browser waits for minutes.
    let (s, seen) = walk_in(
        with_balancer_rules("tcp dport 80 accept"),
        &[],
        "https://www.foobar.com/",
    );
    assert!(seen.contains(&Fact::SawFirewallDrop), "{seen:?}");
    assert!(!seen.contains(&Fact::SawFirewallReject), "{seen:?}");
    assert_eq!(answer("firewall", &s), "more than two minutes");
    // Rejected: refused at once.
    let (s, seen) = walk_in(
        with_balancer_rules("tcp dport 443 reject with tcp reset\n        tcp dport 80 accept"),
        &[],
        "https://www.foobar.com/",
    );
    assert!(seen.contains(&Fact::SawFirewallReject), "{seen:?}");
    assert!(!seen.contains(&Fact::SawFirewallDrop), "{seen:?}");
    assert_eq!(answer("firewall", &s), "well under a second");
}
