//! Stackscope's request pipeline: a deterministic, sans-IO model of what
//! happens between typing `http://www.foobar.com/` and seeing the page.
//!
//! The entry point is [`Simulator`]: build it from a [`Scenario`], then call
//! [`Simulator::request`] with what the user typed and the virtual time. It
//! returns a [`Trace`], the ordered record of every hop. Nothing here reads a
//! clock, touches the network or knows about a browser's DOM.

pub mod backup;
pub mod browser;
pub mod day;
pub mod dns;
pub mod edit;
pub mod error;
pub mod firewall;
pub mod http;
pub mod layers;
pub mod load;
pub mod mistake;
pub mod monitor;
#[cfg(feature = "engine")]
pub mod net;
pub mod order;
pub mod pipeline;
pub mod render;
pub mod rng;
pub mod scenario;
pub mod seed;
pub mod server;
pub mod session;
pub mod share;
#[cfg(feature = "engine")]
pub mod sim;
pub mod stored;
pub mod stream;
pub mod text;
#[cfg(feature = "engine")]
pub mod tls;
pub mod trace;
pub mod validate;

pub use error::ScenarioError;
pub use scenario::{Change, Fault, Scenario, Topology};
pub use seed::PRESETS;
#[cfg(feature = "engine")]
pub use sim::Simulator;
pub use trace::{Component, Outcome, Page, Payload, Phase, Status, Step, Trace};
