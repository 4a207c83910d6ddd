//! Scenario validation: rejects worlds the model cannot represent, with a learner's message.

use crate::browser::input::check_dns_name;
use crate::dns::zone::in_zone;
use crate::error::ScenarioError;
use crate::scenario::{LocationAction, Modifier, RecordData, Scenario, SeedData, Topology};
use crate::server::{db, nginx};

/// The longest modelled delay of any single kind, µs (ten minutes).
pub const MAX_DELAY_US: u64 = 600_000_000;
/// The largest TTL DNS allows (RFC 2181: 2³¹ − 1 seconds).
pub const MAX_TTL: u32 = i32::MAX as u32;

fn name(what: &str, n: &str) -> Result<(), ScenarioError> {
    check_dns_name(n).map_err(|_| ScenarioError::BadName {
        what: what.into(),
        name: n.into(),
    })
}

fn ttl(owner: &str, t: u32) -> Result<(), ScenarioError> {
    if t > MAX_TTL {
        return Err(ScenarioError::BadRecord {
            name: owner.into(),
            detail: format!("a TTL of {t} s is above DNS's limit of {MAX_TTL} s"),
        });
    }
    Ok(())
}

/// Checks everything a request could trip over.
pub fn scenario(s: &Scenario) -> Result<(), ScenarioError> {
    let l = &s.latency;
    let delays = [
        ("client_to_resolver_us", l.client_to_resolver_us),
        ("resolver_to_root_us", l.resolver_to_root_us),
        ("resolver_to_tld_us", l.resolver_to_tld_us),
        ("resolver_to_auth_us", l.resolver_to_auth_us),
        ("client_to_server_us", l.client_to_server_us),
        ("loopback_us", l.loopback_us),
        ("nginx_us", l.nginx_us),
        ("static_file_us", l.static_file_us),
        ("app_us", l.app_us),
        ("render_us_per_kib", l.render_us_per_kib),
        ("db_query_us", l.db_query_us),
        ("db_us_per_kilo_step", l.db_us_per_kilo_step),
        ("connect_timeout_us", l.connect_timeout_us),
        ("proxy_read_timeout_us", l.proxy_read_timeout_us),
        ("render_page_us_per_kib", l.render_page_us_per_kib),
    ];
    for (what, v) in delays {
        if v > MAX_DELAY_US {
            return Err(ScenarioError::OutOfRange {
                what: what.into(),
                detail: format!("{v} µs is more than the ten minutes the model allows"),
            });
        }
    }
    if l.jitter_pct > 50 {
        return Err(ScenarioError::OutOfRange {
            what: "jitter_pct".into(),
            detail: format!("{}% is more than 50%", l.jitter_pct),
        });
    }
    if l.bandwidth_bytes_per_ms == 0 {
        return Err(ScenarioError::OutOfRange {
            what: "bandwidth_bytes_per_ms".into(),
            detail: "a connection needs some bandwidth".into(),
        });
    }
    crate::backup::check_schedule(&s.backups).map_err(|detail| ScenarioError::OutOfRange {
        what: "backups".into(),
        detail,
    })?;
    if let Topology::Redundant(c) = &s.topology {
        if let Some(h) = &c.lb.https {
            certificate(&h.certificate)?;
        }
        let hosts: Vec<&str> = std::iter::once(c.lb.hostname.as_str())
            .chain(c.web.iter().map(|w| w.hostname.as_str()))
            .chain(c.app_tier.iter().map(|a| a.hostname.as_str()))
            .chain([
                c.db_primary.hostname.as_str(),
                c.db_replica.hostname.as_str(),
            ])
            .collect();
        for f in &c.firewalls {
            if !hosts.contains(&f.host.as_str()) {
                return Err(ScenarioError::OutOfRange {
                    what: "A firewall".into(),
                    detail: format!(
                        "there is no machine called {}",
                        crate::text::clip(&f.host, 24)
                    ),
                });
            }
            crate::firewall::parse(&f.rules).map_err(|detail| ScenarioError::OutOfRange {
                what: format!("{}'s firewall", f.host),
                detail,
            })?;
        }
    }
    for t in &s.dns.tlds {
        name("The top-level domain", t)?;
        if t.contains('.') {
            return Err(ScenarioError::BadName {
                what: "The top-level domain".into(),
                name: t.clone(),
            });
        }
    }
    ttl(".", s.dns.tld_ns_ttl)?;
    ttl(".", s.dns.tld_negative_ttl)?;
    for z in &s.dns.zones {
        name("The zone", &z.origin)?;
        name("The name server", &z.ns_name)?;
        ttl(&z.origin, z.ns_ttl)?;
        ttl(&z.origin, z.negative_ttl)?;
        for r in &z.records {
            name("The record name", &r.name)?;
            ttl(&r.name, r.ttl)?;
            if !in_zone(&r.name.to_ascii_lowercase(), &z.origin.to_ascii_lowercase()) {
                return Err(ScenarioError::BadRecord {
                    name: r.name.clone(),
                    detail: format!("it lies outside the zone {}", z.origin),
                });
            }
            if let RecordData::Cname(t) = &r.data {
                name("The CNAME target", t)?;
                if z.records
                    .iter()
                    .filter(|o| o.name.eq_ignore_ascii_case(&r.name))
                    .count()
                    > 1
                {
                    return Err(ScenarioError::BadRecord {
                        name: r.name.clone(),
                        detail: "a name with a CNAME can have no other records (RFC 1034)".into(),
                    });
                }
                if r.name.eq_ignore_ascii_case(&z.origin) {
                    return Err(ScenarioError::BadRecord {
                        name: r.name.clone(),
                        detail: "the zone's apex cannot be a CNAME".into(),
                    });
                }
                if r.name.eq_ignore_ascii_case(&z.ns_name) {
                    return Err(ScenarioError::BadRecord {
                        name: r.name.clone(),
                        detail: "the zone's name server needs an address here, so its name cannot be a CNAME (RFC 2181 §10.3)".into(),
                    });
                }
            }
        }
    }
    let cfg = &s.server.nginx_config;
    if cfg.listen == 0 {
        return Err(ScenarioError::OutOfRange {
            what: "listen".into(),
            detail: "port 0 cannot be listened on".into(),
        });
    }
    for loc in &cfg.locations {
        let syntax = format!("{}{}", loc.modifier.syntax(), loc.pattern);
        if loc.pattern.is_empty() {
            return Err(ScenarioError::BadLocation {
                pattern: syntax,
                detail: "the pattern is empty".into(),
            });
        }
        if matches!(
            loc.modifier,
            Modifier::Exact | Modifier::Prefix | Modifier::PrefixNoRegex
        ) && !loc.pattern.starts_with('/')
        {
            return Err(ScenarioError::BadLocation {
                pattern: syntax,
                detail: "a path pattern must start with /".into(),
            });
        }
        if let Err(detail) = nginx::check_pattern(loc) {
            return Err(ScenarioError::BadLocation {
                pattern: syntax,
                detail,
            });
        }
        match &loc.action {
            LocationAction::Return { status, text } => {
                // nginx itself takes any code up to 999; the model (and the
                // editor) take the codes a web server sends: 200 to 599.
                if !(200..=599).contains(status) {
                    return Err(ScenarioError::BadLocation {
                        pattern: syntax,
                        detail: format!(
                            "return {status}: the model takes statuses from 200 to 599"
                        ),
                    });
                }
                if let Err(detail) = nginx::check_return_text(text) {
                    return Err(ScenarioError::BadLocation {
                        pattern: syntax,
                        detail,
                    });
                }
            }
            LocationAction::Proxy { upstream } => {
                if let Err(detail) = crate::edit::check_upstream(upstream) {
                    return Err(ScenarioError::BadLocation {
                        pattern: syntax,
                        detail,
                    });
                }
                let split = matches!(&s.topology, Topology::Redundant(c) if c.split());
                if upstream == crate::scenario::UPSTREAM && !split {
                    return Err(ScenarioError::BadLocation {
                        pattern: syntax,
                        detail: format!("no upstream block is named {upstream} in this design (only the scaled-up design's web servers have one), so nginx would refuse to start: host not found in upstream \"{upstream}\""),
                    });
                }
            }
            LocationAction::Static => {}
        }
    }
    // nginx refuses two `=` locations, or two prefix locations (plain or
    // `^~`), with the same path: "duplicate location".
    for (i, a) in cfg.locations.iter().enumerate() {
        let exact = a.modifier == Modifier::Exact;
        let prefix = matches!(a.modifier, Modifier::Prefix | Modifier::PrefixNoRegex);
        if !(exact || prefix) {
            continue;
        }
        let dup = cfg.locations[..i].iter().any(|b| {
            b.pattern == a.pattern
                && if exact {
                    b.modifier == Modifier::Exact
                } else {
                    matches!(b.modifier, Modifier::Prefix | Modifier::PrefixNoRegex)
                }
        });
        if dup {
            return Err(ScenarioError::BadLocation {
                pattern: format!("{}{}", a.modifier.syntax(), a.pattern),
                detail:
                    "another location has the same path, which nginx refuses (duplicate location)"
                        .into(),
            });
        }
    }
    for f in &s.server.docroot {
        if !f.path.starts_with('/') {
            return Err(ScenarioError::OutOfRange {
                what: "docroot".into(),
                detail: format!("the file path \"{}\" must start with /", f.path),
            });
        }
    }
    data(&s.data)
}

/// The rows against the schema's keys (what SQLite would refuse to load),
/// checked without a database so that the page can check edits itself. The
/// console's saved statements are left to the database that runs them.
fn data(d: &SeedData) -> Result<(), ScenarioError> {
    let bad = |detail: String| Err(ScenarioError::BadData { detail });
    // What MySQL would refuse (SQLite takes any length and any 64-bit id):
    // the column's `VARCHAR(n)` in characters, an `INT` id.
    let long = |table: &str, column: &str, text: &str, row: &str| {
        let max = db::text_limit(table, column);
        let n = text.chars().count();
        if text.contains('\0') {
            // SQLite's LIKE stops at a NUL, MySQL's does not.
            return Some(format!("{row}: its {column} contains a NUL character"));
        }
        (n > max).then(|| {
            format!("{row}: its {column} is {n} characters long, and the {table} table takes up to {max}")
        })
    };
    let id = |what: &str, id: i64| {
        (!db::ID_RANGE.contains(&id)).then(|| {
            format!(
                "{what} has the id {id}; ids are between {} and {} (a MySQL INT)",
                db::ID_RANGE.start(),
                db::ID_RANGE.end()
            )
        })
    };
    for u in &d.users {
        let row = format!("user {}", u.id);
        if let Some(e) = id("a user", u.id)
            .or_else(|| long("users", "name", &u.name, &row))
            .or_else(|| long("users", "bio", &u.bio, &row))
        {
            return bad(e);
        }
    }
    for p in &d.posts {
        let row = format!("post {}", p.id);
        if let Some(e) = id("a post", p.id)
            .or_else(|| long("posts", "slug", &p.slug, &row))
            .or_else(|| long("posts", "title", &p.title, &row))
            .or_else(|| long("posts", "body", &p.body, &row))
            .or_else(|| long("posts", "published", &p.published, &row))
        {
            return bad(e);
        }
    }
    for s in &d.settings {
        let row = format!("the setting \"{}\"", crate::text::clip(&s.key, 40));
        if let Some(e) = long("settings", "key", &s.key, &row)
            .or_else(|| long("settings", "value", &s.value, &row))
        {
            return bad(e);
        }
    }
    let mut users = std::collections::HashSet::new();
    for u in &d.users {
        if !users.insert(u.id) {
            return bad(format!("two users have the id {}", u.id));
        }
    }
    let mut ids = std::collections::HashSet::new();
    let mut slugs = std::collections::HashSet::new();
    for p in &d.posts {
        if !ids.insert(p.id) {
            return bad(format!("two posts have the id {}", p.id));
        }
        if !slugs.insert(p.slug.as_str()) {
            return bad(format!("two posts have the slug \"{}\"", p.slug));
        }
        if !users.contains(&p.author_id) {
            return bad(format!(
                "the post \"{}\" names user {} as its author, and there is no such user",
                p.slug, p.author_id
            ));
        }
    }
    let mut keys = std::collections::HashSet::new();
    for s in &d.settings {
        if !keys.insert(s.key.as_str()) {
            return bad(format!("two settings have the key \"{}\"", s.key));
        }
    }
    Ok(())
}

/// The most names one certificate may carry here (Let's Encrypt allows 100).
pub const MAX_CERT_NAMES: usize = 100;

/// A certificate the simulation can issue: valid DNS names (a leading `*.`
/// allowed) and a validity that starts before it ends.
pub fn certificate(c: &crate::scenario::Certificate) -> Result<(), ScenarioError> {
    if c.names.is_empty() || c.names.len() > MAX_CERT_NAMES {
        return Err(ScenarioError::OutOfRange {
            what: "The certificate's names".into(),
            detail: format!(
                "a certificate carries 1 to {MAX_CERT_NAMES} names, not {}",
                c.names.len()
            ),
        });
    }
    for n in &c.names {
        name(
            "A name on the certificate",
            n.strip_prefix("*.").unwrap_or(n),
        )?;
    }
    let day = |what: &str, t: &str| {
        crate::scenario::utc_day(t).map_err(|detail| ScenarioError::OutOfRange {
            what: what.into(),
            detail,
        })
    };
    let from = day("The certificate's first day", &c.not_before)?;
    let to = day("The certificate's last day", &c.not_after)?;
    if from >= to {
        return Err(ScenarioError::OutOfRange {
            what: "The certificate's validity".into(),
            detail: format!(
                "it must end after it starts, and {} is not after {}",
                c.not_after, c.not_before
            ),
        });
    }
    Ok(())
}
