//! The app's components, one per file, each with its own `Props`.

pub mod announcer;
pub mod component_info;
pub mod controls;
pub mod diagram;
pub mod header;
pub mod hex_dump;
pub mod inspector;
pub mod presets;
pub mod preview;
pub mod step_list;
pub mod url_bar;
pub mod waterfall;
