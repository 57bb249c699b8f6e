//! Arbitration and litigation: the case, the parties' numbered exhibits (pièces), their communication with the bordereau, acknowledgements and evidence bundles.
//!
//! The rules of this feature; storage goes through `crate::store`.

pub mod acks;
pub mod bordereau;
pub mod case;
pub mod communications;
pub mod evidence;
pub mod evidence_plan;
pub mod evidence_verify;
pub mod exhibits;
pub mod views;
