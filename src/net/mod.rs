//! Network helpers for Huis Clos that must work in a fully static binary.
//!
//! [`resolve`] looks host names up without glibc's resolver (whose NSS
//! modules cannot be loaded from a static binary).

pub mod resolve;
