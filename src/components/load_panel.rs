//! The load panel: a seeded capacity simulation of many requests against the stack, run in chunks that yield to the browser, with its charts and summary.
//!
//! Self-contained: its settings and results live in its own reducer, not in
//! the app's. Every number comes from `stackscope_core::load`.

mod job;
pub mod scaling;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use stackscope_core::load::{fmt_us, LoadResult, RouteCost};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use self::job::{capacity, BurstChoice, Done, MixChoice, Settings, Work};
use self::scaling::{AutoscaleEdit, AutoscaleFields, ScaleChoice, ScalingFacts};
use crate::components::chart_errors::ErrorsChart;
use crate::components::chart_knee::KneeChart;
use crate::components::chart_latency::LatencyChart;
use crate::components::chart_utilisation::UtilisationChart;
use crate::state::Shared;
use stackscope_core::load::machines::MACHINES;

pub use self::job::KneeCurve;

/// The route costs, as measured by the simulated server.
pub type Costs = Shared<Result<Vec<RouteCost>, String>>;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    /// What each route costs, measured by tracing one request per route on
    /// the simulated server (`None` until it has answered).
    pub costs: Option<Costs>,
    /// Events simulated per step at first. Each browser task runs steps until
    /// it has used `SLICE_MS` (or exactly one step when not `adaptive`).
    #[prop_or(20_000)]
    pub chunk_events: usize,
    /// Time-slice the work and resize steps to about `STEP_MS` of wall time.
    #[prop_or(true)]
    pub adaptive: bool,
    /// Run everything inside the click handler (tests: no timers to wait for).
    #[prop_or(false)]
    pub blocking: bool,
    /// Points of the latency-vs-load curve, and simulated seconds per point.
    #[prop_or(10)]
    pub knee_points: u32,
    #[prop_or(5.0)]
    pub knee_duration_s: f64,
    /// Told what each finished run showed (the lessons' checklist listens).
    #[prop_or_default]
    pub on_run: Callback<crate::lessons::LoadRun>,
}

/// Wall time one task may use: far enough under the 50 ms of a long task that
/// a busy machine (the CPU shared with other processes) stays under it too.
const SLICE_MS: f64 = 8.0;
/// Wall time one step should take, so a task overshoots its slice by little.
const STEP_MS: f64 = 1.0;
const MIN_CHUNK: usize = 200;
const MAX_CHUNK: usize = 2_000_000;

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

/// How the browser did: wall time and chunks (measured here, not modelled).
#[derive(Debug, Clone, PartialEq)]
struct Timing {
    wall_ms: f64,
    chunks: u32,
    longest_ms: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct Running {
    kind: Kind,
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
}

enum Msg {
    Set(Settings),
    Started(Kind),
    Progress(f64, String),
    Finished(Done, Timing),
    Cancelled,
    Failed(String),
}

impl Reducible for Panel {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut p = (*self).clone();
        match msg {
            Msg::Set(s) => p.settings = s,
            Msg::Started(kind) => {
                p.error = None;
                p.running = Some(Running {
                    kind,
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
            Msg::Progress(progress, label) => {
                if let Some(r) = &mut p.running {
                    r.progress = progress;
                    r.label = label;
                }
            }
            Msg::Finished(done, timing) => {
                p.running = None;
                match done {
                    Done::Run(r) => {
                        p.status =
                            format!("Done: {} requests simulated.", thousands(r.arrivals as f64));
                        p.result = Some(Rc::from(r));
                        p.timing = Some(timing);
                    }
                    Done::Knee(k) => {
                        p.status = format!(
                            "Done: latency measured at {} offered loads.",
                            k.points.len()
                        );
                        p.knee = Some(Rc::new(k));
                    }
                }
            }
            Msg::Cancelled => {
                p.running = None;
                p.status = "Cancelled.".into();
            }
            Msg::Failed(e) => {
                p.running = None;
                p.status = String::new();
                p.error = Some(e);
            }
        }
        Rc::new(p)
    }
}

/// A job in flight: the work, its chunk size and the timer of its next chunk.
struct Job {
    work: Work,
    chunk: usize,
    adaptive: bool,
    timer: Option<Timeout>,
    started_ms: f64,
    chunks: u32,
    longest_ms: f64,
}

type Slot = Rc<RefCell<Option<Job>>>;

/// Applies a control's new value to the settings.
type Edit = Box<dyn Fn(&mut Settings, String)>;

/// Runs one chunk, then schedules the next as a new task (so the browser can
/// paint and handle input in between), or reports the outcome.
fn pump(slot: Slot, tell: Callback<Msg>) {
    let mut guard = slot.borrow_mut();
    let Some(job) = guard.as_mut() else {
        return;
    };
    let t0 = clock::now_ms();
    let outcome = loop {
        let s0 = clock::now_ms();
        let outcome = job.work.advance(job.chunk);
        let now = clock::now_ms();
        if job.adaptive && now - s0 > 0.2 {
            let scaled = job.chunk as f64 * (STEP_MS / (now - s0)).clamp(0.25, 2.0);
            job.chunk = (scaled as usize).clamp(MIN_CHUNK, MAX_CHUNK);
        }
        if !job.adaptive || !matches!(outcome, Ok(None)) || now - t0 >= SLICE_MS {
            break outcome;
        }
    };
    job.chunks += 1;
    job.longest_ms = job.longest_ms.max(clock::now_ms() - t0);
    match outcome {
        Ok(Some(done)) => {
            let timing = Timing {
                wall_ms: clock::now_ms() - job.started_ms,
                chunks: job.chunks,
                longest_ms: job.longest_ms,
            };
            // Dropping the job drops the timer whose callback is running: wasm-bindgen defers that.
            *guard = None;
            drop(guard);
            tell.emit(Msg::Finished(done, timing));
        }
        Ok(None) => {
            let (progress, label) = (job.work.progress(), job.work.label());
            let (s, t) = (slot.clone(), tell.clone());
            job.timer = Some(Timeout::new(0, move || pump(s, t)));
            drop(guard);
            tell.emit(Msg::Progress(progress, label));
        }
        Err(e) => {
            *guard = None;
            drop(guard);
            tell.emit(Msg::Failed(e.to_string()));
        }
    }
}

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
    let slot: Slot = use_mut_ref(|| None::<Job>);

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

    // Unmounting cancels whatever is in flight.
    {
        let slot = slot.clone();
        use_effect_with((), move |_| move || drop(slot.borrow_mut().take()));
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

    // Starts a job: at once when blocking, else chunk by chunk on timers.
    let start = {
        let slot = slot.clone();
        let tell = tell.clone();
        let props = props.clone();
        move |kind: Kind, work: Result<Work, String>| {
            let work = match work {
                Ok(w) => w,
                Err(e) => return tell.emit(Msg::Failed(e)),
            };
            drop(slot.borrow_mut().take());
            tell.emit(Msg::Started(kind));
            let started_ms = clock::now_ms();
            if props.blocking {
                let outcome = work.finish(props.chunk_events);
                let wall_ms = clock::now_ms() - started_ms;
                let timing = Timing {
                    wall_ms,
                    chunks: 1,
                    longest_ms: wall_ms,
                };
                return match outcome {
                    Ok(done) => tell.emit(Msg::Finished(done, timing)),
                    Err(e) => tell.emit(Msg::Failed(e.to_string())),
                };
            }
            let (s2, t2) = (slot.clone(), tell.clone());
            *slot.borrow_mut() = Some(Job {
                work,
                chunk: props.chunk_events.max(1),
                adaptive: props.adaptive,
                timer: Some(Timeout::new(0, move || pump(s2, t2))),
                started_ms,
                chunks: 0,
                longest_ms: 0.0,
            });
        }
    };
    let on_run = {
        let start = start.clone();
        let costs = costs.to_vec();
        let spec = spec.clone();
        Callback::from(move |_: MouseEvent| {
            start(
                Kind::Run,
                Work::run(&costs, spec.clone()).map_err(|e| e.to_string()),
            )
        })
    };
    let on_knee = {
        let costs = costs.to_vec();
        let spec = spec.clone();
        let (points, secs) = (props.knee_points, props.knee_duration_s);
        Callback::from(move |_: MouseEvent| {
            start(
                Kind::Knee,
                Work::knee(&costs, spec.clone(), points, secs).map_err(|e| e.to_string()),
            )
        })
    };
    let on_cancel = {
        let slot = slot.clone();
        let tell = tell.clone();
        Callback::from(move |_: MouseEvent| {
            drop(slot.borrow_mut().take());
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
                            "Computed in your browser in {:.0} ms of wall time, in {} chunks (longest {:.0} ms), between which the page stays responsive.",
                            t.wall_ms, t.chunks, t.longest_ms
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
