//! The load panel's settings, free of the DOM: the learner's choices as a
//! core `LoadSpec`, and the capacities they give. The runs themselves are
//! the server's (`Command::LoadStart`).

use stackscope_core::load::job::weighted;
use stackscope_core::load::{app_capacity_per_s, db_capacity_per_s, Burst, LoadSpec, RouteCost};

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

/// The core's capacities for a spec: (application workers, database), requests/s.
pub fn capacity(costs: &[RouteCost], spec: &LoadSpec) -> (f64, f64) {
    let costs = weighted(costs, &spec.mix);
    (
        app_capacity_per_s(&costs, spec),
        db_capacity_per_s(&costs, spec),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackscope_core::load::LoadSim;
    use stackscope_core::Scenario;

    #[test]
    fn capacities_are_the_simulations() {
        let costs = measure_costs().unwrap();
        for mix in MixChoice::ALL {
            for cores in [1, 2, 8] {
                let spec = Settings {
                    mix,
                    cores,
                    servers: 3,
                    rate_per_s: 100.0,
                    ..Settings::default()
                }
                .spec();
                let sim = LoadSim::new(&Scenario::default(), spec.clone()).unwrap();
                assert_eq!(
                    capacity(&costs, &spec),
                    (sim.app_capacity_per_s(), sim.db_capacity_per_s())
                );
            }
        }
    }
}
