//! Backups: the one server's disk fails; what the nightly dump saves (and loses), how long the site is down while a new server is built from it, and the replica's answer beside it.

use stackscope_core::backup::{self, BackupSpec, Recovery, ReplicaRecovery};
use stackscope_core::day::{self, DaySpec};
use stackscope_core::load::LoadSpec;
use stackscope_core::{Scenario, Topology};
use yew::prelude::*;

use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The running world: its rows are what the dump holds.
    pub world: Shared<Scenario>,
    /// The settings of a `#backup=…` link the page was opened with.
    #[prop_or_default]
    pub link: Option<Form>,
    /// The mistaken-DELETE run, and whether one is running.
    #[prop_or_default]
    pub mistake: Option<Shared<Result<Box<stackscope_core::mistake::MistakeRun>, String>>>,
    #[prop_or_default]
    pub mistake_running: bool,
    #[prop_or_default]
    pub on_mistake: Callback<String>,
    /// The statement of a `#mistake=…` link.
    #[prop_or_default]
    pub mistake_link: Option<String>,
    /// What the running world's backups hold, on its clock.
    #[prop_or_default]
    pub backups: Option<stackscope_core::backup::BackupStatus>,
    /// Waiting, the schedule and the disk fault of the running world.
    #[prop_or_default]
    pub on_action: Callback<crate::panels::backups::BackupAsk>,
}

/// The form's text, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub at: String,
    pub every: String,
    pub fail: String,
    /// Empty: the dump of this site's rows.
    pub size_mb: String,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            at: "02:00".into(),
            every: "24".into(),
            fail: "18:00".into(),
            size_mb: String::new(),
        }
    }
}

/// True for a fragment the backup panel reads.
pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with("#backup=")
}

/// Reads `#backup=02:00&every=24&fail=18:00[&size=50000]`.
pub fn parse_link(fragment: &str) -> Option<Form> {
    if !is_link(fragment) {
        return None;
    }
    let mut f = Form::default();
    for (k, v) in crate::maintenance::fragment_pairs(fragment) {
        match k {
            "backup" => f.at = v,
            "every" => f.every = v,
            "fail" => f.fail = v,
            "size" => f.size_mb = v,
            _ => {}
        }
    }
    Some(f)
}

/// Share of the day's requests that write: the post pages of the load
/// panel's mix (each view runs `UPDATE posts SET views = views + 1`).
fn write_share() -> f64 {
    let mix = LoadSpec::default().mix;
    let total: u32 = mix.iter().map(|(_, w)| w).sum();
    let posts: u32 = mix
        .iter()
        .filter(|(u, _)| u.contains("/posts/"))
        .map(|(_, w)| w)
        .sum();
    f64::from(posts) / f64::from(total.max(1))
}

/// Everything the panel shows.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub spec: BackupSpec,
    pub dump_bytes: usize,
    pub recovery: Recovery,
    pub replica: ReplicaRecovery,
    pub ttl_s: u32,
}

pub fn compute(form: &Form, world: &Scenario) -> Result<View, String> {
    let at = day::parse_clock(&form.at).map_err(|e| format!("the backup's time: {e}"))?;
    let fail = day::parse_clock(&form.fail).map_err(|e| format!("the failure's time: {e}"))?;
    let every: f64 = form
        .every
        .trim()
        .parse()
        .map_err(|_| "the time between backups is a number of hours, like 24".to_string())?;
    let dump_bytes = backup::dump(&world.data).len();
    let size = if form.size_mb.trim().is_empty() {
        dump_bytes as f64
    } else {
        form.size_mb
            .trim()
            .parse::<f64>()
            .map(|mb| mb * 1e6)
            .map_err(|_| "the database's size is a number of megabytes, like 50000".to_string())?
    };
    let spec = BackupSpec {
        at_h: at / 3600.0,
        every_h: every,
        ..BackupSpec::nightly(size, write_share())
    };
    let ttl_s = backup::apex_ttl(world).unwrap_or(0);
    let day = DaySpec::default();
    let recovery = backup::recover(&spec, &day, ttl_s, fail)?;
    let cluster = match &world.topology {
        Topology::Redundant(c) => c.clone(),
        Topology::Single => match stackscope_core::seed::redundant_stack().topology {
            Topology::Redundant(c) => c,
            Topology::Single => return Err("the redundant design is missing".into()),
        },
    };
    let replica = backup::replica(
        &day,
        spec.write_share,
        cluster.replication_lag_us as f64 / 1e6,
        cluster.promote_after_us as f64 / 1e6,
        fail,
    );
    Ok(View {
        spec,
        dump_bytes,
        recovery,
        replica,
        ttl_s,
    })
}

/// `16 h 0 min`, `4 min 10 s`, `12 s`.
pub fn span(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{} h {} min", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

fn n(v: f64) -> String {
    crate::format::thousands(v.round().max(0.0) as u64)
}

/// The finding, in sentences computed from the view.
pub fn sentences(v: &View) -> Vec<String> {
    let r = &v.recovery;
    let when = |t: f64| {
        if t < 0.0 {
            format!("{} the day before", day::clock(t + day::DAY_S))
        } else {
            day::clock(t)
        }
    };
    let mut out = vec![format!(
        "The disk fails at {}. The last finished dump began at {}{}: everything written since, {} ({}), is lost. That is the recovery point.",
        day::clock(r.failed_at_s),
        when(r.snapshot_s),
        if r.dump_in_progress { " (the one being written when the disk failed is lost with it)" } else { "" },
        span(r.rpo_s),
        format_args!("about {} view-count updates, and any post or user added or edited", n(r.lost_writes)),
    )];
    out.push(format!(
        "The site is back after {}, the recovery time: {} requests found it down.",
        span(r.rto_s),
        n(r.failed_requests)
    ));
    let rep = &v.replica;
    out.push(format!(
        "With the redundant design's replica, the same failure of the primary loses only the writes of its {:.1} s of replication lag (about {}), and writes fail for {} until the replica is promoted while reads go on.",
        rep.lag_s,
        n(rep.lost_writes),
        span(rep.promote_s),
    ));
    out.push(format!(
        "A replica is not a backup: a mistaken DELETE reaches the replica {:.1} s later, because it replays every statement. Only a dump from before the mistake still has the rows.",
        rep.lag_s
    ));
    out
}

fn strip(v: &View) -> Html {
    const L: f64 = 20.0;
    const W: f64 = 960.0;
    let x = |t: f64| L + (t / day::DAY_S).clamp(0.0, 1.0) * W;
    let r = &v.recovery;
    let every = v.spec.every_h * 3600.0;
    let mut dumps = Vec::new();
    let mut t = v.spec.at_h * 3600.0 - every * ((v.spec.at_h * 3600.0 / every).floor());
    while t < day::DAY_S {
        dumps.push(t);
        t += every;
    }
    let lost_from = x(r.snapshot_s.max(0.0));
    let down_to = x(r.failed_at_s + r.rto_s);
    let ticks = (0..=4).map(|i| {
        let h = i * 6;
        let anchor = match h {
            0 => "start",
            24 => "end",
            _ => "middle",
        };
        html! {
            <text class="day-tick" x={format!("{:.1}", x(f64::from(h) * 3600.0))} y="96" text-anchor={anchor}>
                { if h == 24 { "24:00".to_string() } else { day::clock(f64::from(h) * 3600.0) } }
            </text>
        }
    });
    html! {
        <svg id="backup-strip" class="day-chart" viewBox="0 0 1000 104" role="img"
            aria-label={format!("The day: dumps every {:.0} h from {}, the disk failing at {}, data lost since {}, the site down for {}",
                v.spec.every_h, day::clock(v.spec.at_h * 3600.0), day::clock(r.failed_at_s),
                day::clock(r.snapshot_s.rem_euclid(day::DAY_S)), span(r.rto_s))}>
            <line class="tl-axis" x1={L.to_string()} x2={(L + W).to_string()} y1="70" y2="70" />
            <rect class="backup-lost" x={format!("{lost_from:.1}")} y="30" height="30"
                width={format!("{:.1}", (x(r.failed_at_s) - lost_from).max(1.0))}>
                <title>{ format!("Written since the last dump, lost: {}", span(r.rpo_s)) }</title>
            </rect>
            <rect class="backup-down" x={format!("{:.1}", x(r.failed_at_s))} y="30" height="30"
                width={format!("{:.1}", (down_to - x(r.failed_at_s)).max(2.0))}>
                <title>{ format!("The site is down: {}", span(r.rto_s)) }</title>
            </rect>
            { for dumps.iter().map(|t| html! {
                <g class="backup-dump">
                    <path d={format!("M{a:.1} 28 l-6 -10 h12 z", a = x(*t))} />
                    <title>{ format!("Dump at {}", day::clock(*t)) }</title>
                </g>
            }) }
            <path class="tl-fail" d={format!("M{a:.1} 38 l14 14 m0 -14 l-14 14", a = x(r.failed_at_s) - 7.0)}>
                <title>{ format!("The disk fails at {}", day::clock(r.failed_at_s)) }</title>
            </path>
            { for ticks }
        </svg>
    }
}

#[component]
pub fn BackupPanel(props: &Props) -> Html {
    let form = {
        let link = props.link.clone();
        use_state(move || link.unwrap_or_default())
    };
    crate::components::day_field::use_into_view_when_linked("backup-panel", props.link.is_some());
    let field =
        |id: &'static str, label: &'static str, value: String, set: fn(&mut Form, String)| {
            crate::components::day_field::form_field(&form, id, label, value, set)
        };
    // Computed and drawn once asked for (a link asks at once), so the
    // page's start does not pay for it.
    let shown = use_state(|| props.link.is_some());
    let view = use_memo(
        ((*form).clone(), props.world.clone(), *shown),
        |(f, w, shown)| shown.then(|| compute(f, w)),
    );
    let last_good = use_mut_ref(|| None::<View>);
    let dump_open = use_state(|| false);
    let on_dump = {
        let dump_open = dump_open.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            dump_open.set(!*dump_open);
        })
    };
    let f = &*form;
    let on_show = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(true))
    };
    let body = match &*view {
        None => html! {
            <button type="button" id="backup-run" class="demo" onclick={on_show}>{ "Fail the disk" }</button>
        },
        Some(Ok(v)) => {
            *last_good.borrow_mut() = Some(v.clone());
            let r = &v.recovery;
            html! {
                <>
                    { strip(v) }
                    <p class="hint backup-key">
                        <span class="key-dump" aria-hidden="true">{ "▼" }</span>{ " a dump  " }
                        <span class="key-lost" aria-hidden="true">{ "■" }</span>{ " written since the last finished dump: lost  " }
                        <span class="key-down" aria-hidden="true">{ "■" }</span>{ " the site is down" }
                    </p>
                    <dl class="load-figures backup-figures">
                        <div><dt>{ "Recovery point (RPO)" }</dt><dd id="backup-rpo">{ span(r.rpo_s) }</dd></div>
                        <div><dt>{ "Writes lost" }</dt><dd id="backup-lost">{ format!("about {}", n(r.lost_writes)) }</dd></div>
                        <div><dt>{ "Recovery time (RTO)" }</dt><dd id="backup-rto">{ span(r.rto_s) }</dd></div>
                        <div><dt>{ "Requests failed meanwhile" }</dt><dd id="backup-failed">{ format!("about {}", n(r.failed_requests)) }</dd></div>
                    </dl>
                    <table id="backup-steps" class="day-table">
                        <caption>{ "Getting the site back (each time modelled)" }</caption>
                        <tbody>
                            { for r.steps.iter().map(|s| html! {
                                <tr><th scope="row">{ s.what.clone() }</th><td>{ span(s.secs) }</td></tr>
                            }) }
                        </tbody>
                    </table>
                    <ul id="backup-note" class="day-note">
                        { for sentences(v).into_iter().map(|s| html! { <li>{ s }</li> }) }
                    </ul>
                    <details class="load-config" open={*dump_open}>
                        <summary onclick={on_dump}>{ format!("The dump of this site's rows ({}, as mariadb-dump writes them)", backup::bytes(v.dump_bytes as f64)) }</summary>
                        // Written out only once asked for.
                        if *dump_open {
                            <pre id="backup-dump" class="code" tabindex="0">{ backup::dump(&props.world.data) }</pre>
                        }
                    </details>
                </>
            }
        }
        Some(Err(e)) => html! {
            <>
                <p id="backup-error" class="day-error" role="alert">{ format!("✕ {e}. The other settings are kept; the last recovery that could be computed stays below.") }</p>
                { for last_good.borrow().as_ref().map(|v| html! { <div class="stale"><p class="hint">{ "The last recovery computed:" }</p>{ strip(v) }</div> }) }
            </>
        },
    };
    let share = format!(
        "#backup={}&every={}&fail={}{}",
        f.at,
        f.every,
        f.fail,
        if f.size_mb.trim().is_empty() {
            String::new()
        } else {
            format!("&size={}", f.size_mb.trim())
        }
    );
    html! {
        <section id="backup-panel" class="day-panel" aria-labelledby="backup-title">
            <h2 id="backup-title">{ "Backups: the one server's disk fails" }</h2>
            <p class="hint">
                { "A dead disk takes the data with it. A scheduled dump to another machine lets a new server start from it; \
                   what was written after the dump is gone. The dump below is real; the times of each step and the day's \
                   traffic (peak 40 requests/s at 20:00; each view of a post writes its view count) are modelled." }
            </p>
            <div class="day-form">
                { field("backup-at", "Dump at", f.at.clone(), |f, v| f.at = v) }
                { field("backup-every", "Every, hours", f.every.clone(), |f, v| f.every = v) }
                { field("backup-fail", "Disk fails at", f.fail.clone(), |f, v| f.fail = v) }
                { field("backup-size", "Size, MB (empty: this site's)", f.size_mb.clone(), |f, v| f.size_mb = v) }
                <a id="backup-link" class="day-link" href={share}>{ "Link to this failure" }</a>
            </div>
            <div aria-live="polite">{ body }</div>
            <crate::components::backup_live::BackupLive
                status={props.backups.clone()}
                world={props.world.clone()}
                at={f.at.clone()}
                every={f.every.clone()}
                on_action={props.on_action.clone()}
            />
            <crate::components::mistake_run::MistakeRunView
                result={props.mistake.clone()}
                running={props.mistake_running}
                on_run={props.on_mistake.clone()}
                link={props.mistake_link.clone()}
            />
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn an_evening_failure_on_the_seed_stack() {
        let world = stackscope_core::seed::simple_stack();
        let v = compute(&Form::default(), &world).unwrap();
        assert_eq!(v.recovery.rpo_s, 16.0 * 3600.0);
        assert_eq!(span(v.recovery.rpo_s), "16 h 0 min");
        let s = sentences(&v);
        assert!(s[0].starts_with("The disk fails at 18:00. The last finished dump began at 02:00: everything written since, 16 h 0 min"), "{s:?}");
        assert!(s[2].contains("1.5 s of replication lag"), "{s:?}");
        assert!(s[3].starts_with("A replica is not a backup"), "{s:?}");
        // The zone's A record TTL is a step of the recovery.
        let ttl = v.recovery.steps.last().unwrap().secs;
        assert_eq!(ttl, f64::from(backup::apex_ttl(&world).unwrap()));
    }

    #[test]
    fn bad_fields_say_which() {
        let world = stackscope_core::seed::simple_stack();
        let bad = |f: Form| compute(&f, &world).unwrap_err();
        let d = Form::default();
        assert_eq!(
            bad(Form {
                every: "0".into(),
                ..d.clone()
            }),
            "a backup every 0 hours never runs: choose 1 to 168 hours"
        );
        assert_eq!(
            bad(Form {
                every: "daily".into(),
                ..d.clone()
            }),
            "the time between backups is a number of hours, like 24"
        );
        assert_eq!(
            bad(Form {
                fail: "25:00".into(),
                ..d.clone()
            }),
            "the failure's time: “25:00” is not a time of day like 03:00"
        );
        assert!(bad(Form {
            size_mb: "40000000".into(),
            ..d
        })
        .contains("no backup would ever finish"));
    }

    #[test]
    fn links_read_back() {
        let f = parse_link("#backup=03:30&every=12&fail=22:00&size=500").unwrap();
        assert_eq!(
            (
                f.at.as_str(),
                f.every.as_str(),
                f.fail.as_str(),
                f.size_mb.as_str()
            ),
            ("03:30", "12", "22:00", "500")
        );
        assert_eq!(parse_link("#window=03:00"), None);
    }
}
