//! The work behind the load panel, free of the DOM: the learner's settings as
//! a core `LoadSpec`, and a run or a knee curve advanced in chunks.

use stackscope_core::load::{
    knee_rates, knee_spec, Burst, KneePoint, LoadError, LoadResult, LoadSim, LoadSpec, RouteCost,
};

/// Periodic bursts on top of the mean load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BurstChoice {
    None,
    /// ×4 for 10 s from 10 s (once a minute): more than one server takes.
    Surge,
    /// ×3 for 1 s every 5 s.
    Short,
    /// ×10 for 0.5 s every 10 s.
    Spike,
}

impl BurstChoice {
    pub const ALL: [BurstChoice; 4] = [
        BurstChoice::Surge,
        BurstChoice::None,
        BurstChoice::Short,
        BurstChoice::Spike,
    ];

    pub fn key(self) -> &'static str {
        match self {
            BurstChoice::None => "none",
            BurstChoice::Surge => "surge",
            BurstChoice::Short => "x3",
            BurstChoice::Spike => "x10",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BurstChoice::None => "None: steady (Poisson) arrivals",
            BurstChoice::Surge => "A surge: ×4 for 10 s from 10 s",
            BurstChoice::Short => "Bursts: ×3 for 1 s every 5 s",
            BurstChoice::Spike => "Spikes: ×10 for 0.5 s every 10 s",
        }
    }

    pub fn burst(self) -> Option<Burst> {
        match self {
            BurstChoice::None => None,
            BurstChoice::Surge => Some(Burst {
                factor: 4.0,
                every_s: 60.0,
                length_s: 10.0,
                start_s: 10.0,
            }),
            BurstChoice::Short => Some(Burst {
                factor: 3.0,
                every_s: 5.0,
                length_s: 1.0,
                start_s: 0.0,
            }),
            BurstChoice::Spike => Some(Burst {
                factor: 10.0,
                every_s: 10.0,
                length_s: 0.5,
                start_s: 0.0,
            }),
        }
    }
}

/// Which pages the visitors ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MixChoice {
    PagesHeavy,
    Balanced,
    StaticHeavy,
}

impl MixChoice {
    pub const ALL: [MixChoice; 3] = [
        MixChoice::PagesHeavy,
        MixChoice::Balanced,
        MixChoice::StaticHeavy,
    ];

    pub fn key(self) -> &'static str {
        match self {
            MixChoice::PagesHeavy => "pages",
            MixChoice::Balanced => "balanced",
            MixChoice::StaticHeavy => "static",
        }
    }

    /// Weights over the core's default mix (home page, a post, the stylesheet).
    fn weights(self) -> [u32; 3] {
        match self {
            MixChoice::PagesHeavy => [6, 3, 1],
            MixChoice::Balanced => [5, 3, 2],
            MixChoice::StaticHeavy => [2, 1, 7],
        }
    }

    pub fn label(self) -> String {
        let [home, post, css] = self.weights();
        let name = match self {
            MixChoice::PagesHeavy => "Pages-heavy",
            MixChoice::Balanced => "Balanced",
            MixChoice::StaticHeavy => "Static-heavy",
        };
        format!("{name} ({home}0% home, {post}0% post, {css}0% CSS)")
    }

    /// The core's default URLs with this mix's weights.
    pub fn mix(self) -> Vec<(String, u32)> {
        LoadSpec::default()
            .mix
            .into_iter()
            .zip(self.weights())
            .map(|((url, _), w)| (url, w))
            .collect()
    }
}

/// What the learner chose.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Mean offered load, requests/s (the panel clamps it to the slider's range).
    pub rate_per_s: f64,
    pub burst: BurstChoice,
    pub mix: MixChoice,
    pub cores: u32,
    pub servers: u32,
    pub duration_s: u32,
    /// A change of capacity during the run.
    pub scale: super::scaling::ScaleChoice,
    /// The autoscaling rule, switched on or not, as typed.
    pub autoscale: super::scaling::AutoscaleForm,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rate_per_s: 0.0,
            // The panel opens on a problem: a surge one server cannot take.
            burst: BurstChoice::Surge,
            mix: MixChoice::Balanced,
            cores: 2,
            servers: 1,
            duration_s: 30,
            scale: super::scaling::ScaleChoice::None,
            autoscale: super::scaling::AutoscaleForm::default(),
        }
    }
}

impl Settings {
    pub fn spec(&self) -> LoadSpec {
        LoadSpec {
            rate_per_s: self.rate_per_s,
            burst: self.burst.burst(),
            mix: self.mix.mix(),
            duration_s: f64::from(self.duration_s),
            servers: self.servers,
            cores: self.cores,
            scaling: self.scale.scaling(self.servers, self.cores),
            autoscale: self.autoscale.rule(),
            ..LoadSpec::default()
        }
    }
}

/// Each route's cost, measured once by tracing a request per route through
/// the pipeline (the core's `route_costs`), with weight 1. The app asks its
/// worker for these (`Command::RouteCosts`); tests measure them here.
#[cfg(test)]
pub fn measure_costs() -> Result<Vec<RouteCost>, String> {
    use stackscope_core::{load::route_costs, Scenario};
    route_costs(&Scenario::default(), &LoadSpec::default().mix).map_err(|e| e.to_string())
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

/// The core's capacities for a spec: (application workers, database), requests/s.
pub fn capacity(costs: &[RouteCost], spec: &LoadSpec) -> (f64, f64) {
    let sim = LoadSim::with_costs(spec.clone(), weighted(costs, &spec.mix));
    (sim.app_capacity_per_s(), sim.db_capacity_per_s())
}

/// A knee curve being computed: one run per offered load.
pub struct KneeWork {
    base: LoadSpec,
    costs: Vec<RouteCost>,
    rates: Vec<f64>,
    duration_s: f64,
    sim: LoadSim,
    points: Vec<KneePoint>,
    capacity: f64,
}

/// The latency-vs-load curve and the capacity it was measured against.
#[derive(Debug, Clone, PartialEq)]
pub struct KneeCurve {
    pub points: Vec<KneePoint>,
    pub capacity_per_s: f64,
}

/// What a finished job produced.
pub enum Done {
    Run(Box<LoadResult>),
    Knee(KneeCurve),
}

/// A run or a knee curve in progress.
pub enum Work {
    Run(Box<LoadSim>),
    Knee(Box<KneeWork>),
}

impl Work {
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

    /// Processes up to `events` events; the outcome once everything is done.
    pub fn advance(&mut self, events: usize) -> Result<Option<Done>, LoadError> {
        match self {
            Work::Run(sim) => Ok(sim.step(events).then(|| Done::Run(Box::new(sim.result())))),
            Work::Knee(k) => {
                if !k.sim.step(events) {
                    return Ok(None);
                }
                k.points.push(KneePoint::from_result(&k.sim.result()));
                match k.rates.get(k.points.len()) {
                    Some(&rate) => {
                        let spec = knee_spec(&k.base, rate, k.duration_s);
                        spec.validate()?;
                        k.sim = LoadSim::with_costs(spec, k.costs.clone());
                        Ok(None)
                    }
                    None => Ok(Some(Done::Knee(KneeCurve {
                        points: std::mem::take(&mut k.points),
                        capacity_per_s: k.capacity,
                    }))),
                }
            }
        }
    }

    /// Share done, 0..=1.
    pub fn progress(&self) -> f64 {
        match self {
            Work::Run(sim) => sim.progress(),
            Work::Knee(k) => {
                (k.points.len() as f64 + k.sim.progress()) / k.rates.len().max(1) as f64
            }
        }
    }

    /// What is being computed, for the progress bar's label.
    pub fn label(&self) -> String {
        match self {
            Work::Run(_) => "Simulating".into(),
            Work::Knee(k) => format!(
                "Latency vs load: run {} of {}",
                (k.points.len() + 1).min(k.rates.len()),
                k.rates.len()
            ),
        }
    }

    /// Runs to the end at once.
    pub fn finish(mut self, events: usize) -> Result<Done, LoadError> {
        loop {
            if let Some(done) = self.advance(events.max(1))? {
                return Ok(done);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackscope_core::load::{knee, route_costs, simulate};
    use stackscope_core::Scenario;

    #[test]
    fn reweighted_costs_equal_the_cores_measurement() {
        let costs = measure_costs().unwrap();
        for m in MixChoice::ALL {
            let mix = m.mix();
            assert_eq!(
                weighted(&costs, &mix),
                route_costs(&Scenario::default(), &mix).unwrap()
            );
        }
    }

    #[test]
    fn a_chunked_run_equals_the_cores_simulate() {
        let costs = measure_costs().unwrap();
        let settings = Settings {
            rate_per_s: 1800.0,
            burst: BurstChoice::Short,
            mix: MixChoice::PagesHeavy,
            duration_s: 10,
            ..Settings::default()
        };
        let spec = settings.spec();
        let Done::Run(got) = Work::run(&costs, spec.clone())
            .unwrap()
            .finish(777)
            .unwrap()
        else {
            panic!("not a run")
        };
        assert_eq!(*got, simulate(&Scenario::default(), &spec).unwrap());
    }

    #[test]
    fn a_chunked_knee_equals_the_cores_knee() {
        let costs = measure_costs().unwrap();
        let spec = Settings {
            mix: MixChoice::StaticHeavy,
            cores: 3,
            burst: BurstChoice::Spike,
            rate_per_s: 10.0,
            ..Settings::default()
        }
        .spec();
        let Done::Knee(got) = Work::knee(&costs, spec.clone(), 6, 2.0)
            .unwrap()
            .finish(5_000)
            .unwrap()
        else {
            panic!("not a knee")
        };
        assert_eq!(
            got.points,
            knee(&Scenario::default(), &spec, 6, 2.0).unwrap()
        );
        assert_eq!(
            got.capacity_per_s,
            capacity(&costs, &spec).0.min(capacity(&costs, &spec).1)
        );
    }
}
