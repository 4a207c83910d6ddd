//! An annotated hex dump of a wire message (DNS, or a TLS record): 16 bytes a row, each field colour-coded with a legend;
//! the two bytes of a name-compression pointer are underlined.

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

#[component]
pub fn HexDump(props: &Props) -> Html {
    let msg = &props.message;
    let rows = msg.bytes.chunks(16).enumerate().map(|(r, chunk)| {
        let byte = |(j, b): (usize, &u8)| {
            let i = r * 16 + j;
            match field_of(msg, i) {
                Some(f) => {
                    let field = &msg.fields[f];
                    // A compressed name ends in a two-byte pointer (RFC 1035
                    // §4.1.4): marked so it reads as a pointer, not a label.
                    let pointer = field.value.contains("pointer to offset")
                        && i + 2 >= field.start + field.len;
                    html! {
                        <span class={classes!("byte", format!("f{}", f % COLOURS), pointer.then_some("ptr"))}
                            title={format!("{} (field {}): {}", field.name, f + 1, field.value)}>
                            { format!("{b:02x}") }
                        </span>
                    }
                }
                None => html! { <span class="byte">{ format!("{b:02x}") }</span> },
            }
        };
        // Two halves of 8, as `hexdump -C` prints them: on a narrow screen
        // the second half (and the text column) wraps under the first
        // instead of being cut off or scrolled.
        let (first, second) = chunk.split_at(chunk.len().min(8));
        let first = first.iter().enumerate().map(byte);
        let second = second.iter().enumerate().map(|(j, b)| byte((j + 8, b)));
        let ascii: String = chunk.iter().map(|&b| printable(b)).collect();
        html! {
            <div class="hex-row">
                <span class="offset">{ format!("{:04x}", r * 16) }</span>
                <span class="hex-bytes">
                    <span class="hex-half">{ for first }</span>
                    <span class="hex-half">{ for second }</span>
                </span>
                <span class="ascii" aria-hidden="true">{ ascii }</span>
            </div>
        }
    });
    let legend = msg.fields.iter().enumerate().map(|(k, f)| {
        let end = f.start + f.len.saturating_sub(1);
        html! {
            <tr>
                <td><span class={classes!("swatch", format!("f{}", k % COLOURS))} aria-hidden="true">{ k + 1 }</span></td>
                <th scope="row">{ &f.name }</th>
                <td><code>{ &f.value }</code></td>
                <td class="offsets">{ format!("{}–{} ({} B)", f.start, end, f.len) }</td>
            </tr>
        }
    });
    html! {
        <div class="hexdump-wrap">
            <div class="hexdump" role="group"
                aria-label={format!("The message's {} bytes in hexadecimal, 16 per row", msg.bytes.len())}>
                { for rows }
            </div>
            <table class="legend-table">
                <caption>{ props.caption.clone().unwrap_or_else(|| "Fields (byte offsets from 0; underlined bytes are compression pointers)".into()) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "#" }</th>
                        <th scope="col">{ "Field" }</th>
                        <th scope="col">{ "Value" }</th>
                        <th scope="col">{ "Bytes" }</th>
                    </tr>
                </thead>
                <tbody>{ for legend }</tbody>
            </table>
        </div>
    }
}
