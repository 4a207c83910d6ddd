//! The design switch (one server, the redundant design, the secured one), the web servers' mode (active-active or a standby), "Restore everything" and the toggles' key.

use stackscope_core::seed::Design;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub design: Design,
    /// Some fault is in effect.
    pub broken: bool,
    /// A note about the last change to the world, if any.
    pub note: Option<AttrValue>,
    pub on_switch: Callback<Design>,
    pub on_restore: Callback<()>,
    /// With several web servers: whether the last (named) is a standby.
    #[prop_or_default]
    pub standby: Option<(bool, AttrValue)>,
    #[prop_or_default]
    pub on_standby: Callback<bool>,
}

/// Focuses the checked design when the (now disabled) button left the focus on `<body>`.
fn refocus(button: &NodeRef) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lost = match doc.active_element() {
        None => true,
        Some(a) => doc.body().is_some_and(|b| *b == a) || button.get().is_some_and(|n| n == *a),
    };
    let checked = doc
        .query_selector("#topology input:checked")
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let (true, Some(c)) = (lost, checked) {
        let _ = c.focus();
    }
}

#[component]
pub fn TopologySwitch(props: &Props) -> Html {
    let radio = |value: Design| {
        let cb = props.on_switch.clone();
        let onchange = Callback::from(move |_: Event| cb.emit(value));
        let id = format!("topology-{}", value.id());
        html! {
            <label class="radio" for={id.clone()}>
                <input type="radio" id={id} name="topology" value={value.id()}
                    checked={props.design == value} onchange={onchange} />
                { value.label() }
            </label>
        }
    };
    // "Restore everything" is disabled once nothing is broken: if it had the
    // focus, the focus moves to the design switch instead of <body>.
    let restore_ref = use_node_ref();
    let pressed = use_mut_ref(|| false);
    {
        let (restore_ref, pressed) = (restore_ref.clone(), pressed.clone());
        use_effect_with(props.broken, move |broken| {
            if !*broken && std::mem::take(&mut *pressed.borrow_mut()) {
                refocus(&restore_ref);
            }
        });
    }
    let restore = {
        let cb = props.on_restore.clone();
        Callback::from(move |_: MouseEvent| {
            *pressed.borrow_mut() = true;
            cb.emit(());
        })
    };
    html! {
        <div class="world-bar">
            <fieldset id="topology" class="topology">
                <legend>{ "Design" }</legend>
                { for Design::ALL.into_iter().map(radio) }
            </fieldset>
            if let Some((standby, host)) = &props.standby {
                <fieldset id="web-mode" class="topology">
                    <legend>{ "Web servers" }</legend>
                    { for [(false, "web-mode-active", "All serve (active-active)".to_string()),
                           (true, "web-mode-passive", format!("{host} on standby (active-passive)"))]
                        .into_iter().map(|(value, id, label)| {
                            let cb = props.on_standby.clone();
                            html! {
                                <label class="radio" for={id}>
                                    <input type="radio" id={id} name="web-mode" checked={*standby == value}
                                        onchange={Callback::from(move |_: Event| cb.emit(value))} />
                                    { label }
                                </label>
                            }
                        }) }
                </fieldset>
            }
            <div class="break-it">
                <p class="fault-key" id="fault-key">
                    <strong>{ "Break it: " }</strong>
                    { "the small buttons by each box inject a fault (press again to repair): " }
                    <span class="key">{ "Off: power off" }</span>
                    if props.design == Design::OneServer {
                        <span class="key">{ "Disk: the disk fails" }</span>
                    }
                    <span class="key">{ "■ stop" }</span>
                    <span class="key">{ "‖ hang" }</span>
                    <span class="key">{ "↻ restarting" }</span>
                    <span class="key">{ "✕ delete DNS records" }</span>
                    <span class="key">{ "≠ wrong IP in DNS" }</span>
                    if matches!(props.design, Design::Secured | Design::ScaledUp) {
                        <span class="key">{ "Exp: expired certificate" }</span>
                        <span class="key">{ "N≠ certificate for another name" }</span>
                        <span class="key">{ "443✕ nothing on port 443" }</span>
                    }
                </p>
                <button type="button" id="restore-all" ref={restore_ref} onclick={restore} disabled={!props.broken}>
                    { "Restore everything" }
                </button>
            </div>
            if let Some(note) = &props.note {
                <p class="world-note">{ note.clone() }</p>
            }
        </div>
    }
}
