//! Mediation and collaborative process: asides (apartés), copies between rooms, the confidentiality undertaking.
//!
//! The rules of this feature; storage goes through `crate::store`.

pub mod asides;
pub mod copy;
pub mod destinations;
pub mod rooms;
pub mod undertaking;
