//! The backup panel's share of the two modules' messages: what it asks for ([`BackupAsk`]), each the page's action of the same name.
//!
//! The backup panel (the nightly dump, the running world's backups and the
//! mistaken DELETE) is drawn by the second module. It reads the running
//! world from the editors' part of `ToPanels`, the world's backups and the
//! mistake's run from their own fields.

use serde::{Deserialize, Serialize};
use stackscope_core::mistake::MistakeRun;
use stackscope_core::scenario::BackupSchedule;
use stackscope_core::session::wire::Packed;
use stackscope_core::Change;

use crate::state::Action;

/// The mistaken statement's run, packed.
pub type MistakeBytes = Packed<Result<Box<MistakeRun>, String>>;

/// What the backup panel asks of the first module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BackupAsk {
    /// Let this many minutes pass in the running world.
    Wait(u32),
    /// The running world's backups follow this schedule.
    Schedule(BackupSchedule),
    /// The database server's disk fails (or is replaced).
    Disk(bool),
    /// Run this mistaken statement on the primary, then the restore.
    Mistake(String),
}

impl BackupAsk {
    /// The page's action.
    pub fn action(self) -> Action {
        match self {
            BackupAsk::Wait(minutes) => Action::Wait(minutes),
            BackupAsk::Schedule(s) => Action::Schedule(s),
            BackupAsk::Disk(on) => Action::SetFault {
                change: Change::Disk(true),
                on,
            },
            BackupAsk::Mistake(sql) => Action::RunMistake(sql),
        }
    }
}
