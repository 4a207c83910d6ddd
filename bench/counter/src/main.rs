//! Entry point: mounts [`counter_baseline::App`] on `<body>`.

fn main() {
    // The app needs a browser; natively the crate only has to compile (the
    // workspace's clippy and tests run on both targets).
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<counter_baseline::App>::new().render();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("counter-baseline runs in a browser: build it with `trunk build --release` in bench/counter");
}
