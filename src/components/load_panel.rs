//! The load panel: a seeded capacity simulation of many requests against the stack, run by the simulated server's worker in slices, with its charts and summary.
//!
//! Its settings and results live in its own reducer, not in the app's. The
//! runs are the server's: the panel starts a job (`Command::LoadStart`),
//! asks for the next slice each time a report arrives (`Command::LoadStep`),
//! and can cancel it; the page's thread only draws. Every number comes from
//! `stackscope_core::load`.

mod job;
pub mod scaling;

use std::rc::Rc;

use stackscope_core::load::job::{KneeJob, LoadJob, LoadReport};
use stackscope_core::load::{fmt_us, LoadResult, RouteCost};
use stackscope_core::session::Command;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use self::job::{capacity, BurstChoice, MixChoice, Settings};
use self::scaling::{AutoscaleEdit, AutoscaleFields, ScaleChoice, ScalingFacts};
use crate::components::chart_errors::ErrorsChart;
use crate::components::chart_knee::KneeChart;
use crate::components::chart_latency::LatencyChart;
use crate::components::chart_utilisation::UtilisationChart;
use crate::state::Shared;
use stackscope_core::load::machines::MACHINES;

pub use stackscope_core::load::job::KneeCurve;

/// The route costs, as measured by the simulated server.
pub type Costs = Shared<Result<Vec<RouteCost>, String>>;

/// The server's last report on a load job: its tag and where it is.
pub type Report = Shared<(u32, LoadReport)>;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    /// What each route costs, measured by tracing one request per route on
    /// the simulated server (`None` until it has answered).
    pub costs: Option<Costs>,
    /// Sends the panel's commands to the simulated server.
    pub send: Callback<Command>,
    /// The server's last report on a load job (the panel acts on its own).
    #[prop_or_default]
    pub report: Option<Report>,
    /// Events per slice the panel asks for. The app's worker slices by its
    /// own clock instead (a few ms each); a server on the test's thread
    /// takes exactly this many.
    #[prop_or(20_000)]
    pub chunk_events: u32,
    /// Points of the latency-vs-load curve, and simulated seconds per point.
    #[prop_or(10)]
    pub knee_points: u32,
    #[prop_or(5.0)]
    pub knee_duration_s: f64,
    /// Told what each finished run showed (the lessons' checklist listens).
    #[prop_or_default]
    pub on_run: Callback<crate::lessons::LoadRun>,
}

#[cfg(target_arch = "wasm32")]
mod clock {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
    }

    pub fn now_ms() -> f64 {
        performance_now()
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod clock {
    pub fn now_ms() -> f64 {
        0.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Knee,
}

/// How the browser did: wall time and slices (measured here, not modelled).
#[derive(Debug, Clone, PartialEq)]
struct Timing {
    wall_ms: f64,
    slices: u32,
}

#[derive(Debug, Clone, PartialEq)]
struct Running {
    kind: Kind,
    /// The job's name in the server's reports.
    tag: u32,
    started_ms: f64,
    /// Reports received: the start's, then one per slice.
    reports: u32,
    progress: f64,
    label: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Panel {
    settings: Settings,
    running: Option<Running>,
    result: Option<Rc<LoadResult>>,
    timing: Option<Timing>,
    knee: Option<Rc<KneeCurve>>,
    error: Option<String>,
    status: String,
    /// The last job's tag: the next job takes the one after.
    last_tag: u32,
}

enum Msg {
    Set(Settings),
    Started(Kind, u32, f64),
    /// A report from the server on the job `tag`, at this wall time.
    Report(u32, LoadReport, f64),
    Cancelled,
}

impl Reducible for Panel {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut p = (*self).clone();
        match msg {
            Msg::Set(s) => p.settings = s,
            Msg::Started(kind, tag, started_ms) => {
                p.error = None;
                p.last_tag = tag;
                p.running = Some(Running {
                    kind,
                    tag,
                    started_ms,
                    reports: 0,
                    progress: 0.0,
                    label: match kind {
                        Kind::Run => "Simulating".into(),
                        Kind::Knee => "Latency vs load".into(),
                    },
                });
                p.status = match kind {
                    Kind::Run => "Simulating…".into(),
                    Kind::Knee => "Measuring latency against offered load…".into(),
                };
            }
            Msg::Report(tag, report, now_ms) => {
                // Reports of a job cancelled or replaced are not this one's.
                let Some(r) = p.running.as_mut().filter(|r| r.tag == tag) else {
                    return self;
                };
                r.reports += 1;
                let timing = Timing {
                    wall_ms: now_ms - r.started_ms,
                    // The first report answers the start, which runs no events.
                    slices: r.reports - 1,
                };
                match report {
                    LoadReport::Progress {
                        progress, label, ..
                    } => {
                        r.progress = progress;
                        r.label = label;
                    }
                    LoadReport::Ran(result) => {
                        p.running = None;
                        p.status = format!(
                            "Done: {} requests simulated.",
                            thousands(result.arrivals as f64)
                        );
                        p.result = Some(Rc::from(result));
                        p.timing = Some(timing);
                    }
                    LoadReport::Knee(k) => {
                        p.running = None;
                        p.status = format!(
                            "Done: latency measured at {} offered loads.",
                            k.points.len()
                        );
                        p.knee = Some(Rc::new(k));
                    }
                    LoadReport::Failed(e) => {
                        p.running = None;
                        p.status = String::new();
                        p.error = Some(e);
                    }
                    LoadReport::Cancelled => {
                        p.running = None;
                        p.status = "Cancelled.".into();
                    }
                }
            }
            Msg::Cancelled => {
                p.running = None;
                p.status = "Cancelled.".into();
            }
        }
        Rc::new(p)
    }
}

/// Applies a control's new value to the settings.
type Edit = Box<dyn Fn(&mut Settings, String)>;

/// "12,345".
fn thousands(v: f64) -> String {
    crate::format::thousands(v.round().max(0.0) as u64)
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// The slider's (min, max, step) for a capacity: up to 3× capacity in about 300 steps.
fn rate_range(capacity: f64) -> (f64, f64, f64) {
    let top = (capacity * 3.0).max(100.0);
    let step = 10f64.powf((top.log10().floor() - 2.0).max(0.0));
    let max = (top / step).ceil() * step;
    (step.max(10.0), max, step)
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn input_value(e: &InputEvent) -> f64 {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .and_then(|i| i.value().parse().ok())
        .unwrap_or(0.0)
}

#[component]
pub fn LoadPanel(props: &Props) -> Html {
    let panel = use_reducer(Panel::default);

    // Each finished run, once, to whoever listens.
    {
        let on_run = props.on_run.clone();
        let result = panel.result.clone();
        use_effect_with(result.as_ref().map(|r| Rc::as_ptr(r) as usize), move |_| {
            if let Some(r) = result {
                on_run.emit(crate::lessons::LoadRun {
                    servers: r.spec.servers,
                    cores: r.spec.cores,
                    rate_per_s: r.spec.rate_per_s,
                    error_rate: r.error_rate(),
                    app_busy: r.app_utilisation,
                });
            }
        });
    }

    // Each report on the job running: shown, and while it goes on, the
    // next slice asked for (one at a time, so a trace asked for meanwhile
    // waits at most one slice on the server).
    {
        let panel = panel.clone();
        let send = props.send.clone();
        let events = props.chunk_events;
        use_effect_with(props.report.clone(), move |report| {
            if let Some(report) = report {
                let (tag, r) = &**report;
                let mine = panel.running.as_ref().is_some_and(|run| run.tag == *tag);
                if mine {
                    if !r.is_final() {
                        send.emit(Command::LoadStep { tag: *tag, events });
                    }
                    panel.dispatch(Msg::Report(*tag, r.clone(), clock::now_ms()));
                }
            }
        });
    }

    // Unmounting cancels whatever is in flight.
    {
        let send = props.send.clone();
        let running = use_mut_ref(|| None::<u32>);
        *running.borrow_mut() = panel.running.as_ref().map(|r| r.tag);
        use_effect_with((), move |_| {
            move || {
                if let Some(tag) = running.borrow_mut().take() {
                    send.emit(Command::LoadCancel { tag });
                }
            }
        });
    }

    let costs: &[RouteCost] = match props.costs.as_deref() {
        Some(Ok(c)) => c,
        None => {
            return html! {
                <section id="load-panel" class="load-panel" aria-labelledby="load-title">
                    <h2 id="load-title">{ "Load: where one server stops coping" }</h2>
                    <p class="load-wait" role="status">
                        { "Measuring each route on the simulated server…" }
                    </p>
                </section>
            };
        }
        Some(Err(e)) => {
            return html! {
                <section id="load-panel" class="load-panel" aria-labelledby="load-title">
                    <h2 id="load-title">{ "Load: where one server stops coping" }</h2>
                    <p class="load-error" role="alert">{ format!("✕ The route costs could not be measured: {e}") }</p>
                </section>
            };
        }
    };

    let s = &panel.settings;
    let mut spec = s.spec();
    let (app_cap, db_cap) = capacity(costs, &spec);
    let cap = app_cap.min(db_cap);
    let (rate_min, rate_max, rate_step) = rate_range(cap);
    let rate = if s.rate_per_s <= 0.0 {
        ((cap * 0.5) / rate_step).round() * rate_step
    } else {
        s.rate_per_s
    }
    .clamp(rate_min, rate_max);
    spec.rate_per_s = rate;
    let running = panel.running.clone();
    let busy = running.is_some();

    let tell: Callback<Msg> = {
        let panel = panel.clone();
        Callback::from(move |m: Msg| panel.dispatch(m))
    };
    let set = {
        let tell = tell.clone();
        let s = s.clone();
        move |f: Edit| {
            let tell = tell.clone();
            let s = s.clone();
            move |v: String| {
                let mut next = s.clone();
                next.rate_per_s = rate;
                f(&mut next, v);
                tell.emit(Msg::Set(next));
            }
        }
    };
    let on_rate = {
        let f = set(Box::new(|s, v| {
            s.rate_per_s = v.parse().unwrap_or(s.rate_per_s)
        }));
        Callback::from(move |e: InputEvent| f(input_value(&e).to_string()))
    };
    let on_cores = {
        // The slider walks the machines on offer, smallest to largest.
        let f = set(Box::new(|s, v| {
            if let Some(m) = v.parse::<usize>().ok().and_then(|i| MACHINES.get(i)) {
                s.cores = m.cores;
            }
        }));
        Callback::from(move |e: InputEvent| f(input_value(&e).to_string()))
    };
    let on_servers = {
        let f = set(Box::new(|s, v| s.servers = v.parse().unwrap_or(s.servers)));
        Callback::from(move |e: InputEvent| f(input_value(&e).to_string()))
    };
    let on_burst = {
        let f = set(Box::new(|s, v| {
            if let Some(b) = BurstChoice::ALL.into_iter().find(|b| b.key() == v) {
                s.burst = b;
            }
        }));
        Callback::from(move |e: Event| f(select_value(&e)))
    };
    let on_mix = {
        let f = set(Box::new(|s, v| {
            if let Some(m) = MixChoice::ALL.into_iter().find(|m| m.key() == v) {
                s.mix = m;
            }
        }));
        Callback::from(move |e: Event| f(select_value(&e)))
    };
    let on_scale = {
        let f = set(Box::new(|s, v| {
            if let Some(c) = ScaleChoice::ALL.into_iter().find(|c| c.key() == v) {
                s.scale = c;
            }
        }));
        Callback::from(move |e: Event| f(select_value(&e)))
    };
    let on_autoscale = {
        let tell = tell.clone();
        let s = s.clone();
        Callback::from(move |edit: AutoscaleEdit| {
            let mut next = s.clone();
            next.rate_per_s = rate;
            edit.apply(&mut next.autoscale);
            tell.emit(Msg::Set(next));
        })
    };
    let on_duration = {
        let f = set(Box::new(|s, v| {
            s.duration_s = v.parse().unwrap_or(s.duration_s)
        }));
        Callback::from(move |e: Event| f(select_value(&e)))
    };

    // Starts a job on the server: its first report asks for the first slice.
    let start = {
        let panel = panel.clone();
        let send = props.send.clone();
        move |kind: Kind, job: LoadJob| {
            let tag = panel.last_tag.wrapping_add(1);
            panel.dispatch(Msg::Started(kind, tag, clock::now_ms()));
            send.emit(Command::LoadStart {
                tag,
                job: stackscope_core::session::wire::Packed::new(&job),
            });
        }
    };
    let on_run = {
        let start = start.clone();
        let spec = spec.clone();
        Callback::from(move |_: MouseEvent| {
            start(
                Kind::Run,
                LoadJob {
                    spec: spec.clone(),
                    knee: None,
                },
            )
        })
    };
    let on_knee = {
        let spec = spec.clone();
        let knee = KneeJob {
            points: props.knee_points,
            duration_s: props.knee_duration_s,
        };
        Callback::from(move |_: MouseEvent| {
            start(
                Kind::Knee,
                LoadJob {
                    spec: spec.clone(),
                    knee: Some(knee),
                },
            )
        })
    };
    let on_cancel = {
        let send = props.send.clone();
        let tell = tell.clone();
        let tag = running.as_ref().map(|r| r.tag);
        Callback::from(move |_: MouseEvent| {
            if let Some(tag) = tag {
                send.emit(Command::LoadCancel { tag });
            }
            tell.emit(Msg::Cancelled);
        })
    };

    let bottleneck = if app_cap <= db_cap {
        "the application workers are the limit"
    } else {
        "the database is the limit"
    };
    let share_of_cap = rate / cap;
    let rate_text = format!(
        "{} requests/s ({} of capacity)",
        thousands(rate),
        percent(share_of_cap)
    );

    html! {
        <section id="load-panel" class="load-panel" aria-labelledby="load-title">
            <h2 id="load-title">{ "Load: where one server stops coping" }</h2>
            <p class="load-intro">
                { "One request at a time is what the journey above shows. Here thousands arrive each second: \
                   a seeded discrete-event simulation queues them for Nginx, the application workers (one per core) \
                   and the database, and shows where latency and errors take off." }
            </p>
            <p class="honest load-honest">
                { "Latency here is server-side: from Nginx accepting a request to its answer. Service times are \
                   exponential around costs measured by tracing one request per route through the pipeline; \
                   modelled, not measured on real hardware." }
            </p>
            <form class="load-controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <fieldset disabled={busy}>
                    <legend>{ "What to simulate" }</legend>
                    <div class="load-field load-field-wide">
                        <label for="load-rate">{ "Offered load" }</label>
                        <input type="range" id="load-rate" min={rate_min.to_string()} max={rate_max.to_string()}
                            step={rate_step.to_string()} value={rate.to_string()}
                            aria-valuetext={rate_text.clone()} aria-describedby="load-capacity"
                            oninput={on_rate} />
                        <output for="load-rate" id="load-rate-value">{ rate_text }</output>
                    </div>
                    <div class="load-field">
                        <label for="load-burst">{ "Burstiness" }</label>
                        <select id="load-burst" onchange={on_burst}>
                            { for BurstChoice::ALL.iter().map(|b| html! {
                                <option value={b.key()} selected={*b == s.burst}>{ b.label() }</option>
                            }) }
                        </select>
                    </div>
                    <div class="load-field">
                        <label for="load-mix">{ "Request mix" }</label>
                        <select id="load-mix" onchange={on_mix}>
                            { for MixChoice::ALL.iter().map(|m| html! {
                                <option value={m.key()} selected={*m == s.mix}>{ m.label() }</option>
                            }) }
                        </select>
                    </div>
                    <div class="load-field">
                        <label for="load-cores">{ "Cores per server (vertical scaling)" }</label>
                        <input type="range" id="load-cores" min="0" max={(MACHINES.len() - 1).to_string()} step="1"
                            value={MACHINES.iter().position(|m| m.cores >= s.cores).unwrap_or(0).to_string()}
                            aria-valuetext={format!("{} cores", s.cores)} oninput={on_cores} />
                        <output for="load-cores">{ format!(
                            "{} core{}{}",
                            s.cores,
                            if s.cores == 1 { "" } else { "s" },
                            if s.cores == stackscope_core::load::machines::LARGEST.cores { ": the largest machine on offer" } else { "" }
                        ) }</output>
                    </div>
                    <div class="load-field">
                        <label for="load-servers">{ "Web servers behind the load balancer (horizontal scaling)" }</label>
                        <input type="range" id="load-servers" min="1" max="8" step="1" value={s.servers.to_string()}
                            aria-valuetext={format!("{} servers", s.servers)} oninput={on_servers} />
                        <output for="load-servers">{ format!("{} server{}", s.servers, if s.servers == 1 { "" } else { "s" }) }</output>
                    </div>
                    <div class="load-field">
                        <label for="load-scale">{ "During the run" }</label>
                        <select id="load-scale" onchange={on_scale}>
                            { for ScaleChoice::ALL.iter().map(|c| html! {
                                <option value={c.key()} selected={*c == s.scale}>{ c.label() }</option>
                            }) }
                        </select>
                    </div>
                    <AutoscaleFields form={s.autoscale.clone()} on_edit={on_autoscale} />
                    <div class="load-field">
                        <label for="load-duration">{ "Simulated duration" }</label>
                        <select id="load-duration" onchange={on_duration}>
                            { for [10u32, 30, 60, 120].iter().map(|d| html! {
                                <option value={d.to_string()} selected={*d == s.duration_s}>{ format!("{d} s") }</option>
                            }) }
                        </select>
                    </div>
                </fieldset>
                <p id="load-capacity" class="load-capacity">
                    { format!(
                        "Capacity of this stack for this mix: about {} requests/s ({}). Application workers: {}/s; database ({} connections): {}/s.",
                        thousands(cap), bottleneck, thousands(app_cap), spec.db_connections, thousands(db_cap),
                    ) }
                </p>
                <ScalingFacts servers={s.servers} cores={s.cores} costs={costs.to_vec()} />
                <details id="load-nginx" class="load-config" open=true>
                    <summary>{ "The Nginx settings this simulation models, on each web server" }</summary>
                    <p class="muted">
                        { "A request beyond the limit_conn limit is answered 503 Service Temporarily Unavailable \
                           (nginx's default limit_conn_status); one that waits longer than proxy_read_timeout for the \
                           application, 504 Gateway Time-out." }
                    </p>
                    <pre id="load-nginx-config" class="code" tabindex="0"
                        aria-label="The Nginx settings the load simulation models, as nginx syntax">{ spec.nginx_config() }</pre>
                </details>
                <div class="load-actions">
                    <button type="button" id="load-run" disabled={busy} onclick={on_run}>{ "Run the simulation" }</button>
                    <button type="button" id="load-knee" disabled={busy} onclick={on_knee}>
                        { format!("Latency vs load ({} runs × {} s)", props.knee_points, props.knee_duration_s) }
                    </button>
                    if busy {
                        <button type="button" id="load-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                    }
                    <label class="load-progress-label" for="load-progress">
                        { match &running {
                            Some(r) => format!("{}: {}", r.label, percent(r.progress)),
                            None if panel.result.is_some() || panel.knee.is_some() => "Progress: done".to_string(),
                            None => "Progress: not run yet".to_string(),
                        } }
                    </label>
                    <progress id="load-progress" max="1" value={running.as_ref().map_or(
                        if panel.result.is_some() { 1.0 } else { 0.0 }, |r| r.progress).to_string()} />
                </div>
                <p id="load-status" class="load-status" role="status" aria-live="polite">{ panel.status.clone() }</p>
                if let Some(e) = &panel.error {
                    <p class="load-error" role="alert">{ format!("✕ {e}") }</p>
                }
            </form>
            if let Some(r) = &panel.result {
                <Summary result={r.clone()} />
                <div class="load-charts">
                    <LatencyChart result={r.clone()} />
                    <ErrorsChart result={r.clone()} />
                    <UtilisationChart result={r.clone()} />
                    if let Some(k) = &panel.knee {
                        <KneeChart curve={k.clone()} />
                    }
                </div>
                if let Some(t) = &panel.timing {
                    <p class="muted load-timing">
                        { format!(
                            "Computed in your browser by the simulated server's worker, off the page's thread: {:.0} ms of wall time, in {} slices.",
                            t.wall_ms, t.slices
                        ) }
                    </p>
                }
            } else {
                if let Some(k) = &panel.knee {
                    <div class="load-charts">
                        <KneeChart curve={k.clone()} />
                    </div>
                }
                <p class="muted">{ "Choose a load and run the simulation: the summary and charts appear here." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SummaryProps {
    result: Rc<LoadResult>,
}

/// Totals, percentiles, utilisations, capacities and the core's explanation.
#[component]
fn Summary(props: &SummaryProps) -> Html {
    let r = &props.result;
    let p = |v: Option<u64>| v.map_or("no answers".to_string(), fmt_us);
    let costs = r.costs.iter().map(|c| {
        html! {
            <tr>
                <th scope="row"><code>{ c.url.trim_start_matches("http://www.foobar.com") }</code></th>
                <td>{ c.weight }</td>
                <td>{ if c.is_static { "static (Nginx)" } else { "dynamic" } }</td>
                <td>{ fmt_us(c.nginx_us.round() as u64) }</td>
                <td>{ fmt_us(c.app_us.round() as u64) }</td>
                <td>{ format!("{} ({} queries)", fmt_us(c.db_us.round() as u64), c.queries) }</td>
            </tr>
        }
    });
    html! {
        <div id="load-summary" class="load-summary">
            <h3>{ "What happened" }</h3>
            <p class="load-explain">{ r.explain() }</p>
            <dl class="load-figures">
                <div><dt>{ "Requests" }</dt><dd>{ format!("{} in {} s simulated", thousands(r.arrivals as f64), r.spec.duration_s) }</dd></div>
                <div><dt>{ "Answered" }</dt><dd>{ thousands(r.completed as f64) }</dd></div>
                <div><dt>{ "Errors" }</dt><dd>{ format!(
                    "{} ({} × 503 from limit_conn, {} × 504 from proxy_read_timeout{})",
                    percent(r.error_rate()),
                    thousands(r.rejected_503 as f64),
                    thousands(r.timed_out_504 as f64),
                    if r.refused > 0 { format!(", {} refused while resizing", thousands(r.refused as f64)) } else { String::new() }
                ) }</dd></div>
                <div><dt>{ "Latency p50 / p95 / p99" }</dt><dd>{ format!("{} / {} / {}", p(r.p50_us), p(r.p95_us), p(r.p99_us)) }</dd></div>
                <div><dt>{ "Busy: workers / database / Nginx" }</dt><dd>{ format!("{} / {} / {}", percent(r.app_utilisation), percent(r.db_utilisation), percent(r.nginx_utilisation)) }</dd></div>
                <div><dt>{ "Capacity: workers / database" }</dt><dd>{ format!("{}/s / {}/s", thousands(r.app_capacity_per_s), thousands(r.db_capacity_per_s)) }</dd></div>
                <div><dt>{ "Longest queue: workers / database" }</dt><dd>{ format!("{} / {}", thousands(r.max_app_queue as f64), thousands(r.max_db_queue as f64)) }</dd></div>
            </dl>
            <details class="load-costs">
                <summary>{ "Cost of one request per route (traced through the pipeline)" }</summary>
                <div class="table-scroll">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{ "Route" }</th>
                                <th scope="col">{ "Weight" }</th>
                                <th scope="col">{ "Served by" }</th>
                                <th scope="col">{ "Nginx" }</th>
                                <th scope="col">{ "App CPU" }</th>
                                <th scope="col">{ "Database" }</th>
                            </tr>
                        </thead>
                        <tbody>{ for costs }</tbody>
                    </table>
                </div>
            </details>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(rate_range(1526.0), (10.0, 4580.0, 10.0));
        assert_eq!(rate_range(16178.0), (100.0, 48600.0, 100.0));
    }
}
