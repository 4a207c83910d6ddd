//! The request target as nginx reads it before choosing a `location`.
//!
//! nginx matches locations against the *normalized* URI (`$uri`), not the
//! bytes the client sent: it decodes `%XX`, merges repeated slashes
//! (`merge_slashes on`, the default) and resolves `.` and `..` segments;
//! a `..` that would climb above the root is a 400. This is nginx's
//! `ngx_http_parse_complex_uri` (src/http/ngx_http_parse.c) for a Unix
//! build, and the `location` documentation says so: "The matching is
//! performed against a normalized URI, after decoding the text encoded in
//! the "%XX" form, resolving references to relative path components "." and
//! "..", and possible compression of two or more adjacent slashes into a
//! single slash." The conformance suite (`tests/conformance`) checks this
//! module against Debian's nginx on a corpus of raw targets.

/// A request target, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    /// `$uri`: decoded, slashes merged, dot segments resolved. Bytes, since
    /// `%C3` alone decodes to a byte that is not UTF-8.
    pub path: Vec<u8>,
    /// `$args`: what follows the first raw `?`, as sent.
    pub args: Option<String>,
    /// The target from its path on, as sent (`$request_uri` for an
    /// absolute-form target): what `proxy_pass` without a URI passes on.
    pub unparsed: String,
    /// The host of an absolute-form target (`GET http://host/path`), which
    /// nginx prefers to the Host header.
    pub host: Option<String>,
}

impl Uri {
    /// The path as text (bytes that are not UTF-8 shown as U+FFFD).
    pub fn path_text(&self) -> String {
        String::from_utf8_lossy(&self.path).into_owned()
    }

    /// The path with each byte as one character (U+0000–U+00FF): how a
    /// regular expression sees it. nginx's PCRE runs without UTF mode, so
    /// `.` matches one byte and `é` in a pattern is its two UTF-8 bytes.
    pub fn latin1(&self) -> String {
        latin1(&self.path)
    }
}

/// Bytes as characters U+0000–U+00FF, one each.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Usual,
    Slash,
    Dot,
    DotDot,
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Steps back over the segment before a `..`: `u` ends with `/..` (or `/.`
/// followed by a decoded dot); keeps everything up to the previous `/`.
fn climb(u: &mut Vec<u8>) -> Result<(), String> {
    // Drop "/.." and then the segment before it, keeping its leading slash.
    let keep = u.len().checked_sub(4);
    let Some(mut i) = keep else {
        return Err(above_root());
    };
    loop {
        if u[i] == b'/' {
            u.truncate(i + 1);
            return Ok(());
        }
        if i == 0 {
            return Err(above_root());
        }
        i -= 1;
    }
}

fn above_root() -> String {
    "the path climbs above the site's root with \"..\"".into()
}

/// Reads a request target as nginx does. `Err` is nginx's 400 Bad Request,
/// with the reason in plain words.
pub fn parse(target: &str) -> Result<Uri, String> {
    let mut host = None;
    let mut rest = target;
    if let Some(scheme_end) = target.find("://") {
        let scheme = &target[..scheme_end];
        if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            let after = &target[scheme_end + 3..];
            let path_at = after.find(['/', '?']).unwrap_or(after.len());
            let authority = &after[..path_at];
            let name = authority.split(':').next().unwrap_or("");
            if name.is_empty() {
                return Err("the absolute address has no host".into());
            }
            host = Some(name.to_ascii_lowercase());
            rest = &after[path_at..];
            if rest.is_empty() {
                rest = "/";
            }
        }
    }
    if !rest.starts_with('/') {
        return Err(format!(
            "the target \"{}\" does not start with /",
            crate::text::clip(target, 40)
        ));
    }
    let bytes = rest.as_bytes();
    let mut u: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut state = State::Usual;
    let mut args = None;
    let mut i = 0;
    while i < bytes.len() {
        let raw = bytes[i];
        i += 1;
        let mut ch = raw;
        if raw == b'%' {
            let (Some(h), Some(l)) = (
                bytes.get(i).copied().and_then(hex),
                bytes.get(i + 1).copied().and_then(hex),
            ) else {
                return Err("a % is not followed by two hexadecimal digits".into());
            };
            i += 2;
            ch = (h << 4) | l;
            match ch {
                0 => return Err("the path contains an encoded NUL byte (%00)".into()),
                // Decoded '%', '#' and '?' are plain characters of the path.
                b'%' | b'#' | b'?' => {
                    u.push(ch);
                    state = State::Usual;
                    continue;
                }
                _ => {}
            }
        } else if raw == b'?' {
            if state == State::Dot {
                u.pop();
            } else if state == State::DotDot {
                climb(&mut u)?;
            }
            args = Some(rest[i..].to_string());
            return Ok(Uri {
                path: u,
                args,
                unparsed: rest.to_string(),
                host,
            });
        } else if raw == b'#' {
            // A fragment is never sent by a browser; nginx ends the path there.
            if state == State::Dot {
                u.pop();
            } else if state == State::DotDot {
                climb(&mut u)?;
            }
            return Ok(Uri {
                path: u,
                args,
                unparsed: rest.to_string(),
                host,
            });
        }
        state = match (state, ch) {
            (State::Slash, b'/') => State::Slash, // merge_slashes
            (State::Dot, b'/') => {
                u.pop(); // "/./" is "/"
                State::Slash
            }
            (State::DotDot, b'/') => {
                climb(&mut u)?;
                State::Slash
            }
            (_, b'/') => {
                u.push(b'/');
                State::Slash
            }
            (State::Slash, b'.') => {
                u.push(b'.');
                State::Dot
            }
            (State::Dot, b'.') => {
                u.push(b'.');
                State::DotDot
            }
            (_, c) => {
                u.push(c);
                State::Usual
            }
        };
    }
    match state {
        State::Dot => {
            u.pop();
        }
        State::DotDot => climb(&mut u)?,
        _ => {}
    }
    Ok(Uri {
        path: u,
        args,
        unparsed: rest.to_string(),
        host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(target: &str, expect: Result<&str, ()>) {
        let got = parse(target).map(|u| u.path_text()).map_err(|_| ());
        assert_eq!(
            got.as_deref(),
            expect.as_deref().map_err(|_| &()),
            "{target}"
        );
    }

    #[test]
    fn normalizes_like_nginx() {
        check("/", Ok("/"));
        check("//static//style.css", Ok("/static/style.css"));
        check("/static/./style.css", Ok("/static/style.css"));
        check("/static/../favicon.ico", Ok("/favicon.ico"));
        check("/a/b/../../static/x", Ok("/static/x"));
        check("/a/..", Ok("/"));
        check("/a/.", Ok("/a/"));
        check("/a/%2e%2e/b", Ok("/b"));
        check("/static%2Fstyle.css", Ok("/static/style.css"));
        check("/%2e%2e/", Err(()));
        check("/..", Err(()));
        check("/../x", Err(()));
        check("/%00", Err(()));
        check("/%zz", Err(()));
        check("/a%2", Err(()));
        check("/%25", Ok("%").map(|_| "/%"));
        check("/a%3Fb?c", Ok("/a?b"));
        check("/#frag", Ok("/"));
        check("http://Foo:8080/x/../y?z", Ok("/y"));
        check("http://foo", Ok("/"));
        check("x", Err(()));
        assert_eq!(parse("/caf%C3%A9").unwrap().path, "/café".as_bytes());
        assert_eq!(parse("/s?q=/../").unwrap().args.as_deref(), Some("q=/../"));
        assert_eq!(parse("http://Foo/").unwrap().host.as_deref(), Some("foo"));
    }
}
