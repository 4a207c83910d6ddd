//! Scaling up against scaling out: the change a run can make half-way (a resize that restarts the server, or servers that boot), and what the two designs of the same cores differ in.

use stackscope_core::load::{fmt_us, machines, mean_lb_us, Change, RouteCost, Scaling};
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
