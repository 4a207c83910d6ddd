//! Errors for bad input at the edge: a scenario that cannot describe a world.
//!
//! Simulated failures (NXDOMAIN, timeouts, 502s) are never errors; they are
//! trace events. These errors say, in a learner's words, why a scenario was
//! rejected.

use std::fmt;

/// Why a scenario was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioError {
    /// A DNS name that is not a valid host name.
    BadName { what: String, name: String },
    /// A value outside what the model can represent.
    OutOfRange { what: String, detail: String },
    /// A zone record that breaks a DNS rule.
    BadRecord { name: String, detail: String },
    /// An nginx `location` that nginx would refuse to load.
    BadLocation { pattern: String, detail: String },
    /// The seed rows could not be loaded into the database.
    BadData { detail: String },
    /// JSON that does not describe a scenario.
    BadJson { detail: String },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::BadName { what, name } => {
                write!(f, "{what} \"{name}\" is not a valid DNS name (letters, digits and hyphens, labels of at most 63 characters, separated by dots)")
            }
            ScenarioError::OutOfRange { what, detail } => write!(f, "{what}: {detail}"),
            ScenarioError::BadRecord { name, detail } => {
                write!(f, "the DNS record for \"{name}\" is not allowed: {detail}")
            }
            ScenarioError::BadLocation { pattern, detail } => {
                write!(f, "`location {pattern}` is refused: {detail}")
            }
            ScenarioError::BadData { detail } => {
                write!(f, "the database rows could not be loaded: {detail}")
            }
            ScenarioError::BadJson { detail } => {
                write!(f, "this is not a Stackscope scenario: {detail}")
            }
        }
    }
}

impl std::error::Error for ScenarioError {}
