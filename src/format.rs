//! Small text helpers shared by the components: durations, names and status lines.

use stackscope_core::{Component, Outcome};

/// A duration or instant in µs, for a learner: `850 µs`, `12.3 ms`, `21.0 s`.
pub fn duration(us: u64) -> String {
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 10_000_000 {
        format!("{:.1} ms", us as f64 / 1_000.0)
    } else {
        format!("{:.1} s", us as f64 / 1_000_000.0)
    }
}

/// A time on a stream's clock, µs, in seconds: `2.0 s`, `19.4 s`.
pub fn secs(us: u64) -> String {
    format!("{:.1} s", us as f64 / 1_000_000.0)
}

/// The exact serde variant name, used as `data-component`.
pub fn component_id(c: Component) -> &'static str {
    match c {
        Component::Browser => "Browser",
        Component::Resolver => "Resolver",
        Component::RootDns => "RootDns",
        Component::TldDns => "TldDns",
        Component::AuthDns => "AuthDns",
        Component::Internet => "Internet",
        Component::Server => "Server",
        Component::Nginx => "Nginx",
        Component::App => "App",
        Component::Database => "Database",
        Component::OtherHost => "OtherHost",
        Component::LoadBalancer => "LoadBalancer",
        Component::Replica => "Replica",
    }
}

/// What a component does, in a few plain sentences.
pub fn component_role(c: Component) -> &'static str {
    match c {
        Component::Browser => {
            "The web browser on your own computer. It turns what you typed into a URL, \
             asks DNS where the host lives, opens a TCP connection to that address, sends \
             an HTTP request and finally draws the HTML that comes back."
        }
        Component::Resolver => {
            "The recursive DNS resolver, run by your internet provider or a public service. \
             It does the legwork of a lookup for you: it asks the root, then the TLD, then \
             the domain's own name server, and remembers the answers for as long as their TTL allows."
        }
        Component::RootDns => {
            "A root name server, the top of the DNS tree. It does not know where \
             www.foobar.com is, but it knows which servers are in charge of every \
             top-level domain such as com."
        }
        Component::TldDns => {
            "The name servers of the top-level domain (here com.). They do not hold \
             foobar.com's addresses either; they point the resolver at the name server \
             that foobar.com's owner chose."
        }
        Component::AuthDns => {
            "The authoritative name server for foobar.com. Its zone file holds the real \
             records: www.foobar.com is an alias (CNAME) of foobar.com, whose A record \
             is 8.8.8.8."
        }
        Component::Internet => {
            "The public internet: many networks handing packets from router to router. \
             Each crossing costs time, which is why round trips dominate how long a page takes."
        }
        Component::Server => {
            "The one machine at 8.8.8.8 that hosts the whole site. Its operating system \
             accepts the TCP connection on port 80 and hands it to Nginx. Because everything \
             runs here, if this box goes down, the site goes down."
        }
        Component::Nginx => {
            "The web server. It receives every HTTP request first, picks a location block \
             from its configuration, serves static files itself and forwards everything \
             else to the application server."
        }
        Component::App => {
            "The application server, where the site's code runs. It matches the path to a \
             route, asks the database for the data it needs and renders the HTML page."
        }
        Component::Database => {
            "The database that stores posts, users and settings. In the lesson it is MySQL; \
             here SQLite compiled to WebAssembly plays that role and really runs every query."
        }
        Component::OtherHost => {
            "Someone else's server on the internet. Nothing of ours runs there: the browser \
             only ends up here when a DNS record points at the wrong address."
        }
        Component::LoadBalancer => {
            "The load balancer (like HAProxy) owns the public address 8.8.8.8 in the redundant \
             design. It checks every web server's health every few seconds, sends each request \
             to a healthy one in turn, and retries another server when one refuses. \
             There is only one of it, so it is still a single point of failure."
        }
        Component::Replica => {
            "The read replica: a second database that replays the primary's writes a moment \
             later. It answers reads, so it may return slightly stale data just after a write, \
             and it is promoted to primary when the primary stays down."
        }
    }
}

/// The status line of the page preview: `200 OK`, `DNS_PROBE_FINISHED_NXDOMAIN`, ...
pub fn outcome_status(o: &Outcome) -> String {
    match o {
        Outcome::Response { status, reason } => format!("{status} {reason}"),
        Outcome::BrowserError { code, .. } => code.clone(),
        Outcome::InvalidInput { .. } => "Not a valid address".to_string(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(850), "850 µs");
        assert_eq!(duration(12_345), "12.3 ms");
        assert_eq!(duration(21_000_000), "21.0 s");
    }

    #[test]
    fn component_ids_match_serde() {
        for c in Component::ALL {
            let json = serde_json_like(c);
            assert_eq!(component_id(c), json);
        }
    }

    /// The unit-variant name as serde writes it, via `Debug` (identical for unit variants).
    fn serde_json_like(c: Component) -> String {
        format!("{c:?}")
    }

    #[test]
    fn status_lines() {
        let ok = Outcome::Response {
            status: 404,
            reason: "Not Found".into(),
        };
        assert_eq!(outcome_status(&ok), "404 Not Found");
    }
}

/// `1 request`, `2,400 requests`: a count with its noun.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// 5000000 → "5,000,000".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
