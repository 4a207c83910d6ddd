//! Each lesson's self-check question, computed from the learner's own run:
//! the right answer is read off the trace, the sweep or the figures the
//! progress kept, so a changed zone or config changes it too. The
//! explanation is shown only after an answer.

use super::observe::{self, answers, record, url};
use super::progress::Progress;
use crate::format::duration as fmt_us;
use crate::state::State;
use stackscope_core::{Component, Outcome, Payload, Phase, Trace};

/// A multiple-choice question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub prompt: String,
    pub options: Vec<String>,
    /// Index of the right option.
    pub right: usize,
    /// Why, with the run's own figures (shown after an answer).
    pub why: String,
}

/// The options with the right one in them (appended if missing), and its index.
fn choose(mut options: Vec<String>, right: String) -> (Vec<String>, usize) {
    if !options.contains(&right) {
        options.push(right.clone());
    }
    let i = options.iter().position(|o| *o == right).unwrap_or(0);
    (options, i)
}

fn question(prompt: String, options: Vec<String>, right: String, why: String) -> Question {
    let (options, right) = choose(options, right);
    Question {
        prompt,
        options,
        right,
        why,
    }
}

/// Four distinct whole numbers around `n` (never negative), ascending.
fn around(n: usize) -> Vec<String> {
    let mut v: Vec<usize> = vec![n, n + 1, n + 2, n.saturating_sub(1), n + 3];
    stackscope_core::order::sort_by_key(&mut v, |&n| n);
    v.dedup();
    v.truncate(4);
    v.iter().map(usize::to_string).collect()
}

fn trace(s: &State) -> Result<&Trace, String> {
    s.trace
        .as_ref()
        .map(|t| &*t.0)
        .ok_or_else(|| "Press Set up (or Go) first: the question is computed from your run.".into())
}

fn path(t: &Trace) -> String {
    url(t).map_or_else(|| t.input.clone(), |(_, path, _)| path.to_string())
}

/// The question for a lesson now, or what to do to get one.
pub fn for_lesson(id: &str, s: &State, p: &Progress) -> Result<Question, String> {
    match id {
        "scenario" => {
            let t = trace(s)?;
            let phases = t.phases();
            let of = |want: Phase| phases.iter().find(|(p, _, _)| *p == want).copied();
            let (Some(dns), Some(tcp), Some(send)) =
                (of(Phase::Dns), of(Phase::Connect), of(Phase::Send))
            else {
                return Err(
                    "Run the home page (Set up): this request did not reach the server.".into(),
                );
            };
            let first = [dns, tcp, send]
                .into_iter()
                .min_by_key(|(_, start, _)| *start)
                .map_or(Phase::Dns, |(p, _, _)| p);
            Ok(question(
                "In your run, which happened first?".into(),
                vec![
                    Phase::Send.label().into(),
                    Phase::Connect.label().into(),
                    Phase::Dns.label().into(),
                ],
                first.label().into(),
                format!(
                    "The browser needs the server's address before it can connect, and a connection before it can send: the lookup took {}, the connection {}, then the request was sent at {}.",
                    fmt_us(dns.2 - dns.1),
                    fmt_us(tcp.2 - tcp.1),
                    fmt_us(send.1)
                ),
            ))
        }
        "server" => {
            let t = trace(s)?;
            let answer = t
                .steps
                .iter()
                .find(|st| observe::is_name_to_address(st))
                .and_then(|st| {
                    answers(st)
                        .into_iter()
                        .filter_map(record)
                        .find(|(_, k, _)| *k == "A")
                        .map(|(_, _, v)| v.to_string())
                })
                .ok_or("Run the home page (Set up): this run has no address for the name.")?;
            // Every other address the run's DNS messages carry: the name servers'.
            let mut others: Vec<String> = t
                .steps
                .iter()
                .filter_map(|st| match &st.payload {
                    Payload::Dns(m) => Some(m.decoded.iter()),
                    _ => None,
                })
                .flatten()
                .filter_map(|l| record(l.trim()))
                .filter(|(_, k, v)| *k == "A" && *v != answer)
                .map(|(_, _, v)| v.to_string())
                .collect();
            stackscope_core::order::sort_by(&mut others, |a, b| a.cmp(b));
            others.dedup();
            others.truncate(3);
            let mut options = others;
            options.push(answer.clone());
            stackscope_core::order::sort_by(&mut options, |a, b| a.cmp(b));
            Ok(question(
                "Which address is the server your browser connected to?".into(),
                options,
                answer.clone(),
                format!(
                    "The resolver's last answer was {answer}, and the browser's TCP SYN went to {answer}:80. The other addresses in your run belong to name servers the resolver asked on the way."
                ),
            ))
        }
        "domain" => {
            let t = trace(s)?;
            let referral = t.steps.iter().find(|st| {
                st.to == Component::Resolver
                    && matches!(&st.payload, Payload::Dns(m) if m.decoded.iter().any(|l| {
                        record(l.trim()).is_some_and(|(o, k, _)| o == "com." && k == "NS")
                    }))
            });
            let Some(step) = referral else {
                return Err("Your last lookup was answered from the resolver's cache. Press Set up: it flushes the cache and looks the name up afresh.".into());
            };
            Ok(question(
                "Which server told the resolver where com.'s name server is?".into(),
                [
                    Component::Resolver,
                    Component::RootDns,
                    Component::TldDns,
                    Component::AuthDns,
                ]
                .iter()
                .map(|c| c.label().to_string())
                .collect(),
                step.from.label().into(),
                format!(
                    "“{}”: the root servers know only who runs each top-level domain, so the resolver walks down from the root, to com., to foobar.com.",
                    step.title
                ),
            ))
        }
        "www" => {
            let t = trace(s)?;
            let line = t
                .steps
                .iter()
                .rev()
                .flat_map(answers)
                .find(|l| {
                    record(l).is_some_and(|(o, _, _)| o.eq_ignore_ascii_case("www.foobar.com."))
                })
                .ok_or(
                    "Run an address on www.foobar.com (Set up): this run has no answer for it.",
                )?;
            let kind = record(line).map_or("?", |(_, k, _)| k).to_string();
            let then = if kind == "CNAME" {
                " It is an alias: the resolver follows it to the name it points to, and that name's A record holds the address."
            } else {
                ""
            };
            Ok(question(
                "What type is the record for www.foobar.com in your run?".into(),
                vec!["A".into(), "CNAME".into(), "MX".into(), "NS".into()],
                kind,
                format!("The name server answered “{line}”.{then}"),
            ))
        }
        "web-server" => {
            let t = trace(s)?;
            let path = path(t);
            let app = t.steps.iter().any(observe::is_proxy_to_app);
            let file = t.steps.iter().find_map(|st| match &st.payload {
                Payload::StaticFile { path, size, .. } => Some((path.clone(), *size)),
                _ => None,
            });
            let (right, why) = match (app, file) {
                (true, _) => (
                    "The application server, asked by Nginx",
                    format!("Nginx matched {path} to a location that proxies to the application, which built the response."),
                ),
                (false, Some((disk, size))) => (
                    "Nginx alone, from a file on its disk",
                    format!("Nginx read {disk} ({size} bytes) itself: the application was never asked."),
                ),
                (false, None) => (
                    "Nginx alone, from its own configuration",
                    format!("Nginx answered {path} itself (a return, an error or a redirect): the application was never asked."),
                ),
            };
            Ok(question(
                format!("Who produced the response to {path} in your run?"),
                vec![
                    "Nginx alone, from a file on its disk".into(),
                    "The application server, asked by Nginx".into(),
                    "The database".into(),
                ],
                right.into(),
                why,
            ))
        }
        "app-server" => {
            let t = trace(s)?;
            if !crate::faults::active(&s.world)
                .iter()
                .any(|c| matches!(c, stackscope_core::Change::App(..)))
            {
                return Err("Stop the application server first (the ■ button by its box), then request the page.".into());
            }
            let Outcome::Response { status, reason } = &t.outcome else {
                return Err("This request got no HTTP answer: request the home page.".into());
            };
            Ok(question(
                "With the application server down, what did Nginx answer?".into(),
                vec![
                    "200 OK".into(),
                    "404 Not Found".into(),
                    "502 Bad Gateway".into(),
                    "504 Gateway Timeout".into(),
                ],
                format!("{status} {reason}"),
                "Nginx itself was running, so the browser still got an answer: Nginx could not reach its upstream (the application) and said so. Static files still work.".into(),
            ))
        }
        "database" => {
            let t = trace(s)?;
            let queries: Vec<&str> = t
                .steps
                .iter()
                .filter_map(|st| match &st.payload {
                    Payload::Sql(q) => Some(q.sql.as_str()),
                    _ => None,
                })
                .collect();
            let path = path(t);
            if queries.is_empty() {
                return Err(format!("{path} ran no query in this run: request a post (Set up), with the database running."));
            }
            let n = queries.len();
            Ok(question(
                format!("How many SQL queries did the application send the database for {path}?"),
                around(n),
                n.to_string(),
                format!("Your run sent {n}: {}.", queries.join("; ")),
            ))
        }
        "http" => {
            let t = trace(s)?;
            let (_, _, port) = url(t).ok_or("Run an address first.")?;
            Ok(question(
                "Which TCP port did your browser connect to?".into(),
                vec!["53".into(), "80".into(), "443".into(), "3306".into()],
                port.to_string(),
                format!("The address {} gives port {port} (http:// means 80 unless it names another). DNS went over UDP port 53; the database's 3306 is never reached from the browser.", t.input),
            ))
        }
        "spof" => {
            let Some(Ok(seen)) = s.sweep.as_ref().map(|r| &*r.0) else {
                return Err(
                    "Run the availability sweep first (its button is in the sweep panel).".into(),
                );
            };
            let stops = &seen.stops_one_server;
            let n = stops.len();
            Ok(question(
                "In your sweep, how many of the single server's parts stop the site when they fail?".into(),
                around(n),
                n.to_string(),
                format!("Each one is a single point of failure: {}. In the redundant design, the same rows show the site survives or recovers.", stops.join(", ")),
            ))
        }
        "maintenance" => {
            let (Some(failed), Some(sent)) = (
                p.figures.get("single_deploy_failed"),
                p.figures.get("single_deploy_sent"),
            ) else {
                return Err("Run the one-server deploy first (in the downtime panel).".into());
            };
            let n = *failed as usize;
            Ok(question(
                "In your one-server deploy, how many requests failed?".into(),
                {
                    let mut v = around(n);
                    if !v.contains(&"0".to_string()) {
                        v[0] = "0".into();
                    }
                    v
                },
                n.to_string(),
                format!("{n} of {} requests failed while the one application restarted. A rolling deploy takes one server out at a time, so the others answer and none fail.", *sent as usize),
            ))
        }
        "scaling" => {
            let (Some(rate), Some(errors)) = (
                p.figures.get("overload_rate"),
                p.figures.get("overload_errors"),
            ) else {
                return Err("Overload one server first (in the load simulation).".into());
            };
            let pct = |e: f64| format!("{:.0}%", e * 100.0);
            let right = pct(*errors);
            let mut options = vec![
                "0%".to_string(),
                pct(errors / 2.0),
                pct((errors * 2.0).min(1.0)),
            ];
            options.dedup();
            Ok(question(
                format!("One server offered {rate:.0} requests/s in your run: what share of requests got an error?"),
                options,
                right.clone(),
                format!(
                    "{right} failed: past the server's capacity, requests queue, and Nginx turns some away (503, limit_conn) and gives up on others (504, proxy_read_timeout). {}",
                    match p.figures.get("scaled_servers") {
                        Some(n) => format!("{n:.0} servers answered the same load with at most 1% errors."),
                        None => "Add servers and run the same load again.".into(),
                    }
                ),
            ))
        }
        "https" => {
            let t = trace(s)?;
            if let Outcome::BrowserError { code, detail, .. } = &t.outcome {
                if code.starts_with("NET::ERR_CERT_") {
                    return Ok(question(
                        "Which error did your browser show instead of the page?".into(),
                        vec![
                            "NET::ERR_CERT_DATE_INVALID".into(),
                            "NET::ERR_CERT_COMMON_NAME_INVALID".into(),
                            "ERR_CONNECTION_REFUSED".into(),
                            "502 Bad Gateway".into(),
                        ],
                        code.clone(),
                        format!("{detail} The browser checks the certificate during the handshake, before it sends the request: no server behind the load balancer saw anything."),
                    ));
                }
            }
            let plain = t.steps.iter().find(|st| {
                st.from == Component::LoadBalancer
                    && st.to == Component::Nginx
                    && matches!(st.payload, Payload::Http { .. })
            });
            let (Some(plain), true) = (plain, t.steps.iter().any(|st| st.phase == Phase::Tls))
            else {
                return Err(
                    "Request https://www.foobar.com/ in the secured design first (Set up does it)."
                        .into(),
                );
            };
            let server = plain.title.trim_start_matches("Forward to ").to_string();
            Ok(question(
                "Which hop of your run carried the request as plain, readable HTTP?".into(),
                vec![
                    "browser → load balancer".into(),
                    "load balancer → web-01".into(),
                    "load balancer → web-02".into(),
                    "none: it is encrypted all the way".into(),
                ],
                format!("load balancer → {server}"),
                format!("TLS ended at the load balancer, which holds the certificate's key: it decrypted the request and sent it to {server} as plain HTTP over the private network. Across the internet it was ciphertext."),
            ))
        }
        "firewall" => {
            let t = trace(s)?;
            if !observe::failed(t) {
                return Err("Make the load balancer's firewall drop or reject HTTPS (the firewall editor), then request the page.".into());
            }
            let took = t.steps.last().map_or(0, |st| st.at_us + st.duration_us);
            let dropped = t
                .steps
                .iter()
                .any(|st| st.explanation.contains("firewall drops the SYN"));
            let right = if dropped {
                "more than two minutes"
            } else {
                "well under a second"
            };
            Ok(question(
                "How long did your browser take to give up on the connection in your last run?"
                    .into(),
                vec![
                    "well under a second".into(),
                    "about ten seconds".into(),
                    "more than two minutes".into(),
                ],
                right.into(),
                if dropped {
                    format!("The SYN was dropped: no answer came, the kernel resent it with growing gaps, and the browser gave up after {}. A stranger scanning ports sees only \"filtered\".", fmt_us(took))
                } else {
                    format!("The firewall rejected the SYN and said so at once: the browser knew after {} that it may not connect.", fmt_us(took))
                },
            ))
        }
        "automation" => {
            let Some(Ok(p)) = s.pipeline.as_ref().map(|p| &*p.0) else {
                return Err("Deploy a release on the pipeline panel first: the question is computed from it.".into());
            };
            let failed = p.failed;
            if p.rolled_back {
                Ok(question(
                    "While the pipeline tried v3 on a server and rolled it back, how many visitors' requests failed?".into(),
                    around(failed),
                    failed.to_string(),
                    format!("{failed} of {} failed. {}", p.requests, p.rollback),
                ))
            } else if let Some((from, to)) = p.skew_us {
                let secs = ((to - from) as f64 / 1e6).round() as usize;
                Ok(question(
                    "For about how many seconds did v1 and v2 both answer visitors?".into(),
                    around(secs).into_iter().map(|n| format!("{n} s")).collect(),
                    format!("{secs} s"),
                    format!("From {:.1} s to {:.1} s some answers came from one server's new container and some from the other's old one (the X-App-Version header says which). Anything the two releases share, such as the database's schema, must work for both meanwhile.", from as f64 / 1e6, to as f64 / 1e6),
                ))
            } else {
                Err("Deploy with the pipeline on two servers: v2 to see both releases answer, v3 to see a rollback.".into())
            }
        }
        "monitoring" => {
            let Some(Ok(d)) = s.monitor.as_ref().map(|m| &*m.0) else {
                return Err("Watch an incident on the monitoring dashboard first: the question is computed from it.".into());
            };
            let Some((from, _)) = d.incident else {
                return Err(
                    "Pick something that goes wrong (not \"nothing\") and watch again.".into(),
                );
            };
            let rule = &d.rule;
            let after = |t: u32| (f64::from(t) - from).round().max(0.0) as u32;
            let say = |s: u32| {
                if s >= 60 && s % 60 == 0 {
                    format!("{} min after it began", s / 60)
                } else if s >= 60 {
                    format!("{} min {} s after it began", s / 60, s % 60)
                } else {
                    format!("{s} s after it began")
                }
            };
            let (pending, fired) = (d.pending, d.fired);
            let right = fired.map_or_else(|| "it never fired".to_string(), |f| say(after(f)));
            // Around the run's own delay (or the rule's, when it never fired),
            // in order, so the right one is not given away by its place.
            let centre = fired.map_or(rule.window_s + rule.for_s, after);
            let mut seconds: Vec<u32> = vec![centre, centre + 15, centre + 60];
            if centre >= 30 {
                seconds.push(centre - 30);
            }
            stackscope_core::order::sort_by_key(&mut seconds, |&s| s);
            seconds.dedup();
            let mut options: Vec<String> = seconds.into_iter().map(say).collect();
            options.push("it never fired".into());
            let why = match (pending, fired) {
                (_, Some(f)) => format!(
                    "The rule is evaluated every 15 s. At {} its {} window first held enough 5xx answers (above {:.1}%){}; it fired at {}. Someone was paged {} s after the trouble began.",
                    stackscope_core::monitor::clock(f64::from(pending.unwrap_or(f))),
                    stackscope_core::monitor::promql::duration(rule.window_s),
                    rule.threshold * 100.0,
                    if rule.for_s > 0 {
                        format!(", so it became pending, and it had to last its 'for' of {} s", rule.for_s)
                    } else {
                        String::new()
                    },
                    stackscope_core::monitor::clock(f64::from(f)),
                    after(f)
                ),
                (Some(p), None) => format!(
                    "It became pending at {}, but the errors stopped before they had lasted its 'for' of {} s.",
                    stackscope_core::monitor::clock(f64::from(p)),
                    rule.for_s,
                ),
                _ => format!("The share of 5xx answers never went above {:.1}%.", rule.threshold * 100.0),
            };
            Ok(question(
                "In your last dashboard, when did the alert fire?".into(),
                options,
                right,
                why,
            ))
        }
        "backups" => {
            let Some(Ok(m)) = s.mistake.as_ref().map(|m| &*m.0) else {
                return Err("Run the mistaken DELETE in the backup panel first: the question is computed from it.".into());
            };
            let say = |n: usize| match n {
                1 => "1 post".to_string(),
                n => format!("{n} posts"),
            };
            let options: Vec<String> = (0..=m.before).map(say).collect();
            Ok(question(
                format!(
                    "In your run, how many posts did the page list, read from the replica, once it had replayed \"{}\"?",
                    m.statement
                ),
                options,
                say(m.after),
                format!(
                    "The primary changed {} rows at 1.0 s; the replica replayed the same statement {:.1} s later, so from then on it listed {} of the {} posts. Only the database loaded from the dump, taken before the mistake, listed {} again.",
                    m.changed, m.lag_s, m.after, m.before, m.restored
                ),
            ))
        }
        "lb-pair" => {
            let Some((t, wait)) = s
                .trace
                .as_ref()
                .and_then(|t| observe::changed_hands(t).map(|w| (t, w)))
            else {
                return Err("Power off lb-01 in the balancer-pair design and request the page first: the question is computed from that request.".into());
            };
            let secs = |us: u64| match us / 1_000_000 {
                1 => "1 s".to_string(),
                n => format!("{n} s"),
            };
            let options: Vec<String> = (1..=6).map(|n| secs(n * 1_000_000)).collect();
            Ok(question(
                "In your request, how long did the browser's SYNs go unanswered before a balancer answered for 8.8.8.8?".into(),
                options,
                secs(wait.duration_us),
                format!(
                    "The SYN found nobody holding 8.8.8.8, and the learner's computer resent it 1 s, 2 s, 3 s… later. {} answered the one sent {} after the first, having taken the address over by VRRP; the page still came, {} after it was asked for.",
                    t.balancer.as_deref().unwrap_or("lb-02"),
                    secs(wait.duration_us),
                    fmt_us(t.total_us())
                ),
            ))
        }
        "tiers" => {
            let Some((t, (failed, answered))) = s
                .trace
                .as_ref()
                .and_then(|t| observe::next_upstream(t).map(|p| (t, p)))
            else {
                return Err("Power off app-01 in the scaled-up design and request the page first: the question is computed from that request.".into());
            };
            // The machines' names, from the world the request ran in.
            let cluster = match &s.world.topology {
                stackscope_core::Topology::Redundant(c) => Some(c),
                stackscope_core::Topology::Single => None,
            };
            let name = |st: &stackscope_core::Step| {
                st.app_node
                    .and_then(|n| cluster?.app_tier.get(usize::from(n)))
                    .map_or_else(|| "?".to_string(), |a| a.hostname.clone())
            };
            let web = |st: &stackscope_core::Step| {
                st.node
                    .and_then(|n| cluster?.web.get(usize::from(n)))
                    .map_or_else(|| "?".to_string(), |w| w.hostname.clone())
            };
            let mut options: Vec<String> = cluster
                .map(|c| c.app_tier.iter().map(|a| a.hostname.clone()).collect())
                .unwrap_or_default();
            options.extend([web(answered), "the load balancer".to_string()]);
            Ok(question(
                "In your request, which machine ran the application that answered?".into(),
                options,
                name(answered),
                format!(
                    "Nginx on {} tried {} first, which did not take the connection ({} spent on it). Nginx passed the same request to {} (proxy_next_upstream), and the page came {} after it was asked for.",
                    web(answered),
                    name(failed),
                    fmt_us(failed.duration_us),
                    name(answered),
                    fmt_us(t.total_us())
                ),
            ))
        }
        _ => Err("No such lesson.".into()),
    }
}

/// The figures of the screen's state that questions quote later.
pub fn figures(s: &State) -> Vec<(&'static str, f64)> {
    let mut out = Vec::new();
    if let Some(d) = &s.demo {
        if let (crate::faults::Demo::SingleDeploy, Ok(r)) = (d.demo, &d.seen) {
            out.push(("single_deploy_failed", r.failed as f64));
            out.push(("single_deploy_sent", r.sent as f64));
        }
    }
    out
}
