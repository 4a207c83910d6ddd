//! The conformance suite: each model in `stackscope-core` is fed the same
//! input as the real program it stands for, and the two answers are compared.
//!
//! ```sh
//! cargo run -p stackscope-conformance              # every check
//! cargo run -p stackscope-conformance -- nginx dns # some of them
//! ```
//!
//! The real programs (Debian's nginx, Knot DNS, MariaDB, Python's `h11` and
//! OpenSSL's `s_client`, the kernel's nftables in network namespaces,
//! tcpdump and HAProxy)
//! are installed by `scripts/install.sh`; each runs as a child of this
//! process on 127.0.0.1 (or a Unix socket) in its own temporary directory and
//! is stopped by its pid. It prints one row per check (cases, agree,
//! disagree) and exits 1 on any disagreement.

mod balancer;
mod dns;
mod firewall;
mod gen;
mod http;
mod monitor;
pub mod nginx;
mod proc;
mod report;
mod sql;
mod tls;
mod upstream;
mod vrrp;

use report::Report;

type Check = (&'static str, fn() -> Result<Report, String>);

const CHECKS: [Check; 10] = [
    ("nginx", nginx::run),
    ("upstream", upstream::run),
    ("dns", dns::run),
    ("sql", sql::run),
    ("http", http::run),
    ("tls", tls::run),
    ("firewall", firewall::run_check),
    ("monitor", monitor::run),
    ("vrrp", vrrp::run),
    ("balancer", balancer::run),
];

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let mut reports = Vec::new();
    let mut broken = Vec::new();
    for (name, run) in CHECKS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let t = std::time::Instant::now();
        eprintln!("==> {name}");
        match run() {
            Ok(r) => {
                eprintln!("    {} s", t.elapsed().as_secs());
                reports.extend(r.split());
            }
            Err(e) => broken.push(format!("{name}: could not run: {e}")),
        }
    }
    let failed = report::print(&reports);
    for b in &broken {
        println!("{b}");
    }
    if failed || !broken.is_empty() {
        std::process::exit(1);
    }
}
