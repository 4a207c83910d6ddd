//! A hand-drawn SVG line chart (no chart library): linear or log axes, an optional right axis, dashed series, markers and a text legend.
//!
//! Accessible by construction: the `<svg>` is `role="img"` labelled by its
//! `<title>` and a `<desc>` holding a text summary written by the caller, and
//! every series differs by dash pattern and label, never by colour alone.

use std::rc::Rc;

use yew::prelude::*;

/// What an axis measures: decides tick placement and tick labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Microseconds, labelled "10 ms", "1 s"; usually on a log scale.
    Us,
    /// Requests per second.
    PerSecond,
    /// A share 0..=1, labelled as a percentage.
    Share,
    /// A plain count (queue lengths).
    Count,
    /// Simulated seconds.
    Seconds,
}

/// One axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub label: AttrValue,
    pub unit: Unit,
    pub min: f64,
    pub max: f64,
    pub log: bool,
}

/// Which vertical axis a series is drawn against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// One line. A `None` value leaves a gap (e.g. an interval with no answers).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: AttrValue,
    /// CSS class: the stroke colour and dash pattern (`style/load.css`).
    pub class: &'static str,
    pub side: Side,
    pub points: Vec<(f64, Option<f64>)>,
    /// Draws a marker at every point (for sparse series such as the knee).
    pub markers: bool,
}

/// A labelled vertical reference line (e.g. the computed capacity).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub label: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The `id` of the `<svg>`.
    pub id: AttrValue,
    pub title: AttrValue,
    /// A text summary of what the chart shows (read by screen readers).
    pub summary: AttrValue,
    pub x: Axis,
    pub y: Axis,
    #[prop_or_default]
    pub y2: Option<Axis>,
    pub series: Rc<Vec<Series>>,
    #[prop_or_default]
    pub markers: Vec<Marker>,
    /// A visible sentence under the chart, e.g. what it leaves out and why.
    #[prop_or_default]
    pub note: Option<AttrValue>,
}

const W: f64 = 480.0;
const H: f64 = 250.0;
/// Room above the plot for the axis labels, which sit there horizontally
/// (rotated labels collide with tick labels once text is scaled up on phones).
const TOP: f64 = 26.0;
const BOTTOM: f64 = 40.0;
const LEFT: f64 = 62.0;

/// "1 ms", "10 ms", "1.5 s": short tick labels.
fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn tick_label(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Us if v >= 1e6 => format!("{} s", trim(v / 1e6)),
        Unit::Us if v >= 1e3 => format!("{} ms", trim(v / 1e3)),
        Unit::Us => format!("{} µs", trim(v)),
        Unit::Share => format!("{:.0}%", v * 100.0),
        Unit::PerSecond | Unit::Count if v >= 10_000.0 => format!("{}k", trim(v / 1e3)),
        Unit::PerSecond | Unit::Count => trim(v),
        Unit::Seconds => format!("{} s", trim(v)),
    }
}

/// A "nice" step (1, 2 or 5 × 10ⁿ) giving about `n` ticks over `span`.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn ticks(a: &Axis) -> Vec<f64> {
    if a.log {
        let lo = a.min.max(1e-9).log10().floor() as i32;
        let hi = a.max.max(1e-9).log10().ceil() as i32;
        (lo..=hi)
            .map(|p| 10f64.powi(p))
            .filter(|v| *v >= a.min * 0.999 && *v <= a.max * 1.001)
            .collect()
    } else {
        let step = nice_step(a.max - a.min, 4.0);
        let first = (a.min / step).ceil() * step;
        let mut v = first;
        let mut out = Vec::new();
        while v <= a.max + step * 1e-6 && out.len() < 12 {
            out.push(v);
            v += step;
        }
        out
    }
}

/// Maps a value to a fraction 0..=1 of the axis.
fn frac(a: &Axis, v: f64) -> f64 {
    let f = if a.log {
        let (lo, hi) = (a.min.max(1e-9).log10(), a.max.max(1e-9).log10());
        (v.max(1e-9).log10() - lo) / (hi - lo).max(1e-9)
    } else {
        (v - a.min) / (a.max - a.min).max(1e-12)
    };
    f.clamp(0.0, 1.0)
}

/// The `d` of a path through the points, broken where a value is missing.
fn path(points: &[(f64, Option<f64>)], px: impl Fn(f64) -> f64, py: impl Fn(f64) -> f64) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for &(x, y) in points {
        match y {
            Some(y) if y.is_finite() => {
                let cmd = if pen_down { 'L' } else { 'M' };
                d.push_str(&format!("{cmd}{:.1},{:.1}", px(x), py(y)));
                pen_down = true;
            }
            _ => pen_down = false,
        }
    }
    d
}

#[component]
pub fn LineChart(props: &Props) -> Html {
    let right = if props.y2.is_some() { 56.0 } else { 16.0 };
    let (pw, ph) = (W - LEFT - right, H - TOP - BOTTOM);
    let px = |x: f64| LEFT + frac(&props.x, x) * pw;
    let py_for = |a: &Axis, y: f64| TOP + (1.0 - frac(a, y)) * ph;
    let title_id = format!("{}-title", props.id);
    let desc_id = format!("{}-desc", props.id);

    let y_ticks = ticks(&props.y).into_iter().map(|v| {
        let y = py_for(&props.y, v);
        html! {
            <g class="tick">
                <line class="grid" x1={format!("{LEFT}")} x2={format!("{:.1}", LEFT + pw)} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                <text x={format!("{:.1}", LEFT - 6.0)} y={format!("{:.1}", y + 4.0)} text-anchor="end">{ tick_label(props.y.unit, v) }</text>
            </g>
        }
    });
    let y2_ticks = props.y2.iter().flat_map(|a| {
        ticks(a).into_iter().map(move |v| {
            let y = TOP + (1.0 - frac(a, v)) * ph;
            html! {
                <text class="tick" x={format!("{:.1}", LEFT + pw + 6.0)} y={format!("{:.1}", y + 4.0)} text-anchor="start">{ tick_label(a.unit, v) }</text>
            }
        })
    });
    let x_ticks = ticks(&props.x).into_iter().map(|v| {
        let x = px(v);
        html! {
            <g class="tick">
                <line class="tick-mark" x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={format!("{:.1}", TOP + ph)} y2={format!("{:.1}", TOP + ph + 4.0)} />
                <text x={format!("{x:.1}")} y={format!("{:.1}", TOP + ph + 17.0)} text-anchor="middle">{ tick_label(props.x.unit, v) }</text>
            </g>
        }
    });
    let lines = props.series.iter().map(|s| {
        let axis = match (s.side, &props.y2) {
            (Side::Right, Some(a)) => a,
            _ => &props.y,
        };
        let d = path(&s.points, px, |y| py_for(axis, y));
        let dots = s.markers.then(|| {
            s.points
                .iter()
                .filter_map(|&(x, y)| y.filter(|v| v.is_finite()).map(|y| (px(x), py_for(axis, y))))
                .map(|(x, y)| html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="3.5" /> })
                .collect::<Html>()
        });
        html! {
            <g class={classes!("series", s.class)} data-series={s.label.clone()}>
                <path class="line" d={d} />
                { for dots }
            </g>
        }
    });
    // A label closer than 60 units to the one before it goes a line lower,
    // so two markers near each other never print over each other.
    let mut last: Option<(f64, u32)> = None;
    let markers = props.markers.iter().map(|m| {
        let x = px(m.x);
        let line = match last {
            Some((lx, n)) if (x - lx).abs() < 60.0 => n + 1,
            _ => 0,
        };
        last = Some((x, line));
        html! {
            <g class="marker">
                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={format!("{TOP}")} y2={format!("{:.1}", TOP + ph)} />
                <text x={format!("{:.1}", x - 4.0)} y={format!("{:.1}", TOP + 12.0 + 14.0 * f64::from(line % 3))} text-anchor="end">{ m.label.clone() }</text>
            </g>
        }
    });
    let legend = props.series.iter().map(|s| {
        let side = match (s.side, &props.y2) {
            (Side::Right, Some(_)) => " (right axis)",
            _ => "",
        };
        html! {
            <li class={classes!("series", s.class)}>
                <svg class="swatch-line" viewBox="0 0 28 10" width="28" height="10" aria-hidden="true">
                    <line class="line" x1="1" x2="27" y1="5" y2="5" />
                    if s.markers {
                        <circle cx="14" cy="5" r="3.5" />
                    }
                </svg>
                { format!("{}{side}", s.label) }
            </li>
        }
    });

    html! {
        <figure class="chart">
            <svg id={props.id.clone()} class="line-chart" viewBox={format!("0 0 {W} {H}")}
                role="img" aria-labelledby={format!("{title_id} {desc_id}")}>
                <title id={title_id}>{ props.title.clone() }</title>
                <desc id={desc_id}>{ props.summary.clone() }</desc>
                <rect class="plot" x={format!("{LEFT}")} y={format!("{TOP}")} width={format!("{pw:.1}")} height={format!("{ph:.1}")} />
                { for y_ticks }
                { for y2_ticks }
                { for x_ticks }
                { for markers }
                { for lines }
                <text class="axis-label" x={format!("{:.1}", LEFT + pw / 2.0)} y={format!("{:.1}", H - 6.0)} text-anchor="middle">{ props.x.label.clone() }</text>
                <text class="axis-label" x="4" y="14" text-anchor="start">{ format!("↑ {}", props.y.label) }</text>
                if let Some(a) = &props.y2 {
                    <text class="axis-label" x={format!("{:.1}", W - 4.0)} y="14" text-anchor="end">{ format!("{} ↑", a.label) }</text>
                }
            </svg>
            <figcaption>
                <span class="chart-title" aria-hidden="true">{ props.title.clone() }</span>
                <ul class="chart-legend" aria-label="Legend">{ for legend }</ul>
                if let Some(note) = &props.note {
                    <p class="chart-note">{ note.clone() }</p>
                }
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        let a = Axis {
            label: "".into(),
            unit: Unit::PerSecond,
            min: 0.0,
            max: 1530.0,
            log: false,
        };
        assert_eq!(ticks(&a), vec![0.0, 500.0, 1000.0, 1500.0]);
        let l = Axis {
            unit: Unit::Us,
            min: 100.0,
            max: 2e6,
            log: true,
            ..a
        };
        assert_eq!(ticks(&l), vec![100.0, 1e3, 1e4, 1e5, 1e6]);
        assert_eq!(tick_label(Unit::Us, 1e4), "10 ms");
        assert_eq!(tick_label(Unit::Us, 1e6), "1 s");
        assert_eq!(tick_label(Unit::Share, 0.5), "50%");
    }

    #[test]
    fn gaps_break_the_path() {
        let d = path(
            &[
                (0.0, Some(1.0)),
                (1.0, None),
                (2.0, Some(2.0)),
                (3.0, Some(3.0)),
            ],
            |x| x,
            |y| y,
        );
        assert_eq!(d, "M0.0,1.0M2.0,2.0L3.0,3.0");
    }
}
