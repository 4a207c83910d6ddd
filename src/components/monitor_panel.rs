//! Monitoring: an agent on each web server, the dashboard it feeds, and an alert rule that fires (or not) during an incident.

use std::rc::Rc;

use stackscope_core::load::Incident;
use stackscope_core::monitor::{balancer, clock, AlertRule, Dashboard, MonitorSpec, Scrape, State};
use yew::prelude::*;

use crate::components::chart_line::{Axis, LineChart, Marker, Series, Side, Unit};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dashboard: Option<Shared<Result<Box<Dashboard>, String>>>,
    pub running: bool,
    pub on_run: Callback<MonitorSpec>,
    /// The settings of a `#monitor=…` link the page was opened with.
    #[prop_or_default]
    pub link: Option<Form>,
}

/// What goes wrong, as the select offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AppDown,
    BadRelease,
    Nothing,
}

impl Kind {
    const ALL: [(Kind, &'static str, &'static str); 3] = [
        (Kind::AppDown, "app", "web-01's application stops"),
        (
            Kind::BadRelease,
            "release",
            "a bad release (a share of pages fail)",
        ),
        (Kind::Nothing, "none", "nothing"),
    ];

    fn key(self) -> &'static str {
        Kind::ALL
            .iter()
            .find(|k| k.0 == self)
            .map_or("none", |k| k.1)
    }

    fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.iter().find(|k| k.1 == key).map(|k| k.0)
    }
}

/// The form as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub servers: u32,
    pub kind: Kind,
    pub at_s: String,
    pub for_s: String,
    pub share_pct: String,
    pub threshold_pct: String,
    pub window_s: String,
    pub hold_s: String,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            servers: 1,
            kind: Kind::AppDown,
            at_s: "180".into(),
            for_s: "120".into(),
            share_pct: "30".into(),
            threshold_pct: "1".into(),
            window_s: "60".into(),
            hold_s: "60".into(),
        }
    }
}

/// True for a fragment the monitoring panel reads.
pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with("#monitor=")
}

/// Reads `#monitor=app|release|none[&servers=2&at=…&for=…&share=…&threshold=…&window=…&hold=…]`.
pub fn parse_link(fragment: &str) -> Option<Form> {
    if !is_link(fragment) {
        return None;
    }
    let mut f = Form::default();
    for (k, v) in crate::maintenance::fragment_pairs(fragment) {
        match k {
            "monitor" => f.kind = Kind::from_key(&v).unwrap_or(Kind::AppDown),
            "servers" => f.servers = if v == "2" { 2 } else { 1 },
            "at" => f.at_s = v,
            "for" => f.for_s = v,
            "share" => f.share_pct = v,
            "threshold" => f.threshold_pct = v,
            "window" => f.window_s = v,
            "hold" => f.hold_s = v,
            _ => {}
        }
    }
    Some(f)
}

/// The link to these settings.
pub fn link_of(f: &Form) -> String {
    format!(
        "#monitor={}&servers={}&at={}&for={}&share={}&threshold={}&window={}&hold={}",
        f.kind.key(),
        f.servers,
        f.at_s.trim(),
        f.for_s.trim(),
        f.share_pct.trim(),
        f.threshold_pct.trim(),
        f.window_s.trim(),
        f.hold_s.trim()
    )
}

fn number(text: &str, what: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            format!(
                "{what} is a number, not “{}”",
                stackscope_core::text::clip(text.trim(), 12)
            )
        })
}

fn whole(text: &str, what: &str) -> Result<u32, String> {
    let v = number(text, what)?;
    if v < 0.0 || v.fract() != 0.0 || v > 1e6 {
        return Err(format!("{what} is a whole number of seconds"));
    }
    Ok(v as u32)
}

/// The spec the form asks for, or what is wrong with it.
pub fn spec_of(f: &Form) -> Result<MonitorSpec, String> {
    let rule = AlertRule {
        threshold: number(&f.threshold_pct, "the threshold")? / 100.0,
        window_s: whole(&f.window_s, "the window")?,
        for_s: whole(&f.hold_s, "'for'")?,
    };
    let incident = match f.kind {
        Kind::Nothing => None,
        Kind::AppDown => Some(Incident::AppDown {
            server: 0,
            at_s: number(&f.at_s, "the start")?,
            for_s: number(&f.for_s, "the length")?,
        }),
        Kind::BadRelease => Some(Incident::BadRelease {
            at_s: number(&f.at_s, "the start")?,
            for_s: number(&f.for_s, "the length")?,
            share: number(&f.share_pct, "the share of pages")? / 100.0,
        }),
    };
    let spec = MonitorSpec {
        servers: f.servers,
        incident,
        rule,
        ..MonitorSpec::default()
    };
    spec.check()?;
    Ok(spec)
}

const COLOURS: [&str; 2] = ["s-web1", "s-web2"];

/// Each agent's series of one reading's figure.
fn per_agent(d: &Dashboard, f: fn(&Scrape) -> Option<f64>) -> Rc<Vec<Series>> {
    Rc::new(
        d.agents
            .iter()
            .zip(COLOURS)
            .map(|(a, class)| Series {
                label: a.host.clone().into(),
                class,
                side: Side::Left,
                // The first reading has no interval before it.
                points: a
                    .scrapes
                    .iter()
                    .skip(1)
                    .map(|s| (f64::from(s.at_s), f(s)))
                    .collect(),
                markers: false,
            })
            .collect(),
    )
}

/// The balancer's agent's series (two servers): the frontend's figure
/// between consecutive reads of `show stat`.
fn balancer_series(
    d: &Dashboard,
    f: fn(&balancer::Read, &balancer::Read) -> Option<f64>,
) -> Option<Series> {
    let b = d.balancer.as_ref()?;
    Some(Series {
        label: format!("{} (visitors, show stat)", b.host).into(),
        class: "s-lb",
        side: Side::Left,
        points: b
            .reads
            .windows(2)
            .map(|w| (f64::from(w[1].at_s), f(&w[1], &w[0])))
            .collect(),
        markers: false,
    })
}

fn markers(d: &Dashboard) -> Vec<Marker> {
    let mut out = Vec::new();
    if let Some((from, to)) = d.incident_window() {
        out.push(Marker {
            x: from,
            label: "incident".into(),
        });
        out.push(Marker {
            x: to.min(f64::from(d.spec.minutes * 60)),
            label: "over".into(),
        });
    }
    if let (_, Some(f), _) = d.alert_times() {
        out.push(Marker {
            x: f64::from(f),
            label: "fires".into(),
        });
    }
    // In time order: a label near the one before it goes a line lower.
    stackscope_core::order::sort_by(&mut out, |a, b| a.x.total_cmp(&b.x));
    out
}

fn time_axis(d: &Dashboard) -> Axis {
    Axis {
        label: "seconds since the dashboard began".into(),
        unit: Unit::Seconds,
        min: 0.0,
        max: f64::from(d.spec.minutes * 60),
        log: false,
    }
}

fn top(series: &[Series], floor: f64) -> f64 {
    series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .fold(floor, f64::max)
        * 1.1
}

/// The rule's state at every evaluation, a cell each.
fn strip(d: &Dashboard) -> Html {
    let n = d.evaluations.len().max(1) as f64;
    let w = 960.0 / n;
    let (pending, fired, resolved) = d.alert_times();
    let label = match (pending, fired) {
        (_, Some(f)) => format!(
            "The alert rule at each evaluation: firing from {}{}",
            clock(f64::from(f)),
            resolved.map_or(String::new(), |r| format!(" to {}", clock(f64::from(r))))
        ),
        (Some(p), None) => format!(
            "The alert rule at each evaluation: pending from {}, never firing",
            clock(f64::from(p))
        ),
        _ => "The alert rule at each evaluation: never pending".into(),
    };
    html! {
        <>
        <svg id="monitor-alert" class="monitor-strip" viewBox="0 0 1000 32" preserveAspectRatio="none" role="img" aria-label={label}>
            { for d.evaluations.iter().enumerate().map(|(k, e)| {
                let class = match e.state {
                    State::Inactive => "ev-ok",
                    State::Pending => "ev-pending",
                    State::Firing => "ev-firing",
                };
                html! {
                    <rect class={class} x={format!("{:.1}", 20.0 + k as f64 * w)} y="4" height="24" width={format!("{:.1}", (w - 1.0).max(1.0))}>
                        <title>{ format!("{}: {:?}{}", clock(f64::from(e.at_s)), e.state,
                            e.share.map_or(String::new(), |s| format!(", 5xx share {:.1}%", s * 100.0))) }</title>
                    </rect>
                }
            }) }
        </svg>
        // In the page's own type, so it reads on a phone too.
        <p class="monitor-ticks" aria-hidden="true">
            { for (0..=d.spec.minutes).step_by(((d.spec.minutes / 5).max(1)) as usize).map(|m| html! { <span>{ format!("{m}:00") }</span> }) }
        </p>
        </>
    }
}

fn charts(d: &Dashboard) -> Html {
    let x = time_axis(d);
    let marks = markers(d);
    let mut qps = (*per_agent(d, |s| Some(s.qps))).clone();
    qps.extend(balancer_series(d, |r, before| Some(r.qps_since(before))));
    let qps = Rc::new(qps);
    let mut errors = (*per_agent(d, |s| s.error_share)).clone();
    errors.extend(balancer_series(d, |r, before| r.error_share_since(before)));
    let errors = Rc::new(errors);
    let latency = per_agent(d, |s| s.p95_us.map(|u| u as f64));
    let busy = per_agent(d, |s| Some(s.busy));
    let cpu = per_agent(d, |s| Some(s.cpu));
    // The first agent's percentiles side by side: the median moves little
    // while the slowest answers (p99) show the trouble first.
    let first = d.agents.first();
    let first_host = first.map_or("web-01", |a| a.host.as_str()).to_string();
    let percentile =
        |label: &'static str, class: &'static str, f: fn(&Scrape) -> Option<u64>| Series {
            label: label.into(),
            class,
            side: Side::Left,
            points: first
                .map(|a| {
                    a.scrapes
                        .iter()
                        .skip(1)
                        .map(|s| (f64::from(s.at_s), f(s).map(|u| u as f64)))
                        .collect()
                })
                .unwrap_or_default(),
            markers: false,
        };
    let percentiles = Rc::new(vec![
        percentile("p50 (median)", "s-p50", |s| s.p50_us),
        percentile("p95", "s-p95", |s| s.p95_us),
        percentile("p99", "s-p99", |s| s.p99_us),
    ]);
    let threshold = d.spec.rule.threshold;
    let mut errors_with_rule = (*errors).clone();
    errors_with_rule.push(Series {
        label: format!("the rule's threshold ({:.1}%)", threshold * 100.0).into(),
        class: "s-threshold",
        side: Side::Left,
        points: vec![(0.0, Some(threshold)), (x.max, Some(threshold))],
        markers: false,
    });
    let hosts = d
        .agents
        .iter()
        .map(|a| a.host.as_str())
        .collect::<Vec<_>>()
        .join(" and ");
    let lb = d
        .balancer
        .as_ref()
        .map(|b| {
            format!(
                "; and at {}, from its agent's show stat (the visitors only)",
                b.host
            )
        })
        .unwrap_or_default();
    // `and`: what the chart adds to the servers' agents (the balancer's).
    let summary = |what: &str, and: &str| {
        format!("{what} for {hosts}, every 15 s, from each server's agent{and}.")
    };
    let lat_top = top(&latency, 1000.0).max(top(&percentiles, 1000.0));
    let yaxis = |label: &'static str, unit: Unit, min: f64, max: f64, log: bool| Axis {
        label: label.into(),
        unit,
        min,
        max,
        log,
    };
    let errors_top = top(&errors_with_rule, 0.02).min(1.0);
    let charts = [
        (
            "monitor-qps",
            "Requests per second (stub_status; the balancer's show stat)",
            summary("Requests per second", &lb),
            yaxis("requests/s", Unit::PerSecond, 0.0, top(&qps, 1.0), false),
            qps,
        ),
        (
            "monitor-errors",
            "Share of 5xx answers (access log; the balancer's show stat)",
            summary("The share of 5xx answers", &lb),
            yaxis("5xx share", Unit::Share, 0.0, errors_top, false),
            Rc::new(errors_with_rule),
        ),
        (
            "monitor-latency",
            "Latency, 95th percentile (access log)",
            summary("The 95th percentile of the answers' time", ""),
            yaxis("p95", Unit::Us, 100.0, lat_top, true),
            latency,
        ),
        (
            "monitor-percentiles",
            "Latency percentiles of the first server (access log)",
            format!("The median, 95th and 99th percentiles of {first_host}'s answer times, every 15 s, from its agent."),
            yaxis("latency", Unit::Us, 100.0, lat_top, true),
            percentiles,
        ),
        (
            "monitor-cpu",
            "CPU (the machine's cores computing)",
            summary("The share of the machine's cores computing: Nginx's work and the application's, not its waits for the database (modelled)", ""),
            yaxis("CPU", Unit::Share, 0.0, 1.0, false),
            cpu,
        ),
        (
            "monitor-busy",
            "Application workers busy",
            summary("The share of the application's workers busy (one a core)", ""),
            yaxis("busy", Unit::Share, 0.0, 1.0, false),
            busy,
        ),
    ];
    html! {
        <div class="load-charts monitor-charts">
            { for charts.into_iter().map(|(id, title, summary, y, series)| html! {
                <LineChart id={id} title={title} summary={summary} x={x.clone()} y={y} series={series} markers={marks.clone()} />
            }) }
        </div>
    }
}

/// "How would you monitor the web server's QPS?": the status page, read twice.
fn qps_box(d: &Dashboard) -> Html {
    let Some((a, b, qps)) = d.qps_example() else {
        return Html::default();
    };
    let host = d.agents.first().map_or("web-01", |a| a.host.as_str());
    html! {
        <section id="monitor-qps-how" class="monitor-how" aria-labelledby="monitor-qps-title">
            <h3 id="monitor-qps-title">{ "Its web server's QPS, the way the agent gets it" }</h3>
            <p class="hint">{ format!("Nginx's stub_status page counts every request since it started. The agent on {host} reads it every 15 s over the loopback; two readings give the rate.") }</p>
            <pre class="code" tabindex="0">{ "location = /nginx_status {\n    stub_status;\n    allow 127.0.0.1;   # the agent on this machine\n    deny all;\n    access_log off;\n}" }</pre>
            <div class="monitor-reads">
                <figure>
                    <figcaption>{ format!("at {}", clock(f64::from(a.at_s))) }</figcaption>
                    <pre class="code" id="monitor-read-1">{ a.status.text() }</pre>
                </figure>
                <figure>
                    <figcaption>{ format!("at {}", clock(f64::from(b.at_s))) }</figcaption>
                    <pre class="code" id="monitor-read-2">{ b.status.text() }</pre>
                </figure>
            </div>
            <p id="monitor-qps-sum">
                { format!(
                    "({} − {} − 1) ÷ {} s = {:.1} requests per second. The − 1 is the agent's own second read, which the page counts too.{}",
                    b.status.requests, a.status.requests, b.at_s - a.at_s, qps,
                    if b.checks > 0 {
                        format!(" {} of the requests were the balancer's health checks ({:.1} a second): they reach Nginx like any other.", b.checks, b.checks as f64 / f64::from(b.at_s - a.at_s))
                    } else {
                        String::new()
                    }
                ) }
            </p>
        </section>
    }
}

/// The balancer's agent: HAProxy's `show stat`, read once while a server
/// was out of rotation (else at the end).
fn balancer_box(d: &Dashboard) -> Html {
    let Some(b) = &d.balancer else {
        return Html::default();
    };
    let read = d
        .out_of_rotation
        .and_then(|(out, back)| {
            // The middle read of those taken while the server was out.
            let during: Vec<_> = b
                .reads
                .iter()
                .filter(|r| (out..back).contains(&f64::from(r.at_s)))
                .collect();
            during.get(during.len() / 2).copied()
        })
        .or(b.reads.last());
    let Some(read) = read else {
        return Html::default();
    };
    let st = &read.stat;
    html! {
        <section id="monitor-lb-how" class="monitor-how" aria-labelledby="monitor-lb-title">
            <h3 id="monitor-lb-title">{ format!("The balancer's agent, on {}", b.host) }</h3>
            <p class="hint">{ "HAProxy counts every request it takes and every answer it sends, per frontend and per server, and prints them on its admin socket (show stat, CSV). The agent keeps eleven columns every 15 s. Its health checks are its own requests: they are only in each server's check fields." }</p>
            <pre class="code" tabindex="0">{ "echo \"show stat\" | socat stdio /run/haproxy/admin.sock \\\n  | cut -d, -f1,2,8,18,22,23,37,38,41,44,49" }</pre>
            <div class="monitor-reads">
                <figure>
                    <figcaption>{ format!("at {}", clock(f64::from(read.at_s))) }</figcaption>
                    <pre class="code" id="monitor-lb-read" tabindex="0">{ st.csv() }</pre>
                </figure>
            </div>
            <p id="monitor-lb-sum">
                { format!(
                    "The FRONTEND line is the visitors: {} requests so far, {} answered 5xx. The web servers' access logs held {} 5xx by then: theirs include the health checks.",
                    st.requests,
                    st.hrsp_5xx,
                    d.agents.iter().filter_map(|a| a.scrapes.iter().find(|s| s.at_s == read.at_s)).map(|s| s.errors_5xx).sum::<u64>(),
                ) }
            </p>
        </section>
    }
}

fn field(
    form: &UseStateHandle<Form>,
    id: &'static str,
    label: &'static str,
    value: String,
    set: fn(&mut Form, String),
) -> Html {
    crate::components::day_field::form_field(form, id, label, value, set)
}

#[component]
pub fn MonitorPanel(props: &Props) -> Html {
    let form = {
        let link = props.link.clone();
        use_state(move || link.unwrap_or_default())
    };
    let error = use_state(|| None::<String>);
    crate::components::day_field::use_into_view_when_linked("monitor-panel", props.link.is_some());
    crate::components::day_field::use_into_view_when_linked_result(
        "monitor-panel",
        props.link.is_some(),
        props.dashboard.is_some(),
    );
    // A link runs its dashboard once, at start.
    {
        let (on_run, link) = (props.on_run.clone(), props.link.clone());
        let error = error.clone();
        use_effect_with((), move |_| {
            if let Some(f) = link {
                match spec_of(&f) {
                    Ok(spec) => on_run.emit(spec),
                    Err(e) => error.set(Some(e)),
                }
            }
        });
    }
    let on_submit = {
        let (form, error, on_run) = (form.clone(), error.clone(), props.on_run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match spec_of(&form) {
                Ok(spec) => {
                    error.set(None);
                    on_run.emit(spec);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let on_servers = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut f = (*form).clone();
            f.servers = if el.value() == "2" { 2 } else { 1 };
            form.set(f);
        })
    };
    let on_kind = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut f = (*form).clone();
            f.kind = Kind::from_key(&el.value()).unwrap_or(Kind::Nothing);
            form.set(f);
        })
    };
    let f = &*form;
    let body = match props.dashboard.as_ref().map(|d| &*d.0) {
        None => html! {
            <p class="hint">{ "Press Watch: the load engine runs 10 minutes of traffic (each kind of request costs what the simulator measured for it) with the incident in it, and the agents read each server every 15 s." }</p>
        },
        Some(Err(e)) => html! { <p class="day-error" role="alert">{ format!("✕ {e}") }</p> },
        Some(Ok(d)) => html! {
            <>
                <ul id="monitor-note" class="day-note">
                    { for d.notes.iter().map(|s| html! { <li>{ s.clone() }</li> }) }
                </ul>
                <h3 class="monitor-h">{ "The alert rule, every 15 s" }</h3>
                { strip(d) }
                <p class="hint monitor-key">
                    <span class="key-ok" aria-hidden="true">{ "■" }</span>{ " quiet  " }
                    <span class="key-pending" aria-hidden="true">{ "■" }</span>{ " pending (the condition holds; waiting for 'for')  " }
                    <span class="key-firing" aria-hidden="true">{ "■" }</span>{ " firing: someone is paged" }
                </p>
                { charts(d) }
                if let Some(lag) = d.replica_lag_s {
                    <p id="monitor-lag" class="hint">
                        { format!("Replication lag, from the database agent (MySQL's Seconds_Behind_Master): {lag:.1} s all along; modelled as constant here, and an alert on it would catch a replica falling behind.") }
                    </p>
                }
                { qps_box(d) }
                { balancer_box(d) }
                <details class="load-config">
                    <summary>{ "The alert rule, as a Prometheus rule file" }</summary>
                    <pre id="monitor-rule" class="code" tabindex="0">{ d.spec.rule.yaml() }</pre>
                </details>
            </>
        },
    };
    let release = f.kind == Kind::BadRelease;
    let incident_fields = (f.kind != Kind::Nothing).then(|| {
        html! {
            <>
                { field(&form, "monitor-at", "Starts at, s", f.at_s.clone(), |f, v| f.at_s = v) }
                { field(&form, "monitor-for", "Lasts, s", f.for_s.clone(), |f, v| f.for_s = v) }
                if release {
                    { field(&form, "monitor-share", "Pages failing, %", f.share_pct.clone(), |f, v| f.share_pct = v) }
                }
            </>
        }
    });
    html! {
        <section id="monitor-panel" class="day-panel monitor-panel" aria-labelledby="monitor-title">
            <h2 id="monitor-title">{ "Monitoring: an agent on each server, and an alert" }</h2>
            <p class="hint">
                { "A monitoring agent on each web server reads Nginx's status page and access log and how busy the \
                   application's workers are every 15 s, and sends them to a monitoring service, which checks an alert rule. The traffic and its costs are the \
                   load engine's; the rule is evaluated as Prometheus does (checked against promtool)." }
            </p>
            <form class="day-form monitor-form" onsubmit={on_submit}>
                <label class="day-field">
                    <span>{ "Design" }</span>
                    <select id="monitor-servers" onchange={on_servers}>
                        <option value="1" selected={f.servers == 1}>{ "one server" }</option>
                        <option value="2" selected={f.servers == 2}>{ "two behind the balancer" }</option>
                    </select>
                </label>
                <label class="day-field">
                    <span>{ "What goes wrong" }</span>
                    <select id="monitor-kind" onchange={on_kind}>
                        { for Kind::ALL.iter().map(|(k, key, text)| html! {
                            <option value={*key} selected={f.kind == *k}>{ *text }</option>
                        }) }
                    </select>
                </label>
                { for incident_fields }
                { field(&form, "monitor-threshold", "Alert above, % 5xx", f.threshold_pct.clone(), |f, v| f.threshold_pct = v) }
                { field(&form, "monitor-window", "Over, s", f.window_s.clone(), |f, v| f.window_s = v) }
                { field(&form, "monitor-hold", "For, s", f.hold_s.clone(), |f, v| f.hold_s = v) }
                <button type="submit" id="monitor-run" class="demo" disabled={props.running}>
                    { if props.running { "Watching…" } else { "Watch 10 minutes" } }
                </button>
                <a id="monitor-link" class="day-link" href={link_of(f)}>{ "Link to this dashboard" }</a>
            </form>
            if let Some(e) = &*error {
                <p id="monitor-error" class="day-error" role="alert">{ format!("✕ {e}. The other settings are kept; the last dashboard stays below.") }</p>
            }
            <div aria-live="polite">{ body }</div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_form_makes_the_spec_or_says_what_is_wrong() {
        let spec = spec_of(&Form::default()).unwrap();
        assert_eq!(spec.incident, MonitorSpec::default().incident);
        assert_eq!(spec.rule, AlertRule::default());
        let bad = |f: Form| spec_of(&f).unwrap_err();
        let d = Form::default();
        assert_eq!(
            bad(Form {
                threshold_pct: "lots".into(),
                ..d.clone()
            }),
            "the threshold is a number, not “lots”"
        );
        assert!(bad(Form {
            window_s: "10".into(),
            ..d.clone()
        })
        .contains("rate() needs two samples"));
        assert!(bad(Form {
            at_s: "900".into(),
            ..d.clone()
        })
        .contains("during the run"));
        assert!(bad(Form {
            kind: Kind::BadRelease,
            share_pct: "0".into(),
            ..d
        })
        .contains("bad release"));
    }

    #[test]
    fn links_read_back() {
        let f = Form {
            servers: 2,
            kind: Kind::BadRelease,
            share_pct: "5".into(),
            ..Form::default()
        };
        assert_eq!(parse_link(&link_of(&f)), Some(f));
        assert_eq!(parse_link("#backup=02:00"), None);
        assert_eq!(parse_link("#monitor=none").unwrap().kind, Kind::Nothing);
    }
}
