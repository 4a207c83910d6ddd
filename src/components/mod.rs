//! The app's components, one per file, each with its own `Props`.

pub mod announcer;
pub mod chart_errors;
pub mod chart_knee;
pub mod chart_latency;
pub mod chart_line;
pub mod chart_utilisation;
pub mod component_info;
pub mod controls;
pub mod deploy_panel;
pub mod diagram;
pub mod fault_controls;
pub mod header;
pub mod hex_dump;
pub mod inspector;
pub mod load_panel;
pub mod presets;
pub mod preview;
pub mod reason_badge;
pub mod step_list;
pub mod sweep_panel;
pub mod topology;
pub mod url_bar;
pub mod waterfall;
