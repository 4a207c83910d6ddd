//! "A replica is not a backup", run (`core::mistake` in the worker): a
//! mistaken statement typed on the primary, the home page read from the
//! replica before and after it replays the statement, then from a database
//! loaded from the last dump. Shown inside the backup panel.

use stackscope_core::mistake::{MistakeRun, DEFAULT_STATEMENT as DEFAULT};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub result: Option<Shared<Result<Box<MistakeRun>, String>>>,
    pub running: bool,
    pub on_run: Callback<String>,
    /// The statement of a `#mistake=…` link the page was opened with: it is
    /// run at once.
    #[prop_or_default]
    pub link: Option<String>,
}

pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with("#mistake=")
}

/// Reads `#mistake=STATEMENT` (percent-encoded); an empty one is the default.
pub fn parse_link(fragment: &str) -> Option<String> {
    let raw = fragment.strip_prefix("#mistake=")?;
    let sql = percent_encoding::percent_decode_str(&raw.replace('+', " "))
        .decode_utf8_lossy()
        .trim()
        .to_string();
    Some(if sql.is_empty() {
        DEFAULT.to_string()
    } else {
        sql
    })
}

/// The link that runs `sql`.
pub fn link_of(sql: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'*')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.');
    format!(
        "#mistake={}",
        percent_encoding::utf8_percent_encode(sql.trim(), SET)
    )
}

/// What the run shows, in sentences computed from it.
pub fn summary(r: &MistakeRun) -> String {
    format!(
        "{} changed {} rows on the primary. The replica replays every statement it is sent, so {:.1} s later the page, which reads from the replica, lists {} of the {} posts. A database loaded from the last dump, taken before the mistake, lists {}: only a backup goes back in time.",
        r.statement, r.changed, r.lag_s, r.after, r.before, r.restored
    )
}

#[component]
pub fn MistakeRunView(props: &Props) -> Html {
    let sql = {
        let link = props.link.clone();
        use_state(move || link.unwrap_or_else(|| DEFAULT.to_string()))
    };
    crate::components::day_field::use_linked_run(
        "mistake",
        props.link.clone(),
        props.result.is_some(),
        props.on_run.clone(),
    );
    let oninput = {
        let sql = sql.clone();
        Callback::from(move |e: InputEvent| {
            sql.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (sql, on_run) = (sql.clone(), props.on_run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_run.emit((*sql).clone());
        })
    };
    let body = match props.result.as_deref() {
        None => Html::default(),
        Some(Err(e)) => html! {
            <p id="mistake-error" class="day-error" role="alert">{ format!("✕ {e}.") }</p>
        },
        Some(Ok(r)) => html! {
            <>
                <table id="mistake-table" class="day-table">
                    <caption>{ "The run, in the redundant design (every row from the simulation)" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Time" }</th>
                            <th scope="col">{ "What happened" }</th>
                            <th scope="col">{ "Posts the page lists" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for r.moments.iter().map(|m| html! {
                            <tr>
                                <td class="at">{ format!("{:.2} s", m.at_s) }</td>
                                <td>{ m.what.clone() }</td>
                                <td>{ match (m.posts_listed, &m.read_from) {
                                    (Some(n), Some(from)) => format!("{n}, read from {from}"),
                                    (Some(n), None) => n.to_string(),
                                    _ => "—".to_string(),
                                } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <p id="mistake-summary" class="mistake-summary">{ summary(r) }</p>
                <p><a id="mistake-link" href={link_of(&r.statement)}>{ "Link to this run" }</a></p>
            </>
        },
    };
    html! {
        <div id="mistake" class="mistake">
            <h3>{ "A replica is not a backup: run it" }</h3>
            <p class="hint">
                { "Type a mistake on the primary database of the redundant design. The home page reads its posts from the replica." }
            </p>
            <form class="day-form" onsubmit={onsubmit}>
                <label class="day-field" for="mistake-sql">
                    <span>{ "Mistaken statement" }</span>
                    <input id="mistake-sql" type="text" spellcheck="false" autocomplete="off"
                        value={(*sql).clone()} oninput={oninput} />
                </label>
                <button id="mistake-run" type="submit" disabled={props.running}>
                    { if props.running { "Running…" } else { "Run it" } }
                </button>
            </form>
            <div aria-live="polite">{ body }</div>
        </div>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn links_read_back() {
        for sql in [
            "DELETE FROM posts",
            "DELETE FROM posts WHERE id = 1",
            "UPDATE users SET bio = 'x'",
        ] {
            assert_eq!(parse_link(&link_of(sql)).as_deref(), Some(sql));
        }
        assert_eq!(
            link_of("DELETE FROM posts"),
            "#mistake=DELETE%20FROM%20posts"
        );
        assert_eq!(parse_link("#mistake=").as_deref(), Some(DEFAULT));
        assert_eq!(
            parse_link("#mistake=DELETE+FROM+users").as_deref(),
            Some("DELETE FROM users")
        );
        assert_eq!(parse_link("#backup=02:00"), None);
    }

    #[test]
    fn the_summary_reads_the_run() {
        let world = stackscope_core::seed::redundant_stack();
        let r = stackscope_core::mistake::run(&world, &Default::default()).unwrap();
        assert_eq!(
            summary(&r),
            "DELETE FROM posts changed 3 rows on the primary. The replica replays every statement it is sent, so 1.5 s later the page, which reads from the replica, lists 0 of the 3 posts. A database loaded from the last dump, taken before the mistake, lists 3: only a backup goes back in time."
        );
    }
}
