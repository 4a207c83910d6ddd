//! Entry point: installs the panic hook and mounts [`stackscope::App`].

fn main() {
    stackscope::panic::install();
    // A deep link (`#s=…`) opens the world, address and step it describes.
    let props = stackscope::AppProps {
        link: gloo::utils::window().location().hash().ok().map(Into::into),
        ..Default::default()
    };
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => yew::Renderer::<stackscope::App>::with_root_and_props(root, props).render(),
        None => yew::Renderer::<stackscope::App>::with_props(props).render(),
    };
}
