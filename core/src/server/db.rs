//! The database: an in-memory SQLite engine playing the MySQL role.
//!
//! SQLite is compiled to WebAssembly in the browser build. The engine is real:
//! every query is parsed, planned and run; only its cost in time is modelled,
//! from the number of virtual-machine steps SQLite reports for the query.

//!
//! The result types and limits below are plain data (the page shows them);
//! the engine itself (`sqlite`) needs the `engine` feature.

/// The schema: users, content and configuration.
pub const SCHEMA: &str = "\
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, bio TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
  body TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES users(id), published TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0);
CREATE INDEX posts_published ON posts(published);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/// The most rows one query hands back to the application.
pub const MAX_ROWS: usize = 500;

/// Bounds on a statement typed into the SQL console.
pub const CONSOLE_MAX_ROWS: usize = 200;
/// SQLite virtual-machine steps a console statement may take (about a
/// second of work in the browser at most).
pub const CONSOLE_MAX_STEPS: u64 = 5_000_000;
/// Longest statement accepted.
pub const CONSOLE_MAX_LEN: usize = 10_000;

/// What a console statement did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsoleResult {
    pub sql: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Rows inserted, updated or deleted.
    pub changed: u64,
    /// More rows existed than were shown.
    pub truncated: bool,
    /// The engine's error, or why Stackscope stopped the statement.
    pub error: Option<String>,
    /// The statement changed the database (it is kept with the scenario).
    pub wrote: bool,
    pub vm_steps: u64,
}

#[cfg(feature = "engine")]
mod sqlite;
#[cfg(feature = "engine")]
pub use sqlite::*;
