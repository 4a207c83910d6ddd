//! Errors and throughput over time: offered load, answered requests, 503s and 504s per second.

use std::rc::Rc;

use stackscope_core::load::LoadResult;
use yew::prelude::*;

use crate::components::chart_latency::interval_mid;
use crate::components::chart_line::{Axis, LineChart, Series, Side, Unit};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub result: Rc<LoadResult>,
}

/// What the chart leaves out: the requests still in the system when
/// arrivals stop, answered (or timed out) after the last interval.
pub fn drain_note(r: &LoadResult) -> String {
    let d = &r.drain;
    if d.answered + d.timed_out_504 == 0 {
        return format!(
            "Arrivals stop at {} s, and nothing was left waiting then.",
            r.spec.duration_s
        );
    }
    let timed_out = if d.timed_out_504 > 0 {
        format!(", {} of them by timing out (504)", d.timed_out_504)
    } else {
        String::new()
    };
    format!(
        "Arrivals stop at {} s. The {} requests still in progress then finished by {:.1} s{timed_out}: \
         they count in the totals, not in the chart, which ends at {} s; counted in its last interval they \
         would show answers the servers did not give in that time.",
        r.spec.duration_s,
        d.answered + d.timed_out_504,
        d.until_s,
        r.spec.duration_s
    )
}

#[component]
pub fn ErrorsChart(props: &Props) -> Html {
    let r = &props.result;
    let len_s = r.spec.duration_s / r.intervals.len().max(1) as f64;
    let series = use_memo(r.clone(), move |r| {
        let mid = interval_mid(r);
        let line = |label: &'static str, class: &'static str, f: &dyn Fn(&_) -> f64| Series {
            label: label.into(),
            class,
            side: Side::Left,
            points: r
                .intervals
                .iter()
                .map(|i| (mid(i.start_s), Some(f(i))))
                .collect(),
            markers: false,
        };
        let mut lines = vec![
            line("offered (arrivals/s)", "s-offered", &|i| {
                i.arrivals as f64 / len_s
            }),
            line("answered (throughput/s)", "s-throughput", &|i| i.throughput),
            line("503 turned away by limit_conn/s", "s-503", &|i| {
                i.rejected_503 as f64 / len_s
            }),
            line("504 timed out/s", "s-504", &|i| {
                i.timed_out_504 as f64 / len_s
            }),
        ];
        if r.refused > 0 {
            lines.push(line("refused while resizing/s", "s-refused", &|i| {
                i.refused as f64 / len_s
            }));
        }
        Rc::new(lines)
    });
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .fold(0.0f64, f64::max)
        .max(1.0);
    let failed = r.failed();
    let note = drain_note(r);
    let refused = if r.refused > 0 {
        format!(
            ", {} refused while the server was stopped for a resize",
            r.refused
        )
    } else {
        String::new()
    };
    let summary = format!(
        "Requests per second in each interval while requests arrive. Mean throughput {:.0}/s against {:.0}/s offered; {} requests failed ({} with 503, {} with 504{refused}). {note}",
        r.completed.saturating_sub(r.drain.answered) as f64 / r.spec.duration_s,
        r.arrivals as f64 / r.spec.duration_s,
        failed,
        r.rejected_503,
        r.timed_out_504,
    );
    html! {
        <LineChart
            id="chart-errors"
            title="Throughput and errors over time"
            summary={summary}
            x={Axis { label: "simulated time".into(), unit: Unit::Seconds, min: 0.0, max: r.spec.duration_s, log: false }}
            y={Axis { label: "requests per second".into(), unit: Unit::PerSecond, min: 0.0, max: top * 1.05, log: false }}
            series={(*series).clone()}
            note={Some(AttrValue::from(note))}
        />
    }
}
