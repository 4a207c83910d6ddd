//! DNS: zone data answered by name servers, and the recursive resolver that walks them.

#[cfg(feature = "engine")]
pub mod resolver;
pub mod wire;
pub mod zone;
