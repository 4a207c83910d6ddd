//! The database: an in-memory SQLite engine playing the MySQL role.
//!
//! SQLite is compiled to WebAssembly in the browser build. The engine is real:
//! every query is parsed, planned and run; only its cost in time is modelled,
//! from the number of virtual-machine steps SQLite reports for the query.

//!
//! The result types and limits below are plain data (the page shows them);
//! the engine itself (`sqlite`) needs the `engine` feature.

/// The schema: users, content and configuration.
///
/// The same text runs on SQLite and on MariaDB/MySQL (the conformance suite
/// loads it into a real MariaDB and compares every query's rows):
/// `VARCHAR(n)` where MySQL needs a length (keys) or where a length is the
/// model's limit, checked by `validate` so both engines accept the same rows;
/// `MEDIUMTEXT` for bodies (a MySQL `TEXT` holds 65,535 bytes, fewer than
/// 20,000 four-byte characters); `key` quoted with backticks (a reserved
/// word in MySQL; SQLite accepts the quotes); the foreign key at table level
/// (InnoDB ignores an inline `REFERENCES`). `INTEGER PRIMARY KEY` is SQLite's
/// rowid and MySQL's 32-bit `INT`, so ids are checked against [`ID_RANGE`].
pub const SCHEMA: &str = "\
CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, bio VARCHAR(5000) NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, slug VARCHAR(200) NOT NULL UNIQUE, title VARCHAR(500) NOT NULL,
  body MEDIUMTEXT NOT NULL, author_id INTEGER NOT NULL, published VARCHAR(10) NOT NULL,
  views INTEGER NOT NULL DEFAULT 0, FOREIGN KEY (author_id) REFERENCES users(id));
CREATE INDEX posts_published ON posts(published);
CREATE TABLE settings (`key` VARCHAR(100) PRIMARY KEY, value VARCHAR(2000) NOT NULL);";

/// The modelled MySQL server's configuration that the model depends on
/// (`my.cnf`, `[mysqld]`): text compares by code point, as SQLite's does
/// (`=`, `UNIQUE`, `ORDER BY`, and `LIKE`, which SQLite is told to treat
/// case-sensitively), with no padding (`'a' = 'a '` is false in both).
/// MySQL 8's equivalent is `utf8mb4_0900_bin`.
pub const SERVER_CONFIG: [(&str, &str); 2] = [
    ("character-set-server", "utf8mb4"),
    ("collation-server", "utf8mb4_nopad_bin"),
];

/// How the seed rows are loaded (`Db::open`), with `?` placeholders.
pub const INSERT_USER: &str = "INSERT INTO users (id, name, bio) VALUES (?, ?, ?)";
pub const INSERT_POST: &str =
    "INSERT INTO posts (id, slug, title, body, author_id, published) VALUES (?, ?, ?, ?, ?, ?)";
pub const INSERT_SETTING: &str = "INSERT INTO settings (`key`, value) VALUES (?, ?)";

/// Ids are MySQL `INT`s.
pub const ID_RANGE: std::ops::RangeInclusive<i64> = (i32::MIN as i64)..=(i32::MAX as i64);

/// The longest value of each text column, in characters (as MySQL counts a
/// `VARCHAR`): table, column, limit. The editors and `validate` hold rows to these.
pub const TEXT_LIMITS: [(&str, &str, usize); 8] = [
    ("users", "name", 200),
    ("users", "bio", 5_000),
    ("posts", "slug", 200),
    ("posts", "title", 500),
    ("posts", "body", 20_000),
    ("posts", "published", 10),
    ("settings", "key", 100),
    ("settings", "value", 2_000),
];

/// The limit of one column from [`TEXT_LIMITS`].
pub fn text_limit(table: &str, column: &str) -> usize {
    TEXT_LIMITS
        .iter()
        .find(|(t, c, _)| *t == table && *c == column)
        .map_or(0, |l| l.2)
}

/// The most rows one query hands back to the application.
pub const MAX_ROWS: usize = 500;

/// Bounds on a statement typed into the SQL console.
pub const CONSOLE_MAX_ROWS: usize = 200;
/// SQLite virtual-machine steps a console statement may take (about a
/// second of work in the browser at most).
pub const CONSOLE_MAX_STEPS: u64 = 5_000_000;
/// Longest statement accepted.
pub const CONSOLE_MAX_LEN: usize = 10_000;

/// The heading over a statement's result in the inspector. A write (no
/// result columns) returns no rows, only how many it changed: its heading
/// says that, as the step's explanation does.
pub fn result_heading(q: &crate::trace::SqlQuery) -> String {
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    if q.columns.is_empty() {
        format!(
            "Result: {} row{} changed",
            q.rows_changed,
            plural(q.rows_changed)
        )
    } else {
        let n = q.rows.len() as u64;
        format!("Result: {n} row{}", plural(n))
    }
}

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
    /// Why the statement is not MySQL (the console runs SQLite), when it is not.
    #[serde(default)]
    pub not_mysql: Option<String>,
}

#[cfg(feature = "engine")]
mod sqlite;
#[cfg(feature = "engine")]
pub use sqlite::*;
