//! The database: the schema and every statement the application runs, on
//! the model's SQLite and on a real MariaDB, compared row by row.
//!
//! MariaDB runs as a child (`mariadbd` on a Unix socket in a temp datadir,
//! no networking) with the modelled server's configuration
//! (`db::SERVER_CONFIG`). Each dataset is loaded the way `Db::open` loads it
//! (`SCHEMA`, then the seed rows through the same `INSERT` texts), and each
//! statement is prepared server-side and executed with its parameters bound
//! (`PREPARE … EXECUTE … USING`), through the `mariadb` client in batch mode.
//! Values travel as hex literals, so no quoting or escaping of the client's
//! can change them.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use stackscope_core::scenario::{Post, SeedData, Setting, User};
use stackscope_core::server::app;
use stackscope_core::server::db::{self, Db, Value};

use crate::proc::{find_program, free_port, wait_for_path, Running, TempDir};
use crate::report::Report;

/// A running MariaDB and the client to talk to it.
struct Server {
    client: PathBuf,
    socket: PathBuf,
    dir: TempDir,
    run: Running,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Server {
    fn start() -> Result<Server, String> {
        let install = find_program(&["mariadb-install-db", "mysql_install_db"])?;
        let mariadbd = find_program(&["mariadbd", "mysqld"])?;
        let client = find_program(&["mariadb", "mysql"])?;
        let dir = TempDir::new("sql")?;
        let data = dir.path().join("data");
        let root = is_root();
        let mut cmd = Command::new(&install);
        cmd.arg("--no-defaults")
            .arg("--auth-root-authentication-method=normal")
            .arg(format!("--datadir={}", data.display()))
            .arg("--skip-test-db");
        if root {
            cmd.arg("--user=root");
        }
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", install.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} failed: {}",
                install.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let socket = dir.join("mysqld.sock");
        let mut cmd = Command::new(&mariadbd);
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--pid-file={}", dir.join("mysqld.pid").display()))
            .arg("--skip-networking")
            .arg("--skip-log-bin")
            .arg("--innodb-buffer-pool-size=32M")
            // A throwaway server: no syncing to disk.
            .arg("--innodb-flush-method=nosync")
            .arg("--innodb-flush-log-at-trx-commit=0")
            .arg("--innodb-doublewrite=0")
            .arg("--innodb-file-per-table=0");
        for (k, v) in db::SERVER_CONFIG {
            cmd.arg(format!("--{k}={v}"));
        }
        if root {
            cmd.arg("--user=root");
        }
        let mut run = Running::start("mariadbd", &mut cmd, &dir.join("mysqld.log"))?;
        wait_for_path(&mut run, &socket)?;
        Ok(Server {
            client,
            socket,
            dir,
            run,
        })
    }

    /// Runs a script through the client (continuing after errors): stdout
    /// and stderr.
    fn script(&mut self, text: &str) -> Result<(String, String), String> {
        let pid = self.run.pid();
        self.run.alive().map_err(|e| {
            let log = self.dir.join("mysqld.log");
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            format!("{e} (pid {pid}); its log ends: {}", tail.join(" | "))
        })?;
        let mut child = Command::new(&self.client)
            .arg("--no-defaults")
            .arg(format!("--socket={}", self.socket.display()))
            .arg("--user=root")
            .arg("--default-character-set=utf8mb4")
            .arg("--batch")
            .arg("--force")
            .arg("--column-type-info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.client.display()))?;
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        let body = text.to_string();
        let feeder = std::thread::spawn(move || stdin.write_all(body.as_bytes()));
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        let _ = feeder.join();
        Ok((
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }
}

/// What a statement gave back, in a form both engines can be compared in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Changed(u64),
    /// The engine refused it (the texts differ between engines).
    Error,
}

/// One statement with its parameters.
struct Case {
    label: String,
    sql: String,
    params: Vec<Value>,
    write: bool,
}

fn hex(s: &str) -> String {
    let mut h = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        let _ = write!(h, "{b:02X}");
    }
    h
}

/// A value as a MariaDB expression that gives exactly it.
fn expr(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => format!("{r:e}"),
        Value::Text(t) => format!("CONVERT(X'{}' USING utf8mb4)", hex(t)),
        Value::Blob(b) => format!(
            "X'{}'",
            b.iter().map(|x| format!("{x:02X}")).collect::<String>()
        ),
    }
}

/// A script of cases for the client, one statement a line, with the lines
/// each case spans (the client reports errors by line).
#[derive(Default)]
struct Script {
    text: String,
    lines: usize,
    /// First and last line of each case.
    spans: Vec<(usize, usize)>,
}

const MARK: &str = "stackscope_case";

impl Script {
    fn line(&mut self, l: &str) {
        self.text.push_str(l);
        self.text.push('\n');
        self.lines += l.matches('\n').count() + 1;
    }

    /// Adds a case; its index.
    fn case(&mut self, c: &Case) -> usize {
        let i = self.spans.len();
        self.line(&format!("SELECT {i} AS {MARK};"));
        let first = self.lines + 1;
        self.line(&format!(
            "SET @stmt = {};",
            expr(&Value::Text(c.sql.clone()))
        ));
        self.line("PREPARE st FROM @stmt;");
        if c.params.is_empty() {
            self.line("EXECUTE st;");
        } else {
            let sets: Vec<String> = c
                .params
                .iter()
                .enumerate()
                .map(|(k, v)| format!("@p{k} = {}", expr(v)))
                .collect();
            self.line(&format!("SET {};", sets.join(", ")));
            let using: Vec<String> = (0..c.params.len()).map(|k| format!("@p{k}")).collect();
            self.line(&format!("EXECUTE st USING {};", using.join(", ")));
        }
        if c.write {
            self.line("SELECT ROW_COUNT() AS changed;");
        }
        self.line("DEALLOCATE PREPARE st;");
        self.spans.push((first, self.lines));
        i
    }

    /// Plain lines that belong to a case (loading a schema).
    fn raw_case(&mut self, text: &str) -> usize {
        let i = self.spans.len();
        self.line(&format!("SELECT {i} AS {MARK};"));
        let first = self.lines + 1;
        self.line(text);
        self.spans.push((first, self.lines));
        i
    }
}

/// The client's batch output escapes `\0`, tab, newline and backslash.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('0') => out.push('\0'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Splits the client's output into each case's answer.
fn parse(script: &Script, stdout: &str, stderr: &str, write: &[bool]) -> Vec<Answer> {
    let n = script.spans.len();
    let mut blocks: Vec<Vec<&str>> = vec![Vec::new(); n];
    let mut current: Option<usize> = None;
    let mut lines = stdout.split('\n').peekable();
    while let Some(l) = lines.next() {
        if l == MARK {
            if let Some(i) = lines.peek().and_then(|v| v.parse::<usize>().ok()) {
                lines.next();
                current = (i < n).then_some(i);
                continue;
            }
        }
        if let Some(i) = current {
            blocks[i].push(l);
        }
    }
    let mut failed = vec![false; n];
    for l in stderr.lines() {
        // ERROR 1406 (22001) at line 12: Data too long for column ...
        let Some(rest) = l.split(" at line ").nth(1) else {
            continue;
        };
        let Some(num) = rest.split(':').next().and_then(|x| x.parse::<usize>().ok()) else {
            continue;
        };
        if let Some(i) = script
            .spans
            .iter()
            .position(|(a, b)| (*a..=*b).contains(&num))
        {
            failed[i] = true;
        }
    }
    (0..n)
        .map(|i| {
            if failed[i] {
                return Answer::Error;
            }
            let mut b = blocks[i].clone();
            while b.last() == Some(&"") {
                b.pop();
            }
            let split = |l: &str| l.split('\t').map(unescape).collect::<Vec<String>>();
            if write[i] {
                let count = b.get(1).and_then(|v| v.parse::<u64>().ok());
                return count.map_or(Answer::Error, Answer::Changed);
            }
            match b.split_first() {
                None => Answer::Rows {
                    columns: vec![],
                    rows: vec![],
                },
                Some((head, rows)) => Answer::Rows {
                    columns: split(head),
                    rows: rows.iter().map(|r| split(r)).collect(),
                },
            }
        })
        .collect()
}

/// The model's answer.
fn model(db: &Db, c: &Case) -> Answer {
    match db.query(&c.sql, &c.params) {
        Err(_) => Answer::Error,
        Ok(r) if c.write => Answer::Changed(r.changed),
        Ok(r) => Answer::Rows {
            columns: r.columns,
            rows: r.rows,
        },
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn user(id: i64, name: &str, bio: &str) -> User {
    User {
        id,
        name: name.into(),
        bio: bio.into(),
    }
}

fn post(id: i64, slug: &str, title: &str, body: &str, author_id: i64, published: &str) -> Post {
    Post {
        id,
        slug: slug.into(),
        title: title.into(),
        body: body.into(),
        author_id,
        published: published.into(),
    }
}

fn setting(key: &str, value: &str) -> Setting {
    Setting {
        key: key.into(),
        value: value.into(),
    }
}

/// The datasets the queries run on: the seed, and worlds a learner can make
/// with the post and user editors (or an imported scenario that passes
/// validation).
fn datasets() -> Vec<(&'static str, SeedData)> {
    let seed = stackscope_core::seed::simple_stack().data;
    let mut out = vec![("seed", seed.clone())];

    let mut edited = seed.clone();
    edited.users.extend([
        user(
            3,
            "Zoë",
            "Écrit sur les serveurs 🚀 and \"quotes\" and it's",
        ),
        user(4, "ÅSA", "100% _sure_ \\ back\\slash"),
        user(5, "ada", "lower-case twin of Ada"),
        user(7, "No posts", "This user wrote nothing."),
    ]);
    edited.posts.extend([
        post(
            4,
            "Hello-World",
            "HELLO, WORLD",
            "Capital slug beside hello-world.",
            3,
            "2026-01-10",
        ),
        post(
            5,
            "café",
            "Café crème",
            "An accented slug: crème brûlée, naïve, Ångström.",
            3,
            "2026-03-03",
        ),
        post(
            6,
            "cafe",
            "Cafe without the accent",
            "NGINX in capitals; nginx in lower case.",
            4,
            "2026-03-03",
        ),
        post(
            7,
            "hello-world ",
            "Trailing space",
            "A slug that ends in a space.",
            4,
            "2026-02-14",
        ),
        post(
            8,
            "a_b",
            "Under_score",
            "50% off, a_b and a%b, back\\slash, it's \"quoted\".",
            5,
            "2026-03-03",
        ),
        post(
            9,
            "a%b",
            "Per%cent",
            "The body has ! and !! and !% in it.",
            5,
            "2025-12-31",
        ),
        post(
            10,
            "emoji-🚀",
            "Rocket 🚀 launch",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 outside the BMP: 😀 and 🚀.",
            1,
            "2026-04-01",
        ),
        post(
            11,
            "ß-strasse",
            "Straße and STRASSE",
            "German ß: Fuß, FUSS; Turkish İ ı I i.",
            2,
            "2026-04-01",
        ),
        post(
            12,
            "it's",
            "It's a quote",
            "' OR '1'='1 is a search term here.",
            2,
            "2026-04-02",
        ),
        post(
            13,
            "tabs",
            "Tab\tand\nnewline",
            "Line one\nline two\ttabbed\r\nCRLF",
            1,
            "2026-04-02",
        ),
        post(
            14,
            "zero",
            "Zero views",
            "Nobody reads this.",
            7,
            "2026-04-02",
        ),
    ]);
    out.push(("edited", edited));

    // More posts than the home page shows, most on the same day (ties).
    let mut crowded = seed.clone();
    for i in 0..25 {
        crowded.posts.push(post(
            100 + i,
            &format!("post-{i:02}"),
            &format!("Post number {i}"),
            &format!("Body {i}: nginx Nginx"),
            1 + i % 2,
            if i % 3 == 0 {
                "2026-05-01"
            } else {
                "2026-05-02"
            },
        ));
    }
    out.push(("crowded", crowded));

    // Values at the editors' limits, in four-byte characters.
    let mut full = seed.clone();
    let emoji = |n: usize| "😀".repeat(n);
    full.users.push(user(
        i64::from(i32::MAX),
        &emoji(db::text_limit("users", "name")),
        &emoji(db::text_limit("users", "bio")),
    ));
    full.users
        .push(user(i64::from(i32::MIN), "Min", "The smallest id."));
    full.posts.push(post(
        i64::from(i32::MAX),
        &emoji(db::text_limit("posts", "slug")),
        &emoji(db::text_limit("posts", "title")),
        &emoji(db::text_limit("posts", "body")),
        i64::from(i32::MAX),
        "9999-12-31",
    ));
    full.posts.push(post(
        -5,
        &"é".repeat(db::text_limit("posts", "slug")),
        "Negative id",
        "x",
        i64::from(i32::MIN),
        "0000-00-00",
    ));
    full.settings.push(setting(
        &"k".repeat(db::text_limit("settings", "key")),
        &emoji(db::text_limit("settings", "value")),
    ));
    out.push(("at the limits", full));

    // Almost empty: users and no posts, settings the app does not know.
    let mut bare = seed.clone();
    bare.posts.clear();
    bare.settings = vec![
        setting("Site_Title", "Case twin"),
        setting("site_title ", "Trailing space"),
        setting("tagline", ""),
        setting("zzz", "last"),
        setting("", "empty key"),
    ];
    out.push(("bare", bare));
    out
}

/// Datasets that break one of the database's rules, and whether the model
/// (`validate`, which the editors run) accepts them: it must refuse exactly
/// what MariaDB refuses.
fn load_corpus() -> Vec<(String, SeedData)> {
    let seed = stackscope_core::seed::simple_stack().data;
    let mut out: Vec<(String, SeedData)> = Vec::new();
    let mut with = |label: &str, f: &dyn Fn(&mut SeedData)| {
        let mut d = seed.clone();
        f(&mut d);
        out.push((label.to_string(), d));
    };
    for (table, column, max) in db::TEXT_LIMITS {
        for n in [max, max + 1] {
            // The body's limit is the editor's, not the database's
            // (MEDIUMTEXT holds 16 MB): only lengths at the limit here.
            if table == "posts" && column == "body" && n > max {
                continue;
            }
            let v = "é".repeat(n);
            let label = format!("{table}.{column} of {n} characters");
            with(&label, &|d: &mut SeedData| match (table, column) {
                ("users", "name") => d.users[0].name.clone_from(&v),
                ("users", "bio") => d.users[0].bio.clone_from(&v),
                ("posts", "slug") => d.posts[0].slug.clone_from(&v),
                ("posts", "title") => d.posts[0].title.clone_from(&v),
                ("posts", "body") => d.posts[0].body.clone_from(&v),
                ("posts", "published") => d.posts[0].published.clone_from(&v),
                ("settings", "key") => d.settings[0].key.clone_from(&v),
                _ => d.settings[0].value.clone_from(&v),
            });
        }
    }
    for id in [
        i64::from(i32::MAX),
        i64::from(i32::MAX) + 1,
        i64::from(i32::MIN),
        i64::from(i32::MIN) - 1,
        i64::MAX,
    ] {
        with(&format!("a user with id {id}"), &|d: &mut SeedData| {
            d.users.push(user(id, "Big", "id"));
        });
        with(&format!("a post with id {id}"), &|d: &mut SeedData| {
            d.posts.push(post(id, "big", "Big", "id", 1, "2026-01-01"));
        });
    }
    with("two slugs differing in case", &|d: &mut SeedData| {
        d.posts
            .push(post(9, "HELLO-WORLD", "T", "B", 1, "2026-01-01"));
    });
    with("two slugs differing in an accent", &|d: &mut SeedData| {
        d.posts
            .push(post(9, "hellò-world", "T", "B", 1, "2026-01-01"));
    });
    with(
        "two slugs differing in a trailing space",
        &|d: &mut SeedData| {
            d.posts
                .push(post(9, "hello-world ", "T", "B", 1, "2026-01-01"));
        },
    );
    with("the same slug twice", &|d: &mut SeedData| {
        d.posts
            .push(post(9, "hello-world", "T", "B", 1, "2026-01-01"));
    });
    with("the same post id twice", &|d: &mut SeedData| {
        d.posts.push(post(1, "other", "T", "B", 1, "2026-01-01"));
    });
    with("the same user id twice", &|d: &mut SeedData| {
        d.users.push(user(1, "Twin", "B"));
    });
    with(
        "a post by a user who does not exist",
        &|d: &mut SeedData| {
            d.posts.push(post(9, "orphan", "T", "B", 42, "2026-01-01"));
        },
    );
    with("two setting keys differing in case", &|d: &mut SeedData| {
        d.settings.push(setting("SITE_TITLE", "x"));
    });
    with("the same setting key twice", &|d: &mut SeedData| {
        d.settings.push(setting("site_title", "x"));
    });
    with("empty strings everywhere", &|d: &mut SeedData| {
        d.users[0].name.clear();
        d.users[0].bio.clear();
        d.posts[0].slug.clear();
        d.posts[0].title.clear();
        d.posts[0].body.clear();
        d.posts[0].published.clear();
        d.settings[0].value.clear();
    });
    out
}

/// The statements that load a dataset, as `Db::open` runs them.
fn load_cases(d: &SeedData) -> Vec<Case> {
    let mut out = Vec::new();
    for u in &d.users {
        out.push(Case {
            label: format!("insert user {}", u.id),
            sql: db::INSERT_USER.into(),
            params: vec![Value::Integer(u.id), text(&u.name), text(&u.bio)],
            write: true,
        });
    }
    for p in &d.posts {
        out.push(Case {
            label: format!("insert post {}", p.id),
            sql: db::INSERT_POST.into(),
            params: vec![
                Value::Integer(p.id),
                text(&p.slug),
                text(&p.title),
                text(&p.body),
                Value::Integer(p.author_id),
                text(&p.published),
            ],
            write: true,
        });
    }
    for s in &d.settings {
        out.push(Case {
            label: format!("insert setting {:?}", s.key),
            sql: db::INSERT_SETTING.into(),
            params: vec![text(&s.key), text(&s.value)],
            write: true,
        });
    }
    out
}

/// Slugs to look up: every slug of the dataset, variants of them, and
/// strings that try to break out.
fn slug_corpus(d: &SeedData) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for p in &d.posts {
        let s = &p.slug;
        v.extend([
            s.clone(),
            s.to_uppercase(),
            s.to_lowercase(),
            format!("{s} "),
            format!(" {s}"),
            format!("{s}\0"),
        ]);
    }
    v.extend(
        [
            "hello-world",
            "Hello-World",
            "HELLO-WORLD",
            "hello-world ",
            "hello_world",
            "hello%",
            "%",
            "_",
            "\\",
            "'",
            "''",
            "\"",
            "' OR '1'='1",
            "hello-world' -- ",
            "hello-world'; DROP TABLE posts; --",
            "",
            " ",
            "cafe",
            "café",
            "CAFÉ",
            "cafe\u{301}",
            "strasse",
            "ß-strasse",
            "SS-STRASSE",
            "emoji-🚀",
            "\0",
            "missing",
        ]
        .map(String::from),
    );
    v.push("a".repeat(300));
    v.push("🚀".repeat(201));
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

fn search_corpus(d: &SeedData) -> Vec<String> {
    let mut v: Vec<String> = [
        "nginx",
        "Nginx",
        "NGINX",
        "",
        " ",
        "%",
        "_",
        "!",
        "!%",
        "\\",
        "\\%",
        "'",
        "\"",
        "' OR '1'='1",
        "%' OR 1=1 -- ",
        "é",
        "É",
        "e",
        "crème",
        "CRÈME",
        "creme",
        "ß",
        "SS",
        "ss",
        "İ",
        "i",
        "🚀",
        "😀",
        "𝔘",
        "a_b",
        "a%b",
        "50%",
        "100% _sure_",
        "it's",
        "\n",
        "\t",
        "server",
        "the",
        "zzz-nothing",
    ]
    .map(String::from)
    .to_vec();
    for p in d.posts.iter().take(6) {
        let w: String = p.title.chars().take(5).collect();
        v.push(w.to_lowercase());
        v.push(w.to_uppercase());
    }
    // The longest address the browser takes is 2,048 bytes.
    v.push("é".repeat(900));
    // The application refuses a term with a NUL (400) before any query:
    // SQLite's LIKE would stop at it.
    v.retain(|s| !s.contains('\0'));
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

fn user_corpus(d: &SeedData) -> Vec<i64> {
    let mut v: Vec<i64> = d.users.iter().map(|u| u.id).collect();
    v.extend([
        0,
        -1,
        999,
        i64::from(i32::MAX),
        i64::from(i32::MAX) + 1,
        i64::from(i32::MIN) - 1,
        i64::MAX,
    ]);
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(*x));
    v
}

/// The application's statements on one dataset, in the order its pages run them.
fn query_cases(d: &SeedData) -> Vec<Case> {
    let q = |label: String, sql: &str, params: Vec<Value>, write: bool| Case {
        label,
        sql: sql.to_string(),
        params,
        write,
    };
    let settings = || {
        q(
            "settings".into(),
            app::SQL_SETTINGS,
            vec![text("site_title"), text("tagline")],
            false,
        )
    };
    let mut out = vec![
        settings(),
        q("home".into(), app::SQL_HOME, vec![], false),
        q("about".into(), app::SQL_ABOUT, vec![], false),
    ];
    for s in slug_corpus(d) {
        out.push(q(
            format!("count a view of {s:?}"),
            app::SQL_COUNT_VIEW,
            vec![text(&s)],
            true,
        ));
        out.push(q(
            format!("post {s:?}"),
            app::SQL_POST,
            vec![text(&s)],
            false,
        ));
    }
    for id in user_corpus(d) {
        let p = vec![Value::Integer(id)];
        out.push(q(format!("user {id}"), app::SQL_USER, p.clone(), false));
        out.push(q(
            format!("posts of user {id}"),
            app::SQL_USER_POSTS,
            p,
            false,
        ));
    }
    for s in search_corpus(d) {
        let pat = app::search_pattern(&s);
        out.push(q(
            format!("search {s:?}"),
            app::SQL_SEARCH,
            vec![text(&pat), text(&pat)],
            false,
        ));
    }
    out.push(q("home again".into(), app::SQL_HOME, vec![], false));
    out.push(settings());
    out
}

fn short(s: &str) -> String {
    if s.chars().count() > 70 {
        let c: String = s.chars().take(70).collect();
        format!("{c}…")
    } else {
        s.to_string()
    }
}

/// Loads a dataset into `script` (a fresh database `name`); the case
/// indices of its loading statements.
fn load(script: &mut Script, name: &str, d: &SeedData, cases: &mut Vec<Case>) -> Vec<usize> {
    script.line(&format!("CREATE DATABASE {name};"));
    script.line(&format!("USE {name};"));
    let schema = script.raw_case(db::SCHEMA);
    cases.push(Case {
        label: "schema".into(),
        sql: String::new(),
        params: vec![],
        write: false,
    });
    let mut idx = vec![schema];
    for c in load_cases(d) {
        idx.push(script.case(&c));
        cases.push(c);
    }
    idx
}

pub fn run() -> Result<Report, String> {
    let mut server = Server::start()?;
    let mut report = Report::new("sql");
    let mut loading = Report::new("sql load: rows each engine accepts");
    let mut queries = Report::new("sql app queries: columns, rows, changes");

    // Datasets a learner can make: loaded, then every query on them.
    let sets = datasets();
    let rejects = load_corpus();
    let mut script = Script::default();
    let mut cases: Vec<Case> = Vec::new();
    let mut plans = Vec::new();
    for (n, (label, d)) in sets.iter().enumerate() {
        let loads = load(&mut script, &format!("d{n}"), d, &mut cases);
        let mut qs = Vec::new();
        for c in query_cases(d) {
            qs.push(script.case(&c));
            cases.push(c);
        }
        plans.push((label.to_string(), d, loads, qs));
    }
    let mut reject_plans = Vec::new();
    for (n, (label, d)) in rejects.iter().enumerate() {
        let loads = load(&mut script, &format!("r{n}"), d, &mut cases);
        reject_plans.push((label.clone(), d, loads));
    }
    let (stdout, stderr) = server.script(&script.text)?;
    let write: Vec<bool> = cases.iter().map(|c| c.write).collect();
    let real = parse(&script, &stdout, &stderr, &write);
    if real.len() != cases.len() {
        return Err("the client's output does not match the script".into());
    }

    let base = stackscope_core::seed::simple_stack();
    let accepts = |d: &SeedData| {
        let mut s = base.clone();
        s.data = d.clone();
        stackscope_core::validate::scenario(&s).is_ok()
    };
    let real_loaded = |idx: &[usize]| idx.iter().all(|i| real[*i] != Answer::Error);
    for (label, d, loads, qs) in &plans {
        loading.compare(
            &format!("dataset {label}: accepted"),
            (accepts(d), Db::open(d).is_ok()),
            (real_loaded(loads), true),
        );
        let Ok(model_db) = Db::open(d) else {
            continue;
        };
        for i in qs {
            let c = &cases[*i];
            let m = model(&model_db, c);
            queries.compare(
                &format!("{label}: {} — {}", short(&c.label), short(&c.sql)),
                m,
                real[*i].clone(),
            );
        }
    }
    for (label, d, loads) in &reject_plans {
        loading.compare(
            &format!("{label}: accepted"),
            accepts(d),
            real_loaded(loads),
        );
    }
    report.sub(loading);
    report.sub(queries);
    report.sub(connection_errors(&server)?);
    report.sub(console(&mut server)?);
    report.sub(dumps(&mut server, &sets)?);
    Ok(report)
}

/// The backup panel's dump (`stackscope_core::backup::dump`) against real
/// `mysqldump` of the same rows: each table's `INSERT` line, byte for byte.
fn dumps(server: &mut Server, sets: &[(&'static str, SeedData)]) -> Result<Report, String> {
    let mut report = Report::new("sql dump: INSERT statements vs mariadb-dump");
    let dumper = find_program(&["mariadb-dump", "mysqldump"])?;
    let mut script = Script::default();
    let mut cases = Vec::new();
    let mut loaded = Vec::new();
    for (n, (label, d)) in sets.iter().enumerate() {
        if Db::open(d).is_err() || !d.statements.is_empty() {
            continue;
        }
        load(&mut script, &format!("b{n}"), d, &mut cases);
        loaded.push((n, *label, d));
    }
    server.script(&script.text)?;
    for (n, label, d) in loaded {
        let out = Command::new(&dumper)
            .arg("--no-defaults")
            .arg(format!("--socket={}", server.socket.display()))
            .arg("--user=root")
            .arg("--default-character-set=utf8mb4")
            .arg("--no-create-info")
            .arg("--compact")
            .arg(format!("b{n}"))
            .output()
            .map_err(|e| format!("cannot run {}: {e}", dumper.display()))?;
        let real = String::from_utf8_lossy(&out.stdout);
        let ours = stackscope_core::backup::dump(d);
        // Each INSERT statement, as written (a row never holds a raw
        // newline: it is written \n). The real dump starts with a comment.
        let inserts = |text: &str| -> Vec<String> {
            let mut v: Vec<String> = text
                .split(";\n")
                .filter_map(|st| st.find("INSERT").map(|i| st[i..].to_string()))
                .collect();
            // mysqldump goes through the tables by name; the model in the schema's order.
            v.sort_unstable();
            v
        };
        let (ours, real) = (inserts(&ours), inserts(&real));
        // On a difference, where it starts (the statements can be long).
        let at = |a: &[String], b: &[String]| -> String {
            if a.len() != b.len() {
                return format!("{} statements", a.len());
            }
            for (x, y) in a.iter().zip(b) {
                if let Some(i) = x
                    .bytes()
                    .zip(y.bytes())
                    .position(|(p, q)| p != q)
                    .or_else(|| (x.len() != y.len()).then(|| x.len().min(y.len())))
                {
                    let near = &x.as_bytes()[i.saturating_sub(30)..(i + 30).min(x.len())];
                    return format!("byte {i}: …{}…", String::from_utf8_lossy(near));
                }
            }
            "same".into()
        };
        let (m, r) = (at(&ours, &real), at(&real, &ours));
        report.compare(&format!("dataset {label}"), m, r);
    }
    Ok(report)
}

/// Statements a learner might type in the console, and whether they are
/// MySQL (`true`: MariaDB runs them and gives the same answer as SQLite).
const CONSOLE: [(&str, bool); 57] = [
    ("SELECT id, slug, title FROM posts ORDER BY published DESC", true),
    ("SELECT count(*) FROM posts", true),
    ("SELECT * FROM users ORDER BY id", true),
    ("SELECT `key`, value FROM settings ORDER BY `key`", true),
    ("SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id", true),
    ("SELECT author_id, count(*) AS n FROM posts GROUP BY author_id ORDER BY author_id", true),
    ("SELECT slug FROM posts WHERE title LIKE '%Nginx%'", true),
    ("SELECT slug FROM posts WHERE title LIKE '%nginx%'", true),
    ("UPDATE settings SET value = 'Edited' WHERE `key` = 'site_title'", true),
    ("INSERT INTO users (id, name, bio) VALUES (3, 'Linus', 'Kernels.')", true),
    ("INSERT INTO posts (id, slug, title, body, author_id, published) VALUES (9, 'new', 'New', 'Body', 2, '2026-06-01')", true),
    ("DELETE FROM posts WHERE id = 3", true),
    ("UPDATE posts SET views = views + 10", true),
    ("SELECT upper(name), lower(name) FROM users ORDER BY id", true),
    ("SELECT substr(title, 1, 5) FROM posts ORDER BY id", true),
    ("SELECT coalesce(NULL, 'x'), nullif(1, 1), abs(-3)", true),
    ("SELECT max(views), min(published) FROM posts", true),
    ("SELECT avg(views), sum(views) FROM posts", true),
    ("CREATE TABLE tags (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)", true),
    ("CREATE INDEX posts_author ON posts(author_id)", true),
    ("SELECT title FROM posts WHERE id IN (1, 2) ORDER BY id", true),
    ("SELECT title FROM posts ORDER BY id LIMIT 1 OFFSET 1", true),
    ("SELECT CASE WHEN views > 0 THEN 'read' ELSE 'unread' END AS state FROM posts ORDER BY id", true),
    ("WITH t AS (SELECT 1 AS x) SELECT x FROM t", true),
    ("SELECT slug FROM posts WHERE published BETWEEN '2026-02-01' AND '2026-12-31' ORDER BY id", true),
    ("SELECT slug, length(slug) FROM posts ORDER BY id", true),
    ("SELECT slug FROM posts p WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = p.author_id AND u.name = 'Ada') ORDER BY id", true),
    ("SELECT 'it''s' AS s", true),
    ("SELECT 7 * 3 - 1, 7 % 3", true),
    ("PRAGMA table_info(posts)", false),
    ("CREATE TABLE t2 (id INTEGER PRIMARY KEY AUTOINCREMENT, x VARCHAR(10))", false),
    ("SELECT slug || ' by ' || author_id FROM posts ORDER BY id", false),
    ("SELECT \"title\" FROM posts ORDER BY id", false),
    ("SELECT typeof(views) FROM posts", false),
    ("SELECT rowid, slug FROM posts ORDER BY id", false),
    ("SELECT slug FROM posts WHERE slug GLOB 'h*'", false),
    ("INSERT OR REPLACE INTO settings (`key`, value) VALUES ('tagline', 'x')", false),
    ("SELECT key FROM settings ORDER BY 1", false),
    ("CREATE TABLE t3 (k TEXT PRIMARY KEY)", false),
    ("SELECT 7 / 2", false),
    ("SELECT printf('%d posts', count(*)) FROM posts", false),
    ("SELECT iif(views > 0, 'read', 'unread') FROM posts", false),
    ("SELECT max(1, 2)", false),
    ("SELECT group_concat(slug, ';') FROM posts WHERE id = 1", false),
    ("SELECT slug FROM posts ORDER BY published NULLS LAST", false),
    ("SELECT 'a\\b'", false),
    ("SELECT CAST(views AS TEXT) FROM posts ORDER BY id", false),
    ("SELECT strftime('%Y', published) FROM posts ORDER BY id", false),
    ("SELECT slug FROM posts WHERE views == 0 ORDER BY id", false),
    ("SELECT slug FROM [posts] ORDER BY id", false),
    ("BEGIN TRANSACTION", false),
    ("EXPLAIN QUERY PLAN SELECT * FROM posts", false),
    ("SELECT slug FROM posts WHERE author_id IS 1 ORDER BY id", false),
    ("SELECT sqlite_version()", false),
    ("SELECT slug FROM posts --the slugs\n ORDER BY id", false),
    ("CREATE TEMP TABLE x (a INTEGER)", false),
    ("SELECT slug FROM posts WHERE title ISNULL", false),
];

/// Numbers compare by value (SQLite's 0.0 and MariaDB's 0.0000 are one average).
fn same_value(a: &str, b: &str) -> bool {
    a == b || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if (x - y).abs() < 1e-9)
}

fn same_answer(a: &Answer, b: &Answer) -> bool {
    match (a, b) {
        (
            Answer::Rows { columns, rows },
            Answer::Rows {
                columns: c2,
                rows: r2,
            },
        ) => {
            columns == c2
                && rows.len() == r2.len()
                && rows.iter().zip(r2).all(|(x, y)| {
                    x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
                })
        }
        _ => a == b,
    }
}

/// The console's "not MySQL" flag against MariaDB: each statement on a fresh
/// copy of the seed in both engines.
fn console(server: &mut Server) -> Result<Report, String> {
    let mut flag = Report::new("sql console: \"not MySQL\" flag vs MariaDB");
    let mut corpus = Report::new("sql console: corpus as labelled");
    let seed = stackscope_core::seed::simple_stack().data;
    let mut script = Script::default();
    let mut cases = Vec::new();
    let mut at = Vec::new();
    for (n, (sql, _)) in CONSOLE.iter().enumerate() {
        load(&mut script, &format!("c{n}"), &seed, &mut cases);
        let i = script.spans.len();
        script.line(&format!("SELECT {i} AS {MARK};"));
        let first = script.lines + 1;
        script.line(&format!(
            "EXECUTE IMMEDIATE {};",
            expr(&Value::Text((*sql).to_string()))
        ));
        script.line("SELECT ROW_COUNT() AS changed;");
        script.spans.push((first, script.lines));
        cases.push(Case {
            label: (*sql).into(),
            sql: (*sql).into(),
            params: vec![],
            write: false,
        });
        at.push(i);
    }
    let (stdout, stderr) = server.script(&script.text)?;
    let write: Vec<bool> = cases.iter().map(|c| c.write).collect();
    let real = parse(&script, &stdout, &stderr, &write);
    for ((sql, mysql), i) in CONSOLE.iter().zip(at) {
        let mut db = Db::open(&seed).map_err(|e| e.to_string())?;
        let r = db.console(sql);
        let model = if r.error.is_some() {
            Answer::Error
        } else if r.columns.is_empty() {
            Answer::Changed(r.changed)
        } else {
            Answer::Rows {
                columns: r.columns.clone(),
                rows: r.rows.clone(),
            }
        };
        // MariaDB's block: a result set (or none), then ROW_COUNT().
        let real = match &real[i] {
            // No output at all, not even ROW_COUNT(): the client gave up.
            Answer::Rows { columns, .. } if columns.is_empty() => Answer::Error,
            Answer::Rows { columns, rows } => {
                let mut all: Vec<Vec<String>> = vec![columns.clone()];
                all.extend(rows.iter().cloned());
                let count = all
                    .pop()
                    .and_then(|v| v.first().and_then(|c| c.parse::<i64>().ok()));
                let head = all.pop();
                match (head, count) {
                    (Some(h), Some(c)) if h == ["changed"] => match all.split_first() {
                        None => Answer::Changed(u64::try_from(c).unwrap_or(0)),
                        Some((cols, rows)) => Answer::Rows {
                            columns: cols.clone(),
                            rows: rows.to_vec(),
                        },
                    },
                    _ => Answer::Error,
                }
            }
            other => other.clone(),
        };
        if model == Answer::Error {
            corpus.compare(&format!("{sql:?}: SQLite runs it"), false, true);
            continue;
        }
        let real_mysql = same_answer(&model, &real);
        corpus.compare(
            &format!("{sql:?}: MySQL (same answer on MariaDB)\n      SQLite:  {model:?}\n      MariaDB: {real:?}"),
            *mysql,
            real_mysql,
        );
        flag.compare(
            &format!("{sql:?}: flagged {:?}", r.not_mysql),
            r.not_mysql.is_none(),
            real_mysql,
        );
    }
    let mut out = Report::new("sql console");
    out.sub(corpus);
    out.sub(flag);
    Ok(out)
}

/// The client's first line of error for a connection.
fn client_error(client: &Path, args: &[String]) -> Result<String, String> {
    let out = Command::new(client)
        .arg("--no-defaults")
        .args(args)
        .arg("--execute=SELECT 1")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&out.stderr)
        .lines()
        .next()
        .unwrap_or("")
        .to_string())
}

/// The application's texts for a database that is not running, against what
/// the real client says: no socket file (the single server's `localhost`),
/// and a port where nothing listens (the redundant design's db host).
fn connection_errors(server: &Server) -> Result<Report, String> {
    let mut r = Report::new("sql connection errors (client's text)");
    // The socket path is in the message: Debian's own when nothing is there.
    let gone = if Path::new(app::DB_SOCKET).exists() {
        server.dir.join("gone.sock")
    } else {
        PathBuf::from(app::DB_SOCKET)
    };
    let gone = gone.display().to_string();
    let real = client_error(&server.client, &[format!("--socket={gone}")])?;
    r.compare(
        &format!("server stopped, socket {gone}"),
        app::socket_error(&gone),
        real,
    );
    let port = free_port()?;
    let real = client_error(
        &server.client,
        &[
            "--protocol=TCP".into(),
            "--host=127.0.0.1".into(),
            format!("--port={port}"),
        ],
    )?;
    r.compare(
        &format!("nothing listens on 127.0.0.1:{port}"),
        app::tcp_refused_error("127.0.0.1"),
        real,
    );
    Ok(r)
}
