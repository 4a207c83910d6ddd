//! The day of traffic against the real deploys: the one-server deploy's
//! stream from the pipeline, laid over a day; and no input panics.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use stackscope_core::day::{self, DaySpec};
use stackscope_core::seed;
use stackscope_core::stream::{self, StreamSpec};

fn home_stream() -> StreamSpec {
    StreamSpec {
        urls: vec!["http://www.foobar.com/".into()],
        start_us: 0,
        every_us: 200_000,
        count: 150,
    }
}

#[test]
fn the_pipelines_deploys_over_a_day() {
    let single = stream::run(
        &seed::simple_stack(),
        &home_stream(),
        &stream::single_deploy(2_000_000, 4_000_000, false),
    )
    .unwrap();
    let redundant = seed::redundant_stack();
    let rolling = stream::run(
        &redundant,
        &home_stream(),
        &stream::rolling_deploy(&redundant, 2_000_000, 4_000_000, true),
    )
    .unwrap();
    assert_eq!((single.failed, rolling.failed), (20, 0));
    let d = DaySpec::default();
    let mut by_hour = Vec::new();
    for h in 0..24 {
        let at = f64::from(h) * 3600.0;
        let e = day::exposure(&d, &single, 2_000_000, at).unwrap();
        // 4 s of failures at the hour's rate: never more than the peak's 40/s allows, with room for chance.
        assert!(e.failed as f64 <= 4.0 * 40.0 * 1.5, "{h}: {e:?}");
        assert!(e.visitors_failed <= e.failed);
        assert!(
            (e.failed as f64 - e.expected_failed).abs() < 5.0 * e.expected_failed.sqrt() + 5.0,
            "{h}: {e:?}"
        );
        let r = day::exposure(&d, &rolling, 2_000_000, at).unwrap();
        assert_eq!((r.failed, r.visitors_failed), (0, 0), "{h}");
        by_hour.push(e.failed);
    }
    // The quiet hours cost a fraction of the busy ones.
    let quiet: u64 = by_hour[2..7].iter().sum();
    let busy: u64 = by_hour[18..23].iter().sum();
    assert!(busy > 8 * quiet, "{by_hour:?}");
}

/// A short one-server deploy, run once for every case.
fn short_deploy() -> &'static stream::StreamResult {
    static RUN: std::sync::OnceLock<stream::StreamResult> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let s = StreamSpec {
            count: 20,
            ..home_stream()
        };
        stream::run(
            &seed::simple_stack(),
            &s,
            &stream::single_deploy(1_000_000, 1_000_000, false),
        )
        .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_day_gives_counts_or_a_message(
        trough in -10.0f64..200.0,
        peak in -10.0f64..200.0,
        trough_at in -2.0f64..26.0,
        peak_at in -2.0f64..26.0,
        pages in 0u32..24,
        pause in -5.0f64..130.0,
        at in -100.0f64..90_000.0,
        text in ".{0,12}",
    ) {
        let d = DaySpec {
            seed: 7,
            trough_per_s: trough,
            trough_at_h: trough_at,
            peak_per_s: peak,
            peak_at_h: peak_at,
            pages_per_visit: pages,
            pause_s: pause,
        };
        match day::exposure(&d, short_deploy(), 1_000_000, at) {
            Ok(e) => {
                prop_assert!(d.validate().is_ok());
                prop_assert!(e.visitors_failed <= e.failed);
                prop_assert!(e.expected_failed.is_finite() && e.expected_failed >= 0.0);
                let total: f64 = d.requests_per_hour().iter().sum();
                prop_assert!(total.is_finite() && total >= 0.0);
            }
            Err(e) => prop_assert!(!e.0.is_empty()),
        }
        let _ = day::parse_clock(&text);
    }
}
