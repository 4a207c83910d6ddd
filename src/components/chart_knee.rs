//! The knee: p50 and p99 latency against offered load, from runs at 10 % to 150 % of the computed capacity.

use std::rc::Rc;

use stackscope_core::load::fmt_us;
use yew::prelude::*;

use crate::components::chart_latency::log_axis;
use crate::components::chart_line::{Axis, LineChart, Marker, Series, Side, Unit};
use crate::components::load_panel::KneeCurve;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub curve: Rc<KneeCurve>,
}

#[component]
pub fn KneeChart(props: &Props) -> Html {
    let k = &props.curve;
    let line = |label: &'static str, class: &'static str, f: fn(&_) -> Option<u64>| Series {
        label: label.into(),
        class,
        side: Side::Left,
        points: k
            .points
            .iter()
            .map(|p| (p.rate_per_s, f(p).map(|v| v as f64)))
            .collect(),
        markers: true,
    };
    let series = Rc::new(vec![
        line("p50 (median)", "s-p50", |p| p.p50_us),
        line("p99", "s-p99", |p| p.p99_us),
    ]);
    let y = log_axis(
        "latency (log scale)",
        k.points.iter().flat_map(|p| [p.p50_us, p.p99_us]).flatten(),
    );
    let x_max = k
        .points
        .iter()
        .map(|p| p.rate_per_s)
        .fold(k.capacity_per_s, f64::max)
        * 1.05;
    let text = |p: &stackscope_core::load::KneePoint| {
        format!(
            "{:.0}/s: p50 {}, p99 {}, {:.1}% errors",
            p.rate_per_s,
            p.p50_us.map_or("–".into(), fmt_us),
            p.p99_us.map_or("–".into(), fmt_us),
            p.error_rate * 100.0
        )
    };
    let summary = format!(
        "Latency against offered load, capacity about {:.0} requests/s. {}.",
        k.capacity_per_s,
        k.points.iter().map(text).collect::<Vec<_>>().join("; ")
    );
    html! {
        <LineChart
            id="chart-knee"
            title="Latency against offered load (the knee)"
            summary={summary}
            x={Axis { label: "offered load, requests per second".into(), unit: Unit::PerSecond, min: 0.0, max: x_max, log: false }}
            y={y}
            series={series}
            markers={vec![Marker { x: k.capacity_per_s, label: format!("capacity ≈ {:.0}/s", k.capacity_per_s).into() }]}
        />
    }
}
