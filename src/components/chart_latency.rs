//! Latency over time: p50, p95 and p99 of each interval of a load run, on a log scale.

use std::rc::Rc;

use stackscope_core::load::{fmt_us, LoadResult};
use yew::prelude::*;

use crate::components::chart_line::{Axis, LineChart, Series, Side, Unit};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub result: Rc<LoadResult>,
}

/// Middle of each interval, simulated seconds.
pub fn interval_mid(r: &LoadResult) -> impl Fn(f64) -> f64 {
    let len = r.spec.duration_s / r.intervals.len().max(1) as f64;
    move |start| start + len / 2.0
}

/// A log axis spanning whole decades around the values (in µs).
pub fn log_axis(label: &str, values: impl Iterator<Item = u64>) -> Axis {
    let (lo, hi) = values.fold((u64::MAX, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if hi == 0 {
        (100, 1_000_000)
    } else {
        (lo.max(1), hi)
    };
    Axis {
        label: AttrValue::from(label.to_string()),
        unit: Unit::Us,
        min: 10f64.powf((lo as f64).log10().floor()),
        max: 10f64.powf((hi as f64).log10().ceil()).max(10.0),
        log: true,
    }
}

#[component]
pub fn LatencyChart(props: &Props) -> Html {
    let r = &props.result;
    let series = use_memo(r.clone(), |r| {
        let mid = interval_mid(r);
        let line = |label: &'static str, class: &'static str, f: fn(&_) -> Option<u64>| Series {
            label: label.into(),
            class,
            side: Side::Left,
            points: r
                .intervals
                .iter()
                .map(|i| (mid(i.start_s), f(i).map(|v| v as f64)))
                .collect(),
            markers: false,
        };
        Rc::new(vec![
            line("p50 (median)", "s-p50", |i| i.p50_us),
            line("p95", "s-p95", |i| i.p95_us),
            line("p99", "s-p99", |i| i.p99_us),
        ])
    });
    let y = log_axis(
        "latency (log scale)",
        r.intervals
            .iter()
            .flat_map(|i| [i.p50_us, i.p95_us, i.p99_us])
            .flatten(),
    );
    let peak = r
        .intervals
        .iter()
        .filter_map(|i| i.p99_us.map(|v| (v, i.start_s)))
        .max_by_key(|(v, _)| *v);
    let first = r.intervals.iter().find_map(|i| i.p99_us);
    let summary = match (first, peak) {
        (Some(first), Some((peak, at))) => format!(
            "Server-side latency per {:.1} s interval. Overall p50 {}, p95 {}, p99 {}. p99 starts at {} and peaks at {} around {:.0} s.",
            r.spec.duration_s / r.intervals.len().max(1) as f64,
            r.p50_us.map_or("–".into(), fmt_us),
            r.p95_us.map_or("–".into(), fmt_us),
            r.p99_us.map_or("–".into(), fmt_us),
            fmt_us(first),
            fmt_us(peak),
            at
        ),
        _ => "No request was answered, so there is no latency to show.".into(),
    };
    html! {
        <LineChart
            id="chart-latency"
            title="Latency over time: p50, p95, p99"
            summary={summary}
            x={Axis { label: "simulated time".into(), unit: Unit::Seconds, min: 0.0, max: r.spec.duration_s, log: false }}
            y={y}
            series={(*series).clone()}
        />
    }
}
