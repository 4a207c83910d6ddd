//! The design switch (one server or the redundant design), "Restore everything" and the toggles' key.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub redundant: bool,
    /// Some fault is in effect.
    pub broken: bool,
    /// A note about the last change to the world, if any.
    pub note: Option<AttrValue>,
    pub on_switch: Callback<bool>,
    pub on_restore: Callback<()>,
}

#[component]
pub fn TopologySwitch(props: &Props) -> Html {
    let radio = |id: &'static str, value: bool, label: &'static str| {
        let cb = props.on_switch.clone();
        let onchange = Callback::from(move |_: Event| cb.emit(value));
        html! {
            <label class="radio" for={id}>
                <input type="radio" id={id} name="topology" value={if value { "redundant" } else { "single" }}
                    checked={props.redundant == value} onchange={onchange} />
                { label }
            </label>
        }
    };
    let restore = props.on_restore.reform(|_: MouseEvent| ());
    html! {
        <div class="world-bar">
            <fieldset id="topology" class="topology">
                <legend>{ "Design" }</legend>
                { radio("topology-single", false, "One server") }
                { radio("topology-redundant", true, "Redundant design") }
            </fieldset>
            <div class="break-it">
                <p class="fault-key" id="fault-key">
                    <strong>{ "Break it: " }</strong>
                    { "the small buttons by each box inject a fault (press again to repair): " }
                    <span class="key">{ "Off: power off" }</span>
                    <span class="key">{ "■ stop" }</span>
                    <span class="key">{ "‖ hang" }</span>
                    <span class="key">{ "↻ restarting" }</span>
                    <span class="key">{ "✕ delete DNS records" }</span>
                    <span class="key">{ "≠ wrong IP in DNS" }</span>
                </p>
                <button type="button" id="restore-all" onclick={restore} disabled={!props.broken}>
                    { "Restore everything" }
                </button>
            </div>
            if let Some(note) = &props.note {
                <p class="world-note">{ note.clone() }</p>
            }
        </div>
    }
}
