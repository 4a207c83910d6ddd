//! Backups against a disk failure: a scheduled dump of the database, what a failure loses (RPO) and how long the site is down while a new server is built from the dump (RTO), against the redundant design's replica.
//!
//! The dump is real: [`dump`] writes the world's rows as `mysqldump` writes
//! them (`INSERT INTO \`table\` VALUES` and a row per line, with MySQL's string
//! escapes), so its size is the size of this site's data. What happens
//! around it is modelled, step by step, each step's time said on screen:
//! noticing the failure, building a server, copying the dump, loading it,
//! and the DNS change to the new server's address, which resolvers may not
//! see for the A record's TTL (read from the zone). The data lost is every
//! write made after the last dump began (`mysqldump --single-transaction`
//! takes its snapshot at the start): here, on the day of traffic of
//! [`crate::day`], one `UPDATE posts SET views = views + 1` per post page.

use serde::{Deserialize, Serialize};

use crate::day::{DaySpec, DAY_S};
use crate::scenario::{BackupSchedule, RecordData, Scenario, SeedData};

/// The running world's time of day when a session begins: 10:00 on its
/// first day. Session time (µs from 0) reads as a time of day from here;
/// the world's data as built stands for the last dump before it.
pub const SESSION_STARTS_AT_S: i64 = 10 * 3600;

/// The most minutes between two dumps of the running world: a week.
pub const MAX_EVERY_MIN: u16 = 7 * 24 * 60;

/// A schedule the running world can keep, or the learner's message.
pub fn check_schedule(s: &BackupSchedule) -> Result<(), String> {
    if s.every_min == 0 {
        return Err("a backup every 0 minutes never runs: choose 1 to 168 hours".into());
    }
    if !(60..=MAX_EVERY_MIN).contains(&s.every_min) {
        return Err("a backup runs every 1 to 168 hours (a week)".into());
    }
    if s.at_min >= 24 * 60 {
        return Err("a backup starts between 00:00 and 23:59".into());
    }
    Ok(())
}

impl BackupSchedule {
    /// The schedule's times are `at + k × every` for every integer `k`.
    fn anchor_s(&self) -> i64 {
        i64::from(self.at_min) * 60
    }

    /// Seconds between two dumps.
    pub fn every_s(&self) -> i64 {
        i64::from(self.every_min.max(1)) * 60
    }

    /// The last scheduled dump at or before `t_s` (seconds from the first
    /// day's midnight; negative before it).
    pub fn last_at_or_before(&self, t_s: i64) -> i64 {
        let every = self.every_s();
        self.anchor_s() + (t_s - self.anchor_s()).div_euclid(every) * every
    }

    /// The first scheduled dump after `t_s`.
    pub fn next_after(&self, t_s: i64) -> i64 {
        self.last_at_or_before(t_s) + self.every_s()
    }
}

/// Session time as seconds from the first day's midnight.
pub fn clock_s(at_us: u64) -> i64 {
    SESSION_STARTS_AT_S + i64::try_from(at_us / 1_000_000).unwrap_or(i64::MAX / 2)
}

/// The session time (µs) of a time of the running world (0 for any time
/// before the session began); the inverse of [`clock_s`].
pub fn session_us(t_s: i64) -> u64 {
    u64::try_from(t_s - SESSION_STARTS_AT_S)
        .unwrap_or(0)
        .saturating_mul(1_000_000)
}

/// A span of the running world's clock: `8 h 05 min` (0 for a negative one).
pub fn hours_minutes(secs: i64) -> String {
    let s = secs.max(0);
    format!("{} h {:02} min", s / 3600, s % 3600 / 60)
}

/// A time of the running world: `02:00`, `02:00 on day 2` (the session
/// begins on day 1), `22:00 the day before`.
pub fn day_clock(t_s: i64) -> String {
    let day = t_s.div_euclid(86_400);
    // A clock reads 02:00 until 02:01 (whole minutes, not rounded).
    let in_day = t_s.rem_euclid(86_400);
    let hm = crate::day::clock((in_day - in_day % 60) as f64);
    match day {
        0 => hm,
        -1 => format!("{hm} the day before"),
        d if d < 0 => format!("{hm}, {} days before", -d),
        d => format!("{hm} on day {}", d + 1),
    }
}

/// What the running world's backups hold (the page shows it beside the
/// backup panel's modelled day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    /// The session's clock, seconds from the first day's midnight.
    pub now_s: i64,
    pub schedule: BackupSchedule,
    /// When the last finished dump began (its snapshot).
    pub last_s: i64,
    /// The dump holds the data as the session began (none taken since).
    pub last_is_initial: bool,
    /// Its size, as `mariadb-dump` writes it.
    pub last_bytes: u64,
    /// The next scheduled dump.
    pub next_s: i64,
    /// Written since the last dump, lost if the disk failed now: statements
    /// from the SQL console, and post views counted.
    pub unsaved_statements: u64,
    pub unsaved_views: u64,
    /// Scheduled dumps that could not run (the database down), and the
    /// last of them.
    pub missed: u32,
    pub last_missed_s: Option<i64>,
    /// A dump being written now: when it began.
    pub writing_s: Option<i64>,
    /// Dumps lost because their database went down while they were
    /// written, and the last of them.
    pub interrupted: u32,
    pub last_interrupted_s: Option<i64>,
    /// The last time a new disk was loaded from a dump in this world.
    pub last_restore: Option<DiskRestore>,
}

/// What loading the last backup onto a new disk lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskRestore {
    /// Statements typed into the SQL console since the dump.
    pub lost_statements: usize,
    /// Post views counted since the dump.
    pub lost_views: u64,
    /// When the dump loaded began (seconds from the first day's midnight).
    pub dump_began_s: i64,
    /// The dump held the data as the session began (none taken since).
    pub initial: bool,
    /// When the disk failed (same clock): the recovery point is the time
    /// between the two.
    pub failed_at_s: i64,
}

/// A backup schedule and the modelled speeds of a restore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSpec {
    /// The first dump of each cycle, hours after midnight…
    pub at_h: f64,
    /// …then one every `every_h` hours (24: nightly).
    pub every_h: f64,
    /// The database's size, bytes (the dump of this site's rows, unless the
    /// learner asks what a bigger one would take).
    pub size_bytes: f64,
    /// Modelled: from the failure to someone acting on it (a monitoring alert).
    pub detect_s: f64,
    /// Modelled: a new server from an image, with Nginx and the application.
    pub provision_s: f64,
    /// Modelled: copying the dump from the backup machine, bytes per second.
    pub copy_bytes_per_s: f64,
    /// Modelled: loading it (`mysql < dump.sql`: one insert after another), bytes per second.
    pub load_bytes_per_s: f64,
    /// Modelled: writing a dump, bytes per second.
    pub dump_bytes_per_s: f64,
    /// Share of requests that write (a post page counts its view).
    pub write_share: f64,
}

impl BackupSpec {
    /// A nightly dump at 02:00 of `size_bytes`, and modelled speeds.
    pub fn nightly(size_bytes: f64, write_share: f64) -> BackupSpec {
        BackupSpec {
            at_h: 2.0,
            every_h: 24.0,
            size_bytes,
            detect_s: 300.0,
            provision_s: 900.0,
            // 1 Gbit/s between the machines.
            copy_bytes_per_s: 110e6,
            load_bytes_per_s: 20e6,
            dump_bytes_per_s: 50e6,
            write_share,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(self.every_h.is_finite() && self.every_h > 0.0) {
            return Err("a backup every 0 hours never runs: choose 1 to 168 hours".into());
        }
        if !(1.0..=168.0).contains(&self.every_h) {
            return Err("a backup runs every 1 to 168 hours (a week)".into());
        }
        if !(self.at_h.is_finite() && (0.0..24.0).contains(&self.at_h)) {
            return Err("a backup starts between 00:00 and 23:59".into());
        }
        if !(self.size_bytes.is_finite() && self.size_bytes > 0.0 && self.size_bytes <= 100e12) {
            return Err("the database's size is more than 0 and at most 100 TB".into());
        }
        if self.dump_s() >= self.every_h * 3600.0 {
            return Err(format!(
                "a dump of this size takes {:.1} h, longer than the {:.0} h between backups: no backup would ever finish",
                self.dump_s() / 3600.0,
                self.every_h
            ));
        }
        Ok(())
    }

    /// How long one dump takes to write.
    pub fn dump_s(&self) -> f64 {
        self.size_bytes / self.dump_bytes_per_s
    }
}

/// One step of getting the site back, and how long it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub what: String,
    pub secs: f64,
}

/// What a disk failure at one moment costs with the backups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// When the disk failed, seconds after midnight.
    pub failed_at_s: f64,
    /// When the last finished dump began (its snapshot), seconds after
    /// midnight; negative for the day before.
    pub snapshot_s: f64,
    /// A dump was being written when the disk failed (it is lost too).
    pub dump_in_progress: bool,
    /// Recovery point: the data written in this long is lost.
    pub rpo_s: f64,
    /// Writes lost (expected, from the day's traffic).
    pub lost_writes: f64,
    pub steps: Vec<Step>,
    /// Recovery time: the sum of the steps.
    pub rto_s: f64,
    /// Requests that found the site down (expected, from the day's traffic).
    pub failed_requests: f64,
}

/// The redundant design's answer to the same failure (the primary's disk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicaRecovery {
    /// Writes not yet replayed on the replica, lost at its promotion.
    pub lost_writes: f64,
    pub lag_s: f64,
    /// Writes fail until the replica is promoted; reads go on.
    pub promote_s: f64,
    pub failed_writes: f64,
}

/// Expected requests between two times of day that may cross midnight
/// (the shape repeats every day).
fn requests(day: &DaySpec, from_s: f64, to_s: f64) -> f64 {
    if to_s <= from_s {
        return 0.0;
    }
    let mut total = 0.0;
    let mut t = from_s;
    while t < to_s {
        let base = (t / DAY_S).floor() * DAY_S;
        let end = (base + DAY_S).min(to_s);
        total += day.expected(t - base, end - base);
        t = end;
    }
    total
}

/// The A record of the zone's apex (the address the new server takes
/// over), and its TTL.
pub fn apex_ttl(world: &Scenario) -> Option<u32> {
    world.dns.zones.iter().find_map(|z| {
        z.records
            .iter()
            .find(|r| r.name == z.origin && matches!(r.data, RecordData::A(_)))
            .map(|r| r.ttl)
    })
}

/// A disk failure at `failed_at_s` seconds after midnight, with these
/// backups, on this day of traffic; `dns_ttl_s` is the A record's TTL.
pub fn recover(
    spec: &BackupSpec,
    day: &DaySpec,
    dns_ttl_s: u32,
    failed_at_s: f64,
) -> Result<Recovery, String> {
    spec.validate()?;
    day.validate().map_err(|e| e.to_string())?;
    if !(failed_at_s.is_finite() && (0.0..DAY_S).contains(&failed_at_s)) {
        return Err("the disk fails between 00:00 and 23:59".into());
    }
    let every = spec.every_h * 3600.0;
    let first = spec.at_h * 3600.0;
    // The last dump that began before the failure…
    let k = ((failed_at_s - first) / every).floor();
    let mut snapshot = first + k * every;
    // …is usable only if it finished before the disk failed.
    let dump_in_progress = snapshot + spec.dump_s() > failed_at_s;
    if dump_in_progress {
        snapshot -= every;
    }
    let rpo_s = failed_at_s - snapshot;
    let lost_writes =
        requests(day, snapshot + DAY_S * 7.0, failed_at_s + DAY_S * 7.0) * spec.write_share;
    let steps = vec![
        Step {
            what: "notice the failure (an alert, someone on call)".into(),
            secs: spec.detect_s,
        },
        Step {
            what: "build a new server from an image".into(),
            secs: spec.provision_s,
        },
        Step {
            what: format!("copy the dump ({})", bytes(spec.size_bytes)),
            secs: spec.size_bytes / spec.copy_bytes_per_s,
        },
        Step {
            what: "load the dump into the new database".into(),
            secs: spec.size_bytes / spec.load_bytes_per_s,
        },
        Step {
            what: "point the A record at the new server; resolvers may keep the old address for its TTL".into(),
            secs: f64::from(dns_ttl_s),
        },
    ];
    let rto_s: f64 = steps.iter().map(|s| s.secs).sum();
    let failed_requests = requests(day, failed_at_s, failed_at_s + rto_s);
    Ok(Recovery {
        failed_at_s,
        snapshot_s: snapshot,
        dump_in_progress,
        rpo_s,
        lost_writes,
        steps,
        rto_s,
        failed_requests,
    })
}

/// The same failure on the redundant design's primary database, whose
/// replica trails it by `lag_s` and is promoted after `promote_s`.
pub fn replica(
    day: &DaySpec,
    write_share: f64,
    lag_s: f64,
    promote_s: f64,
    failed_at_s: f64,
) -> ReplicaRecovery {
    let at = failed_at_s + DAY_S * 7.0;
    ReplicaRecovery {
        lost_writes: requests(day, at - lag_s, at) * write_share,
        lag_s,
        promote_s,
        failed_writes: requests(day, at, at + promote_s) * write_share,
    }
}

/// `4.2 KB`, `50.0 GB` (decimal units, as disks are sold).
pub fn bytes(n: f64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = n;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < units.len() {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 {
        format!("{v:.0} {}", units[0])
    } else {
        format!("{v:.1} {}", units[i])
    }
}

/// A string as `mysqldump` quotes it: `'…'` with `\0`, `\n`, `\r`, `\Z`,
/// `\\`, `\'` and `\"` escaped (`mysql_real_escape_string`).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1a}' => out.push_str("\\Z"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The rows as MariaDB 10.11's `mariadb-dump` writes its data section: one
/// extended `INSERT` per table, `VALUES` then a row per line, columns in
/// the schema's order; the console's statements after them. The
/// conformance suite compares each `INSERT` with the real program's.
pub fn dump(data: &SeedData) -> String {
    let mut out =
        String::from("-- Dump of the foobar database (rows only; the schema is created first)\n");
    let table = |out: &mut String, name: &str, rows: Vec<String>| {
        if rows.is_empty() {
            return;
        }
        out.push_str(&format!(
            "INSERT INTO `{name}` VALUES\n{};\n",
            rows.join(",\n")
        ));
    };
    // In primary-key order, as InnoDB stores (and mariadb-dump reads) them;
    // keys compare by code point (the binary collation).
    let mut users: Vec<_> = data.users.iter().collect();
    crate::order::sort_by_key(&mut users, |u| u.id);
    let mut posts: Vec<_> = data.posts.iter().collect();
    crate::order::sort_by_key(&mut posts, |p| p.id);
    let mut settings: Vec<_> = data.settings.iter().collect();
    crate::order::sort_by(&mut settings, |a, b| a.key.cmp(&b.key));
    table(
        &mut out,
        "users",
        users
            .iter()
            .map(|u| format!("({},{},{})", u.id, quote(&u.name), quote(&u.bio)))
            .collect(),
    );
    table(
        &mut out,
        "posts",
        posts
            .iter()
            .map(|p| {
                format!(
                    "({},{},{},{},{},{},0)",
                    p.id,
                    quote(&p.slug),
                    quote(&p.title),
                    quote(&p.body),
                    p.author_id,
                    quote(&p.published)
                )
            })
            .collect(),
    );
    table(
        &mut out,
        "settings",
        settings
            .iter()
            .map(|s| format!("({},{})", quote(&s.key), quote(&s.value)))
            .collect(),
    );
    for s in &data.statements {
        out.push_str(s.trim_end_matches(';'));
        out.push_str(";\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed;

    fn spec() -> BackupSpec {
        BackupSpec::nightly(dump(&seed::simple_stack().data).len() as f64, 0.3)
    }

    #[test]
    fn the_dump_is_the_rows_as_mysqldump_writes_them() {
        let d = dump(&seed::simple_stack().data);
        assert!(
            d.contains("INSERT INTO `posts` VALUES\n(1,'hello-world',"),
            "{d}"
        );
        assert!(
            d.contains("INSERT INTO `settings` VALUES\n('site_title','Foobar'),\n("),
            "{d}"
        );
        assert_eq!(quote("it's \"a\"\n\\"), "'it\\'s \\\"a\\\"\\n\\\\'");
        assert!(d.len() > 500 && d.len() < 100_000, "{}", d.len());
    }

    #[test]
    fn a_failure_in_the_evening_loses_the_day_since_the_nightly_dump() {
        let day = DaySpec::default();
        let r = recover(&spec(), &day, 3600, 18.0 * 3600.0).unwrap();
        assert_eq!(r.snapshot_s, 2.0 * 3600.0);
        assert_eq!(r.rpo_s, 16.0 * 3600.0);
        assert!(!r.dump_in_progress);
        // 02:00 to 18:00 of the day's traffic, 30% of it writes.
        let want = day.expected(2.0 * 3600.0, 18.0 * 3600.0) * 0.3;
        assert!(
            (r.lost_writes - want).abs() < 1.0,
            "{} vs {want}",
            r.lost_writes
        );
        // 5 min + 15 min + a small copy and load + the hour of the TTL.
        assert!(
            (r.rto_s - (300.0 + 900.0 + 3600.0)).abs() < 1.0,
            "{}",
            r.rto_s
        );
        assert!(r.failed_requests > 100_000.0, "{}", r.failed_requests);
        // Just after the dump: almost nothing lost.
        let early = recover(&spec(), &day, 3600, 2.0 * 3600.0 + 60.0).unwrap();
        assert!(early.rpo_s < 61.0 && early.lost_writes < 200.0, "{early:?}");
        // Before 02:00: the last dump is yesterday's.
        let night = recover(&spec(), &day, 3600, 3600.0).unwrap();
        assert_eq!(night.snapshot_s, -22.0 * 3600.0);
        assert_eq!(night.rpo_s, 23.0 * 3600.0);
    }

    #[test]
    fn a_big_database_takes_long_to_load_and_a_dump_in_progress_does_not_count() {
        let day = DaySpec::default();
        let big = BackupSpec {
            size_bytes: 50e9,
            ..spec()
        };
        // 50 GB: 1,000 s to dump; failing 10 min after 02:00 falls inside it.
        let r = recover(&big, &day, 3600, 2.0 * 3600.0 + 600.0).unwrap();
        assert!(r.dump_in_progress);
        assert_eq!(r.snapshot_s, -22.0 * 3600.0);
        let load = r.steps.iter().find(|s| s.what.starts_with("load")).unwrap();
        assert_eq!(load.secs, 2_500.0);
    }

    #[test]
    fn the_replica_loses_only_its_lag() {
        let day = DaySpec::default();
        let rep = replica(&day, 0.3, 1.5, 10.0, 18.0 * 3600.0);
        let r = recover(&spec(), &day, 3600, 18.0 * 3600.0).unwrap();
        assert!(rep.lost_writes < 30.0, "{rep:?}");
        assert!(
            r.lost_writes > 1_000.0 * rep.lost_writes,
            "{} vs {}",
            r.lost_writes,
            rep.lost_writes
        );
    }

    #[test]
    fn schedules_that_never_run_say_so() {
        let bad = |s: BackupSpec| s.validate().unwrap_err();
        assert_eq!(
            bad(BackupSpec {
                every_h: 0.0,
                ..spec()
            }),
            "a backup every 0 hours never runs: choose 1 to 168 hours"
        );
        assert_eq!(
            bad(BackupSpec { size_bytes: 50e12, every_h: 24.0, ..spec() }),
            "a dump of this size takes 277.8 h, longer than the 24 h between backups: no backup would ever finish"
        );
        assert!(recover(&spec(), &DaySpec::default(), 60, DAY_S).is_err());
    }
}
