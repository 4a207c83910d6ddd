//! The SVG diagram: every component, the links between them and the moving packet.

use stackscope_core::scenario::Cluster;
use stackscope_core::{Change, Component, Scenario, Status, Step, Topology};
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use crate::components::fault_controls::FaultControls;
use crate::faults;
use crate::format::component_id;
use crate::state::{Shared, Speed, TraceRef};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Option<TraceRef>,
    pub cursor: usize,
    pub speed: Speed,
    /// The running world: which design to draw and what is broken.
    pub world: Shared<Scenario>,
    /// Opens a component's explanation.
    pub on_select: Callback<Component>,
    /// A fault toggle was pressed: `(change, inject)`.
    pub on_fault: Callback<(Change, bool)>,
    /// Draw the fault toggles over the boxes (the page adds them a frame
    /// after the diagram's first paint).
    #[prop_or(true)]
    pub controls: bool,
}

/// A box on the diagram: a component, and which web server for per-server boxes.
type Node = (Component, Option<u8>);

/// True for components there is one of per web server in the redundant design.
fn per_server(c: Component) -> bool {
    matches!(c, Component::Server | Component::Nginx | Component::App)
}

/// The balancer boxes: one (`None`), or a VRRP pair, `lb-01` (`Some(0)`)
/// and `lb-02` (`Some(1)`).
fn balancers(pair: bool) -> Vec<Option<u8>> {
    if pair {
        vec![Some(0), Some(1)]
    } else {
        vec![None]
    }
}

/// True when the world's balancer is a VRRP pair.
fn has_pair(world: &Scenario) -> bool {
    matches!(&world.topology, Topology::Redundant(c) if c.pair.is_some())
}

/// The box a step's end is drawn at: a balancer of a pair is the one the
/// trace says answered (`lb-01` when nobody did), a per-server box the
/// step's web server.
fn node_of(s: &Step, end: Component, lb: Option<u8>) -> Option<u8> {
    match end {
        Component::LoadBalancer => lb,
        // Split tiers: the application machine the step is on.
        Component::App if s.app_node.is_some() => s.app_node,
        _ => s.node,
    }
}

/// True when the application runs on machines of its own (split tiers).
fn is_split(world: &Scenario) -> bool {
    matches!(&world.topology, Topology::Redundant(c) if c.split())
}

/// With split tiers, where the web server's box ends (viewBox units); the
/// application machine's box starts [`SPLIT_GAP`] after it.
const SPLIT_WEB_RIGHT: f64 = 830.0;
const SPLIT_GAP: f64 = 10.0;

/// Which balancer box a trace's balancer steps belong to.
fn lb_node(trace: Option<&TraceRef>, world: &Scenario) -> Option<u8> {
    let Topology::Redundant(c) = &world.topology else {
        return None;
    };
    let pair = c.pair.as_ref()?;
    let by_standby = trace
        .and_then(|t| t.balancer.as_deref())
        .is_some_and(|b| b == pair.hostname);
    Some(u8::from(by_standby))
}

/// The boxes drawn in each design, in drawing order.
fn nodes(redundant: bool, pair: bool) -> Vec<Node> {
    use Component::*;
    let common = [
        Browser, Resolver, RootDns, TldDns, AuthDns, Internet, OtherHost,
    ];
    let mut v: Vec<Node> = common.iter().map(|&c| (c, None)).collect();
    if redundant {
        v.extend(balancers(pair).into_iter().map(|b| (LoadBalancer, b)));
        for n in 0..2 {
            v.push((Server, Some(n)));
            v.push((Nginx, Some(n)));
            v.push((App, Some(n)));
        }
        v.push((Database, None));
        v.push((Replica, None));
    } else {
        v.extend([(Server, None), (Nginx, None), (App, None), (Database, None)]);
    }
    v
}

/// Height of the drawing (viewBox units; the width is 1000).
fn height(redundant: bool) -> f64 {
    if redundant {
        640.0
    } else {
        600.0
    }
}

/// Vertical offset of web server `n`'s box in the redundant design.
fn web_dy(node: Option<u8>) -> f64 {
    f64::from(node.unwrap_or(0)) * 155.0
}

/// Where the packet sits when it is at a component (viewBox units).
pub fn anchor(c: Component, node: Option<u8>, redundant: bool) -> (f64, f64) {
    match c {
        Component::Browser => (110.0, 330.0),
        Component::Resolver => (300.0, 110.0),
        Component::RootDns => (510.0, 52.0),
        Component::TldDns => (700.0, 118.0),
        Component::AuthDns => (895.0, 52.0),
        Component::Internet => (430.0, 330.0),
        Component::OtherHost if redundant => (430.0, 525.0),
        Component::OtherHost => (430.0, 500.0),
        Component::LoadBalancer => match node {
            None => (600.0, 330.0),
            Some(0) => (600.0, 250.0),
            Some(_) => (600.0, 440.0),
        },
        Component::Server if redundant => (835.0, 198.0 + web_dy(node)),
        Component::Nginx if redundant => (755.0, 250.0 + web_dy(node)),
        Component::App if redundant => (915.0, 250.0 + web_dy(node)),
        Component::Database if redundant => (755.0, 545.0),
        Component::Replica => (915.0, 545.0),
        Component::Server => (655.0, 330.0),
        Component::Nginx => (850.0, 265.0),
        Component::App => (850.0, 375.0),
        Component::Database => (850.0, 485.0),
    }
}

/// Where the packet waits at a box: above the box's name (for the network
/// card and a redundant web server, whose top carries text, on the left
/// edge), never on it.
fn packet_at(c: Component, node: Option<u8>, redundant: bool) -> (f64, f64) {
    match c {
        Component::Server if redundant => (680.0, 247.5 + web_dy(node)),
        Component::Server => {
            let (x, y) = anchor(c, node, redundant);
            (x - 40.0, y)
        }
        // Above the name by more than the packet's radius and the name's
        // ascent at the phone's type size.
        _ => {
            let (x, y) = label_pos((c, node), redundant);
            (x, y - 34.0)
        }
    }
}

/// How a group of fault toggles is placed relative to its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The group's right edge is at the point.
    Right,
    /// The group is centred on the point.
    Center,
}

/// Where the fault toggles of a box go (viewBox units), beside the box.
pub fn toggle_pos(c: Component, node: Option<u8>, redundant: bool) -> (f64, f64, Align) {
    let dy = web_dy(node);
    match (c, redundant) {
        (Component::AuthDns, _) => (895.0, 98.0, Align::Center),
        (Component::Server, false) => (982.0, 216.0, Align::Right),
        (Component::Nginx, false) => (745.0, 265.0, Align::Right),
        (Component::App, false) => (745.0, 375.0, Align::Right),
        (Component::Database, false) => (745.0, 485.0, Align::Right),
        (Component::LoadBalancer, _) => match node {
            None => (600.0, 392.0, Align::Center),
            // lb-01's four toggles in two rows between the two boxes;
            // lb-02's one to its left, under the internet cloud.
            Some(0) => (600.0, 345.0, Align::Center),
            Some(_) => (518.0, 440.0, Align::Right),
        },
        (Component::Server, true) => (982.0, 194.0 + dy, Align::Right),
        (Component::Nginx, true) => (755.0, 298.0 + dy, Align::Center),
        (Component::App, true) => (915.0, 298.0 + dy, Align::Center),
        (Component::Database, true) => (755.0, 604.0, Align::Center),
        (Component::Replica, true) => (915.0, 604.0, Align::Center),
        (other, r) => {
            let (x, y) = anchor(other, node, r);
            (x, y + 40.0, Align::Center)
        }
    }
}

/// The links drawn between boxes; `true` draws a faint (dashed) link.
fn links(redundant: bool, pair: bool, split: bool) -> Vec<(Node, Node, bool)> {
    use Component::*;
    let one = |c| (c, None);
    let mut v = vec![
        (one(Browser), one(Resolver), false),
        (one(Resolver), one(RootDns), false),
        (one(Resolver), one(TldDns), false),
        (one(Resolver), one(AuthDns), false),
        (one(Browser), one(Internet), false),
        (one(Internet), one(OtherHost), true),
    ];
    if redundant {
        for b in balancers(pair) {
            // The standby's links are faint: it carries traffic only after
            // taking the address over.
            let standby = b == Some(1);
            v.push((one(Internet), (LoadBalancer, b), standby));
            for n in 0..2 {
                v.push(((LoadBalancer, b), (Nginx, Some(n)), standby));
            }
        }
        if pair {
            // VRRP adverts between the two.
            v.push(((LoadBalancer, Some(0)), (LoadBalancer, Some(1)), true));
        }
        for n in 0..2 {
            let at = |c| (c, Some(n));
            if split {
                // Each web server's Nginx reaches both application machines.
                v.push((at(Nginx), (App, Some(1 - n)), true));
            }
            v.push((at(Nginx), at(App), false));
            v.push((at(App), one(Database), false));
            v.push((at(App), one(Replica), false));
        }
        v.push((one(Database), one(Replica), true));
    } else {
        v.extend([
            (one(Internet), one(Server), false),
            (one(Server), one(Nginx), false),
            (one(Nginx), one(App), false),
            (one(App), one(Database), false),
        ]);
    }
    v
}

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
                | Component::LoadBalancer
        )
    };
    (s.from == Component::Browser && far(s.to)) || (s.to == Component::Browser && far(s.from))
}

/// True when end `end` of step `s` is box `(c, node)`; `lb` is the
/// balancer box of a pair that the trace went through.
fn is_end(s: &Step, end: Component, (c, node): Node, lb: Option<u8>) -> bool {
    if c == Component::LoadBalancer {
        return end == c && node == lb;
    }
    if node.is_none() || !per_server(c) {
        return end == c;
    }
    // A per-server box: the step must happen on that server (at the
    // application, with split tiers, on that application machine).
    let on = if end == Component::App && s.app_node.is_some() {
        s.app_node
    } else {
        s.node
    };
    // A web server's box covers its Nginx, and its application unless the
    // application has a machine of its own.
    let inside = per_server(end) && !(end == Component::App && s.app_node.is_some());
    on.unwrap_or(0) == node.unwrap_or(0) && (end == c || (c == Component::Server && inside))
}

/// True when step `s` touches box `n` (its ends, or the internet it crosses).
fn touches(s: &Step, n: Node, lb: Option<u8>) -> bool {
    is_end(s, s.from, n, lb)
        || is_end(s, s.to, n, lb)
        || (n.0 == Component::Internet && crosses_internet(s))
}

fn marks(trace: Option<&TraceRef>, cursor: usize, lb: Option<u8>) -> impl Fn(Node) -> Mark + '_ {
    move |n| {
        let Some(trace) = trace else {
            return Mark::default();
        };
        let upto = trace.steps.iter().take(cursor + 1);
        let mut m = Mark::default();
        for s in upto {
            if touches(s, n, lb) {
                m.visited = true;
            }
            if s.status == Status::Fail && is_end(s, s.to, n, lb) {
                m.failed = true;
            }
        }
        if let Some(s) = trace.steps.get(cursor) {
            m.active = touches(s, n, lb);
        }
        m
    }
}

/// How long the packet takes from one box to the next, ms (a little less
/// than a step at that speed, so it rests before the next one).
fn packet_ms(speed: Speed) -> f64 {
    match speed {
        Speed::Half => 1200.0,
        Speed::One => 600.0,
        Speed::Two => 320.0,
        Speed::Four => 170.0,
    }
}

/// Moves the packet from `from` to `to` (viewBox units) in `ms`, unless the
/// learner asked for reduced motion (then it is simply where it arrives).
fn fly(el: &Element, from: (f64, f64), to: (f64, f64), ms: f64) {
    let reduced = web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches());
    if reduced {
        return;
    }
    let frame = |(x, y): (f64, f64)| {
        let f = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &f,
            &"transform".into(),
            &format!("translate({x}px, {y}px)").into(),
        );
        f
    };
    let frames = js_sys::Array::of2(&frame(from), &frame(to));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"duration".into(), &ms.into());
    let _ = js_sys::Reflect::set(&options, &"easing".into(), &"ease-in-out".into());
    // `Element.animate` (web-sys has it only behind its unstable APIs).
    if let Ok(animate) = js_sys::Reflect::get(el, &"animate".into()) {
        if let Some(animate) = animate.dyn_ref::<js_sys::Function>() {
            let _ = animate.call2(el, &frames, &options);
        }
    }
}

/// A database cylinder `w` wide centred on `(x, y)`.
fn cylinder(x: f64, y: f64, w: f64) -> Html {
    let r = w / 2.0;
    html! {
        <>
            <path class="shape"
                d={format!("M{l} {t} a{r} 12 0 0 0 {w} 0 v50 a{r} 12 0 0 1 -{w} 0 z", l = x - r, t = y - 25.0)} />
            <ellipse class="shape lid" cx={x.to_string()} cy={(y - 25.0).to_string()} rx={r.to_string()} ry="12" />
        </>
    }
}

fn rect(x: f64, y: f64, w: f64, h: f64, class: &'static str) -> Html {
    html! {
        <rect class={class} x={(x - w / 2.0).to_string()} y={(y - h / 2.0).to_string()}
            width={w.to_string()} height={h.to_string()} rx="8" />
    }
}

/// The shape of one box, centred on its anchor.
fn shape((c, node): Node, world: &Scenario) -> Html {
    let redundant = matches!(world.topology, Topology::Redundant(_));
    let (x, y) = anchor(c, node, redundant);
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
        Component::Server if redundant => {
            // A standby (active-passive): its box dashed, and "standby"
            // where the address was.
            let (host, ip, standby) = match &world.topology {
                Topology::Redundant(cl) => cl
                    .web
                    .get(usize::from(node.unwrap_or(0)))
                    .map(|w| {
                        let ip = if w.backup {
                            "standby".to_string()
                        } else {
                            w.ip.to_string()
                        };
                        (w.hostname.clone(), ip, w.backup)
                    })
                    .unwrap_or_default(),
                Topology::Single => Default::default(),
            };
            let box_class = classes!("shape", "server-box", standby.then_some("standby"));
            let standby_title = standby.then(|| html! { <title>{ format!("{host} · standby: sent requests only while no other web server is up") }</title> });
            let top = 175.0 + web_dy(node);
            if let Topology::Redundant(cl) = &world.topology {
                if let Some(a) = cl.app_tier.get(usize::from(node.unwrap_or(0))) {
                    // Two machines: web-0n (Nginx) and app-0n (the application).
                    let app_x = SPLIT_WEB_RIGHT + SPLIT_GAP;
                    return html! {
                        <>
                            <rect class={box_class} x="680" y={top.to_string()} width={(SPLIT_WEB_RIGHT - 680.0).to_string()} height="145" rx="10">{ standby_title }</rect>
                            <text class="box-title" x="694" y={(top + 24.0).to_string()}>{ host }</text>
                            <rect class="shape server-box app-box" x={app_x.to_string()} y={top.to_string()} width={(990.0 - app_x).to_string()} height="145" rx="10" />
                            <text class="box-title" x={(app_x + 14.0).to_string()} y={(top + 24.0).to_string()}>{ a.hostname.clone() }</text>
                        </>
                    };
                }
            }
            html! {
                <>
                    <rect class={box_class} x="680" y={top.to_string()} width="310" height="145" rx="10">{ standby_title }</rect>
                    <text class="box-title" x="694" y={(top + 24.0).to_string()}>{ host }</text>
                    <text class="sub start" x="786" y={(top + 24.0).to_string()}>{ ip }</text>
                </>
            }
        }
        Component::Server => html! {
            <>
                <rect class="shape server-box" x="600" y="200" width="390" height="345" rx="10" />
                <text class="box-title" x="616" y="226">{ "Server 8.8.8.8" }</text>
                <rect class="nic" x={(x - 40.0).to_string()} y={(y - 24.0).to_string()} width="80" height="48" rx="6" />
                <text class="sub" x={x.to_string()} y={(y - 32.0).to_string()}>{ "port 80" }</text>
            </>
        },
        Component::LoadBalancer if node.is_some() => {
            let (host, prio) = match &world.topology {
                Topology::Redundant(Cluster {
                    lb, pair: Some(p), ..
                }) => match node {
                    Some(0) => (lb.hostname.clone(), p.priority_active),
                    _ => (p.hostname.clone(), p.priority_standby),
                },
                _ => Default::default(),
            };
            html! {
                <>
                    { rect(x, y, 160.0, 62.0, "shape") }
                    <text class="sub" x={x.to_string()} y={(y + 21.0).to_string()}>
                        { format!("{host} · VRRP {prio}") }
                    </text>
                </>
            }
        }
        Component::LoadBalancer => html! {
            <>
                { rect(x, y, 160.0, 70.0, "shape") }
                <text class="sub" x={x.to_string()} y={(y + 24.0).to_string()}>
                    { match &world.topology {
                        Topology::Redundant(c) if c.lb.https.is_some() => "8.8.8.8:80, :443",
                        _ => "8.8.8.8:80",
                    } }
                </text>
            </>
        },
        Component::Database | Component::Replica if redundant => html! {
            <>
                { cylinder(x, y, 140.0) }
                <text class="sub" x={x.to_string()} y={(y + 26.0).to_string()}>
                    { if c == Component::Database { "primary" } else { "replica" } }
                </text>
            </>
        },
        Component::Replica => cylinder(x, y, 140.0),
        Component::Database => cylinder(x, y, 190.0),
        Component::Nginx | Component::App if redundant => rect(x, y, 130.0, 46.0, "shape"),
        Component::Nginx | Component::App => rect(x, y, 190.0, 54.0, "shape"),
        Component::OtherHost => rect(x, y, 250.0, 56.0, "shape"),
        _ => rect(x, y, 170.0, 44.0, "shape"),
    }
}

/// Where the box's name is written.
fn label_pos((c, node): Node, redundant: bool) -> (f64, f64) {
    let (x, y) = anchor(c, node, redundant);
    match c {
        Component::Browser => (x, y - 8.0),
        Component::LoadBalancer => (x, y - 2.0),
        Component::Database | Component::Replica if redundant => (x, y + 4.0),
        Component::Database | Component::Replica => (x, y + 12.0),
        _ => (x, y + 5.0),
    }
}

fn short_label(c: Component, redundant: bool) -> &'static str {
    match c {
        Component::Resolver => "DNS resolver",
        Component::RootDns => "Root (.)",
        Component::TldDns => "TLD com.",
        Component::AuthDns => "foobar.com NS",
        Component::Server if redundant => "",
        Component::Server => "NIC",
        Component::App => "App server",
        Component::OtherHost => "Someone else's server",
        Component::LoadBalancer => "Load balancer",
        Component::Database if redundant => "db-01",
        Component::Replica => "db-02",
        other => other.label(),
    }
}

/// The box's name for screen readers ("Nginx on web-02").
fn long_label((c, node): Node, world: &Scenario) -> String {
    if let (Component::LoadBalancer, Topology::Redundant(cl), Some(n)) = (c, &world.topology, node)
    {
        return match (&cl.pair, n) {
            (Some(p), 1) => format!(
                "Standby load balancer {} (VRRP priority {})",
                p.hostname, p.priority_standby
            ),
            (Some(p), _) => format!(
                "Load balancer {} (VRRP priority {}), sharing {}",
                cl.lb.hostname, p.priority_active, cl.lb.ip
            ),
            (None, _) => c.label().to_string(),
        };
    }
    match (&world.topology, node) {
        (Topology::Redundant(cl), Some(n)) if c == Component::App && cl.split() => {
            let host = cl
                .app_tier
                .get(usize::from(n))
                .map(|a| a.hostname.as_str())
                .unwrap_or("?");
            format!("Application server on its own machine, {host}")
        }
        (Topology::Redundant(cl), Some(n)) => {
            let host = cl
                .web
                .get(usize::from(n))
                .map(|w| w.hostname.as_str())
                .unwrap_or("?");
            match c {
                Component::Server => format!("Web server {host}"),
                other => format!("{} on {host}", other.label()),
            }
        }
        (Topology::Redundant(_), None) => match c {
            Component::Database => "Primary database".to_string(),
            other => other.label().to_string(),
        },
        _ => c.label().to_string(),
    }
}

/// What is broken about a box right now ("stopped", "powered off"), from the world.
fn down_word((c, node): Node, world: &Scenario) -> Option<&'static str> {
    use stackscope_core::scenario::ProcessState::{self, *};
    fn word(p: ProcessState) -> Option<&'static str> {
        match p {
            Running => None,
            Stopped => Some("STOPPED"),
            Restarting => Some("RESTARTING"),
            Hung => Some("HUNG"),
        }
    }
    let off = |on: bool| (!on).then_some("POWERED OFF");
    match (&world.topology, c) {
        (_, Component::AuthDns) => {
            if faults::in_effect(Change::DnsRecordMissing, world) {
                Some("RECORDS DELETED")
            } else if faults::in_effect(Change::DnsWrongIp, world) {
                Some("WRONG IP")
            } else {
                None
            }
        }
        (Topology::Single, Component::Server) if world.server.disk_failed => Some("DISK FAILED"),
        (Topology::Single, Component::Server) => off(world.server.powered_on),
        (Topology::Single, Component::Nginx) => word(world.server.nginx),
        (Topology::Single, Component::App) => word(world.server.app),
        (Topology::Single, Component::Database) => word(world.server.database),
        (Topology::Redundant(cl), _) => {
            let w = cl.web.get(usize::from(node.unwrap_or(0)));
            match c {
                Component::LoadBalancer if node == Some(1) => {
                    cl.pair.as_ref().and_then(|p| off(p.powered_on))
                }
                Component::LoadBalancer => off(cl.lb.powered_on),
                Component::Server => w.and_then(|w| off(w.powered_on)),
                Component::Nginx => w.and_then(|w| word(w.nginx)),
                Component::App if cl.split() => {
                    let a = cl.app_tier.get(usize::from(node.unwrap_or(0)));
                    a.and_then(|a| off(a.powered_on).or_else(|| word(a.app)))
                }
                Component::App => w.and_then(|w| word(w.app)),
                Component::Database => word(cl.db_primary.state),
                Component::Replica => word(cl.db_replica.state),
                _ => None,
            }
        }
        _ => None,
    }
}

#[component]
pub fn Diagram(props: &Props) -> Html {
    let lb = lb_node(props.trace.as_ref(), &props.world);
    let pair = has_pair(&props.world);
    let mark = marks(props.trace.as_ref(), props.cursor, lb);
    let step = props
        .trace
        .as_ref()
        .and_then(|t| t.steps.get(props.cursor))
        .cloned();

    // The packet is drawn where it arrives; the Web Animations API moves it
    // there from where it left, on the compositor: nothing is laid out in
    // the middle of a render and nothing is drawn twice.
    let packet_ref = use_node_ref();
    let key = (
        props
            .trace
            .as_ref()
            .map(|t| std::rc::Rc::as_ptr(&t.0) as usize),
        props.cursor,
    );
    let redundant = matches!(props.world.topology, Topology::Redundant(_));
    let flight = step.as_ref().and_then(|s| {
        (s.from != s.to).then(|| {
            (
                packet_at(s.from, node_of(s, s.from, lb), redundant),
                packet_at(s.to, node_of(s, s.to, lb), redundant),
            )
        })
    });
    {
        let packet_ref = packet_ref.clone();
        let ms = packet_ms(props.speed);
        use_effect_with(key, move |_| {
            if let (Some(el), Some((from, to))) = (packet_ref.cast::<Element>(), flight) {
                fly(&el, from, to, ms);
            }
        });
    }

    let world = &*props.world;
    let on_link = |s: &Step, a: Node, b: Node| is_end(s, s.from, a, lb) && is_end(s, s.to, b, lb);
    let split = is_split(world);
    let links = links(redundant, pair, split).into_iter().map(|(a, b, faint)| {
        let (x1, y1) = anchor(a.0, a.1, redundant);
        let (x2, y2) = anchor(b.0, b.1, redundant);
        let on_path = step
            .as_ref()
            .is_some_and(|s| s.from != s.to && (on_link(s, a, b) || on_link(s, b, a)));
        let class = classes!("link", faint.then_some("faint"), on_path.then_some("on-path"));
        html! {
            <line class={class} x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
        }
    });

    let boxes = nodes(redundant, pair).into_iter().map(|n| {
        let (c, node) = n;
        let m = mark(n);
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
        let down = down_word(n, world);
        let mut state_words = Vec::new();
        if m.active {
            state_words.push("current step");
        } else if m.visited {
            state_words.push("visited");
        }
        if m.failed {
            state_words.push("failed");
        }
        if let Some(d) = down {
            state_words.push(d);
        }
        let name = long_label(n, world);
        let aria = if state_words.is_empty() {
            format!("{name}. Show what it does")
        } else {
            format!("{name} ({}). Show what it does", state_words.join(", ").to_ascii_lowercase())
        };
        let class = classes!(
            "component",
            format!("c-{}", component_id(c).to_ascii_lowercase()),
            m.active.then_some("active"),
            m.visited.then_some("visited"),
            m.failed.then_some("failed"),
            down.is_some().then_some("down"),
            (c == Component::OtherHost).then_some("faint")
        );
        let (lx, ly) = label_pos(n, redundant);
        let label = short_label(c, redundant);
        // Where the "STOPPED" word goes: under the label, or under the web server's name.
        let (dx, dy) = match c {
            // Split tiers: between the machine's name and the box.
            Component::App if split => (lx, 175.0 + web_dy(node) + 42.0),
            Component::Server if redundant => (694.0, 175.0 + web_dy(node) + 46.0),
            // On the title's line, clear of the fault buttons under it.
            Component::Server => (780.0, 226.0),
            Component::Browser => (lx, ly + 40.0),
            Component::Database | Component::Replica if redundant => (lx, ly - 48.0),
            Component::Database | Component::Replica => (lx, ly + 46.0),
            Component::LoadBalancer if node == Some(0) => (lx, ly - 38.0),
            Component::LoadBalancer if node.is_some() => (lx, ly + 50.0),
            Component::LoadBalancer => (lx, ly + 58.0),
            _ => (lx, ly + 18.0),
        };
        // The ✕ by the box's name; a split web server's inside its own box.
        let fail_x = if split && c == Component::Server {
            SPLIT_WEB_RIGHT - 18.0
        } else {
            lx + 70.0
        };
        html! {
            <g class={class} data-component={component_id(c)}
                data-node={node.map(|n| n.to_string())}
                tabindex="0" role="button"
                aria-label={aria} onclick={onclick} onkeydown={onkeydown}>
                <title>{ name.clone() }</title>
                { shape(n, world) }
                if !label.is_empty() {
                    <text class={classes!("label", (label.len() > 9).then_some("long"))}
                        x={lx.to_string()} y={ly.to_string()}>{ label }</text>
                }
                if let Some(d) = down {
                    <text class={classes!("down-word", (c == Component::Server).then_some("start"))}
                        x={dx.to_string()} y={dy.to_string()}>{ d }</text>
                }
                if m.failed {
                    <text class="fail-mark" x={fail_x.to_string()} y={(ly - 16.0).to_string()} aria-hidden="true">{ "✕" }</text>
                }
            </g>
        }
    });

    let packet = step.as_ref().map(|s| {
        let (x, y) = packet_at(s.to, node_of(s, s.to, lb), redundant);
        let pulse = s.from == s.to;
        let failed = s.status == Status::Fail;
        let class = classes!(
            "packet",
            pulse.then_some("pulse"),
            failed.then_some("failed")
        );
        html! {
            <g key={format!("{:?}-{}", key.0, key.1)} ref={packet_ref.clone()}
                transform={format!("translate({x} {y})")} aria-hidden="true">
                <circle class={class} r="11" />
            </g>
        }
    });

    let h = height(redundant);
    html! {
        <figure class="diagram-wrap">
            <div class="diagram-canvas">
                <svg id="diagram" class={classes!(redundant.then_some("redundant"))}
                    viewBox={format!("0 0 1000 {h}")} data-topology={if redundant { "redundant" } else { "single" }}
                    role="group" aria-label={if redundant {
                        "Diagram of the request's journey: the redundant design"
                    } else {
                        "Diagram of the request's journey: one server"
                    }}>
                    <rect class="dns-region" x="215" y="12" width="775" height="150" rx="12" />
                    <text class="region-title" x="232" y="36">{ "DNS system" }</text>
                    { for links }
                    { for boxes }
                    { for packet }
                </svg>
                if props.controls {
                    <FaultControls world={props.world.clone()} height={h} on_fault={props.on_fault.clone()} />
                }
            </div>
            <figcaption class="legend">
                <span class="lg lg-active">{ "● current step" }</span>
                <span class="lg lg-visited">{ "◉ visited" }</span>
                <span class="lg lg-failed">{ "✕ failed" }</span>
                <span class="lg-hint">{ "Select a box to learn what it does." }</span>
            </figcaption>
        </figure>
    }
}
