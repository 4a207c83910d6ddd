//! The engine: SQLite in memory (compiled to WebAssembly in the browser), with each query's cost in VM steps.

pub use rusqlite::types::Value;
use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, Connection, StatementStatus};

use super::{
    ConsoleResult, CONSOLE_MAX_LEN, CONSOLE_MAX_ROWS, CONSOLE_MAX_STEPS, INSERT_POST,
    INSERT_SETTING, INSERT_USER, MAX_ROWS, SCHEMA,
};
use crate::error::ScenarioError;
use crate::scenario::{ProcessState, SeedData};
use crate::text::clip;
use crate::trace::Component;

/// What one query returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub vm_steps: u64,
    /// Rows inserted, updated or deleted.
    pub changed: u64,
}

/// A database machine as one request sees it.
#[derive(Clone, Copy)]
pub struct Backend<'a> {
    pub db: &'a Db,
    pub state: ProcessState,
    pub component: Component,
    pub hostname: &'a str,
}

/// Where the application sends writes and reads.
#[derive(Clone, Copy)]
pub struct DbRoute<'a> {
    pub writer: Backend<'a>,
    pub reader: Backend<'a>,
    /// Writes are shipped to a replica (they must be logged).
    pub replicated: bool,
    /// Writes the reader has not applied yet when the request starts.
    pub reader_behind: usize,
    /// How far the replica trails the primary, µs.
    pub lag_us: u64,
}

/// A write to replay on the replica (statement-based replication).
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub commit_us: u64,
    pub sql: String,
    pub params: Vec<Value>,
}

/// A warm connection to the in-memory database.
pub struct Db {
    conn: Connection,
}

fn bad(e: rusqlite::Error) -> ScenarioError {
    ScenarioError::BadData {
        detail: e.to_string(),
    }
}

impl Db {
    /// Creates the schema and loads the seed rows.
    pub fn open(seed: &SeedData) -> Result<Db, ScenarioError> {
        let conn = Connection::open_in_memory().map_err(bad)?;
        // The native and the wasm builds of SQLite differ in their defaults;
        // set what the model depends on explicitly so both behave the same.
        // `LIKE` compares case-sensitively, as it does under the modelled
        // MySQL server's binary collation (`SERVER_CONFIG`).
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON;")
            .map_err(bad)?;
        conn.execute_batch(SCHEMA).map_err(bad)?;
        {
            let mut ins = conn.prepare(INSERT_USER).map_err(bad)?;
            for u in &seed.users {
                ins.execute((u.id, &u.name, &u.bio)).map_err(bad)?;
            }
            let mut ins = conn.prepare(INSERT_POST).map_err(bad)?;
            for p in &seed.posts {
                ins.execute((p.id, &p.slug, &p.title, &p.body, p.author_id, &p.published))
                    .map_err(bad)?;
            }
            let mut ins = conn.prepare(INSERT_SETTING).map_err(bad)?;
            for s in &seed.settings {
                ins.execute((&s.key, &s.value)).map_err(bad)?;
            }
        }
        let mut db = Db { conn };
        for sql in &seed.statements {
            let r = db.console(sql);
            if let Some(e) = r.error {
                return Err(ScenarioError::BadData {
                    detail: format!("the saved statement \"{}\" failed: {e}", clip(sql, 60)),
                });
            }
        }
        Ok(db)
    }

    /// Runs one statement the learner typed, bounded in time and rows. The
    /// engine's own error is reported, never raised.
    pub fn console(&mut self, sql: &str) -> ConsoleResult {
        let mut out = ConsoleResult {
            sql: sql.to_string(),
            columns: Vec::new(),
            rows: Vec::new(),
            changed: 0,
            truncated: false,
            error: None,
            wrote: false,
            vm_steps: 0,
            not_mysql: None,
        };
        if sql.len() > CONSOLE_MAX_LEN {
            out.error = Some(format!(
                "The statement is {} characters long; the console takes up to {CONSOLE_MAX_LEN}.",
                sql.len()
            ));
            return out;
        }
        out.not_mysql = not_mysql(sql);
        let upper = sql.to_ascii_uppercase();
        if ["ATTACH", "DETACH", "VACUUM", "LOAD_EXTENSION"]
            .iter()
            .any(|w| upper.contains(w))
        {
            out.error = Some("The console does not run ATTACH, DETACH, VACUUM or load_extension: they reach outside the in-memory database.".into());
            return out;
        }
        // Stop runaway statements: the handler runs every 1,000 VM steps.
        let mut calls = 0u64;
        let limit = CONSOLE_MAX_STEPS / 1000;
        let _ = self.conn.progress_handler(
            1000,
            Some(move || {
                calls += 1;
                calls > limit
            }),
        );
        let before = self.conn.total_changes();
        let result = self.run_console(sql, &mut out);
        let _ = self.conn.progress_handler(0, None::<fn() -> bool>);
        if let Err(e) = result {
            let text = e.to_string();
            out.error = Some(if text.contains("interrupted") {
                format!("Stopped: the statement ran for more than {CONSOLE_MAX_STEPS} steps of SQLite's virtual machine. (A query that never ends would freeze the page.)")
            } else {
                text
            });
        }
        out.wrote = out.error.is_none() && (out.wrote || self.conn.total_changes() != before);
        out
    }

    fn run_console(&self, sql: &str, out: &mut ConsoleResult) -> rusqlite::Result<()> {
        let before = self.conn.total_changes();
        let mut stmt = self.conn.prepare(sql)?;
        out.columns = stmt.column_names().map(str::to_string).collect();
        out.wrote = !stmt.readonly();
        let n = out.columns.len();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if out.rows.len() >= CONSOLE_MAX_ROWS {
                out.truncated = true;
                break;
            }
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match row.get_ref(i)? {
                    ValueRef::Null => "NULL".to_string(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
                });
            }
            out.rows.push(vals);
        }
        drop(rows);
        out.vm_steps = u64::try_from(stmt.get_status(StatementStatus::VmStep)).unwrap_or(0);
        // `changes()` keeps the count of the last INSERT, UPDATE or DELETE:
        // a statement that changed no row (a SELECT, a CREATE) changed 0.
        out.changed = if self.conn.total_changes() == before {
            0
        } else {
            self.conn.changes()
        };
        Ok(())
    }

    /// Runs one statement with bound parameters and returns its rows as text.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Rows, String> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        stmt.reset_status(StatementStatus::VmStep);
        let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let n = columns.len();
        let mut out = Vec::new();
        {
            let mut rows = stmt
                .query(params_from_iter(params.iter()))
                .map_err(|e| e.to_string())?;
            while let Some(row) = rows.next().map_err(|e| e.to_string())? {
                if out.len() >= MAX_ROWS {
                    break;
                }
                let mut vals = Vec::with_capacity(n);
                for i in 0..n {
                    vals.push(match row.get_ref(i).map_err(|e| e.to_string())? {
                        ValueRef::Null => "NULL".to_string(),
                        ValueRef::Integer(v) => v.to_string(),
                        ValueRef::Real(v) => v.to_string(),
                        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
                    });
                }
                out.push(vals);
            }
        }
        let vm_steps = u64::try_from(stmt.get_status(StatementStatus::VmStep)).unwrap_or(0);
        let changed = if n == 0 { self.conn.changes() } else { 0 };
        Ok(Rows {
            columns,
            rows: out,
            vm_steps,
            changed,
        })
    }
}

/// A bound parameter written as an SQL literal, for display.
pub fn literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
        Value::Blob(b) => format!(
            "X'{}'",
            b.iter().map(|x| format!("{x:02X}")).collect::<String>()
        ),
    }
}

/// A token of a console statement, as far as telling SQLite from MySQL needs.
#[derive(Debug, PartialEq)]
enum Tok {
    /// A bare word (keyword or name), upper-cased.
    Word(String),
    /// `name` (both engines), "name" or [name] (SQLite only).
    Backticked,
    DoubleQuoted,
    Bracketed,
    /// A '…' string; whether it holds a backslash.
    Str(bool),
    /// `?`, `?1`, `:name`, `$name`, `@name`.
    Param(String),
    Punct(String),
}

#[inline(never)] // measured on its own in the worker's module
fn tokens(sql: &str) -> (Vec<Tok>, bool) {
    let b: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut bad_comment = false;
    let mut i = 0;
    let until = |i: usize, end: char| {
        let mut j = i + 1;
        while j < b.len() {
            if b[j] == end {
                if b.get(j + 1) == Some(&end) && end != ']' {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j += 1;
        }
        b.len()
    };
    while i < b.len() {
        let c = b[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '-' if b.get(i + 1) == Some(&'-') => {
                // MySQL needs whitespace after `--` to read a comment.
                if b.get(i + 2).is_some_and(|c| !c.is_whitespace()) {
                    bad_comment = true;
                }
                while i < b.len() && b[i] != '\n' {
                    i += 1;
                }
            }
            '/' if b.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < b.len() && !(b[i] == '*' && b.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '\'' => {
                let j = until(i, '\'');
                out.push(Tok::Str(b[i..j].contains(&'\\')));
                i = j;
            }
            '"' => {
                i = until(i, '"');
                out.push(Tok::DoubleQuoted);
            }
            '`' => {
                i = until(i, '`');
                out.push(Tok::Backticked);
            }
            '[' => {
                i = until(i, ']');
                out.push(Tok::Bracketed);
            }
            '?' | ':' | '$' | '@'
                if c == '?'
                    || b.get(i + 1)
                        .is_some_and(|n| n.is_alphanumeric() || *n == '_') =>
            {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_alphanumeric() || b[j] == '_') {
                    j += 1;
                }
                out.push(Tok::Param(b[i..j].iter().collect()));
                i = j;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut j = i;
                while j < b.len() && (b[j].is_alphanumeric() || b[j] == '_' || b[j] == '$') {
                    j += 1;
                }
                out.push(Tok::Word(
                    b[i..j].iter().collect::<String>().to_ascii_uppercase(),
                ));
                i = j;
            }
            _ => {
                let two: String = b[i..(i + 2).min(b.len())].iter().collect();
                if ["||", "==", "<>", "!=", "<=", ">=", "<<", ">>"].contains(&two.as_str()) {
                    out.push(Tok::Punct(two));
                    i += 2;
                } else {
                    out.push(Tok::Punct(c.to_string()));
                    i += 1;
                }
            }
        }
    }
    (out, bad_comment)
}

/// SQLite functions MySQL does not have, with what MySQL has instead.
const SQLITE_FUNCTIONS: [(&str, &str); 16] = [
    ("TYPEOF", "MySQL has no typeof()"),
    ("PRINTF", "MySQL writes CONCAT() or FORMAT()"),
    ("JULIANDAY", "MySQL has DATEDIFF() and TO_DAYS()"),
    ("STRFTIME", "MySQL writes DATE_FORMAT()"),
    ("DATETIME", "MySQL writes NOW() or CAST(… AS DATETIME)"),
    ("UNIXEPOCH", "MySQL writes UNIX_TIMESTAMP()"),
    ("RANDOM", "MySQL writes RAND()"),
    ("RANDOMBLOB", "MySQL writes RANDOM_BYTES()"),
    ("ZEROBLOB", "MySQL has no zeroblob()"),
    ("TOTAL", "MySQL writes SUM()"),
    ("CHANGES", "MySQL writes ROW_COUNT()"),
    ("TOTAL_CHANGES", "MySQL has no total_changes()"),
    ("LAST_INSERT_ROWID", "MySQL writes LAST_INSERT_ID()"),
    ("IIF", "MySQL writes IF()"),
    ("UNICODE", "MySQL writes ORD()"),
    ("SQLITE_VERSION", "MySQL writes VERSION()"),
];

/// Why a console statement would not run (or would mean something else) on
/// MySQL: the first few reasons, plain. `None` when nothing SQLite-only was
/// found. A scan of the statement's tokens, not a parser: it knows the
/// differences a learner is likely to meet (the conformance suite checks a
/// corpus of them against a real MariaDB).
#[inline(never)]
pub fn not_mysql(sql: &str) -> Option<String> {
    let (t, bad_comment) = tokens(sql);
    let mut why: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        if !why.iter().any(|w| w == s) {
            why.push(s.to_string());
        }
    };
    if bad_comment {
        add("MySQL reads -- as a comment only when a space follows it.");
    }
    let word = |i: usize| match t.get(i) {
        Some(Tok::Word(w)) => w.as_str(),
        _ => "",
    };
    let punct = |i: usize, p: &str| matches!(t.get(i), Some(Tok::Punct(x)) if x == p);
    for (i, tok) in t.iter().enumerate() {
        match tok {
            Tok::DoubleQuoted => add("\"…\" is a string in MySQL and a name in SQLite: quote names with backticks (`name`) and strings with single quotes."),
            Tok::Bracketed => add("[name] is SQLite's quoting; MySQL quotes names with backticks (`name`)."),
            Tok::Str(true) => add("A backslash in a string is an escape character in MySQL (so '\\' does not even end the string)."),
            Tok::Param(p) if p.len() > 1 && p.starts_with('?') => add("?1 is SQLite's numbered placeholder; MySQL takes only ?."),
            Tok::Param(p) if p.starts_with(':') || p.starts_with('$') => add(":name and $name are SQLite's named placeholders; MySQL takes only ?."),
            Tok::Param(p) if p == "?" => add("MySQL takes ? only in a prepared statement, with a value bound to it."),
            Tok::Punct(p) if p == "||" => add("|| means OR in MySQL: join strings with CONCAT(a, b)."),
            Tok::Punct(p) if p == "==" => add("MySQL compares with =, not ==."),
            Tok::Punct(p) if p == "/" => add("SQLite divides whole numbers to a whole number (7 / 2 is 3); MySQL gives 3.5000 (its DIV gives 3)."),
            Tok::Word(w) => {
                let call = punct(i + 1, "(");
                let prev = if i > 0 { word(i - 1) } else { "" };
                match w.as_str() {
                    "PRAGMA" => add("PRAGMA is SQLite's own command; MySQL has SHOW and SET."),
                    "AUTOINCREMENT" => add("MySQL spells it AUTO_INCREMENT."),
                    "GLOB" => add("GLOB is SQLite's; MySQL has LIKE and REGEXP."),
                    "ROWID" if prev == "WITHOUT" => add("WITHOUT ROWID and STRICT tables are SQLite's."),
                    "STRICT" if i > 0 && punct(i - 1, ")") => add("WITHOUT ROWID and STRICT tables are SQLite's."),
                    "ROWID" | "_ROWID_" | "OID" => add("rowid is SQLite's hidden column; a MySQL table has none."),
                    "VACUUM" | "REINDEX" | "ATTACH" | "DETACH" => add("VACUUM, REINDEX, ATTACH and DETACH are SQLite's own commands."),
                    "OR" if matches!(prev, "INSERT" | "UPDATE" | "REPLACE") => add("INSERT OR … is SQLite's; MySQL writes REPLACE INTO or INSERT IGNORE."),
                    "CONFLICT" if prev == "ON" => add("ON CONFLICT is SQLite's; MySQL writes ON DUPLICATE KEY UPDATE."),
                    "NULLS" if matches!(word(i + 1), "FIRST" | "LAST") => add("MySQL has no NULLS FIRST or NULLS LAST."),
                    "FULL" if matches!(word(i + 1), "JOIN" | "OUTER") => add("MySQL has no FULL OUTER JOIN."),
                    "ISNULL" | "NOTNULL" if !call => add("x ISNULL and x NOTNULL are SQLite's; MySQL writes x IS NULL and x IS NOT NULL."),
                    "IS" => {
                        let next = if word(i + 1) == "NOT" { word(i + 2) } else { word(i + 1) };
                        if !matches!(next, "NULL" | "TRUE" | "FALSE" | "UNKNOWN") {
                            add("MySQL's IS takes only NULL, TRUE, FALSE or UNKNOWN; compare NULL-safely with <=>.");
                        }
                    }
                    "KEY" if !matches!(prev, "PRIMARY" | "FOREIGN" | "UNIQUE" | "DUPLICATE") => add("key is a reserved word in MySQL: write `key` in backticks."),
                    "TEXT" | "BLOB" if matches!(word(i + 1), "PRIMARY" | "UNIQUE") => add("MySQL cannot index TEXT without a length: use VARCHAR(n)."),
                    "TEXT" | "BLOB" | "NUMERIC" if prev == "AS" && punct(i + 1, ")") => add("MySQL casts AS CHAR, SIGNED, DECIMAL or BINARY, not AS TEXT, BLOB or NUMERIC."),
                    "QUERY" if prev == "EXPLAIN" => add("EXPLAIN QUERY PLAN is SQLite's; MySQL writes EXPLAIN."),
                    "TEMP" if prev == "CREATE" => add("MySQL writes CREATE TEMPORARY TABLE."),
                    "TRANSACTION" | "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE" if prev == "BEGIN" => add("MySQL starts a transaction with BEGIN or START TRANSACTION."),
                    "MAX" | "MIN" | "GROUP_CONCAT" if call && top_level_comma(&t, i + 1) => add("max(a, b) and group_concat(x, sep) are SQLite's; MySQL writes GREATEST(a, b) and GROUP_CONCAT(x SEPARATOR sep)."),
                    f if call => {
                        if let Some((name, instead)) = SQLITE_FUNCTIONS.iter().find(|(n, _)| *n == f) {
                            add(&format!("{}() is SQLite's; {instead}.", name.to_ascii_lowercase()));
                        } else if f.starts_with("SQLITE_") {
                            add("sqlite_…() functions are SQLite's own.");
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if why.is_empty() {
        return None;
    }
    let more = why.len().saturating_sub(2);
    why.truncate(2);
    let mut s = format!("Not MySQL: {}", why.join(" "));
    if more > 0 {
        s.push_str(&format!(" (and {more} more)"));
    }
    Some(s)
}

/// Whether the parenthesis at `open` holds a comma at its own level.
fn top_level_comma(t: &[Tok], open: usize) -> bool {
    let mut depth = 0usize;
    for tok in &t[open..] {
        match tok {
            Tok::Punct(p) if p == "(" => depth += 1,
            Tok::Punct(p) if p == ")" => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            Tok::Punct(p) if p == "," && depth == 1 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_loads_and_parameters_are_bound_not_spliced() {
        let db = Db::open(&crate::seed::simple_stack().data).unwrap();
        let r = db
            .query(
                "SELECT title FROM posts WHERE slug = ?",
                &[Value::Text("hello-world".into())],
            )
            .unwrap();
        assert_eq!(r.rows, vec![vec!["Hello, world".to_string()]]);
        assert!(r.vm_steps > 0);
        let inj = db
            .query(
                "SELECT title FROM posts WHERE slug = ?",
                &[Value::Text("' OR '1'='1".into())],
            )
            .unwrap();
        assert!(inj.rows.is_empty());
        assert_eq!(literal(&Value::Text("it's".into())), "'it''s'");
    }

    #[test]
    fn vm_steps_are_per_execution() {
        let db = Db::open(&crate::seed::simple_stack().data).unwrap();
        let a = db.query("SELECT * FROM posts", &[]).unwrap().vm_steps;
        let b = db.query("SELECT * FROM posts", &[]).unwrap().vm_steps;
        assert_eq!(a, b);
    }
}
