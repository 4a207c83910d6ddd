//! Entry point: installs the panic hook and mounts [`stackscope::App`].

fn main() {
    stackscope::panic::install();
    // The app mounts four tasks later: this one has just finished compiling
    // and instantiating the module (the last bytes' compilation, 3 to 15 ms
    // in a cold renderer); the next three draw the first frame's views out
    // of the page, so that the functions WebAssembly compiles on their first
    // call are not all compiled in the mount's task (`stackscope::warm`).
    stackscope::warm::start(mount);
}

fn mount() {
    // A deep link (`#s=…`) opens the world, address and step it describes.
    let props = stackscope::AppProps {
        link: gloo::utils::window().location().hash().ok().map(Into::into),
        ..Default::default()
    };
    let root = gloo::utils::document().get_element_by_id("app");
    // index.html's static first frame (scripts/static-frame.mjs) goes, and
    // the live app takes its place within this task: the browser paints
    // the swap once, and the two frames are equal (static-frame.spec.mjs).
    if let Some(root) = &root {
        root.set_inner_html("");
        let _ = root.remove_attribute("inert");
    }
    match root {
        Some(root) => yew::Renderer::<stackscope::App>::with_root_and_props(root, props).render(),
        None => yew::Renderer::<stackscope::App>::with_props(props).render(),
    };
}
