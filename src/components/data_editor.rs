//! The database editor: browse the users, posts and settings tables (read-only `SELECT *`), and forms to add or change a post or a user.

use stackscope_core::edit::Edit;
use stackscope_core::scenario::{Post, User};
use stackscope_core::server::db::ConsoleResult;
use stackscope_core::Scenario;
use yew::prelude::*;

use crate::components::editors::{apply_edit, form};
use crate::state::{Shared, TABLES};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub world: Shared<Scenario>,
    /// The table being browsed and its rows, from the session's database.
    pub browse: Option<(String, Shared<ConsoleResult>)>,
    /// An edited scenario that passed validation.
    pub on_apply: Callback<Scenario>,
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

#[component]
pub fn DataEditor(props: &Props) -> Html {
    let post_id = use_state(|| None::<i64>);
    let slug = use_state(String::new);
    let title = use_state(String::new);
    let body = use_state(String::new);
    let author = use_state(|| "1".to_string());
    let latest = props
        .world
        .data
        .posts
        .iter()
        .map(|p| p.published.clone())
        .max()
        .unwrap_or_else(|| "2026-01-01".into());
    let published = {
        let latest = latest.clone();
        use_state(move || latest)
    };
    let post_error = use_state(|| None::<String>);
    let user_id = use_state(|| None::<i64>);
    let name = use_state(String::new);
    let bio = use_state(String::new);
    let user_error = use_state(|| None::<String>);

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

    let apply = {
        let world = props.world.clone();
        let on_apply = props.on_apply.clone();
        move |e: Edit, error: &UseStateHandle<Option<String>>| {
            apply_edit(&world, &on_apply, &e, error)
        }
    };

    let clear_post = {
        let (post_id, slug, title, body, published, post_error) = (
            post_id.clone(),
            slug.clone(),
            title.clone(),
            body.clone(),
            published.clone(),
            post_error.clone(),
        );
        let latest = latest.clone();
        move || {
            post_id.set(None);
            slug.set(String::new());
            title.set(String::new());
            body.set(String::new());
            published.set(latest.clone());
            post_error.set(None);
        }
    };
    let submit_post = {
        let apply = apply.clone();
        let clear_post = clear_post.clone();
        let (post_id, slug, title, body, author, published, post_error) = (
            post_id.clone(),
            slug.clone(),
            title.clone(),
            body.clone(),
            author.clone(),
            published.clone(),
            post_error.clone(),
        );
        form::on_submit(Callback::from(move |()| {
            let Ok(author_id) = author.trim().parse::<i64>() else {
                post_error.set(Some("Choose an author.".into()));
                return;
            };
            let date = published.trim().to_string();
            let ok_date = date.len() == 10
                && date.char_indices().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                });
            if !ok_date {
                post_error.set(Some(format!(
                    "\"{date}\" is not a date like 2026-11-26 (year-month-day)."
                )));
                return;
            }
            let post = Post {
                id: post_id.unwrap_or(next_post),
                slug: slug.trim().to_string(),
                title: (*title).clone(),
                body: (*body).clone(),
                author_id,
                published: date,
            };
            if apply(Edit::PutPost { post }, &post_error) {
                clear_post();
            }
        }))
    };

    let clear_user = {
        let (user_id, name, bio, user_error) = (
            user_id.clone(),
            name.clone(),
            bio.clone(),
            user_error.clone(),
        );
        move || {
            user_id.set(None);
            name.set(String::new());
            bio.set(String::new());
            user_error.set(None);
        }
    };
    let submit_user = {
        let apply = apply.clone();
        let clear_user = clear_user.clone();
        let (user_id, name, bio, user_error) = (
            user_id.clone(),
            name.clone(),
            bio.clone(),
            user_error.clone(),
        );
        form::on_submit(Callback::from(move |()| {
            let user = User {
                id: user_id.unwrap_or(next_user),
                name: (*name).clone(),
                bio: (*bio).clone(),
            };
            if apply(Edit::PutUser { user }, &user_error) {
                clear_user();
            }
        }))
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
                let edit = if t == "posts" {
                    let (post_id, slug, title, body, author, published, post_error) = (
                        post_id.clone(),
                        slug.clone(),
                        title.clone(),
                        body.clone(),
                        author.clone(),
                        published.clone(),
                        post_error.clone(),
                    );
                    let id = col(r, row, "id").parse::<i64>().ok();
                    let vals: Vec<String> = ["slug", "title", "body", "author_id", "published"]
                        .iter()
                        .map(|c| col(r, row, c).to_string())
                        .collect();
                    let label = format!("Edit post {}", col(r, row, "slug"));
                    let onclick = Callback::from(move |_: MouseEvent| {
                        post_id.set(id);
                        slug.set(vals[0].clone());
                        title.set(vals[1].clone());
                        body.set(vals[2].clone());
                        author.set(vals[3].clone());
                        published.set(vals[4].clone());
                        post_error.set(None);
                    });
                    html! { <button type="button" class="row-edit" aria-label={label} {onclick}>{ "Edit" }</button> }
                } else if t == "users" {
                    let (user_id, name, bio, user_error) =
                        (user_id.clone(), name.clone(), bio.clone(), user_error.clone());
                    let id = col(r, row, "id").parse::<i64>().ok();
                    let (n, b) = (col(r, row, "name").to_string(), col(r, row, "bio").to_string());
                    let label = format!("Edit user {n}");
                    let onclick = Callback::from(move |_: MouseEvent| {
                        user_id.set(id);
                        name.set(n.clone());
                        bio.set(b.clone());
                        user_error.set(None);
                    });
                    html! { <button type="button" class="row-edit" aria-label={label} {onclick}>{ "Edit" }</button> }
                } else {
                    html! {}
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
    let cancel_post = {
        let clear_post = clear_post.clone();
        Callback::from(move |_: MouseEvent| clear_post())
    };
    let cancel_user = {
        let clear_user = clear_user.clone();
        Callback::from(move |_: MouseEvent| clear_user())
    };

    html! {
        <section id="data-editor" class="editor" aria-labelledby="data-editor-title">
            <h3 id="data-editor-title">{ "Database rows" }</h3>
            <div class="tabs" role="group" aria-label="Table to show">{ for tabs }</div>
            { table }
            <form id="post-form" class="ed-form" onsubmit={submit_post}
                aria-label={if post_id.is_some() { "Change a post" } else { "Add a post" }}>
                <h4>{ match *post_id { Some(id) => format!("Change post {id}"), None => "Add a post".into() } }</h4>
                { form::text_with("post-slug", "Slug (the URL is /posts/slug)", &slug, "my-post", "text") }
                { form::text("post-title", "Title", &title) }
                { form::textarea("post-body", "Body", &body, 3) }
                { form::select("post-author", "Author", &authors, &author) }
                { form::text_with("post-published", "Published", &published, "2026-11-26", "numeric") }
                <div class="ed-buttons">
                    <button type="submit" id="post-submit">
                        { if post_id.is_some() { "Save post" } else { "Add post" } }
                    </button>
                    if post_id.is_some() {
                        <button type="button" id="post-cancel" onclick={cancel_post}>{ "Cancel" }</button>
                    }
                </div>
            </form>
            { form::alert("post-error", &post_error) }
            <form id="user-form" class="ed-form" onsubmit={submit_user}
                aria-label={if user_id.is_some() { "Change a user" } else { "Add a user" }}>
                <h4>{ match *user_id { Some(id) => format!("Change user {id}"), None => "Add a user".into() } }</h4>
                { form::text("user-name", "Name", &name) }
                { form::textarea("user-bio", "Bio", &bio, 2) }
                <div class="ed-buttons">
                    <button type="submit" id="user-submit">
                        { if user_id.is_some() { "Save user" } else { "Add user" } }
                    </button>
                    if user_id.is_some() {
                        <button type="button" id="user-cancel" onclick={cancel_user}>{ "Cancel" }</button>
                    }
                </div>
            </form>
            { form::alert("user-error", &user_error) }
        </section>
    }
}
