//! The page header: the title and one honest line about what is simulated.

use yew::prelude::*;

#[component]
pub fn Header() -> Html {
    html! {
        <header class="site-header">
            <h1>{ "Stackscope: what happens when you open " }<code>{ "http://www.foobar.com/" }</code></h1>
            <p class="honest">
                { "Latencies are modelled, not measured. SQLite compiled to WebAssembly plays the \
                   MySQL role. Every number on this page comes from the simulation." }
            </p>
        </header>
    }
}
