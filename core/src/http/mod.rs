//! HTTP/1.x messages: written as exact wire text, read back with `httparse`.

use std::time::{Duration, UNIX_EPOCH};

/// Seconds since 1970 at which every session starts (2026-01-01 09:00:00 UTC).
pub const VIRTUAL_EPOCH_S: u64 = 1_767_258_000;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The `Date` header value for a session time in µs.
pub fn http_date(session_us: u64) -> String {
    httpdate::fmt_http_date(
        UNIX_EPOCH + Duration::from_secs(VIRTUAL_EPOCH_S + session_us / 1_000_000),
    )
}

/// The standard reason phrase for a status code.
pub fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown")
}

/// An HTTP message's start line and headers, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: http::Method,
    pub target: String,
    /// `1` for HTTP/1.1, `0` for HTTP/1.0.
    pub minor_version: u8,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The request exactly as it crosses the wire.
    pub fn to_wire(&self) -> String {
        let mut s = format!(
            "{} {} HTTP/1.{}\r\n",
            self.method, self.target, self.minor_version
        );
        write_headers(&mut s, &self.headers);
        s.push_str(&self.body);
        s
    }
}

/// An HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub minor_version: u8,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// A response with `Content-Type` and `Content-Length` set from the body.
    pub fn new(status: u16, content_type: &str, body: String) -> Self {
        Response {
            status,
            reason: reason(status).to_string(),
            minor_version: 1,
            headers: vec![
                ("Content-Type".into(), content_type.into()),
                ("Content-Length".into(), body.len().to_string()),
            ],
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The response exactly as it crosses the wire.
    pub fn to_wire(&self) -> String {
        let mut s = format!(
            "HTTP/1.{} {} {}\r\n",
            self.minor_version, self.status, self.reason
        );
        write_headers(&mut s, &self.headers);
        s.push_str(&self.body);
        s
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn write_headers(s: &mut String, headers: &[(String, String)]) {
    for (k, v) in headers {
        s.push_str(k);
        s.push_str(": ");
        s.push_str(v);
        s.push_str("\r\n");
    }
    s.push_str("\r\n");
}

fn body_after(text: &str, head_len: usize, headers: &[(String, String)]) -> Result<String, String> {
    let rest = text.get(head_len..).unwrap_or("");
    let len = match header(headers, "content-length") {
        Some(v) => v
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("Content-Length \"{v}\" is not a number"))?,
        None => 0,
    };
    rest.get(..len)
        .map(str::to_string)
        .ok_or_else(|| format!("the body is shorter than its Content-Length ({len} bytes)"))
}

fn owned_headers(h: &[httparse::Header]) -> Result<Vec<(String, String)>, String> {
    h.iter()
        .map(|h| {
            std::str::from_utf8(h.value)
                .map(|v| (h.name.to_string(), v.to_string()))
                .map_err(|_| format!("header {} is not text", h.name))
        })
        .collect()
}

/// Parses a request from its wire text, as a server does.
pub fn parse_request(text: &str) -> Result<Request, String> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    let head_len = match req.parse(text.as_bytes()) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            return Err("the request ended before its headers did".into())
        }
        Err(e) => return Err(format!("malformed request: {e}")),
    };
    let method = http::Method::from_bytes(req.method.unwrap_or("").as_bytes())
        .map_err(|_| "unknown method".to_string())?;
    let target = req.path.unwrap_or("/").to_string();
    let minor_version = req.version.unwrap_or(1);
    let headers = owned_headers(req.headers)?;
    let body = body_after(text, head_len, &headers)?;
    Ok(Request {
        method,
        target,
        minor_version,
        headers,
        body,
    })
}

/// Parses a response from its wire text, as a client (or a proxy) does.
pub fn parse_response(text: &str) -> Result<Response, String> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut res = httparse::Response::new(&mut headers);
    let head_len = match res.parse(text.as_bytes()) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            return Err("the response ended before its headers did".into())
        }
        Err(e) => return Err(format!("malformed response: {e}")),
    };
    let status = res.code.unwrap_or(0);
    let reason = res.reason.unwrap_or("").to_string();
    let minor_version = res.version.unwrap_or(1);
    let headers = owned_headers(res.headers)?;
    // 1xx, 204 and 304 responses never have a body, whatever their
    // Content-Length says (RFC 9112 §6.3).
    let body = if status < 200 || status == 204 || status == 304 {
        String::new()
    } else {
        body_after(text, head_len, &headers)?
    };
    Ok(Response {
        status,
        reason,
        minor_version,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trips_through_httparse() {
        let r = Request {
            method: http::Method::GET,
            target: "/search?q=a%20b".into(),
            minor_version: 1,
            headers: vec![("Host".into(), "www.foobar.com".into())],
            body: String::new(),
        };
        assert_eq!(
            r.to_wire(),
            "GET /search?q=a%20b HTTP/1.1\r\nHost: www.foobar.com\r\n\r\n"
        );
        assert_eq!(parse_request(&r.to_wire()).unwrap(), r);
    }

    #[test]
    fn response_round_trips_and_checks_length() {
        let r = Response::new(404, "text/plain", "gone".into());
        assert_eq!(parse_response(&r.to_wire()).unwrap(), r);
        assert!(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort").is_err());
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }

    #[test]
    fn date_is_virtual() {
        assert_eq!(http_date(0), "Thu, 01 Jan 2026 09:00:00 GMT");
    }
}
