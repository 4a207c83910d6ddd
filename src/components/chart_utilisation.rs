//! Utilisation over time: how busy the application workers and the database are, and how many requests wait for them.

use std::rc::Rc;

use stackscope_core::load::LoadResult;
use yew::prelude::*;

use crate::components::chart_latency::interval_mid;
use crate::components::chart_line::{Axis, LineChart, Series, Side, Unit};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub result: Rc<LoadResult>,
}

#[component]
pub fn UtilisationChart(props: &Props) -> Html {
    let r = &props.result;
    let series = use_memo(r.clone(), |r| {
        let mid = interval_mid(r);
        let line = |label: &'static str, class: &'static str, side, f: &dyn Fn(&_) -> f64| Series {
            label: label.into(),
            class,
            side,
            points: r
                .intervals
                .iter()
                .map(|i| (mid(i.start_s), Some(f(i))))
                .collect(),
            markers: false,
        };
        Rc::new(vec![
            line("workers busy", "s-app", Side::Left, &|i| i.app_utilisation),
            line("database busy", "s-db", Side::Left, &|i| i.db_utilisation),
            line("waiting for a worker", "s-appq", Side::Right, &|i| {
                i.app_queue
            }),
            line("waiting for the database", "s-dbq", Side::Right, &|i| {
                i.db_queue
            }),
        ])
    });
    let queue_top = r
        .intervals
        .iter()
        .map(|i| i.app_queue.max(i.db_queue))
        .fold(0.0f64, f64::max);
    let summary = format!(
        "Share of time busy, per interval: the application workers {:.0}% and the database {:.0}% on average. At most {} requests waited for a worker and {} for the database.",
        r.app_utilisation * 100.0,
        r.db_utilisation * 100.0,
        r.max_app_queue,
        r.max_db_queue,
    );
    html! {
        <LineChart
            id="chart-utilisation"
            title="Utilisation and queues over time"
            summary={summary}
            x={Axis { label: "simulated time".into(), unit: Unit::Seconds, min: 0.0, max: r.spec.duration_s, log: false }}
            y={Axis { label: "busy".into(), unit: Unit::Share, min: 0.0, max: 1.0, log: false }}
            y2={Some(Axis { label: "requests waiting (mean)".into(), unit: Unit::Count, min: 0.0, max: (queue_top * 1.1).max(1.0), log: false })}
            series={(*series).clone()}
        />
    }
}
