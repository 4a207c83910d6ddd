//! Maintenance downtime: deploys and failovers as streams of requests, drawn on a timeline.

use stackscope_core::stream::{self, Noticed, Point, StreamResult};
use stackscope_core::Topology;
use yew::prelude::*;

use crate::format::secs;

use crate::faults::Demo;
use crate::state::Shared;

/// One stream of the downtime panel, as computed by the core.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRun {
    pub demo: Demo,
    /// The world it ran in (for names and timings in the note).
    pub scenario: Shared<stackscope_core::Scenario>,
    pub result: Shared<Result<StreamResult, String>>,
    /// Length of the stream, µs (for the axis).
    pub span_us: u64,
}

impl DemoRun {
    /// The stream the server ran for `demo`.
    pub fn of(demo: Demo, result: Result<StreamResult, String>) -> DemoRun {
        let spec = demo.spec();
        DemoRun {
            demo,
            scenario: Shared::new(demo.scenario()),
            result: Shared::new(result),
            span_us: spec.start_us + spec.every_us * u64::from(spec.count),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub demo: Option<DemoRun>,
    pub on_run: Callback<Demo>,
}

/// A request slower than this is drawn (and counted) as slow.
const SLOW_US: u64 = 1_000_000;

fn path_of(url: &str) -> &str {
    url.find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
        .unwrap_or(url)
}

/// "20 of 150 requests failed (502); outage 4.0 s: …" or "0 of 150 failed".
///
/// The outage is the time during which no request succeeded (the core's
/// `outage_us`); when failures are interleaved with successes there is none,
/// and the summary says over what time the failures were spread instead.
pub fn summary(r: &StreamResult) -> String {
    let n = r.points.len();
    let slow = r
        .points
        .iter()
        .filter(|p| p.ok && p.latency_us > SLOW_US)
        .count();
    let slow_text = if slow > 0 {
        format!("; {slow} succeeded but took over 1 s")
    } else {
        String::new()
    };
    if r.failed == 0 {
        return format!("0 of {n} failed{slow_text}");
    }
    let mut statuses: Vec<&str> = Vec::new();
    for p in r.points.iter().filter(|p| !p.ok) {
        if !statuses.contains(&p.status.as_str()) {
            statuses.push(&p.status);
        }
    }
    // When every failure is the same write, say so: it is the cause.
    let write = r
        .points
        .iter()
        .find(|p| !p.ok)
        .and_then(|p| p.sql.as_deref())
        .filter(|q| stream::is_write(q))
        .filter(|q| {
            r.points
                .iter()
                .filter(|p| !p.ok)
                .all(|p| p.sql.as_deref() == Some(*q))
        })
        .map(|q| format!(", each at the write {q}, which needs the primary database"))
        .unwrap_or_default();
    let failed = format!(
        "{} of {n} requests failed ({}){write}",
        r.failed,
        statuses.join(", ")
    );
    let first = r.points.iter().find(|p| !p.ok).map_or(0, |p| p.at_us);
    let last = r.points.iter().rev().find(|p| !p.ok).map_or(0, |p| p.at_us);
    let spread = format!(
        "failures from {} to {} ({} from the first to the last failure)",
        secs(first),
        secs(last),
        secs(r.failure_span_us)
    );
    match r.outage_start_us {
        Some(start) if r.outage_us > 0 => {
            let outage = format!(
                "outage {}: no request succeeded from {} to {} ({} failed in a row)",
                secs(r.outage_us),
                secs(start),
                secs(start + r.outage_us),
                r.longest_run
            );
            if r.failed == r.longest_run {
                format!("{failed}; {outage}{slow_text}")
            } else {
                format!("{failed}; {spread}; longest {outage}{slow_text}")
            }
        }
        _ => format!(
            "{failed}; {spread}; no outage: never two failures in a row, so the site was never fully down{slow_text}"
        ),
    }
}

/// Sentences about which requests failed or were slow, and why.
fn notes(run: &DemoRun, r: &StreamResult) -> Vec<String> {
    let mut out = Vec::new();
    // Failures, grouped by status and page.
    let mut groups: Vec<(String, &str, Vec<&Point>)> = Vec::new();
    for p in r.points.iter().filter(|p| !p.ok) {
        let path = path_of(&p.url);
        match groups
            .iter_mut()
            .find(|(s, u, _)| *s == p.status && *u == path)
        {
            Some((_, _, v)) => v.push(p),
            None => groups.push((p.status.clone(), path, vec![p])),
        }
    }
    for (status, path, pts) in &groups {
        let (first, last) = (pts[0].at_us, pts[pts.len() - 1].at_us);
        let why = pts[0]
            .reason
            .as_deref()
            .map(|r| {
                let write = pts[0]
                    .sql
                    .as_deref()
                    .filter(|q| stream::is_write(q))
                    .map(|q| format!(" to run {q}, a write that needs the primary database"))
                    .unwrap_or_default();
                format!(" Why: {}{write}.", r.trim_end_matches('.'))
            })
            .unwrap_or_default();
        out.push(format!(
            "{} request{} for {path} failed with {status}, sent between {} and {}.{why}",
            pts.len(),
            if pts.len() == 1 { "" } else { "s" },
            secs(first),
            secs(last)
        ));
    }
    let ok_paths: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for p in &r.points {
            let path = path_of(&p.url);
            if !v.contains(&path)
                && r.points
                    .iter()
                    .filter(|q| path_of(&q.url) == path)
                    .all(|q| q.ok)
            {
                v.push(path);
            }
        }
        v
    };
    if r.failed > 0 && !ok_paths.is_empty() {
        out.push(format!(
            "Every request for {} succeeded.",
            ok_paths.join(" and ")
        ));
    }
    let slow: Vec<&Point> = r
        .points
        .iter()
        .filter(|p| p.ok && p.latency_us > SLOW_US)
        .collect();
    if let (Some(a), Some(b)) = (slow.first(), slow.last()) {
        let max = slow.iter().map(|p| p.latency_us).max().unwrap_or(0);
        let why = a
            .reason
            .as_deref()
            .map(|r| {
                format!(
                    ": {}, so the load balancer waited and retried another server",
                    r.trim_end_matches('.')
                )
            })
            .unwrap_or_default();
        out.push(format!(
            "{} request{} sent between {} and {} succeeded but slowly (up to {}){why}.",
            slow.len(),
            if slow.len() == 1 { "" } else { "s" },
            secs(a.at_us),
            secs(b.at_us),
            secs(max)
        ));
    }
    if let Topology::Redundant(c) = &run.scenario.topology {
        match run.demo {
            Demo::PowerOffWeb | Demo::RestartNoDrain | Demo::PowerOffActive => {
                out.push(format!(
                    "The load balancer checks each web server every {} and takes one out of rotation after {} failed checks; until then it still sends it requests.",
                    secs(c.lb.health_check_interval_us),
                    c.lb.fall
                ));
                out.extend(detection_notes(c, r));
            }
            Demo::StopPrimary => out.extend(failover_note(c, r)),
            _ => {}
        }
        out.extend(pair_note(run.demo, c, r));
    }
    out
}

/// Active-active against active-passive, from the run: which servers
/// served before the failure, how long the failover took, and what each
/// way leaves in use.
fn pair_note(
    demo: Demo,
    c: &stackscope_core::scenario::Cluster,
    r: &StreamResult,
) -> Option<String> {
    if !matches!(demo, Demo::PowerOffWeb | Demo::PowerOffActive) {
        return None;
    }
    let n = c.web.len();
    let served: Vec<&str> = c
        .web
        .iter()
        .map(|w| w.hostname.as_str())
        .filter(|h| {
            r.points
                .iter()
                .any(|p| p.at_us < 2_000_000 && p.server.as_deref() == Some(*h))
        })
        .collect();
    let out_at = r.observed.iter().find_map(|o| match o.what {
        Noticed::ServerDown(0) => Some(o.at_us),
        _ => None,
    });
    let took = out_at.map_or("it was never taken out".to_string(), |t| {
        format!(
            "the failover took {} (until the checks took web-01 out)",
            secs(t.saturating_sub(2_000_000))
        )
    });
    Some(if demo == Demo::PowerOffActive {
        format!(
            "Active-passive: before the failure only {} served; the standby idled, so the pair gave one server's capacity. When web-01 lost power, every request failed until the standby took over: {took}. Until then, and whenever the standby is the one left, one server is all there is: a single point of failure.",
            served.join(" and ")
        )
    } else {
        let slow = r
            .points
            .iter()
            .filter(|p| p.ok && p.latency_us > SLOW_US)
            .count();
        let hit = if r.failed == 0 {
            format!("the requests sent to it waited for the connect timeout and were sent again to the other server: {slow} were slow, none failed")
        } else {
            format!("only requests sent to it failed ({})", r.failed)
        };
        format!(
            "Active-active: before the failure {} of {n} servers served ({}), so the pair gave {n} servers' capacity. When web-01 lost power, {hit}; {took}. The site was never fully down. With one server left, the capacity is halved and that server is a single point of failure until web-01 is back.",
            served.len(),
            served.join(" and ")
        )
    })
}

/// When the health checks took each server out, and what it cost: the
/// requests that server failed (or answered slowly) before.
fn detection_notes(c: &stackscope_core::scenario::Cluster, r: &StreamResult) -> Vec<String> {
    let mut out = Vec::new();
    let mut since = 0;
    for o in &r.observed {
        let Noticed::ServerDown(n) = o.what else {
            continue;
        };
        let Some(w) = c.web.get(usize::from(n)) else {
            continue;
        };
        let window = r
            .points
            .iter()
            .filter(|p| p.at_us >= since && p.at_us < o.at_us);
        let lost = window
            .clone()
            .filter(|p| !p.ok && p.server.as_deref() == Some(w.hostname.as_str()))
            .count();
        let slow = window.filter(|p| p.ok && p.latency_us > SLOW_US).count();
        since = o.at_us;
        let plural = |k: usize| if k == 1 { "" } else { "s" };
        let cost = match (lost, slow) {
            (0, 0) => "no request was lost or slow before that".to_string(),
            (0, k) => format!("before that, no request failed but {k} were slow"),
            (k, 0) => format!("before that, {k} request{} sent to it failed", plural(k)),
            (k, j) => format!(
                "before that, {k} request{} sent to it failed and {j} were slow",
                plural(k)
            ),
        };
        out.push(format!(
            "The health checks took {} out of rotation at {}; {cost}.",
            w.hostname,
            secs(o.at_us)
        ));
    }
    out
}

/// Why a database failover fails some pages and not others, from the run:
/// the failed statement (a write) and when the replica was promoted.
fn failover_note(c: &stackscope_core::scenario::Cluster, r: &StreamResult) -> Option<String> {
    let failed_write = r.points.iter().filter(|p| !p.ok).find_map(|p| {
        p.sql
            .as_deref()
            .filter(|q| stream::is_write(q))
            .map(|q| (p, q))
    });
    let promoted = r
        .observed
        .iter()
        .find(|o| o.what == Noticed::ReplicaPromoted);
    let reads = format!(
        "Reads went to the replica {}, so pages that only read kept working.",
        c.db_replica.hostname
    );
    let Some((p, q)) = failed_write else {
        return Some(reads);
    };
    let path = path_of(&p.url);
    let until = match promoted {
        Some(o) => format!(
            "until {} was promoted to primary at {} ({} after {} stopped)",
            c.db_replica.hostname,
            secs(o.at_us),
            secs(c.promote_after_us),
            c.db_primary.hostname
        ),
        None => format!(
            "for the rest of the stream: {} was not promoted",
            c.db_replica.hostname
        ),
    };
    Some(format!(
        "{reads} But {path} also writes: each view runs {q}, and every write needs the primary {}. So {path} failed with {} {until}.",
        c.db_primary.hostname, p.status
    ))
}

/// The stream's scheduled changes and what the load balancer and the
/// databases did by themselves, in time order: `(at, label, by itself)`.
fn happenings(r: &StreamResult) -> Vec<(u64, String, bool)> {
    let mut v: Vec<(u64, String, bool)> = r
        .events
        .iter()
        .map(|e| (e.at_us, e.label.clone(), false))
        .chain(r.observed.iter().map(|o| (o.at_us, o.label.clone(), true)))
        .collect();
    // At the same time, what the world did comes first: a health check due
    // at the moment of a change sees the world just before it.
    stackscope_core::order::sort_by_key(&mut v, |(at, _, by_itself)| (*at, !*by_itself));
    v
}

fn timeline(run: &DemoRun, r: &StreamResult) -> Html {
    use crate::components::stream_timeline::{draw, Change, Mark, Request};
    let requests = r.points.iter().map(|p| Request {
        at_us: p.at_us,
        row: usize::from(!p.ok),
        mark: if p.ok {
            Mark::Ok {
                slow: p.latency_us > SLOW_US,
            }
        } else {
            Mark::Failed
        },
        tip: format!(
            "{}: {} {} in {}{}",
            secs(p.at_us),
            path_of(&p.url),
            p.status,
            secs(p.latency_us),
            p.server
                .as_deref()
                .map(|s| format!(" via {s}"))
                .unwrap_or_default()
        ),
    });
    let changes: Vec<Change> = happenings(r)
        .into_iter()
        .map(|(at_us, label, by_itself)| Change {
            at_us,
            label,
            by_itself,
        })
        .collect();
    draw(
        "deploy-timeline",
        format!("Timeline of {} requests: {}", r.points.len(), summary(r)),
        run.span_us,
        &[("● ok".into(), false), ("✕ failed".into(), true)],
        requests,
        &changes,
    )
}

#[component]
pub fn DeployPanel(props: &Props) -> Html {
    let button = |d: Demo| {
        let cb = props.on_run.clone();
        let pressed = props.demo.as_ref().is_some_and(|r| r.demo == d);
        html! {
            <button type="button" id={d.id()} class={classes!("demo", pressed.then_some("current"))}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(d))}>{ d.label() }</button>
        }
    };
    let body = props.demo.as_ref().map(|run| match &*run.result {
        Ok(r) => html! {
            <>
                <p class="demo-describe">{ run.demo.describe() }</p>
                <p id="deploy-summary" class={classes!("deploy-summary", (r.failed > 0).then_some("bad"))}>
                    <span aria-hidden="true">{ if r.failed > 0 { "✕ " } else { "✓ " } }</span>
                    { summary(r) }
                </p>
                { timeline(run, r) }
                <ol class="tl-events" aria-label="What happened during the stream">
                    { for happenings(r).into_iter().map(|(at, label, by_itself)| html! {
                        <li class={classes!(by_itself.then_some("observed"))}>
                            <span class="t">{ secs(at) }</span>{ " " }{ label }
                        </li>
                    }) }
                </ol>
                <ul id="deploy-note" class="deploy-note">
                    { for notes(run, r).into_iter().map(|n| html! { <li>{ n }</li> }) }
                </ul>
            </>
        },
        Err(e) => html! { <p id="deploy-summary" role="alert">{ format!("✕ The stream could not run: {e}") }</p> },
    });
    html! {
        <section id="deploy-panel" class="deploy-panel" aria-labelledby="deploy-title">
            <h2 id="deploy-title">{ "Maintenance downtime" }</h2>
            <p class="hint">
                { "Each button sends a stream of requests over 30 s of virtual time while the world changes. \
                   Every request is a full trace from the same pipeline as above; timings are modelled, not measured." }
            </p>
            <p id="deploy-wording" class="hint">
                { "The exercise says a deploy restarts the web server. Here a deploy restarts the application server, \
                   the program that runs the site's code; Nginx, the web server in front of it, keeps running \
                   and answers 502 Bad Gateway while the application is away." }
            </p>
            <div class="demo-buttons" role="group" aria-label="Deploys">
                { button(Demo::SingleDeploy) }
                { button(Demo::RollingDeploy) }
                { button(Demo::RestartNoDrain) }
            </div>
            <div class="demo-buttons" role="group" aria-label="Failovers in the redundant design">
                { button(Demo::PowerOffWeb) }
                { button(Demo::PowerOffActive) }
                { button(Demo::StopPrimary) }
            </div>
            <div aria-live="polite">{ for body }</div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn run(demo: Demo) -> (DemoRun, StreamResult) {
        let scenario = demo.scenario();
        let r = stream::run(&scenario, &demo.spec(), &demo.events(&scenario)).unwrap();
        (DemoRun::of(demo, Ok(r.clone())), r)
    }

    #[test]
    fn a_restart_without_draining_is_no_outage() {
        let (run, r) = run(Demo::RestartNoDrain);
        let notes = notes(&run, &r);
        assert!(notes.contains(&"The health checks took web-01 out of rotation at 6.0 s; before that, 10 requests sent to it failed.".to_string()), "{notes:?}");
        assert!(notes.contains(&"The health checks took web-02 out of rotation at 16.0 s; before that, 9 requests sent to it failed.".to_string()), "{notes:?}");
        let s = summary(&r);
        assert_eq!(
            s,
            "19 of 150 requests failed (502); failures from 2.0 s to 15.8 s (13.8 s from the first to the last failure); \
             no outage: never two failures in a row, so the site was never fully down"
        );
    }

    #[test]
    fn a_single_server_deploy_is_an_outage_of_the_restart() {
        let (_, r) = run(Demo::SingleDeploy);
        assert_eq!(
            summary(&r),
            "20 of 150 requests failed (502); outage 4.0 s: no request succeeded from 2.0 s to 6.0 s (20 failed in a row)"
        );
    }

    #[test]
    fn the_database_failover_names_the_write_that_fails() {
        let (run, r) = run(Demo::StopPrimary);
        assert!(
            summary(&r).starts_with(
                "10 of 60 requests failed (500), each at the write UPDATE posts SET views = views + 1 WHERE slug = ?, \
                 which needs the primary database; failures from 2.5 s to 11.5 s"
            ),
            "{}",
            summary(&r)
        );
        let notes = notes(&run, &r).join("\n");
        assert!(!notes.contains("Reads kept going"), "{notes}");
        assert!(
            notes.contains(
                "10 requests for /posts/hello-world failed with 500, sent between 2.5 s and 11.5 s. \
                 Why: Can't connect to the database to run UPDATE posts SET views = views + 1 WHERE slug = ?, \
                 a write that needs the primary database."
            ),
            "{notes}"
        );
        assert!(
            notes.contains(
                "Reads went to the replica db-02, so pages that only read kept working. But /posts/hello-world also writes: \
                 each view runs UPDATE posts SET views = views + 1 WHERE slug = ?, and every write needs the primary db-01. \
                 So /posts/hello-world failed with 500 until db-02 was promoted to primary at 12.0 s (10.0 s after db-01 stopped)."
            ),
            "{notes}"
        );
        // The promotion is on the timeline, between the scheduled changes.
        assert_eq!(
            happenings(&r).iter().map(|h| h.0).collect::<Vec<_>>(),
            [2_000_000, 12_000_000]
        );
        assert!(happenings(&r)
            .iter()
            .any(|(at, label, by_itself)| *at == 12_000_000
                && *by_itself
                && label.contains("promoted")));
    }

    #[test]
    fn active_active_against_active_passive() {
        let (run_a, r_a) = run(Demo::PowerOffWeb);
        let (run_p, r_p) = run(Demo::PowerOffActive);
        let a = notes(&run_a, &r_a).join("\n");
        let p = notes(&run_p, &r_p).join("\n");
        assert!(
            a.contains(
                "Active-active: before the failure 2 of 2 servers served (web-01 and web-02)"
            ),
            "{a}"
        );
        assert!(a.contains("The site was never fully down"), "{a}");
        assert!(a.contains("none failed"), "{a}");
        assert!(
            p.contains("Active-passive: before the failure only web-01 served; the standby idled"),
            "{p}"
        );
        assert!(p.contains("the failover took 4.0 s"), "{p}");
        assert!(summary(&r_p).contains("outage"), "{}", summary(&r_p));
    }
}
