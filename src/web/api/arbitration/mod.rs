//! Arbitration and litigation: the case, the parties' numbered exhibits (pièces), their communication with the bordereau, acknowledgements and evidence bundles.
//!
//! JSON API (`/api/v1`) of this feature: one handler per file, named noun_verb.

pub mod communication_acknowledge;
pub mod communication_create;
pub mod communication_show;
pub mod exhibit_case_update;
pub mod exhibit_create;
pub mod exhibits_list;
