//! Entry point: installs the panic hook and mounts [`stackscope::App`].

fn main() {
    stackscope::panic::install();
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => yew::Renderer::<stackscope::App>::with_root(root).render(),
        None => yew::Renderer::<stackscope::App>::new().render(),
    };
}
