//! The browser: reads what the user typed, and shows what came back.

pub mod input;
pub mod pages;

#[cfg(feature = "engine")]
use crate::sim::{spec, Ctx, Ending};
#[cfg(feature = "engine")]
use crate::trace::{Component, Outcome, Page, Payload, Phase, Status};

pub use input::Target;

/// The last leg: the browser downloads and renders a response, or shows its
/// own error page.
#[cfg(feature = "engine")]
pub fn finish(ctx: &mut Ctx, target: &Target, ending: Ending) -> (Outcome, Page) {
    match ending {
        Ending::Response {
            status,
            reason,
            content_type,
            body,
        } => {
            let page = pages::render_response(target, status, &reason, &content_type, &body);
            let kib = (body.len() as u64).div_ceil(1024).max(1);
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Render,
                Status::Ok,
                kib * ctx.scenario.latency.render_page_us_per_kib,
                format!("Render the page ({status} {reason})"),
                render_explanation(status, &content_type),
                Payload::Html {
                    title: page.title.clone(),
                    bytes: body.len(),
                },
            ));
            (Outcome::Response { status, reason }, page)
        }
        Ending::BrowserError { code, detail } => {
            let page = pages::browser_error(target, code, &detail);
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Render,
                Status::Fail,
                0,
                format!("The browser gives up: {code}"),
                format!("No HTTP response ever arrived, so the browser shows its own error page. {detail}"),
                Payload::None,
            ));
            (
                Outcome::BrowserError {
                    code: code.to_string(),
                    headline: pages::headline(code).to_string(),
                    detail,
                },
                page,
            )
        }
    }
}

#[cfg(feature = "engine")]
fn render_explanation(status: u16, content_type: &str) -> String {
    let what = if content_type.starts_with("text/html") {
        "parses the HTML and paints the page"
    } else {
        "shows the file as it is"
    };
    let note = match status {
        200..=299 => "The request succeeded.",
        404 => "The server answered, but it has nothing at this address: 404 is the server's own page, not a broken connection.",
        500..=599 => "The server was reached but something behind it failed: a 5xx status is the server admitting an error on its side.",
        _ => "The status code tells the browser how to treat the answer.",
    };
    format!("The browser {what}. {note}")
}
