//! The SQL console: run one statement against the session's database, bounded in time and rows; writes are kept with the stack.

use stackscope_core::server::db::{ConsoleResult, CONSOLE_MAX_ROWS, CONSOLE_MAX_STEPS};
use yew::prelude::*;

use crate::components::editors::form;
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The last statement's result.
    pub result: Option<Shared<ConsoleResult>>,
    pub on_run: Callback<String>,
}

use crate::format::thousands;

#[component]
pub fn SqlConsole(props: &Props) -> Html {
    let sql = use_state(|| "SELECT id, slug, title FROM posts ORDER BY published DESC".to_string());
    let submit = {
        let sql = sql.clone();
        let on_run = props.on_run.clone();
        form::on_submit(Callback::from(move |()| on_run.emit((*sql).clone())))
    };

    // Said beside the result: the statement would not run (or would mean
    // something else) on the MySQL the lesson is about.
    let dialect = props
        .result
        .as_deref()
        .and_then(|r| r.not_mysql.clone())
        .map(|n| html! { <p id="sql-dialect" class="hint">{ n }</p> });
    let output = match props.result.as_deref() {
        None => html! {},
        Some(r) => {
            if let Some(e) = &r.error {
                html! { <p id="sql-error" class="ed-error" role="alert">{ e.clone() }</p> }
            } else {
                let summary = if r.wrote {
                    format!(
                        "{} row{} changed. Kept with the stack: saved, exported, and replayed when the world is rebuilt.",
                        r.changed,
                        if r.changed == 1 { "" } else { "s" }
                    )
                } else {
                    format!(
                        "{} row{}{} · {} steps of SQLite's virtual machine",
                        r.rows.len(),
                        if r.rows.len() == 1 { "" } else { "s" },
                        if r.truncated {
                            format!(" (stopped at {CONSOLE_MAX_ROWS})")
                        } else {
                            String::new()
                        },
                        thousands(r.vm_steps)
                    )
                };
                html! {
                    <>
                        <p id="sql-summary" role="status">{ summary }</p>
                        if !r.columns.is_empty() {
                            <div class="table-x" tabindex="0" role="region" aria-label="Rows returned">
                                <table id="sql-rows" class="result">
                                    <thead><tr>
                                        { for r.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }
                                    </tr></thead>
                                    <tbody>
                                        { for r.rows.iter().map(|row| html! {
                                            <tr>{ for row.iter().map(|v| html! { <td title={v.clone()}>{ v.clone() }</td> }) }</tr>
                                        }) }
                                    </tbody>
                                </table>
                            </div>
                        }
                    </>
                }
            }
        }
    };

    html! {
        <section id="sql-console" class="editor" aria-labelledby="sql-console-title">
            <h3 id="sql-console-title">{ "SQL console" }</h3>
            <p class="hint">
                { format!("This console runs SQLite, which stands in for MySQL here; a statement \
                   that is not MySQL is marked. One statement at a time, against the database the application uses. \
                   Writes (INSERT, UPDATE, DELETE) are kept with the stack. A statement is stopped \
                   after {} steps of SQLite's virtual machine and shows at most {CONSOLE_MAX_ROWS} rows.",
                   thousands(CONSOLE_MAX_STEPS)) }
            </p>
            <form id="sql-form" class="ed-form sql" onsubmit={submit} aria-label="SQL console">
                { form::textarea("sql-input", "SQL", &sql, 3) }
                <div class="ed-buttons">
                    <button type="submit" id="sql-run">{ "Run" }</button>
                </div>
            </form>
            <div id="sql-result" class="sql-result">{ output }{ for dialect }</div>
        </section>
    }
}
