//! The pages the browser shows: a response as rendered, or its own error page.

use crate::browser::Target;
use crate::http::escape_html;
use crate::trace::Page;

/// Chromium's headline for an error code.
pub fn headline(code: &str) -> &'static str {
    match code {
        "ERR_CONNECTION_REFUSED"
        | "ERR_CONNECTION_TIMED_OUT"
        | "DNS_PROBE_FINISHED_NXDOMAIN"
        | "ERR_NAME_NOT_RESOLVED"
        | "DNS_PROBE_FINISHED_NO_INTERNET" => "This site can’t be reached",
        "ERR_EMPTY_RESPONSE" => "This page isn’t working",
        c if c.starts_with("NET::ERR_CERT_") => "Your connection is not private",
        "ERR_SSL_PROTOCOL_ERROR" => "This site can’t provide a secure connection",
        _ => "This page isn’t working",
    }
}

/// The browser's own error page, shown when no HTTP response arrived.
pub fn browser_error(target: &Target, code: &str, detail: &str) -> Page {
    let title = target.host.clone();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
<body><h1>{h}</h1><p>{d}</p><p><code>{c}</code></p></body></html>",
        t = escape_html(&title),
        h = headline(code),
        d = escape_html(detail),
        c = escape_html(code),
    );
    Page {
        url: target.href.clone(),
        title,
        html,
    }
}

/// What the frame shows when the address could not even be parsed.
pub fn invalid_input(input: &str, reason: &str) -> Page {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Invalid address</title></head>\
<body><h1>This address can’t be opened</h1><p>{}</p></body></html>",
        escape_html(reason)
    );
    Page {
        url: input.chars().take(200).collect(),
        title: "Invalid address".into(),
        html,
    }
}

/// How the browser shows a response body of a given type.
pub fn render_response(
    target: &Target,
    status: u16,
    reason: &str,
    content_type: &str,
    body: &str,
) -> Page {
    if content_type.starts_with("text/html") {
        let title = extract_title(body).unwrap_or_else(|| format!("{status} {reason}"));
        return Page {
            url: target.href.clone(),
            title,
            html: body.to_string(),
        };
    }
    let title = target
        .path_and_query
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(&target.host)
        .to_string();
    let shown = if content_type.starts_with("image/svg+xml") {
        // An SVG is drawn; the frame that shows it never runs scripts.
        format!("<div>{body}</div>")
    } else {
        format!("<pre>{}</pre>", escape_html(body))
    };
    Page {
        url: target.href.clone(),
        title: title.clone(),
        html: format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>{shown}</body></html>",
            escape_html(&title)
        ),
    }
}

/// The text of the first `<title>` element, if any.
pub fn extract_title(html: &str) -> Option<String> {
    let start = html.find("<title>")? + "<title>".len();
    let end = html[start..].find("</title>")? + start;
    Some(unescape_basic(&html[start..end]))
}

fn unescape_basic(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
