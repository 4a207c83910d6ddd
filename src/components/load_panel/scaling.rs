//! Scaling up against scaling out: the change a run can make half-way (a resize that restarts the server, or servers that boot), and what the two designs of the same cores differ in.

use stackscope_core::load::{fmt_us, machines, mean_lb_us, Autoscale, Change, RouteCost, Scaling};
use yew::prelude::*;

/// A change of capacity at 10 s into the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleChoice {
    None,
    /// Every server restarted with 4× the cores (up to the largest machine).
    Up,
    /// Three more servers of the same size.
    Out,
}

/// When the change happens, and how long each kind takes (modelled: a
/// resize is stop, resize, boot and start the programs; a new server is a
/// boot from an image and the programs' start).
pub const AT_S: f64 = 10.0;
pub const RESIZE_S: f64 = 30.0;
pub const BOOT_S: f64 = 20.0;
pub const ADDED: u32 = 3;

impl ScaleChoice {
    pub const ALL: [ScaleChoice; 3] = [ScaleChoice::None, ScaleChoice::Up, ScaleChoice::Out];

    pub fn key(self) -> &'static str {
        match self {
            ScaleChoice::None => "none",
            ScaleChoice::Up => "up",
            ScaleChoice::Out => "out",
        }
    }

    pub fn label(self) -> String {
        match self {
            ScaleChoice::None => "No change during the run".into(),
            ScaleChoice::Up => {
                format!("Scale up at {AT_S:.0} s: 4× the cores (a {RESIZE_S:.0} s restart)")
            }
            ScaleChoice::Out => {
                format!("Scale out at {AT_S:.0} s: {ADDED} more servers (a {BOOT_S:.0} s boot)")
            }
        }
    }

    /// The core's change for a design of `servers` × `cores`.
    pub fn scaling(self, servers: u32, cores: u32) -> Option<Scaling> {
        match self {
            ScaleChoice::None => None,
            ScaleChoice::Up => Some(Scaling {
                at_s: AT_S,
                change: Change::Resize {
                    cores: (cores * 4).min(machines::LARGEST.cores),
                },
                takes_s: RESIZE_S,
            }),
            ScaleChoice::Out => Some(Scaling {
                at_s: AT_S,
                change: Change::AddServers {
                    servers: ADDED.min(64 - servers.min(64)).max(1),
                },
                takes_s: BOOT_S,
            }),
        }
    }
}

/// The autoscaling rule as the learner typed it.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoscaleForm {
    pub on: bool,
    /// Busy share, percent.
    pub threshold: String,
    pub window_s: String,
    pub max_servers: String,
}

impl Default for AutoscaleForm {
    fn default() -> Self {
        AutoscaleForm {
            on: false,
            threshold: "80".into(),
            window_s: "5".into(),
            max_servers: "8".into(),
        }
    }
}

impl AutoscaleForm {
    /// The core's rule (a field that is not a number becomes one the core
    /// refuses, with its message); none when switched off.
    pub fn rule(&self) -> Option<Autoscale> {
        let num = |t: &str| t.trim().parse::<f64>().unwrap_or(f64::NAN);
        self.on.then(|| Autoscale {
            threshold: num(&self.threshold) / 100.0,
            window_s: num(&self.window_s),
            boot_s: BOOT_S,
            max_servers: self.max_servers.trim().parse().unwrap_or(0),
        })
    }
}

/// Which field of the rule changed.
#[derive(Debug, Clone, PartialEq)]
pub enum AutoscaleEdit {
    On(bool),
    Threshold(String),
    Window(String),
    Max(String),
}

impl AutoscaleEdit {
    pub fn apply(self, f: &mut AutoscaleForm) {
        match self {
            AutoscaleEdit::On(v) => f.on = v,
            AutoscaleEdit::Threshold(v) => f.threshold = v,
            AutoscaleEdit::Window(v) => f.window_s = v,
            AutoscaleEdit::Max(v) => f.max_servers = v,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct AutoscaleProps {
    pub form: AutoscaleForm,
    pub on_edit: Callback<AutoscaleEdit>,
}

/// The rule's switch and its three numbers.
#[component]
pub fn AutoscaleFields(props: &AutoscaleProps) -> Html {
    let f = &props.form;
    let text = |id: &'static str, value: &str, make: fn(String) -> AutoscaleEdit| {
        let cb = props.on_edit.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let el: web_sys::HtmlInputElement = e.target_unchecked_into();
            cb.emit(make(el.value()));
        });
        html! {
            <input id={id} class="load-num" type="text" inputmode="decimal" value={value.to_string()}
                disabled={!f.on} {oninput} autocomplete="off" />
        }
    };
    let on_toggle = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlInputElement = e.target_unchecked_into();
            cb.emit(AutoscaleEdit::On(el.checked()));
        })
    };
    html! {
        <div class="load-field load-field-wide load-autoscale">
            <label>
                <input type="checkbox" id="load-autoscale" checked={f.on} onchange={on_toggle} />
                { " Autoscaling" }
            </label>
            <p class="load-rule">
                { "Add a server when the workers stay above " }
                <label class="visually-hidden" for="load-as-threshold">{ "busy share, percent" }</label>
                { text("load-as-threshold", &f.threshold, AutoscaleEdit::Threshold) }
                { "% busy for " }
                <label class="visually-hidden" for="load-as-window">{ "seconds" }</label>
                { text("load-as-window", &f.window_s, AutoscaleEdit::Window) }
                { format!(" s (each boots for {BOOT_S:.0} s), up to ") }
                <label class="visually-hidden" for="load-as-max">{ "servers at most" }</label>
                { text("load-as-max", &f.max_servers, AutoscaleEdit::Max) }
                { " servers." }
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The current design.
    pub servers: u32,
    pub cores: u32,
    pub costs: Vec<RouteCost>,
}

/// The rows of the comparison: what `total` cores cost and change as one
/// machine, and as machines of 2 cores behind a balancer.
pub fn rows(total: u32, costs: &[RouteCost]) -> Vec<(&'static str, String, String)> {
    let up = machines::for_cores(total).filter(|m| m.cores == total);
    // Machines of 2 cores (of 1 for fewer than 4 cores), two at least.
    let out_cores = if total >= 4 { 2 } else { 1 };
    let out_servers = (total / out_cores).max(2);
    let price = |servers: u32, cores: u32| {
        machines::monthly_usd(servers, cores).map(|usd| {
            format!(
                "${usd:.0} a month (${:.0} a core)",
                usd / f64::from(servers * cores)
            )
        })
    };
    let none = || {
        format!(
            "no machine has {total} cores (the largest has {})",
            machines::LARGEST.cores
        )
    };
    vec![
        (
            "Machines",
            up.map_or_else(none, |m| format!("1 of {} cores", m.cores)),
            format!(
                "{out_servers} of {out_cores} core{}, and a load balancer",
                if out_cores == 1 { "" } else { "s" }
            ),
        ),
        (
            "Price (modelled)",
            up.and_then(|m| price(1, m.cores)).unwrap_or_else(|| "—".into()),
            price(out_servers, out_cores).unwrap_or_default(),
        ),
        (
            "A machine fails",
            "the site stops: a single point of failure".into(),
            format!("{} of {out_servers} servers keep answering (the balancer and the database are still single)", out_servers - 1),
        ),
        (
            "Growing further",
            format!("up to {} cores, then no bigger machine", machines::LARGEST.cores),
            "add servers, until the shared database is the limit".into(),
        ),
        (
            "Changing size",
            format!("a restart: {RESIZE_S:.0} s with no connection accepted"),
            format!("new servers boot ({BOOT_S:.0} s) while the others answer"),
        ),
        (
            "Each request",
            "goes straight to the server".into(),
            format!(
                "also crosses the balancer: +{} (measured on the redundant design)",
                fmt_us(mean_lb_us(costs).round() as u64)
            ),
        ),
    ]
}

/// The same cores, scaled up or out, side by side.
#[component]
pub fn ScalingFacts(props: &Props) -> Html {
    let total = props.servers * props.cores;
    html! {
        <details id="load-scaling" class="load-config">
            <summary>{ format!("Scale up or out? {total} core{} as one machine or as several", if total == 1 { "" } else { "s" }) }</summary>
            <div class="table-scroll">
                <table id="load-scaling-table">
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            <th scope="col">{ "Up (vertical)" }</th>
                            <th scope="col">{ "Out (horizontal)" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for rows(total, &props.costs).into_iter().map(|(what, up, out)| html! {
                            <tr><th scope="row">{ what }</th><td>{ up }</td><td>{ out }</td></tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="muted">
                { "Both give the same application workers, one per core, so the same throughput until the database limits them. \
                   Prices are modelled: a core costs more on a machine past 8 cores." }
            </p>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_cores_up_or_out() {
        let costs = vec![RouteCost {
            url: "/".into(),
            weight: 1,
            is_static: false,
            nginx_us: 150.0,
            app_us: 1000.0,
            db_us: 500.0,
            queries: 2,
            lb_us: 450.0,
        }];
        let r = rows(8, &costs);
        assert_eq!(r[0].1, "1 of 8 cores");
        assert_eq!(r[0].2, "4 of 2 cores, and a load balancer");
        assert_eq!(r[1].1, "$160 a month ($20 a core)");
        assert_eq!(r[1].2, "$200 a month ($25 a core)");
        assert!(r[5].2.contains("+450 µs"));
        let big = rows(128, &costs);
        assert_eq!(big[0].1, "no machine has 128 cores (the largest has 64)");
        assert_eq!(big[1].1, "—");
        assert_eq!(
            ScaleChoice::Up.scaling(1, 32).map(|s| s.change),
            Some(Change::Resize { cores: 64 })
        );
    }
}
