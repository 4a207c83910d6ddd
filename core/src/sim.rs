//! The simulator: runs one request through every hop and records the trace.
//!
//! It owns the state that outlives a request (the resolver's cache, the warm
//! database, the random sequence) and threads a [`Ctx`] through the hops.
//! Hops are called in order; each appends its steps to the timeline.

use crate::browser;
use crate::dns::resolver::{Resolution, Resolver};
use crate::error::ScenarioError;
use crate::net::vrrp::Vrrp;
use crate::rng::Rng;
use crate::scenario::{Change, ProcessState, Scenario, Topology};
use crate::server::db::{Backend, ConsoleResult, Db, DbRoute, LogEntry, Value};
use crate::server::lb::{self, LbState};
use crate::server::nginx::Router;
use crate::trace::{Component, Outcome, Page, Payload, Phase, Span, Status, Step, Trace};
use crate::{net, server, validate};

/// The virtual clock and the steps recorded so far in one request.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub scenario: &'a Scenario,
    pub rng: &'a mut Rng,
    /// µs since the request began.
    pub now: u64,
    /// The session time the request began at, µs.
    pub started_at_us: u64,
    pub steps: Vec<Step>,
    pub spans: Vec<Span>,
    /// The web server being worked on (redundant design), stamped on steps.
    pub node: Option<u8>,
    /// Writes committed on the primary during this request, to replicate.
    pub writes: Vec<LogEntry>,
    /// The TLS session the request travels in (HTTPS to the load balancer).
    pub tls: Option<Box<crate::tls::Session>>,
    /// The balancer pair's power history (the scaled-up design).
    pub vrrp: Vrrp,
    /// The balancer that answered for the public address (a pair only).
    pub balancer: Option<String>,
    /// The application machine being worked on (split tiers), stamped on steps.
    pub app_node: Option<u8>,
}

/// A step to record; `at_us` is taken from the clock.
pub struct StepSpec {
    pub from: Component,
    pub to: Component,
    pub phase: Phase,
    pub status: Status,
    pub duration_us: u64,
    pub title: String,
    pub explanation: String,
    pub payload: Payload,
}

impl<'a> Ctx<'a> {
    /// The start of a request at session time `started_at_us`.
    pub fn new(scenario: &'a Scenario, rng: &'a mut Rng, started_at_us: u64) -> Self {
        Ctx {
            scenario,
            rng,
            now: 0,
            started_at_us,
            steps: Vec::new(),
            spans: Vec::new(),
            node: None,
            writes: Vec::new(),
            tls: None,
            vrrp: Vrrp::default(),
            balancer: None,
            app_node: None,
        }
    }

    /// Records a step starting now and advances the clock by its duration.
    pub fn step(&mut self, spec: StepSpec) {
        self.steps.push(Step {
            at_us: self.now,
            duration_us: spec.duration_us,
            from: spec.from,
            to: spec.to,
            node: self.node,
            app_node: self.app_node,
            phase: spec.phase,
            status: spec.status,
            title: spec.title,
            explanation: spec.explanation,
            payload: spec.payload,
        });
        self.now = self.now.saturating_add(spec.duration_us);
    }

    /// A one-way network delay with the scenario's jitter.
    pub fn net(&mut self, base_us: u64) -> u64 {
        self.rng.jitter(base_us, self.scenario.latency.jitter_pct)
    }

    /// The absolute session time now, µs (for TTLs).
    pub fn session_now(&self) -> u64 {
        self.started_at_us.saturating_add(self.now)
    }

    pub fn span(&mut self, component: Component, label: &str, start_us: u64) {
        self.spans.push(Span {
            component,
            label: label.to_string(),
            start_us,
            end_us: self.now,
        });
    }
}

/// Shorthand for building a [`StepSpec`].
#[allow(clippy::too_many_arguments)]
pub fn spec(
    from: Component,
    to: Component,
    phase: Phase,
    status: Status,
    duration_us: u64,
    title: impl Into<String>,
    explanation: impl Into<String>,
    payload: Payload,
) -> StepSpec {
    StepSpec {
        from,
        to,
        phase,
        status,
        duration_us,
        title: title.into(),
        explanation: explanation.into(),
        payload,
    }
}

/// How a request ended, before the browser turns it into a page.
pub enum Ending {
    /// The browser received this HTTP response.
    Response {
        status: u16,
        reason: String,
        content_type: String,
        body: String,
    },
    /// The browser gave up with a Chromium error code.
    BrowserError { code: &'static str, detail: String },
}

pub use crate::backup::DiskRestore;

/// One dump of the database to the backup machine.
#[derive(Debug, Clone)]
struct Dump {
    /// When it began, seconds from the first day's midnight; its snapshot
    /// is the data then (`--single-transaction`).
    began_s: i64,
    /// The data as the session began: the dump before the session.
    initial: bool,
    data: crate::scenario::SeedData,
    /// Each post's view count (counted by requests, not part of the rows
    /// the world is built from).
    views: Vec<(i64, i64)>,
    bytes: u64,
}

/// The running world's backups, taken as its clock passes the schedule.
#[derive(Debug, Clone)]
struct Backups {
    /// The last dump that finished.
    last: Dump,
    /// A dump being written, and when it is done (session µs).
    writing: Option<(Dump, u64)>,
    missed: u32,
    last_missed_s: Option<i64>,
    /// Dumps lost because their database went down while they were written.
    interrupted: u32,
    last_interrupted_s: Option<i64>,
    /// When the disk failed (session µs).
    disk_failed_at_us: Option<u64>,
}

/// Each post's view count.
fn view_counts(db: &Db) -> Vec<(i64, i64)> {
    db.query("SELECT id, views FROM posts ORDER BY id", &[])
        .map(|r| {
            r.rows
                .iter()
                .filter_map(|row| Some((row.first()?.parse().ok()?, row.get(1)?.parse().ok()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn total_views(views: &[(i64, i64)]) -> u64 {
    views.iter().map(|(_, v)| (*v).max(0) as u64).sum()
}

impl Dump {
    fn of(db: &Db, data: &crate::scenario::SeedData, began_s: i64) -> Dump {
        Dump {
            began_s,
            initial: false,
            data: data.clone(),
            views: view_counts(db),
            bytes: crate::backup::dump(data).len() as u64,
        }
    }

    /// How long writing it takes (µs), at the backup panel's modelled speed.
    fn write_us(&self) -> u64 {
        let spec = crate::backup::BackupSpec::nightly(self.bytes as f64, 0.0);
        (spec.dump_s() * 1e6).ceil() as u64
    }
}

/// The database machines' shared state in the redundant design.
#[derive(Debug, Clone, Default)]
struct Replication {
    /// Writes committed on the primary, in order.
    log: Vec<LogEntry>,
    /// How many of them the replica has replayed.
    applied: usize,
    /// When the primary stopped (session µs).
    primary_down_since: Option<u64>,
    /// The replica has been promoted and takes writes…
    promoted: bool,
    /// …since this moment (session µs).
    promoted_at_us: u64,
    /// Writes lost at promotion: committed on the old primary, never replayed.
    lost_writes: usize,
}

/// The simulated world and the state that persists between requests.
pub struct Simulator {
    /// The world as built; [`Change::Restore`] returns to it.
    original: Scenario,
    scenario: Scenario,
    resolver: Resolver,
    /// The single server's database, or the redundant design's primary.
    db: Db,
    /// The read replica (redundant design).
    replica: Option<Db>,
    router: Router,
    lb: LbState,
    replication: Replication,
    /// When the balancer pair's machines lost or regained power.
    vrrp: Vrrp,
    /// The dumps of the database on the world's schedule: a failed disk is
    /// replaced and the database loaded from the last that finished.
    backups: Backups,
    /// What the last restore from the dump lost, until read.
    restored: Option<DiskRestore>,
    /// …and kept, for the backups' status.
    last_restore: Option<DiskRestore>,
    /// The latest session time the world has been advanced to.
    clock_us: u64,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("scenario", &self.scenario)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Builds the world: validates the scenario and loads the database(s).
    pub fn new(scenario: Scenario) -> Result<Self, ScenarioError> {
        validate::scenario(&scenario)?;
        let db = Db::open(&scenario.data)?;
        let backups = Backups {
            // The dump before the session: the rows as built (with the view
            // counts their statements may have set).
            last: Dump {
                initial: true,
                ..Dump::of(
                    &db,
                    &scenario.data,
                    scenario
                        .backups
                        .last_at_or_before(crate::backup::SESSION_STARTS_AT_S),
                )
            },
            writing: None,
            missed: 0,
            last_missed_s: None,
            interrupted: 0,
            last_interrupted_s: None,
            disk_failed_at_us: None,
        };
        let (replica, lb) = match &scenario.topology {
            Topology::Single => (None, LbState::default()),
            Topology::Redundant(c) => (Some(Db::open(&scenario.data)?), LbState::new(c)),
        };
        Ok(Simulator {
            router: Router::for_world(&scenario),
            original: scenario.clone(),
            scenario,
            resolver: Resolver::default(),
            db,
            replica,
            lb,
            replication: Replication::default(),
            vrrp: Vrrp::default(),
            backups,
            restored: None,
            last_restore: None,
            clock_us: 0,
        })
    }

    /// Builds the world from a scenario as JSON (e.g. an imported file).
    pub fn from_json(json: &str) -> Result<Self, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_str(json).map_err(|e| ScenarioError::BadJson {
                detail: e.to_string(),
            })?;
        Self::new(scenario)
    }

    /// The world as it is now (faults included).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The world as it was built, without the faults applied since (but with
    /// the console's writes, which are edits of the data).
    pub fn original(&self) -> &Scenario {
        &self.original
    }

    /// Forgets everything the resolver has cached.
    pub fn flush_dns_cache(&mut self) {
        self.resolver = Resolver::default();
    }

    /// What the load balancer currently believes: `(hostname, healthy)` per
    /// web server (empty for the single server).
    pub fn lb_view(&self) -> Vec<(String, bool)> {
        match &self.scenario.topology {
            Topology::Single => Vec::new(),
            Topology::Redundant(c) => c
                .web
                .iter()
                .zip(&self.lb.health)
                .map(|(w, h)| (w.hostname.clone(), h.up))
                .collect(),
        }
    }

    /// For each web server, the time of the health check that last changed
    /// the load balancer's mind about it (0: never; empty for the single server).
    pub fn lb_changed_at(&self) -> Vec<u64> {
        self.lb.health.iter().map(|h| h.since_us).collect()
    }

    /// A new disk and the last backup: the database loaded from the last
    /// dump that finished, so every statement the console ran since, and
    /// every view counted, is gone from the world (and from what it exports).
    fn restore_from_dump(&mut self, at_us: u64) {
        let dump = self.backups.last.clone();
        let lost_statements = self
            .scenario
            .data
            .statements
            .len()
            .saturating_sub(dump.data.statements.len());
        let counted = total_views(&view_counts(&self.db));
        if let Ok(db) = Db::open(&dump.data) {
            for (id, views) in &dump.views {
                let _ = db.query(
                    "UPDATE posts SET views = ? WHERE id = ?",
                    &[Value::Integer(*views), Value::Integer(*id)],
                );
            }
            self.db = db;
            let failed_at_us = self.backups.disk_failed_at_us.unwrap_or(at_us);
            let r = DiskRestore {
                lost_statements,
                lost_views: counted.saturating_sub(total_views(&dump.views)),
                dump_began_s: dump.began_s,
                initial: dump.initial,
                failed_at_s: crate::backup::clock_s(failed_at_us),
            };
            self.restored = Some(r);
            self.last_restore = Some(r);
        }
        self.backups.disk_failed_at_us = None;
        self.scenario.data = dump.data.clone();
        self.original.data = dump.data;
    }

    /// The database that takes the writes: the primary, or the replica
    /// once promoted.
    fn writer_db(&self) -> &Db {
        match &self.replica {
            Some(replica) if self.replication.promoted => replica,
            _ => &self.db,
        }
    }

    /// The database that takes the writes can be dumped: its machine and
    /// its server are up.
    fn dump_source_up(&self) -> bool {
        let server = &self.scenario.server;
        match &self.scenario.topology {
            Topology::Single => server.powered_on && !server.disk_failed && self.primary_up(),
            Topology::Redundant(c) if self.replication.promoted => {
                c.db_replica.state == ProcessState::Running
            }
            Topology::Redundant(_) => self.primary_up(),
        }
    }

    /// Takes the dumps the schedule asks for between the clock and `to_us`
    /// (the data does not change between two events, so a dump taken now
    /// holds what it held at its scheduled time).
    fn run_backups(&mut self, to_us: u64) {
        let b = &mut self.backups;
        if let Some((_, done_us)) = &b.writing {
            if *done_us <= to_us {
                if let Some((d, _)) = b.writing.take() {
                    b.last = d;
                }
            }
        }
        let schedule = self.scenario.backups;
        if crate::backup::check_schedule(&schedule).is_err() {
            return;
        }
        let from_s = crate::backup::clock_s(self.clock_us);
        let last_s = schedule.last_at_or_before(crate::backup::clock_s(to_us));
        if last_s <= from_s {
            return;
        }
        let every_s = schedule.every_s();
        let start_us = crate::backup::session_us(last_s);
        // Before a promotion within this span, the writes' database was the
        // old primary, which was down.
        let promoted_later =
            self.replication.promoted && start_us < self.replication.promoted_at_us;
        if promoted_later || !self.dump_source_up() {
            let first_s = schedule.next_after(from_s);
            let b = &mut self.backups;
            let passed = (last_s - first_s) / every_s + 1;
            b.missed = b
                .missed
                .saturating_add(u32::try_from(passed).unwrap_or(u32::MAX));
            b.last_missed_s = Some(last_s);
            return;
        }
        let dump = Dump::of(self.writer_db(), &self.scenario.data, last_s);
        let done_us = start_us.saturating_add(dump.write_us());
        let b = &mut self.backups;
        if done_us <= to_us {
            b.last = dump;
            b.writing = None;
        } else {
            if last_s - every_s > from_s {
                // The one before it ran and finished, with the same data.
                b.last = Dump {
                    began_s: last_s - every_s,
                    ..dump.clone()
                };
            }
            b.writing = Some((dump, done_us));
        }
    }

    /// A dump being written when its database goes down is lost with it.
    fn interrupt_backup(&mut self) {
        if self.backups.writing.is_some() && !self.dump_source_up() {
            if let Some((d, _)) = self.backups.writing.take() {
                self.backups.interrupted = self.backups.interrupted.saturating_add(1);
                self.backups.last_interrupted_s = Some(d.began_s);
            }
        }
    }

    /// Time passes in the world with nothing asked of it (health checks,
    /// replication and the backups run).
    pub fn wait(&mut self, to_us: u64) {
        self.advance(to_us);
    }

    /// What the backups hold at session time `at_us` (at least the clock).
    pub fn backup_status(&self, at_us: u64) -> crate::backup::BackupStatus {
        let now_s = crate::backup::clock_s(at_us.max(self.clock_us));
        let b = &self.backups;
        let schedule = self.scenario.backups;
        let disk_failed = self.scenario.server.disk_failed;
        let (statements, views) = if disk_failed {
            (0, 0)
        } else {
            (
                self.scenario
                    .data
                    .statements
                    .len()
                    .saturating_sub(b.last.data.statements.len()) as u64,
                total_views(&view_counts(self.writer_db()))
                    .saturating_sub(total_views(&b.last.views)),
            )
        };
        crate::backup::BackupStatus {
            now_s,
            schedule,
            last_s: b.last.began_s,
            last_is_initial: b.last.initial,
            last_bytes: b.last.bytes,
            next_s: schedule.next_after(now_s),
            unsaved_statements: statements,
            unsaved_views: views,
            missed: b.missed,
            last_missed_s: b.last_missed_s,
            writing_s: b.writing.as_ref().map(|(d, _)| d.began_s),
            interrupted: b.interrupted,
            last_interrupted_s: b.last_interrupted_s,
            last_restore: self.last_restore,
        }
    }

    /// What the last repair of a failed disk lost, once (the session says it).
    pub fn take_restored(&mut self) -> Option<DiskRestore> {
        self.restored.take()
    }

    /// Who holds the public address at `at_us` when a pair of balancers
    /// shares it: the holder's hostname (`None`: nobody) and since when.
    /// `None` without a pair.
    pub fn vip_holder(&self, at_us: u64) -> Option<(Option<String>, u64)> {
        let Topology::Redundant(c) = &self.scenario.topology else {
            return None;
        };
        let pair = c.pair.as_ref()?;
        let (a, s) = (c.lb.powered_on, pair.powered_on);
        let host = match self.vrrp.holder(pair, a, s, at_us) {
            net::vrrp::Holder::Active => Some(c.lb.hostname.clone()),
            net::vrrp::Holder::Standby => Some(pair.hostname.clone()),
            net::vrrp::Holder::Nobody => None,
        };
        Some((host, self.vrrp.held_since(pair, a, s, at_us)))
    }

    /// True once the replica has been promoted to primary.
    pub fn replica_promoted(&self) -> bool {
        self.replication.promoted
    }

    /// Moves the world's own processes (health checks, replication,
    /// promotion) forward to session time `to_us`.
    fn advance(&mut self, to_us: u64) {
        let to_us = to_us.max(self.clock_us);
        if let Topology::Redundant(c) = &self.scenario.topology {
            self.lb.advance(c, to_us);
            let r = &mut self.replication;
            if let Some(since) = r.primary_down_since {
                let promote_at = since.saturating_add(c.promote_after_us);
                if !r.promoted && to_us >= promote_at && c.db_replica.state == ProcessState::Running
                {
                    r.promoted = true;
                    r.promoted_at_us = promote_at;
                    // Asynchronous replication: what the replica had not
                    // replayed when the primary died is lost.
                    let applied_by_then = r
                        .log
                        .iter()
                        .take_while(|e| e.commit_us.saturating_add(c.replication_lag_us) <= since)
                        .count()
                        .max(r.applied);
                    r.lost_writes = r.log.len().saturating_sub(applied_by_then);
                    if let Some(replica) = &self.replica {
                        for e in r.log.iter().take(applied_by_then).skip(r.applied) {
                            let _ = replica.query(&e.sql, &e.params);
                        }
                    }
                    r.applied = r.log.len();
                }
            }
            if !r.promoted && c.db_replica.state == ProcessState::Running {
                if let Some(replica) = &self.replica {
                    while let Some(e) = r.log.get(r.applied) {
                        if e.commit_us.saturating_add(c.replication_lag_us) > to_us {
                            break;
                        }
                        let _ = replica.query(&e.sql, &e.params);
                        r.applied += 1;
                    }
                }
            }
        }
        // Last: a promotion above is the one change within the span, and
        // the dumps know when it happened.
        self.run_backups(to_us);
        self.clock_us = to_us;
    }

    /// Changes the world at session time `at_us` (a fault, a repair, a deploy step).
    pub fn apply(&mut self, change: Change, at_us: u64) {
        self.advance(at_us);
        let primary_was_up = self.primary_up();
        match change {
            Change::LbPower(on) | Change::StandbyLbPower(on) => {
                let standby = matches!(change, Change::StandbyLbPower(_));
                if let Topology::Redundant(c) = &self.scenario.topology {
                    let was = if standby {
                        c.pair.as_ref().map(|p| p.powered_on)
                    } else {
                        Some(c.lb.powered_on)
                    };
                    if was.is_some_and(|was| was != on) {
                        self.vrrp.power(standby, on, at_us);
                    }
                }
                change.apply_to(&mut self.scenario);
            }
            Change::Disk(false) => {
                if self.scenario.server.disk_failed {
                    self.restore_from_dump(at_us);
                }
                change.apply_to(&mut self.scenario);
            }
            Change::Disk(true) => {
                if !self.scenario.server.disk_failed
                    && matches!(self.scenario.topology, Topology::Single)
                {
                    self.backups.disk_failed_at_us = Some(at_us);
                }
                change.apply_to(&mut self.scenario);
            }
            Change::Standby(_) => {
                // An edit of the design, kept by a restore.
                change.apply_to(&mut self.scenario);
                change.apply_to(&mut self.original);
            }
            Change::Backups(schedule) => {
                // An edit of the world, kept by a restore.
                if crate::backup::check_schedule(&schedule).is_ok() {
                    self.scenario.backups = schedule;
                    self.original.backups = schedule;
                }
            }
            Change::Restore => {
                if self.scenario.server.disk_failed {
                    self.restore_from_dump(at_us);
                }
                // As built: both balancers up, the active holding the address.
                self.vrrp = Vrrp::default();
                self.scenario = self.original.clone();
                if let Topology::Redundant(c) = &self.scenario.topology {
                    self.lb = LbState::new(c);
                    self.lb.advance(c, at_us);
                }
                if self.replication.promoted {
                    // The old primary comes back as a fresh copy of the new one.
                    self.replication = Replication::default();
                    if let Some(replica) = self.replica.take() {
                        self.db = replica;
                        self.replica = Db::open(&self.scenario.data).ok();
                    }
                } else {
                    self.replication.primary_down_since = None;
                }
            }
            Change::DnsRestore => self.scenario.dns = self.original.dns.clone(),
            Change::Certificate(None) => {
                let built = match &self.original.topology {
                    Topology::Redundant(c) => c.lb.https.as_ref().map(|h| h.certificate.clone()),
                    Topology::Single => None,
                };
                if let (Topology::Redundant(c), Some(cert)) = (&mut self.scenario.topology, built) {
                    if let Some(h) = &mut c.lb.https {
                        h.certificate = cert;
                    }
                }
            }
            other => other.apply_to(&mut self.scenario),
        }
        if change.touches_dns() {
            // The change shows at once: the resolver forgets what it cached
            // (a real one would keep its answers until their TTLs run out;
            // the session says so).
            self.flush_dns_cache();
        }
        let primary_up = self.primary_up();
        if primary_was_up && !primary_up {
            self.replication.primary_down_since = Some(at_us);
        } else if primary_up && !self.replication.promoted {
            self.replication.primary_down_since = None;
        }
        self.interrupt_backup();
    }

    /// Runs one statement typed into the SQL console against the database
    /// that takes writes, bounded in time and rows. A statement that changed
    /// data is kept with the scenario (so it survives reloads and exports)
    /// and, in the redundant design, replicated like any write.
    pub fn console(&mut self, sql: &str, at_us: u64) -> ConsoleResult {
        self.advance(at_us);
        let (state, host) = match &self.scenario.topology {
            Topology::Single => (self.scenario.server.database, "the database"),
            Topology::Redundant(c) if self.replication.promoted => {
                (c.db_replica.state, "the promoted replica")
            }
            Topology::Redundant(c) => (c.db_primary.state, "the primary database"),
        };
        if state != ProcessState::Running {
            return ConsoleResult {
                sql: sql.to_string(),
                columns: Vec::new(),
                rows: Vec::new(),
                changed: 0,
                truncated: false,
                error: Some(format!("Can't connect: {host} is not running.")),
                wrote: false,
                vm_steps: 0,
                not_mysql: None,
            };
        }
        let promoted = self.replication.promoted;
        let db = match (&mut self.replica, promoted) {
            (Some(replica), true) => replica,
            _ => &mut self.db,
        };
        let result = db.console(sql);
        if result.wrote {
            self.scenario.data.statements.push(sql.to_string());
            self.original.data.statements.push(sql.to_string());
            if self.replica.is_some() && !promoted {
                self.replication.log.push(LogEntry {
                    commit_us: at_us,
                    sql: sql.to_string(),
                    params: Vec::new(),
                });
            }
        }
        result
    }

    fn primary_up(&self) -> bool {
        match &self.scenario.topology {
            Topology::Single => self.scenario.server.database == ProcessState::Running,
            Topology::Redundant(c) => c.db_primary.state == ProcessState::Running,
        }
    }

    /// Runs one request for what the user typed, at session time `at_us`.
    pub fn request(&mut self, input: &str, at_us: u64) -> Trace {
        self.advance(at_us);
        let route = match (&self.scenario.topology, &self.replica) {
            (Topology::Redundant(c), Some(replica)) => {
                let primary = Backend {
                    db: &self.db,
                    state: c.db_primary.state,
                    component: Component::Database,
                    hostname: &c.db_primary.hostname,
                };
                let second = Backend {
                    db: replica,
                    state: c.db_replica.state,
                    component: Component::Replica,
                    hostname: &c.db_replica.hostname,
                };
                let promoted = self.replication.promoted;
                let writer = if promoted { second } else { primary };
                let reader = if !promoted && c.db_replica.state == ProcessState::Running {
                    second
                } else {
                    writer
                };
                DbRoute {
                    writer,
                    reader,
                    replicated: !promoted,
                    reader_behind: if reader.component == Component::Replica {
                        self.replication.log.len() - self.replication.applied
                    } else {
                        0
                    },
                    lag_us: c.replication_lag_us,
                }
            }
            _ => local_db(&self.db, self.scenario.server.database),
        };
        let mut rng = Rng::for_request(self.scenario.seed, at_us);
        let mut ctx = Ctx::new(&self.scenario, &mut rng, at_us);
        ctx.vrrp = self.vrrp;
        let (outcome, page) = run(
            &mut ctx,
            &mut self.resolver,
            &mut self.lb,
            route,
            &self.router,
            input,
        );
        let writes = std::mem::take(&mut ctx.writes);
        let trace = Trace {
            input: input.to_string(),
            started_at_us: at_us,
            steps: ctx.steps,
            outcome,
            page,
            spans: ctx.spans,
            balancer: ctx.balancer,
        };
        self.replication.log.extend(writes);
        trace
    }
}

impl Simulator {
    /// What the single server's nginx answers to exactly these request
    /// bytes, as if they had arrived over an open connection (no DNS, no
    /// TCP, no browser): the response, or `None` when nothing answers, and
    /// the steps taken. The conformance suite sends the same bytes to the
    /// real nginx and compares.
    pub fn serve_wire(
        &mut self,
        wire: &str,
        at_us: u64,
    ) -> (Option<crate::http::Response>, Vec<Step>) {
        self.advance(at_us);
        let route = local_db(&self.db, self.scenario.server.database);
        let mut rng = Rng::for_request(self.scenario.seed, at_us);
        let mut ctx = Ctx::new(&self.scenario, &mut rng, at_us);
        let host = server::Host {
            hostname: &self.scenario.server.hostname,
            remote_addr: self.scenario.client.ip,
            nginx: self.scenario.server.nginx,
            app: self.scenario.server.app,
            release: self.scenario.server.release,
            db: route,
            tier: None,
        };
        let res = match server::serve(&mut ctx, &host, &self.router, wire) {
            server::Served::Response(res, _) => Some(res),
            server::Served::NoAnswer => None,
        };
        (res, ctx.steps)
    }
}

/// The single server's own database, on `localhost`, for every query.
fn local_db(db: &Db, state: ProcessState) -> DbRoute<'_> {
    let only = Backend {
        db,
        state,
        component: Component::Database,
        hostname: "localhost",
    };
    DbRoute {
        writer: only,
        reader: only,
        replicated: false,
        reader_behind: 0,
        lag_us: 0,
    }
}

fn run(
    ctx: &mut Ctx,
    resolver: &mut Resolver,
    lb: &mut LbState,
    db: DbRoute,
    router: &Router,
    input: &str,
) -> (Outcome, Page) {
    let target = match browser::input::parse(ctx, input) {
        Ok(t) => t,
        Err(reason) => {
            let page = browser::pages::invalid_input(input, &reason);
            return (Outcome::InvalidInput { reason }, page);
        }
    };
    let ip = match target.ip {
        Some(ip) => {
            ctx.step(spec(
                Component::Browser,
                Component::Browser,
                Phase::Dns,
                Status::Ok,
                0,
                "No DNS lookup needed",
                format!("The address already is an IP address ({ip}), so the browser skips DNS and connects straight to it."),
                Payload::None,
            ));
            ip
        }
        None => match resolver.resolve(ctx, &target.host) {
            Resolution::Address { ip, .. } => ip,
            Resolution::NxDomain => {
                return browser::finish(
                    ctx,
                    &target,
                    Ending::BrowserError {
                        code: "DNS_PROBE_FINISHED_NXDOMAIN",
                        detail: format!("{}’s server IP address could not be found.", target.host),
                    },
                )
            }
            Resolution::NoAddress => {
                return browser::finish(
                    ctx,
                    &target,
                    Ending::BrowserError {
                        code: "DNS_PROBE_FINISHED_NO_INTERNET",
                        detail: format!(
                            "{} exists in DNS but has no IPv4 address (A record).",
                            target.host
                        ),
                    },
                )
            }
            Resolution::Failed { reason } => {
                return browser::finish(
                    ctx,
                    &target,
                    Ending::BrowserError {
                        code: "ERR_NAME_NOT_RESOLVED",
                        detail: reason,
                    },
                )
            }
        },
    };
    let ending = match net::tcp::connect(ctx, &target, ip) {
        net::tcp::Connected::Ours => {
            let host = server::Host {
                hostname: &ctx.scenario.server.hostname,
                remote_addr: ctx.scenario.client.ip,
                nginx: ctx.scenario.server.nginx,
                app: ctx.scenario.server.app,
                release: ctx.scenario.server.release,
                db,
                tier: None,
            };
            server::handle(ctx, &host, router, &target)
        }
        net::tcp::Connected::LoadBalancer => match &ctx.scenario.topology {
            Topology::Redundant(c) => match (&c.lb.https, target.scheme == "https") {
                (Some(https), true) => match crate::tls::handshake(ctx, https, &target) {
                    Ok(session) => {
                        ctx.tls = Some(session);
                        lb::forward(ctx, lb, c, router, db, &target)
                    }
                    Err(ending) => ending,
                },
                _ => lb::forward(ctx, lb, c, router, db, &target),
            },
            Topology::Single => Ending::BrowserError {
                code: "ERR_CONNECTION_REFUSED",
                detail: "there is no load balancer".into(),
            },
        },
        net::tcp::Connected::Other(host) => server::other_host(ctx, &target, ip, host),
        net::tcp::Connected::Failed(ending) => ending,
    };
    browser::finish(ctx, &target, ending)
}
