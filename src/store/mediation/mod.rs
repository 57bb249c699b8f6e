//! Mediation and collaborative process: asides (apartés), copies between rooms, the confidentiality undertaking.
//!
//! Storage of this feature: redb tables through the store's codec, no access rule.

pub mod asides;
pub mod undertakings;
