//! Entry point: installs the panic hook and mounts [`stackscope::App`].

fn main() {
    stackscope::panic::install();
    // The app mounts three tasks later: this one has just finished compiling
    // and instantiating the module (the last bytes' compilation, 3 to 15 ms
    // in a cold renderer); the next two draw the diagram, then the rest of
    // the first frame's views, out of the page, so that the functions
    // WebAssembly compiles on their first call are not all compiled in the
    // mount's task (`stackscope::warm`).
    use gloo::timers::callback::Timeout;
    Timeout::new(0, || {
        let diagram = stackscope::warm::diagram();
        Timeout::new(0, move || {
            if let Some(warm) = diagram {
                warm.end();
            }
            let rest = stackscope::warm::first_frame();
            Timeout::new(0, move || {
                if let Some(warm) = rest {
                    warm.end();
                }
                mount();
                // After the mount's frame: a task that reads a world as the
                // worker's first reply brings one.
                std::mem::forget(stackscope::later::after_paint(stackscope::warm::replies));
            })
            .forget();
        })
        .forget();
    })
    .forget();
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
