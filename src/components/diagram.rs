//! The SVG diagram: every component, the links between them and the moving packet.

use stackscope_core::{Component, Status, Step};
use web_sys::Element;
use yew::prelude::*;

use crate::format::component_id;
use crate::state::{Speed, TraceRef};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Option<TraceRef>,
    pub cursor: usize,
    pub speed: Speed,
    /// Opens a component's explanation.
    pub on_select: Callback<Component>,
}

/// Where the packet sits when it is at a component (viewBox units).
pub fn anchor(c: Component) -> (f64, f64) {
    match c {
        Component::Browser => (110.0, 330.0),
        Component::Resolver => (300.0, 110.0),
        Component::RootDns => (510.0, 52.0),
        Component::TldDns => (700.0, 118.0),
        Component::AuthDns => (895.0, 52.0),
        Component::Internet => (430.0, 330.0),
        Component::Server => (655.0, 330.0),
        Component::Nginx => (850.0, 265.0),
        Component::App => (850.0, 375.0),
        Component::Database => (850.0, 485.0),
        Component::OtherHost => (430.0, 500.0),
        // Not part of the one-server drawing.
        Component::LoadBalancer => (655.0, 330.0),
        Component::Replica => (850.0, 485.0),
    }
}

/// The links drawn between components.
const LINKS: [(Component, Component, bool); 10] = [
    (Component::Browser, Component::Resolver, false),
    (Component::Resolver, Component::RootDns, false),
    (Component::Resolver, Component::TldDns, false),
    (Component::Resolver, Component::AuthDns, false),
    (Component::Browser, Component::Internet, false),
    (Component::Internet, Component::Server, false),
    (Component::Server, Component::Nginx, false),
    (Component::Nginx, Component::App, false),
    (Component::App, Component::Database, false),
    (Component::Internet, Component::OtherHost, true),
];

/// How a component looks at the cursor.
#[derive(Default, Clone, Copy)]
struct Mark {
    active: bool,
    visited: bool,
    failed: bool,
}

/// True for a step between the learner's computer and a server: it crosses the internet.
fn crosses_internet(s: &Step) -> bool {
    let far = |c: Component| {
        matches!(
            c,
            Component::Server
                | Component::Nginx
                | Component::App
                | Component::Database
                | Component::OtherHost
        )
    };
    (s.from == Component::Browser && far(s.to)) || (s.to == Component::Browser && far(s.from))
}

/// True when step `s` touches component `c` (its ends, or the internet it crosses).
fn touches(s: &Step, c: Component) -> bool {
    s.from == c || s.to == c || (c == Component::Internet && crosses_internet(s))
}

fn marks(trace: Option<&TraceRef>, cursor: usize) -> impl Fn(Component) -> Mark + '_ {
    move |c| {
        let Some(trace) = trace else {
            return Mark::default();
        };
        let upto = trace.steps.iter().take(cursor + 1);
        let mut m = Mark::default();
        for s in upto {
            if touches(s, c) {
                m.visited = true;
            }
            if s.status == Status::Fail && s.to == c {
                m.failed = true;
            }
        }
        if let Some(s) = trace.steps.get(cursor) {
            m.active = touches(s, c);
        }
        m
    }
}

fn speed_class(speed: Speed) -> &'static str {
    match speed {
        Speed::Half => "speed-half",
        Speed::One => "speed-1",
        Speed::Two => "speed-2",
        Speed::Four => "speed-4",
    }
}

/// The shape of one component, centred on its anchor.
fn shape(c: Component) -> Html {
    let (x, y) = anchor(c);
    match c {
        Component::Browser => html! {
            <>
                <rect class="shape" x={(x - 85.0).to_string()} y={(y - 60.0).to_string()} width="170" height="105" rx="8" />
                <rect class="screen" x={(x - 72.0).to_string()} y={(y - 48.0).to_string()} width="144" height="70" rx="3" />
                <path class="base" d={format!("M{} {} h190 l-12 14 h-166 z", x - 95.0, y + 48.0)} />
                <text class="caption" x={x.to_string()} y={(y + 82.0).to_string()}>{ "Your computer" }</text>
            </>
        },
        Component::Internet => html! {
            <path class="shape cloud"
                d={format!(
                    "M{a} {b} a28 28 0 0 1 30 -34 a40 40 0 0 1 72 -6 a32 32 0 0 1 44 22 a26 26 0 0 1 -6 52 h-126 a26 26 0 0 1 -14 -34 z",
                    a = x - 62.0, b = y - 4.0
                )} />
        },
        Component::Server => html! {
            <>
                <rect class="shape server-box" x="600" y="200" width="390" height="345" rx="10" />
                <text class="box-title" x="616" y="226">{ "Server 8.8.8.8" }</text>
                <rect class="nic" x={(x - 40.0).to_string()} y={(y - 24.0).to_string()} width="80" height="48" rx="6" />
                <text class="sub" x={x.to_string()} y={(y + 40.0).to_string()}>{ "port 80" }</text>
            </>
        },
        Component::Database => html! {
            <>
                <path class="shape"
                    d={format!("M{l} {t} a95 12 0 0 0 190 0 v50 a95 12 0 0 1 -190 0 z", l = x - 95.0, t = y - 25.0)} />
                <ellipse class="shape lid" cx={x.to_string()} cy={(y - 25.0).to_string()} rx="95" ry="12" />
            </>
        },
        _ => {
            let (w, h) = match c {
                Component::Nginx | Component::App => (190.0, 54.0),
                Component::OtherHost => (200.0, 56.0),
                _ => (170.0, 44.0),
            };
            html! {
                <rect class="shape" x={(x - w / 2.0).to_string()} y={(y - h / 2.0).to_string()}
                    width={w.to_string()} height={h.to_string()} rx="8" />
            }
        }
    }
}

/// Where the component's name is written.
fn label_pos(c: Component) -> (f64, f64) {
    let (x, y) = anchor(c);
    match c {
        Component::Browser => (x, y - 8.0),
        Component::Server => (x, y + 5.0),
        Component::Database => (x, y + 12.0),
        _ => (x, y + 5.0),
    }
}

fn short_label(c: Component) -> &'static str {
    match c {
        Component::Resolver => "DNS resolver",
        Component::RootDns => "Root (.)",
        Component::TldDns => "TLD com.",
        Component::AuthDns => "foobar.com NS",
        Component::Server => "NIC",
        Component::App => "App server",
        Component::OtherHost => "Someone else's server",
        other => other.label(),
    }
}

#[component]
pub fn Diagram(props: &Props) -> Html {
    let mark = marks(props.trace.as_ref(), props.cursor);
    let step = props
        .trace
        .as_ref()
        .and_then(|t| t.steps.get(props.cursor))
        .cloned();

    // The packet: drawn at `from`, then moved to `to` so the CSS transition animates it.
    let packet_ref = use_node_ref();
    let key = (
        props
            .trace
            .as_ref()
            .map(|t| std::rc::Rc::as_ptr(&t.0) as usize),
        props.cursor,
    );
    // The step whose packet has reached its destination.
    let arrived_at = use_state_eq(|| None);
    {
        let arrived_at = arrived_at.clone();
        let packet_ref = packet_ref.clone();
        use_effect_with(key, move |key| {
            // Make the browser compute the `from` position before moving on.
            if let Some(el) = packet_ref.cast::<Element>() {
                let _ = el.get_bounding_client_rect();
            }
            arrived_at.set(Some(*key));
        });
    }
    let arrived = *arrived_at == Some(key);

    let links = LINKS.iter().map(|&(a, b, faint)| {
        let (x1, y1) = anchor(a);
        let (x2, y2) = anchor(b);
        let on_path = step
            .as_ref()
            .is_some_and(|s| (s.from == a && s.to == b) || (s.from == b && s.to == a));
        let class = classes!("link", faint.then_some("faint"), on_path.then_some("on-path"));
        html! {
            <line class={class} x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
        }
    });

    let nodes = Component::ALL[..11].iter().map(|&c| {
        let m = mark(c);
        let onclick = {
            let cb = props.on_select.clone();
            Callback::from(move |_: MouseEvent| cb.emit(c))
        };
        let onkeydown = {
            let cb = props.on_select.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    cb.emit(c);
                }
            })
        };
        let mut state_words = Vec::new();
        if m.active {
            state_words.push("current step");
        } else if m.visited {
            state_words.push("visited");
        }
        if m.failed {
            state_words.push("failed");
        }
        let aria = if state_words.is_empty() {
            format!("{}. Show what it does", c.label())
        } else {
            format!("{} ({}). Show what it does", c.label(), state_words.join(", "))
        };
        let class = classes!(
            "component",
            format!("c-{}", component_id(c).to_lowercase()),
            m.active.then_some("active"),
            m.visited.then_some("visited"),
            m.failed.then_some("failed"),
            (c == Component::OtherHost).then_some("faint")
        );
        let (lx, ly) = label_pos(c);
        html! {
            <g class={class} data-component={component_id(c)} tabindex="0" role="button"
                aria-label={aria} onclick={onclick} onkeydown={onkeydown}>
                <title>{ c.label() }</title>
                { shape(c) }
                <text class="label" x={lx.to_string()} y={ly.to_string()}>{ short_label(c) }</text>
                if m.failed {
                    <text class="fail-mark" x={(lx + 70.0).to_string()} y={(ly - 16.0).to_string()} aria-hidden="true">{ "✕" }</text>
                }
            </g>
        }
    });

    let packet = step.as_ref().map(|s| {
        let (fx, fy) = anchor(s.from);
        let (tx, ty) = anchor(s.to);
        let (x, y) = if arrived { (tx, ty) } else { (fx, fy) };
        let pulse = s.from == s.to;
        let failed = s.status == Status::Fail;
        let class = classes!(
            "packet",
            pulse.then_some("pulse"),
            failed.then_some("failed")
        );
        html! {
            <g key={format!("{:?}-{}", key.0, key.1)} ref={packet_ref.clone()} class="packet-pos"
                transform={format!("translate({x} {y})")} aria-hidden="true">
                <circle class={class} r="11" />
            </g>
        }
    });

    html! {
        <figure class="diagram-wrap">
            <svg id="diagram" class={speed_class(props.speed)} viewBox="0 0 1000 600"
                role="group" aria-label="Diagram of the request's journey">
                <rect class="dns-region" x="215" y="12" width="775" height="150" rx="12" />
                <text class="region-title" x="232" y="36">{ "DNS system" }</text>
                { for links }
                { for nodes }
                { for packet }
            </svg>
            <figcaption class="legend">
                <span class="lg lg-active">{ "● current step" }</span>
                <span class="lg lg-visited">{ "◉ visited" }</span>
                <span class="lg lg-failed">{ "✕ failed" }</span>
                <span class="lg-hint">{ "Select a box to learn what it does." }</span>
            </figcaption>
        </figure>
    }
}
