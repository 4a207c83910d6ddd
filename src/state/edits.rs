//! The editors' share of the app state, and the world as built (what edits apply to).
//!
//! Edits are checked by the simulated server (`Command::Edit`: `edit::apply`,
//! with a learner's message, kept out of the page's module); it loads the
//! accepted world and reports what its database refuses (`Refusal::Edit`).
//! The page keeps only the world as built, what an edit applies to.

use stackscope_core::server::db::ConsoleResult;
use stackscope_core::session::wire::Packed;
use stackscope_core::session::{EditOutcome, Origin};
use stackscope_core::stored::JsonForm;
use stackscope_core::{Change, Scenario};

use super::Shared;
use crate::faults;

/// The editors' share of the app state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EditorState {
    /// Counts accepted changes of the scenario (edits, imports, console writes).
    pub rev: u64,
    /// What caused the latest change.
    pub origin: Origin,
    /// Why the latest replacement was refused, if it was.
    pub error: Option<String>,
    /// The SQL console's last result (packed: the editors open it).
    pub console: Option<Packed<ConsoleResult>>,
    /// The table being browsed and what `SELECT *` returned (packed too).
    pub browse: Option<(String, Packed<ConsoleResult>)>,
    /// The last stack the server wrote as JSON (to store or to export).
    pub json: Option<Shared<(JsonForm, String)>>,
    /// Why the stored stack or an imported file could not be read.
    pub unreadable: Option<Shared<(Origin, String)>>,
    /// What became of the last edit an editor's form sent.
    pub outcome: Option<Shared<EditOutcome>>,
    /// Who can connect to what, computed by the server with the world it
    /// sent (`None` for one server).
    pub firewalls: Option<Packed<stackscope_core::firewall::view::Firewalls>>,
    /// Why the stack kept in this browser could not be read or saved.
    pub storage: Option<crate::panels::editors::StorageNote>,
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
