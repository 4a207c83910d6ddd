//! The browser's `localStorage`, where there is one: none outside a browser
//! (native tests) or when the browser refuses it. Each kind of data has its
//! own versioned key (`stackscope.scenario.v1`, `stackscope.lessons.v1`,
//! `stackscope.visited.v1`).

/// The page's storage, if the browser gives it.
pub fn local() -> Option<web_sys::Storage> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

/// The text stored under `key`.
pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; false when the browser refused it.
pub fn set(key: &str, value: &str) -> bool {
    local().is_some_and(|s| s.set_item(key, value).is_ok())
}
