//! The alert rule, evaluated as Prometheus 2.42 evaluates it.
//!
//! The monitoring service keeps each agent's counters as time series and
//! evaluates one alerting rule every [`EVAL_S`] seconds:
//!
//! ```text
//! sum(rate(nginx_http_responses_total{class="5xx"}[1m]))
//!   / sum(rate(nginx_http_responses_total[1m])) > 0.01
//! for: 1m
//! ```
//!
//! `rate` is PromQL's `extrapolatedRate` (promql/functions.go): the increase
//! between the first and last samples of the range (counter resets
//! included), extrapolated towards the range's ends when the samples come
//! close to them, never below the counter's zero point, divided by the
//! range. A range `[t - 1m, t]` includes both ends in Prometheus 2.x. An
//! alert whose expression returns a value becomes *pending*, and *firing*
//! once it has been pending for the rule's `for` (rules/alerting.go); when
//! the expression returns nothing it is resolved at once. The conformance
//! suite runs the same series and rule through `promtool test rules` and
//! compares the state at every evaluation.

use serde::{Deserialize, Serialize};

/// Seconds between two evaluations of the rule (and between two scrapes).
pub const EVAL_S: u32 = 15;

/// "5xx share over a window above a threshold, for a while".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlertRule {
    /// Share of answers that are 5xx, 0 to 1 (0.01: 1%).
    pub threshold: f64,
    /// The range of `rate`, seconds (a multiple of 15).
    pub window_s: u32,
    /// How long the condition must hold before the alert fires, seconds
    /// (a multiple of 15; 0 fires at the first evaluation).
    pub for_s: u32,
}

impl Default for AlertRule {
    fn default() -> Self {
        AlertRule {
            threshold: 0.01,
            window_s: 60,
            for_s: 60,
        }
    }
}

/// A Prometheus duration: `1m`, `90s`, `0s`.
pub fn duration(s: u32) -> String {
    if s > 0 && s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// A threshold as PromQL writes a number.
fn number(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('e') {
        format!("{x:.6}")
    } else {
        s
    }
}

impl AlertRule {
    /// Why the rule cannot be evaluated, in a learner's words.
    pub fn check(&self) -> Result<(), String> {
        if !(self.threshold.is_finite() && self.threshold > 0.0 && self.threshold < 1.0) {
            return Err("the threshold is a share of answers above 0% and below 100%".into());
        }
        if self.window_s < 2 * EVAL_S || self.window_s > 3600 || self.window_s % EVAL_S != 0 {
            return Err(format!(
                "the window is a multiple of {EVAL_S} s from {} s to 3600 s: rate() needs two samples, and the agents send one every {EVAL_S} s",
                2 * EVAL_S
            ));
        }
        if self.for_s > 3600 || self.for_s % EVAL_S != 0 {
            return Err(format!(
                "'for' is a multiple of {EVAL_S} s (the rule is evaluated every {EVAL_S} s), at most 3600 s"
            ));
        }
        Ok(())
    }

    /// The rule's expression in PromQL.
    pub fn expr(&self) -> String {
        let w = duration(self.window_s);
        format!(
            "sum(rate(nginx_http_responses_total{{class=\"5xx\"}}[{w}])) / sum(rate(nginx_http_responses_total[{w}])) > {}",
            number(self.threshold)
        )
    }

    /// The rule as a Prometheus rule file (what `promtool check rules` reads).
    pub fn yaml(&self) -> String {
        format!(
            "groups:\n  - name: site\n    interval: {}\n    rules:\n      - alert: {ALERT_NAME}\n        expr: {}\n        for: {}\n        labels:\n          severity: page\n",
            duration(EVAL_S),
            self.expr(),
            duration(self.for_s)
        )
    }
}

/// The alert's name in the rule file.
pub const ALERT_NAME: &str = "HighErrorRate";

/// One sample of a counter: seconds, value.
pub type Sample = (u32, f64);

/// PromQL's `rate(counter[range])` at `t` over the samples in `[t - range, t]`
/// (`None`: fewer than two samples).
pub fn rate(samples: &[Sample], t: u32, range_s: u32) -> Option<f64> {
    let start_f = f64::from(t) - f64::from(range_s);
    let pts: Vec<Sample> = samples
        .iter()
        .copied()
        .filter(|&(ts, _)| ts <= t && f64::from(ts) >= start_f)
        .collect();
    if pts.len() < 2 {
        return None;
    }
    let (first, last) = (pts[0], pts[pts.len() - 1]);
    let mut result = last.1 - first.1;
    let mut previous = 0.0;
    for &(_, v) in &pts {
        if v < previous {
            result += previous;
        }
        previous = v;
    }
    let mut to_start = f64::from(first.0) - start_f;
    let to_end = f64::from(t) - f64::from(last.0);
    let sampled = f64::from(last.0 - first.0);
    let average = sampled / (pts.len() - 1) as f64;
    if result > 0.0 && first.1 >= 0.0 {
        let to_zero = sampled * (first.1 / result);
        if to_zero < to_start {
            to_start = to_zero;
        }
    }
    let threshold = average * 1.1;
    let mut interval = sampled;
    interval += if to_start < threshold {
        to_start
    } else {
        average / 2.0
    };
    interval += if to_end < threshold {
        to_end
    } else {
        average / 2.0
    };
    Some(result * (interval / sampled) / f64::from(range_s))
}

/// Where the alert stands after an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    Inactive,
    Pending,
    Firing,
}

/// One evaluation of the rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub at_s: u32,
    /// The expression's left side (the 5xx share), when it has one.
    pub share: Option<f64>,
    pub state: State,
}

/// The rule evaluated every [`EVAL_S`] seconds from 0 to `until_s` over
/// the counters' series (each agent's `class="5xx"` and `class="2xx"`): the
/// denominator sums the rates of every series of the metric, as PromQL's
/// `sum(rate(nginx_http_responses_total[…]))` does (a rate per series, each
/// extrapolated on its own, then added).
pub fn evaluate(
    rule: &AlertRule,
    errors: &[Vec<Sample>],
    others: &[Vec<Sample>],
    until_s: u32,
) -> Vec<Evaluation> {
    let sum = |family: &[Vec<Sample>], t: u32| -> Option<f64> {
        let rates: Vec<f64> = family
            .iter()
            .filter_map(|s| rate(s, t, rule.window_s))
            .collect();
        (!rates.is_empty()).then(|| rates.iter().sum())
    };
    let mut active_since: Option<u32> = None;
    let mut firing = false;
    let mut out = Vec::new();
    let mut t = 0;
    while t <= until_s {
        // A division by zero is NaN (or ±Inf) in PromQL; NaN > x is false.
        let bad = sum(errors, t);
        let all = match (bad, sum(others, t)) {
            (Some(e), Some(o)) => Some(e + o),
            (e, o) => e.or(o),
        };
        let share = match (bad, all) {
            (Some(e), Some(a)) => Some(e / a),
            _ => None,
        };
        let holds = share.is_some_and(|s| s > rule.threshold);
        if holds {
            let since = *active_since.get_or_insert(t);
            if !firing && t - since >= rule.for_s {
                firing = true;
            }
        } else {
            active_since = None;
            firing = false;
        }
        out.push(Evaluation {
            at_s: t,
            share: share.filter(|s| s.is_finite()),
            state: match (holds, firing) {
                (true, true) => State::Firing,
                (true, false) => State::Pending,
                _ => State::Inactive,
            },
        });
        t += EVAL_S;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_counter_rates_at_its_slope() {
        // 10 a second, sampled every 15 s from 0: over [60, 120], 5 samples
        // touch both ends, no extrapolation.
        let s: Vec<Sample> = (0..=8).map(|k| (k * 15, f64::from(k * 150))).collect();
        assert_eq!(rate(&s, 120, 60), Some(10.0));
        // At 15 s only two samples: [0, 15] inside [-45, 15]; the zero point
        // limits the extrapolation to the start (the counter began at 0).
        assert_eq!(rate(&s, 15, 60), Some(150.0 / 60.0));
        assert_eq!(rate(&s, 0, 60), None);
    }

    #[test]
    fn a_reset_counts_what_came_before_it() {
        let s = vec![
            (0, 100.0),
            (15, 200.0),
            (30, 50.0),
            (45, 150.0),
            (60, 250.0),
        ];
        // 100 + (250 - 100) + 200 (the reset) = 350 over 60 s.
        let r = rate(&s, 60, 60).unwrap();
        assert!((r - 350.0 / 60.0).abs() < 1e-9, "{r}");
    }

    #[test]
    fn pending_then_firing_then_resolved() {
        let rule = AlertRule::default();
        let mut errors = Vec::new();
        let mut ok = Vec::new();
        let (mut e, mut o) = (0.0, 0.0);
        for k in 0..=20u32 {
            errors.push((k * 15, e));
            ok.push((k * 15, o));
            if (4..8).contains(&k) {
                e += 30.0;
                o += 120.0;
            } else {
                o += 150.0;
            }
        }
        let ev = evaluate(&rule, &[errors], &[ok], 300);
        let states: Vec<State> = ev.iter().map(|e| e.state).collect();
        let first_pending = states.iter().position(|s| *s == State::Pending).unwrap();
        let first_firing = states.iter().position(|s| *s == State::Firing).unwrap();
        assert_eq!((first_firing - first_pending) as u32 * EVAL_S, rule.for_s);
        assert_eq!(*states.last().unwrap(), State::Inactive);
    }

    #[test]
    fn the_rule_file_reads_as_prometheus_writes_it() {
        let r = AlertRule::default();
        assert_eq!(
            r.expr(),
            "sum(rate(nginx_http_responses_total{class=\"5xx\"}[1m])) / sum(rate(nginx_http_responses_total[1m])) > 0.01"
        );
        assert!(r.yaml().contains("for: 1m"));
        assert!(AlertRule { window_s: 15, ..r }.check().is_err());
        assert!(AlertRule {
            threshold: 1.0,
            ..r
        }
        .check()
        .is_err());
        assert!(AlertRule { for_s: 20, ..r }.check().is_err());
    }
}
