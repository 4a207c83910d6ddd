//! The stack kept in the browser (`localStorage`): the page moves the text,
//! the simulated server writes and reads its JSON (`stackscope_core::stored`:
//! the page's module has no JSON codec).

pub use stackscope_core::stored::{KEY, MAX_IMPORT_BYTES};

#[cfg(target_arch = "wasm32")]
use crate::storage::local as storage;

/// The raw text stored under [`KEY`], if any.
#[cfg(target_arch = "wasm32")]
pub fn load_raw() -> Option<String> {
    storage()?.get_item(KEY).ok().flatten()
}

/// Stores the stack's stored form; the message says why it could not be saved.
#[cfg(target_arch = "wasm32")]
pub fn save(text: &str) -> Result<(), String> {
    storage()
        .ok_or_else(|| "This browser does not let the page save data.".to_string())?
        .set_item(KEY, text)
        .map_err(|_| {
            "The browser refused to save the stack (storage full or disabled); export it to keep it."
                .to_string()
        })
}

/// Forgets the stored scenario.
#[cfg(target_arch = "wasm32")]
pub fn remove() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn load_raw() -> Option<String> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
pub fn save(_: &str) -> Result<(), String> {
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn remove() {}
