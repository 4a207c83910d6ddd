//! A bare Yew counter, the baseline for Stackscope's first-paint measurement
//! (`scripts/bench-paint.sh`, `tests/e2e/first-paint.mjs --compare`): the
//! same toolchain, release profile, wasm-opt level and CSP as the main app,
//! and nothing else, so that the ratio of the two first paints shows what the
//! app itself costs on top of "any Yew app".

use yew::prelude::*;

/// `<main id="counter">`: a heading, the count and a button that adds one.
#[function_component]
pub fn App() -> Html {
    let count = use_state(|| 0_u32);
    let onclick = {
        let count = count.clone();
        Callback::from(move |_: MouseEvent| count.set(*count + 1))
    };
    html! {
        <main id="counter">
            <h1>{ "Counter" }</h1>
            <p aria-live="polite">{ "Count: " }<output>{ *count }</output></p>
            <button type="button" {onclick}>{ "+1" }</button>
        </main>
    }
}
