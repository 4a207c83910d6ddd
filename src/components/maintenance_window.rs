//! When to deploy: a day of traffic with the two deploys laid over it, counting the requests and the visitors each would fail at the hour the learner picks.

use stackscope_core::day::{self, DaySpec, Exposure};
use stackscope_core::stream::StreamResult;
use yew::prelude::*;

use crate::format::{plural, thousands};
use crate::maintenance::{self, DayRuns, WindowLink};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The two deploys, once the server has run them.
    pub runs: Option<Shared<Result<DayRuns, String>>>,
    pub running: bool,
    pub on_run: Callback<()>,
    /// The settings of a `#window=…` link the page was opened with.
    #[prop_or_default]
    pub link: Option<WindowLink>,
    /// Told each counted day: the one-server deploy's failed requests at
    /// the chosen time and at the peak (the lessons' checklist listens).
    #[prop_or_default]
    pub on_count: Callback<(u64, u64)>,
}

/// The form's text, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub at: String,
    pub peak: String,
    pub peak_at: String,
    pub trough: String,
    pub trough_at: String,
}

impl Default for Form {
    fn default() -> Self {
        let d = DaySpec::default();
        Form {
            at: "03:00".into(),
            peak: num(d.peak_per_s),
            peak_at: day::clock(d.peak_at_h * 3600.0),
            trough: num(d.trough_per_s),
            trough_at: day::clock(d.trough_at_h * 3600.0),
        }
    }
}

impl Form {
    fn from_link(l: &WindowLink) -> Form {
        let d = Form::default();
        Form {
            at: l.at.clone(),
            peak: l.peak.clone().unwrap_or(d.peak),
            peak_at: l.peak_at.clone().unwrap_or(d.peak_at),
            trough: l.trough.clone().unwrap_or(d.trough),
            trough_at: l.trough_at.clone().unwrap_or(d.trough_at),
        }
    }

    /// The day and the deploy's time, or what is wrong, in the learner's words.
    pub fn read(&self) -> Result<(DaySpec, f64), String> {
        let rate = |t: &str, what: &str| -> Result<f64, String> {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("the {what} is a number of requests per second, like 40"))
        };
        let hour = |t: &str| day::parse_clock(t).map(|s| s / 3600.0);
        let spec = DaySpec {
            peak_per_s: rate(&self.peak, "peak")?,
            trough_per_s: rate(&self.trough, "trough")?,
            peak_at_h: hour(&self.peak_at).map_err(|e| format!("the peak's time: {e}"))?,
            trough_at_h: hour(&self.trough_at).map_err(|e| format!("the trough's time: {e}"))?,
            ..DaySpec::default()
        };
        spec.validate().map_err(|e| e.to_string())?;
        let at = day::parse_clock(&self.at).map_err(|e| format!("the deploy's time: {e}"))?;
        Ok((spec, at))
    }
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// Everything the panel shows, computed from the form and the two streams.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub spec: DaySpec,
    pub at_s: f64,
    /// Expected requests per hour.
    pub hours: [f64; 24],
    /// Failed requests to expect from the one-server deploy started on each hour.
    pub single_by_hour: Vec<f64>,
    /// At the chosen time and at the peak: (one server, rolling).
    pub chosen: (Exposure, Exposure),
    pub at_peak: (Exposure, Exposure),
    /// The stream's outage (the downtime panel's), µs.
    pub outage_us: u64,
}

pub fn compute(form: &Form, runs: &DayRuns) -> Result<View, String> {
    let (spec, at_s) = form.read()?;
    let single_us = maintenance::deploy_us(maintenance::DEPLOYS[0]);
    let rolling_us = maintenance::deploy_us(maintenance::DEPLOYS[1]);
    let both = |t: f64| -> Result<(Exposure, Exposure), String> {
        let e = |s: &StreamResult, d: u64| day::exposure(&spec, s, d, t).map_err(|e| e.to_string());
        Ok((e(&runs.single, single_us)?, e(&runs.rolling, rolling_us)?))
    };
    let single_by_hour = (0..24)
        .map(|h| {
            day::expected(&spec, &runs.single, single_us, f64::from(h) * 3600.0)
                .map(|(n, _)| n)
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The peak's own minute, on the clock the learner typed it on.
    let peak_s = (spec.peak_at_h * 3600.0).round();
    Ok(View {
        hours: spec.requests_per_hour(),
        chosen: both(at_s)?,
        at_peak: both(peak_s)?,
        single_by_hour,
        outage_us: runs.single.outage_us,
        spec,
        at_s,
    })
}

/// The finding, in sentences computed from the view.
pub fn sentences(v: &View) -> Vec<String> {
    let (one, roll) = &v.chosen;
    let (p_one, p_roll) = &v.at_peak;
    let at = day::clock(v.at_s);
    let peak = day::clock(v.spec.peak_at_h * 3600.0);
    let mut out = vec![format!(
        "Deploying on the one server at {at}, when about {:.1} requests arrive each second: {} of {} fail during the {:.1} s outage.",
        one.rate_per_s,
        plural(one.failed, "request", "requests"),
        plural(one.visitors_failed, "visitor", "visitors"),
        v.outage_us as f64 / 1e6,
    )];
    if at != peak {
        let ratio = if one.failed > 0 {
            format!(", {:.0}× as many", p_one.failed as f64 / one.failed as f64)
        } else {
            String::new()
        };
        out.push(format!(
            "The same deploy at {peak}, the peak ({:.0} requests/s): {} of {}{ratio}.",
            p_one.rate_per_s,
            plural(p_one.failed, "request", "requests"),
            plural(p_one.visitors_failed, "visitor", "visitors"),
        ));
    }
    if let Some((h, n)) = v
        .single_by_hour
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
    {
        out.push(format!(
            "Of the 24 hours on the hour, {} costs least: about {n:.0} failed requests on an average day.",
            day::clock(h as f64 * 3600.0),
        ));
    }
    let roll_failed = roll.failed + p_roll.failed;
    out.push(if roll_failed == 0 {
        format!(
            "The rolling deploy of the redundant design fails none at {at} and none at {peak}: one server at a time leaves rotation, so the hour does not matter."
        )
    } else {
        format!(
            "The rolling deploy fails {} at {at} and {} at {peak}.",
            roll.failed, p_roll.failed
        )
    });
    out
}

fn chart(v: &View, on_pick: Option<Callback<u32>>) -> Html {
    const L: f64 = 80.0;
    const W: f64 = 910.0;
    const TOP: f64 = 16.0;
    const H: f64 = 130.0;
    let max = v.hours.iter().cloned().fold(1.0, f64::max);
    let col = W / 24.0;
    let chosen_h = (v.at_s / 3600.0).floor() as usize;
    let bars = v.hours.iter().enumerate().map(|(h, n)| {
        let bh = n / max * H;
        let x = L + h as f64 * col;
        let failed = v.single_by_hour.get(h).copied().unwrap_or(0.0);
        let tip = format!(
            "{}–{}: about {:.0} requests; a one-server deploy at {} fails about {failed:.0}",
            day::clock(h as f64 * 3600.0),
            day::clock((h as f64 + 1.0) * 3600.0),
            n,
            day::clock(h as f64 * 3600.0),
        );
        let onclick = on_pick
            .clone()
            .map(|cb| Callback::from(move |_: MouseEvent| cb.emit(h as u32)));
        html! {
            <rect class={classes!("day-bar", (h == chosen_h).then_some("chosen"))} {onclick}
                x={format!("{:.1}", x + 2.0)} y={format!("{:.1}", TOP + H - bh)}
                width={format!("{:.1}", col - 4.0)} height={format!("{bh:.1}")}>
                <title>{ tip }</title>
            </rect>
        }
    });
    let ticks = (0..=8).map(|i| {
        let h = i * 3;
        let x = L + f64::from(h) * col;
        // The day's end is anchored at its right so it stays in the drawing.
        let anchor = match h {
            0 => "start",
            24 => "end",
            _ => "middle",
        };
        html! {
            <text class={classes!("day-tick", (h % 6 != 0).then_some("minor"))} text-anchor={anchor}
                x={format!("{x:.1}")} y={(TOP + H + 18.0).to_string()}>
                { if h == 24 { "24:00".to_string() } else { day::clock(f64::from(h) * 3600.0) } }
            </text>
        }
    });
    let mark = L + v.at_s / 3600.0 * col;
    html! {
        <svg id="day-chart" class="day-chart" viewBox="0 0 1000 172" role="img"
            aria-label={format!("Requests per hour over the day, from about {:.0} to {:.0}; the deploy at {}",
                v.hours.iter().cloned().fold(f64::MAX, f64::min), max, day::clock(v.at_s))}>
            <text class="day-axis" x="4" y={(TOP + 10.0).to_string()}>{ format!("{:.0}k", max / 1000.0) }</text>
            <text class="day-axis unit" x="4" y={(TOP + 34.0).to_string()}>{ "an hour" }</text>
            <text class="day-axis" x="4" y={(TOP + H).to_string()}>{ "0" }</text>
            { for bars }
            <line class="day-mark" x1={format!("{mark:.1}")} x2={format!("{mark:.1}")}
                y1={(TOP - 6.0).to_string()} y2={(TOP + H + 4.0).to_string()} />
            <text class="day-mark-label" x={format!("{:.1}", mark + 4.0)} y={(TOP + 4.0).to_string()}>
                { format!("deploy {}", day::clock(v.at_s)) }
            </text>
            { for ticks }
        </svg>
    }
}

fn table(v: &View) -> Html {
    let at = day::clock(v.at_s);
    let peak = day::clock(v.spec.peak_at_h * 3600.0);
    let row = |design: &str, e: &Exposure, p: &Exposure| {
        html! {
            <tr>
                <th scope="row">{ design }</th>
                <td>{ format!("{} ({} visitors)", thousands(e.failed), thousands(e.visitors_failed)) }</td>
                <td>{ format!("{} ({} visitors)", thousands(p.failed), thousands(p.visitors_failed)) }</td>
            </tr>
        }
    };
    html! {
        <table id="day-table" class="day-table">
            <caption>{ "Requests that fail, and the visitors who sent them" }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Deploy" }</th>
                    <th scope="col">{ format!("at {at}") }</th>
                    <th scope="col">{ format!("at {peak} (peak)") }</th>
                </tr>
            </thead>
            <tbody>
                { row("One server", &v.chosen.0, &v.at_peak.0) }
                { row("Rolling, redundant design", &v.chosen.1, &v.at_peak.1) }
            </tbody>
        </table>
    }
}

/// How long typing must pause before the day is counted again, ms.
const SETTLE_MS: u32 = 150;

/// What the panel models, from the model's own settings.
fn about() -> String {
    let d = DaySpec::default();
    format!(
        "Visitors arrive at the day's rate (seeded) and each asks for {} pages, about {:.0} s apart. \
         A deploy is the one from the panel above, laid over the day at the time you pick (or click an hour): \
         a request fails when the stream's request at the same moment after the deploy began failed. \
         The daily shape is modelled, the same every day.",
        d.pages_per_visit, d.pause_s
    )
}

#[component]
pub fn MaintenanceWindow(props: &Props) -> Html {
    let form = {
        let link = props.link.clone();
        use_state(move || link.as_ref().map(Form::from_link).unwrap_or_default())
    };
    // What is counted: the form once typing has paused for `SETTLE_MS`
    // (at once for a click on an hour), so a keystroke only draws its text.
    let counted = {
        let first = (*form).clone();
        use_state(move || first)
    };
    {
        let counted = counted.clone();
        use_effect_with((*form).clone(), move |f| {
            let f = f.clone();
            let timer = (*counted != f)
                .then(|| gloo::timers::callback::Timeout::new(SETTLE_MS, move || counted.set(f)));
            move || drop(timer)
        });
    }
    // A link opens the window with its streams run.
    {
        let on_run = props.on_run.clone();
        let wanted = props.link.is_some() && props.runs.is_none() && !props.running;
        use_effect_with((), move |_| {
            if wanted {
                on_run.emit(());
            }
        });
    }
    crate::components::day_field::use_into_view_when_linked("day-panel", props.link.is_some());
    let field =
        |id: &'static str, label: &'static str, value: String, set: fn(&mut Form, String)| {
            crate::components::day_field::form_field(&form, id, label, value, set)
        };
    let on_pick = {
        let form = form.clone();
        let counted = counted.clone();
        Callback::from(move |h: u32| {
            let mut next = (*form).clone();
            next.at = format!("{h:02}:00");
            counted.set(next.clone());
            form.set(next);
        })
    };
    let runs = props.runs.as_deref();
    // Counted once per settled form and server answer, not on every render
    // of the page (playback redraws it many times a second).
    let view = use_memo(
        (
            (*counted).clone(),
            props
                .runs
                .as_ref()
                .map(|r| std::rc::Rc::as_ptr(&r.0) as usize),
        ),
        {
            let runs = props.runs.clone();
            move |(f, _)| {
                runs.as_deref()
                    .map(|r| r.as_ref().map_err(Clone::clone).and_then(|r| compute(f, r)))
            }
        },
    );
    let view = &*view;
    let last_good = use_mut_ref(|| None::<View>);
    {
        let counted = match view {
            Some(Ok(v)) => Some((v.chosen.0.failed, v.at_peak.0.failed)),
            _ => None,
        };
        let on_count = props.on_count.clone();
        use_effect_with(counted, move |c| {
            if let Some(c) = c {
                on_count.emit(*c);
            }
        });
    }
    let body = match view {
        None => html! {
            <p class="hint">{ "The two deploys of the panel above run once on the simulated server; every hour is then counted here, in your browser." }</p>
        },
        Some(Ok(v)) => {
            *last_good.borrow_mut() = Some(v.clone());
            html! {
                <>
                    { chart(v, Some(on_pick.clone())) }
                    { table(v) }
                    <ul id="day-note" class="day-note">
                        { for sentences(v).into_iter().map(|s| html! { <li>{ s }</li> }) }
                    </ul>
                </>
            }
        }
        Some(Err(e)) => html! {
            <>
                <p id="day-error" class="day-error" role="alert">{ format!("✕ {e}. The other settings are kept; the last day that could be counted stays below.") }</p>
                { for last_good.borrow().as_ref().map(|v| html! { <div class="stale"><p class="hint">{ "The last day counted:" }</p>{ chart(v, None) }{ table(v) }</div> }) }
            </>
        },
    };
    let f = &*form;
    let share = maintenance::link(&f.at, &f.peak, &f.peak_at, &f.trough, &f.trough_at);
    let on_run = {
        let cb = props.on_run.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <section id="day-panel" class="day-panel" aria-labelledby="day-title">
            <h2 id="day-title">{ "When to deploy: a day of traffic" }</h2>
            <p class="hint">{ about() }</p>
            <div class="day-form">
                { field("day-at", "Deploy at", f.at.clone(), |f, v| f.at = v) }
                { field("day-peak", "Peak, req/s", f.peak.clone(), |f, v| f.peak = v) }
                { field("day-peak-at", "Peak at", f.peak_at.clone(), |f, v| f.peak_at = v) }
                { field("day-trough", "Trough, req/s", f.trough.clone(), |f, v| f.trough = v) }
                { field("day-trough-at", "Trough at", f.trough_at.clone(), |f, v| f.trough_at = v) }
                if runs.is_none() {
                    <button type="button" id="day-run" class="demo" disabled={props.running} onclick={on_run}>
                        { if props.running { "Running the deploys…" } else { "Count the day" } }
                    </button>
                } else {
                    <a id="day-link" class="day-link" href={share}>{ "Link to this day" }</a>
                }
            </div>
            <div aria-live="polite">{ body }</div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use stackscope_core::stream;

    fn runs() -> DayRuns {
        let results = maintenance::jobs()
            .into_iter()
            .map(|j| stream::run(&j.scenario, &j.spec, &j.events).map_err(|e| e.to_string()))
            .collect();
        DayRuns::from_results(results).unwrap()
    }

    #[test]
    fn three_in_the_morning_against_eight_in_the_evening() {
        let v = compute(&Form::default(), &runs()).unwrap();
        let s = sentences(&v);
        let (night, evening) = (&v.chosen.0, &v.at_peak.0);
        assert!(night.failed < 20 && evening.failed > 100, "{s:?}");
        assert!(
            s[0].starts_with(
                "Deploying on the one server at 03:00, when about 3.6 requests arrive each second:"
            ),
            "{s:?}"
        );
        assert!(s[0].ends_with("during the 4.0 s outage."), "{s:?}");
        assert!(
            s[1].starts_with("The same deploy at 20:00, the peak (40 requests/s):"),
            "{s:?}"
        );
        assert_eq!(
            s.last().unwrap(),
            "The rolling deploy of the redundant design fails none at 03:00 and none at 20:00: one server at a time leaves rotation, so the hour does not matter."
        );
        // From the expected counts: the trough's own hour.
        assert_eq!(
            s[2],
            "Of the 24 hours on the hour, 04:00 costs least: about 8 failed requests on an average day."
        );
    }

    #[test]
    fn bad_fields_say_which_and_keep_the_rest() {
        let r = runs();
        let bad = |f: Form| compute(&f, &r).unwrap_err();
        let d = Form::default();
        assert_eq!(
            bad(Form {
                peak: "-5".into(),
                ..d.clone()
            }),
            "the peak must be a positive number of requests per second, at most 500"
        );
        assert_eq!(
            bad(Form {
                peak: "lots".into(),
                ..d.clone()
            }),
            "the peak is a number of requests per second, like 40"
        );
        assert_eq!(
            bad(Form {
                at: "25:00".into(),
                ..d.clone()
            }),
            "the deploy's time: “25:00” is not a time of day like 03:00"
        );
        assert_eq!(
            bad(Form {
                trough: "90".into(),
                ..d
            }),
            "the trough cannot be busier than the peak"
        );
    }
}
