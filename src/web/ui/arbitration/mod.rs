//! Arbitration and litigation: the case, the parties' numbered exhibits (pièces), their communication with the bordereau, acknowledgements and evidence bundles.
//!
//! HTML pages of this feature: one handler per file, named noun_verb.

pub mod communication_acknowledge;
pub mod communication_create;
pub mod communication_file;
pub mod communication_remind;
pub mod communication_show;
pub mod evidence_export;
pub mod exhibit_case_update;
pub mod exhibit_content;
pub mod exhibit_create;
pub mod exhibit_update;
pub mod exhibits_show;
