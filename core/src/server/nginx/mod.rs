//! Nginx: `server_name` and `location` matching in nginx's documented order,
//! the server block as nginx syntax, and nginx's own status lines and pages.
//!
//! Matching runs on the normalized URI ([`uri`]); regular expressions see
//! its bytes one character each, as nginx's PCRE does without UTF mode.

pub mod mime;
pub mod status;
pub mod uri;

use regex_lite::Regex;

use crate::scenario::{Location, LocationAction, Modifier, NginxConfig};
pub use status::{error_page, status_line_reason, VERSION};
use uri::{latin1, Uri};

/// The `location` blocks with their regular expressions compiled once.
#[derive(Debug, Clone)]
pub struct Router {
    regexes: Vec<Option<Regex>>,
    /// The `server` block as nginx syntax, rendered once.
    pub config_text: String,
}

/// Compiles a location's regex the way nginx would (`~*` is case-insensitive):
/// over the pattern's UTF-8 bytes, one character each (see [`uri::Uri::latin1`]).
pub fn compile(loc: &Location) -> Result<Option<Regex>, String> {
    let caseless = match loc.modifier {
        Modifier::Regex => false,
        Modifier::RegexCaseless => true,
        _ => return Ok(None),
    };
    foreign_syntax(&loc.pattern)?;
    let mut pattern = pcre_dollar(&latin1(loc.pattern.as_bytes()));
    if caseless {
        pattern.insert_str(0, "(?i)");
    }
    Regex::new(&pattern).map(Some).map_err(|e| e.to_string())
}

/// PCRE's `$` (nginx sets neither multiline nor `DOLLAR_ENDONLY`) matches
/// at the end or just before a final newline, so `/a%0A` matches `a$`;
/// `regex-lite`'s matches only at the end. Each `$` outside a character
/// class becomes `(?:\n?\z)`, which is the same for matching.
fn pcre_dollar(pattern: &str) -> String {
    let multiline = pattern.match_indices("(?").any(|(i, _)| {
        let flags: String = pattern[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .collect();
        flags.split('-').next().is_some_and(|on| on.contains('m'))
    });
    if multiline {
        // A multiline flag: `$` already matches before any newline.
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = chars.next() {
                    out.push(n);
                }
                class_start = false;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                continue;
            }
            ']' if in_class && !class_start => in_class = false,
            '$' if !in_class => {
                out.push_str("(?:\n?\\z)");
                continue;
            }
            _ => {}
        }
        class_start = false;
        out.push(c);
    }
    out
}

/// Refuses regex syntax on which `regex-lite` and nginx's PCRE disagree.
fn foreign_syntax(pattern: &str) -> Result<(), String> {
    let b = pattern.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let next = b.get(i + 1).copied();
            let bad = match next {
                Some(b'<') | Some(b'>') | Some(b'u') | Some(b'U') => true,
                Some(b'b') | Some(b'B') => b.get(i + 2) == Some(&b'{'),
                _ => false,
            };
            if bad {
                let esc = &pattern[i..(i + 2).min(pattern.len())];
                return Err(format!(
                    "{esc} means something else to nginx's regular expressions (PCRE) than here, so it is not allowed"
                ));
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    Ok(())
}

impl Router {
    /// Compiles every regex location; ones that do not compile never match
    /// (scenario validation rejects them before this point).
    pub fn new(cfg: &NginxConfig) -> Self {
        Router {
            regexes: cfg
                .locations
                .iter()
                .map(|l| compile(l).ok().flatten())
                .collect(),
            config_text: config_text(cfg),
        }
    }

    /// The world's server block, shown after its `upstream` block if any.
    pub fn for_world(world: &crate::scenario::Scenario) -> Self {
        Router {
            config_text: world_config_text(world),
            ..Router::new(&world.server.nginx_config)
        }
    }
}

/// The block nginx chose for a request, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index into the config's locations; `None` when nothing matched.
    pub index: Option<usize>,
    pub reason: String,
    pub considered: Vec<String>,
}

/// `location = /favicon.ico`, as written in the config.
pub fn location_syntax(l: &Location) -> String {
    format!("location {}{}", l.modifier.syntax(), quoted(&l.pattern))
}

/// A token as nginx's configuration reader needs it: bare when it reads
/// back unchanged, otherwise in double quotes with `"` and the backslashes
/// nginx would unescape (`\"`, `\'`, `\\`, `\t`, `\r`, `\n`, a final `\`)
/// doubled. nginx's `ngx_conf_read_token` applies those escapes to every
/// token, quoted or not, and ends a bare token at whitespace, `;`, `{` or
/// `}` (so `^/posts/[0-9]{1,3}$` must be quoted).
pub fn quoted(token: &str) -> String {
    let b = token.as_bytes();
    let escape_at = |i: usize| {
        b[i] == b'\\'
            && matches!(
                b.get(i + 1),
                None | Some(b'"' | b'\'' | b'\\' | b't' | b'r' | b'n')
            )
    };
    let bare = !token.is_empty()
        && !token.starts_with(['"', '\'', '#'])
        && !token
            .contains(|c: char| c.is_whitespace() || matches!(c, ';' | '{' | '}' | '"' | '\''))
        && !(0..b.len()).any(escape_at);
    if bare {
        return token.to_string();
    }
    let mut out = String::with_capacity(token.len() + 2);
    out.push('"');
    for (i, c) in token.char_indices() {
        if c == '"' || (c == '\\' && escape_at(i)) {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Finds the location for a normalized URI as nginx does (`location` in
/// nginx's docs): an exact `=` match wins at once; otherwise the longest
/// matching prefix is remembered, and if it is `^~` it wins; otherwise
/// regexes are tried in order and the first match wins; otherwise the
/// remembered prefix is used. Prefixes compare bytes, case-sensitively.
pub fn match_location(cfg: &NginxConfig, router: &Router, uri: &Uri) -> Match {
    let path = uri.path.as_slice();
    let shown = uri.path_text();
    let mut considered = Vec::new();
    for (i, l) in cfg.locations.iter().enumerate() {
        if l.modifier == Modifier::Exact {
            let hit = l.pattern.as_bytes() == path;
            considered.push(format!(
                "{}: {}",
                location_syntax(l),
                if hit { "exact match" } else { "not equal" }
            ));
            if hit {
                return Match {
                    index: Some(i),
                    reason: format!(
                        "{} is an exact match for {shown}, and nginx stops at an exact match.",
                        location_syntax(l)
                    ),
                    considered,
                };
            }
        }
    }
    let mut best: Option<usize> = None;
    for (i, l) in cfg.locations.iter().enumerate() {
        if matches!(l.modifier, Modifier::Prefix | Modifier::PrefixNoRegex) {
            let hit = path.starts_with(l.pattern.as_bytes());
            considered.push(format!(
                "{}: {}",
                location_syntax(l),
                if hit {
                    format!("prefix matches ({} characters)", l.pattern.len())
                } else {
                    "prefix does not match".to_string()
                }
            ));
            if hit && best.is_none_or(|b| cfg.locations[b].pattern.len() < l.pattern.len()) {
                best = Some(i);
            }
        }
    }
    if let Some(b) = best {
        let l = &cfg.locations[b];
        if l.modifier == Modifier::PrefixNoRegex {
            return Match {
                index: Some(b),
                reason: format!("{} is the longest matching prefix, and its ^~ tells nginx to skip the regular expressions.", location_syntax(l)),
                considered,
            };
        }
    }
    let as_chars = uri.latin1();
    for (i, l) in cfg.locations.iter().enumerate() {
        if let Some(Some(re)) = router.regexes.get(i) {
            let hit = re.is_match(&as_chars);
            considered.push(format!(
                "{}: {}",
                location_syntax(l),
                if hit {
                    "regex matches"
                } else {
                    "regex does not match"
                }
            ));
            if hit {
                return Match {
                    index: Some(i),
                    reason: format!("{} is the first regular expression that matches {shown}; regexes are tried in config order and beat a plain prefix.", location_syntax(l)),
                    considered,
                };
            }
        }
    }
    match best {
        Some(b) => Match {
            index: Some(b),
            reason: format!(
                "No regular expression matched, so nginx uses the longest matching prefix, {}.",
                location_syntax(&cfg.locations[b])
            ),
            considered,
        },
        None => Match {
            index: None,
            reason:
                "No location matched, so nginx serves the path from the server's root directory."
                    .into(),
            considered,
        },
    }
}

/// The `server` block as nginx syntax. It sits in the `http { }` block of
/// Debian's stock `/etc/nginx/nginx.conf` (which includes `mime.types`);
/// `default_type text/plain` makes `return`'s text show as text.
/// The `server` block, after the split design's `upstream` block when the
/// world has one (its servers named with their machines).
pub fn world_config_text(world: &crate::scenario::Scenario) -> String {
    let block = config_text(&world.server.nginx_config);
    match &world.topology {
        crate::scenario::Topology::Redundant(c) if c.split() => {
            let mut s = format!(
                "# Round-robin; a server that fails once sits out 10 s (nginx's defaults).\nupstream {} {{\n",
                crate::scenario::UPSTREAM
            );
            for a in &c.app_tier {
                s.push_str(&format!(
                    "    server {}:{};  # {}\n",
                    a.ip,
                    crate::scenario::APP_PORT,
                    a.hostname
                ));
            }
            s.push_str("}\n");
            // After the first line, which says where the blocks go.
            match block.split_once('\n') {
                Some((first, rest)) => format!("{first}\n{s}{rest}"),
                None => s + &block,
            }
        }
        _ => block,
    }
}

pub fn config_text(cfg: &NginxConfig) -> String {
    let names: Vec<String> = cfg.server_name.iter().map(|n| quoted(n)).collect();
    let mut s = format!(
        "# In the http {{ }} block of Debian 12's stock nginx.conf (nginx 1.22.1).\nserver {{\n    listen {};\n    server_name {};\n    root {};\n    default_type text/plain;\n",
        cfg.listen,
        if names.is_empty() {
            "\"\"".to_string()
        } else {
            names.join(" ")
        },
        quoted(&cfg.root)
    );
    for l in &cfg.locations {
        s.push_str(&format!("\n    {} {{\n", location_syntax(l)));
        match &l.action {
            LocationAction::Static => s.push_str("        try_files $uri =404;\n"),
            LocationAction::Proxy { upstream } => {
                s.push_str(&format!("        proxy_pass http://{upstream};\n"));
                s.push_str("        proxy_http_version 1.1;\n");
                s.push_str("        proxy_set_header Host $host;\n");
                s.push_str("        proxy_set_header X-Real-IP $remote_addr;\n");
                s.push_str(
                    "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n",
                );
            }
            LocationAction::Return { status, text } => {
                s.push_str(&format!("        return {status} {};\n", return_text(text)));
            }
        }
        s.push_str("    }\n");
    }
    s.push_str("}\n");
    s
}

/// `return`'s text, always quoted: `"` and every `\` escaped (the text has
/// no `$`: validation refuses it, since nginx would read a variable).
fn return_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Why nginx would refuse a `return` text, if it would read it differently.
pub fn check_return_text(text: &str) -> Result<(), String> {
    if text.contains('$') {
        return Err(
            "nginx reads $ in a return text as the start of a variable; leave it out".into(),
        );
    }
    if text.chars().any(char::is_control) {
        return Err("a return text cannot hold control characters".into());
    }
    Ok(())
}

/// Why nginx would refuse a location's pattern (or read it differently).
pub fn check_pattern(loc: &Location) -> Result<(), String> {
    if loc.pattern.chars().any(char::is_control) {
        return Err("the pattern cannot hold control characters".into());
    }
    compile(loc).map(|_| ()).map_err(|e| {
        format!("Stackscope cannot read this regular expression ({e}); nginx's PCRE may read it differently, so write it plainly (a literal brace as \\{{)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::LocationAction::Static;

    fn loc(modifier: Modifier, pattern: &str) -> Location {
        Location {
            modifier,
            pattern: pattern.into(),
            action: Static,
        }
    }

    fn check(locations: Vec<Location>, path: &str, expect: Option<&str>) {
        let cfg = NginxConfig {
            listen: 80,
            server_name: vec![],
            root: "/".into(),
            locations,
        };
        let r = Router::new(&cfg);
        let m = match_location(&cfg, &r, &uri::parse(path).unwrap());
        let got = m.index.map(|i| location_syntax(&cfg.locations[i]));
        assert_eq!(got.as_deref(), expect, "{path}: {}", m.reason);
    }

    #[test]
    fn nginx_documented_order() {
        // The example from nginx's documentation of `location`.
        let doc = || {
            vec![
                loc(Modifier::Exact, "/"),
                loc(Modifier::Prefix, "/"),
                loc(Modifier::Prefix, "/documents/"),
                loc(Modifier::PrefixNoRegex, "/images/"),
                loc(Modifier::RegexCaseless, r"\.(gif|jpg|jpeg)$"),
            ]
        };
        check(doc(), "/", Some("location = /"));
        check(doc(), "/index.html", Some("location /"));
        check(
            doc(),
            "/documents/document.html",
            Some("location /documents/"),
        );
        check(doc(), "/images/1.gif", Some("location ^~ /images/"));
        check(
            doc(),
            "/documents/1.JPG",
            Some(r"location ~* \.(gif|jpg|jpeg)$"),
        );
        check(vec![loc(Modifier::Prefix, "/a")], "/b", None);
    }
}
