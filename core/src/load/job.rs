//! A load run or a knee curve advanced in slices, so that whoever drives it
//! (the worker, between the page's messages) decides how long each slice is.
//!
//! No clock here: a slice is a number of events. The driver measures its
//! own time and sizes the next slice (the worker aims at a few ms).

use serde::{Deserialize, Serialize};

use super::{
    knee_rates, knee_spec, KneePoint, LoadError, LoadResult, LoadSim, LoadSpec, RouteCost,
};

/// What the load panel asks the server to compute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadJob {
    pub spec: LoadSpec,
    /// A latency-vs-load curve around `spec` instead of one run of it.
    pub knee: Option<KneeJob>,
}

/// The curve's shape: `points` runs of `duration_s` simulated seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KneeJob {
    pub points: u32,
    pub duration_s: f64,
}

/// The latency-vs-load curve and the capacity it was measured against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KneeCurve {
    pub points: Vec<KneePoint>,
    pub capacity_per_s: f64,
}

/// Where a job is, as the server reports it after each slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LoadReport {
    /// Still running: the share done (0..=1), what is being computed, and
    /// the events its run has handled so far. `events` grows with every
    /// slice, so no report of a running job equals the one before: the
    /// page, which draws (and asks for the next slice) only when a report
    /// changes, would otherwise wait for ever once an overloaded run's
    /// share stays at 1 while its queue drains.
    Progress {
        progress: f64,
        label: String,
        events: u64,
    },
    /// One run, finished.
    Ran(Box<LoadResult>),
    /// A knee curve, finished.
    Knee(KneeCurve),
    /// The job was refused (an invalid spec), with the reason.
    Failed(String),
    /// The job is gone: cancelled, or replaced by a newer one.
    Cancelled,
}

impl LoadReport {
    /// True once nothing more will come for this job.
    pub fn is_final(&self) -> bool {
        !matches!(self, LoadReport::Progress { .. })
    }
}

/// The measured costs with the weights of `mix` (a cost does not depend on
/// its weight, so this equals `route_costs(scenario, mix)`).
pub fn weighted(costs: &[RouteCost], mix: &[(String, u32)]) -> Vec<RouteCost> {
    mix.iter()
        .filter_map(|(url, w)| {
            costs.iter().find(|c| &c.url == url).map(|c| RouteCost {
                weight: *w,
                ..c.clone()
            })
        })
        .collect()
}

/// A knee curve being computed: one run per offered load.
#[derive(Debug, Clone)]
pub struct KneeWork {
    base: LoadSpec,
    costs: Vec<RouteCost>,
    rates: Vec<f64>,
    duration_s: f64,
    sim: LoadSim,
    points: Vec<KneePoint>,
    capacity: f64,
}

/// A run or a knee curve in progress.
#[derive(Debug, Clone)]
pub enum Work {
    Run(Box<LoadSim>),
    Knee(Box<KneeWork>),
}

impl Work {
    /// The work a job asks for, with the costs measured for the default mix
    /// (reweighted to the job's).
    pub fn new(costs: &[RouteCost], job: LoadJob) -> Result<Work, LoadError> {
        match job.knee {
            None => Work::run(costs, job.spec),
            Some(k) => Work::knee(costs, job.spec, k.points, k.duration_s),
        }
    }

    /// One simulation of `spec`.
    pub fn run(costs: &[RouteCost], spec: LoadSpec) -> Result<Work, LoadError> {
        spec.validate()?;
        let costs = weighted(costs, &spec.mix);
        Ok(Work::Run(Box::new(LoadSim::with_costs(spec, costs))))
    }

    /// `points` runs of `duration_s` from 10 % to 150 % of the capacity,
    /// exactly as the core's `knee` does, one run at a time.
    pub fn knee(
        costs: &[RouteCost],
        spec: LoadSpec,
        points: u32,
        duration_s: f64,
    ) -> Result<Work, LoadError> {
        spec.validate()?;
        let costs = weighted(costs, &spec.mix);
        let capacity = LoadSim::with_costs(spec.clone(), costs.clone()).capacity_per_s();
        let rates = knee_rates(capacity, points);
        let first = knee_spec(&spec, rates[0], duration_s);
        first.validate()?;
        // Each run is checked on its own; together they are held to the
        // same bound as one run.
        let total: f64 = rates.iter().map(|r| r * duration_s).sum();
        if total.is_nan() || total > super::MAX_REQUESTS {
            return Err(LoadError::Spec(
                "that curve is more than 20 million requests in all; use fewer points or shorter runs"
                    .into(),
            ));
        }
        let sim = LoadSim::with_costs(first, costs.clone());
        Ok(Work::Knee(Box::new(KneeWork {
            base: spec,
            costs,
            rates,
            duration_s,
            sim,
            points: Vec::new(),
            capacity,
        })))
    }

    /// Processes up to `events` events; the final report once everything is done.
    pub fn advance(&mut self, events: usize) -> Option<LoadReport> {
        match self {
            Work::Run(sim) => sim
                .step(events)
                .then(|| LoadReport::Ran(Box::new(sim.result()))),
            Work::Knee(k) => {
                if !k.sim.step(events) {
                    return None;
                }
                k.points.push(KneePoint::from_result(&k.sim.result()));
                match k.rates.get(k.points.len()) {
                    Some(&rate) => {
                        let spec = knee_spec(&k.base, rate, k.duration_s);
                        if let Err(e) = spec.validate() {
                            return Some(LoadReport::Failed(e.to_string()));
                        }
                        k.sim = LoadSim::with_costs(spec, k.costs.clone());
                        None
                    }
                    None => Some(LoadReport::Knee(KneeCurve {
                        points: std::mem::take(&mut k.points),
                        capacity_per_s: k.capacity,
                    })),
                }
            }
        }
    }

    /// Where the work is: the share done, 0..=1, and what is being computed.
    pub fn progress(&self) -> LoadReport {
        let (progress, label, events) = match self {
            Work::Run(sim) => {
                let progress = sim.progress();
                let label = if progress < 1.0 {
                    "Simulating"
                } else {
                    // The last request has arrived: what is left is the
                    // queue, whose requests finish or time out.
                    "Arrivals over, the queue drains"
                };
                (progress, label.to_string(), sim.handled())
            }
            Work::Knee(k) => (
                (k.points.len() as f64 + k.sim.progress()) / k.rates.len().max(1) as f64,
                format!(
                    "Latency vs load: run {} of {}",
                    (k.points.len() + 1).min(k.rates.len()),
                    k.rates.len()
                ),
                k.sim.handled(),
            ),
        };
        LoadReport::Progress {
            progress,
            label,
            events,
        }
    }

    /// Runs to the end at once.
    pub fn finish(mut self, events: usize) -> LoadReport {
        loop {
            if let Some(done) = self.advance(events.max(1)) {
                return done;
            }
        }
    }
}

#[cfg(all(test, feature = "engine"))]
mod tests {
    use super::*;
    use crate::load::{knee, route_costs, simulate, Burst};
    use crate::Scenario;

    fn costs() -> Vec<RouteCost> {
        route_costs(&Scenario::default(), &LoadSpec::default().mix).unwrap()
    }

    #[test]
    fn reweighted_costs_equal_the_cores_measurement() {
        let costs = costs();
        for weights in [[6, 3, 1], [5, 3, 2], [2, 1, 7]] {
            let mix: Vec<(String, u32)> = LoadSpec::default()
                .mix
                .into_iter()
                .zip(weights)
                .map(|((u, _), w)| (u, w))
                .collect();
            assert_eq!(
                weighted(&costs, &mix),
                route_costs(&Scenario::default(), &mix).unwrap()
            );
        }
    }

    #[test]
    fn a_run_in_slices_equals_simulate() {
        let spec = LoadSpec {
            rate_per_s: 1800.0,
            duration_s: 10.0,
            burst: Some(Burst {
                factor: 3.0,
                every_s: 5.0,
                length_s: 1.0,
                start_s: 0.0,
            }),
            ..LoadSpec::default()
        };
        let job = LoadJob {
            spec: spec.clone(),
            knee: None,
        };
        let mut work = Work::new(&costs(), job).unwrap();
        let mut last = 0.0;
        let done = loop {
            if let Some(done) = work.advance(777) {
                break done;
            }
            let LoadReport::Progress {
                progress, label, ..
            } = work.progress()
            else {
                panic!("not progress")
            };
            assert!(progress >= last && progress <= 1.0, "{progress}");
            if progress < 1.0 {
                assert_eq!(label, "Simulating");
            } else {
                assert_eq!(label, "Arrivals over, the queue drains");
            }
            last = progress;
        };
        assert!(done.is_final());
        assert_eq!(
            done,
            LoadReport::Ran(Box::new(simulate(&Scenario::default(), &spec).unwrap()))
        );
    }

    #[test]
    fn no_report_of_a_running_job_equals_the_one_before() {
        // An overloaded run's share stays at 1 from its last arrival on,
        // while its queue drains: at 3,000 requests/s and more, slices of
        // 50 to 1,000 events gave 2 to 61 reports equal to the one before
        // when a report was only the share and the label.
        let costs = costs();
        let jobs = [300.0, 3_000.0, 48_000.0]
            .map(|rate_per_s| LoadJob {
                spec: LoadSpec {
                    rate_per_s,
                    ..LoadSpec::default()
                },
                knee: None,
            })
            .into_iter()
            .chain([LoadJob {
                spec: LoadSpec::default(),
                knee: Some(KneeJob {
                    points: 4,
                    duration_s: 2.0,
                }),
            }]);
        for job in jobs {
            for slice in [50, 1_000] {
                let mut work = Work::new(&costs, job.clone()).unwrap();
                let (mut before, mut drained) = (work.progress(), 0);
                while work.advance(slice).is_none() {
                    let now = work.progress();
                    assert_ne!(now, before, "{job:?} in slices of {slice}");
                    if let LoadReport::Progress {
                        progress, label, ..
                    } = &now
                    {
                        if *progress == 1.0 && job.knee.is_none() {
                            // And says why it is not done at 100 %.
                            assert_eq!(label, "Arrivals over, the queue drains");
                            drained += 1;
                        }
                    }
                    before = now;
                }
                // The case this guards: several slices at 100 %.
                if job.spec.rate_per_s >= 3_000.0 && job.knee.is_none() {
                    assert!(drained >= 2, "{job:?} in slices of {slice}: {drained}");
                }
            }
        }
    }

    #[test]
    fn a_knee_in_slices_equals_knee() {
        let spec = LoadSpec {
            cores: 3,
            rate_per_s: 10.0,
            ..LoadSpec::default()
        };
        let job = LoadJob {
            spec: spec.clone(),
            knee: Some(KneeJob {
                points: 6,
                duration_s: 2.0,
            }),
        };
        let work = Work::new(&costs(), job).unwrap();
        assert_eq!(
            work.progress(),
            LoadReport::Progress {
                progress: 0.0,
                label: "Latency vs load: run 1 of 6".into(),
                events: 0,
            }
        );
        let LoadReport::Knee(curve) = work.finish(5_000) else {
            panic!("not a knee")
        };
        assert_eq!(
            curve.points,
            knee(&Scenario::default(), &spec, 6, 2.0).unwrap()
        );
        let probe = LoadSim::new(&Scenario::default(), spec).unwrap();
        assert_eq!(curve.capacity_per_s, probe.capacity_per_s());
    }

    #[test]
    fn a_knee_of_too_many_requests_is_refused() {
        let job = LoadJob {
            spec: LoadSpec {
                rate_per_s: 10.0,
                ..LoadSpec::default()
            },
            knee: Some(KneeJob {
                points: 40,
                duration_s: 3600.0,
            }),
        };
        let Err(e) = Work::new(&costs(), job) else {
            panic!("accepted")
        };
        assert!(e.to_string().contains("20 million requests in all"), "{e}");
    }

    #[test]
    fn an_invalid_spec_is_refused_before_any_work() {
        let spec = LoadSpec {
            rate_per_s: -1.0,
            ..LoadSpec::default()
        };
        let job = LoadJob { spec, knee: None };
        assert!(Work::new(&costs(), job).is_err());
    }
}
