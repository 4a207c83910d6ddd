//! Whole-trace snapshot tests: one `check` per case, each a list of requests
//! against a scenario. The same tests run natively and in headless Chromium
//! (wasm32), comparing against the same files, which proves the pipeline
//! computes byte-identical traces in both places.
//!
//! Update the files after an intended change with `UPDATE_SNAPSHOTS=1 cargo test`.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::compare;
use stackscope_core::render;
use stackscope_core::{Fault, Scenario, Simulator};

/// Runs each `(input, at seconds)` in order on one simulator and compares the
/// rendered traces with the snapshot.
fn check(snapshot: (&str, &str), scenario: Scenario, requests: &[(&str, u64)]) {
    let mut sim = Simulator::new(scenario).expect("scenario is valid");
    let mut got = String::new();
    for (input, at_s) in requests {
        let trace = sim.request(input, at_s * 1_000_000);
        // Every trace survives the JSON round trip it makes to the UI and exports.
        let json = serde_json::to_string(&trace).unwrap();
        let back: stackscope_core::Trace = serde_json::from_str(&json).unwrap();
        assert_eq!(back, trace);
        got.push_str(&format!("=== request at {at_s} s\n"));
        got.push_str(&render::text(&trace));
    }
    compare(snapshot, got);
}

fn seed() -> Scenario {
    Scenario::default()
}

fn with(fault: Fault) -> Scenario {
    let mut s = seed();
    fault.apply(&mut s);
    s
}

#[test]
fn home_page() {
    check(snap!("home"), seed(), &[("http://www.foobar.com/", 0)]);
}

#[test]
fn a_post() {
    check(
        snap!("post"),
        seed(),
        &[("http://www.foobar.com/posts/hello-world", 0)],
    );
}

#[test]
fn a_static_file() {
    check(
        snap!("static"),
        seed(),
        &[("http://www.foobar.com/static/style.css", 0)],
    );
}

#[test]
fn unknown_post_is_404_from_the_app() {
    check(
        snap!("unknown_post"),
        seed(),
        &[("http://www.foobar.com/posts/no-such-post", 0)],
    );
}

#[test]
fn unknown_path_and_missing_static_file() {
    check(
        snap!("unknown_path"),
        seed(),
        &[
            ("http://www.foobar.com/no/such/page", 0),
            ("http://www.foobar.com/static/missing.png", 1),
        ],
    );
}

#[test]
fn apex_without_www_or_scheme() {
    check(snap!("apex"), seed(), &[("foobar.com", 0)]);
}

#[test]
fn bare_ip_skips_dns_and_uses_default_server() {
    check(snap!("bare_ip"), seed(), &[("http://8.8.8.8/", 0)]);
}

#[test]
fn mistyped_domain_is_nxdomain_and_negatively_cached() {
    check(
        snap!("nxdomain"),
        seed(),
        &[
            ("http://www.foobar.co/", 0),
            ("http://www.foobar.co/", 30),
            ("http://www.foobar.co/", 1000),
        ],
    );
}

#[test]
fn second_visit_hits_the_dns_cache_until_the_ttl_runs_out() {
    // 300 s is the www CNAME's TTL; 3600 s the A record's.
    check(
        snap!("second_visit"),
        seed(),
        &[
            ("http://www.foobar.com/", 0),
            ("http://www.foobar.com/", 60),
            ("http://www.foobar.com/", 400),
        ],
    );
}

#[test]
fn search_with_an_injection_attempt_binds_the_parameter() {
    check(
        snap!("search"),
        seed(),
        &[
            // The modelled MySQL compares text in binary (its collation is
            // utf8mb4_nopad_bin), so LIKE is case-sensitive: "Nginx" finds
            // the posts, "nginx" would not.
            ("http://www.foobar.com/search?q=Nginx", 0),
            ("http://www.foobar.com/search?q=' OR '1'='1", 1),
        ],
    );
}

#[test]
fn user_page_and_about() {
    check(
        snap!("user_about"),
        seed(),
        &[
            ("http://www.foobar.com/users/1", 0),
            ("http://www.foobar.com/users/x", 1),
            ("http://www.foobar.com/about", 2),
        ],
    );
}

#[test]
fn https_is_refused_because_nothing_listens_on_443() {
    check(snap!("https"), seed(), &[("https://www.foobar.com/", 0)]);
}

#[test]
fn invalid_inputs_are_explained() {
    let junk = "\u{1}x".repeat(5000);
    check(
        snap!("invalid"),
        seed(),
        &[
            ("", 0),
            ("ht!tp://", 0),
            ("ftp://x", 0),
            ("%", 0),
            (&junk, 0),
            ("http://[::1]/", 0),
            ("http://a..b/", 0),
        ],
    );
}

#[test]
fn fault_server_powered_off() {
    check(
        snap!("fault_server_off"),
        with(Fault::ServerPoweredOff),
        &[("http://www.foobar.com/", 0)],
    );
}

#[test]
fn fault_nginx_stopped() {
    check(
        snap!("fault_nginx_stopped"),
        with(Fault::NginxStopped),
        &[("http://www.foobar.com/", 0)],
    );
}

#[test]
fn fault_app_stopped_and_static_still_served() {
    check(
        snap!("fault_app_stopped"),
        with(Fault::AppStopped),
        &[
            ("http://www.foobar.com/", 0),
            ("http://www.foobar.com/static/logo.svg", 1),
        ],
    );
}

#[test]
fn fault_app_restarting() {
    check(
        snap!("fault_app_restarting"),
        with(Fault::AppRestarting),
        &[("http://www.foobar.com/", 0)],
    );
}

#[test]
fn fault_app_hung_is_504() {
    check(
        snap!("fault_app_hung"),
        with(Fault::AppHung),
        &[("http://www.foobar.com/", 0)],
    );
}

#[test]
fn fault_database_stopped_is_500() {
    check(
        snap!("fault_db_stopped"),
        with(Fault::DatabaseStopped),
        &[("http://www.foobar.com/", 0)],
    );
}

#[test]
fn fault_dns_record_missing_is_nxdomain() {
    check(
        snap!("fault_dns_missing"),
        with(Fault::DnsRecordMissing),
        &[("http://www.foobar.com/", 0)],
    );
}

#[test]
fn fault_dns_wrong_ip_reaches_someone_else() {
    check(
        snap!("fault_dns_wrong_ip"),
        with(Fault::DnsWrongIp),
        &[("http://www.foobar.com/", 0)],
    );
}

#[test]
fn same_scenario_and_url_give_identical_traces() {
    let a = Simulator::new(seed())
        .unwrap()
        .request("http://www.foobar.com/", 0);
    let b = Simulator::new(seed())
        .unwrap()
        .request("http://www.foobar.com/", 0);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let mut other = seed();
    other.seed = 2;
    let c = Simulator::new(other)
        .unwrap()
        .request("http://www.foobar.com/", 0);
    assert_ne!(a, c, "a different seed gives different jitter");
}

#[test]
fn a_cname_loop_is_a_resolution_failure_not_a_hang() {
    use stackscope_core::scenario::{Record, RecordData};
    let mut s = seed();
    let z = &mut s.dns.zones[0];
    z.records.retain(|r| r.name != "www.foobar.com");
    for (a, b) in [
        ("www.foobar.com", "a.foobar.com"),
        ("a.foobar.com", "www.foobar.com"),
    ] {
        z.records.push(Record {
            name: a.into(),
            ttl: 60,
            data: RecordData::Cname(b.into()),
        });
    }
    let t = Simulator::new(s)
        .unwrap()
        .request("http://www.foobar.com/", 0);
    match &t.outcome {
        stackscope_core::Outcome::BrowserError { code, detail, .. } => {
            assert_eq!(code, "ERR_NAME_NOT_RESOLVED");
            assert!(detail.contains("loop"), "{detail}");
        }
        other => panic!("expected a resolution failure, got {other:?}"),
    }
}

#[test]
fn a_cname_to_another_zone_is_followed_from_the_root() {
    use stackscope_core::scenario::{Record, RecordData, Zone};
    let mut s = seed();
    s.dns.zones[0]
        .records
        .retain(|r| r.name != "www.foobar.com");
    s.dns.zones[0].records.push(Record {
        name: "www.foobar.com".into(),
        ttl: 60,
        data: RecordData::Cname("cdn.example.net".into()),
    });
    s.dns.zones.push(Zone {
        origin: "example.net".into(),
        ns_name: "ns.example.net".into(),
        ns_ip: std::net::Ipv4Addr::new(192, 0, 2, 1),
        ns_ttl: 3600,
        negative_ttl: 60,
        records: vec![Record {
            name: "cdn.example.net".into(),
            ttl: 60,
            data: RecordData::A(std::net::Ipv4Addr::new(8, 8, 8, 8)),
        }],
    });
    let t = Simulator::new(s)
        .unwrap()
        .request("http://www.foobar.com/", 0);
    assert!(t.succeeded(), "{:?}", t.outcome);
    let asked_root = t
        .steps
        .iter()
        .filter(|s| s.to == stackscope_core::Component::RootDns)
        .count();
    assert_eq!(
        asked_root, 2,
        "once for www.foobar.com, once for cdn.example.net"
    );
}

/// The explanation of the resolver's answer to the browser.
fn resolver_answer(t: &stackscope_core::Trace) -> String {
    use stackscope_core::Component;
    t.steps
        .iter()
        .find(|s| s.from == Component::Resolver && s.to == Component::Browser)
        .map(|s| s.explanation.clone())
        .expect("the resolver answers the browser")
}

#[test]
fn an_answer_through_an_alias_names_the_chain_of_records() {
    let t = Simulator::new(seed())
        .unwrap()
        .request("http://www.foobar.com/", 0);
    let e = resolver_answer(&t);
    assert!(
        e.contains("www.foobar.com CNAME foobar.com, foobar.com A 8.8.8.8"),
        "{e}"
    );
    assert!(!e.contains("via the alias www.foobar.com"), "{e}");
}

#[test]
fn a_negative_cache_hit_names_the_soa_negative_ttl_not_a_record() {
    let mut sim = Simulator::new(seed()).unwrap();
    sim.request("http://www.foobar.co/", 0);
    let t = sim.request("http://www.foobar.co/", 30_000_000);
    let hit = t
        .steps
        .iter()
        .find(|s| s.title.starts_with("Cache hit"))
        .expect("the second lookup hits the negative cache");
    assert!(
        !hit.explanation.contains("the record's TTL"),
        "{}",
        hit.explanation
    );
    assert!(hit.explanation.contains("RFC 2308"), "{}", hit.explanation);
    assert!(hit.explanation.contains("SOA"), "{}", hit.explanation);
    assert!(
        hit.explanation.contains("871 more seconds"),
        "{}",
        hit.explanation
    );
}

/// The decoded reply `from` sent to the resolver, the first time.
fn reply_from(t: &stackscope_core::Trace, from: stackscope_core::Component) -> Vec<String> {
    t.steps
        .iter()
        .find_map(|s| match &s.payload {
            stackscope_core::Payload::Dns(m) if s.from == from => Some(m.decoded.clone()),
            _ => None,
        })
        .expect("a reply")
}

#[test]
fn the_apex_of_a_tld_exists_so_it_is_nodata_not_nxdomain() {
    let t = Simulator::new(seed()).unwrap().request("http://com/", 0);
    let reply = reply_from(&t, stackscope_core::Component::TldDns);
    assert!(reply[0].contains("rcode NoError"), "{reply:?}");
    assert!(
        reply.iter().any(|l| l.starts_with("com. 900 IN SOA")),
        "{reply:?}"
    );
}

#[test]
fn an_empty_non_terminal_is_nodata_not_nxdomain() {
    use stackscope_core::scenario::{Record, RecordData};
    let mut s = seed();
    s.dns.zones[0].records.push(Record {
        name: "a.b.foobar.com".into(),
        ttl: 60,
        data: RecordData::A(std::net::Ipv4Addr::new(8, 8, 8, 8)),
    });
    let t = Simulator::new(s)
        .unwrap()
        .request("http://b.foobar.com/", 0);
    let reply = reply_from(&t, stackscope_core::Component::AuthDns);
    assert!(reply[0].contains("rcode NoError"), "{reply:?}");
}

#[test]
fn a_referral_without_glue_is_a_resolution_failure_that_says_why() {
    use stackscope_core::scenario::{Record, RecordData, Zone};
    let mut s = seed();
    // foobar.org's name server lies in .com: the .org zone cannot hold its
    // address, so the .org server refers without glue.
    s.dns.zones.push(Zone {
        origin: "foobar.org".into(),
        ns_name: "ns1.foobar.com".into(),
        ns_ip: std::net::Ipv4Addr::new(8, 8, 4, 4),
        ns_ttl: 3600,
        negative_ttl: 60,
        records: vec![Record {
            name: "foobar.org".into(),
            ttl: 60,
            data: RecordData::A(std::net::Ipv4Addr::new(8, 8, 8, 8)),
        }],
    });
    let t = Simulator::new(s).unwrap().request("http://foobar.org/", 0);
    let step = t
        .steps
        .iter()
        .find(|s| s.title.starts_with("Referral without glue"))
        .expect("the .org server's reply is shown");
    assert!(
        step.explanation.contains("no address (glue)"),
        "{}",
        step.explanation
    );
    assert!(!t.succeeded());
}

#[test]
fn a_chain_longer_than_a_server_follows_is_finished_by_the_resolver() {
    use stackscope_core::scenario::{Record, RecordData};
    let mut s = seed();
    for k in 1..=7 {
        let next = if k == 7 {
            "foobar.com".to_string()
        } else {
            format!("c{}.foobar.com", k + 1)
        };
        s.dns.zones[0].records.push(Record {
            name: format!("c{k}.foobar.com"),
            ttl: 60,
            data: RecordData::Cname(next),
        });
    }
    let t = Simulator::new(s)
        .unwrap()
        .request("http://c1.foobar.com/", 0);
    assert!(t.succeeded(), "{:?}", t.outcome);
    let asked_auth = t
        .steps
        .iter()
        .filter(|s| s.to == stackscope_core::Component::AuthDns)
        .count();
    assert_eq!(
        asked_auth, 2,
        "Knot stops after 5 CNAMEs; the resolver asks again from c6"
    );
    let e = resolver_answer(&t);
    assert!(
        e.contains("through aliases: c1.foobar.com CNAME c2.foobar.com"),
        "{e}"
    );
    assert!(
        e.ends_with("connection to that address.") && e.contains("foobar.com A 8.8.8.8"),
        "{e}"
    );
}

#[test]
fn a_page_title_has_no_dangling_separator() {
    // The database is down: the error page has no site title to add.
    let mut sim = Simulator::new(with(Fault::DatabaseStopped)).unwrap();
    let t = sim.request("http://www.foobar.com/", 0);
    assert_eq!(t.page.title, "Internal Server Error");
}

#[test]
fn request_sent_is_the_write_and_waiting_holds_the_trip() {
    // DevTools: "Request sent" is writing the request; the trip to the
    // server and back is "Waiting for server response" (TTFB).
    let t = Simulator::new(seed())
        .unwrap()
        .request("http://www.foobar.com/", 0);
    let phases = t.phases();
    let span = |p| {
        phases
            .iter()
            .find(|(ph, _, _)| *ph == p)
            .map(|(_, a, b)| b - a)
            .unwrap()
    };
    let one_way = seed().latency.client_to_server_us;
    assert!(
        span(stackscope_core::Phase::Send) < 1_000,
        "the write takes well under a millisecond"
    );
    assert!(
        span(stackscope_core::Phase::Wait) > 2 * one_way * 9 / 10,
        "waiting holds both trips"
    );
    let request = t
        .steps
        .iter()
        .find(|s| s.title == "HTTP request: GET /")
        .unwrap();
    assert_eq!(request.phase, stackscope_core::Phase::Wait);
}
