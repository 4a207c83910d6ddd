//! The discrete-event engine: a time-ordered event queue, queues per stage,
//! and time-integrated gauges, advanced in chunks so a UI can yield between them.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::load::stats::Histogram;
#[cfg(feature = "engine")]
use crate::load::{route_costs, LoadError};
use crate::load::{
    Change, Drain, HealthChecks, Incident, Interval, LoadResult, LoadSpec, RouteCost,
    ServerInterval,
};
use crate::rng::Rng;
#[cfg(feature = "engine")]
use crate::scenario::Scenario;

const ARRIVAL: u8 = 0;
const NGINX_DONE: u8 = 1;
const CPU1_DONE: u8 = 2;
const DB_DONE: u8 = 3;
const CPU2_DONE: u8 = 4;
/// The spec's scaling change begins (a resize stops the servers; servers
/// added start booting).
const SCALE: u8 = 5;
/// The scaling change is done: resized servers are back, new ones in rotation.
const SCALED: u8 = 6;
/// An interval ends: the autoscaling rule looks at it.
const TICK: u8 = 7;
/// A server the autoscaling rule started is up.
const BOOTED: u8 = 8;

#[derive(Debug, Clone, Copy)]
struct Req {
    arrival_ns: u64,
    server: u16,
    route: u16,
}

#[derive(Debug, Clone, Default)]
struct Server {
    /// Its CPU cores: Nginx's and the application's parallelism.
    cores: u32,
    /// Stopped (for a resize) until this time: connections are refused.
    down_until_ns: u64,
    /// Requests Nginx holds (from arrival to response).
    conns: u32,
    nginx_busy: u32,
    nginx_queue: VecDeque<u32>,
    workers_busy: u32,
    /// Of its busy workers, those computing (not waiting for the database).
    computing: u32,
    app_queue: VecDeque<u32>,
}

/// One server's counts in one interval (with [`LoadSpec::per_server`]).
#[derive(Debug, Clone, Default)]
struct SrvAcc {
    requests: u64,
    ok: u64,
    e500: u64,
    e502: u64,
    e503: u64,
    e504: u64,
    hist: Histogram,
    /// Its busy application workers, integrated, and its cores (one worker
    /// each), integrated.
    busy: f64,
    cores: f64,
    /// Its cores computing (Nginx's work and the workers' own), integrated.
    cpu: f64,
    active_at_end: u32,
    in_rotation: bool,
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Ok,
    TimedOut,
    /// 500: a bad release's page.
    Error500,
    /// 502: the application was down.
    Error502,
}

/// When the balancer's health checks take web server `server` out of
/// rotation and put it back, for an incident that stops its application,
/// in ns: checks run at every multiple of `inter` from `inter` on; the first failing one
/// is the first at or after the stop, the server leaves after `fall` of
/// them, and comes back after `rise` passing ones once the application is
/// up again. `None`: no checks, another incident, or the application came
/// back before the checks noticed.
pub fn rotation_gap(
    health: Option<HealthChecks>,
    incident: Option<Incident>,
) -> Option<(u64, u64)> {
    let (h, Some(Incident::AppDown { at_s, for_s, .. })) = (health?, incident) else {
        return None;
    };
    let inter = h.inter_us.max(1) * 1000;
    let down = (at_s * 1e9) as u64;
    let up = down + (for_s * 1e9) as u64;
    // The balancer's first check is one interval in (`LbState::new`).
    let first_fail = (down.div_ceil(inter) * inter).max(inter);
    let out = first_fail + u64::from(h.fall.saturating_sub(1)) * inter;
    if out >= up {
        return None;
    }
    let first_pass = up.div_ceil(inter) * inter;
    Some((
        out,
        first_pass + u64::from(h.rise.saturating_sub(1)) * inter,
    ))
}

#[derive(Debug, Clone, Default)]
struct Acc {
    arrivals: u64,
    completed: u64,
    /// Of which static files, answered by Nginx without a worker.
    completed_static: u64,
    r503: u64,
    t504: u64,
    /// Connections refused: the server was stopped for a resize.
    refused: u64,
    /// Pages answered 500 or 502 (an incident).
    e5xx_app: u64,
    hist: Histogram,
    /// Per server, with [`LoadSpec::per_server`].
    srv: Vec<SrvAcc>,
    /// Worker slots available (cores of running servers), integrated.
    app_slots: f64,
    app_busy: f64,
    db_busy: f64,
    nginx_busy: f64,
    app_queue: f64,
    db_queue: f64,
}

/// A simulation in progress.
#[derive(Debug, Clone)]
pub struct LoadSim {
    spec: LoadSpec,
    costs: Vec<RouteCost>,
    cumulative: Vec<u64>,
    rng: Rng,
    end_ns: u64,
    stop_ns: u64,
    heap: BinaryHeap<Reverse<(u64, u64, u8, u32)>>,
    seq: u64,
    /// Events handled so far.
    handled: u64,
    reqs: Vec<Req>,
    free: Vec<u32>,
    servers: Vec<Server>,
    /// Cores of the servers in rotation and running (worker slots).
    slots: u32,
    db_busy: u32,
    db_queue: VecDeque<u32>,
    rr: usize,
    // Gauges, integrated over time into the intervals.
    last_ns: u64,
    workers_busy: u32,
    nginx_busy: u32,
    app_queued: u32,
    acc: Vec<Acc>,
    /// What finished after the last arrival (the queue draining): counted in
    /// the totals, never in an interval, whose rates would otherwise show
    /// more answers than the servers can give in that time.
    drain: Acc,
    /// When the last request finished.
    last_done_ns: u64,
    interval_ns: u64,
    max_app_queue: u64,
    max_db_queue: u64,
    /// The autoscaling rule: since when the workers have been above its
    /// threshold, whether a server is booting, and what it added.
    above_since_ns: Option<u64>,
    booting: bool,
    added: Vec<crate::load::Added>,
    finished: bool,
    /// The incident's application stop (ns, from and to) and the server.
    app_down: Option<(usize, u64, u64)>,
    /// The bad release's window (ns) and share.
    bad_release: Option<(u64, u64, f64)>,
    /// When the health checks keep the stopped server out of rotation (ns).
    out_of_rotation: Option<(usize, u64, u64)>,
}

/// Requests per second the application workers could sustain with these
/// (weighted) costs: every core of every server busy with dynamic pages.
pub fn app_capacity_per_s(costs: &[RouteCost], spec: &LoadSpec) -> f64 {
    let (mut w, mut busy) = (0.0, 0.0);
    for c in costs {
        let wt = f64::from(c.weight);
        w += wt;
        if !c.is_static {
            busy += wt * (c.app_us + c.db_us);
        }
    }
    if busy == 0.0 {
        return f64::INFINITY;
    }
    f64::from(spec.servers * spec.cores) * 1e6 / (busy / w)
}

/// Requests per second the database could sustain with these (weighted)
/// costs: every connection busy with queries.
pub fn db_capacity_per_s(costs: &[RouteCost], spec: &LoadSpec) -> f64 {
    let (mut w, mut busy) = (0.0, 0.0);
    for c in costs {
        let wt = f64::from(c.weight);
        w += wt;
        if !c.is_static && c.queries > 0 {
            busy += wt * c.db_us;
        }
    }
    if busy == 0.0 {
        return f64::INFINITY;
    }
    f64::from(spec.db_connections) * 1e6 / (busy / w)
}

fn exp_ns(rng: &mut Rng, mean_us: f64) -> u64 {
    (rng.exponential(mean_us) * 1000.0) as u64
}

impl LoadSim {
    /// Measures the routes with the pipeline, then prepares the run.
    #[cfg(feature = "engine")]
    pub fn new(scenario: &Scenario, spec: LoadSpec) -> Result<Self, LoadError> {
        spec.validate()?;
        let costs = route_costs(scenario, &spec.mix).map_err(LoadError::Scenario)?;
        Ok(Self::with_costs(spec, costs))
    }

    /// Prepares a run with given costs (already measured by
    /// [`route_costs`](crate::load::route_costs), e.g. once per page view, or
    /// textbook ones in tests).
    pub fn with_costs(spec: LoadSpec, costs: Vec<RouteCost>) -> Self {
        let mut total = 0u64;
        let cumulative = costs
            .iter()
            .map(|c| {
                total += u64::from(c.weight);
                total
            })
            .collect();
        let end_ns = (spec.duration_s * 1e9) as u64;
        let intervals = spec.intervals.max(1);
        let mut sim = LoadSim {
            rng: Rng::new(spec.seed),
            end_ns,
            stop_ns: end_ns.saturating_add(spec.timeout_us.saturating_mul(1000)),
            heap: BinaryHeap::new(),
            seq: 0,
            reqs: Vec::new(),
            free: Vec::new(),
            servers: vec![
                Server {
                    cores: spec.cores,
                    ..Server::default()
                };
                spec.servers.max(1) as usize
            ],
            slots: spec.servers.max(1) * spec.cores,
            db_busy: 0,
            db_queue: VecDeque::new(),
            rr: 0,
            handled: 0,
            last_ns: 0,
            workers_busy: 0,
            nginx_busy: 0,
            app_queued: 0,
            acc: vec![Acc::default(); intervals as usize],
            drain: Acc::default(),
            last_done_ns: 0,
            interval_ns: (end_ns / u64::from(intervals)).max(1),
            max_app_queue: 0,
            max_db_queue: 0,
            above_since_ns: None,
            booting: false,
            added: Vec::new(),
            finished: false,
            app_down: match spec.incident {
                Some(Incident::AppDown {
                    server,
                    at_s,
                    for_s,
                }) => {
                    let at = (at_s * 1e9) as u64;
                    Some((server as usize, at, at + (for_s * 1e9) as u64))
                }
                _ => None,
            },
            bad_release: match spec.incident {
                Some(Incident::BadRelease { at_s, for_s, share }) => {
                    let at = (at_s * 1e9) as u64;
                    Some((at, at + (for_s * 1e9) as u64, share))
                }
                _ => None,
            },
            out_of_rotation: match (rotation_gap(spec.health, spec.incident), spec.incident) {
                (Some((a, b)), Some(Incident::AppDown { server, .. })) => {
                    Some((server as usize, a, b))
                }
                _ => None,
            },
            cumulative,
            costs,
            spec,
        };
        sim.count_every_server();
        let first = sim.next_gap(0);
        sim.push(first, ARRIVAL, 0);
        if let Some(sc) = sim.spec.scaling {
            sim.push((sc.at_s * 1e9) as u64, SCALE, 0);
        }
        if sim.spec.autoscale.is_some() {
            sim.push(sim.interval_ns, TICK, 0);
        }
        sim
    }

    fn push(&mut self, at_ns: u64, kind: u8, id: u32) {
        self.seq += 1;
        self.heap.push(Reverse((at_ns, self.seq, kind, id)));
    }

    fn rate_at(&self, t_ns: u64) -> f64 {
        let base = self.spec.rate_per_s;
        match self.spec.burst {
            Some(b) if b.every_s > 0.0 => {
                let t = t_ns as f64 / 1e9 - b.start_s;
                if t >= 0.0 && t % b.every_s < b.length_s {
                    base * b.factor
                } else {
                    base
                }
            }
            _ => base,
        }
    }

    fn next_gap(&mut self, t_ns: u64) -> u64 {
        let mean_us = 1e6 / self.rate_at(t_ns).max(1e-9);
        exp_ns(&mut self.rng, mean_us).max(1)
    }

    fn interval_of(&self, t_ns: u64) -> usize {
        ((t_ns / self.interval_ns) as usize).min(self.acc.len() - 1)
    }

    /// Integrates the gauges from the last event up to `t_ns`.
    fn account(&mut self, t_ns: u64) {
        // The series covers the run itself, not the drain after it.
        let t_ns = t_ns.min(self.end_ns);
        while self.last_ns < t_ns {
            let i = self.interval_of(self.last_ns);
            let boundary = if i + 1 == self.acc.len() {
                t_ns
            } else {
                ((i as u64 + 1) * self.interval_ns).min(t_ns)
            };
            let dt = (boundary - self.last_ns) as f64;
            let ends = boundary == ((i as u64 + 1) * self.interval_ns).min(self.end_ns)
                || boundary == self.end_ns;
            let in_rotation: Vec<bool> = if ends {
                (0..self.acc[i].srv.len())
                    .map(|k| self.in_rotation(k, boundary))
                    .collect()
            } else {
                Vec::new()
            };
            let a = &mut self.acc[i];
            a.app_slots += dt * f64::from(self.slots);
            a.app_busy += dt * f64::from(self.workers_busy);
            a.db_busy += dt * f64::from(self.db_busy);
            a.nginx_busy += dt * f64::from(self.nginx_busy);
            a.app_queue += dt * f64::from(self.app_queued);
            a.db_queue += dt * self.db_queue.len() as f64;
            for (k, sa) in a.srv.iter_mut().enumerate() {
                if let Some(s) = self.servers.get(k) {
                    sa.busy += dt * f64::from(s.workers_busy);
                    sa.cores += dt * f64::from(s.cores);
                    sa.cpu += dt * f64::from((s.computing + s.nginx_busy).min(s.cores));
                    if ends {
                        sa.active_at_end = s.conns;
                        sa.in_rotation = in_rotation[k];
                    }
                }
            }
            self.last_ns = boundary;
        }
    }

    fn alloc(&mut self, r: Req) -> u32 {
        match self.free.pop() {
            Some(id) => {
                self.reqs[id as usize] = r;
                id
            }
            None => {
                self.reqs.push(r);
                (self.reqs.len() - 1) as u32
            }
        }
    }

    /// With [`LoadSpec::per_server`], a count for every server running now
    /// in every interval (servers added during the run included).
    fn count_every_server(&mut self) {
        if self.spec.per_server {
            let n = self.servers.len();
            for a in &mut self.acc {
                a.srv.resize(n, SrvAcc::default());
            }
        }
    }

    /// True when the balancer sends requests to server `s` at `t_ns`.
    fn in_rotation(&self, s: usize, t_ns: u64) -> bool {
        !matches!(self.out_of_rotation, Some((k, a, b)) if k == s && (a..b).contains(&t_ns))
    }

    /// True when server `s`'s application is stopped at `t_ns` (the incident).
    fn app_is_down(&self, s: usize, t_ns: u64) -> bool {
        matches!(self.app_down, Some((k, a, b)) if k == s && (a..b).contains(&t_ns))
    }

    fn finish(&mut self, id: u32, t_ns: u64, timed_out: bool) {
        let end = if timed_out { End::TimedOut } else { End::Ok };
        self.end(id, t_ns, end);
    }

    fn end(&mut self, id: u32, t_ns: u64, end: End) {
        let r = self.reqs[id as usize];
        let cost = &self.costs[usize::from(r.route)];
        // Behind a balancer, each request also crosses it (in and out).
        let lb_us = if self.servers.len() > 1 {
            cost.lb_us as u64
        } else {
            0
        };
        let latency_us = (t_ns.saturating_sub(r.arrival_ns)) / 1000 + lb_us;
        self.last_done_ns = self.last_done_ns.max(t_ns);
        let is_static = cost.is_static;
        let a = if t_ns < self.end_ns {
            let i = self.interval_of(t_ns);
            &mut self.acc[i]
        } else {
            &mut self.drain
        };
        let timed_out = end == End::TimedOut || latency_us > self.spec.timeout_us;
        match end {
            _ if timed_out => a.t504 += 1,
            End::Error500 | End::Error502 => a.e5xx_app += 1,
            _ => {
                a.completed += 1;
                if is_static {
                    a.completed_static += 1;
                }
                a.hist.record(latency_us);
            }
        }
        if let Some(sa) = a.srv.get_mut(usize::from(r.server)) {
            match end {
                _ if timed_out => sa.e504 += 1,
                End::Error500 => sa.e500 += 1,
                End::Error502 => sa.e502 += 1,
                _ => sa.ok += 1,
            }
            sa.hist.record(latency_us);
        }
        if let Some(s) = self.servers.get_mut(usize::from(r.server)) {
            s.conns = s.conns.saturating_sub(1);
        }
        self.free.push(id);
    }

    fn start_nginx(&mut self, id: u32, t_ns: u64) {
        let r = self.reqs[id as usize];
        let s = usize::from(r.server);
        self.servers[s].nginx_busy += 1;
        self.nginx_busy += 1;
        let mean = self.costs[usize::from(r.route)].nginx_us;
        let d = exp_ns(&mut self.rng, mean);
        self.push(t_ns + d, NGINX_DONE, id);
    }

    /// Gives free workers of server `s` the requests waiting for them.
    fn feed_workers(&mut self, s: usize, t_ns: u64) {
        let timeout_ns = self.spec.timeout_us.saturating_mul(1000);
        while self.servers[s].workers_busy < self.servers[s].cores {
            let Some(id) = self.servers[s].app_queue.pop_front() else {
                break;
            };
            self.app_queued -= 1;
            let r = self.reqs[id as usize];
            if t_ns.saturating_sub(r.arrival_ns) > timeout_ns {
                // Nginx already gave up on it: a worker never sees it.
                self.finish(id, t_ns, true);
                continue;
            }
            if self.app_is_down(s, t_ns) {
                // Queued for an application that has stopped: 502.
                self.end(id, t_ns, End::Error502);
                continue;
            }
            self.servers[s].workers_busy += 1;
            self.servers[s].computing += 1;
            self.workers_busy += 1;
            let c = &self.costs[usize::from(r.route)];
            let cpu = if c.queries == 0 {
                c.app_us
            } else {
                c.app_us / 2.0
            };
            let kind = if c.queries == 0 { CPU2_DONE } else { CPU1_DONE };
            let d = exp_ns(&mut self.rng, cpu);
            self.push(t_ns + d, kind, id);
        }
    }

    fn feed_db(&mut self, t_ns: u64) {
        while self.db_busy < self.spec.db_connections {
            let Some(id) = self.db_queue.pop_front() else {
                break;
            };
            self.db_busy += 1;
            let mean = self.costs[usize::from(self.reqs[id as usize].route)].db_us;
            let d = exp_ns(&mut self.rng, mean);
            self.push(t_ns + d, DB_DONE, id);
        }
    }

    /// The scaling change begins. Resizing: every server stops taking
    /// connections for the restart (requests in progress finish first, as
    /// after a graceful stop) and comes back with the new cores. Scaling
    /// out: the new servers boot, and join the rotation when they are up.
    fn scale(&mut self, t_ns: u64) {
        let Some(sc) = self.spec.scaling else {
            return;
        };
        let done = t_ns + (sc.takes_s * 1e9) as u64;
        if let Change::Resize { .. } = sc.change {
            for s in &mut self.servers {
                s.down_until_ns = done;
            }
            self.slots = 0;
        }
        self.push(done, SCALED, 0);
    }

    /// The autoscaling rule at an interval's end: the workers' busy share
    /// over that interval, against the threshold, for the window.
    fn tick(&mut self, t_ns: u64) {
        let Some(rule) = self.spec.autoscale else {
            return;
        };
        if t_ns + self.interval_ns < self.end_ns {
            self.push(t_ns + self.interval_ns, TICK, 0);
        }
        let i = ((t_ns / self.interval_ns) as usize).saturating_sub(1);
        let a = &self.acc[i.min(self.acc.len() - 1)];
        let busy = if a.app_slots > 0.0 {
            a.app_busy / a.app_slots
        } else {
            0.0
        };
        if busy <= rule.threshold {
            self.above_since_ns = None;
            return;
        }
        let since = *self
            .above_since_ns
            .get_or_insert(t_ns.saturating_sub(self.interval_ns));
        let running = self.servers.len() as u32 + u32::from(self.booting);
        if !self.booting
            && running < rule.max_servers
            && t_ns - since >= (rule.window_s * 1e9) as u64
        {
            self.booting = true;
            self.above_since_ns = None;
            let up = t_ns + (rule.boot_s * 1e9) as u64;
            self.added.push(crate::load::Added {
                decided_s: t_ns as f64 / 1e9,
                serving_s: None,
            });
            self.push(up, BOOTED, 0);
        }
    }

    fn scaled(&mut self, t_ns: u64) {
        let Some(sc) = self.spec.scaling else {
            return;
        };
        match sc.change {
            Change::Resize { cores } => {
                for s in &mut self.servers {
                    s.cores = cores;
                }
                self.slots = self.servers.len() as u32 * cores;
                for s in 0..self.servers.len() {
                    self.feed_workers(s, t_ns);
                }
            }
            Change::AddServers { servers } => {
                let cores = self.servers.first().map_or(self.spec.cores, |s| s.cores);
                for _ in 0..servers {
                    self.servers.push(Server {
                        cores,
                        ..Server::default()
                    });
                }
                self.slots += servers * cores;
                self.count_every_server();
            }
        }
    }

    fn pick_route(&mut self) -> u16 {
        let total = self.cumulative.last().copied().unwrap_or(1).max(1);
        let x = self.rng.below(total);
        self.cumulative.iter().position(|&c| x < c).unwrap_or(0) as u16
    }

    fn handle(&mut self, t_ns: u64, kind: u8, id: u32) {
        match kind {
            ARRIVAL => {
                let gap = self.next_gap(t_ns);
                if t_ns + gap < self.end_ns {
                    self.push(t_ns + gap, ARRIVAL, 0);
                }
                let route = self.pick_route();
                let n = self.servers.len();
                let first = self.rr % n;
                self.rr = self.rr.wrapping_add(1);
                // Round-robin among the servers in rotation (all of them
                // when none is, as the requests then have nowhere better).
                let server = (0..n)
                    .map(|k| (first + k) % n)
                    .find(|&k| self.in_rotation(k, t_ns))
                    .unwrap_or(first);
                let i = self.interval_of(t_ns);
                self.acc[i].arrivals += 1;
                if t_ns < self.servers[server].down_until_ns {
                    self.acc[i].refused += 1;
                    return;
                }
                if self.servers[server].conns >= self.spec.max_connections {
                    self.acc[i].r503 += 1;
                    if let Some(sa) = self.acc[i].srv.get_mut(server) {
                        sa.requests += 1;
                        sa.e503 += 1;
                    }
                    return;
                }
                if let Some(sa) = self.acc[i].srv.get_mut(server) {
                    sa.requests += 1;
                }
                self.servers[server].conns += 1;
                let id = self.alloc(Req {
                    arrival_ns: t_ns,
                    server: server as u16,
                    route,
                });
                if self.servers[server].nginx_busy < self.servers[server].cores {
                    self.start_nginx(id, t_ns);
                } else {
                    self.servers[server].nginx_queue.push_back(id);
                }
            }
            NGINX_DONE => {
                let r = self.reqs[id as usize];
                let s = usize::from(r.server);
                self.servers[s].nginx_busy -= 1;
                self.nginx_busy -= 1;
                if let Some(next) = self.servers[s].nginx_queue.pop_front() {
                    self.start_nginx(next, t_ns);
                }
                if self.costs[usize::from(r.route)].is_static {
                    self.finish(id, t_ns, false);
                } else if self.app_is_down(s, t_ns) {
                    // proxy_pass is refused: 502 at once.
                    self.end(id, t_ns, End::Error502);
                } else {
                    self.servers[s].app_queue.push_back(id);
                    self.app_queued += 1;
                    self.max_app_queue = self.max_app_queue.max(u64::from(self.app_queued));
                    self.feed_workers(s, t_ns);
                }
            }
            SCALE => self.scale(t_ns),
            SCALED => self.scaled(t_ns),
            TICK => self.tick(t_ns),
            BOOTED => {
                let cores = self.servers.first().map_or(self.spec.cores, |s| s.cores);
                self.servers.push(Server {
                    cores,
                    ..Server::default()
                });
                self.slots += cores;
                self.booting = false;
                self.count_every_server();
                if let Some(a) = self.added.last_mut() {
                    a.serving_s = (t_ns <= self.end_ns).then_some(t_ns as f64 / 1e9);
                }
            }
            CPU1_DONE => {
                let s = usize::from(self.reqs[id as usize].server);
                self.servers[s].computing -= 1;
                self.db_queue.push_back(id);
                self.max_db_queue = self.max_db_queue.max(self.db_queue.len() as u64);
                self.feed_db(t_ns);
            }
            DB_DONE => {
                self.db_busy -= 1;
                self.feed_db(t_ns);
                let r = self.reqs[id as usize];
                self.servers[usize::from(r.server)].computing += 1;
                let c = &self.costs[usize::from(r.route)];
                let d = exp_ns(&mut self.rng, c.app_us / 2.0);
                self.push(t_ns + d, CPU2_DONE, id);
            }
            _ => {
                let r = self.reqs[id as usize];
                let s = usize::from(r.server);
                self.servers[s].workers_busy -= 1;
                self.servers[s].computing -= 1;
                self.workers_busy -= 1;
                let end = if self.app_is_down(s, t_ns) {
                    // The application stopped while it worked on this page.
                    End::Error502
                } else {
                    match self.bad_release {
                        Some((a, b, share))
                            if (a..b).contains(&r.arrival_ns) && self.rng.unit() < share =>
                        {
                            End::Error500
                        }
                        _ => End::Ok,
                    }
                };
                self.end(id, t_ns, end);
                self.feed_workers(s, t_ns);
            }
        }
    }

    /// Processes up to `max_events` events; true when the run is over.
    pub fn step(&mut self, max_events: usize) -> bool {
        if self.finished {
            return true;
        }
        for _ in 0..max_events {
            let Some(Reverse((t, _, kind, id))) = self.heap.pop() else {
                self.finished = true;
                break;
            };
            if t > self.stop_ns {
                self.finished = true;
                break;
            }
            self.account(t);
            self.handle(t, kind, id);
            self.handled += 1;
        }
        if self.finished {
            // Whatever is still in the system has waited past the timeout.
            let stop = self.stop_ns;
            self.account(self.end_ns.max(self.last_ns));
            let live: Vec<u32> = {
                let mut dead = vec![false; self.reqs.len()];
                for &f in &self.free {
                    dead[f as usize] = true;
                }
                (0..self.reqs.len() as u32)
                    .filter(|&i| !dead[i as usize])
                    .collect()
            };
            for id in live {
                self.finish(id, stop, true);
            }
        }
        self.finished
    }

    /// Events handled so far: each [`LoadSim::step`] that does not finish
    /// the run handles at least one.
    pub fn handled(&self) -> u64 {
        self.handled
    }

    /// Share of the simulated time done, 0..=1: 1 from the last arrival on,
    /// while the requests still queued finish (the drain), which in an
    /// overloaded run takes many events.
    pub fn progress(&self) -> f64 {
        if self.finished {
            return 1.0;
        }
        (self.last_ns as f64 / self.end_ns.max(1) as f64).min(1.0)
    }

    /// Requests per second the workers could sustain with this mix.
    pub fn app_capacity_per_s(&self) -> f64 {
        app_capacity_per_s(&self.costs, &self.spec)
    }

    /// Requests per second the database could sustain with this mix.
    pub fn db_capacity_per_s(&self) -> f64 {
        db_capacity_per_s(&self.costs, &self.spec)
    }

    /// The lower of the two.
    pub fn capacity_per_s(&self) -> f64 {
        self.app_capacity_per_s().min(self.db_capacity_per_s())
    }

    /// The numbers so far (complete once [`LoadSim::step`] returned true).
    pub fn result(&self) -> LoadResult {
        let s = &self.spec;
        let len_s = self.interval_ns as f64 / 1e9;
        let db = f64::from(s.db_connections);
        let mut all = Histogram::default();
        let mut totals = (0u64, 0u64, 0u64, 0u64);
        let mut refused = 0u64;
        let (mut app_area, mut db_area, mut nginx_area) = (0.0, 0.0, 0.0);
        let mut slots_area = 0.0;
        // Busy over available; while every server is stopped, busy (the
        // last requests finishing) counts as full.
        let share = |busy: f64, slots: f64| {
            if slots > 0.0 {
                (busy / slots).min(1.0)
            } else if busy > 0.0 {
                1.0
            } else {
                0.0
            }
        };
        let intervals = self
            .acc
            .iter()
            .enumerate()
            .map(|(i, a)| {
                all.merge(&a.hist);
                totals.0 += a.arrivals;
                totals.1 += a.completed;
                totals.2 += a.r503;
                totals.3 += a.t504;
                refused += a.refused;
                slots_area += a.app_slots;
                app_area += a.app_busy;
                db_area += a.db_busy;
                nginx_area += a.nginx_busy;
                let span = self.interval_ns as f64;
                Interval {
                    start_s: i as f64 * len_s,
                    arrivals: a.arrivals,
                    completed: a.completed,
                    completed_static: a.completed_static,
                    rejected_503: a.r503,
                    refused: a.refused,
                    timed_out_504: a.t504,
                    throughput: a.completed as f64 / len_s,
                    p50_us: a.hist.quantile(0.5),
                    p95_us: a.hist.quantile(0.95),
                    p99_us: a.hist.quantile(0.99),
                    app_utilisation: share(a.app_busy, a.app_slots),
                    db_utilisation: (a.db_busy / (span * db)).min(1.0),
                    nginx_utilisation: share(a.nginx_busy, a.app_slots),
                    app_queue: a.app_queue / span,
                    db_queue: a.db_queue / span,
                }
            })
            .collect();
        let total_ns = (self.interval_ns * self.acc.len() as u64) as f64;
        all.merge(&self.drain.hist);
        let per_server = if s.per_server {
            let n = self.acc.first().map_or(0, |a| a.srv.len());
            (0..n)
                .map(|k| {
                    self.acc
                        .iter()
                        .map(|a| {
                            let x = &a.srv[k];
                            ServerInterval {
                                requests: x.requests,
                                ok: x.ok,
                                e500: x.e500,
                                e502: x.e502,
                                e503: x.e503,
                                e504: x.e504,
                                p50_us: x.hist.quantile(0.5),
                                p95_us: x.hist.quantile(0.95),
                                p99_us: x.hist.quantile(0.99),
                                busy: share(x.busy, x.cores),
                                active_at_end: x.active_at_end,
                                in_rotation: x.in_rotation,
                                cpu: share(x.cpu, x.cores),
                            }
                        })
                        .collect()
                })
                .collect()
        } else {
            Vec::new()
        };
        let errors_5xx_app = self.acc.iter().map(|a| a.e5xx_app).sum::<u64>() + self.drain.e5xx_app;
        LoadResult {
            spec: s.clone(),
            costs: self.costs.clone(),
            intervals,
            drain: Drain {
                answered: self.drain.completed,
                timed_out_504: self.drain.t504,
                until_s: (self.last_done_ns.max(self.end_ns)) as f64 / 1e9,
            },
            arrivals: totals.0,
            completed: totals.1 + self.drain.completed,
            rejected_503: totals.2,
            timed_out_504: totals.3 + self.drain.t504,
            p50_us: all.quantile(0.5),
            p95_us: all.quantile(0.95),
            p99_us: all.quantile(0.99),
            refused,
            app_utilisation: share(app_area, slots_area),
            db_utilisation: (db_area / (total_ns * db)).min(1.0),
            nginx_utilisation: share(nginx_area, slots_area),
            max_app_queue: self.max_app_queue,
            max_db_queue: self.max_db_queue,
            added: self.added.clone(),
            errors_5xx_app,
            per_server,
            app_capacity_per_s: self.app_capacity_per_s(),
            db_capacity_per_s: self.db_capacity_per_s(),
        }
    }
}
