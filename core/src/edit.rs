//! Editing the stack: DNS records, Nginx locations, posts and users, validated.
//!
//! Every edit takes what a learner typed (untrusted text), and either returns
//! a new scenario that passes [`crate::validate::scenario`] or a message
//! saying what is wrong. Nothing here needs a database (the page runs it
//! without one); nothing here panics on any input.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::browser::input::check_dns_name;
use crate::scenario::{
    Location, LocationAction, Modifier, Post, Record, RecordData, Scenario, User,
};
use crate::server::{db, nginx};
use crate::validate;

/// A DNS record as typed into the zone editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordInput {
    pub name: String,
    /// `A`, `AAAA` or `CNAME`.
    pub kind: String,
    pub ttl: String,
    pub value: String,
}

/// One edit of the stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    /// Add a record (or replace the record at `index` of zone 0).
    PutRecord {
        index: Option<usize>,
        record: RecordInput,
    },
    DeleteRecord {
        index: usize,
    },
    /// Add a location (or replace the one at `index`).
    PutLocation {
        index: Option<usize>,
        modifier: String,
        pattern: String,
        action: String,
        argument: String,
    },
    DeleteLocation {
        index: usize,
    },
    /// Move a location one place up (towards the top of the config).
    MoveLocationUp {
        index: usize,
    },
    /// Where `location /` and friends proxy to.
    SetUpstream {
        upstream: String,
    },
    PutPost {
        post: Post,
    },
    PutUser {
        user: User,
    },
    /// A machine's firewall rules (nftables text), in the secured design.
    SetFirewall {
        host: String,
        rules: String,
    },
}

fn strip_dot(s: &str) -> String {
    s.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Parses a record typed by a learner, with a message for each mistake.
pub fn parse_record(input: &RecordInput, origin: &str) -> Result<Record, String> {
    let mut name = strip_dot(&input.name);
    if name.is_empty() || name == "@" {
        name = origin.to_string();
    } else if !name.ends_with(origin) {
        // A relative name, as in a zone file: `www` means `www.foobar.com`.
        name = format!("{name}.{origin}");
    }
    check_dns_name(&name).map_err(|e| format!("Name: {e}"))?;
    let ttl: u32 = input.ttl.trim().parse().map_err(|_| {
        format!(
            "TTL: \"{}\" is not a whole number of seconds.",
            input.ttl.trim()
        )
    })?;
    if ttl > validate::MAX_TTL {
        return Err(format!("TTL: at most {} seconds.", validate::MAX_TTL));
    }
    let value = input.value.trim();
    let data = match input.kind.trim().to_ascii_uppercase().as_str() {
        "A" => RecordData::A(value.parse::<Ipv4Addr>().map_err(|_| {
            format!(
                "\"{value}\" is not an IPv4 address (four numbers from 0 to 255, like 8.8.8.8)."
            )
        })?),
        "AAAA" => RecordData::Aaaa(
            value
                .parse::<Ipv6Addr>()
                .map_err(|_| format!("\"{value}\" is not an IPv6 address (like 2001:db8::1)."))?,
        ),
        "CNAME" => {
            let target = strip_dot(value);
            check_dns_name(&target).map_err(|e| format!("CNAME target: {e}"))?;
            if target == name {
                return Err("A CNAME cannot point at itself.".into());
            }
            RecordData::Cname(target)
        }
        other => {
            return Err(format!(
                "\"{other}\" is not a record type the editor knows (A, AAAA or CNAME)."
            ))
        }
    };
    Ok(Record { name, ttl, data })
}

fn parse_location(
    modifier: &str,
    pattern: &str,
    action: &str,
    argument: &str,
) -> Result<Location, String> {
    let modifier = match modifier.trim() {
        "=" => Modifier::Exact,
        "" => Modifier::Prefix,
        "^~" => Modifier::PrefixNoRegex,
        "~" => Modifier::Regex,
        "~*" => Modifier::RegexCaseless,
        other => {
            return Err(format!(
                "\"{other}\" is not a location modifier (=, ^~, ~, ~* or none)."
            ))
        }
    };
    let action = match action.trim() {
        "static" => LocationAction::Static,
        "proxy" => {
            let upstream = argument.trim().trim_start_matches("http://").to_string();
            check_upstream(&upstream)?;
            LocationAction::Proxy { upstream }
        }
        "return" => {
            let mut parts = argument.trim().splitn(2, ' ');
            let status: u16 = parts
                .next()
                .unwrap_or("")
                .parse()
                .map_err(|_| "return needs a status code, like: 403 Forbidden".to_string())?;
            if !(200..=599).contains(&status) {
                return Err("return needs a status between 200 and 599.".into());
            }
            let text = parts.next().unwrap_or("").trim_matches('"').to_string();
            nginx::check_return_text(&text).map_err(|e| format!("The text after return: {e}."))?;
            LocationAction::Return { status, text }
        }
        other => {
            return Err(format!(
                "\"{other}\" is not an action (static, proxy or return)."
            ))
        }
    };
    let loc = Location {
        modifier,
        pattern: pattern.trim().to_string(),
        action,
    };
    nginx::check_pattern(&loc).map_err(|e| {
        let mut c = e.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str() + ".")
            .unwrap_or_default()
    })?;
    Ok(loc)
}

/// An upstream nginx can load: `IPv4:port` or `localhost:port`. nginx
/// resolves a host name once, when it reads its configuration, and refuses
/// to start if it cannot; the simulated machine's resolver knows no other.
pub fn check_upstream(upstream: &str) -> Result<(), String> {
    if upstream == crate::scenario::UPSTREAM {
        // The split design's upstream group (validation checks it exists).
        return Ok(());
    }
    let (host, port) = upstream
        .rsplit_once(':')
        .ok_or_else(|| format!("\"{upstream}\" needs a port, like 127.0.0.1:8000."))?;
    port.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("\"{port}\" is not a port number."))?;
    if host.parse::<Ipv4Addr>().is_err() && host != "localhost" {
        return Err(format!("\"{host}\" must be an IPv4 address or localhost: nginx resolves a name only when it starts, and refuses to start when it cannot."));
    }
    Ok(())
}

/// Applies an edit to a copy of the scenario and checks the result the way
/// the simulator will (the rows against the schema's keys included).
pub fn apply(scenario: &Scenario, edit: &Edit) -> Result<Scenario, String> {
    let mut s = scenario.clone();
    let origin = s
        .dns
        .zones
        .first()
        .map(|z| z.origin.clone())
        .ok_or("There is no zone to edit.")?;
    let zone_len = s.dns.zones.first().map_or(0, |z| z.records.len());
    let loc_len = s.server.nginx_config.locations.len();
    match edit {
        Edit::PutRecord { index, record } => {
            let r = parse_record(record, &origin)?;
            let records = &mut s.dns.zones[0].records;
            match index {
                Some(i) if *i < zone_len => records[*i] = r,
                Some(_) => return Err("That record no longer exists.".into()),
                None => records.push(r),
            }
        }
        Edit::DeleteRecord { index } => {
            if *index >= zone_len {
                return Err("That record no longer exists.".into());
            }
            s.dns.zones[0].records.remove(*index);
        }
        Edit::PutLocation {
            index,
            modifier,
            pattern,
            action,
            argument,
        } => {
            let loc = parse_location(modifier, pattern, action, argument)?;
            let locs = &mut s.server.nginx_config.locations;
            match index {
                Some(i) if *i < loc_len => locs[*i] = loc,
                Some(_) => return Err("That location no longer exists.".into()),
                None => locs.push(loc),
            }
        }
        Edit::DeleteLocation { index } => {
            if *index >= loc_len {
                return Err("That location no longer exists.".into());
            }
            s.server.nginx_config.locations.remove(*index);
        }
        Edit::MoveLocationUp { index } => {
            if *index == 0 || *index >= loc_len {
                return Err("That location cannot move up.".into());
            }
            s.server.nginx_config.locations.swap(*index - 1, *index);
        }
        Edit::SetUpstream { upstream } => {
            let upstream = upstream.trim().trim_start_matches("http://").to_string();
            check_upstream(&upstream)?;
            for l in &mut s.server.nginx_config.locations {
                if let LocationAction::Proxy { upstream: u } = &mut l.action {
                    u.clone_from(&upstream);
                }
            }
        }
        Edit::SetFirewall { host, rules } => {
            crate::firewall::parse(rules).map_err(|e| format!("{host}'s firewall: {e}"))?;
            let crate::scenario::Topology::Redundant(c) = &mut s.topology else {
                return Err("Only the secured design has firewalls.".into());
            };
            let Some(f) = c.firewalls.iter_mut().find(|f| &f.host == host) else {
                return Err(format!(
                    "{} has no firewall in this design.",
                    crate::text::clip(host, 24)
                ));
            };
            f.rules.clone_from(rules);
        }
        Edit::PutPost { post } => {
            check_text("slug", &post.slug, db::text_limit("posts", "slug"))?;
            check_text("title", &post.title, db::text_limit("posts", "title"))?;
            check_text("body", &post.body, db::text_limit("posts", "body"))?;
            if !s.data.users.iter().any(|u| u.id == post.author_id) {
                return Err(format!(
                    "There is no user {} to be the author.",
                    post.author_id
                ));
            }
            match s.data.posts.iter_mut().find(|p| p.id == post.id) {
                Some(p) => *p = post.clone(),
                None => s.data.posts.push(post.clone()),
            }
        }
        Edit::PutUser { user } => {
            check_text("name", &user.name, db::text_limit("users", "name"))?;
            check_text("bio", &user.bio, db::text_limit("users", "bio"))?;
            match s.data.users.iter_mut().find(|u| u.id == user.id) {
                Some(u) => *u = user.clone(),
                None => s.data.users.push(user.clone()),
            }
        }
    }
    validate::scenario(&s).map_err(|e| e.to_string())?;
    Ok(s)
}

fn check_text(what: &str, text: &str, max: usize) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("The {what} is empty."));
    }
    if text.chars().count() > max {
        return Err(format!("The {what} is longer than {max} characters."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(name: &str, kind: &str, ttl: &str, value: &str) -> RecordInput {
        RecordInput {
            name: name.into(),
            kind: kind.into(),
            ttl: ttl.into(),
            value: value.into(),
        }
    }

    #[test]
    fn records_are_checked_with_clear_messages() {
        let o = "foobar.com";
        assert_eq!(
            parse_record(&rec("www", "a", "60", "1.2.3.4"), o)
                .unwrap()
                .name,
            "www.foobar.com"
        );
        assert!(parse_record(&rec("@", "A", "60", "1.2.3.999"), o)
            .unwrap_err()
            .contains("IPv4"));
        assert!(parse_record(&rec("x", "A", "soon", "1.2.3.4"), o)
            .unwrap_err()
            .contains("TTL"));
        assert!(parse_record(&rec("x", "MX", "1", "a"), o)
            .unwrap_err()
            .contains("MX"));
        assert!(parse_record(&rec("x", "CNAME", "1", "x.foobar.com."), o)
            .unwrap_err()
            .contains("itself"));
    }

    #[test]
    fn a_cname_beside_other_records_is_refused() {
        let s = Scenario::default();
        let e = apply(
            &s,
            &Edit::PutRecord {
                index: None,
                record: rec("www", "A", "60", "1.2.3.4"),
            },
        )
        .unwrap_err();
        assert!(e.contains("CNAME"), "{e}");
    }

    #[test]
    fn locations_and_upstreams_are_checked() {
        let s = Scenario::default();
        let bad = |m: &str, p: &str, a: &str, arg: &str| {
            apply(
                &s,
                &Edit::PutLocation {
                    index: None,
                    modifier: m.into(),
                    pattern: p.into(),
                    action: a.into(),
                    argument: arg.into(),
                },
            )
            .unwrap_err()
        };
        assert!(bad("~", "(", "static", "").contains("regular expression"));
        assert!(bad("", "/x", "proxy", "nowhere").contains("port"));
        assert!(bad("", "/x", "return", "999").contains("status"));
        assert!(bad("?", "/x", "static", "").contains("modifier"));
        let moved = apply(&s, &Edit::MoveLocationUp { index: 3 }).unwrap();
        assert_eq!(moved.server.nginx_config.locations[2].pattern, "/");
        assert!(apply(
            &s,
            &Edit::SetUpstream {
                upstream: "127.0.0.1:9000".into()
            }
        )
        .is_ok());
    }
}
