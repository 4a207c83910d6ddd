//! The layers view (`core::layers`): each case runs one request and
//! compares the view, as text, with what the trace must show at each layer.
//! They run natively and in headless Chromium (wasm32), where the page
//! computes the view.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use stackscope_core::layers::{self, Reach};
use stackscope_core::{seed, Fault, Scenario, Simulator};

fn view(scenario: Scenario, input: &str) -> Vec<layers::Layer> {
    let mut sim = Simulator::new(scenario).expect("scenario is valid");
    layers::of(&sim.request(input, 0))
}

fn check(scenario: Scenario, input: &str, expect: &str) {
    let got = layers::text(&view(scenario, input));
    assert_eq!(got, expect, "\n--- got:\n{got}");
}

fn with(fault: Fault) -> Scenario {
    let mut s = Scenario::default();
    fault.apply(&mut s);
    s
}

#[test]
fn home_page_one_server() {
    check(Scenario::default(), "http://www.foobar.com/", concat!(
        "Application · HTTP/1.1 [Carried] Host: www.foobar.com, path / | GET / → 200 OK: 192 bytes of request, 871 bytes of response, as text. | steps [15, 25]\n",
        "Application · DNS [Carried] the name asked for, sent to the resolver's IP, port 53 | 8 messages, 398 bytes in all, each one UDP datagram to or from port 53; the resolver asked 3 name servers in turn. www.foobar.com is 8.8.8.8. | steps [2, 3, 4, 5, 6, 7, 8, 9, 10]\n",
        "Transport · TCP [Carried] port 55805 → port 80 | The three-way handshake [SYN] [SYN, ACK] [ACK] cost one round trip (41.1 ms) before anything else could be sent; then the connection carries the bytes above it both ways, in order. | steps [11, 12, 13]\n",
        "Internet · IPv4 [Carried] 198.51.100.23 → 8.8.8.8 | Every segment is a packet from 198.51.100.23 to 8.8.8.8 (the address DNS gave), about 19.8 ms each way here (modelled); routers forward it hop by hop on that address alone. | steps [11, 12, 15, 25]\n",
        "Link · Wi-Fi, Ethernet, … [NotModelled] MAC addresses, one link at a time | Not modelled: the frames from router to router along the way. Their time is inside the modelled latency of each crossing. | steps []\n",
    ));
}

#[test]
fn server_off_stops_at_ip() {
    check(with(Fault::ServerPoweredOff), "http://www.foobar.com/", concat!(
        "Application · HTTP/1.1 [NotReached] the Host header and the path | No HTTP request was sent: the TCP connection failed first. | steps []\n",
        "Application · DNS [Carried] the name asked for, sent to the resolver's IP, port 53 | 8 messages, 398 bytes in all, each one UDP datagram to or from port 53; the resolver asked 3 name servers in turn. www.foobar.com is 8.8.8.8. | steps [2, 3, 4, 5, 6, 7, 8, 9, 10]\n",
        "Transport · TCP [Failed] port 55805 → port 80 | Segments [SYN] ×11. SYN to 8.8.8.8:80: no answer. | steps [11]\n",
        "Internet · IPv4 [Failed] 198.51.100.23 → 8.8.8.8 | Packets went from 198.51.100.23 to 8.8.8.8 (the address DNS gave); none came back: the machine does not answer, or something on the way drops them. | steps [11]\n",
        "Link · Wi-Fi, Ethernet, … [NotModelled] MAC addresses, one link at a time | Not modelled: the frames from router to router along the way. Their time is inside the modelled latency of each crossing. | steps []\n",
    ));
}

#[test]
fn nginx_stopped_is_refused_at_tcp() {
    check(with(Fault::NginxStopped), "http://www.foobar.com/", concat!(
        "Application · HTTP/1.1 [NotReached] the Host header and the path | No HTTP request was sent: the TCP connection failed first. | steps []\n",
        "Application · DNS [Carried] the name asked for, sent to the resolver's IP, port 53 | 8 messages, 398 bytes in all, each one UDP datagram to or from port 53; the resolver asked 3 name servers in turn. www.foobar.com is 8.8.8.8. | steps [2, 3, 4, 5, 6, 7, 8, 9, 10]\n",
        "Transport · TCP [Failed] port 55805 → port 80 | Segments [SYN] [RST, ACK]. Connection refused (RST). | steps [11, 12]\n",
        "Internet · IPv4 [Carried] 198.51.100.23 → 8.8.8.8 | Every segment is a packet from 198.51.100.23 to 8.8.8.8 (the address DNS gave), about 19.8 ms each way here (modelled); routers forward it hop by hop on that address alone. | steps [11, 12]\n",
        "Link · Wi-Fi, Ethernet, … [NotModelled] MAC addresses, one link at a time | Not modelled: the frames from router to router along the way. Their time is inside the modelled latency of each crossing. | steps []\n",
    ));
}

#[test]
fn https_in_the_secured_design() {
    check(seed::secured_stack(), "https://www.foobar.com/", concat!(
        "Application · HTTP/1.1 [Carried] Host: www.foobar.com, path / | GET / → 200 OK: 192 bytes of request, 871 bytes of response, as text. | steps [19, 32]\n",
        "Application · DNS [Carried] the name asked for, sent to the resolver's IP, port 53 | 8 messages, 398 bytes in all, each one UDP datagram to or from port 53; the resolver asked 3 name servers in turn. www.foobar.com is 8.8.8.8. | steps [2, 3, 4, 5, 6, 7, 8, 9, 10]\n",
        "Security · TLS 1.3 [Carried] server_name www.foobar.com, sent in clear text | 6 records to agree on keys and check the certificate (one round trip), then 3 more encrypted records, which carry the HTTP. | steps [14, 15, 16, 17, 19, 32]\n",
        "Transport · TCP [Carried] port 55805 → port 443 | The three-way handshake [SYN] [SYN, ACK] [ACK] cost one round trip (41.1 ms) before anything else could be sent; then the connection carries the bytes above it both ways, in order. | steps [11, 12, 13]\n",
        "Internet · IPv4 [Carried] 198.51.100.23 → 8.8.8.8 | Every segment is a packet from 198.51.100.23 to 8.8.8.8 (the address DNS gave), about 19.8 ms each way here (modelled); routers forward it hop by hop on that address alone. | steps [11, 12, 14, 15, 17, 19, 32]\n",
        "Link · Wi-Fi, Ethernet, … [NotModelled] MAC addresses, one link at a time | Not modelled: the frames from router to router along the way. Their time is inside the modelled latency of each crossing. | steps []\n",
    ));
}

#[test]
fn typed_ip_has_no_dns() {
    check(Scenario::default(), "http://8.8.8.8/", concat!(
        "Application · HTTP/1.1 [Carried] Host: 8.8.8.8, path / | GET / → 200 OK: 185 bytes of request, 871 bytes of response, as text. | steps [7, 17]\n",
        "Application · DNS [NotReached] the name asked for, sent to the resolver's IP, port 53 | No lookup: the address was typed as a number, so no name needed resolving. | steps []\n",
        "Transport · TCP [Carried] port 62291 → port 80 | The three-way handshake [SYN] [SYN, ACK] [ACK] cost one round trip (38.8 ms) before anything else could be sent; then the connection carries the bytes above it both ways, in order. | steps [3, 4, 5]\n",
        "Internet · IPv4 [Carried] 198.51.100.23 → 8.8.8.8 | Every segment is a packet from 198.51.100.23 to 8.8.8.8 (the address typed), about 19.0 ms each way here (modelled); routers forward it hop by hop on that address alone. | steps [3, 4, 7, 17]\n",
        "Link · Wi-Fi, Ethernet, … [NotModelled] MAC addresses, one link at a time | Not modelled: the frames from router to router along the way. Their time is inside the modelled latency of each crossing. | steps []\n",
    ));
}

#[test]
fn every_layer_in_order_and_every_step_index_exists() {
    for design in seed::Design::ALL {
        for input in [
            "http://www.foobar.com/",
            "https://www.foobar.com/",
            "http://nope.example/",
            "not a url",
        ] {
            let mut sim = Simulator::new(design.stack()).unwrap();
            let trace = sim.request(input, 0);
            let v = layers::of(&trace);
            let names: Vec<&str> = v.iter().map(|l| l.layer).collect();
            assert_eq!(names.first(), Some(&"Application"));
            assert_eq!(names.last(), Some(&"Link"));
            for l in &v {
                assert!(
                    l.steps.iter().all(|&i| i < trace.steps.len()),
                    "{design:?} {input}"
                );
                assert!(l.steps.windows(2).all(|w| w[0] < w[1]));
            }
            // A layer that carried something has steps to show it.
            for l in v.iter().filter(|l| l.reach == Reach::Carried) {
                assert!(!l.steps.is_empty(), "{design:?} {input}: {}", l.protocol);
            }
        }
    }
}

#[test]
fn expired_certificate_fails_at_tls() {
    let mut s = seed::secured_stack();
    Fault::CertificateExpired.apply(&mut s);
    check(s, "https://www.foobar.com/", concat!(
        "Application · HTTP/1.1 [NotReached] the Host header and the path | No HTTP request was sent: the TLS handshake failed first. | steps []\n",
        "Application · DNS [Carried] the name asked for, sent to the resolver's IP, port 53 | 8 messages, 398 bytes in all, each one UDP datagram to or from port 53; the resolver asked 3 name servers in turn. www.foobar.com is 8.8.8.8. | steps [2, 3, 4, 5, 6, 7, 8, 9, 10]\n",
        "Security · TLS 1.3 [Failed] server_name www.foobar.com, sent in clear text | The handshake stopped: Certificate refused: NET::ERR_CERT_DATE_INVALID (6 records in all). No HTTP was sent. | steps [14, 15, 16, 17]\n",
        "Transport · TCP [Carried] port 55805 → port 443 | The three-way handshake [SYN] [SYN, ACK] [ACK] cost one round trip (41.1 ms) before anything else could be sent; then the connection carries the bytes above it both ways, in order. | steps [11, 12, 13]\n",
        "Internet · IPv4 [Carried] 198.51.100.23 → 8.8.8.8 | Every segment is a packet from 198.51.100.23 to 8.8.8.8 (the address DNS gave), about 19.8 ms each way here (modelled); routers forward it hop by hop on that address alone. | steps [11, 12, 14, 15, 17]\n",
        "Link · Wi-Fi, Ethernet, … [NotModelled] MAC addresses, one link at a time | Not modelled: the frames from router to router along the way. Their time is inside the modelled latency of each crossing. | steps []\n",
    ));
}
