//! The profiles of a space member (DESIGN.md, "Domain"): what each may do is decided in
//! `domain::access`; here is only the value, so that the store can record it.

use serde::{Deserialize, Serialize};

/// The four profiles, the only rights there are (DESIGN.md, "Domain").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Everything in the space, members and settings included.
    Gestionnaire,
    /// Reads everything, posts messages, uploads, adds events.
    Contributeur,
    /// Reads and downloads.
    Lecteur,
    /// Sees what is shared with all and his own deposits, never other depositors'.
    Deposant,
}

impl Profile {
    pub const ALL: [Profile; 4] = [
        Profile::Gestionnaire,
        Profile::Contributeur,
        Profile::Lecteur,
        Profile::Deposant,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Profile::Gestionnaire => "gestionnaire",
            Profile::Contributeur => "contributeur",
            Profile::Lecteur => "lecteur",
            Profile::Deposant => "deposant",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.id() == s)
    }
}
