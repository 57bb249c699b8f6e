//! Arbitration and litigation: the case, the parties' numbered exhibits (pièces), their communication with the bordereau, acknowledgements and evidence bundles.
//!
//! Storage of this feature: redb tables through the store's codec, no access rule.

pub mod communications;
pub mod exhibits;
