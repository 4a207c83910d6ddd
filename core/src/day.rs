//! A day of traffic: its daily shape, its visitors, and what a deploy at a given hour costs them.
//!
//! The seed's answer to deploy downtime is "deploy when traffic is low".
//! This module says how low, in requests and in people: a day's arrival
//! rate rises smoothly from a trough to a peak and falls back (both
//! editable); visitors arrive at that rate (a Poisson process, seeded) and
//! each makes a few requests with pauses between them. A deploy is not
//! modelled again here: its effect is a request stream already run by the
//! pipeline (`stream::run`, the downtime panel's deploys), laid over the day
//! at the chosen time. A visitor's request fails exactly when the stream's
//! request sent at the same moment after the deploy began failed.
//!
//! Simplifications, said where they show: the shape is the same every day;
//! each visit is a different person; a pause between two requests is
//! exponential around its mean, cut at five times the mean (0.7% of pauses
//! are longer); the stream's requests are `every_us` apart, so an outage's
//! edges are known to that resolution.

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::stream::StreamResult;

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;

/// The daily shape of the traffic, and how visitors behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySpec {
    pub seed: u64,
    /// Requests per second at the quietest moment…
    pub trough_per_s: f64,
    /// …which comes at this hour (0 to 24, e.g. 4.0 for 04:00).
    pub trough_at_h: f64,
    /// Requests per second at the busiest moment…
    pub peak_per_s: f64,
    /// …which comes at this hour.
    pub peak_at_h: f64,
    /// Requests one visitor makes (pages, each a request of the stream).
    pub pages_per_visit: u32,
    /// Mean pause between two of a visitor's requests, seconds.
    pub pause_s: f64,
}

impl Default for DaySpec {
    fn default() -> Self {
        DaySpec {
            seed: 1,
            trough_per_s: 2.0,
            trough_at_h: 4.0,
            peak_per_s: 40.0,
            peak_at_h: 20.0,
            pages_per_visit: 5,
            pause_s: 30.0,
        }
    }
}

/// Why a day cannot be simulated, in a learner's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayError(pub String);

impl std::fmt::Display for DayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DayError {}

/// The busiest a day may be: requests per second at the peak (a busy day
/// for the one server; counting visitor by visitor costs time in proportion).
pub const MAX_PEAK_PER_S: f64 = 500.0;

impl DaySpec {
    pub fn validate(&self) -> Result<(), DayError> {
        let bad = |m: &str| Err(DayError(m.to_string()));
        let rate = |v: f64| v.is_finite() && (0.0..=MAX_PEAK_PER_S).contains(&v);
        if !rate(self.peak_per_s) || self.peak_per_s <= 0.0 {
            return bad("the peak must be a positive number of requests per second, at most 500");
        }
        if !rate(self.trough_per_s) {
            return bad("the trough must be zero or more requests per second");
        }
        if self.trough_per_s > self.peak_per_s {
            return bad("the trough cannot be busier than the peak");
        }
        let hour = |h: f64| h.is_finite() && (0.0..24.0).contains(&h);
        if !hour(self.peak_at_h) || !hour(self.trough_at_h) {
            return bad("an hour is from 00:00 to 23:59");
        }
        if gap_h(self.trough_at_h, self.peak_at_h) < 1.0
            || gap_h(self.peak_at_h, self.trough_at_h) < 1.0
        {
            return bad("the peak and the trough must be at least an hour apart");
        }
        if !(1..=20).contains(&self.pages_per_visit) {
            return bad("a visit makes 1 to 20 requests");
        }
        if !(self.pause_s.is_finite() && (0.0..=120.0).contains(&self.pause_s)) {
            return bad("the pause between requests is 0 to 120 seconds");
        }
        Ok(())
    }

    /// The arrival rate at `t_s` seconds after midnight, requests per
    /// second: from the trough it rises to the peak and falls back to the
    /// next trough, each half along a smoothstep (3x² − 2x³: flat at both
    /// ends, as traffic is around its busiest and quietest hours), computed
    /// in plain arithmetic so it is the same natively and in the browser.
    pub fn rate_at(&self, t_s: f64) -> f64 {
        let h = (t_s / 3600.0).rem_euclid(24.0);
        let rise = gap_h(self.trough_at_h, self.peak_at_h);
        let since_trough = gap_h(self.trough_at_h, h);
        let share = if since_trough <= rise {
            smoothstep(since_trough / rise)
        } else {
            let fall = 24.0 - rise;
            1.0 - smoothstep((since_trough - rise) / fall)
        };
        self.trough_per_s + (self.peak_per_s - self.trough_per_s) * share
    }

    /// Expected requests in each hour of the day (00:00–01:00 first),
    /// integrated by Simpson's rule over minutes.
    pub fn requests_per_hour(&self) -> [f64; 24] {
        let mut out = [0.0; 24];
        for (h, v) in out.iter_mut().enumerate() {
            *v = self.expected(h as f64 * 3600.0, (h as f64 + 1.0) * 3600.0);
        }
        out
    }

    /// Expected requests between `from_s` and `to_s`.
    pub fn expected(&self, from_s: f64, to_s: f64) -> f64 {
        if to_s <= from_s {
            return 0.0;
        }
        let n = (((to_s - from_s) / 60.0).ceil() as usize).clamp(1, 100_000) * 2;
        let dt = (to_s - from_s) / n as f64;
        let mut sum = self.rate_at(from_s) + self.rate_at(to_s);
        for i in 1..n {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            sum += w * self.rate_at(from_s + i as f64 * dt);
        }
        sum * dt / 3.0
    }

    /// The longest pause this model lets a visitor take.
    fn max_pause_s(&self) -> f64 {
        self.pause_s * 5.0
    }
}

/// Hours from `from` to `to`, going forward round the clock (0 to 24).
fn gap_h(from: f64, to: f64) -> f64 {
    (to - from).rem_euclid(24.0)
}

fn smoothstep(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// What one deploy, started at one time of the day, did to the visitors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exposure {
    /// When the deploy began, seconds after midnight.
    pub at_s: f64,
    /// Requests that failed (simulated visitors).
    pub failed: u64,
    /// Visitors with at least one failed request.
    pub visitors_failed: u64,
    /// Failed requests to expect on average (the rate integrated over the
    /// stream's failures; no visitors drawn).
    pub expected_failed: f64,
    /// The arrival rate when the deploy began, requests per second.
    pub rate_per_s: f64,
}

/// The spans of the stream, in seconds after the deploy began, during
/// which its requests failed: a failed request's span lasts until the next
/// request of the stream.
pub fn failing_spans(stream: &StreamResult, deploy_us: u64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let pts = &stream.points;
    for (i, p) in pts.iter().enumerate() {
        if p.ok || p.at_us < deploy_us {
            continue;
        }
        let from = (p.at_us - deploy_us) as f64 / 1e6;
        let to = match pts.get(i + 1) {
            Some(n) => (n.at_us.saturating_sub(deploy_us)) as f64 / 1e6,
            None => from,
        };
        match out.last_mut() {
            Some(last) if last.1 == from => last.1 = to,
            _ => out.push((from, to)),
        }
    }
    out.retain(|(a, b)| b > a);
    out
}

/// Lays a deploy's stream over the day at `at_s` seconds after midnight.
///
/// `deploy_us` is when the deploy began in the stream's own time; a
/// visitor's request `d` seconds after `at_s` fails when the stream's last
/// request sent at or before `deploy_us + d` failed (and was sent after the
/// deploy began). Visitors are drawn from the day's seed and `at_s`, so the
/// same inputs give the same counts everywhere.
pub fn exposure(
    day: &DaySpec,
    stream: &StreamResult,
    deploy_us: u64,
    at_s: f64,
) -> Result<Exposure, DayError> {
    let (expected_failed, spans) = expected(day, stream, deploy_us, at_s)?;
    let mut out = Exposure {
        at_s,
        failed: 0,
        visitors_failed: 0,
        expected_failed,
        rate_per_s: day.rate_at(at_s),
    };
    let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
        return Ok(out);
    };
    let (from, to) = (at_s + first.0, at_s + last.1);
    let fails = |t: f64| spans.iter().any(|(a, b)| (at_s + a..at_s + b).contains(&t));
    // Visits that can reach a failure began at most (pages − 1) longest
    // pauses before it. Thinning: candidate starts at the peak's rate, each
    // kept with the probability rate(t) / peak (Lewis and Shedler).
    let pages = day.pages_per_visit;
    let lookback = f64::from(pages - 1) * day.max_pause_s();
    let visit_peak = day.peak_per_s / f64::from(pages);
    let mut rng = Rng::new(day.seed ^ (at_s as u64).rotate_left(32) ^ 0x6461_7973);
    let mut t = from - lookback;
    loop {
        t += rng.exponential(1.0 / visit_peak);
        if t >= to {
            break;
        }
        if rng.unit() * visit_peak > day.rate_at(t) / f64::from(pages) {
            continue;
        }
        let mut failed = false;
        let mut at = t;
        for k in 0..pages {
            if k > 0 {
                at += rng.exponential(day.pause_s).min(day.max_pause_s());
            }
            if fails(at) {
                failed = true;
                out.failed += 1;
            }
        }
        out.visitors_failed += u64::from(failed);
    }
    Ok(out)
}

/// The failed requests to expect from a deploy at `at_s` (no visitors
/// drawn: cheap enough for every hour of the day), and the failing spans.
pub fn expected(
    day: &DaySpec,
    stream: &StreamResult,
    deploy_us: u64,
    at_s: f64,
) -> Result<(f64, Vec<(f64, f64)>), DayError> {
    day.validate()?;
    if !(at_s.is_finite() && (0.0..DAY_S).contains(&at_s)) {
        return Err(DayError("a deploy starts between 00:00 and 23:59".into()));
    }
    let spans = failing_spans(stream, deploy_us);
    let n = spans
        .iter()
        .map(|(a, b)| day.expected(at_s + a, at_s + b))
        .sum();
    Ok((n, spans))
}

/// `03:00`, `20:30`.
pub fn clock(at_s: f64) -> String {
    let m = ((at_s / 60.0).round() as i64).rem_euclid(24 * 60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Reads `03:00`, `3:30` or `3` as seconds after midnight.
pub fn parse_clock(text: &str) -> Result<f64, DayError> {
    let bad = || {
        DayError(format!(
            "“{}” is not a time of day like 03:00",
            crate::text::clip(text, 20)
        ))
    };
    let t = text.trim();
    let (h, m) = t.split_once(':').unwrap_or((t, "0"));
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    let m: u32 = m.trim().parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Point;

    /// A stream of the home page every 200 ms with a deploy at 2 s that
    /// fails everything from 2 s to 6 s: the single server's deploy.
    fn outage_stream() -> StreamResult {
        let points: Vec<Point> = (0..150u64)
            .map(|i| {
                let at_us = i * 200_000;
                let ok = !(2_000_000..6_000_000).contains(&at_us);
                Point {
                    at_us,
                    url: "http://www.foobar.com/".into(),
                    ok,
                    status: if ok { "200" } else { "502" }.into(),
                    latency_us: 10_000,
                    server: None,
                    reason: None,
                    sql: None,
                    version: None,
                }
            })
            .collect();
        StreamResult {
            failed: points.iter().filter(|p| !p.ok).count(),
            points,
            events: Vec::new(),
            observed: Vec::new(),
            failure_span_us: 3_800_000,
            longest_run: 20,
            outage_us: 4_000_000,
            outage_start_us: Some(2_000_000),
        }
    }

    #[test]
    fn the_shape_runs_from_trough_to_peak() {
        let d = DaySpec::default();
        assert_eq!(d.rate_at(4.0 * 3600.0), 2.0);
        assert_eq!(d.rate_at(20.0 * 3600.0), 40.0);
        assert_eq!(d.rate_at(12.0 * 3600.0), 21.0);
        // Falling from 20:00 to 04:00 (8 h): halfway at midnight.
        assert_eq!(d.rate_at(0.0), 21.0);
        assert_eq!(d.rate_at(DAY_S + 3600.0 * 4.0), 2.0);
        let hours = d.requests_per_hour();
        let total: f64 = hours.iter().sum();
        // The mean of a smoothstep's half is ½: 21 req/s on average.
        assert!((total - 21.0 * DAY_S).abs() < 1.0, "{total}");
        let quiet = hours.iter().cloned().fold(f64::MAX, f64::min);
        // The rise (16 h) is gentler than the fall (8 h): 04:00–05:00 is quietest.
        assert_eq!(hours.iter().position(|h| *h == quiet), Some(4));
    }

    #[test]
    fn a_deploy_at_three_costs_a_fraction_of_one_at_eight_in_the_evening() {
        let d = DaySpec::default();
        let s = outage_stream();
        let night = exposure(&d, &s, 2_000_000, 3.0 * 3600.0).unwrap();
        let evening = exposure(&d, &s, 2_000_000, 20.0 * 3600.0).unwrap();
        assert_eq!(failing_spans(&s, 2_000_000), [(0.0, 4.0)]);
        // 4 s at about 3.6 req/s, then 4 s at 40 req/s.
        assert!((night.expected_failed - 14.4).abs() < 0.2, "{night:?}");
        assert!((evening.expected_failed - 160.0).abs() < 0.1, "{evening:?}");
        assert!(night.failed <= 30, "{night:?}");
        assert!((120..=200).contains(&evening.failed), "{evening:?}");
        assert!(
            evening.visitors_failed > 5 * night.visitors_failed.max(1),
            "{night:?} {evening:?}"
        );
        assert!(night.visitors_failed <= night.failed);
        assert!(evening.visitors_failed <= evening.failed);
        // Seeded: the same inputs give the same counts.
        assert_eq!(exposure(&d, &s, 2_000_000, 20.0 * 3600.0).unwrap(), evening);
    }

    #[test]
    fn a_stream_without_failures_costs_nobody_at_any_hour() {
        let d = DaySpec::default();
        let mut s = outage_stream();
        for p in &mut s.points {
            p.ok = true;
        }
        for h in 0..24 {
            let e = exposure(&d, &s, 2_000_000, f64::from(h) * 3600.0).unwrap();
            assert_eq!((e.failed, e.visitors_failed), (0, 0), "{h}");
        }
    }

    #[test]
    fn bad_days_get_a_message() {
        let ok = DaySpec::default();
        let check = |d: DaySpec, want: &str| {
            assert_eq!(d.validate().unwrap_err().0, want);
            assert_eq!(exposure(&d, &outage_stream(), 0, 0.0).unwrap_err().0, want);
        };
        check(
            DaySpec {
                peak_per_s: -5.0,
                ..ok.clone()
            },
            "the peak must be a positive number of requests per second, at most 500",
        );
        check(
            DaySpec {
                trough_per_s: 50.0,
                ..ok.clone()
            },
            "the trough cannot be busier than the peak",
        );
        check(
            DaySpec {
                peak_at_h: 4.5,
                ..ok.clone()
            },
            "the peak and the trough must be at least an hour apart",
        );
        check(
            DaySpec {
                trough_at_h: f64::NAN,
                ..ok.clone()
            },
            "an hour is from 00:00 to 23:59",
        );
        assert!(exposure(&ok, &outage_stream(), 0, DAY_S).is_err());
    }

    #[test]
    fn clocks_read_and_write() {
        assert_eq!(clock(3.0 * 3600.0), "03:00");
        assert_eq!(clock(20.5 * 3600.0), "20:30");
        assert_eq!(parse_clock(" 3:30 ").unwrap(), 12_600.0);
        assert_eq!(parse_clock("20").unwrap(), 72_000.0);
        assert_eq!(
            parse_clock("24:00").unwrap_err().0,
            "“24:00” is not a time of day like 03:00"
        );
        assert!(parse_clock("noon").is_err());
    }
}
