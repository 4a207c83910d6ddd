//! The server at 8.8.8.8: Nginx in front, the application server and the database behind.
//!
//! `nginx` (configuration and `location` matching) and the database's
//! result types are plain data, always built; serving requests needs the
//! `engine` feature (SQLite).

#[cfg(feature = "engine")]
pub mod app;
pub mod db;
#[cfg(feature = "engine")]
pub mod lb;
pub mod nginx;
#[cfg(feature = "engine")]
mod serve;
#[cfg(feature = "engine")]
pub mod upstream;

#[cfg(feature = "engine")]
pub use serve::*;
