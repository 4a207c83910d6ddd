//! Reading the address bar: what the user typed, parsed by WHATWG URL rules.

use std::net::Ipv4Addr;

use url::{Host, Url};

#[cfg(feature = "engine")]
use crate::sim::{spec, Ctx};
use crate::text::clip;
#[cfg(feature = "engine")]
use crate::trace::{Component, Payload, Phase, Status};

/// Longest input accepted, in bytes.
pub const MAX_INPUT: usize = 2048;

/// Where the browser is going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The normalised URL, e.g. `http://www.foobar.com/`.
    pub href: String,
    pub scheme: String,
    /// The host name (lower case, punycode) or the IP address as text.
    pub host: String,
    /// Set when the host is an IPv4 address.
    pub ip: Option<Ipv4Addr>,
    pub port: u16,
    /// Path and query as sent in the request line, e.g. `/search?q=x`.
    pub path_and_query: String,
    /// The value of the `Host` header.
    pub host_header: String,
}

/// Parses the input and records the step; an error is a learner-facing reason.
#[cfg(feature = "engine")]
pub fn parse(ctx: &mut Ctx, input: &str) -> Result<Target, String> {
    match parse_target(input) {
        Ok((target, url)) => {
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Input,
                Status::Ok,
                50,
                "Read the address",
                format!(
                    "The browser parses \"{}\" as a URL: scheme {}, host {}, port {}, path {}.",
                    clip(input.trim(), 80),
                    target.scheme,
                    target.host,
                    target.port,
                    url.path()
                ),
                Payload::Url {
                    input: input.to_string(),
                    href: target.href.clone(),
                    scheme: target.scheme.clone(),
                    host: target.host.clone(),
                    port: target.port,
                    path: url.path().to_string(),
                    query: url.query().map(str::to_string),
                },
            ));
            Ok(target)
        }
        Err(reason) => {
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Input,
                Status::Fail,
                50,
                "The address is not a URL",
                reason.clone(),
                Payload::None,
            ));
            Err(reason)
        }
    }
}

/// Parses what the user typed the way a browser's address bar does.
pub fn parse_target(input: &str) -> Result<(Target, Url), String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("The address is empty. Type a web address such as www.foobar.com.".into());
    }
    if text.len() > MAX_INPUT {
        return Err(format!(
            "The address is {} bytes long; Stackscope accepts addresses of up to {MAX_INPUT} bytes.",
            text.len()
        ));
    }
    let has_scheme = text.contains("://")
        || text.to_ascii_lowercase().starts_with("http:")
        || text.to_ascii_lowercase().starts_with("https:");
    let candidate = if has_scheme {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&candidate).map_err(|e| explain_parse_error(text, e))?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(format!(
                "Stackscope's browser loads http:// and https:// addresses; \"{other}:\" is not one of them."
            ))
        }
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let (host, ip) = match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_string();
            check_dns_name(&d)?;
            (d, None)
        }
        Some(Host::Ipv4(ip)) => (ip.to_string(), Some(ip)),
        Some(Host::Ipv6(ip)) => {
            return Err(format!(
                "[{ip}] is an IPv6 address; the simulated internet in Stackscope is IPv4 only."
            ))
        }
        None => return Err("The address has no host name.".into()),
    };
    let mut path_and_query = url.path().to_string();
    if let Some(q) = url.query() {
        path_and_query.push('?');
        path_and_query.push_str(q);
    }
    let host_header = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.clone(),
    };
    let target = Target {
        href: url.as_str().to_string(),
        scheme: url.scheme().to_string(),
        host,
        ip,
        port,
        path_and_query,
        host_header,
    };
    Ok((target, url))
}

fn explain_parse_error(text: &str, e: url::ParseError) -> String {
    use url::ParseError as P;
    let shown = clip(text, 80);
    match e {
        P::EmptyHost => format!("\"{shown}\" has no host name after the scheme."),
        P::InvalidPort => format!("\"{shown}\" has a port that is not a number from 0 to 65535."),
        P::InvalidIpv4Address => format!("\"{shown}\" looks like an IPv4 address but is not one."),
        P::InvalidIpv6Address => format!("\"{shown}\" has a malformed IPv6 address."),
        P::InvalidDomainCharacter | P::IdnaError => {
            format!("\"{shown}\" contains characters that cannot appear in a host name.")
        }
        P::RelativeUrlWithoutBase => {
            format!("\"{shown}\" does not start with a valid scheme such as http://.")
        }
        other => format!("\"{shown}\" is not a valid URL ({other})."),
    }
}

/// DNS's own limits, which WHATWG URL parsing does not enforce.
pub fn check_dns_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("The address has an empty host name.".into());
    }
    if name.len() > 253 {
        return Err(format!(
            "The host name is {} characters long; DNS names have at most 253.",
            name.len()
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(format!(
                "\"{}\" has an empty label (two dots in a row).",
                clip(name, 80)
            ));
        }
        if label.len() > 63 {
            return Err(format!(
                "\"{}…\" is a label of {} characters; DNS allows at most 63.",
                label.chars().take(20).collect::<String>(),
                label.len()
            ));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!(
                "\"{}\" contains characters a DNS host name cannot have.",
                clip(name, 80)
            ));
        }
    }
    Ok(())
}
