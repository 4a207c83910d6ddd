//! An annotated hex dump of a wire message (DNS, or a TLS record): 16 bytes a row, each field colour-coded with a legend;
//! the two bytes of a name-compression pointer are underlined.
//!
//! It is written as one string of markup, which the browser parses in one
//! go (`Html::from_html_unchecked`), not as a node per byte built from
//! wasm: a DNS step's dump and legend are 250–450 nodes, and building them
//! one by one took 5–20 ms of every playback tick through the DNS steps
//! (traced at 1280×800, unthrottled; Lighthouse's phone counts it four
//! times). Every text and attribute value goes through [`escape`]: field
//! names and values carry names from the learner's own zone.

use std::fmt::Write;

use stackscope_core::trace::DnsMessage;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub message: DnsMessage,
    /// The legend's caption (the default is the DNS one).
    #[prop_or_default]
    pub caption: Option<AttrValue>,
}

/// Number of distinct field colours in the stylesheet (`.f0` … `.f5`).
const COLOURS: usize = 6;

/// The legend's caption for a DNS message.
const DNS_CAPTION: &str = "Fields (byte offsets from 0; underlined bytes are compression pointers)";

/// The index of the field that covers byte `i`, if any.
fn field_of(msg: &DnsMessage, i: usize) -> Option<usize> {
    msg.fields
        .iter()
        .position(|f| i >= f.start && i < f.start + f.len)
}

fn printable(b: u8) -> char {
    if b.is_ascii_graphic() {
        b as char
    } else {
        '.'
    }
}

/// `text`, safe as an element's text or a quoted attribute's value (the
/// core's escaping, which also writes the pages the simulated server sends).
fn escape(out: &mut String, text: &str) {
    out.push_str(&stackscope_core::http::escape_html(text));
}

/// One byte: its field's colour and a tooltip naming the field.
fn byte(out: &mut String, msg: &DnsMessage, i: usize, b: u8) {
    match field_of(msg, i) {
        Some(f) => {
            let field = &msg.fields[f];
            // A compressed name ends in a two-byte pointer (RFC 1035
            // §4.1.4): marked so it reads as a pointer, not a label.
            let pointer =
                field.value.contains("pointer to offset") && i + 2 >= field.start + field.len;
            let _ = write!(
                out,
                "<span class=\"byte f{}{}\" title=\"",
                f % COLOURS,
                if pointer { " ptr" } else { "" }
            );
            escape(out, &field.name);
            let _ = write!(out, " (field {}): ", f + 1);
            escape(out, &field.value);
            let _ = write!(out, "\">{b:02x}</span>");
        }
        None => {
            let _ = write!(out, "<span class=\"byte\">{b:02x}</span>");
        }
    }
}

/// The dump and its legend, as markup.
fn markup(msg: &DnsMessage, caption: &str) -> String {
    let mut out = String::with_capacity(msg.bytes.len() * 90 + msg.fields.len() * 160 + 600);
    let _ = write!(
        out,
        "<div class=\"hexdump\" role=\"group\" aria-label=\"The message's {} bytes in hexadecimal, 16 per row\">",
        msg.bytes.len()
    );
    for (r, chunk) in msg.bytes.chunks(16).enumerate() {
        let _ = write!(
            out,
            "<div class=\"hex-row\"><span class=\"offset\">{:04x}</span><span class=\"hex-bytes\">",
            r * 16
        );
        // Two halves of 8, as `hexdump -C` prints them: on a narrow screen
        // the second half (and the text column) wraps under the first
        // instead of being cut off or scrolled.
        let (first, second) = chunk.split_at(chunk.len().min(8));
        for (offset, half) in [(0, first), (8, second)] {
            out.push_str("<span class=\"hex-half\">");
            for (j, &b) in half.iter().enumerate() {
                byte(&mut out, msg, r * 16 + offset + j, b);
            }
            out.push_str("</span>");
        }
        out.push_str("</span><span class=\"ascii\" aria-hidden=\"true\">");
        let ascii: String = chunk.iter().map(|&b| printable(b)).collect();
        escape(&mut out, &ascii);
        out.push_str("</span></div>");
    }
    out.push_str("</div><table class=\"legend-table\"><caption>");
    escape(&mut out, caption);
    out.push_str(
        "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Field</th>\
         <th scope=\"col\">Value</th><th scope=\"col\">Bytes</th></tr></thead><tbody>",
    );
    for (k, f) in msg.fields.iter().enumerate() {
        let end = f.start + f.len.saturating_sub(1);
        let _ = write!(
            out,
            "<tr><td><span class=\"swatch f{}\" aria-hidden=\"true\">{}</span></td><th scope=\"row\">",
            k % COLOURS,
            k + 1
        );
        escape(&mut out, &f.name);
        out.push_str("</th><td><code>");
        escape(&mut out, &f.value);
        let _ = write!(
            out,
            "</code></td><td class=\"offsets\">{}–{} ({} B)</td></tr>",
            f.start, end, f.len
        );
    }
    out.push_str("</tbody></table>");
    out
}

#[component]
pub fn HexDump(props: &Props) -> Html {
    let caption = props.caption.as_deref().unwrap_or(DNS_CAPTION);
    let html = Html::from_html_unchecked(markup(&props.message, caption).into());
    html! { <div class="hexdump-wrap">{ html }</div> }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use stackscope_core::trace::ByteField;

    /// 20 bytes: an ID, text that reads as markup, and a pointer.
    fn message(name: &str, value: &str) -> DnsMessage {
        DnsMessage {
            bytes: b"\x12\x34<a href=\"x\">&'..\xc0\x0c".to_vec(),
            fields: vec![
                ByteField {
                    start: 0,
                    len: 2,
                    name: name.into(),
                    value: value.into(),
                },
                ByteField {
                    start: 18,
                    len: 2,
                    name: "Name".into(),
                    value: "pointer to offset 12".into(),
                },
            ],
            decoded: Vec::new(),
        }
    }

    /// The markup with every tag the dump writes taken out: what is left is
    /// text, and must hold no character that HTML reads as markup.
    fn text_only(markup: &str) -> String {
        let mut text = String::new();
        let mut rest = markup;
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find('>').expect("a tag is closed") + open;
            let tag = &rest[open..=close];
            // Inside a tag, only the attributes' values are text.
            for (k, part) in tag.split('"').enumerate() {
                if k % 2 == 1 {
                    text.push_str(part);
                }
            }
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        text
    }

    #[test]
    fn bytes_fields_and_pointer_are_marked() {
        let html = markup(&message("ID", "0x1234"), DNS_CAPTION);
        assert!(html.starts_with(
            "<div class=\"hexdump\" role=\"group\" aria-label=\"The message's 20 bytes"
        ));
        assert!(html.contains(
            "<div class=\"hex-row\"><span class=\"offset\">0000</span><span class=\"hex-bytes\"><span class=\"hex-half\">\
             <span class=\"byte f0\" title=\"ID (field 1): 0x1234\">12</span>"
        ));
        assert!(html.contains("<span class=\"byte\">3c</span>"));
        assert!(html.contains("<span class=\"offset\">0010</span>"));
        assert!(html.contains(
            "<span class=\"byte f1 ptr\" title=\"Name (field 2): pointer to offset 12\">c0</span>"
        ));
        assert!(html.contains(">0c</span>"));
        // The text column: the bytes' characters, escaped.
        assert!(html.contains("<span class=\"ascii\" aria-hidden=\"true\">.4&lt;a.href=&quot;x&quot;&gt;&amp;&#39;</span>"));
        assert!(html.contains("<td class=\"offsets\">18–19 (2 B)</td>"));
        assert_eq!(html.matches("class=\"byte").count(), 20);
        assert_eq!(html.matches("<tr>").count(), 3);
    }

    proptest! {
        /// Whatever a learner names in a zone, it stays text.
        #[test]
        fn any_field_text_stays_text(name in ".{0,40}", value in ".{0,40}", caption in ".{0,40}") {
            let html = markup(&message(&name, &value), &caption);
            let text = text_only(&html);
            prop_assert!(!text.contains(['<', '>', '"']), "{text}");
            // Every '&' starts one of the references `escape` writes.
            for (at, _) in text.match_indices('&') {
                prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|r| text[at..].starts_with(r)), "{text}");
            }
            prop_assert_eq!(html.matches("<span class=\"byte").count(), 20);
        }
    }
}
