//! The application server: routes, parameterised SQL and HTML rendering.

use rusqlite::types::Value;

use crate::http::{escape_html, Request, Response};
use crate::scenario::ProcessState;
use crate::server::db::{literal, DbRoute, LogEntry};
use crate::sim::{spec, Ctx};
use crate::trace::{Component, Payload, Phase, SqlQuery, Status};

/// The statements the application runs. Each text runs unchanged on SQLite
/// and on MySQL/MariaDB (`?` placeholders, `key` quoted, an `ESCAPE`
/// character that is not a backslash, ties in `ORDER BY` broken by id); the
/// conformance suite runs them on a real MariaDB and compares the rows.
pub const SQL_SETTINGS: &str =
    "SELECT `key`, value FROM settings WHERE `key` IN (?, ?) ORDER BY `key`";
pub const SQL_HOME: &str = "SELECT p.slug, p.title, p.published, u.name FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.published DESC, p.id DESC LIMIT 10";
pub const SQL_COUNT_VIEW: &str = "UPDATE posts SET views = views + 1 WHERE slug = ?";
pub const SQL_POST: &str = "SELECT p.title, p.body, p.published, u.id, u.name, p.views FROM posts p JOIN users u ON u.id = p.author_id WHERE p.slug = ?";
pub const SQL_USER: &str = "SELECT name, bio FROM users WHERE id = ?";
pub const SQL_USER_POSTS: &str =
    "SELECT slug, title FROM posts WHERE author_id = ? ORDER BY published DESC, id DESC";
/// Bound twice with [`search_pattern`] (`?1` twice would be SQLite only).
pub const SQL_SEARCH: &str = "SELECT slug, title FROM posts WHERE title LIKE ? ESCAPE '!' OR body LIKE ? ESCAPE '!' ORDER BY published DESC, id DESC";
pub const SQL_ABOUT: &str = "SELECT `key`, value FROM settings ORDER BY `key`";

/// The `LIKE` pattern for a search: the words anywhere, with `LIKE`'s own
/// wildcards (and the escape character `!`) taken literally.
pub fn search_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.chars() {
        if matches!(c, '!' | '%' | '_') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Where the single server's MySQL listens for local clients (Debian's default).
pub const DB_SOCKET: &str = "/run/mysqld/mysqld.sock";

/// The client's error when the server behind the Unix socket is not running
/// (the socket file is gone: errno 2, ENOENT), as MariaDB Connector/C words it.
pub fn socket_error(socket: &str) -> String {
    format!("ERROR 2002 (HY000): Can't connect to local server through socket '{socket}' (2)")
}

/// The client's error when nothing listens on the database host's port 3306
/// (the host answers the SYN with a reset), as MariaDB Connector/C words it:
/// it connects without blocking and reports errno 115 (EINPROGRESS), not 111.
pub fn tcp_refused_error(host: &str) -> String {
    format!("ERROR 2002 (HY000): Can't connect to server on '{host}' (115)")
}

/// What the application did with a request.
pub enum AppResult {
    Response(Response),
    /// It is stuck waiting (for a hung database) and never answers.
    Hung,
}

/// A database call failed in a way the handler cannot recover from.
enum DbFailure {
    Down,
    Hung,
    Error(String),
}

/// One application route.
struct Route {
    pattern: &'static str,
    handler: &'static str,
}

fn route_for(path: &str) -> (Route, Vec<String>) {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        [""] => (
            Route {
                pattern: "/",
                handler: "home",
            },
            vec![],
        ),
        ["posts", slug] if !slug.is_empty() => (
            Route {
                pattern: "/posts/{slug}",
                handler: "show_post",
            },
            vec![(*slug).to_string()],
        ),
        ["users", id] if !id.is_empty() => (
            Route {
                pattern: "/users/{id}",
                handler: "show_user",
            },
            vec![(*id).to_string()],
        ),
        ["search"] => (
            Route {
                pattern: "/search?q=",
                handler: "search",
            },
            vec![],
        ),
        ["about"] => (
            Route {
                pattern: "/about",
                handler: "about",
            },
            vec![],
        ),
        _ => (
            Route {
                pattern: "(none)",
                handler: "not_found",
            },
            vec![],
        ),
    }
}

/// Whether a statement changes data (it must go to the primary).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

/// Runs one query on the right database machine: records the round trip and its result.
/// A statement the database never answered (it is down or stuck): shown
/// with its parameters and no rows.
fn unanswered(text: &str, params: Vec<String>, cost_us: u64) -> Payload {
    Payload::Sql(SqlQuery {
        sql: text.into(),
        params,
        columns: vec![],
        rows: vec![],
        vm_steps: 0,
        cost_us,
        rows_changed: 0,
    })
}

fn sql(
    ctx: &mut Ctx,
    route: &DbRoute,
    kind: Kind,
    text: &str,
    params: Vec<Value>,
) -> Result<Vec<Vec<String>>, DbFailure> {
    let l = &ctx.scenario.latency;
    let (loopback, base, per_k) = (l.loopback_us, l.db_query_us, l.db_us_per_kilo_step);
    let backend = match kind {
        Kind::Read => route.reader,
        Kind::Write => route.writer,
    };
    let to = backend.component;
    let host = backend.hostname;
    let shown: Vec<String> = params.iter().map(literal).collect();
    // The database machine's firewall judges the application's connection
    // (the secured design), from the web server the request is on.
    if let (crate::scenario::Topology::Redundant(c), Some(node)) =
        (&ctx.scenario.topology, ctx.node)
    {
        // With split tiers the query comes from the application machine.
        let src = match ctx.app_node {
            Some(a) if c.split() => c
                .app_tier
                .get(usize::from(a))
                .map(|m| (m.ip, m.hostname.clone())),
            _ => c
                .web
                .get(usize::from(node))
                .map(|w| (w.ip, w.hostname.clone())),
        };
        if let (Some(rules), Some((src, from))) = (c.firewall(host), src) {
            use crate::firewall::{Blocked, Seen};
            let listening = backend.state != ProcessState::Stopped;
            if let Some(Blocked { seen, first, after }) = rules.blocked(src, 3306, listening) {
                let silent = matches!(seen, Seen::TimedOut | Seen::Hangs);
                let wait = if silent {
                    ctx.scenario.latency.proxy_read_timeout_us
                } else {
                    2 * loopback
                };
                let why = match seen {
                    Seen::TimedOut => format!("{host}'s firewall drops the SYN from {from} ({src}) to port 3306 ({}). The database client waits for an answer that never comes (Linux would retry the SYN for 131 s), and Nginx gives up on the application first.", first.because()),
                    Seen::Hangs => format!("{host}'s firewall lets the SYN from {from} in but drops what follows ({}): the query never arrives.", after.because()),
                    Seen::Reset => format!("{host}'s firewall lets the SYN from {from} in but rejects what follows ({}): the connection is reset. \"{}\"", after.because(), tcp_refused_error(host)),
                    _ => format!("{host}'s firewall rejects the connection from {from} ({src}) to port 3306 ({}), and the client fails at once: \"{}\"", first.because(), tcp_refused_error(host)),
                };
                ctx.step(spec(
                    Component::App,
                    to,
                    Phase::Wait,
                    Status::Fail,
                    wait,
                    format!("{host}'s firewall stops the query"),
                    why,
                    unanswered(text, shown, if silent { wait } else { 0 }),
                ));
                return Err(if silent {
                    DbFailure::Hung
                } else {
                    DbFailure::Down
                });
            }
        }
    }
    match backend.state {
        ProcessState::Running => {}
        ProcessState::Hung => {
            let wait = ctx.scenario.latency.proxy_read_timeout_us;
            ctx.step(spec(
                Component::App,
                to,
                Phase::Wait,
                Status::Fail,
                wait,
                "The query never returns",
                format!("The database on {host} accepted the query but is stuck; the application waits for an answer that never comes."),
                unanswered(text, shown, wait),
            ));
            return Err(DbFailure::Hung);
        }
        ProcessState::Stopped | ProcessState::Restarting => {
            let why = if route.replicated && kind == Kind::Write {
                format!(" This statement, {text}, is a write: reads can still go to the replica, but every write needs the primary, and the replica has not been promoted yet.")
            } else {
                String::new()
            };
            let how = if host == "localhost" {
                format!("The application connects to MySQL on localhost, which MySQL clients take to mean the Unix socket {DB_SOCKET}, not TCP port 3306. The database is not running, so the socket file is not there, and the client fails: \"{}\".", socket_error(DB_SOCKET))
            } else {
                format!("The application opens a TCP connection to MySQL on {host}:3306. The machine is up but nothing listens on the port, so it answers with a reset, and the client fails: \"{}\" (MariaDB's client library reports errno 115, \"operation in progress\", rather than 111, \"connection refused\").", tcp_refused_error(host))
            };
            ctx.step(spec(
                Component::App,
                to,
                Phase::Wait,
                Status::Fail,
                2 * loopback,
                "Can't connect to the database",
                format!("{how}{why}"),
                unanswered(text, shown, 0),
            ));
            return Err(DbFailure::Down);
        }
    }
    let start = ctx.now;
    let rows = match backend.db.query(text, &params) {
        Ok(r) => r,
        Err(e) => {
            ctx.step(spec(
                Component::App,
                to,
                Phase::Wait,
                Status::Fail,
                loopback + base,
                "The query failed",
                format!("The database rejected the statement: {e}"),
                Payload::None,
            ));
            return Err(DbFailure::Error(e));
        }
    };
    if kind == Kind::Write && route.replicated {
        ctx.writes.push(LogEntry {
            commit_us: ctx.session_now(),
            sql: text.to_string(),
            params,
        });
    }
    let cost = base + rows.vm_steps * per_k / 1000;
    let n = rows.rows.len();
    let name = summary(text);
    let mut explanation = match kind {
        Kind::Write => format!("The application sends a parameterised write to the database on {host}: the SQL text and the values travel separately, so a value can never change the statement. A write returns no rows, only a count: {}.", changed_text(rows.changed)),
        Kind::Read => format!("The application sends a parameterised query to the database on {host}: the SQL text and the values travel separately, so a value can never change the statement. The engine ran {} virtual-machine steps.", rows.vm_steps),
    };
    if text.contains(" LIKE ") {
        explanation.push_str(" LIKE compares case-sensitively here: the modelled MySQL server uses the binary collation utf8mb4_nopad_bin, as SQLite does with case_sensitive_like.");
    }
    if backend.component == Component::Replica && !route.replicated {
        explanation.push_str(&format!(" {host} was promoted to primary when the old primary stopped, and it keeps that role: repairing the old primary does not undo a failover (it would come back as the new primary's replica)."));
    } else if kind == Kind::Read && route.reader.component == Component::Replica {
        let behind = route.reader_behind + ctx.writes.len();
        if behind > 0 {
            explanation.push_str(&format!(" This read goes to the replica, which replays the primary's writes about {:.1} s late: {behind} recent write{} {} not there yet, so the answer can be stale.", route.lag_us as f64 / 1e6, if behind == 1 { "" } else { "s" }, if behind == 1 { "is" } else { "are" }));
        } else {
            explanation.push_str(" This read goes to the replica, which holds every write so far.");
        }
    }
    ctx.step(spec(
        Component::App,
        to,
        Phase::Wait,
        Status::Ok,
        loopback + cost,
        format!("SQL: {name}"),
        explanation,
        Payload::Sql(SqlQuery {
            sql: text.into(),
            params: shown,
            columns: rows.columns,
            rows: rows.rows.clone(),
            vm_steps: rows.vm_steps,
            cost_us: cost,
            rows_changed: rows.changed,
        }),
    ));
    let back = match kind {
        Kind::Write => format!(
            "The database confirms the write: {}.",
            changed_text(rows.changed)
        ),
        Kind::Read => format!(
            "The database returns {n} row{} to the application.",
            if n == 1 { "" } else { "s" }
        ),
    };
    ctx.step(spec(
        to,
        Component::App,
        Phase::Wait,
        Status::Ok,
        loopback,
        match kind {
            Kind::Write => format!("Write confirmed: {}", changed_text(rows.changed)),
            Kind::Read => format!("{n} row{} back", if n == 1 { "" } else { "s" }),
        },
        back,
        Payload::None,
    ));
    ctx.span(to, &name, start);
    Ok(rows.rows)
}

/// "1 row changed", "0 rows changed".
fn changed_text(n: u64) -> String {
    format!("{n} row{} changed", if n == 1 { "" } else { "s" })
}

/// A short name for a statement: `SELECT … FROM posts`.
fn summary(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let verb = words.first().copied().unwrap_or("SQL");
    match words.iter().position(|w| w.eq_ignore_ascii_case("from")) {
        Some(i) if i + 1 < words.len() => format!("{verb} … FROM {}", words[i + 1]),
        _ => words.iter().take(3).copied().collect::<Vec<_>>().join(" "),
    }
}

/// The page's `<title>`: the page, then the site, without a dangling
/// separator when either is missing (the settings may not have loaded).
fn page_title(title: &str, site: &str) -> String {
    [title, site]
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| escape_html(p))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn layout(
    site: &str,
    tagline: &str,
    title: &str,
    hostname: &str,
    image: &str,
    body: &str,
) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n</head>\n<body>\n\
<header><h1><a href=\"/\">{s}</a></h1><p>{tag}</p></header>\n<main>\n{body}</main>\n\
<footer><p>Rendered by the application server on {h} ({i}).</p></footer>\n</body>\n</html>\n",
        t = page_title(title, site),
        s = escape_html(site),
        tag = escape_html(tagline),
        h = escape_html(hostname),
        i = escape_html(image),
    )
}

/// The response header that names the release which answered.
pub const VERSION_HEADER: &str = "X-App-Version";

/// Handles a request proxied by Nginx.
pub fn handle(
    ctx: &mut Ctx,
    db: &DbRoute,
    hostname: &str,
    release: crate::scenario::Release,
    req: &Request,
) -> AppResult {
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (req.target.as_str(), ""),
    };
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    let (route, args) = route_for(&path);
    let app_us = ctx.scenario.latency.app_us;
    ctx.step(spec(
        Component::App,
        Component::App,
        Phase::Wait,
        Status::Ok,
        app_us,
        format!("Route {} → {}", path, route.handler),
        format!("The application server matches the path {path} against its routes and calls the handler {}.", route.handler),
        Payload::Route {
            pattern: route.pattern.into(),
            handler: route.handler.into(),
        },
    ));
    let settings = sql(
        ctx,
        db,
        Kind::Read,
        SQL_SETTINGS,
        vec![
            Value::Text("site_title".into()),
            Value::Text("tagline".into()),
        ],
    );
    let (site_rows, result) = match settings {
        Err(e) => (Vec::new(), Err(e)),
        Ok(rows) if req.method != http::Method::GET && req.method != http::Method::HEAD => (
            rows,
            Ok((
                405,
                "Method not allowed".to_string(),
                "<p>This page only answers GET.</p>\n".to_string(),
            )),
        ),
        Ok(rows) => {
            let page = page(ctx, db, route.handler, &args, query);
            (rows, page)
        }
    };
    let (status, title, body) = match result {
        Ok(p) => p,
        Err(DbFailure::Hung) => return AppResult::Hung,
        Err(DbFailure::Down) => (
            500,
            "Internal Server Error".to_string(),
            "<p>The application could not reach its database, so it cannot build this page.</p>\n"
                .to_string(),
        ),
        Err(DbFailure::Error(e)) => (
            500,
            "Internal Server Error".to_string(),
            format!("<p>A query failed: {}</p>\n", escape_html(&e)),
        ),
    };
    let get = |k: &str| {
        site_rows
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(k))
            .and_then(|r| r.get(1).cloned())
            .unwrap_or_default()
    };
    let (site_title, tagline) = (get("site_title"), get("tagline"));
    let html = layout(
        &site_title,
        &tagline,
        &title,
        hostname,
        &release.image(),
        &body,
    );
    let kib = (html.len() as u64).div_ceil(1024).max(1);
    let render_us = kib * ctx.scenario.latency.render_us_per_kib;
    ctx.step(spec(
        Component::App,
        Component::App,
        Phase::Wait,
        if status >= 500 { Status::Fail } else { Status::Ok },
        render_us,
        format!("Render HTML ({status})"),
        if status >= 500 {
            "The handler failed, so the application renders an error page with status 500.".to_string()
        } else {
            format!("The application fills its HTML template with the rows, escaping every value so text from the database can never become markup. The page is {} bytes.", html.len())
        },
        Payload::Html {
            title: title.clone(),
            bytes: html.len(),
        },
    ));
    let mut res = Response::new(status, "text/html; charset=utf-8", html);
    res.headers
        .push((VERSION_HEADER.to_string(), release.tag().to_string()));
    AppResult::Response(res)
}

type Page = (u16, String, String);

fn page(
    ctx: &mut Ctx,
    db: &DbRoute,
    handler: &str,
    args: &[String],
    query: &str,
) -> Result<Page, DbFailure> {
    match handler {
        "home" => {
            let rows = sql(ctx, db, Kind::Read, SQL_HOME, vec![])?;
            let mut body = String::from("<h2>Latest posts</h2>\n<ul>\n");
            for r in &rows {
                body.push_str(&format!(
                    "<li><a href=\"/posts/{}\">{}</a> <span class=\"meta\">{} · {}</span></li>\n",
                    escape_html(&r[0]),
                    escape_html(&r[1]),
                    escape_html(&r[3]),
                    escape_html(&r[2])
                ));
            }
            body.push_str("</ul>\n");
            Ok((200, "Latest posts".into(), body))
        }
        "show_post" => {
            let slug = args.first().cloned().unwrap_or_default();
            // Count the view: a write, so it goes to the primary.
            sql(
                ctx,
                db,
                Kind::Write,
                SQL_COUNT_VIEW,
                vec![Value::Text(slug.clone())],
            )?;
            let rows = sql(
                ctx,
                db,
                Kind::Read,
                SQL_POST,
                vec![Value::Text(slug.clone())],
            )?;
            match rows.first() {
                Some(r) => Ok((
                    200,
                    r[0].clone(),
                    format!(
                        "<article>\n<h2>{}</h2>\n<p class=\"meta\">By <a href=\"/users/{}\">{}</a> on {} · {} views</p>\n<p>{}</p>\n</article>\n",
                        escape_html(&r[0]),
                        escape_html(&r[3]),
                        escape_html(&r[4]),
                        escape_html(&r[2]),
                        escape_html(&r[5]),
                        escape_html(&r[1])
                    ),
                )),
                None => Ok(not_found(&format!("There is no post called “{slug}”."))),
            }
        }
        "show_user" => {
            let Ok(id) = args
                .first()
                .map(String::as_str)
                .unwrap_or("")
                .parse::<i64>()
            else {
                return Ok(not_found("User ids are numbers."));
            };
            let rows = sql(ctx, db, Kind::Read, SQL_USER, vec![Value::Integer(id)])?;
            let Some(u) = rows.first().cloned() else {
                return Ok(not_found(&format!("There is no user {id}.")));
            };
            let posts = sql(
                ctx,
                db,
                Kind::Read,
                SQL_USER_POSTS,
                vec![Value::Integer(id)],
            )?;
            let mut body = format!(
                "<h2>{}</h2>\n<p>{}</p>\n<ul>\n",
                escape_html(&u[0]),
                escape_html(&u[1])
            );
            for p in &posts {
                body.push_str(&format!(
                    "<li><a href=\"/posts/{}\">{}</a></li>\n",
                    escape_html(&p[0]),
                    escape_html(&p[1])
                ));
            }
            body.push_str("</ul>\n");
            Ok((200, u[0].clone(), body))
        }
        "search" => {
            let q: String = url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "q")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            if q.contains('\0') {
                // SQLite's LIKE stops at a NUL character and MySQL's does
                // not: refuse it rather than answer differently.
                return Ok((
                    400,
                    "Bad request".into(),
                    "<p>A search term cannot contain a NUL character (%00).</p>\n".into(),
                ));
            }
            let pattern = search_pattern(&q);
            let rows = sql(
                ctx,
                db,
                Kind::Read,
                SQL_SEARCH,
                vec![Value::Text(pattern.clone()), Value::Text(pattern)],
            )?;
            let mut body = format!(
                "<h2>Search</h2>\n<p>{} result{} for “{}” (case-sensitive)</p>\n<ul>\n",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" },
                escape_html(&q)
            );
            for p in &rows {
                body.push_str(&format!(
                    "<li><a href=\"/posts/{}\">{}</a></li>\n",
                    escape_html(&p[0]),
                    escape_html(&p[1])
                ));
            }
            body.push_str("</ul>\n");
            Ok((200, format!("Search: {q}"), body))
        }
        "about" => {
            let rows = sql(ctx, db, Kind::Read, SQL_ABOUT, vec![])?;
            let mut body = String::from("<h2>About</h2>\n<dl>\n");
            for r in &rows {
                body.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>\n",
                    escape_html(&r[0]),
                    escape_html(&r[1])
                ));
            }
            body.push_str("</dl>\n");
            Ok((200, "About".into(), body))
        }
        _ => Ok(not_found("No page lives at this address.")),
    }
}

fn not_found(msg: &str) -> Page {
    (
        404,
        "Not found".into(),
        format!("<h2>Not found</h2>\n<p>{}</p>\n", escape_html(msg)),
    )
}
