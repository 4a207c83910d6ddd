//! TLS records as they crossed the wire, each a disclosure: its bytes field
//! by field, and for an encrypted one what Stackscope decrypted with the
//! session's own secrets (messages, certificates read back, the HTTP text).

use stackscope_core::trace::{DnsMessage, TlsRecord};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub records: Vec<TlsRecord>,
}

fn dump(bytes: &[u8], fields: &[stackscope_core::trace::ByteField], caption: &'static str) -> Html {
    let message = DnsMessage {
        bytes: bytes.to_vec(),
        fields: fields.to_vec(),
        decoded: Vec::new(),
    };
    html! { <crate::components::hex_dump::HexDump {message} caption={AttrValue::Static(caption)} /> }
}

#[component]
pub fn TlsRecords(props: &Props) -> Html {
    let records = props.records.iter().enumerate().map(|(i, r)| {
        let inner = r.decrypted.as_ref().map(|p| {
            let certs = p.certificates.iter().enumerate().map(|(k, c)| {
                html! {
                    <table class="kv cert">
                        <caption>{ if k == 0 { "The site's certificate".to_string() } else { format!("Certificate {} (its issuer)", k + 1) } }</caption>
                        <tbody>
                            { for c.rows.iter().map(|(name, value)| html! {
                                <tr><th scope="row">{ name }</th><td><code>{ value }</code></td></tr>
                            }) }
                        </tbody>
                    </table>
                }
            });
            html! {
                <div class="tls-inner">
                    <p class="decrypted-note">
                        { format!("Decrypted by Stackscope with {} from the session's key log. On the wire only the ciphertext above travels.", p.secret) }
                    </p>
                    { dump(&p.bytes, &p.fields, "Inside the record, field by field (offsets within the decrypted content)") }
                    { for certs }
                    if let Some(http) = &p.http {
                        <pre class="code http">{ http.replace("\r\n", "\n") }</pre>
                    }
                </div>
            }
        });
        html! {
            <details class="tls-record" open={i == 0 || r.decrypted.as_ref().is_some_and(|p| p.http.is_some())}>
                <summary>{ format!("{} · {} bytes", r.label, r.bytes.len()) }</summary>
                { dump(&r.bytes, &r.fields, "Record fields (byte offsets from 0)") }
                { for inner }
            </details>
        }
    });
    html! {
        <>
            <h3>{ format!("TLS records on the wire ({})", props.records.len()) }</h3>
            { for records }
        </>
    }
}
