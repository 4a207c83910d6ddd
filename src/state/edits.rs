//! The editors' part of the reducer: replacing the session's world with an
//! edited scenario, the SQL console and the table browser.
//!
//! Validation happens before an action is dispatched (`edit::apply`,
//! `Simulator::from_json`); here the accepted scenario becomes the session's
//! simulator and the current address is requested again.

use std::cell::RefCell;
use std::rc::Rc;

use stackscope_core::server::db::ConsoleResult;
use stackscope_core::{Change, Scenario, Simulator};

use super::{Shared, State};
use crate::faults;

/// The tables the data editor browses.
pub const TABLES: [&str; 3] = ["users", "posts", "settings"];

/// Where a replacement scenario came from (decides what persistence does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Nothing replaced yet.
    #[default]
    None,
    /// An accepted edit (zone, Nginx, rows) or a console write.
    Edit,
    /// Loaded from the browser's storage at start.
    Stored,
    /// An imported file.
    Import,
    /// "Reset to the seed stack".
    Reset,
}

/// The editors' share of the app state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EditorState {
    /// Counts accepted changes of the scenario (edits, imports, console writes).
    pub rev: u64,
    /// What caused the latest change.
    pub origin: Origin,
    /// Why the latest replacement was refused, if it was.
    pub error: Option<String>,
    /// The SQL console's last result.
    pub console: Option<Shared<ConsoleResult>>,
    /// The table being browsed and what `SELECT *` returned.
    pub browse: Option<(String, Shared<ConsoleResult>)>,
}

/// The world as built, without the faults in effect: what edits apply to
/// and what is saved. Faults that cannot be repaired in place (the DNS ones
/// change records) make this an error: repair them first.
pub fn base_of(world: &Scenario) -> Result<Scenario, String> {
    let mut base = world.clone();
    for change in faults::active(world) {
        // DNS faults are edits of the zone: repairing them needs the zone as
        // built, which only the simulator has.
        let dns = matches!(change, Change::DnsRecordMissing | Change::DnsWrongIp);
        match faults::repair(change) {
            Some(r) if !dns => r.apply_to(&mut base),
            _ => {
                return Err(
                    "A DNS fault is in effect (records deleted or changed). \
                     Repair it first (press its toggle again, or \"Restore everything\"): edits change the world as built."
                        .into(),
                )
            }
        }
    }
    Ok(base)
}

impl State {
    /// Makes `scenario` the session's world. With `keep_faults`, the faults
    /// in effect are injected again into the rebuilt world.
    pub(super) fn replace_scenario(
        &mut self,
        scenario: Scenario,
        keep_faults: bool,
        origin: Origin,
    ) {
        let faults: Vec<Change> = if keep_faults {
            faults::active(&self.world)
                .into_iter()
                .filter(|c| !matches!(c, Change::DnsRecordMissing | Change::DnsWrongIp))
                .collect()
        } else {
            Vec::new()
        };
        let mut sim = match Simulator::new(scenario.clone()) {
            Ok(sim) => sim,
            Err(e) => {
                self.editor.error = Some(e.to_string());
                return;
            }
        };
        self.rebase(scenario);
        for c in faults {
            sim.apply(c, self.next_at_us);
            self.log_change(c, self.next_at_us);
        }
        self.sim = Rc::new(RefCell::new(Some(sim)));
        self.init_error = None;
        self.world_note = None;
        self.editor.error = None;
        self.editor.rev += 1;
        self.editor.origin = origin;
        self.sync_world();
        self.refresh_browse();
        if self.trace.is_some() {
            self.rerun_to_end();
        }
    }

    /// Runs one statement of the SQL console against the session's database.
    pub(super) fn console(&mut self, sql: &str) {
        let at = self.next_at_us;
        let result = match self.sim.borrow_mut().as_mut() {
            Some(sim) => sim.console(sql, at),
            None => return,
        };
        let wrote = result.wrote;
        self.editor.console = Some(Shared::new(result));
        if wrote {
            self.log_console(sql, at);
            self.editor.rev += 1;
            self.editor.origin = Origin::Edit;
            self.sync_world();
            self.refresh_browse();
            if self.trace.is_some() {
                self.rerun_to_end();
            }
        }
    }

    /// Shows every row of one of [`TABLES`] (read-only).
    pub(super) fn browse(&mut self, table: &str) {
        let Some(table) = TABLES.into_iter().find(|t| *t == table) else {
            return;
        };
        let at = self.next_at_us;
        let result = match self.sim.borrow_mut().as_mut() {
            Some(sim) => sim.console(&format!("SELECT * FROM {table}"), at),
            None => return,
        };
        self.editor.browse = Some((table.to_string(), Shared::new(result)));
    }

    fn refresh_browse(&mut self) {
        if let Some((table, _)) = self.editor.browse.clone() {
            self.browse(&table);
        }
    }
}
