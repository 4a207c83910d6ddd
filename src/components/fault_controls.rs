//! Fault toggles beside each box of the diagram (listed under it on narrow screens).

use stackscope_core::{Change, Scenario, Topology};
use yew::prelude::*;

use crate::components::diagram::{toggle_pos, Align};

/// With split tiers, how far left of Nginx's toggle (its centre) the web
/// server's power switch ends (viewBox units).
const SPLIT_POWER_GAP: f64 = 22.0;
use crate::faults;
use crate::format::component_id;
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub world: Shared<Scenario>,
    /// Height of the diagram's viewBox (its width is 1000).
    pub height: f64,
    /// `(change, inject)`: inject the fault, or repair it.
    pub on_fault: Callback<(Change, bool)>,
}

#[component]
pub fn FaultControls(props: &Props) -> Html {
    let world = &*props.world;
    let redundant = matches!(world.topology, Topology::Redundant(_));
    let split = matches!(&world.topology, Topology::Redundant(c) if c.split());
    let on = faults::active(world);
    let groups = faults::groups(world).into_iter().map(|g| {
        let (x, y, align) = if split && g.component == stackscope_core::Component::Server {
            // Split tiers: the web server's box is half as wide, its name
            // across the top; its power switch goes left of Nginx's.
            let (nx, ny, _) = toggle_pos(stackscope_core::Component::Nginx, g.node, redundant);
            (nx - SPLIT_POWER_GAP, ny, Align::Right)
        } else {
            toggle_pos(g.component, g.node, redundant)
        };
        // Positioned by the effect below through the CSSOM: a `style`
        // attribute would be an inline style, which the page's CSP refuses.
        let left = format!("{:.2}%", x / 10.0);
        let top = format!("{:.2}%", y / props.height * 100.0);
        let align = match align {
            Align::Right => "align-right",
            Align::Center => "align-center",
        };
        // A balancer of a pair: its buttons in two columns, to fit between
        // the two boxes.
        let two_col = g.component == stackscope_core::Component::LoadBalancer && g.node.is_some();
        let buttons = g.toggles.into_iter().map(|t| {
            let pressed = on.contains(&t.change);
            let onclick = {
                let cb = props.on_fault.clone();
                let change = t.change;
                Callback::from(move |_: MouseEvent| cb.emit((change, !pressed)))
            };
            html! {
                <button type="button" class={classes!("fault", pressed.then_some("pressed"))}
                    id={format!("fault-{}", t.key)} aria-pressed={pressed.to_string()}
                    aria-label={t.name.clone()} title={t.name.clone()} onclick={onclick}>
                    <span class="fault-icon" aria-hidden="true">{ t.icon }</span>
                    <span class="fault-name" aria-hidden="true">{ t.name }</span>
                </button>
            }
        });
        html! {
            <div class={classes!("fault-group", align, two_col.then_some("two-col"))} data-left={left} data-top={top}
                data-component={component_id(g.component)}
                data-node={g.node.map(|n| n.to_string())}
                role="group" aria-label={format!("Faults: {}", g.title)}>
                <span class="fg-name">{ g.title }</span>
                { for buttons }
            </div>
        }
    });
    let layer = use_node_ref();
    {
        let layer = layer.clone();
        use_effect(move || place(&layer));
    }
    html! {
        <div class="fault-layer" id="fault-controls" ref={layer}>
            { for groups }
        </div>
    }
}

/// Moves each group to the position in its `data-left`/`data-top`.
fn place(layer: &NodeRef) {
    use wasm_bindgen::JsCast;
    let Some(layer) = layer.cast::<web_sys::Element>() else {
        return;
    };
    let Ok(groups) = layer.query_selector_all(".fault-group") else {
        return;
    };
    for i in 0..groups.length() {
        let Some(el) = groups
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        let style = el.style();
        for (attr, prop) in [("data-left", "left"), ("data-top", "top")] {
            if let Some(v) = el.get_attribute(attr) {
                let _ = style.set_property(prop, &v);
            }
        }
    }
}
