//! What a monitoring agent on the load balancer reads: HAProxy's statistics, `show stat` on its admin socket.
//!
//! HAProxy keeps counters per proxy and per server and prints them as CSV
//! (HAProxy 2.6 management guide, §9.1 "CSV format"; §9.3 `show stat`). The
//! agent keeps eleven of its columns, as
//! `echo "show stat" | socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,8,18,22,23,37,38,41,44,49`
//! prints them:
//! - `FRONTEND`: every visitor's request (`req_tot`) and the class of its
//!   answer (`hrsp_2xx`, `hrsp_5xx`), the 503 HAProxy writes itself when no
//!   server is up included. Health checks are HAProxy's own requests: they
//!   are in no counter but the servers' check fields. So the frontend sees
//!   exactly what visitors got.
//! - each server: `status` as its health checks see it (`UP`, `DOWN`),
//!   its requests (`stot`, `req_tot`) and their answers, `chkfail` (checks
//!   that failed while it was up: `fall` of them take it down), `chkdown`
//!   (times it went down), and the last check's result (`L7OK` 200, or
//!   `L7STS` with the status that failed it).
//! - `BACKEND`: all the servers together, the 503s of a request no server
//!   could take included; `DOWN` while no server is up, `chkdown` counting
//!   those times.
//!
//! Requests go round-robin as HAProxy's `balance roundrobin` places them
//! ([`Fwrr`]: its weighted round-robin, `lb_fwrr.c`, for servers of equal
//! weight): in turn while the set of servers stays the same; a server that
//! comes back is placed by position in the round under way, not simply
//! after the last one chosen. The conformance suite runs
//! Debian's HAProxy 2.6 on the same events (`tests/conformance`,
//! `balancer`) and compares every line.

use serde::{Deserialize, Serialize};

/// Something that happens at the balancer (the conformance suite's vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LbEvent {
    /// A visitor's request.
    Request,
    /// Server `k`'s application stops: its Nginx answers 502, to the
    /// health checks too.
    Break(u8),
    /// It answers again.
    Repair(u8),
    /// Enough time passes for the health checks to see every server as it
    /// is (`fall` failed checks take one down, `rise` good ones bring it
    /// back): those coming back first, then those going down, each in the
    /// configuration's order.
    Settle,
    /// The agent reads `show stat`.
    Read,
}

/// One server's counters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerStat {
    pub name: String,
    pub up: bool,
    pub requests: u64,
    pub hrsp_2xx: u64,
    pub hrsp_5xx: u64,
    pub chkfail: u64,
    pub chkdown: u64,
    /// The last health check's status code.
    pub check_code: u16,
}

/// `show stat`, as the agent keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShowStat {
    /// The frontend's requests and their answers by class.
    pub requests: u64,
    pub hrsp_2xx: u64,
    pub hrsp_5xx: u64,
    pub servers: Vec<ServerStat>,
    /// Times the backend had no server up.
    pub backend_down: u64,
}

/// The columns the agent keeps, in HAProxy's order.
pub const COLUMNS: &str =
    "pxname,svname,stot,status,chkfail,chkdown,check_status,check_code,hrsp_2xx,hrsp_5xx,req_tot";

impl ShowStat {
    /// A balancer whose servers are all up and have answered no one.
    pub fn new(servers: &[&str]) -> ShowStat {
        ShowStat {
            servers: servers
                .iter()
                .map(|n| ServerStat {
                    name: (*n).to_string(),
                    up: true,
                    check_code: 200,
                    ..ServerStat::default()
                })
                .collect(),
            ..ShowStat::default()
        }
    }

    /// Server `k` took `requests` and answered `ok` of them 2xx and `bad`
    /// 5xx: counted for it and for the frontend.
    fn answered(&mut self, k: usize, requests: u64, ok: u64, bad: u64) {
        self.requests += requests;
        self.hrsp_2xx += ok;
        self.hrsp_5xx += bad;
        if let Some(s) = self.servers.get_mut(k) {
            s.requests += requests;
            s.hrsp_2xx += ok;
            s.hrsp_5xx += bad;
        }
    }

    fn any_up(&self) -> bool {
        self.servers.iter().any(|s| s.up)
    }

    /// The health checks see each server as `up` says: those coming back
    /// first (`rise` checks are fewer than `fall`), then those going out
    /// (`fall` checks failed while each was up), each in order; the backend
    /// counts the times it is left with no server. The servers that
    /// changed, in that order (true: back).
    fn settle(&mut self, up: &[bool], fall: u32) -> Vec<(usize, bool)> {
        let was_up = self.any_up();
        let mut changed = Vec::new();
        for going_up in [true, false] {
            for (k, s) in self.servers.iter_mut().enumerate() {
                let now = up.get(k).copied().unwrap_or(s.up);
                if now != going_up || s.up == now {
                    continue;
                }
                s.up = now;
                if now {
                    s.check_code = 200;
                } else {
                    s.chkfail += u64::from(fall);
                    s.chkdown += 1;
                    s.check_code = 502;
                }
                changed.push((k, now));
            }
        }
        if was_up && !self.any_up() {
            self.backend_down += 1;
        }
        changed
    }

    /// The lines as `cut` prints them (frontend `www`, backend `web`),
    /// after the header line.
    pub fn csv(&self) -> String {
        let mut out = format!("# {COLUMNS}\n");
        out.push_str(&format!(
            "www,FRONTEND,{},OPEN,,,,,{},{},{}\n",
            self.requests, self.hrsp_2xx, self.hrsp_5xx, self.requests
        ));
        for s in &self.servers {
            let (status, check) = if s.up {
                ("UP", "L7OK")
            } else {
                ("DOWN", "L7STS")
            };
            out.push_str(&format!(
                "web,{},{},{status},{},{},{check},{},{},{},{}\n",
                s.name,
                s.requests,
                s.chkfail,
                s.chkdown,
                s.check_code,
                s.hrsp_2xx,
                s.hrsp_5xx,
                s.requests
            ));
        }
        let up = self.any_up();
        out.push_str(&format!(
            "web,BACKEND,{},{},,{},,,{},{},{}\n",
            self.requests,
            if up { "UP" } else { "DOWN" },
            self.backend_down,
            self.hrsp_2xx,
            self.hrsp_5xx,
            self.requests
        ));
        out
    }
}

/// Where a server is in HAProxy's round-robin: the trees of `lb_fwrr.c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tree {
    /// Down: in no tree.
    None,
    /// Waiting for the round's first pass, by weight.
    Init,
    /// In the round under way, by position.
    Curr,
    /// Waiting for the next round.
    Next,
}

#[derive(Debug, Clone)]
struct Slot {
    tree: Tree,
    npos: i64,
    rweight: i64,
    key: i64,
    /// Insertion order: HAProxy's trees keep equal keys in the order they came.
    seq: u64,
}

/// HAProxy's weighted round-robin (`src/lb_fwrr.c`) for servers of equal
/// weight (`weight 1`, 16 once scaled, `BE_WEIGHT_SCALE`): each server has
/// a next position in the round; the one with the lowest is chosen, and
/// moves on by the total weight over its own. A server that comes back is
/// placed part way into the round under way.
#[derive(Debug, Clone)]
pub struct Fwrr {
    curr_pos: i64,
    curr_weight: i64,
    next_weight: i64,
    slots: Vec<Slot>,
    seq: u64,
}

/// A server's weight once scaled (`weight 1` × `BE_WEIGHT_SCALE`).
const EWEIGHT: i64 = 16;
/// `SRV_EWGHT_MAX` and `SRV_UWGHT_RANGE` (HAProxy's `server-t.h`).
const EWGHT_MAX: i64 = 256 * 16;
const UWGHT_RANGE: i64 = 256;

impl Fwrr {
    /// `n` servers, all up (`fwrr_init_server_groups`).
    pub fn new(n: usize) -> Fwrr {
        let w = EWEIGHT * n as i64;
        let mut f = Fwrr {
            curr_pos: w,
            curr_weight: w,
            next_weight: w,
            slots: Vec::new(),
            seq: 0,
        };
        for k in 0..n {
            f.slots.push(Slot {
                tree: Tree::None,
                npos: 0,
                rweight: 0,
                key: 0,
                seq: 0,
            });
            f.by_weight(k, Tree::Init);
        }
        f
    }

    fn by_weight(&mut self, k: usize, tree: Tree) {
        self.seq += 1;
        let s = &mut self.slots[k];
        s.key = EWGHT_MAX - EWEIGHT;
        s.tree = tree;
        s.seq = self.seq;
    }

    /// The first server of a tree.
    fn first(&self, tree: Tree) -> Option<usize> {
        (0..self.slots.len())
            .filter(|&k| self.slots[k].tree == tree)
            .min_by_key(|&k| (self.slots[k].key, self.slots[k].seq))
    }

    /// `fwrr_queue_srv`.
    fn queue(&mut self, k: usize) {
        let (cw, nw) = (self.curr_weight, self.next_weight);
        if self.slots[k].npos >= 2 * cw || self.slots[k].npos >= cw + nw {
            self.slots[k].npos -= cw;
            self.by_weight(k, Tree::Next);
        } else {
            self.seq += 1;
            let s = &mut self.slots[k];
            s.key = UWGHT_RANGE * s.npos + (EWGHT_MAX + s.rweight - EWEIGHT) / 16;
            s.tree = Tree::Curr;
            s.seq = self.seq;
        }
    }

    /// `fwrr_get_server_from_group`.
    fn take_from_group(&mut self) -> Option<usize> {
        let curr = self.first(Tree::Curr);
        if curr.is_none_or(|k| self.slots[k].npos > self.curr_pos) {
            if let Some(k) = self.first(Tree::Init) {
                self.slots[k].npos = 0;
                self.slots[k].rweight = 0;
                return Some(k);
            }
        }
        curr
    }

    /// `fwrr_update_position`.
    fn advance(&mut self, k: usize) {
        let (pos, nw) = (self.curr_pos, self.next_weight);
        let s = &mut self.slots[k];
        if s.npos == 0 {
            s.npos = pos;
        }
        s.npos += nw / EWEIGHT;
        s.rweight += nw % EWEIGHT;
        if s.rweight >= EWEIGHT {
            s.rweight -= EWEIGHT;
            s.npos += 1;
        }
    }

    /// The server the next request goes to (`fwrr_get_next_server`), or
    /// `None` when none is up.
    pub fn choose(&mut self) -> Option<usize> {
        if self.slots.iter().all(|s| s.tree == Tree::None) {
            return None;
        }
        if self.curr_weight == 0 {
            self.curr_pos = self.next_weight;
            self.curr_weight = self.next_weight;
        }
        let k = match self.take_from_group() {
            Some(k) => k,
            None => {
                // The round is over: the next one begins.
                for s in &mut self.slots {
                    s.tree = match s.tree {
                        Tree::Next => Tree::Init,
                        Tree::Init => Tree::Next,
                        t => t,
                    };
                }
                self.curr_weight = self.next_weight;
                self.curr_pos = self.curr_weight;
                self.take_from_group()?
            }
        };
        self.advance(k);
        self.curr_pos += 1;
        self.queue(k);
        Some(k)
    }

    /// Server `k` goes down (`fwrr_set_server_status_down`).
    pub fn down(&mut self, k: usize) {
        if self.slots[k].tree != Tree::None {
            self.next_weight -= EWEIGHT;
            self.slots[k].tree = Tree::None;
        }
    }

    /// Server `k` comes back (`fwrr_set_server_status_up`).
    pub fn up(&mut self, k: usize) {
        if self.slots[k].tree != Tree::None {
            return;
        }
        self.next_weight += EWEIGHT;
        let s = &mut self.slots[k];
        s.npos = self.curr_pos + (self.next_weight + self.curr_weight - self.curr_pos) / EWEIGHT;
        self.queue(k);
    }
}

/// The balancer's counters after `events`, and the page each `Read` printed.
/// `fall` is the health checks' `fall`; `servers` their names, in order.
pub fn replay(servers: &[&str], fall: u32, events: &[LbEvent]) -> Vec<String> {
    let mut stat = ShowStat::new(servers);
    let mut healthy = vec![true; servers.len()];
    let mut rr = Fwrr::new(servers.len());
    let mut pages = Vec::new();
    for e in events {
        match *e {
            LbEvent::Request => match rr.choose() {
                Some(k) => {
                    let ok = u64::from(healthy[k]);
                    stat.answered(k, 1, ok, 1 - ok);
                }
                // HAProxy's own 503: no server is available.
                None => {
                    stat.requests += 1;
                    stat.hrsp_5xx += 1;
                }
            },
            LbEvent::Break(k) | LbEvent::Repair(k) => {
                if let Some(h) = healthy.get_mut(usize::from(k)) {
                    *h = matches!(e, LbEvent::Repair(_));
                }
            }
            // The order of the changes decides where each server lands in
            // the round.
            LbEvent::Settle => {
                for (k, back) in stat.settle(&healthy, fall) {
                    if back {
                        rr.up(k);
                    } else {
                        rr.down(k);
                    }
                }
            }
            LbEvent::Read => pages.push(stat.csv()),
        }
    }
    pages
}

/// One read of `show stat` by the balancer's agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Read {
    pub at_s: u32,
    pub stat: ShowStat,
}

impl Read {
    /// The visitors' requests per second between two reads: the admin
    /// socket is not HTTP, so, unlike `stub_status`, the agent's own read
    /// is in no count.
    pub fn qps_since(&self, before: &Read) -> f64 {
        let dt = f64::from(self.at_s.saturating_sub(before.at_s).max(1));
        self.stat.requests.saturating_sub(before.stat.requests) as f64 / dt
    }

    /// The share of 5xx among the answers since `before` (`None`: none).
    pub fn error_share_since(&self, before: &Read) -> Option<f64> {
        let bad = self.stat.hrsp_5xx.saturating_sub(before.stat.hrsp_5xx);
        let good = self.stat.hrsp_2xx.saturating_sub(before.stat.hrsp_2xx);
        (bad + good > 0).then(|| bad as f64 / (bad + good) as f64)
    }
}

/// The balancer's agent: its host and what it read every interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalancerAgent {
    pub host: String,
    pub reads: Vec<Read>,
}

/// `show stat` every `step_s` from the load engine's per-server intervals:
/// each server's visitors' requests and answers, and its status as the
/// health checks left it at the interval's end (`fall` failed checks
/// counted when it went out).
pub fn reads(
    per_server: &[Vec<crate::load::ServerInterval>],
    hosts: &[String],
    fall: u32,
    step_s: u32,
) -> Vec<Read> {
    let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let mut stat = ShowStat::new(&names);
    let mut out = vec![Read {
        at_s: 0,
        stat: stat.clone(),
    }];
    let intervals = per_server.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..intervals {
        let mut in_rotation: Vec<bool> = stat.servers.iter().map(|s| s.up).collect();
        for (k, ivs) in per_server.iter().enumerate() {
            let Some(iv) = ivs.get(i) else { continue };
            stat.answered(k, iv.requests, iv.ok, iv.errors_5xx());
            if let Some(r) = in_rotation.get_mut(k) {
                *r = iv.in_rotation;
            }
        }
        stat.settle(&in_rotation, fall);
        out.push(Read {
            at_s: (i as u32 + 1) * step_s,
            stat: stat.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use LbEvent::*;

    #[test]
    fn a_broken_server_answers_502_until_the_checks_take_it_out() {
        let pages = replay(
            &["web-01", "web-02"],
            3,
            &[
                Request,
                Request,
                Break(1),
                Request,
                Request,
                Settle,
                Request,
                Request,
                Read,
            ],
        );
        let page = &pages[0];
        assert!(page.contains("www,FRONTEND,6,OPEN,,,,,5,1,6\n"), "{page}");
        assert!(
            page.contains("web,web-01,4,UP,0,0,L7OK,200,4,0,4\n"),
            "{page}"
        );
        assert!(
            page.contains("web,web-02,2,DOWN,3,1,L7STS,502,1,1,2\n"),
            "{page}"
        );
        assert!(page.contains("web,BACKEND,6,UP,,0,,,5,1,6\n"), "{page}");
    }

    #[test]
    fn with_no_server_up_haproxy_answers_503_itself() {
        let pages = replay(
            &["web-01", "web-02"],
            3,
            &[
                Break(0),
                Break(1),
                Settle,
                Request,
                Read,
                Repair(0),
                Settle,
                Request,
                Read,
            ],
        );
        assert!(
            pages[0].contains("www,FRONTEND,1,OPEN,,,,,0,1,1\n"),
            "{}",
            pages[0]
        );
        assert!(
            pages[0].contains("web,BACKEND,1,DOWN,,1,,,0,1,1\n"),
            "{}",
            pages[0]
        );
        assert!(
            pages[1].contains("web,web-01,1,UP,3,1,L7OK,200,1,0,1\n"),
            "{}",
            pages[1]
        );
    }
}
