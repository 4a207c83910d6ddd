//! The network: TCP connections across the internet to a server's port.

pub mod tcp;
pub mod vrrp;
