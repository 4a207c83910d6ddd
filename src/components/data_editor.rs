//! The database editor: browse the users, posts and settings tables (read-only `SELECT *`), and forms to add or change a post or a user.

use stackscope_core::edit::Edit;
use stackscope_core::scenario::{Post, User};
use stackscope_core::server::db::ConsoleResult;
use stackscope_core::Scenario;
use yew::prelude::*;

use crate::components::editors::draft::use_record_form;
use crate::components::editors::{use_pending, EditLine};
use crate::state::{Shared, TABLES};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub world: Shared<Scenario>,
    /// The table being browsed and its rows, from the session's database.
    pub browse: Option<(String, Shared<ConsoleResult>)>,
    /// Where an edit goes to be checked and applied.
    pub line: EditLine,
    /// Show a table (`users`, `posts` or `settings`).
    pub on_browse: Callback<String>,
}

/// The value of column `name` in a row of `r`.
fn col<'a>(r: &'a ConsoleResult, row: &'a [String], name: &str) -> &'a str {
    r.columns
        .iter()
        .position(|c| c == name)
        .and_then(|i| row.get(i))
        .map_or("", String::as_str)
}

/// Characters of a long value shown in a table cell.
const CELL_CHARS: usize = 80;

fn clip(s: &str) -> String {
    if s.chars().count() > CELL_CHARS {
        let cut: String = s.chars().take(CELL_CHARS).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

/// The post form's fields, as typed.
#[derive(Clone, PartialEq)]
struct PostFields {
    slug: String,
    title: String,
    body: String,
    author: String,
    published: String,
}

/// The user form's fields, as typed.
#[derive(Clone, PartialEq)]
struct UserFields {
    name: String,
    bio: String,
}

#[component]
pub fn DataEditor(props: &Props) -> Html {
    let latest = props
        .world
        .data
        .posts
        .iter()
        .map(|p| p.published.clone())
        .max()
        .unwrap_or_else(|| "2026-01-01".into());
    let post_form = use_record_form::<PostFields, i64>(PostFields {
        slug: String::new(),
        title: String::new(),
        body: String::new(),
        author: "1".into(),
        published: latest,
    });
    let user_form = use_record_form::<UserFields, i64>(UserFields {
        name: String::new(),
        bio: String::new(),
    });
    let pending = use_pending(&props.line);

    // Show the posts table at first.
    {
        let on_browse = props.on_browse.clone();
        let browsing = props.browse.is_some();
        use_effect_with((), move |_| {
            if !browsing {
                on_browse.emit("posts".into());
            }
        });
    }

    // New rows take the next free id (rows added in the console count too).
    let next_id = |table: &str, data_max: i64| {
        let browsed = props
            .browse
            .as_ref()
            .filter(|(t, _)| t == table)
            .map(|(_, r)| {
                r.rows
                    .iter()
                    .filter_map(|row| col(r, row, "id").parse::<i64>().ok())
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0);
        data_max.max(browsed) + 1
    };
    let next_post = next_id(
        "posts",
        props
            .world
            .data
            .posts
            .iter()
            .map(|p| p.id)
            .max()
            .unwrap_or(0),
    );
    let next_user = next_id(
        "users",
        props
            .world
            .data
            .users
            .iter()
            .map(|u| u.id)
            .max()
            .unwrap_or(0),
    );

    let submit_post = {
        let pending = pending.clone();
        post_form.on_submit(move |form| {
            let f = form.fields().clone();
            let Ok(author_id) = f.author.trim().parse::<i64>() else {
                form.fail("Choose an author.");
                return;
            };
            let date = f.published.trim().to_string();
            let ok_date = date.len() == 10
                && date.char_indices().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                });
            if !ok_date {
                form.fail(format!(
                    "\"{date}\" is not a date like 2026-11-26 (year-month-day)."
                ));
                return;
            }
            let post = Post {
                id: form.editing().unwrap_or(next_post),
                slug: f.slug.trim().to_string(),
                title: f.title,
                body: f.body,
                author_id,
                published: date,
            };
            form.apply(&pending, Edit::PutPost { post });
        })
    };
    let submit_user = {
        let pending = pending.clone();
        user_form.on_submit(move |form| {
            let f = form.fields().clone();
            let user = User {
                id: form.editing().unwrap_or(next_user),
                name: f.name,
                bio: f.bio,
            };
            form.apply(&pending, Edit::PutUser { user });
        })
    };

    let current = props.browse.as_ref().map(|(t, _)| t.as_str());
    let tabs = TABLES.iter().map(|t| {
        let on_browse = props.on_browse.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_browse.emit(t.to_string()));
        let pressed = current == Some(*t);
        html! {
            <button type="button" id={format!("browse-{t}")} aria-pressed={pressed.to_string()}
                class={classes!("tab", pressed.then_some("current"))} onclick={onclick}>
                { *t }
            </button>
        }
    });

    let table = match &props.browse {
        None => html! {},
        Some((_, r)) if r.error.is_some() => html! {
            <p id="data-error" class="ed-error" role="alert">
                { r.error.clone().unwrap_or_default() }
            </p>
        },
        Some((t, r)) => {
            let editable = t == "posts" || t == "users";
            let rows = r.rows.iter().map(|row| {
                let id = col(r, row, "id").parse::<i64>().ok();
                let edit = match (t.as_str(), id) {
                    ("posts", Some(id)) => {
                        let label = format!("Edit post {}", col(r, row, "slug"));
                        let onclick = post_form.on_edit(id, PostFields {
                            slug: col(r, row, "slug").to_string(),
                            title: col(r, row, "title").to_string(),
                            body: col(r, row, "body").to_string(),
                            author: col(r, row, "author_id").to_string(),
                            published: col(r, row, "published").to_string(),
                        });
                        html! { <button type="button" class="row-edit" aria-label={label} {onclick}>{ "Edit" }</button> }
                    }
                    ("users", Some(id)) => {
                        let n = col(r, row, "name").to_string();
                        let label = format!("Edit user {n}");
                        let onclick = user_form.on_edit(id, UserFields {
                            name: n,
                            bio: col(r, row, "bio").to_string(),
                        });
                        html! { <button type="button" class="row-edit" aria-label={label} {onclick}>{ "Edit" }</button> }
                    }
                    _ => html! {},
                };
                html! {
                    <tr>
                        { for row.iter().map(|v| html! { <td title={v.clone()}>{ clip(v) }</td> }) }
                        if editable { <td class="actions">{ edit }</td> }
                    </tr>
                }
            });
            html! {
                <div class="table-x" tabindex="0" role="region" aria-label={format!("Rows of {t}")}>
                    <table id="data-table" class="result" data-table={t.clone()}>
                        <caption class="muted">
                            { format!("SELECT * FROM {t}: {} rows{}", r.rows.len(),
                                if r.truncated { " (first 200)" } else { "" }) }
                        </caption>
                        <thead><tr>
                            { for r.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }
                            if editable { <th scope="col" class="actions"><span class="visually-hidden">{ "Actions" }</span></th> }
                        </tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            }
        }
    };

    let authors: Vec<(String, String)> = props
        .world
        .data
        .users
        .iter()
        .map(|u| (u.id.to_string(), format!("{} (id {})", u.name, u.id)))
        .collect();
    let (post_id, user_id) = (post_form.editing(), user_form.editing());

    html! {
        <section id="data-editor" class="editor" aria-labelledby="data-editor-title">
            <h3 id="data-editor-title">{ "Database rows" }</h3>
            <div class="tabs" role="group" aria-label="Table to show">{ for tabs }</div>
            { table }
            <form id="post-form" class="ed-form" onsubmit={submit_post}
                aria-label={if post_id.is_some() { "Change a post" } else { "Add a post" }}>
                <h4>{ match post_id { Some(id) => format!("Change post {id}"), None => "Add a post".into() } }</h4>
                { post_form.text_with("post-slug", "Slug (the URL is /posts/slug)", |f| &mut f.slug, "my-post", "text") }
                { post_form.text("post-title", "Title", |f| &mut f.title) }
                { post_form.textarea("post-body", "Body", |f| &mut f.body, 3) }
                { post_form.select("post-author", "Author", &authors, |f| &mut f.author) }
                { post_form.text_with("post-published", "Published", |f| &mut f.published, "2026-11-26", "numeric") }
                { post_form.buttons("post", "post") }
            </form>
            { post_form.alert("post-error") }
            <form id="user-form" class="ed-form" onsubmit={submit_user}
                aria-label={if user_id.is_some() { "Change a user" } else { "Add a user" }}>
                <h4>{ match user_id { Some(id) => format!("Change user {id}"), None => "Add a user".into() } }</h4>
                { user_form.text("user-name", "Name", |f| &mut f.name) }
                { user_form.textarea("user-bio", "Bio", |f| &mut f.bio, 2) }
                { user_form.buttons("user", "user") }
            </form>
            { user_form.alert("user-error") }
        </section>
    }
}
