//! The running world's backups: its clock, the schedule it keeps, the last dump that finished, what a disk failure would lose now; wait for the next dump, fail the disk, and see the recovery point in the session's own writes.

use stackscope_core::backup::{day_clock, hours_minutes, BackupStatus, DiskRestore, MAX_EVERY_MIN};
use stackscope_core::scenario::BackupSchedule;
use stackscope_core::{Scenario, Topology};
use yew::prelude::*;

use crate::format::plural;
use crate::panels::backups::BackupAsk;
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub status: Option<BackupStatus>,
    pub world: Shared<Scenario>,
    /// The backup panel's form: its time and hours between dumps.
    pub at: String,
    pub every: String,
    pub on_action: Callback<BackupAsk>,
}

/// The form's schedule for the running world, or why it cannot be one.
pub fn form_schedule(at: &str, every: &str) -> Result<BackupSchedule, String> {
    let at_s =
        stackscope_core::day::parse_clock(at).map_err(|e| format!("the dump's time: {e}"))?;
    let hours: f64 = every
        .trim()
        .parse()
        .map_err(|_| "the time between backups is a number of hours, like 24".to_string())?;
    let minutes = (hours * 60.0).round();
    if !(minutes.is_finite() && (0.0..=f64::from(MAX_EVERY_MIN)).contains(&minutes)) {
        return Err("a backup runs every 1 to 168 hours (a week)".into());
    }
    let s = BackupSchedule {
        at_min: (at_s / 60.0).round() as u16,
        every_min: minutes as u16,
    };
    stackscope_core::backup::check_schedule(&s)?;
    Ok(s)
}

/// `02:00, every 24 h`.
pub fn schedule_text(s: &BackupSchedule) -> String {
    let every = if s.every_min % 60 == 0 {
        format!("{} h", s.every_min / 60)
    } else {
        format!("{} h {} min", s.every_min / 60, s.every_min % 60)
    };
    format!(
        "{}, every {every}",
        stackscope_core::day::clock(f64::from(s.at_min) * 60.0)
    )
}

/// What a disk failure now would lose, in the session's own writes.
pub fn at_risk(s: &BackupStatus, disk_failed: bool) -> String {
    if disk_failed {
        return "the disk has failed: replace it to load the last dump".into();
    }
    format!(
        "{} and {}, written in the {} since the dump began",
        plural(s.unsaved_statements, "console change", "console changes"),
        plural(s.unsaved_views, "post view", "post views"),
        hours_minutes(s.now_s - s.last_s)
    )
}

/// The last restore: which dump, the recovery point, what it lost.
pub fn restore_text(r: &DiskRestore) -> String {
    format!(
        "The disk failed at {}; the new one was loaded from the dump begun at {}{}. Recovery point: {}. Lost: {} and {}.",
        day_clock(r.failed_at_s),
        day_clock(r.dump_began_s),
        if r.initial { " (the data as the session began)" } else { "" },
        hours_minutes(r.failed_at_s - r.dump_began_s),
        plural(r.lost_statements as u64, "console change", "console changes"),
        plural(r.lost_views, "post view", "post views"),
    )
}

#[component]
pub fn BackupLive(props: &Props) -> Html {
    let Some(s) = &props.status else {
        return html! {};
    };
    let single = matches!(props.world.topology, Topology::Single);
    let disk_failed = props.world.server.disk_failed;
    let wanted = form_schedule(&props.at, &props.every);
    // What a button sends.
    let emit = |ask: BackupAsk| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(ask.clone()))
    };
    // To the first whole minute past the next dump's start: it has
    // finished by then.
    let to_next = u32::try_from((s.next_s - s.now_s + 59) / 60 + 1).unwrap_or(1);
    let schedule_button = match &wanted {
        Ok(w) if *w != s.schedule => html! {
            <button type="button" id="live-schedule" onclick={emit(BackupAsk::Schedule(*w))}>
                { format!("Run the form's schedule here ({})", schedule_text(w)) }
            </button>
        },
        Ok(_) => html! {},
        Err(e) => html! {
            <span id="live-schedule-error" class="hint">{ format!("The form's schedule cannot run here: {e}.") }</span>
        },
    };
    html! {
        <div id="backup-live" class="backup-live">
            <h3>{ "In the running world" }</h3>
            <p class="hint">
                { "The session's clock starts at 10:00 and moves with each request; waiting moves it further. \
                   The dumps run on the server's schedule as the clock passes it; what the console writes and \
                   what the post pages count after a dump is what a dead disk loses." }
            </p>
            <dl class="load-figures backup-figures">
                <div><dt>{ "Clock" }</dt><dd id="live-clock">{ day_clock(s.now_s) }</dd></div>
                <div><dt>{ "Schedule" }</dt><dd id="live-schedule-now">{ schedule_text(&s.schedule) }</dd></div>
                <div><dt>{ "Last finished dump" }</dt>
                    <dd id="live-last">{ format!("{}{} ({})", day_clock(s.last_s),
                        if s.last_is_initial { ", the data as the session began" } else { "" },
                        stackscope_core::backup::bytes(s.last_bytes as f64)) }</dd></div>
                if let Some(t) = s.writing_s {
                    <div><dt>{ "Being written" }</dt><dd id="live-writing">{ format!("the dump begun at {}", day_clock(t)) }</dd></div>
                }
                <div><dt>{ "A failure now loses" }</dt><dd id="live-risk">{ at_risk(s, disk_failed) }</dd></div>
                <div><dt>{ "Next dump" }</dt><dd id="live-next">{ day_clock(s.next_s) }</dd></div>
            </dl>
            if let Some(r) = &s.last_restore {
                <p id="live-restore" class="day-note">{ restore_text(r) }</p>
            }
            if s.interrupted > 0 {
                <p id="live-interrupted" class="day-error">
                    { format!("✕ {} lost: the database went down while {} written{}.",
                        plural(u64::from(s.interrupted), "dump was", "dumps were"),
                        if s.interrupted == 1 { "it was being" } else { "they were being" },
                        s.last_interrupted_s.map(|t| format!(" (the last begun at {})", day_clock(t))).unwrap_or_default()) }
                </p>
            }
            if s.missed > 0 {
                <p id="live-missed" class="day-error">
                    { format!("✕ {} could not run: the database was down{}.",
                        plural(u64::from(s.missed), "scheduled dump", "scheduled dumps"),
                        s.last_missed_s.map(|t| format!(" (the last at {})", day_clock(t))).unwrap_or_default()) }
                </p>
            }
            <div class="live-actions">
                <button type="button" id="live-wait-hour" onclick={emit(BackupAsk::Wait(60))}>{ "Wait 1 hour" }</button>
                <button type="button" id="live-wait-dump" onclick={emit(BackupAsk::Wait(to_next))}>
                    { format!("Wait past the next dump ({})", day_clock(s.next_s)) }
                </button>
                if single {
                    <button type="button" id="live-disk" class="demo"
                        onclick={emit(BackupAsk::Disk(!disk_failed))}>
                        { if disk_failed { "Replace the disk, load the last dump" } else { "Fail the disk now" } }
                    </button>
                }
                { schedule_button }
            </div>
            if !single {
                <p class="hint">{ "The disk fault is the one-server design's: switch to it to lose a disk here." }</p>
            }
        </div>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_schedule_or_says_why_not() {
        assert_eq!(
            form_schedule("03:30", "12"),
            Ok(BackupSchedule {
                at_min: 210,
                every_min: 720
            })
        );
        assert_eq!(
            form_schedule("02:00", "1.5").map(|s| schedule_text(&s)),
            Ok("02:00, every 1 h 30 min".to_string())
        );
        assert!(form_schedule("02:00", "0")
            .unwrap_err()
            .contains("never runs"));
        assert!(form_schedule("02:00", "200")
            .unwrap_err()
            .contains("1 to 168 hours"));
        assert!(form_schedule("02:00", "-3")
            .unwrap_err()
            .contains("1 to 168 hours"));
        assert!(form_schedule("25:00", "24")
            .unwrap_err()
            .contains("the dump's time"));
    }

    #[test]
    fn what_a_failure_now_would_lose() {
        let s = BackupStatus {
            now_s: 86_400 + 9 * 3600 + 30 * 60,
            schedule: BackupSchedule::default(),
            last_s: 86_400 + 2 * 3600,
            last_is_initial: false,
            last_bytes: 939,
            next_s: 2 * 86_400 + 2 * 3600,
            unsaved_statements: 1,
            unsaved_views: 12,
            missed: 0,
            last_missed_s: None,
            writing_s: None,
            interrupted: 0,
            last_interrupted_s: None,
            last_restore: None,
        };
        assert_eq!(
            at_risk(&s, false),
            "1 console change and 12 post views, written in the 7 h 30 min since the dump began"
        );
        assert_eq!(day_clock(s.last_s), "02:00 on day 2");
        let r = DiskRestore {
            lost_statements: 0,
            lost_views: 1,
            dump_began_s: 7_200,
            initial: true,
            failed_at_s: 36_010,
        };
        assert_eq!(
            restore_text(&r),
            "The disk failed at 10:00; the new one was loaded from the dump begun at 02:00 (the data as the session began). Recovery point: 8 h 00 min. Lost: 0 console changes and 1 post view."
        );
    }
}
