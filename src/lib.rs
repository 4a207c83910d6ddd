//! Stackscope's browser UI: a Yew app that animates one request through the simple web stack.

pub mod app;
pub mod backend;
pub mod components;
pub mod faults;
pub mod format;
pub mod journey;
pub mod later;
pub mod lessons;
pub mod maintenance;
pub mod panels;
pub mod panic;
pub mod stable;
pub mod state;
pub mod storage;
pub mod warm;

pub use app::{App, AppProps};
