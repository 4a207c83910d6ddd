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
        };
        if sql.len() > CONSOLE_MAX_LEN {
            out.error = Some(format!(
                "The statement is {} characters long; the console takes up to {CONSOLE_MAX_LEN}.",
                sql.len()
            ));
            return out;
        }
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
        out.changed = self.conn.changes();
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
