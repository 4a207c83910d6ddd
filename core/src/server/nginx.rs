//! Nginx: `server_name` and `location` matching in nginx's documented order.

use regex_lite::Regex;

use crate::scenario::{Location, LocationAction, Modifier, NginxConfig};

/// The version string Nginx puts in `Server` headers and error pages.
pub const VERSION: &str = "nginx/1.24.0";

/// The `location` blocks with their regular expressions compiled once.
#[derive(Debug, Clone)]
pub struct Router {
    regexes: Vec<Option<Regex>>,
    /// The `server` block as nginx syntax, rendered once.
    pub config_text: String,
}

/// Compiles a location's regex the way nginx would (`~*` is case-insensitive).
pub fn compile(loc: &Location) -> Result<Option<Regex>, String> {
    let pattern = match loc.modifier {
        Modifier::Regex => loc.pattern.clone(),
        Modifier::RegexCaseless => format!("(?i){}", loc.pattern),
        _ => return Ok(None),
    };
    Regex::new(&pattern).map(Some).map_err(|e| e.to_string())
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
    format!("location {}{}", l.modifier.syntax(), l.pattern)
}

/// Finds the location for `path` as nginx does: an exact `=` match wins at
/// once; otherwise the longest matching prefix is remembered, and if it is
/// `^~` it wins; otherwise regexes are tried in order and the first match
/// wins; otherwise the remembered prefix is used.
pub fn match_location(cfg: &NginxConfig, router: &Router, path: &str) -> Match {
    let mut considered = Vec::new();
    for (i, l) in cfg.locations.iter().enumerate() {
        if l.modifier == Modifier::Exact {
            let hit = l.pattern == path;
            considered.push(format!(
                "{}: {}",
                location_syntax(l),
                if hit { "exact match" } else { "not equal" }
            ));
            if hit {
                return Match {
                    index: Some(i),
                    reason: format!(
                        "{} is an exact match for {path}, and nginx stops at an exact match.",
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
            let hit = path.starts_with(&l.pattern);
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
    for (i, l) in cfg.locations.iter().enumerate() {
        if let Some(Some(re)) = router.regexes.get(i) {
            let hit = re.is_match(path);
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
                    reason: format!("{} is the first regular expression that matches {path}; regexes are tried in config order and beat a plain prefix.", location_syntax(l)),
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

/// The `server` block as nginx syntax.
pub fn config_text(cfg: &NginxConfig) -> String {
    let mut s = format!(
        "server {{\n    listen {};\n    server_name {};\n    root {};\n",
        cfg.listen,
        cfg.server_name.join(" "),
        cfg.root
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
                s.push_str(&format!(
                    "        return {status} \"{}\";\n",
                    text.replace('"', "\\\"")
                ));
            }
        }
        s.push_str("    }\n");
    }
    s.push_str("}\n");
    s
}

/// Nginx's own error page for a status.
pub fn error_page(status: u16) -> String {
    let line = format!("{status} {}", crate::http::reason(status));
    format!(
        "<html>\r\n<head><title>{line}</title></head>\r\n<body>\r\n<center><h1>{line}</h1></center>\r\n<hr><center>{VERSION}</center>\r\n</body>\r\n</html>\r\n"
    )
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
        let m = match_location(&cfg, &r, path);
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
